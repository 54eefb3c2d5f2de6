package talks_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/cputime"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

func delegations(parties ...string) []talks.Delegation {
	var out []talks.Delegation
	for _, p := range parties {
		out = append(out, talks.Delegation{Party: p, Name: p, Members: []talks.Member{{Name: "envoy", Role: "principal"}}})
	}
	return out
}

// wantField fails unless err is an *input.Error naming field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var fe *input.Error
	if !errors.As(err, &fe) || fe.Field != field {
		t.Errorf("%s: got %v, want an error naming %s", what, err, field)
	}
}

// A numeric term must step from its min to its max in at most
// MaxTermSteps values; a space has at most MaxTerms terms.
func TestSpaceBounds(t *testing.T) {
	for _, c := range []struct {
		name           string
		min, max, step float64
	}{
		{"a step of 1e-308", 0, 20, 1e-308},
		{"a range too wide to step", -1e308, 1e308, 1},
		{"one value too many", 0, talks.MaxTermSteps, 1},
	} {
		sp := talks.Space{Version: 1, Terms: []talks.Term{{ID: talks.TermEnrichmentCap, Kind: talks.Numeric, Unit: "%", Min: c.min, Max: c.max, Step: c.step}}}
		_, err := talks.NewRoom("r", "t", "oman", delegations("us", "iran"), sp, talks.Standard, 3)
		wantField(t, c.name, err, "terms[0].step")
	}
	ok := talks.Space{Version: 1, Terms: []talks.Term{{ID: talks.TermEnrichmentCap, Kind: talks.Numeric, Unit: "%", Min: 0, Max: talks.MaxTermSteps - 1, Step: 1}}}
	if _, err := talks.NewRoom("r", "t", "oman", delegations("us", "iran"), ok, talks.Standard, 3); err != nil {
		t.Errorf("exactly %d values: %v", talks.MaxTermSteps, err)
	}
	var many talks.Space
	for i := range talks.MaxTerms + 1 {
		many.Terms = append(many.Terms, talks.Term{ID: fmt.Sprintf("t%d", i), Kind: talks.YesNo})
	}
	_, err := talks.NewRoom("r", "t", "oman", delegations("us", "iran"), many, talks.Standard, 3)
	wantField(t, "too many terms", err, "terms")
}

// A room lists each party once, whether it is opened through the API or
// read from a room file: a party listed twice could never confirm twice,
// so the room could never become final.
func TestRoomListsEachPartyOnce(t *testing.T) {
	_, err := talks.NewRoom("r", "t", "oman", delegations("us", "iran", "us"), space(), talks.Standard, 3)
	wantField(t, "NewRoom", err, "parties[2].party")

	data := example(t, examples.Rooms, "muscat-2025")
	twice := strings.Replace(string(data), "  - party: iran\n", "  - party: us\n    name: again\n  - party: iran\n", 1)
	if twice == string(data) {
		t.Fatal("the example room file changed: this test cannot list a party twice")
	}
	_, _, err = talks.ParseSpec([]byte(twice))
	wantField(t, "ParseSpec", err, "parties[1].party")
}

// A party's red lines are at most MaxRedLines.
func TestRedLinesBounded(t *testing.T) {
	r := room(t, talks.Standard)
	var cs []talks.Constraint
	for range talks.MaxRedLines + 1 {
		cs = append(cs, talks.Limit(talks.MetricBreakoutDays, ">=", 1))
	}
	_, err := r.SubmitRedLines("us", redLines("us", cs...))
	wantField(t, "too many red lines", err, "constraints")
}

