// Package compliance evaluates the state of a programme at a date against
// an agreement: a finding for every commitment of every party, with the
// observed value, the limit, the ratio and the evidence. Evaluation is pure
// and deterministic: no I/O, no clock.
package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// Status of a finding.
type Status string

const (
	Compliant  Status = "compliant"
	Breach     Status = "breach"
	Unknown    Status = "unknown" // the verifier lacks the knowledge
	NotInForce Status = "not-in-force"
)

// Finding is the evaluation of one commitment at one date.
type Finding struct {
	Commitment string          `json:"commitment"`
	Title      string          `json:"title"`
	Obligor    string          `json:"obligor"`
	Ref        string          `json:"ref"`
	Verifier   string          `json:"verifier,omitempty"`
	Status     Status          `json:"status"`
	Observed   *float64        `json:"observed"`
	Qualifier  state.Qualifier `json:"qualifier,omitempty"`
	// ObservedAsOf is the date of the figure observed.
	ObservedAsOf calendar.Date `json:"observed_as_of"`
	Limit        *float64      `json:"limit"`
	Unit         string        `json:"unit"`
	// Ratio is observed / limit, when both are known and the limit is not 0.
	Ratio    *float64         `json:"ratio"`
	Reason   string           `json:"reason"`
	Evidence []state.Evidence `json:"evidence"`
}

// Evaluate returns a finding for every commitment of a, in the agreement's
// order, for the state s at s.AsOf.
func Evaluate(a *agreement.Agreement, s *state.State) []Finding {
	out := make([]Finding, 0, len(a.Commitments))
	for i := range a.Commitments {
		out = append(out, evaluate(a, &a.Commitments[i], s))
	}
	return out
}

func evaluate(a *agreement.Agreement, c *agreement.Commitment, s *state.State) Finding {
	f := Finding{Commitment: c.ID, Title: c.Title, Obligor: c.Obligor, Ref: c.Ref, Verifier: c.Verifier, Evidence: []state.Evidence{}}
	date := s.AsOf
	if w := a.InForce(c); !w.Contains(date) {
		f.Status = NotInForce
		if date.Before(w.Start) {
			f.Reason = fmt.Sprintf("in force from %s (%s)", w.Start, c.Starts)
		} else {
			f.Reason = fmt.Sprintf("ended on %s (%s)", w.End, w.Ends)
		}
		if c.Action != nil {
			f.Evidence = eventEvidence(a, endingEvents(a, c, date))
		}
		return f
	}
	switch {
	case c.Limit != nil:
		l := c.Limit
		f.Unit = l.Unit
		evalLimit(&f, knowledgeOf(s, l, observe(s, l)), l.Max)
	case c.Prohibition != nil:
		f.Unit = "machines enriching"
		evalLimit(&f, s.CentrifugeCount(state.CentrifugesEnriching, c.Prohibition.EnrichmentAt, nil), 0)
	case c.Action != nil:
		evalAction(a, c, date, &f)
	}
	return f
}

// observe returns the state's value of a limit's metric.
func observe(s *state.State, l *agreement.Limit) state.Value {
	switch state.Metric(l.Metric) {
	case state.MaxEnrichmentPct:
		return s.MaxEnrichment
	case state.HeavyWaterT:
		return s.HeavyWater
	case state.CentrifugesEnriching, state.CentrifugesInstalled:
		return s.CentrifugeCount(state.Metric(l.Metric), l.Site, l.Machines)
	case state.EnrichedUraniumKgU:
		if l.AbovePct == 0 {
			return s.Inventory.Total
		}
		sum := state.Value{Known: true, Date: s.Inventory.Total.Date}
		matched := false
		for _, lv := range s.Inventory.ByLevel {
			if lv.MaxAssayPct <= l.AbovePct {
				continue
			}
			matched = true
			if !lv.Mass.Known {
				return lv.Mass
			}
			sum.Value += lv.Mass.Value
			sum.Evidence = append(sum.Evidence, lv.Mass.Evidence...)
			sum.Status = lv.Mass.Status
		}
		if !matched {
			if !s.Inventory.Total.Known {
				return s.Inventory.Total
			}
			return state.Value{Unknown: fmt.Sprintf("the report of %s gives no stock by level above %g %%", s.Inventory.Total.Date, l.AbovePct)}
		}
		return sum
	}
	return state.Value{Unknown: "unknown metric " + l.Metric}
}

