// Package record defines Accord's evidence records: the kinds, their
// versioned JSON bodies and validation, and the signed envelope.
//
// A record is a JSON document (schema "accord.record/v1") signed by its
// author as a signed note (golang.org/x/mod/sumdb/note): the note text is
// the record's JSON on one line followed by a newline, and the signature
// lines name the author's key. The signed bytes are what the log holds;
// nobody re-canonicalizes them. Corrections are new records that name the
// record they correct; nothing is edited.
package record

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/input"
)

// Schema is the version of the record format.
const Schema = "accord.record/v1"

// MaxEntryBytes is the largest signed record the log accepts (the
// tlog-tiles entry limit). Larger attachments are stored beside the log and
// referenced by hash.
const MaxEntryBytes = 1<<16 - 1

// Record is the signed content of an entry.
type Record struct {
	Schema string `json:"schema" jsonschema:"enum=accord.record/v1"`
	Kind   Kind   `json:"kind"`
	// ID is unique in the log, chosen by the author.
	ID string `json:"id" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._:-]{0\\,127}$"`
	// Author is the party id of the signer.
	Author  string    `json:"author" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._:-]{0\\,127}$"`
	Created time.Time `json:"created" jsonschema:"pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	// Refs are ids of earlier records this one answers or builds on.
	Refs []string `json:"refs,omitempty"`
	// Corrects is the id of an earlier record of the same author that this
	// one corrects.
	Corrects string          `json:"corrects,omitempty"`
	Body     json.RawMessage `json:"body"`
}

// Parse reads a record from JSON, strictly: unknown fields, a key given
// twice in one object anywhere, and anything after the one JSON value are
// errors, and the body is validated for its kind.
func Parse(data []byte) (*Record, error) {
	if r, ok := parseFast(data); ok {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		return r, nil
	}
	return parseFull(data)
}

// parseFull is Parse without the shortcut of parseFast.
func parseFull(data []byte) (*Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("record: %v", err)
	}
	if err := checkStrict(data); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Validate checks the record's fields and its body for its kind.
func (r *Record) Validate() error {
	if r.Schema != Schema {
		return input.Errorf("schema", "must be %q, got %q", Schema, r.Schema)
	}
	spec, ok := kinds[r.Kind]
	if !ok {
		return input.Errorf("kind", "unknown kind %q (one of %s)", r.Kind, strings.Join(KindNames(), ", "))
	}
	if !input.IsID(r.ID) {
		return input.Errorf("id", "%s; got %q", input.IDRule, r.ID)
	}
	if !input.IsID(r.Author) {
		return input.Errorf("author", "must be a party id, got %q", r.Author)
	}
	if err := instant("created", r.Created); err != nil {
		return err
	}
	for i, ref := range r.Refs {
		if err := earlierRecord(fmt.Sprintf("refs[%d]", i), ref, r.ID); err != nil {
			return err
		}
	}
	if r.Corrects != "" {
		if err := earlierRecord("corrects", r.Corrects, r.ID); err != nil {
			return err
		}
	}
	if len(r.Body) == 0 {
		return input.Errorf("body", "is required")
	}
	return spec.validate(r)
}

// earlierRecord checks a reference from the record id to another record:
// a record id, and not id itself.
func earlierRecord(field, ref, id string) error {
	if !input.IsID(ref) {
		return input.Errorf(field, "must be a record id, got %q", ref)
	}
	if ref == id {
		return input.Errorf(field, "must name an earlier record, not this one (%q)", ref)
	}
	return nil
}

// Canonical returns the record's JSON in the one form Accord signs:
// compact, fields in the order of the Go types, the body as decoded and
// re-encoded.
func (r *Record) Canonical() ([]byte, error) {
	var body bytes.Buffer
	if err := json.Compact(&body, r.Body); err != nil {
		return nil, fmt.Errorf("record: body: %v", err)
	}
	c := *r
	c.Body = body.Bytes()
	c.Created = r.Created.UTC()
	return json.Marshal(&c)
}

// Sign validates r and returns the signed note of its canonical JSON.
func Sign(r *Record, signer note.Signer) ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	text, err := r.Canonical()
	if err != nil {
		return nil, err
	}
	signed, err := note.Sign(&note.Note{Text: string(text) + "\n"}, signer)
	if err != nil {
		return nil, err
	}
	if len(signed) > MaxEntryBytes {
		return nil, fmt.Errorf("record: signed record is %d bytes, more than the %d the log accepts; store attachments beside the log and reference their SHA-256", len(signed), MaxEntryBytes)
	}
	return signed, nil
}

// Signed is a record opened from its signed bytes.
type Signed struct {
	Record *Record
	// Bytes are the exact signed bytes.
	Bytes []byte
	// Signer is the key that signed it.
	Signer note.Signature
}

// Hash is the SHA-256 of the signed bytes, in hex.
func (s *Signed) Hash() string {
	h := sha256.Sum256(s.Bytes)
	return hex.EncodeToString(h[:])
}

// Open verifies signed bytes against known keys and parses the record.
// Exactly one known key must have signed.
func Open(signed []byte, known note.Verifiers) (*Signed, error) {
	if len(signed) > MaxEntryBytes {
		return nil, fmt.Errorf("record: %d bytes, more than %d", len(signed), MaxEntryBytes)
	}
	line, sig, err := openNote(signed, known)
	if err != nil {
		return nil, err
	}
	r, err := Parse(line)
	if err != nil {
		return nil, err
	}
	return &Signed{Record: r, Bytes: signed, Signer: sig}, nil
}

// openNote verifies a record's note and returns its line of JSON (a
// prefix of signed, which Parse reads without a copy) and its signature.
func openNote(signed []byte, known note.Verifiers) ([]byte, note.Signature, error) {
	text, sig, ok, err := openOneLine(signed, known)
	if ok && err == nil {
		return text[:len(text)-1], sig, nil
	}
	// Any other note: note.Open says what is wrong with it, or opens it.
	var n *note.Note
	if !ok {
		n, err = note.Open(signed, known)
	}
	if err != nil {
		var unknown *note.UnverifiedNoteError
		if errors.As(err, &unknown) {
			return nil, sig, &KeyError{Reason: "signed by no key the registry trusts"}
		}
		var ke *KeyError
		if errors.As(err, &ke) {
			return nil, sig, ke
		}
		return nil, sig, fmt.Errorf("record: signature: %v", err)
	}
	if len(n.Sigs) != 1 {
		return nil, sig, fmt.Errorf("record: want one trusted signature, got %d", len(n.Sigs))
	}
	line := strings.TrimSuffix(n.Text, "\n")
	if strings.Contains(line, "\n") {
		return nil, sig, errors.New("record: the signed text must be one line of JSON")
	}
	// A note is its text, then its signatures: the text is signed's prefix.
	return signed[:len(line)], n.Sigs[0], nil
}

// KeyError says why a record's key is not accepted.
type KeyError struct {
	Key    string
	Reason string
}

func (e *KeyError) Error() string {
	if e.Key == "" {
		return "key: " + e.Reason
	}
	return "key " + e.Key + ": " + e.Reason
}
