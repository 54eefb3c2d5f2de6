package ledger

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/accordverify/accord/internal/record"
)

// Reserver is an index that answers the duplicate check from durable state
// shared by every process that uses it (package store implements it): an
// append reserves its record's id and entry hash there before the log
// sequences the entry, and indexing the entry ends the reservation. The
// log then keeps nothing in memory per record.
type Reserver interface {
	// Reserve claims c for an append. It returns the conflict when the
	// claim is refused (a duplicate, a dangling reference), and nothing
	// is kept then.
	Reserve(ctx context.Context, c record.Claim) (*record.Conflict, error)
	// Release ends c's reservation: its entry did not reach the log.
	Release(ctx context.Context, c record.Claim) error
	// ReleaseReservations ends every reservation. The writer calls it at
	// start, once the index holds every entry of the log: what is left
	// never reached the log.
	ReleaseReservations(ctx context.Context) error
}

// conflictError is the refusal of a conflicting claim.
func conflictError(c *record.Conflict, claim record.Claim) error {
	at := where(c.Index, c.Pending)
	switch c.Field {
	case "entry":
		return &RejectError{Code: "duplicate", Field: "entry", Err: fmt.Errorf("the same signed record is already %s", at)}
	case "id":
		return &RejectError{Code: "duplicate", Field: "id", Err: fmt.Errorf("record id %q is already %s", claim.ID, at)}
	case "refs":
		return reject("reference", fmt.Errorf("refs: no record %q in the log", c.Value))
	default:
		return reject("reference", fmt.Errorf("corrects: no record %q of author %q in the log", c.Value, claim.Author))
	}
}

func where(idx uint64, pending bool) string {
	if pending {
		return "being appended"
	}
	return fmt.Sprintf("at index %d", idx)
}

// memoryClaims is the duplicate check of a log without a Reserver index
// (the command line's own tools, tests): the log's ids and entry hashes in
// memory, compactly. Each is kept as the first 8 bytes of its SHA-256 and
// the log index, in sorted arrays (16 bytes an entry, 32 a record); a key
// that matches is confirmed by reading the entry from the log.
type memoryClaims struct {
	// entry reads a logged entry, to confirm a match.
	entry func(ctx context.Context, index uint64) ([]byte, error)

	mu     sync.Mutex
	ids    keyTable // short hash of the record id -> index
	hashes keyTable // short entry hash -> index
	// pending are the records reserved but not yet sequenced, by id; and
	// their ids, by entry hash.
	pending        map[string]record.Claim
	pendingByEntry map[string]string
}

func newMemoryClaims(entry func(context.Context, uint64) ([]byte, error)) *memoryClaims {
	return &memoryClaims{entry: entry, pending: map[string]record.Claim{}, pendingByEntry: map[string]string{}}
}

func shortID(id string) uint64 {
	h := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(h[:8])
}

func shortEntry(hexHash string) uint64 {
	var h [8]byte
	_, _ = hex.Decode(h[:], []byte(hexHash[:16]))
	return binary.BigEndian.Uint64(h[:])
}

// replayed adds the logged entries of a replay (no lock: Open has the
// log to itself); built sorts them once all are in.
func (m *memoryClaims) replayed(idx uint64, s *record.Signed) {
	m.ids.add(shortID(s.Record.ID), idx)
	h := sha256.Sum256(s.Bytes)
	m.hashes.add(binary.BigEndian.Uint64(h[:8]), idx)
}

func (m *memoryClaims) built() {
	m.ids.compact()
	m.hashes.compact()
}

// placed moves a reserved record to the logged ones, at index.
func (m *memoryClaims) placed(c record.Claim, index uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drop(c)
	m.ids.add(shortID(c.ID), index)
	m.hashes.add(shortEntry(c.SHA256), index)
}

func (m *memoryClaims) drop(c record.Claim) {
	if p, ok := m.pending[c.ID]; ok && p.Token == c.Token {
		delete(m.pending, c.ID)
		delete(m.pendingByEntry, c.SHA256)
	}
}

func (m *memoryClaims) Release(_ context.Context, c record.Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drop(c)
	return nil
}

func (m *memoryClaims) ReleaseReservations(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.pending)
	clear(m.pendingByEntry)
	return nil
}

