package dataset

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// levels maps a series column to its stock level: the level's upper bound
// and the nominal assay used in calculations. "Up to 20 %" is nominally
// 19.75 %, below the IAEA's 20 % direct-use line (shared reference 4.1).
var levels = []struct {
	levelPct, assayPct float64
	cell               func(*Report) *Cell
}{
	{2, 2, func(r *Report) *Cell { return &r.Upto2 }},
	{5, 5, func(r *Report) *Cell { return &r.Upto5 }},
	{20, 19.75, func(r *Report) *Cell { return &r.Upto20 }},
	{60, 60, func(r *Report) *Cell { return &r.Upto60 }},
}

func (d *Dataset) evidence(r *Report, status state.Status, note string) []state.Evidence {
	e := state.Evidence{Kind: "dataset", Ref: r.Ref(d.Name), Entry: r.Entry(d.Name), Document: r.Cited(), Source: r.Source, Status: status, Note: note}
	e.Published, e.PublishedMonth = r.Published()
	return []state.Evidence{e}
}

// Facts returns every fact of the series: the stock of each report, total
// and by level, and the facts read from the notes.
func (d *Dataset) Facts() []state.Fact {
	var facts []state.Fact
	for i := range d.Reports {
		r := &d.Reports[i]
		if !r.Total.Present {
			continue
		}
		ref := r.Ref(d.Name)
		facts = append(facts, state.Fact{
			Metric: state.EnrichedUraniumKgU, Date: r.AsOf, DatePrecision: r.AsOfPrecision, Value: r.Total.KgU, Qualifier: r.Total.Qualifier,
			Status: r.Total.Status, Evidence: d.evidence(r, r.Total.Status, r.AsOfNote), Report: ref,
		})
		var known float64
		for _, l := range levels {
			c := l.cell(r)
			if !c.Present {
				continue
			}
			known += c.KgU
			note := r.AsOfNote
			if l.levelPct <= 5 {
				note = join(note, "status of the row's total: the series has no separate status for this level")
			}
			facts = append(facts, state.Fact{
				Metric: state.EnrichedUraniumKgU, Date: r.AsOf, DatePrecision: r.AsOfPrecision, LevelPct: l.levelPct, AssayPct: l.assayPct,
				Value: c.KgU, Qualifier: c.Qualifier, Status: c.Status, Evidence: d.evidence(r, c.Status, note), Report: ref,
			})
		}
		// The rest of the stock is up to 5 %, when only the higher levels
		// are given.
		if r.Total.Qualifier == state.Exact && !r.Upto2.Present && !r.Upto5.Present && r.Upto20.Present && r.Upto60.Present && r.Total.KgU >= known {
			note := fmt.Sprintf("derived: total %s minus up to 20 %% %s and up to 60 %% %s", r.Total.Raw, r.Upto20.Raw, r.Upto60.Raw)
			facts = append(facts, state.Fact{
				Metric: state.EnrichedUraniumKgU, Date: r.AsOf, DatePrecision: r.AsOfPrecision, LevelPct: 5, AssayPct: 5,
				Value: round(r.Total.KgU - known), Status: state.Derived, Evidence: d.evidence(r, state.Derived, join(r.AsOfNote, note)), Report: ref,
			})
		}
	}
	return append(facts, d.NoteFacts...)
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// round removes float noise from a subtraction of one-decimal figures.
func round(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 6, 64), 64)
	return r
}

var noteColumns = []string{"report_date", "date", "metric", "site", "machine", "value", "qualifier", "status", "note", "source", "published", "date_precision", "at_least"}

// The column published is the date the fact was first published, as its
// sources give it (YYYY-MM-DD, or YYYY-MM where they give only the
// month). Left empty, it is the date of the fact's report row, where the
// fact has one and is not dated after it (the row's report published it),
// and otherwise not known.
//
// The column date_precision says how much the date is known: empty for
// the day (or the month, where the date is YYYY-MM); "no_later_than" where
// the date is that of the report that gave the figure without its own day,
// so that the figure is of that day or earlier. A row of a report with no
// date is of the report's date at the latest without it.
//
// The column at_least, on a row "up to" its value (qualifier at_most),
// is the least the figure can be where the source bounds it from below
// too ("up to 8 cascades of 174 and the two of 166 enriching": at least
// 332 and up to 1,724 machines); empty otherwise.

