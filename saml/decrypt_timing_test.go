package saml

import (
	"crypto/rsa"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkDecryptTimingOracle is the attacker's experiment of issue 19
// item 1, run on this machine: can the wall-clock time of Verify tell two
// decryption-failure probes of one length apart? For each pair it sends
// the two probes alternately (ABBA order, so that drift falls on both
// alike), b.N times each, in one process, and compares the two samples
// with Welch's t-test (on all samples, and on each probe's fastest half,
// the "box" filter a timing attacker uses against noise), a two-sample
// Kolmogorov-Smirnov test, and the percentiles. It reports, from the
// spread of the fastest halves, the smallest difference in means that
// this many samples would detect (two-sided 5%, power 80%) and how many
// samples per probe the observed difference would need. No assertion: the
// figures are for docs/benchmarks.md ("Decryption failures: what an
// attacker can measure"). SAMLAWS_ORACLE_NOFLOOR=1 turns the failures'
// response-time floor off (decrypt_pad.go), to measure what the equal work
// alone leaves. SAMLAWS_ORACLE_PAIRS selects pairs
// ("a,b;c,d"), e.g.
//
//	go test -run '^$' -bench 'DecryptTimingOracle$' -benchtime 5000x ./saml/
func BenchmarkDecryptTimingOracle(b *testing.B) {
	spKey, _ := vSPKey(b)
	_, probes := oracleProbes(b)
	v := vVerifier(b, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey}; c.SkipReplayCheck = true })
	if os.Getenv("SAMLAWS_ORACLE_NOFLOOR") != "" {
		// The equal work alone, without the response-time floor
		// (decrypt_pad.go): what session 5 measured.
		v.pad.clock = noWaitClock{v.pad.clock}
	}
	pairs := [][2]string{
		{"cbc_one_block_well_formed", "cbc_one_block_malformed"},
		{"cbc_5k_altered", "cbc_5k_malformed_early"},
		{"cbc_12k_altered", "cbc_12k_malformed_early"},
		{"cbc_50k_altered", "cbc_50k_malformed_early"},
		{"cbc_50k_malformed_early", "cbc_50k_malformed_last"},
	}
	if env := os.Getenv("SAMLAWS_ORACLE_PAIRS"); env != "" {
		pairs = nil
		for _, p := range strings.Split(env, ";") {
			a, c, _ := strings.Cut(p, ",")
			pairs = append(pairs, [2]string{a, c})
		}
	}
	for _, p := range pairs {
		if probes[p[0]] == nil || probes[p[1]] == nil {
			b.Fatalf("no probe %q or %q", p[0], p[1])
		}
	}
	time1 := func(raw []byte) float64 {
		start := time.Now()
		_, _ = v.Verify(b.Context(), raw)
		return float64(time.Since(start).Nanoseconds())
	}
	xs := make([][2][]float64, len(pairs))
	i := 0
	for b.Loop() {
		for k, p := range pairs {
			first := i % 2 // ABBA: A first in even rounds, B first in odd
			for j := range 2 {
				w := (first + j) % 2
				xs[k][w] = append(xs[k][w], time1(probes[p[w]]))
			}
		}
		i++
	}
	b.Logf("failures past their floor (not padded): %d of %d", v.pad.late, v.pad.failures)
	for k, p := range pairs {
		r := compareTimings(xs[k][0], xs[k][1])
		b.Logf("%s vs %s: %d samples each", p[0], p[1], r.n)
		b.Logf("  mean %.1f / %.1f us (diff %+.2f us), Welch t %.2f, p %.3g", r.meanA/1e3, r.meanB/1e3, (r.meanA-r.meanB)/1e3, r.t, r.p)
		b.Logf("  fastest halves: mean %.1f / %.1f us (diff %+.2f us, sd %.2f us), Welch t %.2f, p %.3g", r.boxA/1e3, r.boxB/1e3, (r.boxA-r.boxB)/1e3, r.boxSD/1e3, r.boxT, r.boxP)
		b.Logf("  KS D %.4f, p %.3g; p10 %.1f / %.1f, p50 %.1f / %.1f, p90 %.1f / %.1f us", r.ksD, r.ksP,
			r.pctA[0]/1e3, r.pctB[0]/1e3, r.pctA[1]/1e3, r.pctB[1]/1e3, r.pctA[2]/1e3, r.pctB[2]/1e3)
		b.Logf("  detectable with %d samples (fastest halves): %.2f us; the observed diff would need %s samples per probe", r.n, r.mde/1e3, r.needed)
		name := p[0] + "_vs_" + p[1]
		b.ReportMetric(r.boxA-r.boxB, name+"-ns")
		b.ReportMetric(r.boxT, name+"-t")
	}
	b.ReportMetric(0, "ns/op")
}

// timingComparison is compareTimings' answer; times in nanoseconds.
type timingComparison struct {
	n                 int
	meanA, meanB      float64
	t, p              float64 // Welch on all samples
	boxA, boxB, boxSD float64 // means of each fastest half, and their pooled sd
	boxT, boxP        float64 // Welch on the fastest halves
	ksD, ksP          float64 // Kolmogorov-Smirnov on all samples
	pctA, pctB        [3]float64
	mde               float64 // smallest mean difference these samples detect (fastest halves)
	needed            string  // samples per probe the observed difference would need
}

