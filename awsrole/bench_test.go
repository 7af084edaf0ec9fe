package awsrole

import "testing"

func BenchmarkParseRole(b *testing.B) {
	s := provA + " , arn:aws:iam::123456789012:role/team/ops/Admin"
	for b.Loop() {
		if _, err := ParseRole(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAttributes(b *testing.B) {
	m := validMap()
	for b.Loop() {
		if _, err := ParseAttributes(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSessionNameFrom(b *testing.B) {
	for b.Loop() {
		SessionNameFrom("o'brien.o'malley@example.com")
	}
}
