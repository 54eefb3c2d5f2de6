package state_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/state"
)

func TestDatePrecisionWords(t *testing.T) {
	d := day("2021-09-07")
	for _, c := range []struct {
		p               state.DatePrecision
		date, short, on string
		before          string
	}{
		{state.Day, "2021-09-07", "2021-09-07", "on 2021-09-07", "24 days before this date"},
		{state.NoLaterThan, "2021-09-07 at the latest", "by 2021-09-07", "on 2021-09-07 at the latest", "at least 24 days before this date"},
	} {
		if got := c.p.Date(d); got != c.date {
			t.Errorf("%q.Date = %q, want %q", c.p, got, c.date)
		}
		if got := c.p.Short(d); got != c.short {
			t.Errorf("%q.Short = %q, want %q", c.p, got, c.short)
		}
		if got := c.p.On(d); got != c.on {
			t.Errorf("%q.On = %q, want %q", c.p, got, c.on)
		}
		if got := c.p.Before(d, day("2021-10-01")); got != c.before {
			t.Errorf("%q.Before = %q, want %q", c.p, got, c.before)
		}
	}
	m := day("2019-02-01")
	if got := state.MonthOnly.Date(m); got != "2019-02 (month only)" {
		t.Errorf("month Date = %q", got)
	}
	if got := state.MonthOnly.Before(m, day("2019-03-01")); got != "1 to 28 days before this date" {
		t.Errorf("month Before = %q", got)
	}
	if got := state.MonthOnly.Latest(m); !got.Equal(day("2019-02-28")) {
		t.Errorf("month Latest = %s, want 2019-02-28", got)
	}
}

// A figure known only to its month may be of any day of it: a view within
// the month does not take it, a view after the month does, and it says
// the month, not the first day.
func TestMonthOnlyFigureIsNotTakenWithinItsMonth(t *testing.T) {
	facts := []state.Fact{
		{Metric: state.EnrichedUraniumKgU, Date: day("2018-11-04"), Value: 150, Status: state.Sourced, Evidence: ev("r1"), Report: "r1"},
		{Metric: state.EnrichedUraniumKgU, Date: day("2019-02-01"), DatePrecision: state.MonthOnly, Value: 163.8, Status: state.Sourced, Evidence: ev("r2"), Report: "r2"},
	}
	if got := state.At(facts, day("2019-02-20")).Inventory.Total; got.Value != 150 {
		t.Errorf("view within the month took %g as of %s, want the figure of 2018-11-04", got.Value, got.AsOf())
	}
	got := state.At(facts, day("2019-03-01")).Inventory.Total
	if got.Value != 163.8 || got.DatePrecision != state.MonthOnly {
		t.Fatalf("view after the month: %+v", got)
	}
	if got.AsOf() != "as of 2019-02 (month only)" || got.AsOfShort() != "as of 2019-02 (month)" {
		t.Errorf("AsOf = %q, AsOfShort = %q", got.AsOf(), got.AsOfShort())
	}
}

// A figure of a day and a figure of its month given from the same first
// day: within the month the view takes the day's, once the month is past
// the month's, which may be of a later day, whichever is listed last.
func TestMonthFigureOutdatesADayOfItsFirstDay(t *testing.T) {
	month := state.Fact{Metric: state.CentrifugesEnriching, Site: "FEP", Machine: "IR-1", Date: day("2015-07-01"), DatePrecision: state.MonthOnly, Value: 9156, Status: state.Sourced, Evidence: ev("month")}
	first := state.Fact{Metric: state.CentrifugesEnriching, Site: "FEP", Machine: "IR-1", Date: day("2015-07-01"), Value: 9156, Status: state.Derived, Evidence: ev("day")}
	for _, facts := range [][]state.Fact{{month, first}, {first, month}} {
		for date, want := range map[string]state.Status{"2015-07-14": state.Derived, "2015-07-31": state.Sourced} {
			cs := state.At(facts, day(date)).Centrifuges
			if len(cs) != 1 || cs[0].Enriching.Status != want {
				t.Errorf("at %s with %s listed first: %+v, want the %s figure", date, facts[0].Evidence[0].Ref, cs, want)
			}
		}
	}
}

// A figure whose date is only the latest it can be of says so, and so
// does its age once it is stale.
func TestNoLaterThanFigureSaysSo(t *testing.T) {
	facts := []state.Fact{{Metric: state.EnrichedUraniumKgU, Date: day("2021-09-07"), DatePrecision: state.NoLaterThan, Value: 2441.3, Status: state.Sourced, Evidence: ev("r"), Report: "r"}}
	v := state.At(facts, day("2021-10-01")).Inventory.Total
	if v.AsOf() != "as of 2021-09-07 at the latest" || v.AsOfShort() != "by 2021-09-07" || v.ConfirmedOn() != "on 2021-09-07 at the latest" {
		t.Errorf("AsOf %q, AsOfShort %q, ConfirmedOn %q", v.AsOf(), v.AsOfShort(), v.ConfirmedOn())
	}
	old := state.At(facts, day("2022-06-01")).Inventory.Total
	if old.Known || !strings.Contains(old.Unknown, "as of 2021-09-07 at the latest") || !strings.Contains(old.Unknown, "at least 267 days before this date") {
		t.Errorf("stale: %q", old.Unknown)
	}
}

// The precision travels in JSON, known or as the last figure; JSON
// written before it was a field reads as a date to the day.
func TestValueJSONCarriesThePrecision(t *testing.T) {
	for _, v := range []state.Value{
		{Known: true, Value: 1, Date: day("2021-09-07"), DatePrecision: state.NoLaterThan, Status: state.Sourced},
		{Value: 1, Date: day("2019-02-01"), DatePrecision: state.MonthOnly, Status: state.Sourced, Unknown: "old"},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"date_precision":"`+string(v.DatePrecision)+`"`) {
			t.Errorf("%s lacks the precision", b)
		}
		var back state.Value
		if err := json.Unmarshal(b, &back); err != nil || back.DatePrecision != v.DatePrecision {
			t.Errorf("read back %+v (%v) from %s", back, err, b)
		}
	}
	var old state.Value
	if err := json.Unmarshal([]byte(`{"known":true,"value":1,"date":"2021-09-07","status":"sourced"}`), &old); err != nil || old.DatePrecision != state.Day {
		t.Errorf("old JSON read as %+v (%v)", old, err)
	}
}
