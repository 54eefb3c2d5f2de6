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
	"sync"
	"sync/atomic"
	"time"

	"filippo.io/age"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/lease"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/metrics"
	"github.com/accordverify/accord/internal/poll"
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
	// publication at start, the writer's lease); nil is slog.Default().
	Logger *slog.Logger
	// Replica lets Open start as a reader when another process writes the
	// log: it serves reads, refuses submissions naming the writer, and
	// becomes the writer once that one is gone. Without it Open fails
	// while another process writes the log.
	Replica bool
	// Advertise is the address this process serves the API at, recorded
	// with the writer's lease for readers to name.
	Advertise string
	// LeasePoll is how often a reader asks for the writer's lease and a
	// writer checks that it still holds it (0: one second).
	LeasePoll time.Duration
	// Metrics, when set, count submissions and appends and time the
	// requests to the witnesses.
	Metrics *metrics.Metrics
}

// DefaultDB is the SQLite index beside a log directory.
func DefaultDB(dir string) string { return strings.TrimSuffix(dir, "/") + ".index.db" }

// App is an open log with its index: the log's writer, or a reader of a
// log that another process writes, which becomes the writer when that one
// is gone (Config.Replica).
type App struct {
	// Index is the log's index, shared by the writer and its readers.
	Index    *store.Store
	log      atomic.Pointer[ledger.Log]
	wait     time.Duration
	identity *age.X25519Identity
	cfg      Config
	lease    *lease.Lease
	// writer is the address the writer advertises, as a reader last saw
	// it.
	writer   atomic.Pointer[string]
	stop     context.CancelFunc
	watching sync.WaitGroup
}

// Log is the open log: the writer's, or a reader's view of it. A reader
// that takes over replaces it: call Log for each use rather than keeping
// it.
func (a *App) Log() *ledger.Log { return a.log.Load() }

// Open takes the log's writer lease, opens the index, then the log over it
// (which indexes whatever the index lacks). A damaged SQLite index is set
// aside and an index that differs from the log is rebuilt from it;
// cfg.Warn is told.
//
// When another process holds the lease, Open fails naming it, unless
// cfg.Replica: then the app reads the log and its index, refuses
// submissions, and takes the lease, opening the log as its writer, once
// the writer is gone.
func Open(ctx context.Context, cfg Config) (*App, error) { return open(ctx, cfg, false) }

