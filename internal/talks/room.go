package talks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/accordverify/accord/internal/input"
)

// Roles of a delegation's members.
var MemberRoles = []string{"principal", "negotiator", "expert", "observer"}

// Delegation is a party in the room.
type Delegation struct {
	Party   string   `json:"party"`
	Name    string   `json:"name"`
	Members []Member `json:"members"`
}

// Member is a person of a delegation.
type Member struct {
	Name   string   `json:"name"`
	Role   string   `json:"role"`
	Tracks []string `json:"tracks,omitempty"`
}

// Policy is what a feasibility answer discloses.
type Policy string

const (
	// Standard: a party learns whether a proposal meets its own red
	// lines; the mediator learns whether all are met and which fail.
	Standard Policy = "standard"
	// Blind: everyone, the mediator included, learns only "all met" or
	// "not all met".
	Blind Policy = "blind"
)

// Setting is what a room is and where it stands: who meets, on what
// space, under which policy and budget, in which round.
type Setting struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Mediator string       `json:"mediator"`
	Parties  []Delegation `json:"parties"`
	Tracks   []string     `json:"tracks"`
	Space    Space        `json:"space"`
	Policy   Policy       `json:"policy"`
	// Budget is the feasibility queries each party may make per round.
	Budget int `json:"budget_per_round"`
	Round  int `json:"round"`
}

// Room is a mediated negotiation.
type Room struct {
	Setting
	Model Model `json:"-"`

	redLines map[string]RedLines
	// Commitments are the published hashes of each party's red lines.
	Commitments map[string]string `json:"commitments"`
	Proposals   []Proposal        `json:"-"`
	Ledger      []Query           `json:"-"`
	Notes       []Note            `json:"-"`
	Texts       []Text            `json:"-"`
	// Confirmations are the parties' signed confirmations by text version.
	Confirmations map[int]map[string][]byte `json:"-"`
}

// Proposal is a package put to the room, by the mediator (who may mask
// its origin) or relayed from a party.
type Proposal struct {
	ID      string  `json:"id"`
	Round   int     `json:"round"`
	Values  Package `json:"values"`
	Version int     `json:"space_version"`
	// Origin is who proposed it; Attribution what the parties are told
	// (the mediator may present a party's proposal as its own).
	Origin      string `json:"-"`
	Attribution string `json:"attribution"`
	// Salt is the release hash's secret salt, the mediator's: without it
	// the hash of two or three possible origins would betray a masked one.
	Salt string `json:"-"`
	// Released is when the parties received it, all at once; until then
	// only the mediator sees it.
	Released time.Time `json:"released,omitzero"`
}

// Query is one feasibility question, kept so that probing shows.
type Query struct {
	Party    string    `json:"party"`
	Round    int       `json:"round"`
	Proposal string    `json:"proposal"`
	At       time.Time `json:"at"`
}

// ErrForbidden is what a party gets for content that is not its own.
var ErrForbidden error = forbidden{}

type forbidden struct{}

func (forbidden) Error() string { return "forbidden" }

// ErrorCode classifies the error for callers that map errors to statuses.
func (forbidden) ErrorCode() string { return "forbidden" }

// Bounds of a room's setting.
const (
	// MaxBudget is the most feasibility questions a party may ask in a
	// round. The budget is there against probing: every answer tells a
	// party something of the others' red lines, and a thousand answers in
	// one round (a sitting of hours) map them already; a larger budget is
	// a slip of the keyboard or no budget at all.
	MaxBudget = 1000
	// MaxNameLength is the most characters of a room's title and of a
	// delegation's or a member's name: a line of a page.
	MaxNameLength = 200
)

