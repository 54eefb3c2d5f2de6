// Package dataset holds the public series of IAEA-reported figures for Iran
// (2015-2025) as embedded data, every value with its source and status, and
// reads users' own series in the same CSV columns.
//
// The series is the shared reference file iaea-iran-enriched-uranium.csv,
// embedded unchanged. Its free-text notes also give centrifuge counts,
// heavy water, enrichment levels and the inspectorate's access; those are
// kept structured in facts-from-notes.csv, each row tied to the report it
// was read from and quoting the note. Where a row gives no cut-off date
// and a later source quotes it from the report, cut-off-dates.csv gives
// it, with the words and their source. [Dataset.Facts] turns both into the
// facts from which package state derives the state at a date.
package dataset

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

//go:embed iaea-iran-enriched-uranium.csv
var seriesCSV []byte

//go:embed facts-from-notes.csv
var notesCSV []byte

// maxSeriesBytes bounds an imported series.
const maxSeriesBytes = 16 << 20

// Name of the embedded series, used in evidence references.
const Name = "iaea-iran"

// Columns are the CSV columns of a series, in order.
var Columns = []string{
	"report_date", "gov_doc", "gov_doc_status", "as_of_date", "total_kgU", "total_status",
	"upto2_kgU", "upto5_kgU", "upto20_kgU", "upto20_status", "upto60_kgU", "upto60_status",
	"centrifuges_and_notes", "source",
}

// Cell is one reported mass.
type Cell struct {
	Present   bool            `json:"present"`
	KgU       float64         `json:"kg_u"`
	Qualifier state.Qualifier `json:"qualifier,omitempty"`
	Status    state.Status    `json:"status,omitempty"`
	// Code is the confidence code of the source: H, M, L, DERIVED, UNVERIFIED.
	Code string `json:"code,omitempty"`
	Raw  string `json:"raw"`
}

