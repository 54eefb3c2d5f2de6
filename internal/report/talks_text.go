package report

// Plain-text renderings of the mediated talks for a terminal: a proposal's
// evaluation and the feasibility answers, the zone of agreement, a party's
// red lines, a text's clauses and an inbox.

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accordverify/accord/internal/talks"
)

// TextEvaluation writes a proposal's metrics and the feasibility answer
// each recipient would get, under the room's title.
func TextEvaluation(w io.Writer, title string, ev *talks.Evaluation, reports []*talks.Report) error {
	fmt.Fprintf(w, "%s: model %s\n", title, ev.Model)
	for _, m := range talks.Metrics {
		if v, ok := ev.Metrics[m]; ok {
			fmt.Fprintf(w, "  %-22s %s %s\n", m, Num(v, 2), talks.MetricUnits[m])
		} else if why, ok := ev.Unknown[m]; ok {
			fmt.Fprintf(w, "  %-22s unknown: %s\n", m, why)
		}
	}
	if _, ok := ev.Metrics[talks.MetricBreakoutP50]; ok {
		fmt.Fprintf(w, "  (%s is the estimate with every input at its central value, which red lines read; the\n  band's median, %s, is the figure Accord's other breakout estimates quote)\n", talks.MetricBreakoutDays, talks.MetricBreakoutP50)
	}
	fmt.Fprintln(w, "Feasibility, as each recipient would see it:")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, r := range reports {
		switch {
		case r.OwnMet != nil:
			fmt.Fprintf(w, "  %-8s meets its own red lines: %s\n", r.Recipient, yes[*r.OwnMet])
		case r.AllMet != nil:
			line := fmt.Sprintf("  %-8s meets every red line: %s", r.Recipient, yes[*r.AllMet])
			var failing []string
			for _, p := range slices.Sorted(maps.Keys(r.Failing)) {
				for _, c := range r.Failing[p] {
					if !unchecked(r, p, c) {
						failing = append(failing, p+": "+c.String())
					}
				}
			}
			if len(failing) > 0 {
				line += " (failing: " + strings.Join(failing, "; ") + ")"
			}
			fmt.Fprintln(w, line)
		}
		for _, p := range slices.Sorted(maps.Keys(r.Unchecked)) {
			for _, u := range r.Unchecked[p] {
				fmt.Fprintf(w, "  %-8s not checked, so not met (%s): %s: %s\n", "", p, u.Constraint, u.Reason)
			}
		}
	}
	return nil
}

// unchecked reports whether party's red line c is among r's unchecked
// ones: it is listed as such, not as failing.
func unchecked(r *talks.Report, party string, c talks.Constraint) bool {
	return slices.ContainsFunc(r.Unchecked[party], func(u talks.Unchecked) bool { return u.Constraint.String() == c.String() })
}

// TextFeasibility writes a feasibility answer in words: what the recipient
// may learn and nothing more.
func TextFeasibility(w io.Writer, rep talks.Report) error {
	met := func(b bool) string {
		if b {
			return "all met"
		}
		return "NOT all met"
	}
	fmt.Fprintf(w, "proposal %s, for %s (model %s)\n", rep.Proposal, rep.Recipient, rep.Model)
	if rep.OwnMet != nil {
		fmt.Fprintf(w, "  your red lines: %s\n", met(*rep.OwnMet))
	}
	if rep.AllMet != nil {
		fmt.Fprintf(w, "  every party's red lines: %s\n", met(*rep.AllMet))
	}
	for _, party := range slices.Sorted(maps.Keys(rep.Failing)) {
		for _, c := range rep.Failing[party] {
			if !unchecked(&rep, party, c) {
				fmt.Fprintf(w, "  failing (%s): %s\n", party, c)
			}
		}
	}
	for _, party := range slices.Sorted(maps.Keys(rep.Unchecked)) {
		for _, u := range rep.Unchecked[party] {
			fmt.Fprintf(w, "  not checked, so not met (%s): %s: %s\n", party, u.Constraint, u.Reason)
		}
	}
	for _, m := range slices.Sorted(maps.Keys(rep.Metrics)) {
		fmt.Fprintf(w, "  %s: %s\n", m, strconv.FormatFloat(rep.Metrics[m], 'g', 4, 64))
	}
	for _, m := range slices.Sorted(maps.Keys(rep.Unknown)) {
		fmt.Fprintf(w, "  %s: unknown: %s\n", m, rep.Unknown[m])
	}
	if rep.Remaining != nil {
		fmt.Fprintf(w, "  questions left this round: %d\n", *rep.Remaining)
	}
	return nil
}

