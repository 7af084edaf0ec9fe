// Command samlaws is the command-line face of the samlaws toolkit: it mints test
// SAML responses, inspects federation metadata, checks responses as AWS would and
// runs an offline demo of an Entra ID to AWS federation.
//
// Run "samlaws help" for the list of commands.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
