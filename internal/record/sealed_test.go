package record_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

// member is a party's signing and encryption keys.
type member struct {
	party, role string
	signer      note.Signer
	vkey        string
	id          *age.X25519Identity
}

func newMember(t *testing.T, party, role string) member {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, party+"-1")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return member{party: party, role: role, signer: s, vkey: vkey, id: id}
}

func (m member) sign(t *testing.T, r *record.Record) []byte {
	t.Helper()
	b, err := record.Sign(r, m.signer)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sealedLog is a registry founded by a genesis record that keeps talks
// commitments confidential, with an operator, two parties and a mediator.
type sealedLog struct {
	reg                          *record.Registry
	next                         uint64
	operator, iran, us, mediator member
}

func newSealedLog(t *testing.T) *sealedLog {
	t.Helper()
	l := &sealedLog{reg: &record.Registry{}, operator: newMember(t, "operator", record.RoleOperator), iran: newMember(t, "iran", record.RoleState),
		us: newMember(t, "us", record.RoleParty), mediator: newMember(t, "oman", record.RoleMediator)}
	g := record.GenesisBody{Origin: "test", Confidential: record.DefaultConfidential}
	for _, m := range []member{l.operator, l.iran, l.us, l.mediator} {
		g.Members = append(g.Members, record.Member{Party: m.party, Role: m.role, Key: m.vkey, Recipient: m.id.Recipient().String()})
	}
	body, _ := json.Marshal(g)
	l.append(t, l.operator.sign(t, &record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "operator", Created: time.Now(), Body: body}))
	return l
}

func (l *sealedLog) check(entry []byte) (*record.Signed, error) {
	s, _, err := l.reg.Check(entry, l.next)
	return s, err
}

func (l *sealedLog) append(t *testing.T, entry []byte) *record.Signed {
	t.Helper()
	s, err := l.check(entry)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.reg.Apply(s, l.next); err != nil {
		t.Fatal(err)
	}
	l.next++
	return s
}

func commitment(author, id string) *record.Record {
	body, _ := json.Marshal(record.TalksCommitmentBody{Room: "muscat", SHA256: strings.Repeat("ab", 32)})
	return &record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: id, Author: author, Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Body: body}
}

