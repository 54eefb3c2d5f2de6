package breakout_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/input"
)

func ptr(f float64) *float64 { return &f }

// scenario builds a wgu25 scenario to 90 % for one SQ, under the
// whole-fleet convention: the arithmetic the reference checks use.
func scenario(lots []breakout.Lot, fleet ...breakout.Group) breakout.Scenario {
	return breakout.Scenario{
		Convention: breakout.WholeFleet,
		Inventory:  lots,
		Fleet:      fleet,
		Target:     breakout.Target{AssayPct: 90, QuantitySQ: 1, SQ: enrich.WGU25},
	}
}

// cascades is the scenario under the cascades convention, with its
// set-up and number of cascades fixed.
func cascades(s breakout.Scenario, n int, setup float64) breakout.Scenario {
	s.Convention = breakout.Cascades
	s.Cascades.Max = &n
	s.SetupDays = &setup
	return s
}

// withTails is s with the tails assay of its lots at assay set to pct.
func withTails(s breakout.Scenario, assay string, pct float64) breakout.Scenario {
	s.TailsPct = map[string]float64{assay: pct}
	return s
}

func machines(name string, count int, swu float64) breakout.Group {
	return breakout.Group{Machine: name, Count: count, SWUPerYear: ptr(swu)}
}

func estimate(t *testing.T, s breakout.Scenario) *breakout.Result {
	t.Helper()
	r, err := breakout.Estimate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustDays(t *testing.T, d *float64) float64 {
	t.Helper()
	if d == nil {
		t.Fatal("days = nil (unreachable), want a number")
	}
	return *d
}

const month = breakout.DaysPerMonth

// Three consistency checks (JCPOA limits, before the JCPOA, 2024-25) with the
// whole fleet on every step, each at both ends of the ranges they use.
func TestReferenceConsistencyChecks(t *testing.T) {
	cases := []struct {
		name             string
		s                breakout.Scenario
		wantSWU          float64
		wantLow, wantHig float64 // days, at the high and low capacity
		lowSWU, highSWU  float64 // per machine
	}{
		{
			name:    "JCPOA regime: 5,060 IR-1 from natural at 0.3 % tails, 11.4-15.3 months",
			s:       withTails(scenario(nil, machines("IR-1", 5060, 1)), "0.711", 0.3),
			wantSWU: 4823, wantLow: 11.4 * month, wantHig: 15.3 * month, lowSWU: 0.75, highSWU: 1.0,
		},
		{
			name:    "JCPOA regime at 0.5 % tails, 9.1-12.2 months",
			s:       withTails(scenario(nil, machines("IR-1", 5060, 1)), "0.711", 0.5),
			wantSWU: 3852, wantLow: 9.1 * month, wantHig: 12.2 * month, lowSWU: 0.75, highSWU: 1.0,
		},
		{
			name:    "pre-JCPOA: 9,000 IR-1 on 3.5 % LEU at 1 % tails, 1.6 months",
			s:       withTails(scenario([]breakout.Lot{{MassKgU: 7000, AssayPct: 3.5}}, machines("IR-1", 9000, 1)), "3.5", 1),
			wantSWU: 1194, wantLow: 1194 / 9000.0 * 365.25, wantHig: 1194 / 6750.0 * 365.25, lowSWU: 0.75, highSWU: 1.0,
		},
		{
			name:    "pre-JCPOA at 0.7 % tails, up to 2.4 months",
			s:       withTails(scenario([]breakout.Lot{{MassKgU: 7000, AssayPct: 3.5}}, machines("IR-1", 9000, 1)), "3.5", 0.7),
			wantSWU: 1358, wantLow: 1358 / 9000.0 * 365.25, wantHig: 2.4 * month, lowSWU: 0.75, highSWU: 1.0,
		},
		{
			name:    "2024-25: 60 % stock in 4 x 174 IR-6 at 30 % tails, from 5 days",
			s:       withTails(scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 696, 5)), "60", 30),
			wantSWU: 48.36, wantLow: 5.07, wantHig: 7.25, lowSWU: 3.5, highSWU: 5,
		},
		{
			name:    "2024-25 at 5 % tails, up to 12 days",
			s:       withTails(scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 696, 5)), "60", 5),
			wantSWU: 76.95, wantLow: 8.07, wantHig: 11.54, lowSWU: 3.5, highSWU: 5,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, swu := range []float64{c.highSWU, c.lowSWU} {
				c.s.Fleet[0].SWUPerYear = ptr(swu)
				r := estimate(t, c.s)
				if math.Abs(r.SWUTotal-c.wantSWU) > 5e-4*c.wantSWU {
					t.Errorf("SWU = %.2f, want %.2f", r.SWUTotal, c.wantSWU)
				}
				want := c.wantLow
				if swu == c.lowSWU {
					want = c.wantHig
				}
				if got := mustDays(t, r.FirstSQDays); math.Abs(got-want) > 0.02*want {
					t.Errorf("at %g SWU/yr per machine: %.1f days (%.2f months), want %.1f (%.2f months)", swu, got, got/month, want, want/month)
				}
			}
		})
	}
}

