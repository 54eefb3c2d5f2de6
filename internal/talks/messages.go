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

// Bounds on messages. A message's body is at most MaxMessageBytes; a party
// sends at most MaxMessagesPerRound messages in a round, and the mediator
// at most MaxMessagesPerRound relays per party of the room. The mediator
// opens a new round for more.
const (
	MaxMessageBytes     = 16 << 10
	MaxMessagesPerRound = 100
)

// Message is one message of the room. Parties write only to the mediator;
// the mediator relays to parties, released to all its recipients at once.
// Messages are kept one by one beside the room (MarshalMessage), not in
// its snapshot: a message is one row, and the room is not rewritten for it.
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

// MarshalMessage is a message as the store keeps it, its origin included:
// like the snapshot, never sent to a party.
func MarshalMessage(m Message) ([]byte, error) {
	return json.Marshal(snapshotMessage{m, m.origin})
}

// UnmarshalMessage reads a message MarshalMessage wrote.
func UnmarshalMessage(b []byte) (Message, error) {
	var sm snapshotMessage
	if err := json.Unmarshal(b, &sm); err != nil {
		return Message{}, fmt.Errorf("talks: message: %v", err)
	}
	sm.Message.origin = sm.Origin
	return sm.Message, nil
}

// Tally is what the store counts of a room's messages when one is added:
// the messages in the room, and those the sender (a party, or the mediator
// for relays) has sent in the current round.
type Tally struct {
	Messages int
	Sent     int
}

// Send is a party's message to the mediator; t counts the room's messages
// and the party's of this round. A party naming a proposal it has not
// received (held, or missing) gets the same answer either way.
func (r *Room) Send(from, kind, body, proposal string, at time.Time, t Tally) (Message, error) {
	if !r.isParty(from) {
		return Message{}, fmt.Errorf("%w: %s is not a party of the room (the mediator relays)", ErrForbidden, from)
	}
	if !slices.Contains([]string{KindProposal, KindQuestion, KindCriticism, KindAcceptance}, kind) {
		return Message{}, input.Errorf("kind", "must be proposal, question, criticism or acceptance, got %q", kind)
	}
	if err := checkBody(body); err != nil {
		return Message{}, err
	}
	if t.Sent >= MaxMessagesPerRound {
		return Message{}, input.Errorf("messages", "%s has sent its %d messages of round %d; the mediator opens the next round", from, MaxMessagesPerRound, r.Round)
	}
	if proposal != "" {
		if _, err := r.visibleProposal(from, proposal); err != nil {
			return Message{}, err
		}
	}
	return Message{ID: messageID(t), Round: r.Round, Kind: kind, From: from, To: []string{r.Mediator}, Body: body, Proposal: proposal, At: at, origin: from}, nil
}

func messageID(t Tally) string { return fmt.Sprintf("m%d", t.Messages+1) }

func checkBody(body string) error {
	if body == "" {
		return input.Errorf("body", "is required")
	}
	if len(body) > MaxMessageBytes {
		return input.Errorf("body", "must be at most %d bytes, got %d", MaxMessageBytes, len(body))
	}
	return nil
}

// Relay is the mediator's message to parties: its own text, or a party's
// message it carries (of, nil for none), attributed to the mediator when
// it chooses; t counts the room's messages and the mediator's relays of
// this round. It stays unreleased until Release.
func (r *Room) Relay(by string, of *Message, body string, to []string, attributeToMediator bool, at time.Time, t Tally) (Message, error) {
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
	if limit := MaxMessagesPerRound * len(r.Parties); t.Sent >= limit {
		return Message{}, input.Errorf("messages", "the mediator has sent its %d relays of round %d; open the next round", limit, r.Round)
	}
	m := Message{ID: messageID(t), Round: r.Round, Kind: KindRelay, From: r.Mediator, To: to, Body: body, At: at, origin: r.Mediator}
	if of != nil {
		m.origin, m.Proposal = of.origin, of.Proposal
		if body == "" {
			m.Body = of.Body
		}
		if !attributeToMediator {
			m.From = of.origin
		}
	}
	if err := checkBody(m.Body); err != nil {
		return Message{}, err
	}
	return m, nil
}

// Release delivers relays to all their recipients at the same time: found
// are the room's messages with the given ids, and the released relays are
// returned to be stored.
func (r *Room) Release(by string, ids []string, found []Message, at time.Time) ([]Message, error) {
	if by != r.Mediator {
		return nil, fmt.Errorf("%w: only the mediator releases", ErrForbidden)
	}
	var out []Message
	for _, id := range ids {
		i := slices.IndexFunc(found, func(x Message) bool { return x.ID == id })
		if i < 0 || found[i].Kind != KindRelay {
			return nil, input.Errorf("ids", "%q is not a relay of the room", id)
		}
		m := found[i]
		m.Released = at
		out = append(out, m)
	}
	return out, nil
}

// Inbox is what viewer may read of the room's messages (all, in order):
// the mediator everything; a party the messages it sent and the released
// relays addressed to it, attributed as the mediator chose.
func (r *Room) Inbox(viewer string, all []Message) ([]Message, error) {
	if viewer != r.Mediator && !r.isParty(viewer) {
		return nil, fmt.Errorf("%w: %s is not in the room", ErrForbidden, viewer)
	}
	var out []Message
	for _, m := range all {
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
	h := sha256.Sum256(t.Preimage())
	return hex.EncodeToString(h[:])
}

// Preimage is what the text's hash hashes: the domain line and the text's
// canonical JSON. A page that signs a confirmation checks it.
func (t Text) Preimage() []byte {
	b, _ := json.Marshal(t)
	return append([]byte("accord.talks.text/v1\n"), b...)
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
