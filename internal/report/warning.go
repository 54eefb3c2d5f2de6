package report

// The warning time: breakout time minus the time verification needs to
// detect a breakout, in words and as a terminal table.

import (
	"fmt"
	"io"
	"strings"

	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

// WarningSentence says a warning estimate in plain words.
func WarningSentence(e *warning.Estimate) string { return warningSentence(e, false) }

// reportWarningSentence is WarningSentence in the report, whose section 7
// says which figures bound the breakout estimate and how: a warning bound
// by those figures alone refers to it rather than list them again.
func reportWarningSentence(e *warning.Estimate) string { return warningSentence(e, true) }

func warningSentence(e *warning.Estimate, inReport bool) string {
	switch e.Status {
	case warning.Estimated:
		w := e.Warning
		line := fmt.Sprintf("Warning time as of %s: %s%s; 10th to 90th percentile %s to %s", e.AsOf, e.WarningQualifier.Words(), signedDays(w.P50), bandEnd(w.P10), bandEnd(w.P90))
		p := *e.PCompleteBeforeDetection
		switch {
		case p >= 1:
			line += "; a breakout would be done before the inspectorate could know of it in every sampled case"
		case p >= 0.95:
			line += fmt.Sprintf("; a breakout would almost certainly be done before the inspectorate could know of it (probability %s)", probText(p))
		case p >= 0.5:
			line += fmt.Sprintf("; a breakout would more likely than not be done before the inspectorate could know of it (probability %s)", probText(p))
		case p > 0:
			line += fmt.Sprintf("; the probability that a breakout is done before the inspectorate could know of it is %s", probText(p))
		default:
			line += "; in every sample verification detects a breakout before it is done"
		}
		switch kind, _, _ := strings.Cut(e.WarningBound, ":"); {
		case e.WarningBound == "":
		case inReport && e.WarningBoundAsBreakout:
			line += ". The warning and its band are " + kind + ", for the figures section 7 names as bounding the breakout estimate"
		default:
			line += ". The warning and its band are " + e.WarningBound
		}
		return line + "."
	case warning.NoDetection:
		return fmt.Sprintf("Warning time as of %s: none from verification. %s.", e.AsOf, upperFirst(e.Reason))
	case warning.NotReachable:
		return fmt.Sprintf("Warning time as of %s: not applicable: %s.", e.AsOf, e.Reason)
	}
	return fmt.Sprintf("Warning time as of %s: unknown, because %s.", e.AsOf, e.Reason)
}

// warningWhat begins the warning's headline.
const warningWhat = "Warning time (breakout time less the time to detect it)"

// WarningHeadline is the warning in one short sentence for a summary: the
// overview's as well as the report's, so it names no section (see
// sectioned).
func WarningHeadline(e *warning.Estimate) string {
	const what = warningWhat
	switch e.Status {
	case warning.Estimated:
		line := fmt.Sprintf("%s: %s%s", what, e.WarningQualifier.Words(), signedDays(e.Warning.P50))
		switch p := *e.PCompleteBeforeDetection; {
		case p >= 1:
			line += "; a breakout would be done before it could be known in every sampled case"
		case p > 0:
			line += fmt.Sprintf("; a breakout would be done before it could be known with probability %s", probText(p))
		}
		return line + "."
	case warning.NoDetection:
		return what + ": none, since no verification activity able to see a breakout at the declared plants is in force."
	case warning.NotReachable:
		return what + ": not applicable, since the known stock and centrifuges give no path to a significant quantity."
	}
	return what + ": unknown, because " + e.Reason + "."
}

// sectioned is a summary line as the report prints it: the warning's
// headline points at the report's section that gives its regime and
// sources.
func sectioned(line string) string {
	if rest, ok := strings.CutPrefix(line, warningWhat); ok {
		return strings.TrimSuffix(warningWhat, ")") + "; section 8)" + rest
	}
	return line
}

// signedDays is "-12.9 days", "3 months (95 days)" or "never" for a nil
// percentile (no detection before the breakout is done, or no breakout).
func signedDays(d *float64) string {
	if d == nil {
		return "no warning"
	}
	v := *d
	if v >= 60 || v <= -60 {
		return fmt.Sprintf("%s days (about %s months)", Num(v, 0), Num(v/30.44, 0))
	}
	return Days(d)
}

// bandEnd is one end of a warning band: "378 days", or "no warning" where
// the breakout is done before detection.
func bandEnd(d *float64) string {
	if d == nil {
		return "no warning"
	}
	return Days(d)
}

// DetectionWords is the time to detect in words.
func DetectionWords(d *warning.Detection) string {
	if d == nil {
		return "never: no activity in force can see a breakout at the declared plants"
	}
	out := fmt.Sprintf("%s (10th to 90th percentile %s to %s)", Days(d.P50), Days(d.P10), Days(d.P90))
	if d.NeverFraction > 0 {
		out += fmt.Sprintf("; never in %s %% of samples", Num(100*d.NeverFraction, 1))
	}
	return out
}

// probText is a probability strictly between 0 and 1 to two places, never
// rounded to a certainty: "above 0.99", "below 0.01".
func probText(p float64) string {
	switch {
	case p < 1 && p >= 0.995:
		return "above 0.99"
	case p > 0 && p < 0.005:
		return "below 0.01"
	}
	return Num(p, 2)
}

// detectionText is the time to detect of an estimate in words: unknown,
// with the reason, when the warning is unknown before any activity was
// counted (no regime, or access not in the record), not "never".
func detectionText(e *warning.Estimate) string {
	if e.Detection == nil && e.Status == warning.UnknownWarning {
		return "unknown, because " + e.Reason
	}
	return DetectionWords(e.Detection)
}

// ActivityTerms says an activity's frequency or latency and its
// probability of detection.
func ActivityTerms(a warning.ActivityAt) string {
	var parts []string
	switch {
	case a.Latency != nil:
		parts = append(parts, "continuous, "+rangeDays(*a.Latency)+" to reach the inspectors")
	case a.Period != nil:
		parts = append(parts, "every "+rangeDays(*a.Period))
	}
	switch {
	case a.Probability != nil:
		parts = append(parts, "detects with probability "+Num(*a.Probability, 3)+" (material balance test)")
	case a.Detect != nil:
		parts = append(parts, fmt.Sprintf("detects with probability %s to %s", Num(a.Detect.Low, 2), Num(a.Detect.High, 2)))
	}
	return strings.Join(parts, ", ")
}

func rangeDays(r warning.Range) string {
	unit := " days"
	if r.High == 1 {
		unit = " day"
	}
	if r.Low == r.High {
		return Num(r.Low, 2) + unit
	}
	return fmt.Sprintf("%s to %s%s", Num(r.Low, 2), Num(r.High, 2), unit)
}

// TextWarning prints a warning estimate for a terminal.
func TextWarning(w io.Writer, e *warning.Estimate) error {
	fmt.Fprintln(w, WarningSentence(e))
	fmt.Fprintln(w)
	b := e.Breakout
	fmt.Fprintf(w, "Breakout (%s convention, %s, %s centrifuges): ", b.Convention, b.SQ, b.Machines)
	switch {
	case b.Status == compliance.Estimated:
		fmt.Fprintln(w, BreakoutDays(b))
	case b.Reason != "":
		fmt.Fprintf(w, "%s: %s\n", b.Status, b.Reason)
	default:
		fmt.Fprintln(w, b.Status)
	}
	for _, n := range compliance.LaterNotes(b.Evidence, b.AsOf) {
		fmt.Fprintf(w, "  %s\n", n)
	}
	fmt.Fprintf(w, "Time to detect and report: %s\n", detectionText(e))
	fmt.Fprintln(w, "IAEA timeliness detection goals:")
	for _, g := range e.Timeliness {
		mark := ""
		if g.Applies {
			mark = " (a breakout's product)"
		}
		fmt.Fprintf(w, "  %d days for %s%s\n", g.Days, g.Material, mark)
	}
	fmt.Fprintf(w, "\nVerification regime as of %s (inspectorate access: %s)\n", e.Regime.AsOf, state.AccessWords(e.Regime.Access))
	for _, a := range e.Listed() {
		state := a.State
		if !a.Since.IsZero() {
			state += " since " + a.Since.String()
		}
		fmt.Fprintf(w, "  %s: %s\n", a.Name, state)
		if t := ActivityTerms(a); t != "" {
			fmt.Fprintf(w, "      %s\n", t)
		}
		fmt.Fprintf(w, "      %s (%s)\n", a.Provision, a.Status)
		if a.Reason != "" && a.State != warning.InForce {
			fmt.Fprintf(w, "      %s\n", a.Reason)
		}
	}
	fmt.Fprintln(w, "\nAssumptions")
	for _, a := range e.Assumptions {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	fmt.Fprintf(w, "\nModel %s; timeliness goals: %s\n", e.Model, e.TimelinessSource)
	return nil
}

// warningMarkdown writes the report's warning section.
func (r *Report) warningMarkdown(p func(string, ...any), chart func()) {
	w := r.Warning
	if w.Model == "" {
		return
	}
	e := &w.Estimate
	p("\n## 8. Warning time\n\n")
	p("%s %s\n\n", reportWarningSentence(e), Cite(w.Sources))
	p("Warning time is the breakout time less the time from the start of a breakout at the declared plants until the inspectorate could know of it and report it to the Board, drawn sample by sample (model %s).\n\n", e.Model)
	p("| | 10th percentile | median | 90th percentile |\n|---|--:|--:|--:|\n")
	b, bq, wq := e.BreakoutBand(), e.Breakout.HeadlineQualifier, e.WarningQualifier
	p("| breakout, days | %s | %s | %s |\n", signedOpt(bq, b.P10, 1), signedOpt(bq, b.P50, 1), signedOpt(bq, b.P90, 1))
	if d := e.Detection; d != nil {
		p("| time to detect and report, days | %s | %s | %s |\n", opt(d.P10, 1), opt(d.P50, 1), opt(d.P90, 1))
	} else {
		never := "never"
		if e.Status == warning.UnknownWarning {
			never = "unknown"
		}
		p("| time to detect and report, days | %s | %s | %s |\n", never, never, never)
	}
	if q := e.Warning; q != nil {
		p("| warning, days | %s | %s | %s |\n", signedOpt(wq, q.P10, 1), signedOpt(wq, q.P50, 1), signedOpt(wq, q.P90, 1))
	} else {
		p("| warning, days | %s | %s | %s |\n", e.Status, e.Status, e.Status)
	}
	for _, g := range e.Timeliness {
		if g.Applies {
			p("\nThe IAEA's timeliness goal for %s is %d days (%s).\n", g.Material, g.Days, e.TimelinessSource)
		}
	}
	p("\nThe verification regime as of %s (inspectorate access: %s):\n\n| activity | state | since | terms | provision | status |\n|---|---|---|---|---|---|\n", e.Regime.AsOf, state.AccessWords(e.Regime.Access))
	for _, a := range e.Listed() {
		since := "-"
		if !a.Since.IsZero() {
			since = a.Since.String()
		}
		state := a.State
		if a.Reason != "" && a.State != warning.InForce {
			state += ": " + a.Reason
		}
		p("| %s | %s | %s | %s | %s | %s |\n", cell(a.Name), cell(state), since, cell(ActivityTerms(a)), cell(a.Provision), a.Status)
	}
	p("\nAssumptions:\n\n")
	for _, a := range e.Assumptions {
		p("- %s\n", a)
	}
	chart()
	if len(r.Series) > 0 {
		p("\nWarning at each reported date and on the agreement's days (median, with its 10th to 90th percentile):\n\n| as of | warning | days |\n|---|---|--:|\n")
		for _, s := range r.Series {
			when := s.Date.String()
			if s.Event != "" {
				when += " (" + s.Event + ")"
			}
			p("| %s | %s | %s |\n", cell(when), s.WarningStatus, SeriesWarning(s))
		}
	}
}

// signedOpt is opt(v, prec) after the sign of q, for a table cell: "≥
// 6.8", "-".
func signedOpt(q state.Qualifier, v *float64, prec int) string {
	if v == nil {
		return opt(v, prec)
	}
	return q.Sign() + opt(v, prec)
}

// SeriesWarning is a series point's warning for a table cell, with the
// sign of its qualifier (which holds for the band too): "-12.9 (-39.3 to
// -1.7)", "≥ 391 (334 to 476)", or its status.
func SeriesWarning(p Point) string {
	if p.WarningStatus != warning.Estimated || p.WarningDays == nil {
		if p.WarningStatus == "" {
			return "-"
		}
		return p.WarningStatus
	}
	out := p.WarningQualifier.Sign() + Num(*p.WarningDays, 1)
	if p.WarningP10Days != nil && p.WarningP90Days != nil {
		out += fmt.Sprintf(" (%s to %s)", Num(*p.WarningP10Days, 1), Num(*p.WarningP90Days, 1))
	}
	return out
}

// warningCSV writes the warning's rows: the time to detect and the warning
// time at each percentile, or what stands in their place (never detected,
// no detection, unknown and why).
func (r *Report) warningCSV(row func(section, item string, f Figure), raw func([]string)) {
	w := r.Warning
	if w.Model == "" {
		return
	}
	e := &w.Estimate
	put := func(item string, v *float64, q state.Qualifier, instead string) {
		if v != nil {
			row("warning", item, Figure{Value: v, Qualifier: q, Unit: "days", AsOf: r.AsOf, Status: "derived", Sources: w.Sources})
			return
		}
		raw([]string{"warning", item, "", "days", "", r.AsOf.String(), instead, citeList(w.Sources)})
	}
	var d, q warning.Quantiles
	never := "never: no activity in force can see a breakout at the declared plants"
	switch {
	case e.Detection != nil:
		d = e.Detection.Quantiles
		never = "never in this share of samples"
	case e.Status == warning.UnknownWarning:
		never = detectionText(e)
	}
	if e.Warning != nil {
		q = *e.Warning
	}
	why := e.Status + ": " + e.Reason
	if e.Status == warning.Estimated {
		why = "no warning: the breakout is done before detection in this share of samples"
	}
	for _, p := range []struct {
		name         string
		detect, warn *float64
	}{{"p10", d.P10, q.P10}, {"p50", d.P50, q.P50}, {"p90", d.P90, q.P90}} {
		put("time to detect and report, "+p.name, p.detect, state.Exact, never)
		put("warning time, "+p.name, p.warn, e.WarningQualifier, why)
	}
}
