package breakout_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/accordverify/accord/breakout"
)

// FuzzParseScenario feeds arbitrary bytes to the scenario parser. Whatever
// parses must estimate without error or panic and give physical figures.
func FuzzParseScenario(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"inventory":[{"mass_kg_u":1,"assay_pct":99}],"fleet":[],"target":{"assay_pct":20,"quantity_sq":3,"convention":"iaea"},"natural_uranium":0}`))
	f.Add([]byte("target: {assay_pct: 90, quantity_sq: 1e300, convention: wgu25}\nfleet: [{machine: IR-1, count: 9223372036854775807}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := breakout.ParseScenario(data)
		if err != nil {
			return
		}
		r, err := breakout.Estimate(s)
		if err != nil {
			t.Fatalf("parsed scenario does not estimate: %v", err)
		}
		nonNeg := func(name string, v float64) {
			if math.IsNaN(v) || v < 0 {
				t.Fatalf("%s = %v", name, v)
			}
		}
		nonNeg("swu_total", r.SWUTotal)
		nonNeg("product_kg_u_per_sq", r.ProductKgUPerSQ)
		nonNeg("stock_conversion.product_kg_u", r.StockConversion.ProductKgU)
		if r.FirstSQDays != nil {
			nonNeg("first_sq_days", *r.FirstSQDays)
		}
		for _, st := range r.Steps {
			nonNeg("step swu", st.SWU)
			nonNeg("step tails", st.TailsKgU)
		}
		for m, v := range r.CumulativeSQByMonth {
			nonNeg("cumulative sq", v)
			if m > 0 && v < r.CumulativeSQByMonth[m-1]*(1-1e-12) {
				t.Fatalf("cumulative SQ falls: %v", r.CumulativeSQByMonth)
			}
		}
		if _, err := breakout.Band(s, 50, 1); err != nil {
			t.Fatalf("band: %v", err)
		}
	})
}