// TextZone writes what the zone explorer found in the room titled title:
// how many packages meet every red line, and the one farthest from them.
func TextZone(w io.Writer, title string, z *talks.Zone) error {
	fmt.Fprintf(w, "%s: %s packages in the grid, %s meet every red line\n", title, Num(float64(z.Evaluated), 0), Num(float64(z.Feasible), 0))
	if z.Best == nil {
		fmt.Fprintln(w, "No zone of agreement: no package of the issue space meets every party's red lines.")
		return nil
	}
	fmt.Fprintf(w, "The package farthest from every red line (smallest margin %s of each term's range or metric's threshold):\n", Num(z.Best.MinMargin, 3))
	// One column of values, as wide as the longest term needs.
	ids := slices.Sorted(maps.Keys(z.Best.Values))
	width := 20
	for _, id := range ids {
		width = max(width, len(id))
	}
	for _, id := range ids {
		v := z.Best.Values[id]
		switch {
		case v.Number != nil:
			fmt.Fprintf(w, "  %-*s %s\n", width, id, Num(*v.Number, 2))
		case v.Order != nil:
			fmt.Fprintf(w, "  %-*s %s\n", width, id, strings.Join(v.Order, " -> "))
		default:
			fmt.Fprintf(w, "  %-*s %s\n", width, id, v.Text)
		}
	}
	breakoutText := Num(z.Best.Metrics[talks.MetricBreakoutDays], 0) + " days (every input at its central value)"
	if z.Best.Metrics[talks.MetricBreakoutDays] >= talks.UnreachedBreakoutDays {
		breakoutText = "not reached (no centrifuge may enrich)"
	}
	fmt.Fprintf(w, "  breakout %s, %s SQ permitted\n", breakoutText, Num(z.Best.Metrics[talks.MetricSQPermitted], 3))
	return nil
}

// TextRedLines writes a party's red lines in a room with their salt and
// commitment.
func TextRedLines(w io.Writer, room string, rl talks.RedLines) error {
	fmt.Fprintf(w, "%s's red lines in %s:\n", rl.Party, room)
	for _, con := range rl.Constraints {
		fmt.Fprintf(w, "  %s\n", con)
	}
	_, err := fmt.Fprintf(w, "salt %s\ncommitment %s\n", rl.Salt, rl.Commitment())
	return err
}

// TextClauses writes a version of the negotiating text, a clause a line
// with its status.
func TextClauses(w io.Writer, t talks.Text) error {
	for _, cl := range t.Clauses {
		if _, err := fmt.Fprintf(w, "  [%s] %s: %s\n", cl.Status, cl.ID, cl.Text); err != nil {
			return err
		}
	}
	return nil
}

// TextInbox writes a participant's messages, one a line.
func TextInbox(w io.Writer, messages []talks.Message) error {
	for _, m := range messages {
		fmt.Fprintf(w, "%s %s %s from %s to %s: %s\n", m.ID, m.At.Format(time.RFC3339), m.Kind, m.From, strings.Join(m.To, ", "), m.Body)
	}
	if len(messages) == 0 {
		fmt.Fprintln(w, "no messages")
	}
	return nil
}
