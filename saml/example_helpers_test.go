package saml_test

import (
	"log"
	"math/rand/v2"
	"time"

	"github.com/samlaws/samlaws/saml/samltest"
)

// exampleIdP returns a deterministic test Entra tenant: fixed tenant ID,
// clock and randomness stream (tests only: never a fixed stream in
// production).
func exampleIdP() *samltest.IdP {
	idp, err := samltest.New(samltest.IdPConfig{
		TenantID: "8b966979-910b-487c-a604-69229b1ac75c",
		Now:      func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) },
		Rand:     rand.NewChaCha8([32]byte{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	return idp
}