// NewRoom returns a room with a mediator, parties and an issue space. The
// room's id is an id as a record's is (input.IsID): it names the room in
// a URL's path, one segment of it.
func NewRoom(id, title, mediator string, parties []Delegation, space Space, policy Policy, budget int) (*Room, error) {
	if !input.IsID(id) {
		return nil, input.Errorf("id", "%s; got %s", input.IDRule, quoteShort(id))
	}
	if err := checkName("title", title); err != nil {
		return nil, err
	}
	if !input.IsID(mediator) {
		return nil, input.Errorf("mediator", "must be a party id (%s); got %s", input.IDRule, quoteShort(mediator))
	}
	if len(parties) < 2 {
		return nil, input.Errorf("parties", "a mediated room needs at least two parties")
	}
	for i, d := range parties {
		f := fmt.Sprintf("parties[%d]", i)
		if !input.IsID(d.Party) {
			return nil, input.Errorf(f+".party", "must be a party id (%s); got %s", input.IDRule, quoteShort(d.Party))
		}
		if d.Party == mediator {
			return nil, input.Errorf(f+".party", "must not be the mediator %q", mediator)
		}
		if slices.ContainsFunc(parties[:i], func(e Delegation) bool { return e.Party == d.Party }) {
			return nil, input.Errorf(f+".party", "%q is listed twice: list each party once", d.Party)
		}
		if err := checkName(f+".name", d.Name); err != nil {
			return nil, err
		}
		for j, m := range d.Members {
			if err := checkName(fmt.Sprintf("%s.members[%d].name", f, j), m.Name); err != nil {
				return nil, err
			}
			if !slices.Contains(MemberRoles, m.Role) {
				return nil, input.Errorf(fmt.Sprintf("%s.members[%d].role", f, j), "must be principal, negotiator, expert or observer, got %q", m.Role)
			}
		}
	}
	if policy != Standard && policy != Blind {
		return nil, input.Errorf("policy", "must be standard or blind, got %q", policy)
	}
	if budget < 1 || budget > MaxBudget {
		return nil, input.Errorf("budget_per_round", "must be from 1 to %d feasibility questions a round, got %d", MaxBudget, budget)
	}
	if err := space.Validate(); err != nil {
		return nil, err
	}
	return &Room{Setting: Setting{ID: id, Title: title, Mediator: mediator, Parties: parties, Tracks: []string{"principals", "experts"}, Space: space,
		Policy: policy, Budget: budget, Round: 1}, redLines: map[string]RedLines{}, Commitments: map[string]string{}}, nil
}

// checkName checks a title or a name: some words, at most MaxNameLength
// characters.
func checkName(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return input.Errorf(field, "is required (some words)")
	}
	if n := utf8.RuneCountInString(s); n > MaxNameLength {
		return input.Errorf(field, "must be at most %d characters, got %d", MaxNameLength, n)
	}
	return nil
}

// quoteShort quotes s for an error, its start only when it is long.
func quoteShort(s string) string {
	const show = 40
	if r := []rune(s); len(r) > show {
		return fmt.Sprintf("%q... (%d characters)", string(r[:show]), len(r))
	}
	return strconv.Quote(s)
}

func (r *Room) isParty(p string) bool {
	return slices.ContainsFunc(r.Parties, func(d Delegation) bool { return d.Party == p })
}

// RedLinesSubmitted is the error of a party's second submission of its
// red lines: a party submits once. It is bad input that names the field
// (an *input.Error); callers that speak to the party say it in words.
type RedLinesSubmitted struct {
	Party      string
	Commitment string // of the red lines submitted first
}

func (e *RedLinesSubmitted) Error() string { return e.Unwrap().Error() }

func (e *RedLinesSubmitted) Unwrap() error {
	return input.Errorf("constraints", "%s has submitted its red lines already (commitment %s)", e.Party, e.Commitment)
}

// Words says it to the party: nothing was changed.
func (e *RedLinesSubmitted) Words() string {
	return "you already submitted your red lines (commitment " + e.Commitment + "); nothing was changed"
}

// SubmitRedLines stores a party's red lines (only the party submits its
// own) and returns the commitment to publish in the evidence log. A party
// submits once: moving a red line later would not match the commitment.
func (r *Room) SubmitRedLines(by string, rl RedLines) (string, error) {
	if !r.isParty(by) || rl.Party != by {
		return "", fmt.Errorf("%w: a party submits its own red lines", ErrForbidden)
	}
	if rl.Room != r.ID {
		return "", input.Errorf("room", "is %q, not this room %q", rl.Room, r.ID)
	}
	if _, done := r.redLines[by]; done {
		return "", &RedLinesSubmitted{Party: by, Commitment: r.Commitments[by]}
	}
	if err := rl.Validate(&r.Space); err != nil {
		return "", err
	}
	r.redLines[by] = rl
	c := rl.Commitment()
	r.Commitments[by] = c
	return c, nil
}

