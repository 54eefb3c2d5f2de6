package agreement

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
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
	// DaysLeft is the days from the date asked about to Due (negative when
	// past).
	DaysLeft int `json:"days_left"`
}

// TriggerKinds lists the event kinds that start a procedure, and ClosingKinds those
// that close one.
func (a *Agreement) TriggerKinds() (triggers, closing []string) {
	for _, p := range a.Procedures {
		triggers = append(triggers, p.Trigger)
		closing = append(closing, p.ClosedBy...)
	}
	return triggers, closing
}

// Clocks returns the deadlines that follow from events, with their status
// at date at. Each trigger starts its procedure's steps; a closing event of
// that procedure on or after the trigger closes the steps due after it.
func (a *Agreement) Clocks(events []ClockEvent, at calendar.Date) ([]Deadline, error) {
	triggers, closing := a.TriggerKinds()
	for _, e := range events {
		if !slices.Contains(triggers, e.Kind) && !slices.Contains(closing, e.Kind) {
			return nil, fmt.Errorf("event kind %q: the agreement %s has no procedure it starts or closes (starts: %s; closes: %s)",
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
			prev := trig.Date
			for _, s := range p.Steps {
				from := prev
				if s.After != "" {
					from = due[s.After]
				}
				d := from.AddDays(s.Days)
				due[s.ID] = d
				prev = d
				status := Pending
				switch {
				case !closedOn.IsZero() && !closedOn.After(d):
					status = Closed
				case d.Before(at):
					status = Overdue
				}
				ref := s.Ref
				if ref == "" {
					ref = p.Ref
				}
				out = append(out, Deadline{Procedure: p.ID, Name: p.Name, Trigger: trig, Step: s.ID, StepName: s.Name,
					Due: d, Ref: ref, Status: status, DaysLeft: at.DaysUntil(d)})
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
