package talks

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Snapshot is a room's whole state, private parts included (red lines,
// who proposed what, the query ledger), but for its messages, which are
// kept one by one (MarshalMessage): what the server keeps. It is never
// sent to a party; View is.
type Snapshot struct {
	Setting
	RedLines      map[string]RedLines       `json:"red_lines"`
	Commitments   map[string]string         `json:"commitments"`
	Proposals     []snapshotProposal        `json:"proposals"`
	Ledger        []Query                   `json:"ledger"`
	Texts         []Text                    `json:"texts"`
	Confirmations map[int]map[string][]byte `json:"confirmations"`
	Notes         []Note                    `json:"notes"`
}

type snapshotProposal struct {
	Proposal
	Origin string `json:"origin"`
	Salt   string `json:"salt,omitempty"`
}

type snapshotMessage struct {
	Message
	Origin string `json:"origin"`
}

// Snapshot returns the room's whole state.
func (r *Room) Snapshot() Snapshot {
	s := Snapshot{Setting: r.Setting, RedLines: r.redLines, Commitments: r.Commitments, Ledger: r.Ledger, Texts: r.Texts, Confirmations: r.Confirmations, Notes: r.Notes}
	for _, p := range r.Proposals {
		s.Proposals = append(s.Proposals, snapshotProposal{p, p.Origin, p.Salt})
	}
	return s
}

// Clone is an independent copy of the room (through its snapshot), on which
// a change can be tried before anything else sees it.
func (r *Room) Clone() (*Room, error) {
	snap, err := r.MarshalSnapshot()
	if err != nil {
		return nil, err
	}
	c, err := Restore(snap)
	if err != nil {
		return nil, err
	}
	c.Model = r.Model
	return c, nil
}

// MarshalSnapshot is the snapshot as JSON.
func (r *Room) MarshalSnapshot() ([]byte, error) { return json.Marshal(r.Snapshot()) }

// Restore rebuilds a room from a snapshot's JSON, checking it as a new
// room is checked.
func Restore(data []byte) (*Room, error) {
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("talks: room snapshot: %v", err)
	}
	r, err := NewRoom(s.ID, s.Title, s.Mediator, s.Parties, s.Space, s.Policy, s.Budget)
	if err != nil {
		return nil, fmt.Errorf("talks: room snapshot %s: %w", quoteShort(s.ID), err)
	}
	r.Tracks, r.Round, r.Ledger, r.Texts, r.Confirmations, r.Notes = s.Tracks, s.Round, s.Ledger, s.Texts, s.Confirmations, s.Notes
	for party, rl := range s.RedLines {
		if rl.Commitment() != s.Commitments[party] {
			return nil, fmt.Errorf("talks: room snapshot %s: the red lines of %s do not match their commitment", s.ID, party)
		}
		r.redLines[party] = rl
		r.Commitments[party] = s.Commitments[party]
	}
	for _, p := range s.Proposals {
		p.Proposal.Origin, p.Proposal.Salt = p.Origin, p.Salt
		r.Proposals = append(r.Proposals, p.Proposal)
	}
	return r, nil
}

// View is what a participant may see of the room: the space, the parties,
// the round, the published commitments, the proposals as attributed (their
// origin only to the mediator), the negotiating text and who confirmed it,
// and the viewer's own red lines (every party's to the mediator).
type View struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Mediator    string              `json:"mediator"`
	Viewer      string              `json:"viewer"`
	Parties     []Delegation        `json:"parties"`
	Space       Space               `json:"space"`
	Policy      Policy              `json:"policy"`
	Budget      int                 `json:"budget_per_round"`
	Round       int                 `json:"round"`
	Commitments map[string]string   `json:"commitments"`
	Proposals   []ProposalView      `json:"proposals"`
	Texts       []Text              `json:"texts"`
	Confirmed   map[int][]string    `json:"confirmed_by"`
	RedLines    map[string]RedLines `json:"red_lines"`
	Final       *Text               `json:"final,omitempty"`
	// Notes are the mediator's, in the mediator's view only.
	Notes []Note `json:"notes,omitempty"`
}

// ProposalView is a proposal as a viewer sees it.
type ProposalView struct {
	Proposal
	// Origin and the release hash's Salt are shown to the mediator only.
	Origin string `json:"origin,omitempty"`
	Salt   string `json:"salt,omitempty"`
}

// ViewFor returns viewer's view, or ErrForbidden for someone not in the
// room.
func (r *Room) ViewFor(viewer string) (*View, error) {
	if viewer != r.Mediator && !r.isParty(viewer) {
		return nil, fmt.Errorf("%w: %s is not in the room", ErrForbidden, viewer)
	}
	v := &View{ID: r.ID, Title: r.Title, Mediator: r.Mediator, Viewer: viewer, Parties: r.Parties, Space: r.Space, Policy: r.Policy,
		Budget: r.Budget, Round: r.Round, Commitments: r.Commitments, Proposals: []ProposalView{}, Texts: r.Texts,
		Confirmed: map[int][]string{}, RedLines: map[string]RedLines{}}
	if v.Texts == nil {
		v.Texts = []Text{}
	}
	for _, p := range r.Proposals {
		if viewer != r.Mediator && p.Released.IsZero() {
			continue
		}
		pv := ProposalView{Proposal: p}
		if viewer == r.Mediator {
			pv.Origin, pv.Salt = p.Origin, p.Salt
		}
		v.Proposals = append(v.Proposals, pv)
	}
	if viewer == r.Mediator {
		v.Notes = r.Notes
	}
	for version, by := range r.Confirmations {
		for party := range by {
			v.Confirmed[version] = append(v.Confirmed[version], party)
		}
		slices.Sort(v.Confirmed[version])
	}
	for party, rl := range r.redLines {
		if viewer == party || viewer == r.Mediator {
			v.RedLines[party] = rl
		}
	}
	if t, ok := r.Final(); ok {
		v.Final = &t
	}
	return v, nil
}
