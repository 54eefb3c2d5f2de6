package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
)

// Num formats v with thousands separators and at most prec decimals,
// trailing zeros dropped: Num(8294.4, 1) = "8,294.4".
func Num(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return group(s)
}

// Fixed formats v with thousands separators and exactly prec decimals:
// Fixed(3, 1) = "3.0".
func Fixed(v float64, prec int) string {
	return group(strconv.FormatFloat(v, 'f', prec, 64))
}

// group puts thousands separators in a formatted number.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// Days formats an estimated number of days: "1.0 days", "6.8 days",
// "399 days". Under 100 the one decimal is always shown, so a band reads
// "3.0 to 8.7 days", never "3 to 8.7"; from 100 on, whole days. A
// number with a decimal takes the plural, "1.0 days", as counts of whole
// days say "1 day" (state.Age).
func Days(d *float64) string {
	if d == nil {
		return "not reached"
	}
	return DayNum(*d) + " days"
}

// DayNum is the number of Days without its unit, for a band or a table
// cell: one decimal under 100, whole days from 100.
func DayNum(d float64) string {
	if math.Abs(d) < 99.95 {
		return Fixed(d, 1)
	}
	return Num(math.Round(d), 0)
}

// optDayNum is DayNum of v, or "-" when v is unknown.
func optDayNum(v *float64) string {
	if v == nil {
		return "-"
	}
	return DayNum(*v)
}

// Text is a figure in words: "about 8,294.4 kg U", or "unknown".
func (f Figure) Text() string {
	if f.Value == nil {
		return "unknown"
	}
	// Enrichment levels are read to two decimals: 3.67 % is the
	// agreement's limit, and 3.7 % would read as a breach of it.
	if f.Unit == "%" {
		return f.Qualifier.Words() + Num(*f.Value, 2) + " %"
	}
	return amount(f.Qualifier, *f.Value, f.AtLeast, func(v float64) string { return Num(v, 1) }) + " " + f.Unit
}

// amount is a figure with its qualifier in words, num formatting the
// numbers: "up to 1,724", "at least 332 and up to 1,724" where an "up to"
// figure has a floor (state.Value.Amount, formatted for a table).
func amount(q state.Qualifier, v, floor float64, num func(float64) string) string {
	if q == state.AtMost && floor > 0 {
		return "at least " + num(floor) + " and up to " + num(v)
	}
	return q.Words() + num(v)
}

// cited is text followed by its citation, if it has sources.
func cited(text string, ns []int) string {
	if len(ns) == 0 {
		return text
	}
	return text + " " + Cite(ns)
}