// RedLinesOf returns party's red lines to viewer: the party itself or the
// mediator; anyone else is refused.
func (r *Room) RedLinesOf(viewer, party string) (RedLines, error) {
	if viewer != party && viewer != r.Mediator {
		return RedLines{}, fmt.Errorf("%w: %s's red lines are readable by %s and the mediator only", ErrForbidden, party, party)
	}
	rl, ok := r.redLines[party]
	if !ok {
		return RedLines{}, input.Errorf("party", "%s has submitted no red lines", party)
	}
	return rl, nil
}

// Propose puts a package to the room, released to the parties at once
// (Hold keeps it for the mediator until ReleaseProposal). The mediator
// proposes, possibly relaying a party's proposal (origin) under its own
// attribution.
func (r *Room) Propose(by, origin string, values Package, attributeToMediator bool) (Proposal, error) {
	return r.propose(by, origin, values, attributeToMediator, false, time.Now().UTC())
}

// Hold puts a package to the room without releasing it. salt is the
// secret of its release hash ("": a new one; otherwise at least 128 bits
// in hex, chosen by a mediator who signs the release commitment first).
func (r *Room) Hold(by, origin string, values Package, attributeToMediator bool, salt string) (Proposal, error) {
	if salt != "" {
		if err := checkSalt("salt", salt); err != nil {
			return Proposal{}, err
		}
	}
	p, err := r.propose(by, origin, values, attributeToMediator, true, time.Time{})
	if err != nil || salt == "" {
		return p, err
	}
	r.Proposals[len(r.Proposals)-1].Salt = salt
	return r.Proposals[len(r.Proposals)-1], nil
}

// ReleaseProposal releases a held proposal to every party at once.
func (r *Room) ReleaseProposal(by, id string, at time.Time) error {
	if by != r.Mediator {
		return fmt.Errorf("%w: only the mediator releases", ErrForbidden)
	}
	i := slices.IndexFunc(r.Proposals, func(p Proposal) bool { return p.ID == id })
	if i < 0 {
		return input.Errorf("proposal", "no proposal %q", id)
	}
	if r.Proposals[i].Released.IsZero() {
		r.Proposals[i].Released = at
	}
	return nil
}

// AddNote records a note of the mediator's, which only the mediator reads.
func (r *Room) AddNote(by, text string, at time.Time) error {
	if by != r.Mediator {
		return fmt.Errorf("%w: notes are the mediator's", ErrForbidden)
	}
	if text == "" {
		return input.Errorf("text", "is required")
	}
	r.Notes = append(r.Notes, Note{Text: text, At: at})
	return nil
}

// Note is a mediator's private note.
type Note struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

func (r *Room) propose(by, origin string, values Package, attributeToMediator, hold bool, at time.Time) (Proposal, error) {
	if by != r.Mediator {
		return Proposal{}, fmt.Errorf("%w: parties never address each other; proposals go through the mediator", ErrForbidden)
	}
	if origin != r.Mediator && !r.isParty(origin) {
		return Proposal{}, input.Errorf("origin", "%q is neither the mediator nor a party", origin)
	}
	if err := r.Space.Check(values); err != nil {
		return Proposal{}, err
	}
	p := Proposal{ID: fmt.Sprintf("p%d", len(r.Proposals)+1), Round: r.Round, Values: values, Version: r.Space.Version, Origin: origin, Attribution: origin, Salt: NewSalt()}
	if !hold {
		p.Released = at
	}
	if attributeToMediator {
		p.Attribution = r.Mediator
	}
	r.Proposals = append(r.Proposals, p)
	return p, nil
}

// ReleaseHash is the SHA-256, in hex, that the mediator commits to in the
// evidence log when a proposal reaches the parties: of the line
// accord.talks.release/v1 and a newline, then the JSON of the room, the
// round, the values, the attribution, the origin and the secret salt (so
// the log later proves what was put, to whom it was attributed and who
// proposed it, without disclosing any of it now: without the salt, which
// the mediator reveals only with the opening, nobody can test candidate
// origins against the hash).
func ReleaseHash(room string, round int, values Package, attribution, origin, salt string) string {
	h := sha256.Sum256(ReleasePreimage(room, round, values, attribution, origin, salt))
	return hex.EncodeToString(h[:])
}

// ReleasePreimage is what a release hash hashes: the domain line and the
// release's canonical JSON. A page that signs the release checks it.
func ReleasePreimage(room string, round int, values Package, attribution, origin, salt string) []byte {
	b, _ := json.Marshal(struct {
		Room        string  `json:"room"`
		Round       int     `json:"round"`
		Values      Package `json:"values"`
		Attribution string  `json:"attribution"`
		Origin      string  `json:"origin"`
		Salt        string  `json:"salt,omitempty"`
	}{room, round, values, attribution, origin, salt})
	return append([]byte("accord.talks.release/v1\n"), b...)
}