// The shipped examples give the answers the public debate gives, and the
// headline (the band's median) and the estimate with every input at its
// central value both lie within the band's 10th to 90th percentile.
func TestExamples(t *testing.T) {
	cases := []struct {
		file           string
		minDays, maxDa float64
		claim          string
	}{
		{"jcpoa-limits.yaml", 365, 15.3 * month, "at least a year (Moniz, April 2015)"},
		{"pre-jcpoa.yaml", 1.5 * month, 3.5 * month, "two to three months (Moniz and Obama, April 2015)"},
		{"feb-2025.yaml", 5, 10, "about one week (ISIS, four advanced cascades, higher tails)"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s := example(t, c.file)
			r, err := breakout.Run(s, 2000, breakout.DefaultSeed)
			if err != nil {
				t.Fatal(err)
			}
			if d := mustDays(t, r.HeadlineDays); d < c.minDays || d > c.maxDa {
				t.Errorf("headline %.1f days, want %.0f-%.0f: %s", d, c.minDays, c.maxDa, c.claim)
			}
			u := r.Uncertainty
			if u == nil {
				t.Fatal("no band, but the example has ranged inputs")
			}
			lo, mid, hi := mustDays(t, u.P10Days), mustDays(t, u.P50Days), mustDays(t, u.P90Days)
			central := mustDays(t, r.FirstSQDays)
			if !(lo <= mid && mid <= hi) || *r.HeadlineDays != mid {
				t.Errorf("band p10/p50/p90 = %.1f/%.1f/%.1f, headline %.1f: want ordered, headline the median", lo, mid, hi, *r.HeadlineDays)
			}
			if central < lo || central > hi {
				t.Errorf("central estimate %.1f days outside its band %.1f-%.1f", central, lo, hi)
			}
			if len(r.Assumptions) < 4 || r.Convention != breakout.Cascades {
				t.Errorf("assumptions = %q, convention %q: want them printed, cascades", r.Assumptions, r.Convention)
			}
		})
	}
}

