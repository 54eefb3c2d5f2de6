package record

import (
	"encoding/json"
	"time"
)

// The types below are what an index of the log holds and hands out: the
// store writes and reads them, the server serves them, and neither has a
// copy of its own.

// Row is an indexed record: its position in the log, what it is about, and
// the record itself.
type Row struct {
	Index    uint64          `json:"index"`
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Author   string          `json:"author"`
	Role     string          `json:"author_role"`
	Created  time.Time       `json:"created"`
	Site     string          `json:"site,omitempty"`
	Material string          `json:"material,omitempty"`
	AsOf     string          `json:"as_of,omitempty"`
	SHA256   string          `json:"entry_sha256"`
	Record   json.RawMessage `json:"record"`
}

// Filter selects indexed records.
type Filter struct {
	Kind     string
	Author   string
	Site     string
	Material string // matches one of a record's materials
	// From and To bound the date the record is about, inclusive.
	From, To string
	// After returns records with a higher index (paging).
	After *uint64
	// Limit is at most 1000; 0 means 100.
	Limit int
	// Private is a kind that only its authors read: its records are left
	// out unless Reader wrote them ("" leaves every record in). Paging
	// with a reader's filter then never passes a record it may not read.
	Private, Reader string
}

// ReadToken is a read token's record: the key it was issued to, the key's
// party and role, and when it expires. Only the token's SHA-256 is kept.
type ReadToken struct {
	SHA256  string
	KeyName string
	KeyHash uint32
	Party   string
	Role    string
	Expires time.Time
}

// Identity is the registered key that signed a note, and the note's text.
type Identity struct {
	KeyName string
	KeyHash uint32
	Party   string
	Role    string
	Text    string
}

// ErrNotFound is what an index returns for a record, token or room it does
// not hold.
var ErrNotFound error = notFound{}

type notFound struct{}

func (notFound) Error() string { return "not found" }

// ErrorCode classifies the error for callers that map errors to statuses.
func (notFound) ErrorCode() string { return "not_found" }

// Claim is what a record about to be appended to the log claims in the
// index, before the log sequences it: its id and the hash of its signed
// bytes, which no other entry may have, and the records it names, which
// must be in the log (or being appended). The index keeps the claim until
// the entry is indexed, or the claim is released because the entry never
// reached the log.
type Claim struct {
	ID     string
	Author string
	// SHA256 is the hash of the signed bytes, in hex (Signed.Hash).
	SHA256   string
	Refs     []string
	Corrects string
	// Token tells this claim from another one of the same record, so that
	// releasing it never releases someone else's.
	Token string
}

// ClaimOf is the claim of a signed record; token tells it from others.
func ClaimOf(s *Signed, token string) Claim {
	r := s.Record
	return Claim{ID: r.ID, Author: r.Author, SHA256: s.Hash(), Refs: r.Refs, Corrects: r.Corrects, Token: token}
}

// Conflict is why a claim is refused.
type Conflict struct {
	// Field is what conflicts: "entry" (the same signed bytes are in the
	// log), "id" (the record id is taken), "refs" or "corrects" (the
	// record named is not in the log, or for "corrects" not by the same
	// author).
	Field string
	// Value is the record id named, for "refs" and "corrects".
	Value string
	// Index is where the entry that has the same bytes or id is, unless
	// Pending: it is being appended.
	Index   uint64
	Pending bool
}
