package main

import (
	"context"
	"fmt"
	"io"
)

// runDemo runs the offline end-to-end federation. It is filled in as the packages
// it shows land.
func runDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stdout, "samlaws demo: not yet implemented")
	return exitOK
}