// Whole-stock conversion matches the reference's upper bounds on 90 %
// product from a 60 % stock (section 1.3) and ISIS's yields (DERIVED tails).
func TestStockConversion(t *testing.T) {
	cases := []struct {
		massKgU, tailsPct, wantKgU float64
		source                     string
	}{
		{274.8, 0.7, 182.5, "reference 1.3"},
		{274.8, 5, 177.8, "reference 1.3"},
		{274.8, 20, 157.0, "reference 1.3"},
		{274.8, 30, 137.4, "reference 1.3"},
		{440.9, 20, 251.9, "reference 1.3"},
		{274.8, 8, 174, "ISIS Feb 2025, 174 kg WGU, implies about 8 % tails"},
		{408.6, 20, 233, "ISIS May 2025, 233 kg WGU, implies about 20 % tails"},
	}
	for _, c := range cases {
		s := scenario([]breakout.Lot{{MassKgU: c.massKgU, AssayPct: 60}}, machines("IR-6", 696, 5))
		s.TailsPct = map[string]float64{"60": c.tailsPct}
		r := estimate(t, s)
		if math.Abs(r.StockConversion.ProductKgU-c.wantKgU) > 0.6 {
			t.Errorf("%g kg U of 60 %% at %g %% tails: %.1f kg U of 90 %%, want %.1f (%s)", c.massKgU, c.tailsPct, r.StockConversion.ProductKgU, c.wantKgU, c.source)
		}
		wantDays := r.StockConversion.SWU / 3480 * 365.25
		if got := mustDays(t, r.StockConversion.Days); math.Abs(got-wantDays) > 1e-9 {
			t.Errorf("stock conversion days = %g, want %g", got, wantDays)
		}
	}
}

func TestIAEAConventionCountsU235(t *testing.T) {
	// No machines: what counts is the stock alone.
	s := scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 0, 5))
	s.Target = breakout.Target{AssayPct: 60, QuantitySQ: 1, SQ: enrich.IAEA}
	r := estimate(t, s)
	if math.Abs(r.ProductKgUPerSQ-41.667) > 0.001 {
		t.Errorf("IAEA SQ at 60 %% = %.3f kg U, want 41.667 (the IAEA's 'about 42 kg')", r.ProductKgUPerSQ)
	}
	// The stock is already at the target: 6.6 SQ at once, no work.
	if d := mustDays(t, r.FirstSQDays); d != 0 || r.SWUTotal != 0 {
		t.Errorf("first SQ after %g days and %g SWU, want 0 and 0", d, r.SWUTotal)
	}
	if got := r.CumulativeSQByMonth[0]; math.Abs(got-274.8/41.6667) > 1e-3 {
		t.Errorf("SQ in month 1 = %.3f, want %.3f", got, 274.8/41.6667)
	}
}

// Highest-assay stock goes first, then lower lots, then natural uranium.
func TestUseOrder(t *testing.T) {
	s := scenario([]breakout.Lot{
		{MassKgU: 100, AssayPct: 3.67},
		{MassKgU: 10, AssayPct: 60},
		{MassKgU: 20, AssayPct: 19.75},
	}, machines("IR-1", 5000, 1))
	s.Target.QuantitySQ = 4
	r := estimate(t, s)
	var got []float64
	for _, st := range r.Steps {
		got = append(got, st.FeedPct)
	}
	if want := []float64{60, 19.75, 3.67, 0.711}; !slices.Equal(got, want) {
		t.Errorf("feeds used in order %v, want %v", got, want)
	}
	// Each lot but the last source is used up.
	if math.Abs(r.Steps[0].FeedKgU-10) > 1e-9 || math.Abs(r.Steps[1].FeedKgU-20) > 1e-9 || math.Abs(r.Steps[2].FeedKgU-100) > 1e-9 {
		t.Errorf("lots not used up in order: %+v", r.Steps)
	}
}

