//go:build !linux

package main

import (
	"errors"
	"os"
)

func openPTY() (pty, tty *os.File, err error) {
	return nil, nil, errors.New("pseudo-terminals are opened on Linux only in these tests")
}