// ReleaseHash is the proposal's release hash in room r.
func (r *Room) ReleaseHash(p Proposal) string {
	return ReleaseHash(r.ID, p.Round, p.Values, p.Attribution, p.Origin, p.Salt)
}

// ReleasePreimage is what the proposal's release hash hashes in room r.
func (r *Room) ReleasePreimage(p Proposal) []byte {
	return ReleasePreimage(r.ID, p.Round, p.Values, p.Attribution, p.Origin, p.Salt)
}

// Proposal returns the proposal with id.
func (r *Room) Proposal(id string) (Proposal, error) { return r.proposal(id) }

func (r *Room) proposal(id string) (Proposal, error) {
	i := slices.IndexFunc(r.Proposals, func(p Proposal) bool { return p.ID == id })
	if i < 0 {
		return Proposal{}, errNoProposal(id)
	}
	return r.Proposals[i], nil
}

// Report is what one recipient learns of a proposal's feasibility.
type Report struct {
	Recipient string             `json:"recipient"`
	Proposal  string             `json:"proposal"`
	Model     string             `json:"model"`
	Metrics   map[string]float64 `json:"metrics"`
	// Unknown are the metrics the model could not derive for the
	// proposal, each with the reason (the terms it leaves open): a red
	// line on one is not checked, and never met.
	Unknown map[string]string `json:"unknown_metrics,omitempty"`
	// OwnMet: the recipient party's red lines all hold (a party, standard
	// policy).
	OwnMet *bool `json:"own_red_lines_met,omitempty"`
	// AllMet: every party's red lines hold (the mediator; everyone under
	// the blind policy).
	AllMet *bool `json:"all_red_lines_met,omitempty"`
	// Failing names each failing red line by party (the mediator, standard
	// policy only); a red line that cannot be checked fails.
	Failing map[string][]Constraint `json:"failing,omitempty"`
	// Unchecked are the red lines that could not be checked on the
	// proposal (a term it leaves open, a metric the model could not
	// derive), by party, each counted as failing: the recipient's own (a
	// party) or every party's (the mediator), under the standard policy
	// only.
	Unchecked map[string][]Unchecked `json:"unchecked,omitempty"`
	// Remaining is the recipient's queries left this round (a party).
	Remaining *int `json:"queries_remaining,omitempty"`
}

// Unchecked is a red line that could not be checked, and why.
type Unchecked struct {
	Constraint Constraint `json:"constraint"`
	Reason     string     `json:"reason"`
}

