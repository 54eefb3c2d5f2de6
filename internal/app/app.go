// Package app is Accord's application: the evidence log and its index
// opened together, with the server's interfaces implemented over them.
// serve, demo, reindex, every command that reads a log, and the end-to-end
// tests start it; cmd/accord only parses flags and renders.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"filippo.io/age"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/store"
)

// Config says which log to open, over which index, as which operator.
type Config struct {
	// Dir is the log's directory; DB the index (a postgres:// URL or a
	// SQLite file; "" is DefaultDB(Dir)).
	Dir, DB string
	// Operator signs the log's checkpoints.
	Operator note.Signer
	// Identity is the operator's encryption key (nil: none): the server
	// opens the records sealed to the operator's party with it, to check
	// talks commitments and show their recipients what they were sent.
	Identity *age.X25519Identity
	// WitnessURLs override the witness addresses of the genesis record.
	WitnessURLs map[string]string
	// Genesis, when set, creates the log with this genesis record.
	Genesis []byte
	// Warn is told when a damaged index is set aside or an index that
	// differs from the log is rebuilt (nil: not told).
	Warn func(string)
	// SubmitWait is how long Submit waits for a record's receipt (0: 5 s).
	SubmitWait time.Duration
	// Logger receives what the log does in the background (index retries,
	// publication at start); nil is slog.Default().
	Logger *slog.Logger
}

// DefaultDB is the SQLite index beside a log directory.
func DefaultDB(dir string) string { return strings.TrimSuffix(dir, "/") + ".index.db" }

// App is an open log with its index.
type App struct {
	Log      *ledger.Log
	Index    *store.Store
	wait     time.Duration
	identity *age.X25519Identity
	dir      string // the log's directory
}

// Open opens the index, then the log over it (which indexes whatever the
// index lacks). A damaged SQLite index is set aside and an index that
// differs from the log is rebuilt from it; cfg.Warn is told.
func Open(ctx context.Context, cfg Config) (*App, error) {
	warn := cfg.Warn
	if warn == nil {
		warn = func(string) {}
	}
	dsn := cfg.DB
	if dsn == "" {
		dsn = DefaultDB(cfg.Dir)
	}
	idx, note, err := store.OpenRecovering(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if note != "" {
		warn(note)
	}
	opts := ledger.Options{Operator: cfg.Operator, WitnessURLs: cfg.WitnessURLs, Index: idx, Logger: cfg.Logger}
	var l *ledger.Log
	if cfg.Genesis != nil {
		l, err = ledger.Create(ctx, ledger.POSIX(cfg.Dir), opts, cfg.Genesis)
	} else {
		l, err = ledger.Open(ctx, ledger.POSIX(cfg.Dir), opts)
	}
	if err != nil {
		idx.Close()
		return nil, err
	}
	if why := l.Rebuilt(); why != "" {
		warn(why)
	}
	wait := cfg.SubmitWait
	if wait == 0 {
		wait = 5 * time.Second
	}
	return &App{Log: l, Index: idx, wait: wait, identity: cfg.Identity, dir: cfg.Dir}, nil
}

// Close closes the log, waiting up to ten seconds for its last
// checkpoint, then the index.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.Log.Close(ctx)
	return errors.Join(err, a.Index.Close())
}

// Reindex empties the index and rebuilds it from every entry of the log;
// it returns the number of entries indexed and the index's dialect.
func Reindex(ctx context.Context, cfg Config) (uint64, string, error) {
	dsn := cfg.DB
	if dsn == "" {
		dsn = DefaultDB(cfg.Dir)
	}
	idx, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, "", err
	}
	err = idx.Reset(ctx)
	idx.Close()
	if err != nil {
		return 0, "", err
	}
	a, err := Open(ctx, cfg)
	if err != nil {
		return 0, "", err
	}
	defer a.Close()
	n, err := a.Index.Size(ctx)
	return n, a.Index.Dialect(), err
}

// ServerOptions are what a server adds to the app.
type ServerOptions struct {
	Logger *slog.Logger
	// RatePerSecond and Burst bound each caller (0: the server's
	// defaults).
	RatePerSecond float64
	Burst         int
	// Demo marks every page as the demonstration's.
	Demo bool
}

// Server is the API and dashboard over the app, for the built-in JCPOA and
// the embedded public series.
func (a *App) Server(o ServerOptions) *server.Server {
	return server.New(server.Config{Log: a, Index: a, Auth: a, Keys: a, Rooms: a, Confidential: a, LogFiles: ledger.NewFiles(a.Log.Reader()),
		Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), Logger: o.Logger,
		RatePerSecond: o.RatePerSecond, Burst: o.Burst, Demo: o.Demo})
}

var (
	_ server.Log   = (*App)(nil)
	_ server.Index = (*App)(nil)
	_ server.Auth  = (*App)(nil)
	_ server.Keys  = (*App)(nil)
	_ server.Rooms = (*App)(nil)

	_ server.Confidential = (*App)(nil)
)

