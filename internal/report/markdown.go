package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
)

// JSON writes the report as indented JSON (format Format).
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Title is the report's title.
func (r *Report) Title() string {
	return fmt.Sprintf("Verification report: %s, as of %s", r.AgreementTitle, r.AsOf)
}

// MarkdownOptions set the Markdown form.
type MarkdownOptions struct {
	// Charts, when set, is the folder (relative to the Markdown file) that
	// holds the charts written by WriteCharts; the report links them.
	Charts string
}

func opt(v *float64, prec int) string {
	if v == nil {
		return "-"
	}
	return Num(*v, prec)
}

// optf is format with v at prec in place of its %s, or "" when v is nil:
// a clause of a sentence that only a known value says.
func optf(format string, v *float64, prec int) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(format, Num(*v, prec))
}

// unknownWhy is the clause that says why f is unknown, if it is.
func unknownWhy(f Figure) string {
	if f.Unknown == "" {
		return ""
	}
	return ": " + f.Unknown
}

// Markdown writes the report as Markdown.
func (r *Report) Markdown(w io.Writer, o MarkdownOptions) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	// precisions are those of the dates of the table being written;
	// keyLine explains their short forms below it, and starts afresh.
	var precisions []state.DatePrecision
	keyLine := func(ps []state.DatePrecision, keys ...func(...state.DatePrecision) string) {
		key := state.Key
		if len(keys) > 0 {
			key = keys[0]
		}
		if key := key(ps...); key != "" {
			p("\nDates: %s.\n", key)
		}
		precisions = nil
	}
	chart := func(c Chart) {
		if o.Charts != "" {
			p("\n![%s](%s/%s.svg)\n\n*%s*\n", c.Title, strings.TrimSuffix(o.Charts, "/"), c.Name, c.Caption)
		}
	}
	charts := r.Charts()

	p("# %s\n\n", r.Title())
	p("Agreement `%s`. Breakout: %s convention; significant quantities: %s. Numbers in brackets cite the annex of sources.\n\n", r.Agreement, r.Convention, r.SQText)

	p("## 1. Summary\n\n")
	for _, s := range r.Summary {
		p("- %s\n", sectioned(s))
	}

	p("\n## 2. Verification activities\n\n")
	p("Inspectorate access: %s.\n\n", boldFirst(state.AccessSince(r.Activities.Access, r.Activities.AccessSince), r.Activities.Access))
	if line := r.LatestSentence(); line != "" {
		p("%s\n\n", line)
	}
	if len(r.Activities.Documents) > 0 {
		p("The state at %s rests on these documents:\n\n| document | latest figure as of | published | figures | sources |\n|---|---|---|--:|---|\n", r.AsOf)
		for _, d := range r.Activities.Documents {
			p("| %s | %s | %s | %d | %s |\n", cell(d.Document), d.AsOfPrecision.Short(d.AsOf), d.When(r.AsOf), d.Figures, Cite(d.Sources))
			precisions = append(precisions, d.AsOfPrecision)
		}
		keyLine(precisions)
	}
	if len(r.Activities.RecentEvents) > 0 {
		p("\nEvents of the year before %s:\n\n", r.AsOf)
		for _, e := range r.Activities.RecentEvents {
			p("- %s: %s [%d]\n", e.Date, e.Title, e.Source)
		}
	}
	if len(r.Activities.Deadlines) > 0 {
		p("\nClocks of procedures started in the year before %s:\n\n| procedure | started | step | due | status |\n|---|---|---|---|---|\n", r.AsOf)
		for _, d := range r.Activities.Deadlines {
			p("| %s | %s | %s | %s | %s |\n", cell(d.Name), d.Trigger.Date, cell(d.StepName), d.Due, d.StatusText())
		}
	}

	p("\n## 3. Enrichment and centrifuges\n\n")
	e := r.Enrichment
	p("Highest enrichment level: **%s** %s%s%s.\n\n", e.MaxEnrichment.Text(), Cite(e.MaxEnrichment.Sources),
		optf(" (limit %s %%)", e.LimitPct, 2), unknownWhy(e.MaxEnrichment))
	if len(e.Centrifuges) > 0 {
		p("| site | machine | installed | enriching | sources |\n|---|---|--:|--:|---|\n")
		for _, c := range e.Centrifuges {
			p("| %s | %s | %s | %s | %s |\n", cell(c.Site), c.Machine, CountCell(c.Installed), CountCell(c.Enriching), Cite(appendNew(slices.Clone(c.Installed.Sources), c.Enriching.Sources...)))
		}
		if key := e.CentrifugeKey(); key != "" {
			p("\n%s.\n", upperFirst(key))
		}
	}

	p("\n## 4. Stockpile by enrichment level\n\n")
	st := r.Stockpile
	total := "**" + st.Total.Text() + "**"
	if st.Total.Value != nil && !st.Total.AsOf.IsZero() {
		// An unknown total is not "unknown as of" the date of its last
		// figure, which it was known on: the reason says what was last
		// reported, and when.
		total += " as of " + st.Total.AsOfPrecision.Date(st.Total.AsOf)
	}
	if st.Total.Value == nil {
		// Why it is unknown, with the last figure and its date, before
		// the limit, as the overview's card says it.
		p("Total: %s%s.\n\n", cited(total+unknownWhy(st.Total), st.Total.Sources), optf("; limit %s kg U", st.LimitKgU, 1))
	} else {
		p("Total: %s%s%s.\n\n", cited(total, st.Total.Sources),
			optf("; limit %s kg U", st.LimitKgU, 1), optf(" ("+st.Total.Qualifier.Words()+"%s x)", st.Ratio, 1))
	}
	if len(st.Levels) > 0 {
		p("| level | kg U | SQ (IAEA) | SQ (wgu25) | status | sources |\n|---|--:|--:|--:|---|---|\n")
		for _, l := range st.Levels {
			p("| up to %g %% | %s | %s | %s | %s | %s |\n", l.MaxAssayPct, figureCell(l.Mass), sqCell(l.Mass, l.SQIAEA), sqCell(l.Mass, l.SQWGU25), statusOrUnknown(l.Mass), Cite(l.Mass.Sources))
		}
		if o := st.OtherForms; o != nil {
			p("| %s | %s |  |  | %s | %s |\n", OtherFormsLabel, figureCell(*o), o.Status, Cite(o.Sources))
		}
		if st.OtherForms != nil {
			p("\n%s\n", OtherFormsNote)
		}
		p("\nSQ (IAEA): 25 kg U-235 contained in uranium at 20 %% or more, 75 kg below. SQ (wgu25): the 25-kg quantities of 90 %% uranium the level yields with the default tails. One IAEA significant quantity is %s kg U at 60 %%.\n", Num(st.OneSQ60KgU, 1))
	}
	chart(charts[0])
	chart(charts[1])

	p("\n## 5. Continuity of knowledge\n\n")
	k := r.Knowledge
	p("Access: %s.", cited(boldFirst(state.AccessSince(k.Access, k.Since), k.Access), k.Sources))
	if !k.Lost.IsZero() {
		p(" Access was lost on %s: every figure the inspectorate verifies is unknown from that date.", k.Lost)
	}
	p("\n")
	if len(k.Changes) > 0 {
		p("\n| from | access | sources |\n|---|---|---|\n")
		for _, c := range k.Changes {
			p("| %s | %s | %s |\n", c.Date, state.AccessWords(c.Access), Cite(c.Sources))
		}
	}
	if len(k.Streams) > 0 {
		p("\n| site | stream | knowledge | since | cause | sources |\n|---|---|---|---|---|---|\n")
		for _, st := range k.Streams {
			p("| %s | %s | %s | %s | %s | %s |\n", cell(st.Site), cell(st.Stream), st.State, st.SincePrecision.Short(st.Since), cell(st.Cause), Cite(st.Sources))
			precisions = append(precisions, st.SincePrecision)
		}
		keyLine(precisions, state.ChangeKey)
	}
	if len(k.Unknown) > 0 {
		p("\nNot known at %s:\n\n", r.AsOf)
		for _, u := range k.Unknown {
			p("- %s\n", u)
		}
	}

	p("\n## 6. Findings for each side\n")
	for _, d := range r.Disputes {
		p("\nIn dispute since %s: %s. It bears on %d %s; each gives its status under every reading.\n\n", d.Date, d.Question, len(d.Commitments), map[bool]string{true: "finding", false: "findings"}[len(d.Commitments) == 1])
		for _, v := range d.Views {
			p("- %s: %s. %s %s\n", strings.Join(v.Names, ", "), v.Reading, upperFirst(v.Basis), Cite(v.Sources))
		}
	}
	for _, s := range r.Sides {
		p("\n### %s\n\n| commitment | ref | status | since | observed | limit | ratio | reason | sources |\n|---|---|---|---|--:|--:|--:|---|---|\n", s.Name)
		for _, f := range s.Findings {
			since := ""
			if !f.Since.IsZero() {
				since = f.Since.String()
			}
			observed := ObservedText(f.Finding, func(v float64) string { return Num(v, 2) })
			limit := "-"
			if f.Limit != nil {
				limit = Num(*f.Limit, 2) + " " + f.Unit
			}
			p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", cell(f.Title), cell(f.Ref), f.Status, since, cell(observed), cell(limit), cell(RatioText(f.Finding, f.Qualifier.Sign(), func(v float64) string { return Num(v, 1) })), cell(f.Reason), Cite(f.Sources))
		}
	}

	p("\n## 7. Breakout\n\n")
	b := r.Breakout
	p("%s\n\n", BreakoutSentence(&b.Breakout, Cite(b.Sources), Cite(b.LastKnownSources)))
	p("Convention: %s. Significant quantity: %s. Centrifuges counted: %s.\n\n", b.ConventionText, r.SQText, b.Machines)
	if e := b.Estimate; e != nil {
		if e.FirstSQDays != nil {
			p("With every input at its central value: %s%s. %s.\n\n", b.HeadlineQualifier.Words(), Days(e.FirstSQDays), upperFirst(e.Timing.Text))
		}
		if len(e.Steps) > 0 {
			p("| stage | feed | feed %% | product %% | product, kg U | tails %% | kg-SWU | machines | days at their capacity |\n|---|---|--:|--:|--:|--:|--:|---|--:|\n")
			for _, st := range e.Steps {
				tails := "-"
				if st.TailsPct != nil {
					tails = Num(*st.TailsPct, 3)
				}
				p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", st.Stage, cell(st.Feed), Num(st.FeedPct, 3), Num(st.ProductPct, 3), Num(st.ProductKgU, 2), tails, Num(st.SWU, 1), cell(st.Machines), opt(st.Days, 1))
			}
			p("\n")
		}
		if len(e.Fleet) > 0 {
			p("| machine | site | count | cascades | of them on high-enrichment steps | SWU/yr each | capacity, SWU/yr | source |\n|---|---|--:|--:|--:|--:|--:|---|\n")
			for _, f := range e.Fleet {
				p("| %s | %s | %d | %d | %d | %s | %s | %s |\n", f.Machine, cell(f.Site), f.Count, f.Cascades, f.HighCascades, Num(f.SWUPerYear, 2), Num(f.CapacitySWUPerYear, 1), cell(f.Source))
			}
			p("\n")
		}
	}
	for _, n := range b.Notes {
		p("- %s\n", n)
	}
	if e := b.Estimate; e != nil {
		p("\nAssumptions:\n\n")
		for _, a := range e.Assumptions {
			p("- %s\n", a)
		}
	}
	if l := b.AtLimits; l != nil {
		if l.Comparison != "" {
			p("\n%s %s\n", l.Comparison, Cite(b.AtLimitsSources))
		} else {
			p("\nAt the agreement's limits: %s %s.\n", BreakoutDays(&l.Breakout), Cite(b.AtLimitsSources))
		}
	}
	chart(charts[2])
	if len(r.Series) > 0 {
		levels := r.SeriesLevels()
		p("\nStock and breakout at each reported date and on the agreement's days (breakout: the median of the band, with its 10th to 90th percentile):\n\n| as of | total, kg U |")
		for _, l := range levels {
			p(" up to %s %% |", l)
		}
		p(" breakout, days | sources |\n|---|--:|%s--:|---|\n", strings.Repeat("--:|", len(levels)))
		for _, s := range r.Series {
			when := s.DatePrecision.Short(s.Date)
			if s.Event != "" {
				when += " (" + s.Event + ")"
			}
			p("| %s | %s |", cell(when), level(s, ""))
			for _, l := range levels {
				p(" %s |", level(s, l))
			}
			p(" %s | %s |\n", SeriesDays(s), Cite(s.Sources))
			precisions = append(precisions, s.DatePrecision)
		}
		keyLine(precisions)
		if r.SeriesBounds() {
			p("\n%s\n", BoundKey)
		}
	}

	r.warningMarkdown(p, func() { chart(charts[3]) })

	p("\n## Key to the words\n\nHow each figure is known:\n\n")
	for _, t := range Provenance {
		p("- **%s**: %s\n", t.Word, t.Meaning)
	}
	p("\nWhat a finding says:\n\n")
	for _, t := range Findings {
		p("- **%s**: %s\n", t.Word, t.Meaning)
	}
	p("\n%s\n", LegendNote)

	p("\n## Annex: sources\n\n")
	p("In brackets after each source, where its figure can be looked up (a report of the public series, a fact or a monitoring event as the dashboard's Sources page numbers them, an event of the agreement, the machine catalogue, or a record of the log by its index) and how it is known.\n\n")
	for _, s := range r.Sources {
		p("%d. %s (%s", s.N, s.Cited(), s.Where())
		if s.Status != "" {
			p("; %s", s.Status)
		}
		if w := s.Words(r.AsOf); w != "" {
			p("; %s", w)
		}
		p(")\n")
	}
	return bw.Flush()
}