// open is Open; reset empties the index (once the lease is held) before
// the log is opened over it.
func open(ctx context.Context, cfg Config, reset bool) (*App, error) {
	if cfg.Warn == nil {
		cfg.Warn = func(string) {}
	}
	if cfg.DB == "" {
		cfg.DB = DefaultDB(cfg.Dir)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LeasePoll <= 0 {
		cfg.LeasePoll = time.Second
	}
	if cfg.SubmitWait == 0 {
		cfg.SubmitWait = 5 * time.Second
	}
	lcfg := lease.Config{Dir: cfg.Dir, Origin: cfg.Operator.Name(), Advertise: cfg.Advertise}
	if strings.HasPrefix(cfg.DB, "postgres://") || strings.HasPrefix(cfg.DB, "postgresql://") { // as store.Open tells them apart
		lcfg.Postgres = cfg.DB
	}
	ls, err := lease.New(lcfg)
	if err != nil {
		return nil, err
	}
	held, err := ls.TryAcquire(ctx)
	if err != nil {
		ls.Close()
		return nil, err
	}
	if !held && (!cfg.Replica || cfg.Genesis != nil || reset) {
		who := ls.Holder(ctx)
		ls.Close()
		return nil, &input.Error{Field: "dir", Rule: fmt.Sprintf("another process writes the log in %s%s: a log has one writer at a time (stop it first, or serve this one as a reader)", cfg.Dir, at(who))}
	}
	a := &App{wait: cfg.SubmitWait, identity: cfg.Identity, cfg: cfg, lease: ls}
	var l *ledger.Log
	if held {
		l, err = a.openWriter(ctx, reset)
	} else {
		l, err = a.openReader(ctx)
		who := ls.Holder(ctx)
		a.writer.Store(&who)
	}
	if err != nil {
		ls.Close()
		return nil, err
	}
	a.log.Store(l)
	if cfg.Metrics != nil {
		cfg.Metrics.Watch(a.MetricsState())
	}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop = stop
	a.watching.Go(func() { a.watch(wctx) })
	return a, nil
}

// at names a writer's address in a message.
func at(addr string) string {
	if addr == "" {
		return ""
	}
	return " (its server is at " + addr + ")"
}

// storage is the log's directory, its witnesses asked through the
// metrics' client when there are metrics.
func (a *App) storage() ledger.Storage {
	if a.cfg.Metrics == nil {
		return ledger.POSIX(a.cfg.Dir)
	}
	return ledger.POSIXWith(a.cfg.Dir, a.cfg.Metrics.WitnessClient(nil))
}

// ledgerOptions are the options of the log, as its writer.
func (a *App) ledgerOptions() ledger.Options {
	return ledger.Options{Operator: a.cfg.Operator, WitnessURLs: a.cfg.WitnessURLs, Index: a.Index, Logger: a.cfg.Logger}
}

// openWriter opens the index (setting a damaged SQLite file aside) and the
// log over it as its writer; the lease is held.
func (a *App) openWriter(ctx context.Context, reset bool) (*ledger.Log, error) {
	idx, note, err := store.OpenRecovering(ctx, a.cfg.DB)
	if err != nil {
		return nil, err
	}
	if note != "" {
		a.cfg.Warn(note)
	}
	if reset {
		if err := idx.Reset(ctx); err != nil {
			idx.Close()
			return nil, err
		}
	}
	a.Index = idx
	var l *ledger.Log
	if a.cfg.Genesis != nil {
		l, err = ledger.Create(ctx, a.storage(), a.ledgerOptions(), a.cfg.Genesis)
	} else {
		l, err = ledger.Open(ctx, a.storage(), a.ledgerOptions())
	}
	if err != nil {
		idx.Close()
		return nil, err
	}
	if why := l.Rebuilt(); why != "" {
		a.cfg.Warn(why)
	}
	return l, nil
}

// openReader opens the index as it is (the writer repairs it, not a
// reader) and the log for reading.
func (a *App) openReader(ctx context.Context) (*ledger.Log, error) {
	idx, err := store.Open(ctx, a.cfg.DB)
	if err != nil {
		return nil, err
	}
	l, err := ledger.OpenReader(ctx, ledger.POSIX(a.cfg.Dir), ledger.Options{Operator: a.cfg.Operator, Logger: a.cfg.Logger}, a.cfg.LeasePoll)
	if err != nil {
		idx.Close()
		return nil, err
	}
	a.Index = idx
	return l, nil
}

// watch runs until ctx ends: a writer checks every poll that it still
// holds its lease (and reads the log, appending nothing more, once it does
// not); a reader asks for the lease every poll, and opens the log as its
// writer once it has it.
func (a *App) watch(ctx context.Context) {
	poll.Every(ctx, a.cfg.LeasePoll, func() error { return a.watchOnce(ctx) }, func(err error) {
		a.cfg.Logger.Warn("cannot ask for the log's writer lease; retrying", "err", err)
	}, nil)
}

// watchOnce is one poll of watch; its error is the reader's failure to
// ask for the lease.
func (a *App) watchOnce(ctx context.Context) error {
	l := a.Log()
	switch {
	case l.Writing() && a.lease.Held():
		if err := a.lease.Check(ctx); err != nil && ctx.Err() == nil {
			a.cfg.Logger.Error("this process lost the log's writer lease: it appends nothing more and reads the log", "err", err)
			a.demote(ctx)
		}
	case l.Writing():
		a.demote(ctx) // lost, and the reader could not open before
	default:
		held, err := a.lease.TryAcquire(ctx)
		if err != nil || ctx.Err() != nil {
			return err
		}
		if !held {
			who := a.lease.Holder(ctx)
			a.writer.Store(&who)
			return nil
		}
		a.promote(ctx)
	}
	return nil
}

// promote opens the log as its writer, from the log's state, once the
// lease is held, and puts it in the reader's place.
func (a *App) promote(ctx context.Context) {
	start := time.Now()
	w, err := ledger.Open(ctx, ledger.POSIX(a.cfg.Dir), a.ledgerOptions())
	if err != nil {
		a.cfg.Logger.Error("this process took the log's writer lease but cannot open the log as its writer; it gives the lease back and tries again", "err", err)
		a.lease.Release()
		return
	}
	if why := w.Rebuilt(); why != "" {
		a.cfg.Warn(why)
	}
	old := a.log.Swap(w)
	closeLog(old)
	size, _ := w.Reader().IntegratedSize(ctx)
	a.cfg.Logger.Info("this process is now the log's writer", "opened_in", time.Since(start).String(), "entries", size, "advertise", a.cfg.Advertise)
}

// demote puts a reader of the log in the place of a writer that lost its
// lease; when the reader cannot open, the writer stays in place, refusing
// submissions (its lease is gone), and the next poll tries again.
func (a *App) demote(ctx context.Context) {
	r, err := ledger.OpenReader(ctx, ledger.POSIX(a.cfg.Dir), ledger.Options{Operator: a.cfg.Operator, Logger: a.cfg.Logger}, a.cfg.LeasePoll)
	if err != nil {
		a.cfg.Logger.Error("cannot open the log for reading after losing its writer lease; trying again", "err", err)
		return
	}
	closeLog(a.log.Swap(r))
}

// closeLog closes a log that is no longer in use, waiting up to ten seconds
// for its last checkpoint.
func closeLog(l *ledger.Log) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = l.Close(ctx)
}