// Uranium and U-235 are conserved in every step; SWU is never negative; the
// steps make the target; the monthly series never falls.
func TestStepsConserveMaterial(t *testing.T) {
	for _, q := range []float64{0.5, 1, 3, 25} {
		for _, conv := range breakout.Conventions() {
			s := scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}, {MassKgU: 606.8, AssayPct: 19.75}, {MassKgU: 2000, AssayPct: 4.5}},
				machines("IR-6", 696, 5), machines("IR-1", 5000, 0.9))
			s.Target.QuantitySQ = q
			s.Convention = conv
			r := estimate(t, s)
			total, swu := 0.0, 0.0
			for _, st := range r.Steps {
				tails := 0.0
				if st.TailsPct != nil {
					tails = *st.TailsPct
				}
				if d := st.FeedKgU - st.ProductKgU - st.TailsKgU; math.Abs(d) > 1e-9*st.FeedKgU {
					t.Errorf("step %s: uranium off by %g", st.Feed, d)
				}
				if d := st.FeedKgU*st.FeedPct - st.ProductKgU*st.ProductPct - st.TailsKgU*tails; math.Abs(d) > 1e-9*st.FeedKgU*st.FeedPct {
					t.Errorf("step %s: U-235 off by %g", st.Feed, d/100)
				}
				if st.SWU < 0 {
					t.Errorf("step %s: SWU %g < 0", st.Feed, st.SWU)
				}
				if st.ProductPct == 90 {
					total += st.ProductKgU
				}
				swu += st.SWU
			}
			if math.Abs(total-q*25) > 1e-9 || math.Abs(swu-r.SWUTotal) > 1e-9 {
				t.Errorf("%g SQ: steps make %g kg U with %g SWU, want %g kg U and %g SWU", q, total, swu, q*25, r.SWUTotal)
			}
			for m := 1; m < breakout.Months; m++ {
				if r.CumulativeSQByMonth[m] < r.CumulativeSQByMonth[m-1] {
					t.Errorf("cumulative SQ falls in month %d: %v", m+1, r.CumulativeSQByMonth)
				}
			}
			// The month in which the target is reached agrees with TargetDays.
			td := mustDays(t, r.TargetDays)
			if m := int(td / month); m < breakout.Months {
				if r.CumulativeSQByMonth[m] < q-1e-9 || (m > 0 && r.CumulativeSQByMonth[m-1] > q+1e-9) {
					t.Errorf("%g SQ at day %.1f, but month series %v", q, td, r.CumulativeSQByMonth)
				}
			}
		}
	}
}

// Days fall (never rise) when capacity or stock grows.
func TestMonotonic(t *testing.T) {
	prev := math.Inf(1)
	for _, count := range []int{100, 500, 1000, 5000, 20000} {
		r := estimate(t, scenario([]breakout.Lot{{MassKgU: 50, AssayPct: 20}}, machines("IR-1", count, 0.9)))
		d := mustDays(t, r.FirstSQDays)
		if d >= prev {
			t.Errorf("%d machines: %g days, not below %g", count, d, prev)
		}
		prev = d
	}
	prev = math.Inf(1)
	for _, kg := range []float64{0, 10, 100, 1000} {
		r := estimate(t, scenario([]breakout.Lot{{MassKgU: kg, AssayPct: 19.75}}, machines("IR-1", 5000, 0.9)))
		d := mustDays(t, r.FirstSQDays)
		if d >= prev {
			t.Errorf("%g kg of 19.75 %%: %g days, not below %g", kg, d, prev)
		}
		prev = d
	}
}

func TestSetupDaysAdd(t *testing.T) {
	s := scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 696, 5))
	base := mustDays(t, estimate(t, s).FirstSQDays)
	setup := 31.0
	s.SetupDays = &setup
	r := estimate(t, s)
	if got := mustDays(t, r.FirstSQDays); math.Abs(got-base-31) > 1e-9 {
		t.Errorf("with 31 set-up days: %g, want %g", got, base+31)
	}
	if r.CumulativeSQByMonth[0] != 0 || r.CumulativeSQByMonth[1] == 0 {
		t.Errorf("SQ by month with 30.44-day months and 31 set-up days = %v, want none in month 1 and some in month 2", r.CumulativeSQByMonth)
	}
}