// Report is one row of a series.
type Report struct {
	// Row is the CSV line number (the header is line 1).
	Row        int           `json:"row"`
	ReportDate string        `json:"report_date"`
	Document   string        `json:"gov_doc,omitempty"`
	DocStatus  string        `json:"gov_doc_status,omitempty"`
	AsOf       calendar.Date `json:"as_of"`
	// AsOfPrecision says how much AsOf is known: the day, only the month
	// (AsOf is its first day), or no later than AsOf (the row gives no
	// cut-off date and AsOf is the report's date).
	AsOfPrecision state.DatePrecision `json:"as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// AsOfNote says how AsOf was obtained when the row gives no full date,
	// or, for a row of the embedded series, where its cut-off date, which
	// the row does not give, comes from.
	AsOfNote string `json:"as_of_note,omitempty"`
	Total    Cell   `json:"total_kg_u"`
	Upto2    Cell   `json:"upto2_kg_u"`
	Upto5    Cell   `json:"upto5_kg_u"`
	Upto20   Cell   `json:"upto20_kg_u"`
	Upto60   Cell   `json:"upto60_kg_u"`
	Notes    string `json:"notes,omitempty"`
	// Conflicts are the clauses of the notes that record disagreement
	// between sources, kept as the reference words them.
	Conflicts []string `json:"conflicts,omitempty"`
	Source    string   `json:"source"`
}

// Ref is how evidence cites the row for tools: its line in the series's
// CSV.
func (r *Report) Ref(series string) string { return fmt.Sprintf("%s row %d", series, r.Row) }

// Entry is how a reader finds the row: the public series's by the date
// of its report, which the Sources page lists and which is one row's
// only; a user's own series by its row, the line of the user's file.
func (r *Report) Entry(series string) string {
	if series == Name {
		return SeriesEntry + "report of " + r.ReportDate
	}
	return fmt.Sprintf("series %s, row %d", series, r.Row)
}

// FactEntry is how a reader finds the fact at line of the facts read
// from the notes: "public series, fact 62", the number the Sources page
// gives it.
func FactEntry(line int) string { return fmt.Sprintf("%sfact %d", SeriesEntry, line) }

// SeriesEntry begins where a reader finds a report or a fact of the
// public series (Report.Entry, FactEntry).
const SeriesEntry = "public series, "

// Published is when the row's report was published, as its report date
// gives it: the day, or only the month ("2025-09") where the date gives
// no day. A view at an earlier date that takes the row's figures (they
// are as of an earlier date) says that they were not yet published.
func (r *Report) Published() (day calendar.Date, month string) {
	d, monthOnly, err := parseLooseDate(r.ReportDate)
	switch {
	case err != nil:
		return calendar.Date{}, ""
	case monthOnly:
		return calendar.Date{}, r.ReportDate
	}
	return d, ""
}

// parsePublished reads a date of publication: YYYY-MM-DD, or YYYY-MM
// where only the month is known.
func parsePublished(s string) (day calendar.Date, month string, err error) {
	if day, err = calendar.Parse(s); err == nil {
		return day, "", nil
	}
	if _, err := calendar.ParseMonth(s); err == nil {
		return calendar.Date{}, s, nil
	}
	return calendar.Date{}, "", fmt.Errorf("want a date YYYY-MM-DD or a month YYYY-MM, got %q", s)
}

// lastDay is the last day a publication of day or month may have been.
func lastDay(day calendar.Date, month string) calendar.Date {
	if m, err := calendar.ParseMonth(month); err == nil {
		return m.NextMonth().AddDays(-1)
	}
	return day
}

// Cited names the row's primary document as a reader should see it: the
// Agency's document symbol, said to be unchecked when the row marks it
// UNVERIFIED (the figure was seen only as others reported it), or "" when
// the row names none.
func (r *Report) Cited() string {
	doc := r.Document
	switch {
	case doc == "" || strings.EqualFold(doc, "n/a"):
		return ""
	case strings.EqualFold(doc, "UNVERIFIED"):
		return "IAEA report of " + r.ReportDate + " (symbol not known)"
	case strings.HasPrefix(doc, "GOV/INF"):
		return "IAEA ad hoc report to the Board (GOV/INF series; number not known)"
	case !strings.HasPrefix(doc, "GOV/"):
		return "IAEA " + doc
	case strings.EqualFold(r.DocStatus, "UNVERIFIED"):
		return "IAEA " + doc + " (symbol not checked against the document)"
	}
	return "IAEA " + doc
}

// Dataset is a parsed series with its structured facts.
type Dataset struct {
	Name    string   `json:"name"`
	Reports []Report `json:"reports"`
	// NoteFacts are the facts read from the notes (the embedded series only).
	NoteFacts []state.Fact `json:"note_facts,omitempty"`
	// Knowledge is the public record of the inspectorate's continuity of
	// knowledge (the embedded series only).
	Knowledge []KnowledgeEvent `json:"knowledge_events,omitempty"`
	raw       []byte
}

// RowError names the row and column of invalid input.
type RowError struct {
	Row    int
	Column string
	Rule   string
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Rule)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Rule)
}

// Embedded returns the embedded public series.
func Embedded() *Dataset {
	d, err := Parse(bytes.NewReader(seriesCSV), Name)
	if err != nil {
		panic("dataset: embedded series: " + err.Error())
	}
	if err = applyCutOffs(d); err != nil {
		panic("dataset: embedded cut-off dates: " + err.Error())
	}
	if d.NoteFacts, err = parseNoteFacts(d); err != nil {
		panic("dataset: embedded facts from notes: " + err.Error())
	}
	if d.Knowledge, err = parseKnowledge(); err != nil {
		panic("dataset: embedded knowledge events: " + err.Error())
	}
	return d
}

// Parse reads a series in the CSV columns of [Columns], validating it row by
// row. Errors are *RowError, naming the row and column.
func Parse(r io.Reader, name string) (*Dataset, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxSeriesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxSeriesBytes {
		return nil, &RowError{Row: 1, Rule: fmt.Sprintf("the series is larger than %d bytes", maxSeriesBytes)}
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &RowError{Row: 1, Rule: "cannot read the header: " + err.Error()}
	}
	if !slices.Equal(header, Columns) {
		return nil, &RowError{Row: 1, Rule: "header must be " + strings.Join(Columns, ",")}
	}
	d := &Dataset{Name: name, raw: raw}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &RowError{Row: pe.StartLine, Rule: pe.Err.Error()}
			}
			return nil, &RowError{Row: len(d.Reports) + 2, Rule: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(Columns) {
			return nil, &RowError{Row: line, Rule: fmt.Sprintf("has %d columns, want %d", len(rec), len(Columns))}
		}
		rep, err := parseReport(line, rec)
		if err != nil {
			return nil, err
		}
		d.Reports = append(d.Reports, rep)
	}
	if len(d.Reports) == 0 {
		return nil, &RowError{Row: 2, Rule: "the series has no rows"}
	}
	return d, nil
}

func parseReport(line int, rec []string) (Report, error) {
	col := func(name string) string { return strings.TrimSpace(rec[slices.Index(Columns, name)]) }
	fail := func(column, format string, a ...any) error {
		return &RowError{Row: line, Column: column, Rule: fmt.Sprintf(format, a...)}
	}
	r := Report{Row: line, ReportDate: col("report_date"), Document: col("gov_doc"), DocStatus: col("gov_doc_status"),
		Notes: col("centrifuges_and_notes"), Source: col("source")}
	reportDay, reportMonthOnly, err := parseLooseDate(r.ReportDate)
	if err != nil {
		return r, fail("report_date", "%v", err)
	}
	if _, err := statusOf(r.DocStatus, true); err != nil {
		return r, fail("gov_doc_status", "%v", err)
	}
	switch asOf := col("as_of_date"); asOf {
	case "UNVERIFIED", "n/a", "":
		// The figures are as of the report's cut-off date, which is
		// before the report's own: the report's date bounds it from
		// above, and no more.
		r.AsOf, r.AsOfPrecision = reportDay, state.NoLaterThan
		what := "is not given"
		if asOf == "UNVERIFIED" {
			what = "is unverified"
		}
		r.AsOfNote = fmt.Sprintf("as of %s at the latest: the date is the report's; its cut-off date %s, so the figures may be of an earlier day", r.ReportDate, what)
		if reportMonthOnly {
			// Of that month or earlier: no later than its last day.
			r.AsOf = state.MonthOnly.Latest(reportDay)
			r.AsOfNote = fmt.Sprintf("as of %s at the latest: the report is dated only to the month %s and its cut-off date %s", r.AsOf, r.ReportDate, what)
		}
	default:
		d, monthOnly, err := parseLooseDate(asOf)
		if err != nil {
			return r, fail("as_of_date", "%v", err)
		}
		r.AsOf = d
		if monthOnly {
			r.AsOfPrecision = state.MonthOnly
			r.AsOfNote = fmt.Sprintf("as of %s (month only): the report gives only the month of its cut-off date, so the figures may be of any day of it", asOf)
		}
	}
	if r.Source == "" {
		return r, fail("source", "is required: every row needs its source")
	}
	cells := []struct {
		cell             *Cell
		column, statusCo string
	}{
		{&r.Total, "total_kgU", "total_status"},
		{&r.Upto2, "upto2_kgU", "total_status"},
		{&r.Upto5, "upto5_kgU", "total_status"},
		{&r.Upto20, "upto20_kgU", "upto20_status"},
		{&r.Upto60, "upto60_kgU", "upto60_status"},
	}
	for _, c := range cells {
		raw := col(c.column)
		*c.cell = Cell{Raw: raw}
		if raw == "" {
			continue
		}
		v, q, err := parseMass(raw)
		if err != nil {
			return r, fail(c.column, "%v", err)
		}
		code := col(c.statusCo)
		st, err := statusOf(code, false)
		if err != nil {
			return r, fail(c.statusCo, "%v (needed for %s = %s)", err, c.column, raw)
		}
		*c.cell = Cell{Present: true, KgU: v, Qualifier: q, Status: st, Code: code, Raw: raw}
	}
	r.Conflicts = conflictsIn(r.Notes)
	return r, nil
}

// conflictsIn returns what notes record of a disagreement between sources:
// of its clauses (separated by ";" outside parentheses, so that a
// parenthesis is not cut in two), the sentences that say "conflict",
// "inconsistent" or "disagree".
func conflictsIn(notes string) []string {
	var out []string
	depth, start := 0, 0
	clauses := []string{}
	for i, c := range notes {
		switch {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == ';' && depth == 0:
			clauses = append(clauses, notes[start:i])
			start = i + 1
		}
	}
	clauses = append(clauses, notes[start:])
	for _, clause := range clauses {
		for _, sentence := range strings.SplitAfter(clause, ". ") {
			l := strings.ToLower(sentence)
			if strings.Contains(l, "conflict") || strings.Contains(l, "inconsistent") || strings.Contains(l, "disagree") {
				out = append(out, strings.TrimSpace(sentence))
			}
		}
	}
	return out
}

// parseLooseDate reads YYYY-MM-DD or YYYY-MM (the first of the month).
func parseLooseDate(s string) (d calendar.Date, monthOnly bool, err error) {
	if d, err := calendar.Parse(s); err == nil {
		return d, false, nil
	}
	if d, err := calendar.Parse(s + "-01"); err == nil && len(s) == 7 {
		return d, true, nil
	}
	return calendar.Date{}, false, fmt.Errorf("want a date YYYY-MM-DD or YYYY-MM, got %q", s)
}

// parseMass reads "123.4", ">202.8" (more than) or "~400" (about).
func parseMass(raw string) (float64, state.Qualifier, error) {
	q := state.Exact
	s := raw
	switch {
	case strings.HasPrefix(s, ">"):
		q, s = state.Above, s[1:]
	case strings.HasPrefix(s, "~"):
		q, s = state.Approx, s[1:]
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 || v != v {
		return 0, q, fmt.Errorf("want a mass in kg U >= 0, optionally prefixed by > or ~, got %q", raw)
	}
	return v, q, nil
}

// statusOf maps the reference's confidence codes to a status: H and M
// (seen in a primary or secondary source) are sourced, DERIVED is derived,
// L (recollection only) and UNVERIFIED are unverified.
func statusOf(code string, allowNA bool) (state.Status, error) {
	switch code {
	case "H", "M":
		return state.Sourced, nil
	case "DERIVED":
		return state.Derived, nil
	case "L", "UNVERIFIED":
		return state.Unverified, nil
	case "n/a", "":
		if allowNA {
			return "", nil
		}
	}
	return "", fmt.Errorf("status must be H, M, L, DERIVED or UNVERIFIED, got %q", code)
}
