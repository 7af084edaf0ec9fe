// Package datecheck holds only the guard test of .ci/datecheck, the CI step that
// runs the time-sensitive packages' tests with the wall clock moved to dates up to
// 2030-12-31 (docs/design.md, "Tests on any date"). Its test proves that the
// step really moves both clocks that a test can meet: the Go process's own
// time.Now (through the step's overlay of package time) and the clock of every
// peer process the test starts (xmlsec1, python3, node, through libfaketime).
// Outside that step the test skips.
package datecheck
