package testkeys_test

import (
	"testing"

	"github.com/samlaws/samlaws/internal/testkeys"
)

// TestPool: every built-in key parses, is RSA-2048 and valid, no two are the
// same, the same index always yields the same key, and indexes wrap modulo
// PoolSize (negative ones too).
func TestPool(t *testing.T) {
	if testkeys.PoolSize < 2 {
		t.Fatalf("PoolSize %d, want at least 2 (samltest needs a key that its IdP never publishes)", testkeys.PoolSize)
	}
	seen := make(map[string]int)
	for i := range testkeys.PoolSize {
		k, err := testkeys.RSA(i)
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		if bits := k.N.BitLen(); bits != 2048 {
			t.Errorf("key %d: %d bits, want 2048", i, bits)
		}
		if err := k.Validate(); err != nil {
			t.Errorf("key %d: %v", i, err)
		}
		n := k.N.String()
		if j, dup := seen[n]; dup {
			t.Errorf("keys %d and %d are the same", j, i)
		}
		seen[n] = i
		again, err := testkeys.RSA(i)
		if err != nil || again != k {
			t.Errorf("key %d: a second call returned another key (%v)", i, err)
		}
		for _, w := range []int{i + testkeys.PoolSize, i - testkeys.PoolSize, i - 3*testkeys.PoolSize} {
			if got, err := testkeys.RSA(w); err != nil || got != k {
				t.Errorf("RSA(%d) is not RSA(%d) (%v)", w, i, err)
			}
		}
	}
}
