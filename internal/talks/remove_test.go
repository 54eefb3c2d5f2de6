package talks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// The machines to remove count every machine of a limited type the
// baseline knows of: where the IAEA reported only those enriching at a
// site (Fordow's IR-1, Natanz's IR-6 in February 2025), at least those,
// not none. A count reported too long before the baseline's date, none
// included, bounds it neither way. A baseline that no longer knows a
// count leaves the metric unknown, not zero.
func TestCentrifugesToRemoveCountEveryKnownMachine(t *testing.T) {
	sp := space()
	jcpoa := talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(202.8),
		"centrifuges_IR-1": talks.Num(5060), "centrifuges_IR-6": talks.Num(0)}
	model := talks.ModelAt(state.At(dataset.Embedded().Facts(), calendar.MustParse("2025-02-08")))
	model.Samples = 0
	ev, err := model.Evaluate(&sp, jcpoa)
	if err != nil {
		t.Fatal(err)
	}
	// IR-1: 5,060 at Natanz and 1,044 enriching at Fordow, against 5,060
	// allowed; IR-6: 1,724 installed at Fordow and 522 enriching at Natanz.
	if got := ev.Metrics[talks.MetricCentrifugesOut]; got != 1044+1724+522 {
		t.Errorf("centrifuges to remove: %v, want 3290", got)
	}
	// Every count it rests on was last reported years before: it bounds
	// nothing one way, and the note names each of them.
	wantNote(t, ev.Notes, "centrifuges_to_remove is about 3290, a bound neither way",
		"the IR-1 at Fordow: 1044 machines enriching as of 2021-01-04, 4.1 years before the baseline's date",
		"the IR-1 at Natanz FEP: 5060 machines installed as of 2021-03-15",
		"the IR-6 at Natanz FEP: 522 machines enriching as of 2022-10-10")

	// An old count of none is old too: at 2021-06-01, Natanz's IR-6 rest
	// on the zero of May 2019, to which machines may have been added.
	ev = evaluateAt(t, &sp, jcpoa, dataset.Embedded().Facts(), "2021-06-01")
	if got := ev.Metrics[talks.MetricCentrifugesOut]; got != 1044 {
		t.Errorf("centrifuges to remove on 2021-06-01: %v, want the 1,044 IR-1 enriching at Fordow", got)
	}
	wantNote(t, ev.Notes, "centrifuges_to_remove is about 1044, a bound neither way", "the IR-6 at Natanz FEP: 0 machines enriching as of 2019-05-20, 2.0 years before")

	// Counts a few months old bound it from below.
	count := func(metric state.Metric, site string, n float64, date string) state.Fact {
		return state.Fact{Metric: metric, Date: calendar.MustParse(date), Site: site, Machine: "IR-1", Value: n, Status: state.Sourced,
			Evidence: []state.Evidence{{Source: "test"}}}
	}
	recent := []state.Fact{count(state.CentrifugesEnriching, "Fordow", 1044, "2021-01-04"), count(state.CentrifugesInstalled, "Natanz FEP", 5060, "2021-03-15")}
	ev = evaluateAt(t, &sp, jcpoa, recent, "2021-06-01")
	if got := ev.Metrics[talks.MetricCentrifugesOut]; got != 1044 {
		t.Errorf("centrifuges to remove from recent counts: %v, want 1044", got)
	}
	wantNote(t, ev.Notes, "centrifuges_to_remove is at least 1044: the baseline gives only a lower bound of the IR-1 installed")

	lost := talks.ModelAt(state.At(dataset.Embedded().Facts(), calendar.MustParse("2026-06-01")))
	lost.Samples = 0
	ev, err = lost.Evaluate(&sp, jcpoa)
	if err != nil {
		t.Fatal(err)
	}
	wantUnknown(t, ev.Metrics, ev.Unknown, talks.MetricCentrifugesOut, "the baseline does not give")
}

// wantNote fails unless one of notes holds every part of want.
func wantNote(t *testing.T, notes []string, want ...string) {
	t.Helper()
	if !slices.ContainsFunc(notes, func(n string) bool {
		return !slices.ContainsFunc(want, func(w string) bool { return !strings.Contains(n, w) })
	}) {
		t.Errorf("no note says all of %q: %q", want, notes)
	}
}

// evaluateAt evaluates p against the state of facts at date.
func evaluateAt(t *testing.T, sp *talks.Space, p talks.Package, facts []state.Fact, date string) *talks.Evaluation {
	t.Helper()
	model := talks.ModelAt(state.At(facts, calendar.MustParse(date)))
	model.Samples = 0
	ev, err := model.Evaluate(sp, p)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}
