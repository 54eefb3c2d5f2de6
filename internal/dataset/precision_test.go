package dataset_test

import (
	"testing"

	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

// A row without a cut-off date is as of its report's date at the latest;
// a row with only the month of its cut-off is of that month; a row whose
// cut-off date a later source quotes from the report is of that day; every
// fact of the row carries that, and so do the facts its notes give only to
// the month.
func TestRowsSayHowMuchTheirDateIsKnown(t *testing.T) {
	d := dataset.Embedded()
	want := map[string]state.DatePrecision{"2021-09-07": state.Day, "2022-03-03": state.Day, "2022-09-07": state.Day,
		"2025-11": state.NoLaterThan, "2019-02": state.MonthOnly, "2025-02-26": state.Day}
	seen := map[string]bool{}
	for _, r := range d.Reports {
		p, ok := want[r.ReportDate]
		if !ok {
			continue
		}
		seen[r.ReportDate] = true
		if r.AsOfPrecision != p {
			t.Errorf("row %d (%s): precision %q, want %q", r.Row, r.ReportDate, r.AsOfPrecision, p)
		}
		for _, f := range d.Facts() {
			if f.Report == r.Ref(d.Name) && f.DatePrecision != p {
				t.Errorf("row %d: fact %s %g%% has precision %q, want %q", r.Row, f.Metric, f.LevelPct, f.DatePrecision, p)
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("rows seen %v, want %v", seen, want)
	}
	// The cut-off dates the press quotes from the reports whose rows give
	// none (AP of 2021-09-07 and 2022-09-07, AFP and the Arms Control
	// Association of March 2022).
	cutOff := map[string]string{"2021-09-07": "2021-08-30", "2022-03-03": "2022-02-19", "2022-09-07": "2022-08-21"}
	for _, r := range d.Reports {
		if day, ok := cutOff[r.ReportDate]; ok && (r.AsOf.String() != day || r.AsOfNote == "") {
			t.Errorf("row %d (%s): as of %s, note %q; want %s and where it comes from", r.Row, r.ReportDate, r.AsOf, r.AsOfNote, day)
		}
	}
	// precisionOf is the date precision of the note fact of metric on
	// date (of value, unless 0); ok is false when there is none.
	precisionOf := func(m state.Metric, date string, value float64) (p state.DatePrecision, ok bool) {
		for _, f := range d.NoteFacts {
			if f.Metric == m && f.Date.String() == date && (value == 0 || f.Value == value) {
				p, ok = f.DatePrecision, true
			}
		}
		return p, ok
	}
	if p, ok := precisionOf(state.HeavyWaterT, "2019-02-01", 0); !ok || p != state.MonthOnly {
		t.Error("the heavy water of the 2019-02 report is not marked as of the month only")
	}
	// A fact of a report's notes given without its own date (GOV/2020/41:
	// the heavy water "back within the JCPOA limits", no day given) is of
	// the report's date at the latest.
	if p, ok := precisionOf(state.HeavyWaterT, "2020-09-04", 0); !ok || p != state.NoLaterThan {
		t.Error("the heavy water of the 2020-09-04 report, given without its date, is not marked as of that date at the latest")
	}
	// A fact read from the press on a report that gave it without its day
	// (the stock of 123.9 kg U of the report of 24 May 2018) is of the
	// report's date at the latest, though it cites no row of the series.
	if p, ok := precisionOf(state.EnrichedUraniumKgU, "2018-05-24", 123.9); !ok || p != state.NoLaterThan {
		t.Error("the stock of the report of 24 May 2018, given without its date, is not marked as of that date at the latest")
	}
	// The highest enrichment of the IAEA's report of 29 May 2015, which
	// gives it without its day, is of that day at the latest, not of a
	// day after its sources were published.
	var may2015 bool
	for _, f := range d.NoteFacts {
		if f.Metric == state.MaxEnrichmentPct && f.Value == 3.5 {
			may2015 = f.Date.String() == "2015-05-29" && f.DatePrecision == state.NoLaterThan && !f.Date.After(f.Evidence[0].Published)
		}
	}
	if !may2015 {
		t.Error("the 3.5 % of the report of May 2015 is not of 2015-05-29 at the latest")
	}
}

// The public record of continuity of knowledge says which events are
// dated by their first report (Karaj) and which only to the month (March
// 2024).
func TestKnowledgeEventsSayHowMuchTheirDateIsKnown(t *testing.T) {
	var karaj, march int
	for _, e := range dataset.Embedded().Knowledge {
		switch {
		case e.Site == "Karaj centrifuge-component workshop":
			karaj++
			if e.DatePrecision != state.NoLaterThan {
				t.Errorf("Karaj event of %s: precision %q", e.Date, e.DatePrecision)
			}
		case e.Date.String()[:7] == "2024-03":
			march++
			if e.DatePrecision != state.MonthOnly || e.Date.String() != "2024-03-01" {
				t.Errorf("March 2024 event: %s, precision %q", e.Date, e.DatePrecision)
			}
		case e.DatePrecision != state.Day:
			t.Errorf("event of %s at %s: precision %q", e.Date, e.Site, e.DatePrecision)
		}
	}
	if karaj == 0 || march == 0 {
		t.Errorf("karaj %d, march %d events", karaj, march)
	}
}
