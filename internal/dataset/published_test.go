package dataset_test

import (
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
)

// Every figure carries when it was published, where the series gives it:
// a row's figures its report date (to the day, or only the month); a fact
// of a row's notes the same, unless the fact is dated after the report or
// the notes name its own publication; a fact read elsewhere the date its
// source gives, else none. No day is made up for a month.
func TestFactsSayWhenTheyWerePublished(t *testing.T) {
	type when struct{ day, month string }
	want := map[string]when{
		// GOV/2025/8, dated 26 February 2025, gives the stock as of 8 February.
		"iaea-iran row 33 enriched_uranium_kg_u 2025-02-08": {day: "2025-02-26"},
		// The report of September 2025: the series gives only its month.
		"iaea-iran row 35 enriched_uranium_kg_u 2025-06-13":     {month: "2025-09"},
		"iaea-iran row 35 notes verification_access 2025-06-13": {month: "2025-09"},
		// A fact of GOV/2021/10's notes, dated before the report.
		"iaea-iran row 15 notes max_enrichment_pct 2021-01-04": {day: "2021-02-23"},
		// A fact of GOV/2022/62's notes dated after that report, from a
		// document whose date the series does not give.
		"iaea-iran row 23 notes cascades_enriching 2022-11-22": {},
		// A fact of GOV/2022/39's notes that Reuters reported first.
		"iaea-iran row 22 notes cascades_enriching 2022-08-28": {day: "2022-08-29"},
		// A fact read from a later report, dated by its source.
		"iaea-iran fact 98 verification_access 2025-09-03": {day: "2025-09-03"},
		// A fact that follows from the JCPOA: no date of publication given.
		"iaea-iran fact 8 enriched_uranium_kg_u 2016-01-16": {},
	}
	found := map[string]bool{}
	for _, f := range dataset.Embedded().Facts() {
		e := f.Evidence[0]
		k := e.Ref + " " + string(f.Metric) + " " + f.Date.String()
		w, ok := want[k]
		if !ok {
			continue
		}
		found[k] = true
		if e.Published.String() != w.day || e.PublishedMonth != w.month {
			t.Errorf("%s: published %q, month %q; want %q, %q", k, e.Published, e.PublishedMonth, w.day, w.month)
		}
	}
	for k := range want {
		if !found[k] {
			t.Errorf("no fact %s", k)
		}
	}
	// Every row of the series has a report date, so every figure of a row
	// has a date of publication.
	for _, f := range dataset.Embedded().Facts() {
		if e := f.Evidence[0]; !strings.Contains(e.Ref, "notes") && !strings.Contains(e.Ref, "fact") && e.Publication() == "" {
			t.Errorf("%s %s %s: no date of publication", e.Ref, f.Metric, f.Date)
		}
	}
}

// A user's series is read the same way: its report dates are when its
// figures were published.
func TestUserSeriesReportDateIsThePublication(t *testing.T) {
	d, err := dataset.Parse(strings.NewReader(strings.Join(dataset.Columns, ",")+"\n"+
		"2025-02-26,GOV/2025/8,H,2025-02-08,8294.4,H,,,,,,,,AP\n"+
		"2025-09,,n/a,2025-06-13,9874.9,H,,,,,,,,AP\n"), "mine")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range d.Facts() {
		got = append(got, f.Evidence[0].Hindsight(day("2025-02-10"))+"|"+f.Evidence[0].Hindsight(day("2025-09-10")))
	}
	want := []string{"published 2025-02-26, after this date|", "published in September 2025, after this date|published in September 2025, perhaps after this date"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func day(s string) calendar.Date { return calendar.MustParse(s) }
