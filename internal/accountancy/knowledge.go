package accountancy

import (
	"cmp"
	"slices"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// Event is a monitoring event: a seal applied, verified or broken; a
// camera's recording started or stopped; storage media retrieved or
// withheld; an enrichment monitor's reading or a heartbeat; equipment
// removed or damaged; access denied; knowledge declared lost.
type Event struct {
	Date calendar.Date `json:"date"`
	// DatePrecision says how much Date is known: the day, only the month
	// (Date is its first day), or no later than Date (the first report of
	// the change, not its own day).
	DatePrecision state.DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Site          string              `json:"site"`
	Stream        string              `json:"stream"`
	Device        string              `json:"device"`
	Kind          string              `json:"event"`
	Detail        string              `json:"detail,omitempty"`
	// Evidence is where the event is recorded: a log record or a row of
	// the public record.
	Evidence state.Evidence `json:"evidence"`
}

// causes say what each event does to knowledge: the state it leaves and,
// for a loss, its cause.
var causes = map[string]struct{ state, cause string }{
	"seal_applied":      {state.Maintained, ""},
	"seal_verified":     {state.Maintained, ""},
	"recording_started": {state.Maintained, ""},
	"media_retrieved":   {state.Maintained, ""},
	"oem_reading":       {state.Maintained, ""},
	"heartbeat":         {state.Maintained, ""},
	"media_withheld":    {state.Escrowed, "storage media not produced: the data are recorded but not accessible"},
	"seal_broken":       {state.Lost, "seal broken"},
	"recording_stopped": {state.Lost, "recording stopped"},
	"equipment_removed": {state.Lost, "equipment removed"},
	"equipment_damaged": {state.Lost, "equipment damaged or destroyed"},
	"access_denied":     {state.Lost, "access denied"},
	"continuity_lost":   {state.Lost, "the inspectorate declared continuity of knowledge lost"},
}

// Interval is a run of one state of knowledge: from From up to (not
// including) To; To is zero while it lasts.
type Interval struct {
	State string        `json:"state"`
	From  calendar.Date `json:"from"`
	// FromPrecision and ToPrecision say how much From and To are known
	// (those of the events that start and end the interval).
	FromPrecision state.DatePrecision `json:"from_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	To            calendar.Date       `json:"to,omitzero"`
	ToPrecision   state.DatePrecision `json:"to_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Cause         string              `json:"cause,omitempty"`
	Detail        string              `json:"detail,omitempty"`
	Evidence      []state.Evidence    `json:"evidence"`
}

// Stream is the continuity of knowledge of one stream at one site.
type Stream struct {
	Site      string     `json:"site"`
	Stream    string     `json:"stream"`
	Intervals []Interval `json:"intervals"`
}

// At returns the interval in force at d, if any.
func (s Stream) At(d calendar.Date) (Interval, bool) {
	for _, iv := range s.Intervals {
		if !d.Before(iv.From) && (iv.To.IsZero() || d.Before(iv.To)) {
			return iv, true
		}
	}
	return Interval{}, false
}

// NotMonitored is the state of a stream with no interval begun by a date.
const NotMonitored = "not yet monitored"

// StreamAt is a stream's continuity of knowledge as known at a date: its
// state then, since when and why, and the intervals begun by that date
// (the last left open when it ran past the date).
type StreamAt struct {
	Site   string        `json:"site"`
	Stream string        `json:"stream"`
	State  string        `json:"state"`
	Since  calendar.Date `json:"since,omitzero"`
	// SincePrecision says how much Since is known.
	SincePrecision state.DatePrecision `json:"since_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Cause          string              `json:"cause,omitempty"`
	Evidence       []state.Evidence    `json:"evidence"`
	Intervals      []Interval          `json:"intervals"`
}

// KnowledgeAt is every stream's continuity of knowledge at date, from the
// monitoring events: what the CLI and the dashboard both show.
//
// Only the events on the record at the date count (see Known): the view
// at a date is what was known then, on the evidence published by then.
func KnowledgeAt(events []Event, date calendar.Date) []StreamAt {
	var out []StreamAt
	for _, s := range Continuity(Known(events, date)) {
		sa := StreamAt{Site: s.Site, Stream: s.Stream, State: NotMonitored, Evidence: []state.Evidence{}, Intervals: []Interval{}}
		for _, iv := range s.Intervals {
			if !iv.From.After(date) {
				sa.Intervals = append(sa.Intervals, iv)
			}
		}
		if n := len(sa.Intervals); n > 0 && sa.Intervals[n-1].To.After(date) {
			sa.Intervals[n-1].To, sa.Intervals[n-1].ToPrecision = calendar.Date{}, state.Day // as known at the date
		}
		if iv, ok := s.At(date); ok {
			sa.State, sa.Since, sa.SincePrecision, sa.Cause, sa.Evidence = iv.State, iv.From, iv.FromPrecision, iv.Cause, iv.Evidence
		}
		out = append(out, sa)
	}
	return out
}

// Known are the events on the record at date: those whose source was
// published on or before it (an event with no publication date is on the
// record from its own date). An event known only to its month is taken
// from the month's last day: before, it may not have happened yet.
func Known(events []Event, date calendar.Date) []Event {
	var out []Event
	for _, e := range events {
		if !e.DatePrecision.Latest(e.Date).After(date) && !e.Evidence.Published.After(date) {
			out = append(out, e)
		}
	}
	return out
}

var rank = map[string]int{state.Maintained: 0, state.Escrowed: 1, state.Lost: 2}

// Continuity derives, for each stream at each site, the intervals in which
// knowledge was maintained, escrowed (recorded but not accessible) or lost,
// with the cause. Each device's last event sets its state; a stream is as
// weak as its weakest device. Knowledge regained after a loss starts a new
// maintained interval: the gap stays lost.
func Continuity(events []Event) []Stream {
	type key struct{ site, stream string }
	by := map[key][]Event{}
	var keys []key
	for _, e := range events {
		if _, ok := causes[e.Kind]; !ok {
			continue
		}
		k := key{e.Site, e.Stream}
		if _, ok := by[k]; !ok {
			keys = append(keys, k)
		}
		by[k] = append(by[k], e)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.site, b.site), cmp.Compare(a.stream, b.stream)) })
	var out []Stream
	for _, k := range keys {
		evs := by[k]
		// By date; on one day, the latest published last, so that it
		// decides.
		slices.SortStableFunc(evs, func(a, b Event) int {
			return cmp.Or(a.Date.Compare(b.Date), a.Evidence.Published.Compare(b.Evidence.Published))
		})
		s := Stream{Site: k.site, Stream: k.stream}
		devices := map[string]Event{}
		for i, e := range evs {
			devices[e.Device] = e
			if i+1 < len(evs) && evs[i+1].Date.Equal(e.Date) {
				continue // the day's last event decides
			}
			// The weakest device now.
			var worst Event
			first := true
			for _, d := range sortedDevices(devices) {
				de := devices[d]
				if first || rank[causes[de.Kind].state] > rank[causes[worst.Kind].state] {
					worst, first = de, false
				}
			}
			c := causes[worst.Kind]
			iv := Interval{State: c.state, From: e.Date, FromPrecision: e.DatePrecision, Cause: c.cause, Detail: worst.Detail, Evidence: []state.Evidence{worst.Evidence}}
			if n := len(s.Intervals); n > 0 {
				last := &s.Intervals[n-1]
				if last.State == iv.State {
					// The same state for another reason (a loss the
					// inspectorate later declares, a second seal
					// broken) confirms the interval; it does not start
					// a new one.
					if last.Cause != iv.Cause {
						last.Evidence = append(last.Evidence, iv.Evidence...)
					}
					continue
				}
				last.To, last.ToPrecision = e.Date, e.DatePrecision
			}
			s.Intervals = append(s.Intervals, iv)
		}
		out = append(out, s)
	}
	return out
}

func sortedDevices(m map[string]Event) []string {
	var out []string
	for d := range m {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// Facts turns streams into facts for package state: one
// continuity_of_knowledge fact per interval, dated at its start.
func Facts(streams []Stream) []state.Fact {
	var out []state.Fact
	for _, s := range streams {
		for _, iv := range s.Intervals {
			ev := make([]state.Evidence, len(iv.Evidence))
			copy(ev, iv.Evidence)
			if iv.State != state.Maintained && len(ev) > 0 {
				ev[0].Note = iv.Cause
				if iv.Detail != "" {
					ev[0].Note += ": " + iv.Detail
				}
			}
			st := state.Sourced
			if len(ev) > 0 && ev[0].Status != "" {
				st = ev[0].Status
			}
			out = append(out, state.Fact{Metric: state.ContinuityOfKnowledge, Date: iv.From, DatePrecision: iv.FromPrecision, Site: s.Site, Stream: s.Stream, Text: iv.State, Status: st, Evidence: ev})
		}
	}
	return out
}

// KnownFacts are the continuity-of-knowledge facts of events as the record
// stood at each date a source was published: for each such date, the facts
// of the events published by then, marked Known from that date. A view at a
// date (state.At) takes the latest of these revisions known by then, so it
// never states or cites a finding published later. Events with no
// publication date form one revision known from their own dates.
func KnownFacts(events []Event) []state.Fact {
	var dates []calendar.Date
	for _, e := range events {
		if p := e.Evidence.Published; !p.IsZero() && !slices.ContainsFunc(dates, p.Equal) {
			dates = append(dates, p)
		}
	}
	if len(dates) == 0 {
		return Facts(Continuity(events))
	}
	slices.SortFunc(dates, calendar.Date.Compare)
	var out []state.Fact
	if unpublished := slices.DeleteFunc(slices.Clone(events), func(e Event) bool { return !e.Evidence.Published.IsZero() }); len(unpublished) > 0 {
		out = Facts(Continuity(unpublished))
	}
	for _, d := range dates {
		var known []Event
		for _, e := range events {
			if e.Evidence.Published.IsZero() || !e.Evidence.Published.After(d) {
				known = append(known, e)
			}
		}
		for _, f := range Facts(Continuity(known)) {
			f.Known = d
			out = append(out, f)
		}
	}
	return out
}