// zDetect is z(0.975) + z(0.80): a two-sided test at 5% with power 80%.
const zDetect = 1.959964 + 0.841621

// compareTimings compares two timing samples (see
// BenchmarkDecryptTimingOracle).
func compareTimings(a, b []float64) timingComparison {
	var r timingComparison
	r.n = min(len(a), len(b))
	sa, sb := sorted(a), sorted(b)
	r.meanA, r.meanB = mean(a), mean(b)
	r.t, r.p = welch(a, b)
	ha, hb := sa[:len(sa)/2], sb[:len(sb)/2]
	r.boxA, r.boxB = mean(ha), mean(hb)
	r.boxT, r.boxP = welch(ha, hb)
	r.boxSD = math.Sqrt((variance(ha) + variance(hb)) / 2)
	r.ksD, r.ksP = kolmogorovSmirnov(sa, sb)
	for i, q := range []float64{0.1, 0.5, 0.9} {
		r.pctA[i], r.pctB[i] = sa[int(q*float64(len(sa)-1))], sb[int(q*float64(len(sb)-1))]
	}
	// Per probe, a fastest half of n/2 samples: the mean difference a
	// two-sample test detects is zDetect * sd * sqrt(2/(n/2)).
	h := float64(len(ha))
	r.mde = zDetect * r.boxSD * math.Sqrt(2/h)
	d := math.Abs(r.boxA - r.boxB)
	if d == 0 {
		r.needed = "infinitely many"
	} else {
		// Fastest halves of that many samples, hence the factor 2.
		r.needed = formatCount(2 * 2 * math.Pow(zDetect*r.boxSD/d, 2))
	}
	return r
}

func formatCount(x float64) string {
	if x > 1e12 {
		return "more than 10^12"
	}
	return strconv.FormatFloat(math.Ceil(x), 'f', 0, 64)
}

func sorted(x []float64) []float64 {
	y := append([]float64(nil), x...)
	sort.Float64s(y)
	return y
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// variance is the sample variance (n-1).
func variance(x []float64) float64 {
	m := mean(x)
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x)-1)
}

// welch returns Welch's t statistic for mean(a) - mean(b) and its two-sided
// p-value (normal approximation: the samples here are in the thousands).
func welch(a, b []float64) (t, p float64) {
	se := math.Sqrt(variance(a)/float64(len(a)) + variance(b)/float64(len(b)))
	if se == 0 {
		return 0, 1
	}
	t = (mean(a) - mean(b)) / se
	return t, math.Erfc(math.Abs(t) / math.Sqrt2)
}

// kolmogorovSmirnov returns the two-sample statistic D of sorted samples a
// and b and its asymptotic p-value.
func kolmogorovSmirnov(a, b []float64) (d, p float64) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	ne := float64(len(a)) * float64(len(b)) / float64(len(a)+len(b))
	lambda := (math.Sqrt(ne) + 0.12 + 0.11/math.Sqrt(ne)) * d
	if lambda < 0.2 {
		return d, 1
	}
	for k := 1; k <= 100; k++ {
		sign := 1.0
		if k%2 == 0 {
			sign = -1
		}
		p += 2 * sign * math.Exp(-2*float64(k*k)*lambda*lambda)
	}
	return d, min(max(p, 0), 1)
}

// TestTimingStatistics checks the statistics of BenchmarkDecryptTimingOracle
// on samples whose answer is known.
func TestTimingStatistics(t *testing.T) {
	a := make([]float64, 2000)
	for i := range a {
		a[i] = float64(1000 + i%50)
	}
	same := compareTimings(a, a)
	if same.t != 0 || same.ksD != 0 || same.ksP != 1 || same.boxP != 1 {
		t.Errorf("identical samples: t %v, D %v, p %v, box p %v", same.t, same.ksD, same.ksP, same.boxP)
	}
	shifted := make([]float64, len(a))
	for i := range a {
		shifted[i] = a[i] + 100 // beyond the whole spread: fully separated
	}
	far := compareTimings(a, shifted)
	if far.ksD != 1 || far.ksP > 1e-6 || far.p > 1e-6 || far.boxP > 1e-6 || far.t > -10 {
		t.Errorf("separated samples: D %v, p %v, t %v, Welch p %v", far.ksD, far.ksP, far.t, far.p)
	}
	// Welch t by hand: means 1024.5 and 1124.5, equal variances.
	se := math.Sqrt(2 * variance(a) / float64(len(a)))
	if math.Abs(far.t-(-100/se)) > 1e-9 {
		t.Errorf("Welch t %v, want %v", far.t, -100/se)
	}
	// The fastest half (values 1000..1024) has an sd of about 7.2: with
	// 1,000 of them per side, 2.8*7.2*sqrt(2/1000) = 0.9 units is
	// detectable, and a 100-unit shift needs 4*(2.8*7.2/100)^2 < 1 sample.
	if far.mde < 0.8 || far.mde > 1.0 {
		t.Errorf("detectable difference %v, want about 0.9", far.mde)
	}
	if far.needed != "1" {
		t.Errorf("samples needed for a 100-unit shift: %s", far.needed)
	}
}

// noWaitClock is a padClock that never waits: the floor's bookkeeping runs,
// its wait does not.
type noWaitClock struct{ padClock }

func (noWaitClock) waitUntil(time.Duration) {}
