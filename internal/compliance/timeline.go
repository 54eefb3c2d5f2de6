package compliance

import (
	"cmp"
	"slices"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// Track is one commitment's status over time.
type Track struct {
	Commitment string   `json:"commitment"`
	Title      string   `json:"title"`
	Obligor    string   `json:"obligor"`
	Points     []Point  `json:"points"`
	Periods    []Period `json:"periods"`
	Breaches   []Period `json:"breaches"`
}

// Point is the status at one evaluation date.
type Point struct {
	Date     calendar.Date   `json:"date"`
	Status   Status          `json:"status"`
	Observed *float64        `json:"observed"`
	Qualif   state.Qualifier `json:"qualifier,omitempty"`
	Ratio    *float64        `json:"ratio"`
	// ObservedAsOf is the date of the figure observed, known as far as
	// ObservedPrecision says.
	ObservedAsOf      calendar.Date       `json:"observed_as_of,omitzero"`
	ObservedPrecision state.DatePrecision `json:"observed_as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// LastConfirmed is set when the figure deciding the status is older
	// than the commitment's reporting interval.
	LastConfirmed calendar.Date `json:"last_confirmed,omitzero"`
}

// Period is a run of one status: from From up to (not including) To; To is
// zero while the status holds at the last date evaluated.
type Period struct {
	Status Status        `json:"status"`
	From   calendar.Date `json:"from"`
	To     calendar.Date `json:"to"`
	// Then is the status that followed (empty while ongoing).
	Then Status `json:"then,omitempty"`
	// ConfirmedUntil, for a breach, is the date of the last figure that
	// showed it; it is zero for a breach shown only by an event of the
	// agreement (a withdrawal, a cessation), which shows it from From on
	// and is not confirmed again by later dates.
	// A breach that goes dark (unknown, or disputed in force) is not
	// ended: it runs on, confirmed until that date, until a figure shows
	// compliance or the commitment is no longer in force.
	ConfirmedUntil calendar.Date `json:"confirmed_until,omitzero"`
	// ConfirmedPrecision says how much ConfirmedUntil is known: that of
	// the figure's date.
	ConfirmedPrecision state.DatePrecision `json:"confirmed_until_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// DisputedFrom, for a breach, is the first date from which the
	// parties dispute whether the commitment is still in force: from it
	// the breach runs on only under the readings that keep the
	// commitment; under the others it ended that day. Zero when no
	// dispute touched it.
	DisputedFrom calendar.Date `json:"disputed_from,omitzero"`
	// Reason and Events, for a status that rests on events of the
	// agreement rather than on figures (an action: the act that performed
	// it, the event that broke or ended it; the event in dispute), are
	// the finding's reason at the last date of the period evaluated and
	// the events cited at its dates.
	Reason string           `json:"reason,omitempty"`
	Events []state.Evidence `json:"events,omitempty"`
}

// TimelineTo is the Timeline of a at every date worth evaluating up to
// until (Dates): what the timeline command, the API, the trends page and
// the report show.
func TimelineTo(a *agreement.Agreement, facts []state.Fact, until calendar.Date) []Track {
	return Timeline(a, facts, Dates(a, facts, until))
}

// Timeline evaluates every commitment of a at each date of dates (sorted,
// without duplicates) and summarises each commitment's periods and breaches.
func Timeline(a *agreement.Agreement, facts []state.Fact, dates []calendar.Date) []Track {
	tracks := make([]Track, len(a.Commitments))
	for i, c := range a.Commitments {
		tracks[i] = Track{Commitment: c.ID, Title: c.Title, Obligor: c.Obligor, Points: []Point{}, Periods: []Period{}, Breaches: []Period{}}
	}
	findings := make([][]Finding, len(tracks))
	for _, d := range dates {
		for i, f := range Evaluate(a, state.At(facts, d)) {
			tracks[i].Points = append(tracks[i].Points, Point{Date: d, Status: f.Status, Observed: f.Observed, Qualif: f.Qualifier, Ratio: f.Ratio, ObservedAsOf: f.ObservedAsOf, ObservedPrecision: f.ObservedPrecision, LastConfirmed: f.LastConfirmed})
			findings[i] = append(findings[i], f)
		}
	}
	for i := range tracks {
		t := &tracks[i]
		onEvents := false
		for j, p := range t.Points {
			if n := len(t.Periods); n == 0 || t.Periods[n-1].Status != p.Status {
				if n > 0 {
					t.Periods[n-1].To, t.Periods[n-1].Then = p.Date, p.Status
				}
				t.Periods = append(t.Periods, Period{Status: p.Status, From: p.Date})
				onEvents = true
			}
			cur := &t.Periods[len(t.Periods)-1]
			f := findings[i][j]
			onEvents = onEvents && restsOnEvents(f)
			if !onEvents {
				cur.Reason, cur.Events = "", nil
				continue
			}
			cur.Reason = f.Reason
			for _, e := range f.Evidence {
				if !slices.ContainsFunc(cur.Events, func(c state.Evidence) bool { return c.Ref == e.Ref }) {
					cur.Events = append(cur.Events, e)
				}
			}
		}
		t.Breaches = breaches(t.Points)
	}
	return tracks
}

// restsOnEvents reports whether f rests on events of the agreement alone:
// no figure, and evidence that is all the agreement's.
func restsOnEvents(f Finding) bool {
	return f.Observed == nil && len(f.Evidence) > 0 &&
		!slices.ContainsFunc(f.Evidence, func(e state.Evidence) bool { return e.Kind != "agreement" })
}

// breaches are the breaches of a track: each from its first date to the
// first date after it when a figure shows compliance or the commitment is
// no longer in force; dates when it is unknown or disputed do not end it.
func breaches(points []Point) []Period {
	out := []Period{}
	var cur *Period
	for _, p := range points {
		switch p.Status {
		case Breach:
			if cur == nil {
				cur = &Period{Status: Breach, From: p.Date}
			}
			// Confirmed by the figure's date; a breach an event of the
			// agreement shows has no figure, and the dates evaluated
			// after the event confirm nothing new.
			confirmed := cmp.Or(p.LastConfirmed, p.ObservedAsOf)
			if confirmed.After(cur.ConfirmedUntil) {
				cur.ConfirmedUntil, cur.ConfirmedPrecision = confirmed, p.ObservedPrecision
			}
		case Disputed:
			if cur != nil && cur.DisputedFrom.IsZero() {
				cur.DisputedFrom = p.Date
			}
		case Unknown:
		default:
			if cur != nil {
				cur.To, cur.Then = p.Date, p.Status
				out = append(out, *cur)
				cur = nil
			}
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// Dates returns the dates worth evaluating up to until (inclusive, and
// then until itself): every fact's date and the days it stops being
// current, every event of a, and the start and end of every commitment
// under every reading, sorted and unique.
func Dates(a *agreement.Agreement, facts []state.Fact, until calendar.Date) []calendar.Date {
	var ds []calendar.Date
	for _, f := range facts {
		ds = append(ds, f.Date)
		// The days a figure stops being current.
		if f.Metric == state.VerificationAccess && f.Text == state.AccessNone {
			ds = append(ds, f.Date.AddDays(1))
		}
		if max, ok := f.Metric.MaxAge(); ok {
			ds = append(ds, f.Date.AddDays(max+1))
		}
	}
	for _, e := range a.Events {
		ds = append(ds, e.Date)
	}
	// The days a figure stops deciding a commitment.
	var intervals []int
	for i := range a.Commitments {
		if n := a.Commitments[i].ReportingInterval(); !slices.Contains(intervals, n) {
			intervals = append(intervals, n)
		}
	}
	for _, f := range facts {
		for _, n := range intervals {
			ds = append(ds, f.Date.AddDays(n+1))
		}
	}
	for i := range a.Commitments {
		c := &a.Commitments[i]
		ends := []agreement.Window{a.InForce(c)}
		// Under each reading of a disputed event, the commitment may end
		// on another day.
		for _, r := range a.Readings {
			ends = append(ends, a.InForceExcept(c, map[string]bool{r.Event: true}))
		}
		for _, w := range ends {
			ds = append(ds, w.Start)
			if !w.End.IsZero() {
				ds = append(ds, w.End)
			}
		}
	}
	ds = slices.DeleteFunc(ds, func(d calendar.Date) bool { return d.After(until) })
	ds = append(ds, until)
	slices.SortFunc(ds, calendar.Date.Compare)
	return slices.CompactFunc(ds, calendar.Date.Equal)
}
