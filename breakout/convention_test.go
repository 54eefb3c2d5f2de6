package breakout_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
)

// The high-enrichment steps run in the most capable whole cascades, up to
// the bound; the other machines make near-20 % uranium.
func TestCascadesRunTheMostCapableCascades(t *testing.T) {
	s := cascades(scenario([]breakout.Lot{{MassKgU: 100, AssayPct: 60}},
		machines("IR-1", 5060, 0.9), machines("IR-6", 348, 5), machines("IR-2m", 522, 4)), 4, 2)
	r := estimate(t, s)
	want := 2*174*5.0 + 2*174*4.0
	if math.Abs(r.HighCapacitySWUPerYear-want) > 1e-9 {
		t.Errorf("high-enrichment capacity %g SWU/yr, want %g (two IR-6 and two IR-2m cascades)", r.HighCapacitySWUPerYear, want)
	}
	got := map[string]int{}
	for _, f := range r.Fleet {
		got[f.Machine] = f.HighCascades
	}
	if got["IR-1"] != 0 || got["IR-6"] != 2 || got["IR-2m"] != 2 {
		t.Errorf("cascades on high-enrichment steps %v, want IR-6 2, IR-2m 2, IR-1 0", got)
	}
	// 60 % feed only: the days are the set-up plus the high-enrichment work.
	days := 2 + r.SWUTotal/want*breakout.DaysPerYear
	if d := mustDays(t, r.FirstSQDays); math.Abs(d-days) > 1e-9 {
		t.Errorf("first SQ in %g days, want %g", d, days)
	}
	if !strings.Contains(r.Timing.Text, "high-enrichment cascades") {
		t.Errorf("timing %q does not say how", r.Timing.Text)
	}
}

// Without advanced machines the IR-1 cascades run the high-enrichment
// steps, and the default bound runs from three cascades to all of them.
func TestFirstGenerationCascadesWhenNoAdvancedOnes(t *testing.T) {
	s := scenario([]breakout.Lot{{MassKgU: 5000, AssayPct: 3.5}}, breakout.Group{Machine: "IR-1", Count: 5060, Cascades: 30})
	s.Convention = breakout.Cascades
	r, err := breakout.Run(s, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.HighCapacitySWUPerYear <= 0 || r.Fleet[0].HighCascades < 3 {
		t.Errorf("IR-1 on high-enrichment steps: %d cascades, %g SWU/yr", r.Fleet[0].HighCascades, r.HighCapacitySWUPerYear)
	}
	if v := strings.Join(r.Uncertainty.Varied, "; "); !strings.Contains(v, "cascades on the high-enrichment steps 3-30") || !strings.Contains(v, "set-up 0-7 days") {
		t.Errorf("varied %q, want the cascades 3-30 and the default set-up", v)
	}
	// Low-enrichment feed is made into near-20 % first.
	var stages []string
	for _, st := range r.Steps {
		stages = append(stages, fmt.Sprintf("%s %g->%g", st.Stage, st.FeedPct, st.ProductPct))
	}
	if want := "low-enrichment 3.5->19.75, high-enrichment 19.75->90"; strings.Join(stages, ", ") != want {
		t.Errorf("steps %q, want %q", stages, want)
	}
}

// Every machine on every step from the first day is a lower bound: over
// random stocks and fleets, the whole-fleet convention is never slower.
func TestWholeFleetIsALowerBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		var lots []breakout.Lot
		for _, assay := range []float64{60, 19.75, 5, 2} {
			if rng.IntN(2) == 0 {
				lots = append(lots, breakout.Lot{MassKgU: rng.Float64() * 500, AssayPct: assay})
			}
		}
		fleet := []breakout.Group{machines("IR-1", rng.IntN(10000), 0.9)}
		if rng.IntN(2) == 0 {
			fleet = append(fleet, machines("IR-6", rng.IntN(2000), 5))
		}
		whole := scenario(lots, fleet...)
		casc := cascades(whole, 1+rng.IntN(8), 0)
		w, c := estimate(t, whole), estimate(t, casc)
		if w.FirstSQDays == nil {
			if c.FirstSQDays != nil {
				t.Fatalf("case %d: whole fleet never, cascades %g days", i, *c.FirstSQDays)
			}
			continue
		}
		if c.FirstSQDays != nil && *c.FirstSQDays < *w.FirstSQDays*(1-1e-6) {
			t.Fatalf("case %d: cascades %g days, faster than the whole fleet's %g (lots %v, fleet %v)", i, *c.FirstSQDays, *w.FirstSQDays, lots, fleet)
		}
	}
}

// More stock or more machines never lengthen breakout under either
// convention, with the default ranges.
func TestMoreNeverSlower(t *testing.T) {
	base := func() breakout.Scenario {
		return scenario([]breakout.Lot{{MassKgU: 30, AssayPct: 60}, {MassKgU: 100, AssayPct: 19.75}, {MassKgU: 2000, AssayPct: 5}},
			breakout.Group{Machine: "IR-1", Count: 5060}, breakout.Group{Machine: "IR-6", Count: 348})
	}
	for _, conv := range breakout.Conventions() {
		days := func(s breakout.Scenario) float64 {
			s.Convention = conv
			return mustDays(t, estimate(t, s).FirstSQDays)
		}
		ref := days(base())
		for i := range 3 {
			for _, grow := range []float64{1.5, 3} {
				s := base()
				s.Inventory[i].MassKgU *= grow
				if d := days(s); d > ref+1e-9 {
					t.Errorf("%s: lot %d x %g: %g days, more than %g", conv, i, grow, d, ref)
				}
			}
		}
		for i := range 2 {
			for _, add := range []int{1, 174, 1000} {
				s := base()
				s.Fleet[i].Count += add
				if d := days(s); d > ref+1e-9 {
					t.Errorf("%s: %d more %s: %g days, more than %g", conv, add, s.Fleet[i].Machine, d, ref)
				}
			}
		}
	}
}

// A file that still names the significant quantity "convention" inside
// its target reads as before; naming both is an error.
func TestLegacyTargetConvention(t *testing.T) {
	s, err := breakout.ParseScenario([]byte("target: {assay_pct: 90, quantity_sq: 1, convention: wgu25}\nfleet: [{machine: IR-1, count: 100}]\n"))
	if err != nil || s.Target.SQ != "wgu25" || s.Convention != "" {
		t.Errorf("legacy target.convention: %+v, %v", s.Target, err)
	}
	if _, err := breakout.ParseScenario([]byte("target: {assay_pct: 90, quantity_sq: 1, convention: cascades}\n")); err == nil || !strings.Contains(err.Error(), "target.convention") {
		t.Errorf("target.convention: cascades: %v, want an error naming target.convention", err)
	}
	if _, err := breakout.ParseScenario([]byte("convention: whole-fleet\ntarget: {assay_pct: 90, quantity_sq: 1, sq: iaea}\n")); err != nil {
		t.Errorf("convention and sq: %v", err)
	}
}
