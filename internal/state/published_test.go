package state_test

import (
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/state"
)

// A view says of evidence published after its date that it was, to the
// day, or to the month where only the month is known ("perhaps", when the
// date falls in that month); of evidence published by then, or whose
// publication is not known, it says nothing.
func TestHindsight(t *testing.T) {
	byDay := state.Evidence{Published: day("2025-02-26")}
	byMonth := state.Evidence{PublishedMonth: "2025-09"}
	for _, c := range []struct {
		e    state.Evidence
		date string
		want string
	}{
		{byDay, "2025-02-10", "published 2025-02-26, after this date"},
		{byDay, "2025-02-25", "published 2025-02-26, after this date"},
		{byDay, "2025-02-26", ""},
		{byDay, "2025-03-15", ""},
		{byMonth, "2025-06-20", "published in September 2025, after this date"},
		{byMonth, "2025-08-31", "published in September 2025, after this date"},
		{byMonth, "2025-09-01", "published in September 2025, perhaps after this date"},
		{byMonth, "2025-09-30", "published in September 2025, perhaps after this date"},
		{byMonth, "2025-10-01", ""},
		{state.Evidence{}, "2025-02-10", ""},
		{state.Evidence{PublishedMonth: "September"}, "2025-02-10", ""},
	} {
		if got := c.e.Hindsight(day(c.date)); got != c.want {
			t.Errorf("%+v at %s: got %q, want %q", c.e, c.date, got, c.want)
		}
	}
	if got := byMonth.Publication(); got != "published in September 2025" {
		t.Errorf("publication by month: %q", got)
	}
}

// A figure last reported in a document published after the view's date
// is unknown at that date for its own reasons, and the reason says when
// the figure was published: "last reported" must not read as reported by
// then.
func TestUnknownSaysWhenTheLastFigureWasPublished(t *testing.T) {
	e := ev("r9")
	e[0].PublishedMonth = "2025-09"
	fs := []state.Fact{
		{Metric: state.VerificationAccess, Date: day("2025-06-13"), Text: "none", Status: state.Sourced, Evidence: ev("a")},
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-06-13"), Value: 9874.9, Status: state.Sourced, Evidence: e, Report: "r9"},
	}
	got := state.At(fs, day("2025-06-20")).Inventory.Total.Unknown
	if want := "last reported 9874.9 kg U as of 2025-06-13 (sourced; published in September 2025, after this date)"; !strings.Contains(got, want) {
		t.Errorf("got %q, want it to say %q", got, want)
	}
	if got := state.At(fs, day("2025-10-20")).Inventory.Total.Unknown; strings.Contains(got, "published") {
		t.Errorf("after its publication: %q", got)
	}
}