func TestLimitedMaterialAndCapacity(t *testing.T) {
	t.Run("stock too small and no natural uranium", func(t *testing.T) {
		s := scenario([]breakout.Lot{{MassKgU: 20, AssayPct: 60}}, machines("IR-6", 696, 5))
		s.NaturalUranium = breakout.LimitedNatural(0)
		r := estimate(t, s)
		if r.FirstSQDays != nil || r.TargetDays != nil || !strings.Contains(r.Unreachable, "cannot make one") {
			t.Errorf("got first %v target %v %q, want unreachable", r.FirstSQDays, r.TargetDays, r.Unreachable)
		}
		if want := 20 * (0.6 - 0.14) / (0.9 - 0.14) / 25; math.Abs(r.CumulativeSQByMonth[11]-want) > 1e-9 {
			t.Errorf("month 12 = %g SQ, want all the stock can give, %g", r.CumulativeSQByMonth[11], want)
		}
	})
	t.Run("limited natural uranium caps the target", func(t *testing.T) {
		s := scenario(nil, machines("IR-1", 5060, 1))
		s.NaturalUranium = breakout.LimitedNatural(218.2 * 25 * 1.5) // 1.5 SQ at 0.3 % tails
		s.Target.QuantitySQ = 2
		r := estimate(t, s)
		if r.FirstSQDays == nil || r.TargetDays != nil || !strings.Contains(r.Unreachable, "only 1.5") {
			t.Errorf("got first %v target %v %q, want first reached and only 1.5 of 2", r.FirstSQDays, r.TargetDays, r.Unreachable)
		}
	})
	t.Run("no capacity", func(t *testing.T) {
		r := estimate(t, scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 0, 5)))
		if r.FirstSQDays != nil || r.Unreachable != "the fleet has no enrichment capacity" || r.StockConversion.Days != nil {
			t.Errorf("got %v %q, want unreachable for lack of capacity", r.FirstSQDays, r.Unreachable)
		}
	})
	t.Run("depleted lot below the default tails is skipped", func(t *testing.T) {
		r := estimate(t, scenario([]breakout.Lot{{MassKgU: 1000, AssayPct: 0.25}}, machines("IR-1", 5060, 1)))
		if len(r.Skipped) != 1 || r.Steps[0].FeedPct != 0.711 {
			t.Errorf("skipped %q, steps %+v: want the 0.25 %% lot skipped and natural used", r.Skipped, r.Steps)
		}
	})
}

func TestCatalogueFillsCapacity(t *testing.T) {
	r := estimate(t, scenario(nil, breakout.Group{Machine: "ir-1", Count: 1000}))
	m, _ := breakout.LookupMachine("IR-1")
	if r.CapacitySWUPerYear != 1000*m.SWUPerYear || !strings.Contains(r.Fleet[0].Source, "catalogue") {
		t.Errorf("capacity %g from %q, want %g from the catalogue", r.CapacitySWUPerYear, r.Fleet[0].Source, 1000*m.SWUPerYear)
	}
	for _, name := range []string{"IR-1", "IR-2m", "IR-4", "IR-6", "IR-8"} {
		m, ok := breakout.LookupMachine(name)
		if !ok || m.SWUPerYear <= 0 || m.Source == "" || m.Status == "" {
			t.Errorf("catalogue %s = %+v", name, m)
		}
		if m.Range != nil && (m.Range[0] > m.SWUPerYear || m.Range[1] < m.SWUPerYear) {
			t.Errorf("catalogue %s central %g outside its range %v", name, m.SWUPerYear, m.Range)
		}
	}
}

