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
// not none. A baseline that no longer knows a count leaves the metric
// unknown, not zero.
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
	if !slices.ContainsFunc(ev.Notes, func(n string) bool { return strings.Contains(n, "centrifuges_to_remove is at least 3290") }) {
		t.Errorf("no note says the count is a lower bound: %q", ev.Notes)
	}

	lost := talks.ModelAt(state.At(dataset.Embedded().Facts(), calendar.MustParse("2026-06-01")))
	lost.Samples = 0
	ev, err = lost.Evaluate(&sp, jcpoa)
	if err != nil {
		t.Fatal(err)
	}
	wantUnknown(t, ev.Metrics, ev.Unknown, talks.MetricCentrifugesOut, "the baseline does not give")
}
