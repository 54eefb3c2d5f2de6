package talks_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/talks"
)

// thread keeps a room's messages as the store does: one by one, each
// through MarshalMessage and back, counted by sender and round.
type thread struct {
	r    *talks.Room
	rows [][]byte
}

func (th *thread) all(t *testing.T) []talks.Message {
	t.Helper()
	var out []talks.Message
	for _, b := range th.rows {
		m, err := talks.UnmarshalMessage(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func (th *thread) tally(t *testing.T, sender string) talks.Tally {
	n := talks.Tally{Messages: len(th.rows)}
	for _, m := range th.all(t) {
		from := m.From
		if m.Kind == talks.KindRelay {
			from = th.r.Mediator
		}
		if from == sender && m.Round == th.r.Round {
			n.Sent++
		}
	}
	return n
}

func (th *thread) put(t *testing.T, m talks.Message) {
	t.Helper()
	b, err := talks.MarshalMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	for i, old := range th.all(t) {
		if old.ID == m.ID {
			th.rows[i] = b
			return
		}
	}
	th.rows = append(th.rows, b)
}

func (th *thread) send(t *testing.T, from, kind, body, proposal string, at time.Time) (talks.Message, error) {
	m, err := th.r.Send(from, kind, body, proposal, at, th.tally(t, from))
	if err == nil {
		th.put(t, m)
	}
	return m, err
}

func (th *thread) relay(t *testing.T, by, of, body string, to []string, mask bool, at time.Time) (talks.Message, error) {
	var src *talks.Message
	for _, m := range th.all(t) {
		if m.ID == of {
			src = &m
		}
	}
	m, err := th.r.Relay(by, src, body, to, mask, at, th.tally(t, by))
	if err == nil {
		th.put(t, m)
	}
	return m, err
}

func (th *thread) release(t *testing.T, by string, ids []string, at time.Time) error {
	out, err := th.r.Release(by, ids, th.all(t), at)
	for _, m := range out {
		th.put(t, m)
	}
	return err
}

func (th *thread) inbox(t *testing.T, viewer string) []talks.Message {
	in, _ := th.r.Inbox(viewer, th.all(t))
	return in
}

// Parties write only to the mediator; a relay reaches its recipients only
// once released, all at the same time, attributed as the mediator chose;
// no party reads another's messages.
func TestRelay(t *testing.T) {
	r := room(t, talks.Standard)
	th := &thread{r: r}
	at := time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC)
	q, err := th.send(t, "iran", talks.KindQuestion, "Would a 3.67 % cap be verified by the AP?", "", at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := th.send(t, "oman", talks.KindQuestion, "x", "", at); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("the mediator sent as a party: %v", err)
	}
	if _, err := th.relay(t, "iran", "", "hello", []string{"us"}, false, at); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("a party relayed: %v", err)
	}
	masked, err := th.relay(t, "oman", q.ID, "", []string{"us"}, true, at)
	if err != nil {
		t.Fatal(err)
	}
	open, err := th.relay(t, "oman", q.ID, "", []string{"us"}, false, at)
	if err != nil {
		t.Fatal(err)
	}
	if in := th.inbox(t, "us"); len(in) != 0 {
		t.Fatalf("the US reads %d messages before the release", len(in))
	}
	later := at.Add(time.Hour)
	if err := th.release(t, "oman", []string{masked.ID, "m9"}, later); err == nil {
		t.Error("a release naming no relay of the room was accepted")
	}
	if err := th.release(t, "oman", []string{masked.ID, open.ID}, later); err != nil {
		t.Fatal(err)
	}
	in := th.inbox(t, "us")
	if len(in) != 2 || in[0].From != "oman" || in[1].From != "iran" || !in[0].Released.Equal(later) || !in[1].Released.Equal(later) {
		t.Errorf("the US inbox: %+v", in)
	}
	if in := th.inbox(t, "iran"); len(in) != 1 || in[0].ID != q.ID {
		t.Errorf("Iran's inbox holds %d messages, want its own question only", len(in))
	}
	if in := th.inbox(t, "oman"); len(in) != 3 {
		t.Errorf("the mediator reads %d messages, want 3", len(in))
	}
}

// A message's body is at most MaxMessageBytes, and a party sends at most
// MaxMessagesPerRound messages a round (the mediator that many relays per
// party); a new round starts the count again. Refusals name the field.
func TestMessageBounds(t *testing.T) {
	r := room(t, talks.Standard)
	th := &thread{r: r}
	at := time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC)
	field := func(err error) string {
		var in *input.Error
		if errors.As(err, &in) {
			return in.Field
		}
		return fmt.Sprint(err)
	}
	if _, err := th.send(t, "iran", talks.KindQuestion, strings.Repeat("x", talks.MaxMessageBytes+1), "", at); field(err) != "body" {
		t.Errorf("a message of %d bytes: %v", talks.MaxMessageBytes+1, err)
	}
	if _, err := th.relay(t, "oman", "", strings.Repeat("x", talks.MaxMessageBytes+1), []string{"us"}, false, at); field(err) != "body" {
		t.Errorf("a relay of %d bytes: %v", talks.MaxMessageBytes+1, err)
	}
	if _, err := th.send(t, "iran", talks.KindQuestion, strings.Repeat("x", talks.MaxMessageBytes), "", at); err != nil {
		t.Errorf("a message of %d bytes: %v", talks.MaxMessageBytes, err)
	}
	for i := 1; i < talks.MaxMessagesPerRound; i++ {
		if _, err := th.send(t, "iran", talks.KindQuestion, "q", "", at); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	if _, err := th.send(t, "iran", talks.KindQuestion, "one too many", "", at); field(err) != "messages" {
		t.Errorf("message %d of the round: %v", talks.MaxMessagesPerRound+1, err)
	}
	if _, err := th.send(t, "us", talks.KindQuestion, "q", "", at); err != nil {
		t.Errorf("another party's count: %v", err)
	}
	for i := 0; i < talks.MaxMessagesPerRound*2; i++ {
		if _, err := th.relay(t, "oman", "", "r", []string{"us"}, false, at); err != nil {
			t.Fatalf("relay %d: %v", i+1, err)
		}
	}
	if _, err := th.relay(t, "oman", "", "r", []string{"us"}, false, at); field(err) != "messages" {
		t.Errorf("relay %d of the round: %v", 2*talks.MaxMessagesPerRound+1, err)
	}
	if err := r.NextRound("oman"); err != nil {
		t.Fatal(err)
	}
	if _, err := th.send(t, "iran", talks.KindQuestion, "next round", "", at); err != nil {
		t.Errorf("a new round: %v", err)
	}
}

// registry opens notes signed by the parties' keys.
type registry map[string]note.Verifier

func (g registry) Open(signed []byte) (string, string, error) {
	var vs []note.Verifier
	for _, v := range g {
		vs = append(vs, v)
	}
	n, err := note.Open(signed, note.VerifierList(vs...))
	if err != nil {
		return "", "", err
	}
	return n.Sigs[0].Name, n.Text, nil
}

// The final text is confirmed by each party's signature over its hash;
// a text with a bracketed clause, a signature over another text, or a
// stranger's key are refused.
func TestConfirmFinalText(t *testing.T) {
	r := room(t, talks.Standard)
	signers := map[string]note.Signer{}
	reg := registry{}
	for _, p := range []string{"us", "iran", "mallory"} {
		skey, vkey, _ := note.GenerateKey(rand.Reader, p)
		s, _ := note.NewSigner(skey)
		v, _ := note.NewVerifier(vkey)
		signers[p] = s
		if p != "mallory" {
			reg[p] = v
		}
	}
	sign := func(party string, version int, hash string) []byte {
		b, _ := note.Sign(&note.Note{Text: talks.ConfirmText("muscat", version, hash)}, signers[party])
		return b
	}
	draft, err := r.DraftText("oman", []talks.Clause{{ID: "c1", Text: "Enrichment up to 3.67 %", Status: talks.Agreed, Terms: []string{talks.TermEnrichmentCap}},
		{ID: "c2", Text: "[Stockpile]", Status: talks.Bracketed}}, jcpoaLike())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Confirm(reg, draft.Version, sign("us", draft.Version, draft.Hash())); err == nil {
		t.Error("a text with a bracketed clause was confirmed")
	}
	final, err := r.DraftText("oman", []talks.Clause{{ID: "c1", Text: "Enrichment up to 3.67 %", Status: talks.Agreed}, {ID: "c2", Text: "Stockpile 202.8 kg U", Status: talks.Agreed}}, jcpoaLike())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Confirm(reg, final.Version, sign("us", final.Version, draft.Hash())); err == nil {
		t.Error("a signature over another text's hash was accepted")
	}
	if _, err := r.Confirm(reg, final.Version, sign("mallory", final.Version, final.Hash())); err == nil {
		t.Error("an unregistered key confirmed")
	}
	for _, p := range []string{"us", "iran"} {
		if _, ok := r.Final(); ok {
			t.Fatal("final before both confirmed")
		}
		if got, err := r.Confirm(reg, final.Version, sign(p, final.Version, final.Hash())); err != nil || got != p {
			t.Fatalf("%s confirms: %v", p, err)
		}
	}
	if f, ok := r.Final(); !ok || f.Version != final.Version || f.Hash() != final.Hash() {
		t.Errorf("final %+v %v", f, ok)
	}
}

// A room survives a snapshot: red lines (still matching their
// commitments), proposals with their hidden origin, the ledger, texts and
// confirmations (messages are kept apart: TestRelay); a snapshot whose red lines were moved is refused.
func TestSnapshotRoundTrip(t *testing.T) {
	r := room(t, talks.Standard)
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 180)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	p, _ := r.Propose("oman", "iran", jcpoaLike(), true)
	at := time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC)
	if _, err := r.Feasibility("us", p.ID, at); err != nil {
		t.Fatal(err)
	}
	b, err := r.MarshalSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	back, err := talks.Restore(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := back.MarshalSnapshot()
	if string(b) != string(b2) {
		t.Errorf("the snapshot changed on the round trip:\n%s\n%s", b, b2)
	}
	if v, _ := back.ViewFor("us"); v.Proposals[0].Origin != "" || v.Proposals[0].Attribution != "oman" || len(v.RedLines) != 1 {
		t.Errorf("the US view after restore: %+v", v)
	}
	if v, _ := back.ViewFor("oman"); v.Proposals[0].Origin != "iran" || len(v.RedLines) != 2 {
		t.Errorf("the mediator's view after restore: %+v", v)
	}
	if _, err := back.Feasibility("us", p.ID, at); err != nil {
		t.Fatal(err)
	}
	if n := len(back.Ledger); n != 2 {
		t.Errorf("ledger %d after restore and one more query, want 2", n)
	}
	moved := strings.Replace(string(b), `"value":180`, `"value":100`, 1)
	if _, err := talks.Restore([]byte(moved)); err == nil || !strings.Contains(err.Error(), "do not match their commitment") {
		t.Errorf("moved red lines restored: %v", err)
	}
	if _, err := back.ViewFor("mallory"); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("a stranger viewed the room: %v", err)
	}
}