// level is a series point's mass at level key ("" for the total) for a
// table cell, with its qualifier's sign: "≤ 202.8" where only a bound
// was reported; "-" where none was.
func level(p Point, key string) string {
	v, q, ok := p.Mass(key)
	if !ok {
		return "-"
	}
	return q.Sign() + Num(v, 1)
}

// BoundKey says what the signs of the series tables mean, and how the
// charts draw a bound.
const BoundKey = "≤ (up to): the source reported only that the amount did not exceed the figure, not what it was; " +
	"> (more than): only that it exceeded the figure; ≥ (at least): the figure or more; ~ (about): an approximate figure. " +
	"The stock chart draws a bound as an open triangle, pointing down for \"up to\" and up for \"more than\", and joins only the amounts reported by a line. " +
	"Before a breakout or warning time, the sign holds for its band too and says what figures reported only as bounds, or long before the date, allow: " +
	"≥, the time on the true figures could only be longer; ≤, only shorter; ~, either, for they bound it both ways, the model does not follow one of them one way, " +
	"or a count of machines it rests on was last reported more than two quarterly reporting periods before the date (machines may have been added or removed since). " +
	"The breakout chart marks such an estimate with an open triangle (up: at least; down: up to) or an open square (approximate)."

func figureCell(f Figure) string {
	if f.Value == nil {
		return "unknown"
	}
	if f.Qualifier == state.AtMost && f.AtLeast > 0 {
		return "≥ " + Num(f.AtLeast, 1) + ", " + f.Qualifier.Sign() + Num(*f.Value, 1)
	}
	return f.Qualifier.Sign() + Num(*f.Value, 1)
}

