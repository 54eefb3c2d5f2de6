package breakout_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/input"
)

// A scenario lists at most MaxFleetGroups groups, MaxLots lots,
// MaxTailsOverrides tails overrides and MaxCascadeMachines machine types;
// more is refused naming the list, and exactly the bound is accepted.
func TestScenarioBounds(t *testing.T) {
	lots := func(n int) []breakout.Lot {
		var out []breakout.Lot
		for i := range n {
			out = append(out, breakout.Lot{MassKgU: 1, AssayPct: 1 + float64(i)*0.5})
		}
		return out
	}
	groups := func(n int) []breakout.Group {
		var out []breakout.Group
		for range n {
			out = append(out, breakout.Group{Machine: "IR-1", Count: 174})
		}
		return out
	}
	tails := func(n int) map[string]float64 {
		out := map[string]float64{}
		for i := range n {
			out[fmt.Sprint(10+i)] = 1
		}
		return out
	}
	types := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "IR-6"
		}
		return out
	}
	for _, c := range []struct {
		field string
		over  func(*breakout.Scenario, int)
		limit int
	}{
		{"inventory", func(s *breakout.Scenario, n int) { s.Inventory = lots(n) }, breakout.MaxLots},
		{"fleet", func(s *breakout.Scenario, n int) { s.Fleet = groups(n) }, breakout.MaxFleetGroups},
		{"tails_pct", func(s *breakout.Scenario, n int) { s.TailsPct = tails(n) }, breakout.MaxTailsOverrides},
		{"cascades.machines", func(s *breakout.Scenario, n int) { s.Cascades.Machines = types(n) }, breakout.MaxCascadeMachines},
	} {
		s := scenario(nil, machines("IR-6", 696, 5))
		c.over(&s, c.limit)
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %d accepted? %v", c.field, c.limit, err)
		}
		c.over(&s, c.limit+1)
		var fe *input.Error
		if err := s.Validate(); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: %d items: got %v, want an error naming %s", c.field, c.limit+1, err, c.field)
		}
	}
}

// FirstSQDays is the FirstSQDays of Estimate, for every example and both
// conventions.
func TestFirstSQDaysIsEstimates(t *testing.T) {
	names := examples.Names(examples.Scenarios)
	if len(names) == 0 {
		t.Fatal("no examples")
	}
	for _, name := range names {
		s := example(t, name)
		for _, conv := range breakout.Conventions() {
			s.Convention = conv
			want := estimate(t, s)
			got, err := breakout.FirstSQDays(s)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (want.FirstSQDays == nil) || got != nil && *got != *want.FirstSQDays {
				t.Errorf("%s %s: FirstSQDays %v, Estimate %v", name, conv, got, want.FirstSQDays)
			}
		}
	}
}

// A band stops when its context is done, with an error that says so.
func TestBandStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := breakout.BandContext(ctx, feb2025(t), 10_000, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled band: got %v, want context.Canceled", err)
	}
	if _, err := breakout.RunContext(ctx, feb2025(t), 10_000, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled run: got %v, want context.Canceled", err)
	}
	// Without a band there is nothing to stop.
	if _, err := breakout.RunContext(ctx, feb2025(t), 0, 1); err != nil {
		t.Errorf("a run without a band: %v", err)
	}
}

// worstScenario is the most expensive scenario the bounds accept, for the
// benchmarks of the requests that estimate one: MaxLots lots, each at its
// own assay with a mass range (one tails input each, most drawn), and
// MaxFleetGroups groups, each with its own capacity range and efficiency
// range, so that every group draws in every sample; the cascades
// convention with a range of cascades.
func worstScenario() breakout.Scenario {
	s := breakout.Scenario{Convention: breakout.Cascades, Target: breakout.Target{AssayPct: 90, QuantitySQ: 5, SQ: enrich.WGU25}}
	for i := range breakout.MaxLots {
		m := 10 + float64(i)
		s.Inventory = append(s.Inventory, breakout.Lot{MassKgU: m, AssayPct: 1 + 0.85*float64(i), MassRangeKgU: []float64{m - 5, m + 5}})
	}
	for i := range breakout.MaxFleetGroups {
		swu := 1 + float64(i)/10
		s.Fleet = append(s.Fleet, breakout.Group{Machine: fmt.Sprintf("M-%d", i), Count: 1000, SWUPerYear: &swu,
			SWURange: []float64{swu * 0.8, swu * 1.2}, EfficiencyRange: []float64{0.6, 0.9}})
	}
	m := 20
	s.Cascades = breakout.CascadePlan{Max: &m, MaxRange: []float64{10, 40}}
	return s
}

func TestWorstScenarioIsAccepted(t *testing.T) {
	r, err := breakout.Run(worstScenario(), 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Uncertainty == nil || len(r.Fleet) != breakout.MaxFleetGroups {
		t.Errorf("no band, or %d groups", len(r.Fleet))
	}
}
