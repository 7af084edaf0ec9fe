//go:build !linux

package main

import "os"

// isTTY is true where no terminal ioctl is wired up: any character device
// counts as a terminal there.
func isTTY(*os.File) bool { return true }