// Cite is the annex numbers as "[1, 4]", or "" when there are none.
func Cite(ns []int) string {
	if len(ns) == 0 {
		return ""
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// LaterDocument is a document the report cites whose figures, of dates
// on or before the report's date, were published after it (or perhaps
// after: only its month is known), with the annex entries that cite it.
type LaterDocument struct {
	// Label names the document as a short citation does ("IAEA
	// GOV/2025/8"); Words says when it was published ("published
	// 2025-02-26", or "published in November 2025, perhaps after this
	// date").
	Label, Words string
	Sources      []int
}

// Later are the documents the report cites that were published after its
// date, in the order of the annex.
func (r *Report) Later() []LaterDocument {
	var out []LaterDocument
	for _, s := range r.Sources {
		h := s.Hindsight(r.AsOf)
		if h == "" {
			continue
		}
		words := s.evidence().Publication()
		if after, _ := s.evidence().PublishedAfter(r.AsOf); !after {
			words = h
		}
		label := s.Label()
		i := slices.IndexFunc(out, func(d LaterDocument) bool { return d.Label == label && d.Words == words })
		if i < 0 {
			i = len(out)
			out = append(out, LaterDocument{Label: label, Words: words})
		}
		out[i].Sources = append(out[i].Sources, s.N)
	}
	return out
}

// LaterSentence says which documents the report's figures come from that
// were published after its date; "" when none was.
func (r *Report) LaterSentence() string {
	later := r.Later()
	if len(later) == 0 {
		return ""
	}
	parts := make([]string, len(later))
	for i, d := range later {
		parts[i] = fmt.Sprintf("%s, %s %s", d.Label, d.Words, Cite(d.Sources))
	}
	return fmt.Sprintf("Some figures here, of dates on or before %s, come from documents published after it: %s.", r.AsOf, strings.Join(parts, "; "))
}

// LatestSentence says what the latest evidence on or before the report's
// date is and how old; where it was published after that date, it says
// so, and what had been published by then.
func (r *Report) LatestSentence() string {
	l := r.Activities.Latest
	if l == nil {
		return ""
	}
	var b strings.Builder
	if h := l.Hindsight(r.AsOf); h != "" {
		fmt.Fprintf(&b, "The latest figures on or before %s are of %s, %s before it, from %s, %s %s", r.AsOf, l.DatePrecision.Date(l.Date), l.Age, l.Document, h, Cite(l.Sources))
		if p := r.Activities.LatestPublic; p != nil {
			fmt.Fprintf(&b, "; the latest published by then are of %s, %s before it, from %s, %s %s", p.DatePrecision.Date(p.Date), p.Age, p.Document, p.Words(r.AsOf), Cite(p.Sources))
		}
		b.WriteString(".")
	} else {
		fmt.Fprintf(&b, "Latest evidence: %s, of %s, %s before this report's date %s.", l.Document, l.DatePrecision.Date(l.Date), l.Age, Cite(l.Sources))
	}
	if s := r.Activities.LatestStock; s != nil && s.AgeDays > 0 {
		fmt.Fprintf(&b, " Latest figure of the stock: of %s, %s before %s", s.DatePrecision.Date(s.Date), s.Age, Cite(s.Sources))
		if h := s.Hindsight(r.AsOf); h != "" {
			b.WriteString(", " + h)
		}
		b.WriteString(".")
	}
	return b.String()
}

// summary says the report's main figures in plain language.
func summary(r *Report) []string {
	var out []string
	// First, that some figures were not yet public at the date.
	if line := r.LaterSentence(); line != "" {
		out = append(out, line)
	}
	st := r.Stockpile
	switch {
	case st.Total.Value != nil && st.LimitKgU != nil && st.Ratio != nil:
		out = append(out, fmt.Sprintf("The enriched-uranium stock was %s as of %s %s: %s%s times the limit of %s kg U.",
			st.Total.Text(), st.Total.AsOfPrecision.Date(st.Total.AsOf), Cite(st.Total.Sources), st.Total.Qualifier.Words(), Num(*st.Ratio, 1), Num(*st.LimitKgU, 1)))
	case st.Total.Value != nil:
		out = append(out, fmt.Sprintf("The enriched-uranium stock was %s as of %s %s.", st.Total.Text(), st.Total.AsOfPrecision.Date(st.Total.AsOf), Cite(st.Total.Sources)))
	default:
		out = append(out, "The enriched-uranium stock is unknown: "+st.Total.Unknown+".")
	}
	var sq float64
	var levels []string
	for _, l := range st.Levels {
		if l.MaxAssayPct >= 20 && l.SQIAEA != nil && l.Mass.Value != nil {
			sq += *l.SQIAEA
			levels = append(levels, fmt.Sprintf("%s at up to %g %%", l.Mass.Text(), l.MaxAssayPct))
		}
	}
	if len(levels) > 0 {
		// The "up to 20 %" level is near-20 % uranium, below 20 %: the
		// IAEA counts 75 kg U-235 a quantity there, 25 kg at 20 % or more.
		out = append(out, fmt.Sprintf("The stock enriched to near 20 %% or more (%s) holds %s significant quantities by the IAEA's definition (25 kg U-235 each in uranium enriched to 20 %% or more, 75 kg below; one is %s kg U at 60 %%).",
			strings.Join(levels, ", "), Num(sq, 2), Num(st.OneSQ60KgU, 1)))
	}
	if e := r.Enrichment.MaxEnrichment; e.Value != nil {
		line := fmt.Sprintf("Uranium was enriched to %s as of %s %s", e.Text(), e.AsOfPrecision.Date(e.AsOf), Cite(e.Sources))
		if r.Enrichment.LimitPct != nil {
			line += fmt.Sprintf(", against the limit of %s %%", Num(*r.Enrichment.LimitPct, 2))
		}
		out = append(out, line+".")
	}
	out = append(out, breakoutSentence(&r.Breakout.Breakout, Cite(r.Breakout.Sources), Cite(r.Breakout.LastKnownSources), true))
	if r.Warning.Model != "" {
		out = append(out, WarningHeadline(&r.Warning.Estimate))
	}
	var disputes []string
	disputed := map[string]int{}
	for _, s := range r.Sides {
		counts := map[compliance.Status]int{}
		for _, f := range s.Findings {
			counts[f.Status]++
			if f.Status == compliance.Disputed {
				if disputed[f.Question] == 0 {
					disputes = append(disputes, f.Question)
				}
				disputed[f.Question]++
			}
		}
		var parts []string
		for _, st := range compliance.Statuses {
			if n := counts[st]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, plural(st, n)))
			}
		}
		out = append(out, fmt.Sprintf("%s: %s.", s.Name, strings.Join(parts, ", ")))
	}
	for _, q := range disputes {
		out = append(out, fmt.Sprintf("The parties dispute %s: %d %s disputed; section 6 gives the status under each reading.", q, disputed[q], map[bool]string{true: "commitment is", false: "commitments are"}[disputed[q] == 1]))
	}
	k := r.Knowledge
	line := fmt.Sprintf("Inspectorate access: %s.", cited(state.AccessSince(k.Access, k.Since), k.Sources))
	if !k.Lost.IsZero() {
		line = fmt.Sprintf("The inspectorate lost access %s on %s %s: the figures it verifies are unknown from that date.", state.AccessScope(k.Access), k.Lost, Cite(k.Sources))
	}
	return append(out, line)
}

