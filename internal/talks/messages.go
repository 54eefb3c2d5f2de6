package talks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/accordverify/accord/internal/input"
)

// Message kinds: a party writes to the mediator; the mediator relays.
const (
	KindProposal   = "proposal"
	KindQuestion   = "question"
	KindCriticism  = "criticism"
	KindAcceptance = "acceptance"
	KindRelay      = "relay"
)

// Message is one message of the room. Parties write only to the mediator;
// the mediator relays to parties, released to all its recipients at once.
type Message struct {
	ID       string    `json:"id"`
	Round    int       `json:"round"`
	Kind     string    `json:"kind"`
	From     string    `json:"from"`
	To       []string  `json:"to"`
	Body     string    `json:"body"`
	Proposal string    `json:"proposal,omitempty"`
	At       time.Time `json:"at"`
	// Released is when a relay reached its recipients (all at once).
	Released time.Time `json:"released,omitzero"`
	// origin is who wrote what a relay carries; From then shows the
	// attribution the mediator chose.
	origin string
}

// Send is a party's message to the mediator.
func (r *Room) Send(from, kind, body, proposal string, at time.Time) (Message, error) {
	if !r.isParty(from) {
		return Message{}, fmt.Errorf("%w: %s is not a party of the room (the mediator relays)", ErrForbidden, from)
	}
	if !slices.Contains([]string{KindProposal, KindQuestion, KindCriticism, KindAcceptance}, kind) {
		return Message{}, input.Errorf("kind", "must be proposal, question, criticism or acceptance, got %q", kind)
	}
	if body == "" {
		return Message{}, input.Errorf("body", "is required")
	}
	if proposal != "" {
		if _, err := r.proposal(proposal); err != nil {
			return Message{}, err
		}
	}
	m := Message{ID: fmt.Sprintf("m%d", len(r.Messages)+1), Round: r.Round, Kind: kind, From: from, To: []string{r.Mediator}, Body: body, Proposal: proposal, At: at, origin: from}
	r.Messages = append(r.Messages, m)
	return m, nil
}

// Relay is the mediator's message to parties: its own text, or a party's
// message it carries (of), attributed to the mediator when it chooses.
// It stays unreleased until Release.
func (r *Room) Relay(by, of, body string, to []string, attributeToMediator bool, at time.Time) (Message, error) {
	if by != r.Mediator {
		return Message{}, fmt.Errorf("%w: only the mediator relays; parties never address each other", ErrForbidden)
	}
	if len(to) == 0 {
		return Message{}, input.Errorf("to", "a relay needs its recipients")
	}
	for _, p := range to {
		if !r.isParty(p) {
			return Message{}, input.Errorf("to", "%q is not a party of the room", p)
		}
	}
	m := Message{ID: fmt.Sprintf("m%d", len(r.Messages)+1), Round: r.Round, Kind: KindRelay, From: r.Mediator, To: to, Body: body, At: at, origin: r.Mediator}
	if of != "" {
		i := slices.IndexFunc(r.Messages, func(x Message) bool { return x.ID == of })
		if i < 0 {
			return Message{}, input.Errorf("of", "no message %q", of)
		}
		src := r.Messages[i]
		m.origin, m.Proposal = src.origin, src.Proposal
		if body == "" {
			m.Body = src.Body
		}
		if !attributeToMediator {
			m.From = src.origin
		}
	}
	if m.Body == "" {
		return Message{}, input.Errorf("body", "is required")
	}
	r.Messages = append(r.Messages, m)
	return m, nil
}

// Release delivers relays to all their recipients at the same time.
func (r *Room) Release(by string, ids []string, at time.Time) error {
	if by != r.Mediator {
		return fmt.Errorf("%w: only the mediator releases", ErrForbidden)
	}
	for _, id := range ids {
		i := slices.IndexFunc(r.Messages, func(x Message) bool { return x.ID == id })
		if i < 0 || r.Messages[i].Kind != KindRelay {
			return input.Errorf("ids", "%q is not a relay of the room", id)
		}
	}
	for _, id := range ids {
		i := slices.IndexFunc(r.Messages, func(x Message) bool { return x.ID == id })
		r.Messages[i].Released = at
	}
	return nil
}

