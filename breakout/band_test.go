package breakout_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/examples"
)

func feb2025(t testing.TB) breakout.Scenario { return example(t, "feb-2025") }

// example is the scenario of the shipped example called name.
func example(t testing.TB, name string) breakout.Scenario {
	t.Helper()
	data, ok := examples.Read(examples.Scenarios, name)
	if !ok {
		t.Fatalf("no example scenario %s", name)
	}
	s, err := breakout.ParseScenario(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBandIsAbsentWhenEveryInputIsFixed(t *testing.T) {
	s := withTails(scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 696, 3.5)), "60", 20) // a scenario's tails are fixed
	u, err := breakout.Band(s, 1000, 1)
	if err != nil || u != nil {
		t.Errorf("Band = %+v, %v; want nil, nil", u, err)
	}
	// IR-8 has no sourced range: the catalogue value alone is fixed too.
	u, err = breakout.Band(scenario(nil, breakout.Group{Machine: "IR-8", Count: 100}), 1000, 1)
	if err != nil || u != nil {
		t.Errorf("Band with IR-8 = %+v, %v; want nil, nil", u, err)
	}
}

func TestBandIsReproducibleAndOrdered(t *testing.T) {
	s := feb2025(t)
	a, err := breakout.Band(s, 5000, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := breakout.Band(s, 5000, 42)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different bands")
	}
	c, _ := breakout.Band(s, 5000, 43)
	if reflect.DeepEqual(a.P50Days, c.P50Days) {
		t.Error("different seeds gave the same median")
	}
	lo, mid, hi := mustDays(t, a.P10Days), mustDays(t, a.P50Days), mustDays(t, a.P90Days)
	if !(lo < mid && mid < hi) {
		t.Errorf("p10/p50/p90 = %g/%g/%g, want strictly ordered", lo, mid, hi)
	}
	// The IR-6 capacity is drawn from [3.5, 10] SWU/yr, the tails for 60 %
	// feed from [8, 20] % and the set-up from [0, 7] days, so days lie
	// between the two ends: 55.99 SWU (20 % tails) at 696 x 10 with no
	// set-up, and 25 kg at 8 % tails at 696 x 3.5 after 7 days.
	f8, _ := enrich.StepFactors(enrich.MustPercent(90), enrich.MustPercent(60), enrich.MustPercent(8))
	fast, slow := 55.99/6960*365.25, 7+25*f8.SWUPerProduct/2436*365.25
	if lo < fast-0.01 || hi > slow+0.01 {
		t.Errorf("band %g-%g days outside the physical bounds %g-%g", lo, hi, fast, slow)
	}
	for m := range breakout.Months {
		p := a.CumulativeSQByMonth
		if !(p.P10[m] <= p.P50[m] && p.P50[m] <= p.P90[m]) {
			t.Errorf("month %d: %g/%g/%g not ordered", m+1, p.P10[m], p.P50[m], p.P90[m])
		}
	}
}

// With one ranged input, the median of a triangular distribution is known
// in closed form; the band must find it.
func TestBandMedianMatchesTriangularDistribution(t *testing.T) {
	// Capacity triangular on [3.5, 5] with mode 5; days = k / capacity is
	// monotone, so the median of days is k / (median of capacity).
	s := withTails(scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, breakout.Group{Machine: "IR-6", Count: 696, SWUPerYear: ptr(5), SWURange: []float64{3.5, 5}}), "60", 20)
	u, err := breakout.Band(s, 100000, 7)
	if err != nil {
		t.Fatal(err)
	}
	// With the mode at the top, F(x) = ((x-a)/(c-a))^2, so the median is
	// a + (c-a)/sqrt(2).
	a, c := 3.5, 5.0
	medianSWU := a + (c-a)/math.Sqrt2
	want := 55.99 / (696 * medianSWU) * 365.25
	if got := mustDays(t, u.P50Days); math.Abs(got-want) > 0.01*want {
		t.Errorf("median %g days, want %g", got, want)
	}
}

func TestBandReportsUnreachedSamples(t *testing.T) {
	// About 40 % of draws of the stock are too small for one SQ with no
	// natural uranium: p10 is reached, p90 is not.
	s := withTails(scenario([]breakout.Lot{{MassKgU: 45, AssayPct: 60, MassRangeKgU: []float64{30, 60}}}, machines("IR-6", 696, 5)), "60", 20)
	s.NaturalUranium = breakout.LimitedNatural(0)
	u, err := breakout.Band(s, 10000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if u.P10Days == nil || u.P90Days != nil || u.UnreachedFraction < 0.2 || u.UnreachedFraction > 0.6 {
		t.Errorf("p10 %v p90 %v unreached %g, want p10 reached, p90 never, 20-60 %% unreached", u.P10Days, u.P90Days, u.UnreachedFraction)
	}
}

func TestBandRejectsBadSampleCounts(t *testing.T) {
	for _, n := range []int{0, -1, breakout.MaxSamples + 1} {
		if _, err := breakout.Band(feb2025(t), n, 1); err == nil {
			t.Errorf("Band with %d samples accepted", n)
		}
	}
}

func BenchmarkEstimate(b *testing.B) {
	s := feb2025(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := breakout.Estimate(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBand10000(b *testing.B) {
	s := feb2025(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := breakout.Band(s, 10000, breakout.DefaultSeed); err != nil {
			b.Fatal(err)
		}
	}
}

// The deciles found by selection are those of a sorted copy, ties and
// infinities included.
func TestDecilesMatchSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 10, 11, 1000, 10001} {
		for range 20 {
			xs := make([]float64, n)
			for i := range xs {
				switch rng.IntN(4) {
				case 0:
					xs[i] = math.Inf(1)
				case 1:
					xs[i] = float64(rng.IntN(5))
				default:
					xs[i] = rng.Float64() * 100
				}
			}
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			got := breakout.Deciles(xs)
			for i, q := range []float64{0.1, 0.5, 0.9} {
				if want := breakout.Percentile(sorted, q); got[i] != want && !(math.IsInf(got[i], 1) && math.IsInf(want, 1)) {
					t.Fatalf("n=%d q=%g: selection %g, sort %g", n, q, got[i], want)
				}
			}
		}
	}
}

// The band's factors, computed from the value function of each assay, are
// those of package enrich.
func TestStepFactorsMatchEnrich(t *testing.T) {
	for _, c := range [][3]float64{{90, 60, 14}, {90, 19.75, 5}, {19.75, 5, 0.75}, {19.75, 0.711, 0.3}, {90, 3.5, 1}} {
		p, f, tl := enrich.MustPercent(c[0]), enrich.MustPercent(c[1]), enrich.MustPercent(c[2])
		want, err := enrich.StepFactors(p, f, tl)
		if err != nil {
			t.Fatal(err)
		}
		got := breakout.StepFactors(p, f, tl, enrich.Value(p), enrich.Value(f), enrich.Value(tl))
		if math.Abs(got.SWUPerProduct-want.SWUPerProduct) > 1e-12*want.SWUPerProduct || got.FeedPerProduct != want.FeedPerProduct || got.TailsPerProduct != want.TailsPerProduct {
			t.Errorf("%v: %+v, want %+v", c, got, want)
		}
	}
}