func plural(s compliance.Status, n int) string {
	word := strings.ReplaceAll(string(s), "-", " ")
	if n > 1 && s == compliance.Breach {
		return "breaches"
	}
	return word
}

// BreakoutSentence says a dated breakout estimate in plain words, with the
// citations of its figures and of its last known estimate.
func BreakoutSentence(b *compliance.Breakout, cite, lastCite string) string {
	return breakoutSentence(b, cite, lastCite, false)
}

// breakoutSentence is BreakoutSentence; brief, for the summary, it
// leaves its sources and why it is a bound to the breakout section, which
// it names, and the documents published after the date to the summary's
// own line about them.
func breakoutSentence(b *compliance.Breakout, cite, lastCite string, brief bool) string {
	what := fmt.Sprintf("Breakout to one significant quantity (%s, %s convention)", b.SQ, b.Convention)
	switch b.Status {
	case compliance.Estimated:
		if brief {
			// The summary leaves the many sources of an estimate to its
			// section, which cites each.
			cite = "(section 7)"
		}
		line := fmt.Sprintf("%s: %s, from the stock and the %s centrifuges known at the date %s.", what, BreakoutDays(b), b.Machines, cite)
		if later := compliance.LaterNotes(b.Evidence, b.AsOf); len(later) > 0 {
			line = fmt.Sprintf("%s: %s, from the stock and the %s centrifuges reported as of the date %s", what, BreakoutDays(b), b.Machines, cite)
			if !brief {
				line += "; " + strings.Join(later, "; ")
			}
			line += "."
		}
		switch {
		case brief && b.HeadlineBound != "":
			line += " " + upperFirst(BoundBrief(b.HeadlineQualifier, b.Bounds)) + "."
		case b.HeadlineBound != "":
			line += " The figure and its band are " + b.HeadlineBound + "."
		}
		return line
	case compliance.NotReachable:
		return fmt.Sprintf("%s: not reachable with the known stock and centrifuges: %s %s.", what, b.Reason, cite)
	}
	line := fmt.Sprintf("%s: unknown, because %s.", what, b.Reason)
	if lk := b.LastKnown; lk != nil {
		line += fmt.Sprintf(" The last estimate on known figures, as of %s, was %s %s.", lk.AsOf, daysBand(lk.HeadlineQualifier, lk.HeadlineDays, lk.P10Days, lk.P90Days), lastCite)
	}
	if s := b.Since; s != nil {
		line += " " + upperFirst(s.Text) + "."
	}
	return line
}

// BreakoutDays is an estimated breakout's headline with its band, after
// the words of its qualifier where it is a bound: "at least 6.8 days
// (10th to 90th percentile 4.6 to 9.6)"; or "unknown" and "not
// reachable".
func BreakoutDays(b *compliance.Breakout) string {
	switch {
	case b == nil || b.Status == compliance.UnknownEstimate:
		return "unknown"
	case b.Status == compliance.NotReachable || b.Estimate == nil:
		return "not reachable"
	}
	e := b.Estimate
	var p10, p90 *float64
	if u := e.Uncertainty; u != nil {
		p10, p90 = u.P10Days, u.P90Days
	}
	return daysBand(b.HeadlineQualifier, e.HeadlineDays, p10, p90)
}

// daysBand is days and their band, after the words of q: "at least 6.8
// days (10th to 90th percentile 4.6 to 9.6 days)".
func daysBand(q state.Qualifier, d, p10, p90 *float64) string {
	out := Days(d)
	if d != nil {
		out = q.Words() + out
	}
	if p10 != nil && p90 != nil {
		out += fmt.Sprintf(" (10th to 90th percentile %s to %s)", DayNum(*p10), Days(p90))
	}
	return out
}

