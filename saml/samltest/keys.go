package samltest

import (
	"crypto/rsa"

	"github.com/samlaws/samlaws/internal/testkeys"
)

// The key pool lives in package internal/testkeys, shared with "samlaws demo";
// see its documentation. Generating an RSA-2048 key costs about 90 ms, so every
// IdP signs with one of a small, fixed pool of PUBLIC test keys, each parsed at
// most once per process. Never trust a certificate made from them outside a test.

// poolKey returns test key i (modulo the pool size).
func poolKey(i int) (*rsa.PrivateKey, error) {
	return testkeys.RSA(i)
}