func (l *sealedLog) seal(t *testing.T, r *record.Record, to ...string) *record.Record {
	t.Helper()
	rcpts, err := l.reg.Recipients(to)
	if err != nil {
		t.Fatal(err)
	}
	s, err := record.Seal(r, to, rcpts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A sealed record is opened by each of its recipients, by nobody else, and
// the log's members audit it without reading it: the signature, the key and
// the recipients' registration are checked over the ciphertext.
func TestSealedRecordOpensForItsRecipientsOnly(t *testing.T) {
	l := newSealedLog(t)
	sealed := l.seal(t, commitment("iran", "talks-5f0c2a9e"), "oman", "iran")
	entry := l.append(t, l.iran.sign(t, sealed))

	if got := record.SealedTo(entry.Record); strings.Join(got, ",") != "iran,oman" {
		t.Errorf("sealed to %v", got)
	}
	if bytes.Contains(entry.Bytes, []byte("muscat")) || bytes.Contains(entry.Bytes, []byte(strings.Repeat("ab", 32))) {
		t.Errorf("the log's entry shows the sealed content:\n%s", entry.Bytes)
	}
	for _, m := range []member{l.iran, l.mediator} {
		inner, err := record.OpenSealed(entry.Record, m.id)
		if err != nil {
			t.Fatalf("%s: %v", m.party, err)
		}
		body, _ := record.DecodeBody[record.TalksCommitmentBody](inner)
		if inner.Kind != record.TalksCommitment || inner.ID != "talks-5f0c2a9e" || inner.Author != "iran" || body.Room != "muscat" {
			t.Errorf("%s opened %+v", m.party, inner)
		}
	}
	for _, m := range []member{l.us, l.operator} {
		if _, err := record.OpenSealed(entry.Record, m.id); !errors.Is(err, record.ErrNotRecipient) {
			t.Errorf("%s, not a recipient, opened it: %v", m.party, err)
		}
	}
}

// The log's policy: a confidential kind in clear is refused by every
// member's replay, so a server that logged one would fail every audit.
func TestConfidentialKindInClearIsRefused(t *testing.T) {
	l := newSealedLog(t)
	_, err := l.check(l.iran.sign(t, commitment("iran", "c-1")))
	var fe *input.Error
	if !errors.As(err, &fe) || fe.Field != "kind" || !strings.Contains(err.Error(), "confidential") {
		t.Errorf("a talks commitment in clear: %v", err)
	}
	// Kinds the log does not keep confidential stay in clear.
	body, _ := json.Marshal(record.NotificationBody{Subject: "s", Text: "t"})
	l.append(t, l.iran.sign(t, &record.Record{Schema: record.Schema, Kind: record.Notification, ID: "n-1", Author: "iran", Created: time.Now(), Body: body}))
}

// A sealed record must name parties that hold an encryption key; the
// registry and key records cannot be sealed.
func TestSealRules(t *testing.T) {
	l := newSealedLog(t)
	if _, err := l.reg.Recipients([]string{"iran", "france"}); err == nil || !strings.Contains(err.Error(), `"france"`) {
		t.Errorf("sealing to a party without a key: %v", err)
	}
	// A sealed record naming a party without a key is refused by the replay.
	rcpts, _ := l.reg.Recipients([]string{"iran"})
	s, err := record.Seal(commitment("iran", "c-1"), []string{"france", "iran"}, rcpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.check(l.iran.sign(t, s)); err == nil || !strings.Contains(err.Error(), "france") {
		t.Errorf("sealed to a party without an encryption key: %v", err)
	}
	body, _ := json.Marshal(record.KeyRevocationBody{Party: "iran", Key: l.iran.vkey, Reason: "r"})
	if _, err := record.Seal(&record.Record{Schema: record.Schema, Kind: record.KeyRevocation, ID: "k", Author: "iran", Created: time.Now(), Body: body}, []string{"iran"}, rcpts); err == nil {
		t.Error("a key record was sealed")
	}
	// An observer may not sign a sealed record.
	obs := newMember(t, "watcher", record.RoleObserver)
	if record.MayAuthor(obs.role, record.Sealed) {
		t.Error("an observer may author sealed records")
	}
}

// A recipient cannot re-sign another record's ciphertext as its own: the
// content is bound to the id and author it was sealed under.
func TestSealedContentIsBoundToItsRecord(t *testing.T) {
	l := newSealedLog(t)
	sealed := l.seal(t, commitment("iran", "c-1"), "iran", "oman", "us")
	stolen := *sealed
	stolen.Author, stolen.ID = "us", "c-2"
	entry := l.append(t, l.us.sign(t, &stolen))
	if _, err := record.OpenSealed(entry.Record, l.us.id); err == nil || !strings.Contains(err.Error(), "belongs to record") {
		t.Errorf("a re-signed ciphertext opened as the thief's: %v", err)
	}
	// A changed ciphertext does not open.
	b, _ := record.DecodeBody[record.SealedBody](sealed)
	raw, _ := base64.StdEncoding.DecodeString(b.Age)
	raw[len(raw)-1] ^= 1
	b.Age = base64.StdEncoding.EncodeToString(raw)
	bad := *sealed
	bad.Body, _ = json.Marshal(b)
	if _, err := record.OpenSealed(&bad, l.iran.id); err == nil || errors.Is(err, record.ErrNotRecipient) {
		t.Errorf("a changed ciphertext: %v", err)
	}
}

// Encryption keys rotate and are revoked with their signing keys: after a
// rotation a record is sealed to the new key only.
func TestEncryptionKeysRotateWithTheirSigningKeys(t *testing.T) {
	l := newSealedLog(t)
	next := newMember(t, "iran", record.RoleState)
	skey, vkey, _ := note.GenerateKey(rand.Reader, "iran-2")
	next.signer, _ = note.NewSigner(skey)
	next.vkey = vkey
	body, _ := json.Marshal(record.KeyRegistrationBody{Party: "iran", Role: record.RoleState, Key: vkey, Replaces: l.iran.vkey, Recipient: next.id.Recipient().String()})
	l.append(t, l.iran.sign(t, &record.Record{Schema: record.Schema, Kind: record.KeyRegistration, ID: "k-2", Author: "iran", Created: time.Now(), Body: body}))
	entry := l.append(t, next.sign(t, l.seal(t, commitment("iran", "c-1"), "iran")))
	if _, err := record.OpenSealed(entry.Record, next.id); err != nil {
		t.Errorf("the new key: %v", err)
	}
	if _, err := record.OpenSealed(entry.Record, l.iran.id); !errors.Is(err, record.ErrNotRecipient) {
		t.Errorf("the retired key opened a record sealed after its retirement: %v", err)
	}
	// A registration's recipient must be an age X25519 recipient.
	_, v3, _ := note.GenerateKey(rand.Reader, "iran-3")
	bad, _ := json.Marshal(record.KeyRegistrationBody{Party: "iran", Role: record.RoleState, Key: v3, Recipient: "age1notakey"})
	_, err := record.Parse([]byte(`{"schema":"accord.record/v1","kind":"key_registration","id":"k-3","author":"iran","created":"2026-01-01T00:00:00Z","body":` + string(bad) + `}`))
	var fe *input.Error
	if !errors.As(err, &fe) || fe.Field != "body.recipient" {
		t.Errorf("a bad recipient: %v", err)
	}
}

// A record sealed to a party opens with each current key of the party that
// has an encryption key, whatever its role: Openers lists them, and
// Recipients seals to exactly those.
func TestOpenersAreEveryCurrentKeyOfTheParty(t *testing.T) {
	op, insp, old, bare, other := newMember(t, "iaea", record.RoleOperator), newMember(t, "iaea", record.RoleInspectorate),
		newMember(t, "iaea", record.RoleInspectorate), newMember(t, "iaea", record.RoleInspectorate), newMember(t, "iran", record.RoleState)
	keys := []record.Key{
		{Name: "op", Party: "iaea", Role: record.RoleOperator, Recipient: op.id.Recipient().String()},
		{Name: "insp", Party: "iaea", Role: record.RoleInspectorate, Recipient: insp.id.Recipient().String()},
		{Name: "old", Party: "iaea", Role: record.RoleInspectorate, Recipient: old.id.Recipient().String(), Revoked: true},
		{Name: "bare", Party: "iaea", Role: record.RoleInspectorate},
		{Name: "other", Party: "iran", Role: record.RoleState, Recipient: other.id.Recipient().String()},
	}
	var names []string
	for _, k := range record.Openers(keys, "iaea") {
		names = append(names, k.Name)
	}
	if got, want := strings.Join(names, " "), "op insp"; got != want {
		t.Errorf("openers of iaea: %s, want %s", got, want)
	}
	rcpts, err := record.Recipients(keys, []string{"iaea"})
	if err != nil {
		t.Fatal(err)
	}
	r := &record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: "talks-1", Author: "iran", Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Body: json.RawMessage(`{"room":"r","sha256":"` + strings.Repeat("ab", 32) + `"}`)}
	s, err := record.Seal(r, []string{"iaea"}, rcpts)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name  string
		m     member
		opens bool
	}{{"operator", op, true}, {"inspectorate", insp, true}, {"revoked", old, false}, {"no encryption key", bare, false}, {"another party", other, false}} {
		if _, err := record.OpenSealed(s, m.m.id); (err == nil) != m.opens {
			t.Errorf("the %s key: %v, want it to open: %v", m.name, err, m.opens)
		}
	}
}