// SeriesDays is a series point's breakout for a table cell, with the sign
// of its qualifier (which holds for the band too): "≥ 6.8 (4.6 to 9.6)",
// "unknown" or "not reachable".
func SeriesDays(p Point) string {
	switch p.BreakoutStatus {
	case compliance.Estimated:
		out := p.BreakoutQualifier.Sign() + DayNum(*p.BreakoutDays)
		if p.BreakoutP10Days != nil && p.BreakoutP90Days != nil {
			out += fmt.Sprintf(" (%s to %s)", DayNum(*p.BreakoutP10Days), DayNum(*p.BreakoutP90Days))
		}
		return out
	case compliance.NotReachable:
		return "not reachable"
	}
	return "unknown"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Term is a word of the vocabulary every page, report and command uses,
// with its meaning.
type Term struct{ Word, Meaning string }

// Provenance are the words that say how a figure is known.
var Provenance = []Term{
	{"sourced", "taken from the cited document (an IAEA report, a treaty text, a statement), as reported where the document itself was not seen"},
	{"derived", "computed from sourced figures by the rule its note gives (a unit conversion, a remainder, the whole stock at the highest level produced when no breakdown is given)"},
	{"unverified", "the source could not be checked, or the sources disagree: read it as a claim"},
}

// Findings are the statuses of a finding, in the order of
// compliance.Statuses.
var Findings = []Term{
	{"breach", "a figure younger than the commitment's reporting interval, or an event of the agreement, shows the commitment broken; lost knowledge does not end it: it stays a breach, last confirmed on its date"},
	{"disputed", "the parties read an event of the agreement differently; the finding gives the status under each reading and its basis"},
	{"unknown", "no figure younger than the commitment's reporting interval decides it (the finding says when it was last confirmed), or the inspectorate lacks the knowledge"},
	{"compliant", "a figure younger than the commitment's reporting interval shows the commitment kept; for an action (sanctions relief, the Additional Protocol), a recorded act performed it and no event of non-performance is recorded after that act"},
	{"not-in-force", "the commitment has not begun, or has ended, under every reading"},
}

// LegendNote is said with the legend: "verified" is the inspectorate's
// word.
const LegendNote = "\"Verified\" is said only of what the inspectorate itself reported as verified."

// ObservedText is a finding's figure as a table shows it: with its bound
// ("more than 202.8 kg U") and the date of the figure, so that a figure
// last seen years before the finding's date does not read as today's;
// "-" when the finding rests on no figure. num formats the number.
func ObservedText(f compliance.Finding, num func(float64) string) string {
	if f.Observed == nil {
		return "-"
	}
	s := amount(f.Qualifier, *f.Observed, f.ObservedAtLeast, num) + " " + f.Unit
	if when := f.ObservedWhen(); when != "" {
		s += ", " + when
	}
	return s
}

// RatioText is a finding's ratio to its limit, a bound when its figure is
// one: sign is the bound's sign as the output writes it (">" in plain
// text, "> " in a document); "-" when there is no ratio.
func RatioText(f compliance.Finding, sign string, num func(float64) string) string {
	if f.Ratio == nil {
		return "-"
	}
	return sign + num(*f.Ratio) + "x"
}

// BoundBrief says in one short sentence that an estimate is only a bound
// and on which figures, for a card whose page says why at length: "a
// lower bound, band included, for figures it rests on were reported only
// as bounds: the IR-1 enriching at Natanz FEP, up to 5060 machines as of
// 2017-02-18", or "approximate, ... for figures it rests on were reported
// long before the date: the IR-1 enriching at Natanz FEP, 5060 machines
// last reported 2021-03-15". It is "" for an exact estimate.
func BoundBrief(q state.Qualifier, bs []compliance.Bound) string {
	kind := map[state.Qualifier]string{state.AtLeast: "a lower bound", state.AtMost: "an upper bound", state.Approx: "approximate"}[q]
	if kind == "" || len(bs) == 0 {
		return ""
	}
	var figs []string
	var stale []compliance.Bound
	for _, b := range bs {
		if b.Stale {
			stale = append(stale, b)
			continue
		}
		figs = append(figs, fmt.Sprintf("%s, %s %s as of %s", b.Figure, b.Amount(), b.Unit, b.AsOfPrecision.Date(b.AsOf)))
	}
	why := "were reported only as bounds"
	switch {
	case len(stale) == 1:
		b := stale[0]
		figs = append(figs, fmt.Sprintf("%s, %s %s last reported %s", b.Figure, b.Amount(), b.Unit, b.AsOf))
	case len(stale) > 1:
		// Briefly: the page lists them.
		first, last := stale[0].AsOf, stale[0].AsOf
		for _, b := range stale {
			if b.AsOf.Before(first) {
				first = b.AsOf
			}
			if b.AsOf.After(last) {
				last = b.AsOf
			}
		}
		when := fmt.Sprintf("from %s to %s", first, last)
		if first == last {
			when = "on " + first.String()
		}
		figs = append(figs, fmt.Sprintf("%d counts of machines last reported %s", len(stale), when))
	}
	switch {
	case len(stale) > 0 && len(figs) > 1:
		why = "were reported only as bounds or long before the date"
	case len(stale) > 0:
		why = "were reported long before the date"
	}
	return fmt.Sprintf("%s, band included, for figures it rests on %s: %s", kind, why, strings.Join(figs, "; "))
}