// knowledgeOf makes v unknown when the verifier's continuity of knowledge
// of the limit's stream is escrowed or lost and v was not verified since,
// citing the interval.
func knowledgeOf(s *state.State, l *agreement.Limit, v state.Value) state.Value {
	if l.Stream == "" {
		return v
	}
	c, lost := s.StreamLoss(l.Stream)
	if !lost || (v.Known && v.Date.After(c.Since)) {
		return v
	}
	last := "no figure verified before"
	if !v.Date.IsZero() {
		last = fmt.Sprintf("last verified %g %s as of %s", v.Value, l.Unit, v.Date)
	}
	return state.Value{Unknown: fmt.Sprintf("continuity of knowledge of %s %s since %s (%s, %s); %s", l.Stream, c.State, c.Since, c.Cause, c.Site, last),
		Evidence: append(slices.Clone(c.Evidence), v.Evidence...)}
}

// evalLimit compares an observed value with a maximum, honouring the
// value's qualifier: "more than v" and "at least v" can prove a breach but
// not compliance; "up to v" can prove compliance but not a breach.
func evalLimit(f *Finding, v state.Value, max float64) {
	f.Limit = &max
	if !v.Known {
		f.Status, f.Reason = Unknown, v.Unknown
		f.Evidence = append(f.Evidence, v.Evidence...)
		return
	}
	obs := v.Value
	f.Observed, f.Qualifier, f.ObservedAsOf, f.Evidence = &obs, v.Qualifier, v.Date, append(f.Evidence, v.Evidence...)
	if max > 0 {
		r := obs / max
		f.Ratio = &r
	}
	shown := qualified(v.Qualifier, obs, f.Unit)
	switch v.Qualifier {
	case state.Above:
		if obs >= max {
			f.Status = Breach
		}
	case state.AtLeast:
		if obs > max {
			f.Status = Breach
		}
	case state.AtMost:
		if obs <= max {
			f.Status = Compliant
		}
	default:
		if obs > max {
			f.Status = Breach
		} else {
			f.Status = Compliant
		}
	}
	switch f.Status {
	case Breach:
		f.Reason = fmt.Sprintf("%s as of %s exceeds the limit of %s", shown, v.Date, qualified(state.Exact, max, f.Unit))
	case Compliant:
		f.Reason = fmt.Sprintf("%s as of %s is within the limit of %s", shown, v.Date, qualified(state.Exact, max, f.Unit))
	default:
		f.Status = Unknown
		f.Reason = fmt.Sprintf("%s as of %s does not decide against the limit of %s", shown, v.Date, qualified(state.Exact, max, f.Unit))
	}
}

func qualified(q state.Qualifier, v float64, unit string) string {
	return fmt.Sprintf("%s%g %s", q.Words(), v, unit)
}

// evalAction decides an action commitment from the agreement's events: a
// withdrawal of the obligor, a cessation of the commitment, or a
// re-imposition of the measure outside the agreement's procedures is a
// breach; a re-imposition through a procedure of the agreement ends the
// commitment.
func evalAction(a *agreement.Agreement, c *agreement.Commitment, date calendar.Date, f *Finding) {
	ending := endingEvents(a, c, date)
	if len(ending) == 0 {
		f.Status = Compliant
		f.Reason = "no recorded event of non-performance since " + a.InForce(c).Start.String()
		return
	}
	e := ending[0]
	f.Evidence = eventEvidence(a, ending)
	if e.Kind == agreement.KindReimposition && e.Via != "" {
		f.Status = NotInForce
		f.Reason = fmt.Sprintf("measures re-imposed on %s through the %s procedure: %s", e.Date, e.Via, e.Title)
		return
	}
	f.Status = Breach
	f.Reason = fmt.Sprintf("%s on %s: %s", e.Kind, e.Date, e.Title)
}

// endingEvents returns the events on or before date that stop c being
// performed, earliest first.
func endingEvents(a *agreement.Agreement, c *agreement.Commitment, date calendar.Date) []agreement.Event {
	var out []agreement.Event
	if c.Action == nil {
		return nil
	}
	for _, e := range a.Events {
		if e.Date.After(date) || e.Party != c.Obligor {
			continue
		}
		switch {
		case e.Kind == agreement.KindWithdrawal,
			e.Kind == agreement.KindCessation && slices.Contains(e.Commitments, c.ID),
			e.Kind == agreement.KindReimposition && c.Action.Measure != "" && slices.Contains(e.Measures, c.Action.Measure):
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y agreement.Event) int { return x.Date.Compare(y.Date) })
	return out
}

func eventEvidence(a *agreement.Agreement, events []agreement.Event) []state.Evidence {
	out := []state.Evidence{}
	for _, e := range events {
		out = append(out, state.Evidence{Kind: "agreement", Ref: a.ID + " event " + e.ID, Source: e.Source,
			Status: state.Status(e.Status), Note: strings.TrimSpace(e.Title)})
	}
	return out
}
