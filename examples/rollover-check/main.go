// Command rollover-check answers the question an admin asks before updating
// an IAM SAML provider with new Entra federation metadata: would the switch cut
// off sign-in? It compares the metadata the provider holds now with the new
// document and lists the signing certificates added, removed and kept (C3.4).
//
//	go run ./examples/rollover-check -current iam-provider.xml -new FederationMetadata.xml [-active THUMBPRINT]
//
// It exits 0 when the switch is safe, 1 when it would break sign-in.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/samlaws/samlaws/metadata"
)

func main() {
	cur := flag.String("current", "", "metadata the IAM provider holds now (aws iam get-saml-provider)")
	next := flag.String("new", "", "the metadata you are about to upload")
	active := flag.String("active", "", "SHA-1 or SHA-256 thumbprint of the certificate Entra signs with now (optional)")
	flag.Parse()
	if *cur == "" || *next == "" {
		flag.Usage()
		os.Exit(2)
	}
	breaks, err := run(*cur, *next, *active, time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if breaks {
		os.Exit(1)
	}
}

func run(curPath, nextPath, active string, now time.Time) (bool, error) {
	load := func(p string) (*metadata.Document, error) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		return metadata.Parse(b, metadata.Limits{})
	}
	old, err := load(curPath)
	if err != nil {
		return false, err
	}
	nw, err := load(nextPath)
	if err != nil {
		return false, err
	}
	d, err := metadata.Compare(old, nw, metadata.CompareOptions{Now: func() time.Time { return now }, ActiveSigner: active})
	if err != nil {
		return false, err
	}
	show := func(label string, cs []metadata.Certificate) {
		for _, c := range cs {
			fmt.Printf("%-8s %s  expires %s  %s\n", label, c.SHA1, c.NotAfter.Format(time.DateOnly), c.Subject)
		}
	}
	show("added", d.Added)
	show("removed", d.Removed)
	show("kept", d.Kept)
	if d.Breaks {
		fmt.Println("UNSAFE: this update would break sign-in:")
		for _, r := range d.Reasons {
			fmt.Println("  -", r)
		}
		return true, nil
	}
	fmt.Println("safe: the certificate Entra signs with stays trusted")
	return false, nil
}