func parseNoteFacts(d *Dataset) ([]state.Fact, error) {
	cr := csv.NewReader(bytes.NewReader(notesCSV))
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(recs[0], noteColumns) {
		return nil, fmt.Errorf("header must be %v", noteColumns)
	}
	var facts []state.Fact
	for i, rec := range recs[1:] {
		line := i + 2
		fail := func(col, format string, a ...any) error {
			return &RowError{Row: line, Column: col, Rule: fmt.Sprintf(format, a...)}
		}
		get := func(col string) string { return rec[slices.Index(noteColumns, col)] }
		// A fact read from a report's notes cites that row; a fact from
		// elsewhere (the JCPOA's definitions, a later report) cites
		// this file's row.
		ref, entry, doc, group := fmt.Sprintf("%s fact %d", d.Name, line), FactEntry(line), "", d.Name+" facts"
		var rep *Report
		if rd := get("report_date"); rd != "" {
			for j := range d.Reports {
				if d.Reports[j].ReportDate == rd {
					rep = &d.Reports[j]
				}
			}
			if rep == nil {
				return nil, fail("report_date", "no report %q in the series", rd)
			}
			ref, entry, doc, group = rep.Ref(d.Name)+" notes", rep.Entry(d.Name)+", notes", rep.Cited(), rep.Ref(d.Name)
		}
		source := get("source")
		if doc == "" {
			// "DOCUMENT; reported by WHERE": the primary document and
			// where its words were seen.
			if d, by, ok := strings.Cut(source, "; reported by "); ok {
				doc, source = d, by
			}
		}
		// The date is the figure's day, or its month (YYYY-MM) where
		// only that is known. Left empty on a row of a report, it is that
		// report's date at the latest, as a row of the series without its
		// cut-off date is: the report gives the figure and not its day.
		var (
			date      calendar.Date
			precision = state.Day
		)
		switch {
		case get("date") == "" && rep != nil:
			day, month, err := parseLooseDate(rep.ReportDate)
			if err != nil {
				return nil, fail("report_date", "%v", err)
			}
			date, precision = day, state.NoLaterThan
			if month {
				date = state.MonthOnly.Latest(day)
			}
		case get("date") == "":
			return nil, fail("date", "is required where the row cites no report: want a date YYYY-MM-DD or a month YYYY-MM")
		default:
			if date, err = calendar.Parse(get("date")); err != nil {
				if date, err = calendar.ParseMonth(get("date")); err != nil {
					return nil, fail("date", "want a date YYYY-MM-DD or a month YYYY-MM, got %q", get("date"))
				}
				precision = state.MonthOnly
			}
		}
		switch p := state.DatePrecision(get("date_precision")); {
		case p == state.Day:
		case p == state.NoLaterThan && get("date") != "" && precision == state.Day:
			precision = state.NoLaterThan
		case p == state.NoLaterThan:
			return nil, fail("date_precision", "no_later_than needs the day the figure is of at the latest, YYYY-MM-DD")
		default:
			return nil, fail("date_precision", "want empty or no_later_than, got %q", p)
		}
		f := state.Fact{Metric: state.Metric(get("metric")), Date: date, DatePrecision: precision, Site: get("site"), Machine: get("machine"),
			Qualifier: state.Qualifier(get("qualifier")), Status: state.Status(get("status"))}
		switch f.Metric {
		case state.VerificationAccess:
			f.Text = get("value")
			if !slices.Contains(state.AccessLevels, f.Text) {
				return nil, fail("value", "access must be one of %s", strings.Join(state.AccessLevels, ", "))
			}
		case state.MaxEnrichmentPct, state.CentrifugesInstalled, state.CentrifugesEnriching, state.CascadesInstalled, state.CascadesEnriching, state.HeavyWaterT, state.EnrichedUraniumKgU:
			if f.Value, err = strconv.ParseFloat(get("value"), 64); err != nil {
				return nil, fail("value", "want a number")
			}
		default:
			return nil, fail("metric", "unknown metric %q", f.Metric)
		}
		if !slices.Contains([]state.Qualifier{state.Exact, state.Above, state.AtLeast, state.AtMost, state.Approx}, f.Qualifier) {
			return nil, fail("qualifier", "unknown qualifier %q", f.Qualifier)
		}
		if !slices.Contains([]state.Status{state.Sourced, state.Derived, state.Unverified}, f.Status) {
			return nil, fail("status", "unknown status %q", f.Status)
		}
		if floor := get("at_least"); floor != "" {
			if f.Qualifier != state.AtMost {
				return nil, fail("at_least", "a lower bound goes only with qualifier at_most, the upper bound of the same figure")
			}
			if f.Floor, err = strconv.ParseFloat(floor, 64); err != nil || !(f.Floor > 0 && f.Floor < f.Value) {
				return nil, fail("at_least", "want a number above 0 and below the value, %g, got %q", f.Value, floor)
			}
		}
		ev := state.Evidence{Kind: "dataset", Ref: ref, Entry: entry, Document: doc, Source: source, Status: f.Status, Note: get("note")}
		switch published := get("published"); {
		case published != "":
			if ev.Published, ev.PublishedMonth, err = parsePublished(published); err != nil {
				return nil, fail("published", "%v", err)
			}
		case rep != nil:
			if day, month := rep.Published(); !f.Latest().After(lastDay(day, month)) {
				ev.Published, ev.PublishedMonth = day, month
			}
		}
		f.Evidence = []state.Evidence{ev}
		if f.Metric == state.EnrichedUraniumKgU {
			f.Report = group + " " + f.Date.String()
		}
		facts = append(facts, f)
	}
	return facts, nil
}

// ReportAt returns the latest report with a stock figure as of date, or nil.
func (d *Dataset) ReportAt(date calendar.Date) *Report {
	var best *Report
	for i := range d.Reports {
		r := &d.Reports[i]
		if r.AsOfPrecision.Latest(r.AsOf).After(date) || !r.Total.Present {
			continue
		}
		if best == nil || !r.AsOf.Before(best.AsOf) {
			best = r
		}
	}
	return best
}

// WriteCSV writes the series in its CSV columns, byte for byte as read.
func (d *Dataset) WriteCSV(w io.Writer) error {
	_, err := w.Write(d.raw)
	return err
}

// WriteJSON writes the reports and every fact as JSON.
func (d *Dataset) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Name    string       `json:"name"`
		Columns []string     `json:"columns"`
		Reports []Report     `json:"reports"`
		Facts   []state.Fact `json:"facts"`
	}{d.Name, Columns, d.Reports, d.Facts()})
}
