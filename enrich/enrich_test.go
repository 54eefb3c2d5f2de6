package enrich_test

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/accordverify/accord/enrich"
)

// readCSV reads a testdata CSV, skipping '#' comment lines and the header.
func readCSV(t *testing.T, name string) [][]float64 {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(string(b)))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float64
	for _, rec := range recs[1:] {
		var row []float64
		for _, f := range rec {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no rows", name)
	}
	return rows
}

// close4 reports whether got matches a value printed to 4 significant figures.
func close4(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-6
	}
	return math.Abs(got-want)/math.Abs(want) <= 5e-4+1e-12
}

func pct(t *testing.T, p float64) enrich.Assay {
	t.Helper()
	a, err := enrich.Percent(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestValueFunction(t *testing.T) {
	for _, row := range readCSV(t, "value-function.csv") {
		a, err := enrich.Fraction(row[0])
		if err != nil {
			t.Fatal(err)
		}
		if got := enrich.Value(a); math.Abs(got-row[1]) > 1e-6 {
			t.Errorf("V(%g) = %.6f, want %.6f", row[0], got, row[1])
		}
	}
}

func TestStepFactorsReferenceTable(t *testing.T) {
	for _, row := range readCSV(t, "reference-values.csv") {
		p, f, tl := pct(t, row[0]), pct(t, row[1]), pct(t, row[2])
		got, err := enrich.StepFactors(p, f, tl)
		if err != nil {
			t.Fatalf("%v from %v tails %v: %v", p, f, tl, err)
		}
		if !close4(got.FeedPerProduct, row[3]) || !close4(got.TailsPerProduct, row[4]) || !close4(got.SWUPerProduct, row[5]) {
			t.Errorf("%v from %v tails %v: got F/P %.4g T/P %.4g SWU/P %.4g, want %.4g %.4g %.4g",
				p, f, tl, got.FeedPerProduct, got.TailsPerProduct, got.SWUPerProduct, row[3], row[4], row[5])
		}
	}
}

// Published worked examples, shared reference section 1.2.
func TestPublishedExamples(t *testing.T) {
	t.Run("Urenco 25 t of 3.75 % from about 210 t natural, about 120 tSW", func(t *testing.T) {
		b, err := enrich.ForProduct(25000, pct(t, 3.75), enrich.Natural, pct(t, 0.30))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(b.Feed.MassKgU-209900) > 100 {
			t.Errorf("feed = %.0f kg U, want 209,900 (about 210 t)", b.Feed.MassKgU)
		}
		if math.Abs(b.SWU-120100) > 100 {
			t.Errorf("SWU = %.0f, want 120,100 (about 120 tSW)", b.SWU)
		}
	})
	t.Run("ACA about 1,050 kg LEU UF6 per 25 kg WGU at 0.5 % tails", func(t *testing.T) {
		b, err := enrich.ForProduct(25, pct(t, 90), pct(t, 3.67), pct(t, 0.5))
		if err != nil {
			t.Fatal(err)
		}
		uf6, err := enrich.UF6FromU(b.Feed.MassKgU, enrich.RegulatoryUF6Factor)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(b.Feed.MassKgU-705.8) > 0.1 || math.Abs(uf6-1044) > 1 {
			t.Errorf("feed = %.1f kg U = %.0f kg UF6, want 705.8 kg U = 1,044 kg UF6 (about 1,050)", b.Feed.MassKgU, uf6)
		}
	})
	t.Run("mrreid 20 kg of 90 % from 20 % is about 370 SWU", func(t *testing.T) {
		swu, err := enrich.SWU(20, pct(t, 90), pct(t, 20), pct(t, 0.3))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(swu-369.6) > 0.1 {
			t.Errorf("SWU = %.1f, want 369.6 (about 370)", swu)
		}
	})
	t.Run("mrreid Little Boy 50 kg at 88 % and 14 kg at 50 %, about 10,800 SWU", func(t *testing.T) {
		feed, tails := pct(t, 0.72), pct(t, 0.3)
		a, err := enrich.SWU(50, pct(t, 88), feed, tails)
		if err != nil {
			t.Fatal(err)
		}
		b, err := enrich.SWU(14, pct(t, 50), feed, tails)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(a-9348) > 2 || math.Abs(b-1436) > 2 {
			t.Errorf("SWU = %.0f + %.0f, want 9,348 + 1,436", a, b)
		}
	})
}

// SWU is additive across stages that share one tails assay (reference 1.1):
// natural -> 20 % -> 90 % at 0.3 % tails equals natural -> 90 % directly.
func TestStagedSWUIsAdditive(t *testing.T) {
	tails := pct(t, 0.3)
	direct, err := enrich.ForProduct(1, pct(t, 90), enrich.Natural, tails)
	if err != nil {
		t.Fatal(err)
	}
	second, err := enrich.ForProduct(1, pct(t, 90), pct(t, 20), tails)
	if err != nil {
		t.Fatal(err)
	}
	first, err := enrich.ForProduct(second.Feed.MassKgU, pct(t, 20), enrich.Natural, tails)
	if err != nil {
		t.Fatal(err)
	}
	if got := first.SWU + second.SWU; math.Abs(got-direct.SWU) > 1e-9*direct.SWU {
		t.Errorf("staged SWU %.6f != direct %.6f", got, direct.SWU)
	}
	if math.Abs(first.SWU-174.5*second.Feed.MassKgU/4.553) > 0.2 || math.Abs(direct.SWU-192.9) > 0.05 {
		t.Errorf("got %.2f + %.2f = %.2f, want about 174.5 + 18.48 = 192.9", first.SWU, second.SWU, direct.SWU)
	}
}

// Every step conserves uranium and U-235 and needs non-negative work.
func TestBalanceConservesUraniumAndU235(t *testing.T) {
	assays := []float64{0.2, 0.3, 0.711, 1, 3.67, 5, 19.75, 20, 60, 90, 93}
	for _, tp := range assays {
		for _, fp := range assays {
			for _, pp := range assays {
				if !(tp < fp && fp < pp) {
					continue
				}
				for _, feedKg := range []float64{0, 1, 274.8, 1e6} {
					b, err := enrich.FromFeed(feedKg, pct(t, fp), pct(t, pp), pct(t, tp))
					if err != nil {
						t.Fatal(err)
					}
					tol := 1e-9 * (1 + feedKg)
					if d := b.Feed.MassKgU - b.Product.MassKgU - b.Tails.MassKgU; math.Abs(d) > tol {
						t.Errorf("%g->%g tails %g: uranium not conserved by %g kg", fp, pp, tp, d)
					}
					u235 := func(s enrich.Stream) float64 { return s.MassKgU * s.Assay.Fraction() }
					if d := u235(b.Feed) - u235(b.Product) - u235(b.Tails); math.Abs(d) > tol {
						t.Errorf("%g->%g tails %g: U-235 not conserved by %g kg", fp, pp, tp, d)
					}
					if b.SWU < 0 || b.Tails.MassKgU < 0 || b.Product.MassKgU < 0 {
						t.Errorf("%g->%g tails %g: negative quantity %+v", fp, pp, tp, b)
					}
					back, err := enrich.ForProduct(b.Product.MassKgU, pct(t, pp), pct(t, fp), pct(t, tp))
					if err != nil {
						t.Fatal(err)
					}
					if math.Abs(back.Feed.MassKgU-feedKg) > tol || math.Abs(back.SWU-b.SWU) > 1e-9*(1+b.SWU) {
						t.Errorf("ForProduct does not invert FromFeed: %+v vs %+v", back, b)
					}
				}
			}
		}
	}
}

func TestAssayConstructors(t *testing.T) {
	a := pct(t, 3.67)
	b, err := enrich.Fraction(0.0367)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a.Percent()-b.Percent()) > 1e-12 || a.Percent() != 3.67 || math.Abs(a.Fraction()-0.0367) > 1e-15 {
		t.Errorf("Percent(3.67) = %v (%g), Fraction(0.0367) = %v", a, a.Fraction(), b)
	}
	if got := a.String(); got != "3.67 %" {
		t.Errorf("String() = %q", got)
	}
	if (enrich.Assay{}).Valid() {
		t.Error("zero Assay is valid")
	}
	for _, p := range []float64{0, -1, 100, 101, math.NaN(), math.Inf(1)} {
		if _, err := enrich.Percent(p); err == nil {
			t.Errorf("Percent(%g) accepted", p)
		}
		if _, err := enrich.Fraction(p / 100); err == nil {
			t.Errorf("Fraction(%g) accepted", p/100)
		}
	}
}

func TestImpossibleInputsNameTheArgument(t *testing.T) {
	p, f, tl := pct(t, 90), pct(t, 3.67), pct(t, 0.5)
	cases := []struct {
		name string
		err  error
		arg  string
	}{
		{"tails equal to feed", second(enrich.StepFactors(p, f, f)), "tails assay"},
		{"tails above feed", second(enrich.StepFactors(p, tl, f)), "tails assay"},
		{"product equal to feed", second(enrich.StepFactors(f, f, tl)), "product assay"},
		{"product below feed", second(enrich.StepFactors(tl, f, pct(t, 0.2))), "product assay"},
		{"zero feed assay", second(enrich.StepFactors(p, enrich.Assay{}, tl)), "feed assay"},
		{"negative product mass", second(enrich.ForProduct(-1, p, f, tl)), "product mass"},
		{"negative feed mass", second(enrich.FromFeed(-1, f, p, tl)), "feed mass"},
		{"NaN feed mass", second(enrich.FromFeed(math.NaN(), f, p, tl)), "feed mass"},
		{"negative U-235 mass", second(enrich.U235(-2, f)), "mass"},
		{"negative UF6 mass", second(enrich.UFromUF6(-300, enrich.RegulatoryUF6Factor)), "UF6 mass"},
		{"bad factor", second(enrich.UF6FromU(1, 1.2)), "factor"},
		{"unknown convention", second(enrich.ParseConvention("nato")), "convention"},
		{"wgu25 below 90 %", second(enrich.WGU25.ProductKgUPerSQ(pct(t, 60))), "assay"},
	}
	for _, c := range cases {
		var ie *enrich.InputError
		if !errors.As(c.err, &ie) {
			t.Errorf("%s: error %v is not an *InputError", c.name, c.err)
			continue
		}
		if ie.Arg != c.arg || !strings.Contains(c.err.Error(), c.arg) {
			t.Errorf("%s: error %q names %q, want %q", c.name, c.err, ie.Arg, c.arg)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestUF6Conversion(t *testing.T) {
	u, err := enrich.UFromUF6(300, enrich.RegulatoryUF6Factor)
	if err != nil || math.Abs(u-202.8) > 1e-9 {
		t.Errorf("300 kg UF6 = %v kg U (%v), want 202.8", u, err)
	}
	// ISIS Feb 2021: 4,390.2 kg UF6 x 0.676 = 2,967.8 kg U.
	if u, _ := enrich.UFromUF6(4390.2, enrich.RegulatoryUF6Factor); math.Abs(u-2967.8) > 0.05 {
		t.Errorf("4,390.2 kg UF6 = %.1f kg U, want 2,967.8", u)
	}
	uf6, _ := enrich.UF6FromU(202.8, enrich.RegulatoryUF6Factor)
	if math.Abs(uf6-300) > 1e-9 {
		t.Errorf("202.8 kg U = %v kg UF6, want 300", uf6)
	}
	// Exact factors by assay, reference section 1.4.
	for _, c := range []struct{ pct, want float64 }{{0.711, 0.67618}, {3.67, 0.67610}, {20, 0.67564}, {60, 0.67453}, {90, 0.67369}} {
		if got := enrich.UF6Factor(pct(t, c.pct)); math.Abs(got-c.want) > 0.000015 {
			t.Errorf("UF6Factor(%g %%) = %.5f, want %.5f", c.pct, got, c.want)
		}
	}
}

func TestSignificantQuantities(t *testing.T) {
	cases := []struct {
		conv       enrich.Convention
		assayPct   float64
		wantPerSQ  float64
		massKgU    float64
		wantSQ     float64
		provenance string
	}{
		{enrich.IAEA, 60, 41.6667, 41.6667, 1, "IAEA 'about 42 kg of 60 %' (25/0.6)"},
		{enrich.IAEA, 90, 27.7778, 274.8, 274.8 * 0.9 / 25, "25 kg U-235 at 90 %"},
		{enrich.IAEA, 19.75, 379.747, 379.747, 1, "up to 20 % is indirect use: 75 kg U-235 (reference 4.1)"},
		{enrich.IAEA, 20, 125, 125, 1, "20 % is direct use: 25 kg U-235"},
		{enrich.IAEA, 3.67, 2043.6, 202.8, 202.8 * 0.0367 / 75, "LEU: 75 kg U-235"},
		{enrich.WGU25, 90, 25, 50, 2, "ISIS convention, 25 kg of 90 %"},
		{enrich.WGU25, 93, 25, 25, 1, "wgu25 at 93 %"},
	}
	for _, c := range cases {
		a := pct(t, c.assayPct)
		per, err := c.conv.ProductKgUPerSQ(a)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(per-c.wantPerSQ) > 1e-4*c.wantPerSQ {
			t.Errorf("%s at %v: %.4f kg U per SQ, want %.4f (%s)", c.conv, a, per, c.wantPerSQ, c.provenance)
		}
		sq, err := c.conv.SignificantQuantities(c.massKgU, a)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(sq-c.wantSQ) > 1e-4*c.wantSQ {
			t.Errorf("%s: %g kg U at %v = %.4f SQ, want %.4f", c.conv, c.massKgU, a, sq, c.wantSQ)
		}
	}
}
