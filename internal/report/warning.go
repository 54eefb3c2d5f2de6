package report

// The warning time: breakout time minus the time verification needs to
// detect a breakout, in words and as a terminal table.

import (
	"fmt"
	"io"
	"strings"

	"github.com/accordverify/accord/internal/warning"
)

// WarningSentence says a warning estimate in plain words.
func WarningSentence(e *warning.Estimate) string {
	switch e.Status {
	case warning.Estimated:
		w := e.Warning
		line := fmt.Sprintf("Warning time as of %s: %s (10th to 90th percentile %s to %s)", e.AsOf, signedDays(w.P50), signedDays(w.P10), signedDays(w.P90))
		p := *e.PCompleteBeforeDetection
		switch {
		case p >= 0.5:
			line += fmt.Sprintf("; a breakout would more likely than not be done before the inspectorate could know of it (probability %s)", Num(p, 2))
		case p > 0:
			line += fmt.Sprintf("; the probability that a breakout is done before the inspectorate could know of it is %s", Num(p, 2))
		default:
			line += "; in every sample verification detects a breakout before it is done"
		}
		return line + "."
	case warning.NoDetection:
		return fmt.Sprintf("Warning time as of %s: none from verification. %s.", e.AsOf, upperFirst(e.Reason))
	case warning.NotReachable:
		return fmt.Sprintf("Warning time as of %s: not applicable: %s.", e.AsOf, e.Reason)
	}
	return fmt.Sprintf("Warning time as of %s: unknown, because %s.", e.AsOf, e.Reason)
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
	if r.Low == r.High {
		return Days(&r.Low)
	}
	return fmt.Sprintf("%s to %s", Num(r.Low, 2), Days(&r.High))
}

// TextWarning prints a warning estimate for a terminal.
func TextWarning(w io.Writer, e *warning.Estimate) error {
	fmt.Fprintln(w, WarningSentence(e))
	fmt.Fprintln(w)
	b := e.Breakout
	fmt.Fprintf(w, "Breakout (%s convention, %s, %s centrifuges): ", b.Convention, b.SQ, b.Machines)
	switch {
	case b.HeadlineDays != nil:
		fmt.Fprintln(w, daysBand(b.HeadlineDays, b.P10, b.P90))
	case b.Reason != "":
		fmt.Fprintf(w, "%s: %s\n", b.Status, b.Reason)
	default:
		fmt.Fprintln(w, b.Status)
	}
	fmt.Fprintf(w, "Time to detect and report: %s\n", DetectionWords(e.Detection))
	for _, g := range e.Timeliness {
		if g.Applies {
			fmt.Fprintf(w, "IAEA timeliness goal for %s: %d days\n", g.Material, g.Days)
		}
	}
	fmt.Fprintf(w, "\nVerification regime as of %s (inspectorate access: %s)\n", e.Regime.AsOf, e.Regime.Access)
	counted := map[string]warning.ActivityAt{}
	if e.Detection != nil {
		for _, a := range e.Detection.Activities {
			counted[a.ID] = a
		}
	}
	for _, a := range e.Regime.Activities {
		if c, ok := counted[a.ID]; ok {
			a = c
		}
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
