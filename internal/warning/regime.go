// Package warning answers whether a breakout would be caught before it is
// done: the verification regime in force at a date (the activities the
// agreement provides and whether each was maintained, escrowed or lost),
// a model of the time from the start of a breakout at the declared plants
// until the inspectorate could know of it, and the warning time, breakout
// time minus time to detect, as a distribution.
//
// The regime is the agreement's (agreement.Activity); the model
// (ModelVersion) and its sources are documented in
// docs/warning.md. Every uncertain input is a range drawn by Monte Carlo
// with a fixed seed; an input the record does not give makes the answer
// unknown, never a number.
package warning

import (
	"fmt"
	"slices"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// The regime's types are the agreement's: an agreement names the
// activities that verify it (see agreement.Activity).
type (
	Activity = agreement.Activity
	Range    = agreement.Range
)

// Kinds of activity, and what an activity looks for.
const (
	Continuous  = agreement.Continuous
	Periodic    = agreement.Periodic
	Accountancy = agreement.Accountancy
	Declared    = agreement.Declared
	Undeclared  = agreement.Undeclared
)

// draw is the value of r at u in [0, 1).
func draw(r Range, u float64) float64 { return r.Low + u*(r.High-r.Low) }

// States of an activity at a date.
const (
	InForce       = "in force"
	Escrowed      = "escrowed"       // recorded, not accessible: cannot alert
	Lost          = "lost"           // equipment removed or knowledge lost
	NotInForce    = "not in force"   // the provision is not, or no longer, applied
	NotApplicable = "not applicable" // does not bear on a breakout at the declared plants
	Unknown       = "unknown"        // the record does not say
)

// ActivityAt is an activity and its state at a date.
type ActivityAt struct {
	Activity
	State  string        `json:"state"`
	Since  calendar.Date `json:"since,omitzero"`
	Reason string        `json:"reason,omitempty"`
	// Probability is the computed probability of an accountancy
	// activity's detection, when it was computed.
	Probability *float64 `json:"probability,omitempty"`
	// Evidence is what the state rests on.
	Evidence []state.Evidence `json:"evidence,omitempty"`
}

// Counts reports whether the activity can detect a breakout at the date.
func (a ActivityAt) Counts() bool { return a.State == InForce && a.Sees == Declared }

// Regime is the verification regime at a date.
type Regime struct {
	AsOf calendar.Date `json:"as_of"`
	// Access is the inspectorate's access: full, reduced, none or unknown.
	Access     string       `json:"access"`
	Activities []ActivityAt `json:"activities"`
}

// Known reports whether the regime's state is known: the access is.
func (r Regime) Known() bool { return r.Access != "" && r.Access != "unknown" }

// InForce are the activities that can detect a breakout.
func (r Regime) InForce() []ActivityAt {
	var out []ActivityAt
	for _, a := range r.Activities {
		if a.Counts() {
			out = append(out, a)
		}
	}
	return out
}

// RegimeAt is the state of each activity at the state's date: the
// provision's dates, the inspectorate's access and the continuity of
// knowledge of the activity's stream (from the public record or a log's
// monitoring events).
func RegimeAt(acts []Activity, s *state.State) Regime {
	r := Regime{AsOf: s.AsOf, Access: s.Knowledge.Access}
	for _, act := range acts {
		at := ActivityAt{Activity: act, State: InForce, Since: act.From}
		switch {
		case s.AsOf.Before(act.From):
			at.State, at.Since, at.Reason = NotInForce, calendar.Date{}, "in force from "+act.From.String()
		case !act.To.IsZero() && !s.AsOf.Before(act.To):
			at.State, at.Since, at.Reason = NotInForce, act.To, "the provision ran until "+act.To.String()
		case act.Sees == Undeclared:
			at.State, at.Reason = NotApplicable, "looks for undeclared material and activities, not a breakout at the declared plants"
			if fell, below := s.Knowledge.FellBelow(act.NeedsAccess); below {
				short(&at, s.Knowledge, fell, "")
			}
		default:
			if c, lost := s.StreamLoss(act.Stream); act.Stream != "" && lost {
				at.State, at.Since, at.Evidence = Lost, c.Since, c.Evidence
				if c.State == state.Escrowed {
					at.State = Escrowed
				}
				at.Reason = fmt.Sprintf("the %s stream is %s since %s", act.Stream, c.State, c.SincePrecision.Date(c.Since))
				if c.Cause != "" {
					at.Reason += ": " + c.Cause
				}
				break
			}
			if !r.Known() {
				// Not "unknown since" the provision began: what is unknown
				// is the access, at this date.
				at.State, at.Since, at.Reason = Unknown, calendar.Date{}, "the inspectorate's access at this date is not in the record"
			} else if fell, below := s.Knowledge.FellBelow(act.NeedsAccess); below {
				short(&at, s.Knowledge, fell, "; this activity needs "+act.NeedsAccess+" access")
			}
		}
		r.Activities = append(r.Activities, at)
	}
	return r
}

// Listed are the regime's activities with, for those the time to detect
// counted, what it computed (an accountancy activity's probability).
func (e *Estimate) Listed() []ActivityAt {
	out := slices.Clone(e.Regime.Activities)
	if e.Detection == nil {
		return out
	}
	for i, a := range out {
		if j := slices.IndexFunc(e.Detection.Activities, func(c ActivityAt) bool { return c.ID == a.ID }); j >= 0 {
			out[i] = e.Detection.Activities[j]
		}
	}
	return out
}

// short says why an activity is not carried out where the access is below
// what it needs, from the change that took the access below it (fell):
// not in force from a change to a lower level of access the state grants
// (reduced: the Additional Protocol and the JCPOA's measures stopped on
// 23 February 2021), lost from a loss of all access to the plants (none:
// the strikes of June 2025), after which the agreement under which the
// activity runs is in force all the same (the IAEA still inspected the
// facilities the strikes did not affect: its report of 12 November 2025).
func short(at *ActivityAt, k state.Knowledge, fell state.AccessChange, needs string) {
	at.Since, at.Evidence = fell.Date, fell.Evidence
	if fell.Access == state.AccessNone {
		at.State = Lost
		at.Reason = fmt.Sprintf("the inspectorate has had no access %s since %s", state.AccessScope(state.AccessNone), fell.Date)
		return
	}
	at.State = NotInForce
	at.Reason = fmt.Sprintf("the inspectorate's access is %s since %s", state.AccessWords(fell.Access), fell.Date)
	if k.Since != fell.Date {
		at.Reason = fmt.Sprintf("the inspectorate's access fell to %s on %s, and is %s since %s", fell.Access, fell.Date, state.AccessWords(k.Access), k.Since)
	}
	at.Reason += needs
}
