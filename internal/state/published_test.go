package state_test

import (
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
