package talks_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// A centrifuge term of the space that a proposal leaves open is neither
// none nor unlimited: every metric that depends on it is unknown, left out
// of the metrics and listed with the open term, and the others stay
// numbers. It used to count as none enriching (breakout never reached,
// 100,000 days) and as no limit on removals at once.
func TestOpenCentrifugeTermIsUnknown(t *testing.T) {
	sp := space()
	base := state.At(dataset.Embedded().Facts(), calendar.MustParse("2025-02-08"))
	model := talks.ModelAt(base)
	model.Samples = 50 // the band, cheaply
	breakoutOnes := []string{talks.MetricBreakoutDays, talks.MetricBreakoutP10, talks.MetricBreakoutP50, talks.MetricBreakoutP90, talks.MetricWarningDays}
	caps := func(capPct float64, more talks.Package) talks.Package {
		p := talks.Package{talks.TermEnrichmentCap: talks.Num(capPct), talks.TermStockpileCap: talks.Num(200)}
		maps.Copy(p, more)
		return p
	}
	for _, c := range []struct {
		name    string
		values  talks.Package
		unknown []string // the unknown metrics
		open    string   // what their reason names
	}{
		{"IR-1 open", caps(3.67, talks.Package{"centrifuges_IR-6": talks.Num(0)}),
			append([]string{talks.MetricCentrifugesOut}, breakoutOnes...), "centrifuges_IR-1"},
		{"IR-1 open, IR-6 allowed", caps(3.67, talks.Package{"centrifuges_IR-6": talks.Num(500)}),
			append([]string{talks.MetricCentrifugesOut}, breakoutOnes...), "centrifuges_IR-1"},
		{"both open", caps(3.67, nil),
			append([]string{talks.MetricCentrifugesOut}, breakoutOnes...), "centrifuges_IR-1, centrifuges_IR-6"},
		// No enrichment permitted: the machines do not matter to breakout,
		// but how many are to go does.
		{"IR-1 open, no enrichment", caps(0, talks.Package{"centrifuges_IR-6": talks.Num(0)}),
			[]string{talks.MetricCentrifugesOut}, "centrifuges_IR-1"},
		{"all set", caps(3.67, talks.Package{"centrifuges_IR-1": talks.Num(5060), "centrifuges_IR-6": talks.Num(0)}), nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev, err := model.Evaluate(&sp, c.values)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Sorted(maps.Keys(ev.Unknown)); !slices.Equal(got, slices.Sorted(slices.Values(c.unknown))) {
				t.Errorf("unknown metrics %v, want %v", got, c.unknown)
			}
			for m, why := range ev.Unknown {
				if _, ok := ev.Metrics[m]; ok {
					t.Errorf("%s is unknown (%s) and a number, %v", m, why, ev.Metrics[m])
				}
				if !strings.Contains(why, "leaves "+c.open+" open") {
					t.Errorf("%s unknown because %q, want it to name %s", m, why, c.open)
				}
			}
			for m := range talks.MetricUnits {
				if _, unknown := ev.Unknown[m]; !unknown && m != talks.MetricBreakoutP10 && m != talks.MetricBreakoutP50 && m != talks.MetricBreakoutP90 {
					if _, ok := ev.Metrics[m]; !ok {
						t.Errorf("%s is neither a number nor unknown", m)
					}
				}
			}
			if v, ok := ev.Metrics[talks.MetricBreakoutDays]; ok && c.values[talks.TermEnrichmentCap].Number != nil && *c.values[talks.TermEnrichmentCap].Number > 0 && v >= talks.UnreachedBreakoutDays {
				t.Errorf("breakout %v days with machines allowed to enrich", v)
			}
		})
	}
}

// A red line on a metric the proposal leaves unknown is not checked and
// never met, whoever asks and under either policy: the party and the
// mediator are told which and why (the open term), and under the blind
// policy the answer is "not all met". The attacker's case: the US's
// breakout_days >= 365 was met by a proposal that set centrifuges_IR-6 to
// 0 and left centrifuges_IR-1 open (100,000 days).
func TestRedLineOnAnUnknownMetricIsNotMet(t *testing.T) {
	usLine := talks.Limit(talks.MetricBreakoutDays, ">=", 365)
	iranLine := talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)
	open := talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(200), "centrifuges_IR-6": talks.Num(0)}
	type want struct {
		met       bool     // own (a party, standard) or all (the mediator, blind)
		unchecked []string // the parties whose unchecked red lines are shown
	}
	for _, c := range []struct {
		policy    talks.Policy
		recipient string
		want      want
	}{
		{talks.Standard, "us", want{false, []string{"us"}}},
		{talks.Standard, "iran", want{true, nil}},
		{talks.Standard, "oman", want{false, []string{"us"}}},
		{talks.Blind, "us", want{false, nil}},
		{talks.Blind, "iran", want{false, nil}},
		{talks.Blind, "oman", want{false, nil}},
	} {
		t.Run(string(c.policy)+"/"+c.recipient, func(t *testing.T) {
			r := room(t, c.policy)
			r.Model.Samples = 0
			submitBoth(t, r, redLines("us", usLine), redLines("iran", iranLine))
			p, err := r.Propose("oman", "oman", open, false)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := r.Feasibility(c.recipient, p.ID, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			wantUnknown(t, rep.Metrics, rep.Unknown, talks.MetricBreakoutDays, "centrifuges_IR-1")
			met := rep.AllMet
			if rep.OwnMet != nil {
				met = rep.OwnMet
			}
			if met == nil || *met != c.want.met {
				t.Errorf("met %v, want %v: %+v", met, c.want.met, rep)
			}
			if got := slices.Sorted(maps.Keys(rep.Unchecked)); !slices.Equal(got, c.want.unchecked) {
				t.Errorf("unchecked red lines of %v, want %v", got, c.want.unchecked)
			}
			for _, u := range rep.Unchecked["us"] {
				if u.Constraint.String() != usLine.String() || !strings.Contains(u.Reason, "breakout_days is not known") || !strings.Contains(u.Reason, "leaves centrifuges_IR-1 open") {
					t.Errorf("unchecked %+v", u)
				}
			}
		})
	}
}