// Writing reports whether this process is the log's writer: it holds the
// lease and has the log open for appending.
func (a *App) Writing() bool { return a.Log().Writing() && a.lease.Held() }

// Writer reports whether this process writes the log and, when it does
// not, the address the writer advertises ("" when unknown).
func (a *App) Writer() (bool, string) {
	if a.Writing() {
		return true, a.cfg.Advertise
	}
	if w := a.writer.Load(); w != nil {
		return false, *w
	}
	return false, ""
}

// Role says what this process is to the log: "writer", or "reader of the
// log that ADDR writes".
func (a *App) Role() string {
	if self, writer := a.Writer(); !self {
		return "reader of the log that " + writer + " writes"
	}
	return "writer"
}

// Close stops following the lease, closes the log (waiting up to ten
// seconds for its last checkpoint), gives the lease up, then closes the
// index.
func (a *App) Close() error {
	a.stop()
	a.watching.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.Log().Close(ctx)
	a.lease.Close()
	return errors.Join(err, a.Index.Close())
}

// Reindex empties the index and rebuilds it from every entry of the log;
// it returns the number of entries indexed and the index's dialect. It
// needs the writer's lease: it fails while another process writes the log.
func Reindex(ctx context.Context, cfg Config) (uint64, string, error) {
	cfg.Replica = false
	a, err := open(ctx, cfg, true)
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
	return server.New(server.Config{Log: a, Index: a, Auth: a, Keys: a, Rooms: a, Confidential: a, LogFiles: a.LogFiles(), Replica: a,
		Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), Logger: o.Logger,
		RatePerSecond: o.RatePerSecond, Burst: o.Burst, Demo: o.Demo, Metrics: a.cfg.Metrics})
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
func (a *App) Registry() *record.Registry { return a.Log().Registry() }

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
	for _, k := range a.Log().Registry().Keys() {
		if k.Recipient == want && !k.Revoked {
			return k.Party
		}
	}
	return ""
}

// SealWarning says, in words, when what the log seals to the server opens
// with more than the server's keys: the log keeps talks commitments
// confidential, each sealed to its author, the room's mediator and the
// server's party, and that party also holds current keys of other roles
// (an inspectorate's, a state's...). Whoever holds those keys then opens
// every commitment from a copy of the log. "" when no such key exists.
//
// It is a warning, not a refusal: the log's members are fixed by its
// genesis record, so a log made this way could never be served again.
func (a *App) SealWarning() string {
	party := a.ServerParty()
	reg := a.Registry()
	if party == "" || !reg.Genesis().IsConfidential(record.TalksCommitment) {
		return ""
	}
	var others []string
	for _, k := range record.Openers(reg.Keys(), party) {
		if k.Role != record.RoleOperator {
			others = append(others, fmt.Sprintf("the %s key %q", k.Role, k.Name))
		}
	}
	if len(others) == 0 {
		return ""
	}
	held, them := others[0], "that key"
	if n := len(others); n > 1 {
		held, them = strings.Join(others[:n-1], ", ")+" and "+others[n-1], "those keys"
	}
	return fmt.Sprintf("the log operator's party %q also holds %s: every talks commitment is sealed to the operator's party, so whoever holds %s opens every party's commitment from a copy of the log, not the server alone. "+
		"A log's members are fixed when it is created: only a new log whose operator is a party of its own keeps each commitment to its author, the mediator and the server", party, held, them)
}

