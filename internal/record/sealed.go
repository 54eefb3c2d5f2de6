package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"filippo.io/age"

	"github.com/accordverify/accord/internal/input"
)

// A sealed record carries need-to-know content through a log that every
// member copies: its body holds the content encrypted with age (v1, X25519
// recipients) to the current encryption keys of the parties it names, and
// the record is signed over the ciphertext. Every member's audit checks the
// signature, the author's key and the tree; only a recipient reads the
// content. docs/formats.md specifies the envelope byte by byte.

// SealedBody is the body of a sealed record.
type SealedBody struct {
	// To are the parties that can open it, each once, sorted.
	To []string `json:"to" jsonschema:"minItems=1,uniqueItems=true"`
	// Age is the age v1 file (binary format, not armored) in standard
	// base64 with padding.
	Age string `json:"age" jsonschema:"pattern=^YWdlLWVuY3J5cHRpb24ub3JnL3YxCi[A-Za-z0-9+/]*={0\\,2}$"`
}

func (b *SealedBody) validate() error {
	if len(b.To) == 0 {
		return input.Errorf("to", "names at least one recipient party")
	}
	for i, p := range b.To {
		if !input.IsID(p) {
			return input.Errorf(fmt.Sprintf("to[%d]", i), "must be a party id, got %q", p)
		}
		if i > 0 && b.To[i-1] >= p {
			return input.Errorf("to", "must be sorted, each party once")
		}
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b.Age)
	if err != nil {
		return input.Errorf("age", "must be standard base64: %v", err)
	}
	if !bytes.HasPrefix(raw, []byte(ageHeader)) {
		return input.Errorf("age", "is not an age v1 file (it must begin %q)", strings.TrimSpace(ageHeader))
	}
	return nil
}

const ageHeader = "age-encryption.org/v1\n"

// sealedContent is the plaintext of a sealed record: the kind and body it
// hides, bound to the outer record's id and author so that a ciphertext
// cannot be re-signed as someone else's record.
type sealedContent struct {
	Schema string          `json:"schema"`
	ID     string          `json:"id"`
	Author string          `json:"author"`
	Kind   Kind            `json:"kind"`
	Body   json.RawMessage `json:"body"`
}

// sealedSchema names the plaintext's format.
const sealedSchema = "accord.sealed/v1"

// Seal returns the sealed record that hides r's kind and body from all but
// the parties to, encrypted to recipients (their current encryption keys,
// as Registry.Recipients returns them). r is validated first; the sealed
// record keeps r's id, author, creation time and references.
func Seal(r *Record, to []string, recipients []age.Recipient) (*Record, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Kind == Sealed || !sealable(r.Kind) {
		return nil, input.Errorf("kind", "a %s record cannot be sealed: the registry and the log's policy must stay readable", r.Kind)
	}
	if len(recipients) == 0 {
		return nil, input.Errorf("to", "no encryption key to seal to")
	}
	to = slices.Clone(to)
	slices.Sort(to)
	to = slices.Compact(to)
	var body bytes.Buffer
	if err := json.Compact(&body, r.Body); err != nil {
		return nil, input.Errorf("body", "%v", err)
	}
	plain, err := json.Marshal(sealedContent{Schema: sealedSchema, ID: r.ID, Author: r.Author, Kind: r.Kind, Body: body.Bytes()})
	if err != nil {
		return nil, err
	}
	var ct bytes.Buffer
	w, err := age.Encrypt(&ct, recipients...)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	sb, err := json.Marshal(SealedBody{To: to, Age: base64.StdEncoding.EncodeToString(ct.Bytes())})
	if err != nil {
		return nil, err
	}
	s := &Record{Schema: Schema, Kind: Sealed, ID: r.ID, Author: r.Author, Created: r.Created, Refs: r.Refs, Corrects: r.Corrects, Body: sb}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// ErrNotRecipient is what opening a sealed record returns when none of the
// identities is one it was sealed to.
var ErrNotRecipient = errors.New("not sealed to this key")

// maxSealedPlaintext bounds what opening reads: a record is at most
// MaxEntryBytes, so its plaintext is smaller still.
const maxSealedPlaintext = MaxEntryBytes

// OpenSealed decrypts a sealed record with one of identities and returns
// the record it hides: the sealed record's id, author, time and references
// with the hidden kind and body, validated for that kind.
func OpenSealed(s *Record, identities ...age.Identity) (*Record, error) {
	if s.Kind != Sealed {
		return nil, input.Errorf("kind", "must be sealed, got %s", s.Kind)
	}
	b, err := DecodeBody[SealedBody](s)
	if err != nil {
		return nil, input.Errorf("body", "%v", err)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b.Age)
	if err != nil {
		return nil, input.Errorf("body.age", "must be standard base64: %v", err)
	}
	rd, err := age.Decrypt(bytes.NewReader(raw), identities...)
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return nil, ErrNotRecipient
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.ID, err)
	}
	plain, err := io.ReadAll(io.LimitReader(rd, maxSealedPlaintext+1))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.ID, err)
	}
	if len(plain) > maxSealedPlaintext {
		return nil, fmt.Errorf("open %s: the content is larger than a record", s.ID)
	}
	var c sealedContent
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() {
		return nil, fmt.Errorf("open %s: the content is not a sealed record's JSON: %v", s.ID, err)
	}
	if c.Schema != sealedSchema || c.ID != s.ID || c.Author != s.Author {
		return nil, fmt.Errorf("open %s: the content belongs to record %q of %q (%s), not to this one", s.ID, c.ID, c.Author, c.Schema)
	}
	inner := &Record{Schema: Schema, Kind: c.Kind, ID: s.ID, Author: s.Author, Created: s.Created, Refs: s.Refs, Corrects: s.Corrects, Body: c.Body}
	if c.Kind == Sealed || !sealable(c.Kind) {
		return nil, fmt.Errorf("open %s: a %s record cannot be sealed", s.ID, c.Kind)
	}
	if err := inner.Validate(); err != nil {
		return nil, fmt.Errorf("open %s: %w", s.ID, err)
	}
	return inner, nil
}