// Inbox is what viewer may read: the mediator everything; a party the
// messages it sent and the released relays addressed to it, attributed as
// the mediator chose.
func (r *Room) Inbox(viewer string) ([]Message, error) {
	if viewer != r.Mediator && !r.isParty(viewer) {
		return nil, fmt.Errorf("%w: %s is not in the room", ErrForbidden, viewer)
	}
	var out []Message
	for _, m := range r.Messages {
		switch {
		case viewer == r.Mediator:
		case m.Kind != KindRelay && m.From == viewer:
		case m.Kind == KindRelay && !m.Released.IsZero() && slices.Contains(m.To, viewer):
		default:
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// Clause statuses of the single negotiating text.
const (
	Agreed    = "agreed"
	Bracketed = "bracketed"
	Open      = "open"
)

// Clause is one clause of the text.
type Clause struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Status string `json:"status"`
	// Terms are the issue-space terms the clause fixes.
	Terms []string `json:"terms,omitempty"`
}

// Text is a version of the single negotiating text the mediator keeps.
type Text struct {
	Room    string   `json:"room"`
	Version int      `json:"version"`
	Clauses []Clause `json:"clauses"`
	Values  Package  `json:"values"`
	// Salt is secret randomness the parties receive with the text, so that
	// the hash in the log cannot be tested against guessed texts.
	Salt string `json:"salt,omitempty"`
}

// Hash is the SHA-256, in hex, of the text's canonical JSON (its salt
// included) after a domain line: what each party signs to confirm it.
func (t Text) Hash() string {
	b, _ := json.Marshal(t)
	h := sha256.Sum256(append([]byte("accord.talks.text/v1\n"), b...))
	return hex.EncodeToString(h[:])
}

// ConfirmText is the text a party signs (as a signed note) to confirm a
// version of the negotiating text.
func ConfirmText(room string, version int, hash string) string {
	return fmt.Sprintf("accord-talks-confirm\n%s\n%d\n%s\n", room, version, hash)
}

// Signatures open a signed note against the parties' registered keys
// (the evidence log's registry), returning the signing party and the text.
type Signatures interface {
	Open(signed []byte) (party, text string, err error)
}

// DraftText records a new version of the negotiating text (the mediator
// only): the clauses with their status and the values they fix.
func (r *Room) DraftText(by string, clauses []Clause, values Package) (Text, error) {
	if by != r.Mediator {
		return Text{}, fmt.Errorf("%w: the mediator keeps the single negotiating text", ErrForbidden)
	}
	seen := map[string]bool{}
	for i, c := range clauses {
		f := fmt.Sprintf("clauses[%d]", i)
		if c.ID == "" || seen[c.ID] {
			return Text{}, input.Errorf(f+".id", "must be present and unique, got %q", c.ID)
		}
		seen[c.ID] = true
		if !slices.Contains([]string{Agreed, Bracketed, Open}, c.Status) {
			return Text{}, input.Errorf(f+".status", "must be agreed, bracketed or open, got %q", c.Status)
		}
		for _, t := range c.Terms {
			if _, ok := r.Space.Term(t); !ok {
				return Text{}, input.Errorf(f+".terms", "%q is not a term of the issue space", t)
			}
		}
	}
	if err := r.Space.Check(values); err != nil {
		return Text{}, err
	}
	t := Text{Room: r.ID, Version: len(r.Texts) + 1, Clauses: clauses, Values: values, Salt: NewSalt()}
	r.Texts = append(r.Texts, t)
	return t, nil
}

// Confirm records a party's signature over the hash of a version of the
// text: the signed note must be the party's and say ConfirmText. Every
// clause must be agreed.
func (r *Room) Confirm(sigs Signatures, version int, signed []byte) (party string, err error) {
	t, err := r.confirmable(version)
	if err != nil {
		return "", err
	}
	party, text, err := sigs.Open(signed)
	if err != nil {
		return "", input.Errorf("signature", "%v", err)
	}
	if want := ConfirmText(r.ID, version, t.Hash()); text != want {
		return "", input.Errorf("signature", "the signed text must be %q", want)
	}
	return party, r.ConfirmHash(party, version, t.Hash(), signed)
}

// ConfirmHash records a party's confirmation of a version whose hash it
// signed, when the signature has been checked elsewhere (the evidence log
// checks a talks_commitment record's author and signature); evidence is
// the signed bytes.
func (r *Room) ConfirmHash(party string, version int, hash string, evidence []byte) error {
	t, err := r.confirmable(version)
	if err != nil {
		return err
	}
	if !r.isParty(party) {
		return fmt.Errorf("%w: %s is not a party of the room", ErrForbidden, party)
	}
	if hash != t.Hash() {
		return input.Errorf("sha256", "is not the hash of version %d of the text (%s)", version, t.Hash())
	}
	if r.Confirmations == nil {
		r.Confirmations = map[int]map[string][]byte{}
	}
	if r.Confirmations[version] == nil {
		r.Confirmations[version] = map[string][]byte{}
	}
	r.Confirmations[version][party] = evidence
	return nil
}

func (r *Room) confirmable(version int) (Text, error) {
	if version < 1 || version > len(r.Texts) {
		return Text{}, input.Errorf("version", "no version %d of the text", version)
	}
	t := r.Texts[version-1]
	for _, c := range t.Clauses {
		if c.Status != Agreed {
			return Text{}, input.Errorf("version", "clause %s is %s: only a text whose every clause is agreed can be confirmed", c.ID, c.Status)
		}
	}
	return t, nil
}

// Final returns the version every party has confirmed, if any.
func (r *Room) Final() (Text, bool) {
	for v := len(r.Texts); v >= 1; v-- {
		if len(r.Confirmations[v]) == len(r.Parties) {
			return r.Texts[v-1], true
		}
	}
	return Text{}, false
}
