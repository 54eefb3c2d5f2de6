package agreement

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
)

// ClockEvent is a procedural event: its kind (a procedure's trigger or
// closing kind) and date.
type ClockEvent struct {
	Kind string        `json:"kind"`
	Date calendar.Date `json:"date"`
}

// ParseClockEvent reads KIND:YYYY-MM-DD.
func ParseClockEvent(s string) (ClockEvent, error) {
	kind, date, ok := strings.Cut(s, ":")
	if !ok || kind == "" {
		return ClockEvent{}, fmt.Errorf("event %q: want KIND:YYYY-MM-DD", s)
	}
	d, err := calendar.Parse(date)
	if err != nil {
		return ClockEvent{}, fmt.Errorf("event %q: %v", s, err)
	}
	return ClockEvent{Kind: kind, Date: d}, nil
}

// Deadline statuses.
const (
	Pending = "pending" // due on or after the date asked about
	Overdue = "overdue" // due before it, and the procedure was not closed in time
	Closed  = "closed"  // a closing event came first
	// Late: the step's date passed with no record of it, and a closing
	// event ended the procedure after that date: no longer awaited, but
	// not done in time either.
	Late       = "late"
	Done       = "done"        // an event records the step as done
	TookEffect = "took-effect" // an automatic step whose date has passed
	// Unrecorded: a step whose date has passed with no record of it,
	// when that says nothing of its being late: an extendable step (or
	// one after it), or a step known only from events (done_by) that are
	// not recorded (yet).
	Unrecorded = "unrecorded"
)

// Deadline is one step of a running procedure.
type Deadline struct {
	Procedure string        `json:"procedure"`
	Name      string        `json:"procedure_name"`
	Trigger   ClockEvent    `json:"trigger"`
	Step      string        `json:"step"`
	StepName  string        `json:"step_name"`
	Due       calendar.Date `json:"due"`
	Ref       string        `json:"ref"`
	Status    string        `json:"status"`
	// DoneOn is the date of the event that records the step as done: it
	// was done by then (a vote records the draft it voted on).
	DoneOn calendar.Date `json:"done_on,omitzero"`
	// ClosedOn is the date of the event that closed the procedure, for a
	// step it closed (closed, or late when it came after the step's date).
	ClosedOn calendar.Date `json:"closed_on,omitzero"`
	// DaysLeft is the days from the date asked about to Due (negative when
	// past).
	DaysLeft int `json:"days_left"`
}

// TriggerKinds lists the event kinds that start a procedure, and those
// that close one or record one of its steps as done, each once.
func (a *Agreement) TriggerKinds() (triggers, closing []string) {
	add := func(to []string, kinds ...string) []string {
		for _, k := range kinds {
			if !slices.Contains(to, k) {
				to = append(to, k)
			}
		}
		return to
	}
	for _, p := range a.Procedures {
		triggers = add(triggers, p.Trigger)
		closing = add(closing, p.ClosedBy...)
		for _, s := range p.Steps {
			closing = add(closing, s.DoneBy...)
		}
	}
	return triggers, closing
}

// Clocks returns the deadlines that follow from events, with their status
// at date at. Each trigger starts its procedure's steps; a closing event of
// that procedure on or after the trigger closes the steps due after it; an
// event a step is done by marks it done. The agreement's own recorded
// events that close procedures or mark steps done count too, so that a
// step the record shows done is not reported overdue.
func (a *Agreement) Clocks(events []ClockEvent, at calendar.Date) ([]Deadline, error) {
	triggers, closing := a.TriggerKinds()
	for _, e := range a.Events {
		if slices.Contains(closing, e.Kind) {
			events = append(events, ClockEvent{Kind: e.Kind, Date: e.Date})
		}
	}
	for _, e := range events {
		if !slices.Contains(triggers, e.Kind) && !slices.Contains(closing, e.Kind) {
			return nil, input.Errorf("event", "kind %q: the agreement %s has no procedure it starts or closes (starts: %s; closes: %s)",
				e.Kind, a.ID, strings.Join(triggers, ", "), strings.Join(closing, ", "))
		}
	}
	var out []Deadline
	for _, p := range a.Procedures {
		for _, trig := range events {
			if trig.Kind != p.Trigger {
				continue
			}
			var closedOn calendar.Date
			for _, e := range events {
				if slices.Contains(p.ClosedBy, e.Kind) && !e.Date.Before(trig.Date) && !e.Date.After(at) &&
					(closedOn.IsZero() || e.Date.Before(closedOn)) {
					closedOn = e.Date
				}
			}
			due := map[string]calendar.Date{}
			unrecorded := map[string]bool{}
			prev, prevID := trig.Date, ""
			for _, s := range p.Steps {
				from, fromID := prev, prevID
				if s.After != "" {
					from, fromID = due[s.After], s.After
				}
				d := from.AddDays(s.Days)
				due[s.ID] = d
				prev, prevID = d, s.ID
				var doneOn calendar.Date
				for _, e := range events {
					if slices.Contains(s.DoneBy, e.Kind) && !e.Date.Before(trig.Date) && !e.Date.After(at) && (doneOn.IsZero() || e.Date.Before(doneOn)) {
						doneOn = e.Date
					}
				}
				status, closed := Pending, calendar.Date{}
				switch {
				case !doneOn.IsZero():
					status = Done
				case !closedOn.IsZero() && !closedOn.After(d):
					status, closed = Closed, closedOn
				case !d.Before(at):
				case s.Automatic:
					status = TookEffect
				case s.Extendable || len(s.DoneBy) > 0 || unrecorded[fromID]:
					status = Unrecorded
					unrecorded[s.ID] = true
				case !closedOn.IsZero():
					status, closed = Late, closedOn
				default:
					status = Overdue
				}
				ref := s.Ref
				if ref == "" {
					ref = p.Ref
				}
				out = append(out, Deadline{Procedure: p.ID, Name: p.Name, Trigger: trig, Step: s.ID, StepName: s.Name,
					Due: d, Ref: ref, Status: status, DoneOn: doneOn, ClosedOn: closed, DaysLeft: at.DaysUntil(d)})
			}
		}
	}
	return out, nil
}

// EventClocks returns the clock events among the agreement's own events:
// those whose kind starts or closes one of its procedures.
func (a *Agreement) EventClocks() []ClockEvent {
	triggers, closing := a.TriggerKinds()
	var out []ClockEvent
	for _, e := range a.Events {
		if slices.Contains(triggers, e.Kind) || slices.Contains(closing, e.Kind) {
			out = append(out, ClockEvent{Kind: e.Kind, Date: e.Date})
		}
	}
	return out
}

// StatusText is the step's status as a table reads it: "done by
// 2025-09-19" (the event that records it is dated then; the step may have
// been done earlier), "late: closed on 2025-01-20", "closed on ...".
func (d Deadline) StatusText() string {
	switch {
	case !d.DoneOn.IsZero():
		return d.Status + " by " + d.DoneOn.String()
	case d.Status == Late:
		return "late: the procedure closed on " + d.ClosedOn.String()
	case !d.ClosedOn.IsZero():
		return d.Status + " on " + d.ClosedOn.String()
	}
	return d.Status
}
