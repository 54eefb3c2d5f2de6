package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/compliance"
)

// Num formats v with thousands separators and at most prec decimals,
// trailing zeros dropped: Num(8294.4, 1) = "8,294.4".
func Num(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
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

// Days formats a number of days: one decimal under 100, none above.
func Days(d *float64) string {
	if d == nil {
		return "not reached"
	}
	if *d < 100 {
		return Num(*d, 1) + " days"
	}
	return Num(math.Round(*d), 0) + " days"
}

// Text is a figure in words: "about 8,294.4 kg U", or "unknown".
func (f Figure) Text() string {
	if f.Value == nil {
		return "unknown"
	}
	unit := " " + f.Unit
	if f.Unit == "%" {
		unit = " %"
	}
	return f.Qualifier.Words() + Num(*f.Value, 1) + unit
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

// summary says the report's main figures in plain language.
func summary(r *Report) []string {
	var out []string
	st := r.Stockpile
	switch {
	case st.Total.Value != nil && st.LimitKgU != nil && st.Ratio != nil:
		out = append(out, fmt.Sprintf("The enriched-uranium stock was %s as of %s %s: %s times the limit of %s kg U.",
			st.Total.Text(), st.Total.AsOf, Cite(st.Total.Sources), Num(*st.Ratio, 1), Num(*st.LimitKgU, 1)))
	case st.Total.Value != nil:
		out = append(out, fmt.Sprintf("The enriched-uranium stock was %s as of %s %s.", st.Total.Text(), st.Total.AsOf, Cite(st.Total.Sources)))
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
		out = append(out, fmt.Sprintf("The stock at 20 %% or more (%s) holds %s significant quantities by the IAEA's definition (25 kg U-235 each; one is %s kg U at 60 %%).",
			strings.Join(levels, ", "), Num(sq, 2), Num(st.OneSQ60KgU, 1)))
	}
	if e := r.Enrichment.MaxEnrichment; e.Value != nil {
		line := fmt.Sprintf("Uranium was enriched to %s %s", e.Text(), Cite(e.Sources))
		if r.Enrichment.LimitPct != nil {
			line += fmt.Sprintf(", against the limit of %s %%", Num(*r.Enrichment.LimitPct, 2))
		}
		out = append(out, line+".")
	}
	b := r.Breakout
	switch {
	case b.FirstSQDays != nil && b.Band != nil && b.Band.P10Days != nil && b.Band.P90Days != nil:
		out = append(out, fmt.Sprintf("Breakout to one significant quantity (%s): %s (10th to 90th percentile %s to %s), with the stock and the enriching centrifuges known at the date.",
			r.Convention, Days(b.FirstSQDays), Num(*b.Band.P10Days, 1), Days(b.Band.P90Days)))
	case b.FirstSQDays != nil:
		out = append(out, fmt.Sprintf("Breakout to one significant quantity (%s): %s, with the stock and the enriching centrifuges known at the date.", r.Convention, Days(b.FirstSQDays)))
	default:
		out = append(out, "Breakout to one significant quantity is not reached within the planning horizon: "+b.Unreachable+".")
	}
	for _, s := range r.Sides {
		counts := map[compliance.Status]int{}
		for _, f := range s.Findings {
			counts[f.Status]++
		}
		var parts []string
		for _, st := range []compliance.Status{compliance.Breach, compliance.Unknown, compliance.Compliant, compliance.NotInForce} {
			if n := counts[st]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, plural(st, n)))
			}
		}
		out = append(out, fmt.Sprintf("%s: %s.", s.Name, strings.Join(parts, ", ")))
	}
	k := r.Knowledge
	line := fmt.Sprintf("Inspectorate access: %s since %s %s.", k.Access, k.Since, Cite(k.Sources))
	if !k.Lost.IsZero() {
		line = fmt.Sprintf("The inspectorate lost access on %s %s: the figures it verifies are unknown from that date.", k.Lost, Cite(k.Sources))
	}
	return append(out, line)
}

func plural(s compliance.Status, n int) string {
	word := map[compliance.Status]string{compliance.Breach: "breach", compliance.Unknown: "unknown", compliance.Compliant: "compliant", compliance.NotInForce: "not in force"}[s]
	if n > 1 && s == compliance.Breach {
		return "breaches"
	}
	return word
}