// Registry is the log's key registry as of its latest entry.
func (a *App) Registry() *record.Registry { return a.Log.Registry() }

// OpenSealed opens a sealed record with the operator's encryption key.
func (a *App) OpenSealed(r *record.Record) (*record.Record, error) {
	if a.identity == nil {
		return nil, record.ErrNotRecipient
	}
	return record.OpenSealed(r, a.identity)
}

// ServerParty is the party of the registered, current key whose
// encryption key the server holds ("" when none).
func (a *App) ServerParty() string {
	if a.identity == nil {
		return ""
	}
	want := a.identity.Recipient().String()
	for _, k := range a.Log.Registry().Keys() {
		if k.Recipient == want && !k.Revoked {
			return k.Party
		}
	}
	return ""
}

// Submit appends a signed record, indexes it and waits briefly for its
// receipt. A rejection is an error with its code for the API.
func (a *App) Submit(ctx context.Context, entry []byte) (server.Submitted, error) {
	seq, r, err := a.Log.Submit(ctx, entry, a.wait)
	var (
		re   *ledger.RejectError
		down *ledger.IndexDownError
		late *ledger.NotIndexedError
	)
	switch {
	case errors.As(err, &down):
		return server.Submitted{}, &server.Error{Code: "unavailable", Message: "the index database is unavailable; nothing was stored, try again"}
	case errors.Is(err, ledger.ErrStorageFull):
		return server.Submitted{}, &server.Error{Code: "storage_full",
			Message: "the log's disk is full: nothing was stored; submissions succeed again once the operator frees space"}
	case errors.As(err, &late):
		return server.Submitted{}, &server.Error{Code: "not_indexed", Index: &late.Index,
			Message: fmt.Sprintf("the record is in the log at index %d but the index database is unavailable, so it is not acknowledged yet; it is indexed as soon as the database returns (submitting it again is refused as a duplicate at that index)", late.Index)}
	case errors.As(err, &re):
		e := &server.Error{Code: re.Code, Message: re.Err.Error()}
		var in *input.Error
		if errors.As(err, &in) {
			e.Field = in.Field
		}
		return server.Submitted{}, e
	case errors.Is(err, ledger.ErrNotPublished):
		return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author}, nil
	case err != nil:
		return server.Submitted{}, err
	}
	b, _ := json.Marshal(r)
	return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author, Receipt: b}, nil
}