// A held proposal and the mediator's notes are the mediator's alone until
// the proposal is released.
func TestHeldProposalsAndNotes(t *testing.T) {
	r := room(t, talks.Standard)
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 180)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	p, err := r.Hold("oman", "oman", jcpoaLike(), false, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddNote("oman", "Iran may move on the stockpile if relief is phased", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := r.AddNote("us", "x", time.Now()); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("a party wrote a mediator's note: %v", err)
	}
	for _, party := range []string{"us", "iran"} {
		v, _ := r.ViewFor(party)
		if len(v.Proposals) != 0 || len(v.Notes) != 0 {
			t.Errorf("%s sees %d proposals and %d notes before the release", party, len(v.Proposals), len(v.Notes))
		}
		if _, err := r.Feasibility(party, p.ID, time.Now()); err == nil {
			t.Errorf("%s asked about a held proposal", party)
		}
	}
	if v, _ := r.ViewFor("oman"); len(v.Proposals) != 1 || len(v.Notes) != 1 {
		t.Errorf("the mediator's view: %+v", v)
	}
	if err := r.ReleaseProposal("iran", p.ID, time.Now()); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("a party released: %v", err)
	}
	if err := r.ReleaseProposal("oman", p.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.ViewFor("us"); len(v.Proposals) != 1 || len(v.Notes) != 0 {
		t.Errorf("after the release the US sees %d proposals and %d notes", len(v.Proposals), len(v.Notes))
	}
	if _, err := r.Feasibility("us", p.ID, time.Now()); err != nil {
		t.Errorf("after the release: %v", err)
	}
}