func (m *memoryClaims) Reserve(ctx context.Context, c record.Claim) (*record.Conflict, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if idx, ok, err := m.logged(ctx, &m.hashes, shortEntry(c.SHA256), func(e []byte, _ *entryHead) bool {
		h := sha256.Sum256(e)
		return hex.EncodeToString(h[:]) == c.SHA256
	}); err != nil || ok {
		return &record.Conflict{Field: "entry", Index: idx}, err
	}
	if _, ok := m.pendingByEntry[c.SHA256]; ok {
		return &record.Conflict{Field: "entry", Pending: true}, nil
	}
	if idx, _, ok, err := m.loggedID(ctx, c.ID); err != nil || ok {
		return &record.Conflict{Field: "id", Index: idx}, err
	}
	if _, ok := m.pending[c.ID]; ok {
		return &record.Conflict{Field: "id", Pending: true}, nil
	}
	for _, ref := range c.Refs {
		if _, ok, err := m.author(ctx, ref); err != nil {
			return nil, err
		} else if !ok {
			return &record.Conflict{Field: "refs", Value: ref}, nil
		}
	}
	if c.Corrects != "" {
		if author, ok, err := m.author(ctx, c.Corrects); err != nil {
			return nil, err
		} else if !ok || author != c.Author {
			return &record.Conflict{Field: "corrects", Value: c.Corrects}, nil
		}
	}
	m.pending[c.ID] = c
	m.pendingByEntry[c.SHA256] = c.ID
	return nil, nil
}

// author returns the author of a record in the log or being appended.
func (m *memoryClaims) author(ctx context.Context, id string) (string, bool, error) {
	if p, ok := m.pending[id]; ok {
		return p.Author, true, nil
	}
	_, head, ok, err := m.loggedID(ctx, id)
	if !ok || err != nil {
		return "", false, err
	}
	return head.Author, true, nil
}

// entryHead is what the confirmation of a match reads of an entry.
type entryHead struct {
	ID     string `json:"id"`
	Author string `json:"author"`
}

// loggedID finds the logged record of an id.
func (m *memoryClaims) loggedID(ctx context.Context, id string) (uint64, *entryHead, bool, error) {
	var found *entryHead
	idx, ok, err := m.logged(ctx, &m.ids, shortID(id), func(_ []byte, h *entryHead) bool {
		if h.ID == id {
			found = h
			return true
		}
		return false
	})
	return idx, found, ok, err
}

// logged finds the logged entry whose short key is key and that match
// accepts. An entry the log cannot return yet (sequenced, not yet
// integrated) counts as a match.
func (m *memoryClaims) logged(ctx context.Context, t *keyTable, key uint64, match func([]byte, *entryHead) bool) (uint64, bool, error) {
	for _, idx := range t.find(key) {
		e, err := m.entry(ctx, idx)
		if err != nil {
			if ctx.Err() != nil {
				return 0, false, err
			}
			return idx, true, nil
		}
		var head entryHead
		line, _, _ := bytes.Cut(e, []byte("\n"))
		if err := json.Unmarshal(line, &head); err != nil {
			return 0, false, fmt.Errorf("ledger: entry %d: %w", idx, err)
		}
		if match(e, &head) {
			return idx, true, nil
		}
	}
	return 0, false, nil
}

// keyTable maps 8-byte keys to log indexes: a sorted part and a small
// unsorted one, merged into the sorted part as it grows.
type keyTable struct {
	keys, idx []uint64 // sorted by key
	recent    map[uint64]uint64
}

func (t *keyTable) add(key, idx uint64) {
	if _, ok := t.recent[key]; ok {
		// Two keys alike (a collision of the short hashes): the sorted
		// part holds any number.
		t.compact()
	}
	if t.recent == nil {
		t.recent = map[uint64]uint64{}
	}
	t.recent[key] = idx
	if len(t.recent) >= 1024+len(t.keys)/8 {
		t.compact()
	}
}

// compact merges the recent keys into the sorted part, sized exactly.
func (t *keyTable) compact() {
	if len(t.recent) == 0 {
		return
	}
	type pair struct{ key, idx uint64 }
	add := make([]pair, 0, len(t.recent))
	for k, i := range t.recent {
		add = append(add, pair{k, i})
	}
	slices.SortFunc(add, func(a, b pair) int { return cmp.Compare(a.key, b.key) })
	n := len(t.keys) + len(add)
	keys, idx := make([]uint64, 0, n), make([]uint64, 0, n)
	i := 0
	for _, p := range add {
		for i < len(t.keys) && t.keys[i] <= p.key {
			keys, idx = append(keys, t.keys[i]), append(idx, t.idx[i])
			i++
		}
		keys, idx = append(keys, p.key), append(idx, p.idx)
	}
	keys, idx = append(keys, t.keys[i:]...), append(idx, t.idx[i:]...)
	t.keys, t.idx, t.recent = keys, idx, nil
}

// find returns the indexes stored under key.
func (t *keyTable) find(key uint64) []uint64 {
	var out []uint64
	if i, ok := t.recent[key]; ok {
		out = append(out, i)
	}
	for i, _ := slices.BinarySearch(t.keys, key); i < len(t.keys) && t.keys[i] == key; i++ {
		out = append(out, t.idx[i])
	}
	return out
}
