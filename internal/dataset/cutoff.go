package dataset

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// The cut-off dates of reports whose row in the series gives none (its
// as_of_date is UNVERIFIED or n/a), each as a later source quotes it from
// the report. The series stays the reference file, unchanged; this file
// gives such a row the day its figures are of, in place of "the report's
// date at the latest", and says where the day comes from.
//
//go:embed cut-off-dates.csv
var cutOffCSV []byte

var cutOffColumns = []string{"report_date", "as_of_date", "quote", "source"}

// applyCutOffs dates the rows of the embedded series that the cut-off
// file names. A row that already gives its own day is left as it is, and
// naming it is an error, as is a cut-off after the report's date.
func applyCutOffs(d *Dataset) error {
	recs, err := csv.NewReader(bytes.NewReader(cutOffCSV)).ReadAll()
	if err != nil {
		return err
	}
	if len(recs) == 0 || !slices.Equal(recs[0], cutOffColumns) {
		return fmt.Errorf("header must be %v", cutOffColumns)
	}
	for i, rec := range recs[1:] {
		line := i + 2
		fail := func(col, format string, a ...any) error {
			return &RowError{Row: line, Column: col, Rule: fmt.Sprintf(format, a...)}
		}
		get := func(col string) string { return rec[slices.Index(cutOffColumns, col)] }
		var rep *Report
		for j := range d.Reports {
			if d.Reports[j].ReportDate == get("report_date") {
				rep = &d.Reports[j]
			}
		}
		if rep == nil {
			return fail("report_date", "no report %q in the series", get("report_date"))
		}
		if rep.AsOfPrecision == state.Day {
			return fail("report_date", "the row of %s gives its own cut-off date %s", rep.ReportDate, rep.AsOf)
		}
		day, err := calendar.Parse(get("as_of_date"))
		if err != nil {
			return fail("as_of_date", "want a date YYYY-MM-DD, got %q", get("as_of_date"))
		}
		if day.After(rep.AsOfPrecision.Latest(rep.AsOf)) {
			return fail("as_of_date", "%s is after the report of %s", day, rep.ReportDate)
		}
		if get("quote") == "" || get("source") == "" {
			return fail("source", "a cut-off date needs the words that give it and their source")
		}
		rep.AsOf, rep.AsOfPrecision = day, state.Day
		rep.AsOfNote = fmt.Sprintf("as of %s, the report's cut-off date as reported: %s (%s)", day, get("quote"), get("source"))
	}
	return nil
}