// Receipt returns the receipt of the entry at index, waiting at most a
// tenth of a second for a published checkpoint that covers it; nil when
// none does yet.
func (a *App) Receipt(ctx context.Context, index uint64) (json.RawMessage, error) {
	rctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	r, err := a.Log.Receipt(rctx, index)
	if errors.Is(err, ledger.ErrNotPublished) || (errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil) {
		return nil, nil // not yet published
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

// Checkpoint is the latest published checkpoint.
func (a *App) Checkpoint(ctx context.Context) ([]byte, error) { return a.Log.Checkpoint(ctx) }

// Check verifies the entry at index as a reader would: its signature
// against the key registry, its inclusion proof against the latest
// published checkpoint, and that checkpoint's signatures.
func (a *App) Check(ctx context.Context, index uint64) (server.RecordCheck, error) {
	var c server.RecordCheck
	entry, err := a.Log.Entry(ctx, index)
	if err != nil {
		return c, err
	}
	sum := sha256.Sum256(entry)
	c.EntrySHA256 = hex.EncodeToString(sum[:])
	if id, err := a.Log.Identify(entry); err != nil {
		c.Signature = "not valid under the current key registry (" + err.Error() + "); accord audit checks it against the registry's history"
	} else {
		c.SignatureOK, c.Key, c.Role = true, id.KeyName, id.Role
	}
	trust, err := ledger.TrustFromGenesis(a.Log.Genesis())
	if err != nil {
		return c, err
	}
	c.Required = trust.Required
	rctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	r, err := a.Log.Receipt(rctx, index)
	if err != nil {
		c.Inclusion = err.Error()
		return c, nil
	}
	c.Checkpoint, c.ProofHashes = r.Checkpoint, len(r.InclusionProof)
	if r.Record != string(entry) {
		c.Inclusion = "the receipt's record differs from the log's entry"
		return c, nil
	}
	cp, err := r.Verify(trust)
	if err != nil {
		c.Inclusion = err.Error()
		return c, nil
	}
	_, cosigners, _ := trust.VerifyCheckpoint([]byte(r.Checkpoint))
	c.InclusionOK, c.TreeSize, c.RootHash, c.Cosigners = true, cp.Size, base64.StdEncoding.EncodeToString(cp.Hash), cosigners
	return c, nil
}

// Query returns the indexed records f selects.
func (a *App) Query(ctx context.Context, f record.Filter) ([]record.Row, error) {
	return a.Index.Query(ctx, f)
}

// Get returns the indexed record at index, or record.ErrNotFound.
func (a *App) Get(ctx context.Context, index uint64) (record.Row, error) {
	return a.Index.Get(ctx, index)
}

// Facts are the index's facts with the continuity of knowledge its
// monitoring events give.
func (a *App) Facts(ctx context.Context) ([]state.Fact, error) {
	facts, err := a.Index.Facts(ctx)
	if err != nil {
		return nil, err
	}
	events, err := a.Events(ctx)
	if err != nil {
		return nil, err
	}
	return append(facts, accountancy.Facts(accountancy.Continuity(events))...), nil
}

// Events are the monitoring events of the index, in log order.
func (a *App) Events(ctx context.Context) ([]accountancy.Event, error) {
	var events []accountancy.Event
	err := a.each(ctx, record.MonitoringEvent, func(row record.Row, r *record.Record) {
		if e, ok := evidence.Event(row.Index, r); ok {
			events = append(events, e)
		}
	})
	return events, err
}

// Books are the accountancy records of the index, by material balance
// area.
func (a *App) Books(ctx context.Context) (*accountancy.Books, error) {
	l := evidence.NewLog()
	for _, k := range evidence.BookKinds {
		if err := a.each(ctx, k, func(row record.Row, r *record.Record) { l.Add(row.Index, row.Role, r) }); err != nil {
			return nil, err
		}
	}
	return l.Books(), l.Err()
}

// each calls fn with every indexed record of kind, in log order.
func (a *App) each(ctx context.Context, kind record.Kind, fn func(record.Row, *record.Record)) error {
	f := record.Filter{Kind: string(kind), Limit: 1000}
	for {
		rows, err := a.Index.Query(ctx, f)
		if err != nil {
			return err
		}
		for _, row := range rows {
			var r record.Record
			if err := json.Unmarshal(row.Record, &r); err != nil {
				return fmt.Errorf("index %d: %w", row.Index, err)
			}
			fn(row, &r)
		}
		if len(rows) < f.Limit {
			return nil
		}
		last := rows[len(rows)-1].Index
		f.After = &last
	}
}

// SaveChallenge keeps a one-time sign-in challenge until it expires.
func (a *App) SaveChallenge(ctx context.Context, nonce string, expires time.Time) error {
	return a.Index.SaveChallenge(ctx, nonce, expires)
}

// TakeChallenge uses up a challenge; false when it is unknown or expired.
func (a *App) TakeChallenge(ctx context.Context, nonce string, now time.Time) (bool, error) {
	return a.Index.TakeChallenge(ctx, nonce, now)
}

// SaveToken keeps a read token's record.
func (a *App) SaveToken(ctx context.Context, t record.ReadToken) error {
	return a.Index.SaveToken(ctx, t)
}

// LookupToken finds a read token by its SHA-256.
func (a *App) LookupToken(ctx context.Context, sha string) (record.ReadToken, error) {
	return a.Index.LookupToken(ctx, sha)
}

// Identify opens a signed note against the log's key registry.
func (a *App) Identify(signed []byte) (record.Identity, error) { return a.Log.Identify(signed) }

// Current reports whether a key is registered and not revoked.
func (a *App) Current(name string, hash uint32) bool { return a.Log.KeyCurrent(name, hash) }

// SaveRoom keeps a talks room's state.
func (a *App) SaveRoom(ctx context.Context, id string, state []byte) error {
	return a.Index.SaveRoom(ctx, id, state)
}

// LoadRoom returns a talks room's state, or record.ErrNotFound.
func (a *App) LoadRoom(ctx context.Context, id string) ([]byte, error) {
	return a.Index.LoadRoom(ctx, id)
}

// RoomIDs lists the talks rooms.
func (a *App) RoomIDs(ctx context.Context) ([]string, error) { return a.Index.RoomIDs(ctx) }

// AddMessage stores a talks room's next message as a row of its own.
func (a *App) AddMessage(ctx context.Context, room, id, sender string, round int, message []byte) error {
	return a.Index.AddMessage(ctx, room, id, sender, round, message)
}

// UpdateMessages replaces messages of a room by id, all or none.
func (a *App) UpdateMessages(ctx context.Context, room string, messages map[string][]byte) error {
	return a.Index.UpdateMessages(ctx, room, messages)
}

// Messages returns a room's messages in order: all, or those of ids.
func (a *App) Messages(ctx context.Context, room string, ids []string) ([][]byte, error) {
	return a.Index.Messages(ctx, room, ids)
}

// CountMessages counts a room's messages, and sender's in round.
func (a *App) CountMessages(ctx context.Context, room, sender string, round int) (int, int, error) {
	return a.Index.CountMessages(ctx, room, sender, round)
}
