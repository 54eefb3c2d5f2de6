package dataset_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

// dayInNote finds the first day a note names: "2019-10-28", "17 February",
// "9 May 2016", "13 Jun", "Nov. 5", "November 6". A day without its year
// takes the year of the fact's date.
var dayInNote = regexp.MustCompile(`(\d{4}-\d{2}-\d{2})|(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{1,2})\b`)

var months = map[string]int{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}

// daysIn are the days a note names, a day without its year in the year of
// date.
func daysIn(note string, date calendar.Date) []calendar.Date {
	var out []calendar.Date
	for _, m := range dayInNote.FindAllStringSubmatch(note, -1) {
		if m[1] != "" {
			out = append(out, calendar.MustParse(m[1]))
			continue
		}
		d, mon := m[2], m[3]
		if d == "" {
			d, mon = m[5], m[4]
		}
		n, _ := strconv.Atoi(d)
		out = append(out, calendar.MustParse(fmt.Sprintf("%s-%02d-%02d", date.String()[:4], months[mon], n)))
	}
	return out
}

// A measured quantity read from a note, as its source gives it, is dated
// the first day its note names, where the note names any: the day the
// inspectorate verified it, which may be days before the as-of date of the report's
// stock ("heavy water ... was 128.2 tonnes on May 16", while the stock of
// low enriched uranium is as of 27 May).
func TestNoteQuantitiesAreDatedTheDayTheirNoteNames(t *testing.T) {
	named := 0
	for _, f := range dataset.Embedded().NoteFacts {
		e := f.Evidence[0]
		if f.Status != state.Sourced || (f.Metric != state.HeavyWaterT && f.Metric != state.EnrichedUraniumKgU) {
			continue
		}
		days := daysIn(e.Note, f.Date)
		if len(days) == 0 {
			continue
		}
		named++
		if !days[0].Equal(f.Date) {
			t.Errorf("%s %s %g dated %s, but its note names %s first: %q", e.Ref, f.Metric, f.Value, f.Date, days[0], e.Note)
		}
	}
	if named == 0 {
		t.Fatal("no note names a day: the pattern reads none")
	}
}

// The reading of the days of a note.
func TestDaysIn(t *testing.T) {
	in := calendar.MustParse("2017-06-02")
	for note, want := range map[string]string{
		"heavy water 128.2 t on May 16":     "2017-05-16",
		"as of Nov. 5 was 96.7 kg":          "2017-11-05",
		"On 17 February the Agency":         "2017-02-17",
		"last data before 13 Jun 2025":      "2017-06-13",
		"heavy water 128.9 t (2019-10-28)":  "2019-10-28",
		"as of 31 March 2021: 696 IR-2m in": "2017-03-31",
	} {
		got := daysIn(note, in)
		if len(got) != 1 || got[0].String() != want {
			t.Errorf("daysIn(%q) = %v; want %s", note, got, want)
		}
	}
	if got := daysIn(strings.Repeat("heavy water 128.2 t ", 2), in); len(got) > 0 {
		t.Errorf("a note with no day names %v", got)
	}
}

var isoDay = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// Where a fact's source is "DOCUMENT; reported by WHERE", no report of the
// document is dated before the document's publication.
func TestNoReportPrecedesTheDocument(t *testing.T) {
	checked := 0
	for _, f := range dataset.Embedded().NoteFacts {
		e := f.Evidence[0]
		if e.Published.IsZero() || e.Document == "" {
			continue
		}
		for _, d := range isoDay.FindAllString(e.Source, -1) {
			checked++
			if calendar.MustParse(d).Before(e.Published) {
				t.Errorf("%s %s: %s is said published %s, but %q reported it on %s", e.Ref, f.Metric, e.Document, e.Published, e.Source, d)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no dated report of a document to check")
	}
}