// SealedTo returns the parties a sealed record names, or nil for any other
// record.
func SealedTo(r *Record) []string {
	if r.Kind != Sealed {
		return nil
	}
	b, err := DecodeBody[SealedBody](r)
	if err != nil {
		return nil
	}
	return b.To
}

// sealable: the kinds that found or change the key registry stay in clear,
// so that every member replays the same registry.
func sealable(k Kind) bool {
	switch k {
	case Genesis, KeyRegistration, KeyRevocation:
		return false
	}
	_, ok := kinds[k]
	return ok
}

// IsConfidential reports whether the log's genesis makes records of kind k
// confidential: they are accepted only sealed.
func (g *GenesisBody) IsConfidential(k Kind) bool {
	return g != nil && slices.Contains(g.Confidential, k)
}

// DefaultConfidential are the kinds a new log keeps confidential unless
// told otherwise: the talks' commitments, which only their author and the
// mediator read.
var DefaultConfidential = []Kind{TalksCommitment}

// ParseRecipient checks an encryption key: an age X25519 recipient.
func ParseRecipient(s string) (age.Recipient, error) {
	return age.ParseX25519Recipient(s)
}

// Recipients returns the current encryption keys of each of the parties,
// to seal a record to them. A party with no current encryption key is an
// error that names it.
func (r *Registry) Recipients(parties []string) ([]age.Recipient, error) {
	return Recipients(r.Keys(), parties)
}

// Recipients returns the current encryption keys of each of the parties
// among keys (a registry's, as Registry.Keys or the API lists them).
func Recipients(keys []Key, parties []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, p := range parties {
		openers := Openers(keys, p)
		if len(openers) == 0 {
			return nil, input.Errorf("to", "party %q has no current encryption key in the log's registry (register one with a key_registration record that carries a recipient)", p)
		}
		for _, k := range openers {
			rc, err := ParseRecipient(k.Recipient)
			if err != nil {
				return nil, fmt.Errorf("key %s: encryption key: %v", k.Name, err)
			}
			out = append(out, rc)
		}
	}
	return out, nil
}

// Openers returns the keys among keys that open a record sealed to party:
// every current key of the party with an encryption key, whatever its
// role. A party that holds keys of several roles (a log operator that is
// also an inspectorate) reads with each of them what is sealed to it.
func Openers(keys []Key, party string) []Key {
	var out []Key
	for _, k := range keys {
		if k.Party == party && !k.Revoked && k.Recipient != "" {
			out = append(out, k)
		}
	}
	return out
}
