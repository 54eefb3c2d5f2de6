package compliance

import (
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
}

// Period is a run of one status: from From up to (not including) To; To is
// zero while the status holds at the last date evaluated.
type Period struct {
	Status Status        `json:"status"`
	From   calendar.Date `json:"from"`
	To     calendar.Date `json:"to"`
	// Then is the status that followed (empty while ongoing).
	Then Status `json:"then,omitempty"`
}

// Timeline evaluates every commitment of a at each date of dates (sorted,
// without duplicates) and summarises each commitment's periods and breaches.
func Timeline(a *agreement.Agreement, facts []state.Fact, dates []calendar.Date) []Track {
	tracks := make([]Track, len(a.Commitments))
	for i, c := range a.Commitments {
		tracks[i] = Track{Commitment: c.ID, Title: c.Title, Obligor: c.Obligor, Points: []Point{}, Periods: []Period{}, Breaches: []Period{}}
	}
	for _, d := range dates {
		for i, f := range Evaluate(a, state.At(facts, d)) {
			tracks[i].Points = append(tracks[i].Points, Point{Date: d, Status: f.Status, Observed: f.Observed, Qualif: f.Qualifier, Ratio: f.Ratio})
		}
	}
	for i := range tracks {
		t := &tracks[i]
		for _, p := range t.Points {
			if n := len(t.Periods); n > 0 && t.Periods[n-1].Status == p.Status {
				continue
			}
			if n := len(t.Periods); n > 0 {
				t.Periods[n-1].To, t.Periods[n-1].Then = p.Date, p.Status
			}
			t.Periods = append(t.Periods, Period{Status: p.Status, From: p.Date})
		}
		for _, p := range t.Periods {
			if p.Status == Breach {
				t.Breaches = append(t.Breaches, p)
			}
		}
	}
	return tracks
}

// Dates returns the dates worth evaluating: every fact's date and the day
// it stops being current, every event
// of a, and the start and end of every commitment, sorted and unique.
func Dates(a *agreement.Agreement, facts []state.Fact) []calendar.Date {
	var ds []calendar.Date
	for _, f := range facts {
		ds = append(ds, f.Date)
		// The days a figure stops being current.
		if f.Metric == state.VerificationAccess && f.Text == "none" {
			ds = append(ds, f.Date.AddDays(1))
		}
		if max, ok := state.MaxAgeDays[f.Metric]; ok {
			ds = append(ds, f.Date.AddDays(max+1))
		}
	}
	for _, e := range a.Events {
		ds = append(ds, e.Date)
	}
	for i := range a.Commitments {
		w := a.InForce(&a.Commitments[i])
		ds = append(ds, w.Start)
		if !w.End.IsZero() {
			ds = append(ds, w.End)
		}
	}
	slices.SortFunc(ds, calendar.Date.Compare)
	return slices.CompactFunc(ds, calendar.Date.Equal)
}