// Feasibility answers recipient's question whether a proposal meets the
// red lines, under the room's policy. A party's questions are counted
// against its budget for the round and logged, whatever the answer: a
// question about a proposal that is missing, held, stale or that the model
// cannot evaluate counts as much as one answered, so a party learns nothing
// for free. Beyond the budget it gets an error and nothing else.
//
// Neither the answer nor an error tells a party about another party's red
// lines: a red line that cannot be checked on the proposal counts as
// failing, and only its own party (and, under the standard policy, the
// mediator) is told which and why. Every party must have submitted red
// lines.
func (r *Room) Feasibility(recipient, proposalID string, at time.Time) (*Report, error) {
	if recipient != r.Mediator && !r.isParty(recipient) {
		return nil, fmt.Errorf("%w: %s is not in the room", ErrForbidden, recipient)
	}
	var left int
	if recipient != r.Mediator {
		used := 0
		for _, q := range r.Ledger {
			if q.Party == recipient && q.Round == r.Round {
				used++
			}
		}
		if used >= r.Budget {
			return nil, input.Errorf("budget", "%s has used its %d feasibility queries of round %d", recipient, r.Budget, r.Round)
		}
		left = r.Budget - used - 1
	}
	// Counted before anything else is looked at: a failed question costs
	// what an answered one does.
	r.Ledger = append(r.Ledger, Query{Party: recipient, Round: r.Round, Proposal: proposalID, At: at})

	p, err := r.visibleProposal(recipient, proposalID)
	if err != nil {
		return nil, err
	}
	if p.Version != r.Space.Version {
		return nil, input.Errorf("proposal", "%s was put on version %d of the issue space; it is now version %d", p.ID, p.Version, r.Space.Version)
	}
	for _, d := range r.Parties {
		if _, ok := r.redLines[d.Party]; !ok {
			return nil, input.Errorf("red_lines", "%s has not submitted its red lines yet", d.Party)
		}
	}
	ev, err := r.Model.Evaluate(&r.Space, p.Values)
	if err != nil {
		return nil, err
	}
	rep := &Report{Recipient: recipient, Proposal: p.ID, Model: ev.Model, Metrics: ev.Metrics, Unknown: ev.Unknown}
	all := true
	failing := map[string][]Constraint{}
	unchecked := map[string][]Unchecked{}
	own := true
	for _, d := range r.Parties {
		for _, c := range r.redLines[d.Party].Constraints {
			ch, err := evaluateConstraint(&r.Space, c, p.Values, ev)
			if err != nil {
				// Not shown to hold: it fails, and the reason is for the
				// party's and the mediator's eyes only.
				ch.Holds = false
				reason := err.Error()
				var in *input.Error
				if errors.As(err, &in) {
					reason = in.Rule
				}
				unchecked[d.Party] = append(unchecked[d.Party], Unchecked{Constraint: c, Reason: reason})
			}
			if !ch.Holds {
				all = false
				failing[d.Party] = append(failing[d.Party], c)
				if d.Party == recipient {
					own = false
				}
			}
		}
	}
	switch {
	case r.Policy == Blind:
		rep.AllMet = &all
	case recipient == r.Mediator:
		rep.AllMet = &all
		if len(failing) > 0 {
			rep.Failing = failing
		}
		if len(unchecked) > 0 {
			rep.Unchecked = unchecked
		}
	default:
		rep.OwnMet = &own
		if u := unchecked[recipient]; len(u) > 0 {
			rep.Unchecked = map[string][]Unchecked{recipient: u}
		}
	}
	if recipient != r.Mediator {
		rep.Remaining = &left
	}
	return rep, nil
}

// visibleProposal returns the proposal with id as viewer may see it: a
// party is told of a held proposal exactly what it is told of a missing one.
func (r *Room) visibleProposal(viewer, id string) (Proposal, error) {
	p, err := r.proposal(id)
	if err == nil && viewer != r.Mediator && p.Released.IsZero() {
		err = errNoProposal(id)
	}
	return p, err
}

func errNoProposal(id string) error { return input.Errorf("proposal", "no proposal %q", id) }

// NextRound opens a new round (the mediator only): budgets start again.
func (r *Room) NextRound(by string) error {
	if by != r.Mediator {
		return fmt.Errorf("%w: the mediator opens rounds", ErrForbidden)
	}
	r.Round++
	return nil
}

// Freeze freezes the current version of the issue space (the mediator):
// its terms no longer change; a change opens a new version.
func (r *Room) Freeze(by string) error {
	if by != r.Mediator {
		return fmt.Errorf("%w: the mediator freezes the issue space", ErrForbidden)
	}
	r.Space.Frozen = true
	return nil
}

// Revise changes the issue space's terms (the mediator): in place while
// the version is open, as a new version once it is frozen. Every red line
// must still name a term or a metric; proposals of earlier versions are no
// longer open to feasibility questions.
func (r *Room) Revise(by string, terms []Term) error {
	if by != r.Mediator {
		return fmt.Errorf("%w: the mediator revises the issue space", ErrForbidden)
	}
	next := Space{Version: r.Space.Version, Terms: terms, Excluded: r.Space.Excluded}
	if r.Space.Frozen {
		next.Version++
	}
	if err := next.Validate(); err != nil {
		return err
	}
	for party, rl := range r.redLines {
		if err := rl.Validate(&next); err != nil {
			return input.Errorf("terms", "%s's red lines would no longer hold on the revised space (%v)", party, err)
		}
	}
	r.Space = next
	return nil
}

// Exclude records a party's "not on the agenda": a topic the party will not
// discuss, recorded as such in the issue space.
func (r *Room) Exclude(party, topic string) error {
	if !r.isParty(party) {
		return fmt.Errorf("%w: a party declares its own exclusions", ErrForbidden)
	}
	if topic == "" {
		return input.Errorf("topic", "is required")
	}
	r.Space.Excluded = append(r.Space.Excluded, Exclusion{Party: party, Topic: topic})
	return nil
}

// PartyIDs are the ids of the delegations' parties, in order.
func PartyIDs(ds []Delegation) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Party
	}
	return out
}