func TestValidationNamesTheField(t *testing.T) {
	good := func() breakout.Scenario {
		return scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 696, 5))
	}
	cases := []struct {
		field string
		edit  func(*breakout.Scenario)
	}{
		{"inventory[0].mass_kg_u", func(s *breakout.Scenario) { s.Inventory[0].MassKgU = -1 }},
		{"inventory[0].assay_pct", func(s *breakout.Scenario) { s.Inventory[0].AssayPct = 100 }},
		{"inventory[0].mass_range_kg_u", func(s *breakout.Scenario) { s.Inventory[0].MassRangeKgU = []float64{300, 400} }},
		{"inventory[0].mass_range_kg_u", func(s *breakout.Scenario) { s.Inventory[0].MassRangeKgU = []float64{1} }},
		{"fleet[0].machine", func(s *breakout.Scenario) { s.Fleet[0].Machine = " " }},
		{"fleet[0].count", func(s *breakout.Scenario) { s.Fleet[0].Count = -5 }},
		{"fleet[0].swu_per_year", func(s *breakout.Scenario) { s.Fleet[0].SWUPerYear = ptr(0) }},
		{"fleet[0].swu_per_year", func(s *breakout.Scenario) { s.Fleet[0] = breakout.Group{Machine: "IR-9", Count: 1} }},
		{"fleet[0].swu_per_year_range", func(s *breakout.Scenario) { s.Fleet[0].SWURange = []float64{6, 7} }},
		{"fleet[0].efficiency", func(s *breakout.Scenario) { s.Fleet[0].Efficiency = ptr(1.2) }},
		{"fleet[0].efficiency_range", func(s *breakout.Scenario) { s.Fleet[0].EfficiencyRange = []float64{0, 0.5} }},
		{"target.assay_pct", func(s *breakout.Scenario) { s.Target.AssayPct = 60 }}, // wgu25 needs 90 % or more
		{"target.quantity_sq", func(s *breakout.Scenario) { s.Target.QuantitySQ = 0 }},
		{"target.sq", func(s *breakout.Scenario) { s.Target.SQ = "" }},
		{"target.sq", func(s *breakout.Scenario) { s.Target.SQ = "nato" }},
		{"convention", func(s *breakout.Scenario) { s.Convention = "half-fleet" }},
		{"fleet[0].cascades", func(s *breakout.Scenario) { s.Fleet[0].Cascades = 700 }},
		{"cascades.max", func(s *breakout.Scenario) { n := 0; s.Cascades.Max = &n }},
		{"cascades.max_range", func(s *breakout.Scenario) { n := 4; s.Cascades.Max = &n; s.Cascades.MaxRange = []float64{5, 8} }},
		{"cascades.machines[0]", func(s *breakout.Scenario) { s.Cascades.Machines = []string{"P-9"} }},
		{"setup_days_range", func(s *breakout.Scenario) { s.SetupRangeDays = []float64{0, 3} }},
		{`tails_pct["60"]`, func(s *breakout.Scenario) { s.TailsPct = map[string]float64{"60": 60} }},
		{`tails_pct["sixty"]`, func(s *breakout.Scenario) { s.TailsPct = map[string]float64{"sixty": 20} }},
		{"setup_days", func(s *breakout.Scenario) { d := math.NaN(); s.SetupDays = &d }},
		{"natural_uranium", func(s *breakout.Scenario) { s.NaturalUranium = breakout.LimitedNatural(-1) }},
	}
	for _, c := range cases {
		s := good()
		c.edit(&s)
		_, err := breakout.Estimate(s)
		var fe *input.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("want an error naming %s, got %v", c.field, err)
		}
	}
	if _, err := breakout.Estimate(good()); err != nil {
		t.Errorf("good scenario: %v", err)
	}
}

