package app

import (
	"time"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// PublicModel is the talks' evaluation model that counts reductions from
// the state the embedded public series reports at baseline.
func PublicModel(baseline calendar.Date) talks.Model {
	return talks.ModelAt(state.At(evidence.Public(dataset.Embedded()), baseline))
}

// EvaluateProposal puts values to the room as its mediator, offline, and
// returns the proposal's values, the model's evaluation of them and the
// feasibility answer each recipient would get, the mediator's first.
func EvaluateProposal(room *talks.Room, values talks.Package) (talks.Package, *talks.Evaluation, []*talks.Report, error) {
	p, err := room.Propose(room.Mediator, room.Mediator, values, true)
	if err != nil {
		return nil, nil, nil, err
	}
	ev, err := room.Model.Evaluate(&room.Space, p.Values)
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	var reports []*talks.Report
	for _, who := range append([]string{room.Mediator}, talks.PartyIDs(room.Parties)...) {
		r, err := room.Feasibility(who, p.ID, now)
		if err != nil {
			return nil, nil, nil, err
		}
		reports = append(reports, r)
	}
	return p.Values, ev, reports, nil
}
