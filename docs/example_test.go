package docs_test

import (
	"fmt"

	"github.com/samlaws/samlaws/docs"
)

func ExampleLookup() {
	r, ok := docs.Lookup("rule a3.4")
	fmt.Println(ok, r.ID, r.Title)
	fmt.Println(r.SourceURL)
	// Output:
	// true A3.4 RoleSessionName
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
}