func TestParseScenario(t *testing.T) {
	const yamlDoc = `
inventory:
  - {mass_kg_u: 274.8, assay_pct: 60}
fleet:
  - {machine: IR-6, count: 696, swu_per_year: 3.5, efficiency: 1.0}
target: {assay_pct: 90, quantity_sq: 1, convention: wgu25}
tails_pct: {"60": 20}
setup_days: 0
natural_uranium: unlimited
`
	const jsonDoc = `{"inventory":[{"mass_kg_u":274.8,"assay_pct":60}],
"fleet":[{"machine":"IR-6","count":696,"swu_per_year":3.5,"efficiency":1.0}],
"target":{"assay_pct":90,"quantity_sq":1,"convention":"wgu25"},
"tails_pct":{"60":20},"setup_days":0,"natural_uranium":"unlimited"}`
	var days []float64
	for _, doc := range []string{yamlDoc, jsonDoc} {
		s, err := breakout.ParseScenario([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, mustDays(t, estimate(t, s).FirstSQDays))
	}
	// 55.99 SWU at 696 x 3.5 SWU/yr.
	if want := 55.99 / 2436 * 365.25; math.Abs(days[0]-want) > 0.01 || days[0] != days[1] {
		t.Errorf("YAML %g days, JSON %g days, want both %.2f", days[0], days[1], want)
	}

	bad := []struct{ doc, want string }{
		{"", "empty document"},
		{"inventory: []\nfleet: []\ntarget: {assay_pct: 90, quantity_sq: 1, convention: wgu25}\ncolour: red\n", "colour"},
		{"target: {assay_pct: ninety}\n", "line 1"},
		{"natural_uranium: lots\ntarget: {assay_pct: 90, quantity_sq: 1, convention: wgu25}\n", "natural_uranium"},
		{"target: {assay_pct: 90, quantity_sq: 1, convention: wgu25}\n---\ntarget: {}\n", "more than one document"},
		{"target: {assay_pct: 90, quantity_sq: 1, convention: wgu25}\nfleet: [{machine: IR-1, count: 2.5}]\n", "fleet[0].count: must be a whole number"},
	}
	for _, b := range bad {
		_, err := breakout.ParseScenario([]byte(b.doc))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseScenario(%q) = %v, want an error mentioning %q", b.doc, err, b.want)
		}
	}
	s, err := breakout.ParseScenario([]byte("natural_uranium: 5000\ntarget: {assay_pct: 90, quantity_sq: 1, convention: iaea}\n"))
	if err != nil || s.NaturalUranium != breakout.LimitedNatural(5000) {
		t.Errorf("natural_uranium: 5000 parsed as %+v (%v)", s.NaturalUranium, err)
	}
}

// A group's machines shared out among its reported cascades are said to
// be an average where they do not divide evenly: 1,724 IR-6 in 10
// cascades are not cascades of 172.4 machines.
func TestCascadeSizesSayWhenAverage(t *testing.T) {
	fordow := machines("IR-6", 1724, 5)
	fordow.Site, fordow.Cascades = "Fordow", 10
	natanz := machines("IR-6", 522, 5)
	natanz.Site, natanz.Cascades = "Natanz FEP", 3
	s := withTails(scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, fordow, natanz), "60", 20)
	s.Convention = breakout.Cascades
	var texts []string
	for _, st := range estimate(t, s).Steps {
		texts = append(texts, st.Machines)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "x 172.4 IR-6 at Fordow (machines a cascade on average)") {
		t.Errorf("the uneven cascades of Fordow are not said to be an average:\n%s", all)
	}
	if !strings.Contains(all, "x 174 IR-6 at Natanz FEP") || strings.Contains(all, "Natanz FEP (machines a cascade on average)") {
		t.Errorf("the even cascades of Natanz FEP:\n%s", all)
	}
}

// Where the estimate with every input at its central value takes the
// median of a range that is not centred on a sourced figure (the number of
// cascades, the set-up), its assumptions say so beside the source's most
// likely value: "8 cascades" beside "central 4" read as a contradiction.
func TestAssumptionsSayWhenAnInputIsTheMedian(t *testing.T) {
	s := withTails(scenario([]breakout.Lot{{MassKgU: 274.8, AssayPct: 60}}, machines("IR-6", 20*174, 5)), "60", 20)
	s.Convention = breakout.Cascades
	all := strings.Join(estimate(t, s).Assumptions, "\n")
	for _, want := range []string{
		"at most 8 cascades (the median of 3 to 20, most likely 4, which the estimate with every input at its central value takes)",
		"set-up of 2.4 days (the median of 0 to 7, most likely 1, which",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the assumptions do not say %q:\n%s", want, all)
		}
	}
	// An input at its source's value says nothing more.
	four := machines("IR-6", 4*174, 5)
	s.Fleet = []breakout.Group{four}
	if all := strings.Join(estimate(t, s).Assumptions, "\n"); strings.Contains(all, "cascades (the median") {
		t.Errorf("4 cascades, all there are, are said to be a median:\n%s", all)
	}
}