// sqCell is the significant quantities of a level's mass m for a table
// cell: a bound of the mass gives a bound of them ("≤ 0.099").
func sqCell(m Figure, sq *float64) string { return sqCellPrec(m, sq, 3) }

func sqCellPrec(m Figure, sq *float64, prec int) string {
	if sq == nil {
		return "-"
	}
	return m.Qualifier.Sign() + Num(*sq, prec)
}

func statusOrUnknown(f Figure) string {
	if f.Value == nil {
		return "unknown: " + cell(f.Unknown)
	}
	return string(f.Status)
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// CSV writes the report's figures one per row: section, item, value,
// unit, qualifier, as of, status, sources (annex numbers separated by
// spaces), and the annex itself, whose rows also say when each source was
// published (a date, or a month where only that is known) and whether
// that was after the report's date. The column as_of_precision says of a
// figure's as-of date how much is known: empty for the day, "month", or
// "no_later_than" (the figure is of that date or earlier). A source's row
// gives in value where a reader finds it ("public series, report of
// 2025-02-26", "log index 12"), and in the column ref the locator tools
// use ("iaea-iran row 33"). The last column, at_least, is of a figure
// "up to" its value (qualifier at_most) the least it can be, where its
// source bounds it from below too.
func (r *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{"section", "item", "value", "unit", "qualifier", "as_of", "status", "sources", "published", "published_after_as_of", "as_of_precision", "ref", "at_least"}
	// write fills the columns a row does not use.
	write := func(rec []string) { _ = cw.Write(append(rec, make([]string, len(header)-len(rec))...)) }
	row := func(section, item string, f Figure) {
		v := ""
		if f.Value != nil {
			v = strconv.FormatFloat(*f.Value, 'g', 10, 64)
		}
		status := string(f.Status)
		if f.Value == nil {
			status = "unknown: " + f.Unknown
		}
		floor := ""
		if f.AtLeast > 0 {
			floor = strconv.FormatFloat(f.AtLeast, 'g', 10, 64)
		}
		write([]string{section, item, v, f.Unit, string(f.Qualifier), f.AsOf.String(), status, citeList(f.Sources), "", "", string(f.AsOfPrecision), "", floor})
	}
	_ = cw.Write(header)
	row("stockpile", "total", r.Stockpile.Total)
	for _, l := range r.Stockpile.Levels {
		row("stockpile", fmt.Sprintf("up to %g %%", l.MaxAssayPct), l.Mass)
		for _, sq := range []struct {
			name string
			v    *float64
		}{{"SQ (IAEA)", l.SQIAEA}, {"SQ (wgu25)", l.SQWGU25}} {
			if sq.v != nil {
				row("significant quantities", fmt.Sprintf("up to %g %%, %s", l.MaxAssayPct, sq.name), Figure{Value: sq.v, Qualifier: l.Mass.Qualifier, Unit: "SQ", AsOf: l.Mass.AsOf, Status: "derived", Sources: l.Mass.Sources})
			}
		}
	}
	if o := r.Stockpile.OtherForms; o != nil {
		row("stockpile", OtherFormsLabel, *o)
	}
	row("enrichment", "highest level", r.Enrichment.MaxEnrichment)
	for _, c := range r.Enrichment.Centrifuges {
		row("centrifuges", c.Site+" "+c.Machine+" installed", c.Installed)
		row("centrifuges", c.Site+" "+c.Machine+" enriching", c.Enriching)
	}
	for _, s := range r.Sides {
		for _, f := range s.Findings {
			// The figure's own date, not the report's: a figure of 2019
			// in a report of 2025 is not a 2025 value.
			v, asOf, precision := "", r.AsOf, state.Day
			if f.Observed != nil {
				v = strconv.FormatFloat(*f.Observed, 'g', 10, 64)
				if !f.ObservedAsOf.IsZero() {
					asOf, precision = f.ObservedAsOf, f.ObservedPrecision
				}
			}
			write([]string{"finding: " + s.Party, f.Commitment, v, f.Unit, string(f.Qualifier), asOf.String(), string(f.Status), citeList(f.Sources), "", "", string(precision)})
		}
	}
	bo := r.Breakout
	item := fmt.Sprintf("first significant quantity (%s, %s)", r.SQ, r.Convention)
	headline := Figure{Unit: "days", AsOf: r.AsOf, Status: "derived", Sources: bo.Sources}
	switch {
	case bo.Status == compliance.Estimated:
		headline.Value, headline.Qualifier = bo.Estimate.HeadlineDays, bo.HeadlineQualifier
	case bo.Status == compliance.NotReachable:
		headline.Unknown = "not reachable: " + bo.Reason
	default:
		headline.Unknown = bo.Reason
	}
	row("breakout", item, headline)
	if e := bo.Estimate; e != nil && e.Uncertainty != nil {
		u := e.Uncertainty
		for _, q := range []struct {
			name string
			v    *float64
		}{{"p10", u.P10Days}, {"p50", u.P50Days}, {"p90", u.P90Days}} {
			row("breakout", item+", "+q.name, Figure{Value: q.v, Qualifier: bo.HeadlineQualifier, Unit: "days", AsOf: r.AsOf, Status: "derived", Sources: bo.Sources})
		}
	}
	if lk := bo.LastKnown; lk != nil {
		row("breakout", item+", last known estimate", Figure{Value: lk.HeadlineDays, Qualifier: lk.HeadlineQualifier, Unit: "days", AsOf: lk.AsOf, Status: "derived", Sources: bo.LastKnownSources})
	}
	if l := bo.AtLimits; l != nil && l.Estimate != nil {
		row("breakout", item+", at the agreement's limits", Figure{Value: l.Estimate.HeadlineDays, Unit: "days", AsOf: r.AsOf, Status: "derived", Sources: bo.AtLimitsSources})
	}
	r.warningCSV(row, write)
	for _, s := range r.Sources {
		published, after := s.PublishedMonth, ""
		if !s.Published.IsZero() {
			published = s.Published.String()
		}
		if s.AfterAsOf != nil {
			after = strconv.FormatBool(*s.AfterAsOf)
		}
		write([]string{"source", strconv.Itoa(s.N), s.Where(), s.Document, "", "", string(s.Status), s.Source, published, after, "", s.Ref})
	}
	cw.Flush()
	return cw.Error()
}

func citeList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, " ")
}

// boldFirst sets the leading word of text in bold (the access in "full
// since 2016-01-16").
func boldFirst(text, word string) string {
	if rest, ok := strings.CutPrefix(text, word); ok {
		return "**" + word + "**" + rest
	}
	return text
}
