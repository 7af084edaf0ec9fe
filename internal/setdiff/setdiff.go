// Package setdiff splits two lists into what is kept, removed and added, by a
// key. metadata.Compare and awsrole/iamsaml's comparison of aggregates both
// diff signing certificates by their SHA-256 thumbprint with it, so that the
// two agree on what a certificate rollover keeps.
package setdiff

// Split returns the elements of old whose key is also a key in new (kept) and
// those whose key is not (removed), both in old's order, and the elements of
// new whose key is not a key in old (added), in new's order. An element that
// repeats a key is placed like the first one. The cost is linear in
// len(old)+len(new), whatever the input.
func Split[T any, K comparable](old, new []T, key func(T) K) (kept, removed, added []T) {
	inNew := make(map[K]struct{}, len(new))
	for _, x := range new {
		inNew[key(x)] = struct{}{}
	}
	inOld := make(map[K]struct{}, len(old))
	for _, x := range old {
		k := key(x)
		inOld[k] = struct{}{}
		if _, ok := inNew[k]; ok {
			kept = append(kept, x)
		} else {
			removed = append(removed, x)
		}
	}
	for _, x := range new {
		if _, ok := inOld[key(x)]; !ok {
			added = append(added, x)
		}
	}
	return kept, removed, added
}