// Submit appends a signed record, indexes it and waits briefly for its
// receipt. A rejection is an error with its code for the API.
func (a *App) Submit(ctx context.Context, entry []byte) (server.Submitted, error) {
	s, err := a.submit(ctx, entry)
	outcome := metrics.Accepted
	var se *server.Error
	switch {
	case err == nil:
		a.cfg.Metrics.Appended(1)
	case errors.As(err, &se) && se.Code == "not_writer":
		outcome = metrics.NotWriter
	case errors.As(err, &se) && se.Code != "unavailable" && se.Code != "storage_full" && se.Code != "not_indexed":
		outcome = metrics.Refused
	default:
		outcome = metrics.Failed
	}
	a.cfg.Metrics.Submission(outcome)
	return s, err
}

func (a *App) submit(ctx context.Context, entry []byte) (server.Submitted, error) {
	if !a.Writing() {
		return server.Submitted{}, a.notWriter()
	}
	seq, r, err := a.Log().Submit(ctx, entry, a.wait)
	var (
		re   *ledger.RejectError
		down *ledger.IndexDownError
		late *ledger.NotIndexedError
	)
	switch {
	case errors.Is(err, ledger.ErrNotWriter):
		return server.Submitted{}, a.notWriter()
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
		return submitted(seq), nil
	case err != nil:
		return server.Submitted{}, err
	}
	s := submitted(seq)
	s.Receipt, _ = json.Marshal(r)
	return s, nil
}

// notWriter refuses a submission to a reader, naming the writer.
func (a *App) notWriter() error {
	_, w := a.Writer()
	where := "the writer's address is not known yet"
	if w != "" {
		where = "the writer is at " + w
	}
	return &server.Error{Code: "not_writer", Writer: w,
		Message: "this server reads the log and another writes it (" + where + "): submit there, or try again shortly; nothing was stored"}
}

// LogFiles serves the files of the log the app has open at each request
// (the writer's, or the reader's it reopens as writer).
func (a *App) LogFiles() *ledger.Files { return ledger.NewFiles(logFiles{a}) }

// logFiles reads the files of the log the app has open now.
type logFiles struct{ a *App }

func (f logFiles) ReadCheckpoint(ctx context.Context) ([]byte, error) {
	return f.a.Log().Reader().ReadCheckpoint(ctx)
}

func (f logFiles) ReadTile(ctx context.Context, l, i uint64, p uint8) ([]byte, error) {
	return f.a.Log().Reader().ReadTile(ctx, l, i, p)
}

func (f logFiles) ReadEntryBundle(ctx context.Context, i uint64, p uint8) ([]byte, error) {
	return f.a.Log().Reader().ReadEntryBundle(ctx, i, p)
}

// Receipt returns the receipt of the entry at index, waiting at most a
// tenth of a second for a published checkpoint that covers it; nil when
// none does yet.
func (a *App) Receipt(ctx context.Context, index uint64) (json.RawMessage, error) {
	rctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	r, err := a.Log().Receipt(rctx, index)
	if errors.Is(err, ledger.ErrNotPublished) || (errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil) {
		return nil, nil // not yet published
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

// Checkpoint is the latest published checkpoint.
func (a *App) Checkpoint(ctx context.Context) ([]byte, error) { return a.Log().Checkpoint(ctx) }

// Check verifies the entry at index as a reader would: its signature
// against the key registry, its inclusion proof against the latest
// published checkpoint, and that checkpoint's signatures.
func (a *App) Check(ctx context.Context, index uint64) (server.RecordCheck, error) {
	var c server.RecordCheck
	entry, err := a.Log().Entry(ctx, index)
	if err != nil {
		return c, err
	}
	sum := sha256.Sum256(entry)
	c.EntrySHA256 = hex.EncodeToString(sum[:])
	if id, err := a.Log().Identify(entry); err != nil {
		c.Signature = "not valid under the current key registry (" + err.Error() + "); accord audit checks it against the registry's history"
	} else {
		c.SignatureOK, c.Key, c.Role = true, id.KeyName, id.Role
	}
	trust, err := ledger.TrustFromGenesis(a.Log().Genesis())
	if err != nil {
		return c, err
	}
	c.Required = trust.Required
	rctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	r, err := a.Log().Receipt(rctx, index)
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
	return evidence.WithContinuity(facts, events), nil
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
func (a *App) Identify(signed []byte) (record.Identity, error) { return a.Log().Identify(signed) }

// Current reports whether a key is registered and not revoked.
func (a *App) Current(name string, hash uint32) bool { return a.Log().KeyCurrent(name, hash) }

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