// The zone explorer sizes its search from the terms before building any
// list of values: a term it cannot step through (a room stored before the
// bounds, or changed in place) and a search over the bounds are refused
// naming the field, without a panic and without the work.
func TestZoneBoundsCheckedFirst(t *testing.T) {
	fixed := talks.Package{"relief": {Order: []string{"verification", "un-relief", "us-relief"}}}
	explore := func(change func(*talks.Room), us, iran []talks.Constraint) error {
		r := room(t, talks.Standard)
		submitBoth(t, r, redLines("us", us...), redLines("iran", iran...))
		change(r)
		_, err := r.ExploreZone("oman", fixed)
		return err
	}
	breakoutDays := []talks.Constraint{talks.Limit(talks.MetricBreakoutDays, ">=", 0)}
	term := func(id string, f func(*talks.Term)) func(*talks.Room) {
		return func(r *talks.Room) {
			for i := range r.Space.Terms {
				if r.Space.Terms[i].ID == id {
					f(&r.Space.Terms[i])
				}
			}
		}
	}
	err := explore(term(talks.TermEnrichmentCap, func(t *talks.Term) { t.Step = 1e-308 }), breakoutDays, breakoutDays)
	wantField(t, "a step of 1e-308", err, "fixed."+talks.TermEnrichmentCap)
	err = explore(term("centrifuges_IR-1", func(t *talks.Term) { t.Step = 1 }), breakoutDays, breakoutDays)
	wantField(t, "10,001 values", err, "fixed.centrifuges_IR-1")
	// 41 x 5 x 101 x 3 = 62,115 packages searched jointly.
	err = explore(term("centrifuges_IR-1", func(t *talks.Term) { t.Step = 100 }), breakoutDays, breakoutDays)
	wantField(t, "too many packages", err, "fixed")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprint(talks.MaxZonePoints)) {
		t.Errorf("the refusal does not state the bound: %v", err)
	}
	// 41 x 5 x 41 x 3 = 25,215 packages, 50 red lines each.
	var many []talks.Constraint
	for range 25 {
		many = append(many, breakoutDays...)
	}
	err = explore(term("centrifuges_IR-1", func(t *talks.Term) { t.Step = 250 }), many, many)
	wantField(t, "too many checks", err, "fixed")
	// The same search with one red line each runs.
	if err := explore(func(*talks.Room) {}, breakoutDays, breakoutDays); err != nil {
		t.Errorf("a search within the bounds: %v", err)
	}
}

// worstZoneRoom is the most expensive exploration the bounds accept: every
// machine type of the catalogue with three values, 49,572 packages searched
// jointly (MaxZonePoints is 50,000), each checked against 10 red lines that
// all hold, so that every check is made (495,720 checks; MaxZoneChecks is
// 500,000); the model counts reductions from
// the reported state of February 2025, as the server's does.
func worstZoneRoom(tb testing.TB) (*talks.Room, talks.Package) {
	tb.Helper()
	terms := []talks.Term{
		{ID: talks.TermEnrichmentCap, Kind: talks.Numeric, Unit: "%", Min: 5, Max: 60, Step: 5},
		{ID: talks.TermStockpileCap, Kind: talks.Numeric, Unit: "kg U", Min: 200, Max: 3400, Step: 200},
		{ID: "relief", Kind: talks.Schedule, Phases: []string{"verification", "relief"}},
	}
	for _, m := range []string{"IR-1", "IR-2m", "IR-4", "IR-6", "IR-8"} {
		terms = append(terms, talks.Term{ID: "centrifuges_" + m, Kind: talks.Numeric, Unit: "machines", Min: 0, Max: 2000, Step: 1000})
	}
	r, err := talks.NewRoom("worst", "the worst zone", "oman", delegations("us", "iran"), talks.Space{Version: 1, Terms: terms}, talks.Standard, 3)
	if err != nil {
		tb.Fatal(err)
	}
	r.Model = talks.Model{Baseline: state.At(dataset.Embedded().Facts(), calendar.MustParse("2025-02-08"))}
	cs := []talks.Constraint{talks.Limit(talks.MetricBreakoutDays, ">=", 0)}
	for _, t := range terms {
		if t.Kind == talks.Numeric && len(cs) < 5 {
			cs = append(cs, talks.Limit(t.ID, ">=", t.Min))
		}
	}
	for _, p := range []string{"us", "iran"} {
		if _, err := r.SubmitRedLines(p, talks.RedLines{Room: "worst", Party: p, Constraints: cs, Salt: talks.NewSalt()}); err != nil {
			tb.Fatal(err)
		}
	}
	return r, talks.Package{"relief": {Order: []string{"verification", "relief"}}}
}

// The worst accepted exploration is within the bounds and searches every
// package.
func TestWorstZoneIsAccepted(t *testing.T) {
	if testing.Short() {
		t.Skip("explores 49,572 packages")
	}
	r, fixed := worstZoneRoom(t)
	z, err := r.ExploreZone("oman", fixed)
	if err != nil {
		t.Fatal(err)
	}
	if z.Evaluated != 49_572 || z.Feasible != z.Evaluated || z.Best == nil {
		t.Errorf("evaluated %d, feasible %d, want 49,572 each", z.Evaluated, z.Feasible)
	}
}

// BenchmarkWorstZone is the cost of the worst exploration the bounds
// accept; cpu-ns/op is the processor time of the whole process per
// exploration (the target: under one second).
func BenchmarkWorstZone(b *testing.B) {
	r, fixed := worstZoneRoom(b)
	start := cputime.Used()
	for b.Loop() {
		if _, err := r.ExploreZone("oman", fixed); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Used()-start)/float64(b.N), "cpu-ns/op")
}