// The mediator freezes the issue space; a revision then opens a new
// version, which must keep every red line meaningful, and proposals of the
// old version are closed to questions. A party records what it will not
// discuss.
func TestSpaceVersions(t *testing.T) {
	r := room(t, talks.Standard)
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 180)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	p, _ := r.Propose("oman", "oman", jcpoaLike(), false)
	terms := space().Terms
	if err := r.Revise("oman", terms[:5]); err != nil || r.Space.Version != 1 {
		t.Fatalf("revising an open version: %v, version %d", err, r.Space.Version)
	}
	if err := r.Freeze("us"); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("a party froze the space: %v", err)
	}
	if err := r.Freeze("oman"); err != nil {
		t.Fatal(err)
	}
	if err := r.Revise("oman", terms[1:]); err == nil {
		t.Error("a revision dropped the term of Iran's red line")
	}
	if err := r.Revise("oman", terms); err != nil || r.Space.Version != 2 || r.Space.Frozen {
		t.Fatalf("revising a frozen version: %v, %+v", err, r.Space)
	}
	if _, err := r.Feasibility("us", p.ID, time.Now()); err == nil || !strings.Contains(err.Error(), "version 1") {
		t.Errorf("a version-1 proposal answered on version 2: %v", err)
	}
	if err := r.Exclude("iran", "missiles"); err != nil || len(r.Space.Excluded) != 1 {
		t.Errorf("exclusion: %v", err)
	}
	if err := r.Exclude("oman", "x"); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("the mediator excluded a topic for a party: %v", err)
	}
}
