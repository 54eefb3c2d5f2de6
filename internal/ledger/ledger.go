// Package ledger is Accord's evidence log: signed records appended to a
// transparency-dev/tessera log (C2SP tlog-tiles) on the storage its caller
// gives (POSIX for a local directory), with checkpoints signed by the log
// operator and cosigned by the witnesses the log's genesis record names,
// receipts that prove inclusion, and an audit that any party runs alone on
// a copy of the files.
//
// The log's files are the whole truth: the key registry is replayed from
// them, the index is built from them, and they can be copied or served as
// static files and verified with the same code. Duplicates are refused by
// the index (a Reserver), whose state every process sharing it sees.
package ledger

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/sync/semaphore"
	"k8s.io/klog/v2"

	"github.com/accordverify/accord/internal/poll"
	"github.com/accordverify/accord/internal/record"
)

// Options configure a log.
type Options struct {
	// Operator signs checkpoints; its key name is the log's origin.
	Operator note.Signer
	// WitnessURLs overrides the witness URLs of the genesis record, by
	// witness key name.
	WitnessURLs map[string]string
	// CheckpointInterval is how often a new checkpoint may be published
	// (default 200 ms; tessera's POSIX minimum is 100 ms).
	CheckpointInterval time.Duration
	// BatchMaxAge bounds how long an append waits for its batch (default
	// 10 ms).
	BatchMaxAge time.Duration
	// WitnessTimeout bounds each witness request (default 5 s).
	WitnessTimeout time.Duration
	// Logger receives what the log cannot return to a caller: failed
	// retries of indexing the backlog (the first of a run, and the
	// recovery), and entries a restart finds unpublished (default
	// slog.Default()).
	Logger *slog.Logger
	// Index, when set, indexes every accepted record: Append acknowledges
	// a record only once it is both durably sequenced and indexed, and Open
	// indexes whatever the log holds beyond the index (after a crash
	// between the two). An index that is also a Reserver answers the
	// duplicate check; otherwise the log keeps its record ids and entry
	// hashes in memory (32 bytes a record).
	Index Indexer
}

// Indexer is a queryable index of the log (package store implements it).
type Indexer interface {
	// Size is how many entries, from index 0, are indexed.
	Size(ctx context.Context) (uint64, error)
	// Index adds entries; indexing an entry again is a no-op.
	Index(ctx context.Context, entries []record.Indexed) error
}

// VerifyingIndexer is an index that Open checks against the log: every
// indexed entry, every column. An index that differs is emptied and
// rebuilt from the log (the log is the evidence; the index is derived).
type VerifyingIndexer interface {
	Indexer
	// Verify returns an error when the index does not hold exactly these
	// consecutive entries (with missingOK, when a row it holds differs).
	Verify(ctx context.Context, entries []record.Indexed, missingOK bool) error
	// Reset empties the index.
	Reset(ctx context.Context) error
}

// NotIndexedError is a record that is durably in the log but could not be
// indexed (the index database is down or full). It is not acknowledged;
// the log keeps indexing it in the background until the index takes it.
type NotIndexedError struct {
	Index uint64
	Err   error
}

func (e *NotIndexedError) Error() string {
	return fmt.Sprintf("ledger: sequenced at index %d but not indexed (it will be once the index is back): %v", e.Index, e.Err)
}

func (e *NotIndexedError) Unwrap() error { return e.Err }

// ErrStorageFull means the log's storage has no space left: the record
// was not sequenced. Appends succeed again once space is freed.
var ErrStorageFull = errors.New("ledger: the log's storage is full; nothing was stored")

// noSpace reports whether err comes from a full file system (no space,
// or the quota used up).
//
// tessera's POSIX driver (v1.0.4) wraps the errors of writing its
// temporary files, tiles and tree state with %v ("failed to create temp
// file: %v", "failed to set tile(%v): %v", "failed to write new tree
// state: %v"), so that the errno is not in err's chain any more, only its
// text: the errno's own text is looked for when errors.Is cannot find it.
func noSpace(err error) bool {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		if errors.Is(err, errno) || strings.Contains(err.Error(), errno.Error()) {
			return true
		}
	}
	return false
}

// witnessPolicyUnmet reports whether tessera could not publish a
// checkpoint because too few witnesses cosigned it.
//
// tessera (v1.0.4) reports this with ErrPolicyNotSatisfied of its
// internal/witness package, which no other module can name, and
// NewAppender and the POSIX driver wrap it with %v ("failed to init
// appender lifecycle: %v", "failed to publish checkpoint: %v", "newCP:
// %v"): only the sentinel's text reaches the ledger.
func witnessPolicyUnmet(err error) bool {
	return strings.Contains(err.Error(), "witness policy was not satisfied")
}

// IndexDownError refuses a record because entries already in the log
// still wait for the index: nothing of the record was stored.
type IndexDownError struct{ Err error }

func (e *IndexDownError) Error() string {
	return "ledger: the index is unavailable, nothing was stored (try again): " + e.Err.Error()
}

func (e *IndexDownError) Unwrap() error { return e.Err }

func (o *Options) defaults() {
	if o.CheckpointInterval == 0 {
		o.CheckpointInterval = 200 * time.Millisecond
	}
	if o.BatchMaxAge == 0 {
		o.BatchMaxAge = 10 * time.Millisecond
	}
	if o.WitnessTimeout == 0 {
		o.WitnessTimeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// RejectError is a record the log refuses; nothing of it was stored.
type RejectError struct {
	Code string // "duplicate", "key", "invalid", "reference"
	// Field, for a duplicate, is what the log already holds: "entry"
	// (the same signed record) or "id" (another record with its id).
	Field string
	Err   error
}

func (e *RejectError) Error() string { return e.Code + ": " + e.Err.Error() }
func (e *RejectError) Unwrap() error { return e.Err }

func reject(code string, err error) error { return &RejectError{Code: code, Err: err} }

// Log is an open evidence log: its one writer (Open, Create), or a reader
// of a log that another process writes (OpenReader).
type Log struct {
	opts     Options
	appender *tessera.Appender
	reader   tessera.LogReader
	shutdown func(context.Context) error
	cancel   context.CancelFunc
	origin   string
	// published follows the published checkpoint for Receipt.
	published *publication

	closeOnce sync.Once
	closeErr  error

	// snapshot is the registry records are checked against; a key record
	// replaces it with a changed copy (readers never wait for a lock).
	snapshot atomic.Pointer[registrySnapshot]
	// verifying bounds concurrent signature checks to the cores, so that
	// tessera's sequencing is not starved by hundreds of callers: a check
	// holds one of its slots. (A channel, not a semaphore.Weighted: a
	// waiter for a slot then allocates nothing, and nothing here needs
	// weights.)
	verifying chan struct{}
	// answers waits for tessera's answers to the entries of the appends
	// that change no key.
	answers *answers
	// gate orders key records against the others: a record being handed
	// to tessera holds one unit, a key record all gateWidth of them.
	gate *semaphore.Weighted
	// claims answers the duplicate check: the index, or memory when the
	// index is not a Reserver (or there is none).
	claims Reserver
	memory *memoryClaims
	// reserving batches the reservations of concurrent appends when the
	// index takes many in one transaction (a BatchReserver); indexing
	// batches the indexing of concurrent appends' entries. Both are nil
	// without an index.
	// tokenPrefix and tokens make the claims' tokens (see token).
	tokenPrefix string
	tokens      atomic.Uint64
	reserving   *batcher[record.Claim, *record.Conflict]
	indexing    *batcher[record.Indexed, struct{}]

	// backlog holds entries in the log that the index has not taken yet
	// (it was down); they go in before the next entry, or by the retry
	// loop. backlogMu guards the slice; flushing lets one hand-over of it
	// to the index run at a time.
	backlogMu sync.Mutex
	backlog   []record.Indexed
	// unreleased are reservations of records that did not reach the log
	// and that the index did not release (it was down): released with
	// the backlog.
	unreleased []record.Claim
	flushing   *semaphore.Weighted
	// rebuilt says why Open rebuilt the index, when it did.
	rebuilt string
}

type registrySnapshot struct {
	registry *record.Registry
	next     uint64 // the log size when the snapshot was taken
}

// Create starts a new log on s (which must not hold one) with the signed
// genesis record as entry 0, and returns it open.
func Create(ctx context.Context, s Storage, opts Options, genesis []byte) (*Log, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if held, err := s.holdsLog(ctx); err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", s, err)
	} else if held {
		return nil, fmt.Errorf("ledger: %s already holds a log", s)
	}
	g, _, err := OpenGenesis(genesis)
	if err != nil {
		return nil, err
	}
	if g.Origin != opts.Operator.Name() {
		return nil, fmt.Errorf("ledger: the genesis origin %q must be the operator key's name %q", g.Origin, opts.Operator.Name())
	}
	// A log that never received its genesis record is no log: undo what
	// was written, so that the user can simply try again.
	undo, err := s.prepare()
	if err != nil {
		return nil, err
	}
	l, err := open(ctx, s, opts, g)
	if err != nil {
		undo()
		return nil, err
	}
	if _, err := l.Append(ctx, genesis); err != nil {
		_ = l.Close(ctx)
		undo()
		return nil, err
	}
	return l, nil
}

// Open opens the log on s as its writer, replaying every entry to rebuild
// the key registry and to index what the index lacks; then it releases the
// reservations of records that never reached the log (see Reserver).
func Open(ctx context.Context, s Storage, opts Options) (*Log, error) {
	g, err := existing(ctx, s, opts)
	if err != nil {
		return nil, err
	}
	return open(ctx, s, opts, g)
}

// existing reads the genesis of the log on s, which must exist and be the
// operator's.
func existing(ctx context.Context, s Storage, opts Options) (*record.GenesisBody, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.dir != "" && !Exists(s.dir) {
		return nil, fmt.Errorf("ledger: no log in %s (create one with accord log init)", s)
	}
	g, err := ReadGenesis(ctx, s.Files)
	if err != nil {
		return nil, err
	}
	if g.Origin != opts.Operator.Name() {
		return nil, fmt.Errorf("ledger: the log's origin is %q but the operator key is %q", g.Origin, opts.Operator.Name())
	}
	return g, nil
}

// OpenGenesis verifies a genesis record (signed by the operator key it
// names) and returns its body and the signed record.
func OpenGenesis(entry []byte) (*record.GenesisBody, *record.Signed, error) {
	s, _, err := (&record.Registry{}).Check(entry, 0)
	if err != nil {
		return nil, nil, err
	}
	g, err := record.DecodeBody[record.GenesisBody](s.Record)
	return g, s, err
}

// ReadGenesis reads and verifies a log's entry 0, its genesis record.
func ReadGenesis(ctx context.Context, f Fetcher) (*record.GenesisBody, error) {
	eb, err := client.GetEntryBundle(ctx, f.ReadEntryBundle, 0, 1)
	if err != nil {
		return nil, fmt.Errorf("ledger: cannot read entry 0: %w", err)
	}
	g, _, err := OpenGenesis(eb.Entries[0])
	if err != nil {
		return nil, fmt.Errorf("ledger: entry 0: %w", err)
	}
	return g, nil
}

// WitnessGroup builds the log's witness policy from its genesis record:
// WitnessesRequired of the listed witnesses must cosign. urls override the
// genesis URLs by witness key name.
func WitnessGroup(g *record.GenesisBody, urls map[string]string) (tessera.WitnessGroup, error) {
	var policy strings.Builder
	var names []string
	for i, w := range g.Witnesses {
		v, err := CosignatureVerifier(w.Key)
		if err != nil {
			return tessera.WitnessGroup{}, err
		}
		u := w.URL
		if o, ok := urls[v.Name()]; ok {
			u = o
		}
		if u == "" {
			return tessera.WitnessGroup{}, fmt.Errorf("ledger: witness %s has no URL (give --witness-url %s=URL)", v.Name(), v.Name())
		}
		name := fmt.Sprintf("w%d", i)
		names = append(names, name)
		fmt.Fprintf(&policy, "witness %s %s %s\n", name, w.Key, u)
	}
	fmt.Fprintf(&policy, "group parties %d %s\nquorum parties\n", g.WitnessesRequired, strings.Join(names, " "))
	return tessera.NewWitnessGroupFromPolicy([]byte(policy.String()))
}

func open(ctx context.Context, s Storage, opts Options, g *record.GenesisBody) (*Log, error) {
	opts.defaults()
	ao := tessera.NewAppendOptions().
		WithCheckpointSigner(opts.Operator).
		WithBatching(256, opts.BatchMaxAge).
		WithCheckpointInterval(opts.CheckpointInterval).
		// Shutdown waits for publication, which a required witness that
		// is down stalls: do not hang for tessera's default minute.
		WithShutdownTimeout(opts.WitnessTimeout)
	if g.WitnessesRequired > 0 {
		group, err := WitnessGroup(g, opts.WitnessURLs)
		if err != nil {
			return nil, err
		}
		ao = ao.WithWitnesses(group, &tessera.WitnessOptions{Timeout: opts.WitnessTimeout, FailOpen: false})
	}
	// A new log publishes its first checkpoint as it starts, and that
	// needs the witnesses' cosignatures: wait for them a little (they may
	// be starting too) before giving up.
	var (
		appender *tessera.Appender
		shutdown func(context.Context) error
		reader   tessera.LogReader
		life     context.Context
		cancel   context.CancelFunc
		err      error
	)
	deadline := time.Now().Add(2 * opts.WitnessTimeout)
	for {
		// The appender's background work (integration, publication,
		// witnessing, garbage collection) lives as long as the Log, not
		// the caller's ctx.
		life, cancel = context.WithCancel(context.WithoutCancel(ctx))
		appender, shutdown, reader, err = tessera.NewAppender(life, s.Driver, ao)
		if err == nil {
			break
		}
		cancel()
		if !witnessPolicyUnmet(err) {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("ledger: the log's first checkpoint needs %d witness cosignatures and the witnesses did not answer (are they running?): %w", g.WitnessesRequired, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	l := &Log{opts: opts, appender: appender, reader: reader, shutdown: shutdown, cancel: cancel, origin: opts.Operator.Name(),
		published: newPublication(life, reader.ReadCheckpoint, publicationPoll),
		verifying: verifySlots(), gate: semaphore.NewWeighted(gateWidth), flushing: semaphore.NewWeighted(1),
		tokenPrefix: rand.Text() + "-"}
	l.answers = newAnswers(appender.Add, func(p *pending) { _, _ = l.settle(p.ctx, p.handedOver, p.got, p.err) })
	if r, ok := opts.Index.(Reserver); ok {
		l.claims = r
	} else {
		l.memory = newMemoryClaims(l.Entry)
		l.claims = l.memory
	}
	if err := l.replay(ctx); err != nil {
		_ = l.Close(ctx)
		return nil, err
	}
	// Every entry of the log is indexed now, which ended its reservation:
	// the reservations left are of records that never reached it.
	if err := l.claims.ReleaseReservations(ctx); err != nil {
		_ = l.Close(ctx)
		return nil, fmt.Errorf("ledger: releasing the reservations of records that are not in the log: %w", err)
	}
	// A crash can leave entries integrated (their tiles written) but not
	// yet in a published checkpoint. Wait, briefly, for the checkpoint
	// that covers them, so that readers and auditors see them signed; if
	// the witnesses are down this gives up and publication follows later.
	if size := l.snapshot.Load().next; size > 0 {
		wctx, cancel := context.WithTimeout(ctx, 2*opts.CheckpointInterval+opts.WitnessTimeout)
		if _, err := l.Receipt(wctx, size-1); err != nil && ctx.Err() == nil {
			opts.Logger.Warn("ledger: entries the log holds are not in a published checkpoint yet; they will be once the witnesses cosign one", "size", size, "err", err)
		}
		cancel()
	}
	if opts.Index != nil {
		retry, stop := context.WithCancel(context.WithoutCancel(ctx))
		cancelAppender := l.cancel
		stopped := make(chan struct{})
		// Close returns once the retries have stopped, so that nothing
		// of a closed log runs or stays reachable.
		l.cancel = func() { stop(); <-stopped; cancelAppender() }
		l.indexing = newBatcher(l.indexBatch, nil)
		if r, ok := l.claims.(BatchReserver); ok {
			l.reserving = newBatcher(reserveBatch(r), func(c *batchCall[record.Claim, *record.Conflict]) {
				// The caller left: a claim that was reserved (or may have
				// been, the answer lost) did not reach the log.
				if c.out == nil {
					l.release(c.in)
				}
			})
		}
		var wg sync.WaitGroup
		wg.Go(func() { l.retryIndexing(retry) })
		wg.Go(func() { l.indexing.run(retry) })
		if l.reserving != nil {
			wg.Go(func() { l.reserving.run(retry) })
		}
		go func() {
			defer close(stopped)
			wg.Wait()
		}()
	}
	return l, nil
}

// Rebuilt says why Open emptied the index and rebuilt it from the log
// ("" when the index agreed with the log).
func (l *Log) Rebuilt() string { return l.rebuilt }

// retryIndexing hands the backlog to the index every second until ctx
// ends. It logs the first failure of a run, and the index taking the
// backlog after one.
func (l *Log) retryIndexing(ctx context.Context) {
	var waiting int
	poll.Every(ctx, time.Second, func() error {
		waiting = l.Unindexed()
		return l.flush(ctx)
	}, func(err error) {
		l.opts.Logger.Warn("ledger: the index does not take the entries that wait for it; retrying every second", "waiting", l.Unindexed(), "err", err)
	}, func() {
		l.opts.Logger.Info("ledger: the index took the entries that waited for it", "entries", waiting)
	})
}

// flush hands the backlog to the index, and releases the reservations
// that wait for it. One flush runs at a time; waiting for it honours ctx.
func (l *Log) flush(ctx context.Context) error {
	if l.waiting() == 0 {
		return nil
	}
	if err := l.flushing.Acquire(ctx, 1); err != nil {
		return err
	}
	defer l.flushing.Release(1)
	waiting, unreleased := l.backlogged()
	if len(waiting) > 0 {
		if err := l.opts.Index.Index(ctx, waiting); err != nil {
			return err
		}
	}
	for i, c := range unreleased {
		if err := l.claims.Release(ctx, c); err != nil {
			l.dropBacklog(len(waiting), i)
			return err
		}
	}
	l.dropBacklog(len(waiting), len(unreleased))
	return nil
}

// waiting is how many entries and reservations wait for the index.
func (l *Log) waiting() int {
	l.backlogMu.Lock()
	defer l.backlogMu.Unlock()
	return len(l.backlog) + len(l.unreleased)
}

// backlogged returns a copy of the backlog and of the reservations to
// release.
func (l *Log) backlogged() ([]record.Indexed, []record.Claim) {
	l.backlogMu.Lock()
	defer l.backlogMu.Unlock()
	return slices.Clone(l.backlog), slices.Clone(l.unreleased)
}

// dropBacklog removes the first n entries of the backlog, which the index
// has taken, and the first r reservations to release, which it released
// (those that failed meanwhile are after them).
func (l *Log) dropBacklog(n, r int) {
	l.backlogMu.Lock()
	defer l.backlogMu.Unlock()
	l.backlog = slices.Delete(l.backlog, 0, n)
	l.unreleased = slices.Delete(l.unreleased, 0, r)
}

// index indexes one entry, in one transaction with the entries of the
// appends that index theirs at the same time; if the index refuses them,
// they join the backlog. When ctx ends first, the entry is still indexed
// (or joins the backlog), but the error is ctx's.
func (l *Log) index(ctx context.Context, e record.Indexed) error {
	_, fate, err := l.indexing.call(ctx, e)
	if fate == notSubmitted {
		l.backlogMu.Lock()
		l.backlog = append(l.backlog, e)
		l.backlogMu.Unlock()
	}
	return err
}

// Unindexed is how many entries of the log wait for the index.
func (l *Log) Unindexed() int {
	l.backlogMu.Lock()
	defer l.backlogMu.Unlock()
	return len(l.backlog)
}

// replay reads every integrated entry, in order, to rebuild the registry
// and the duplicate index; it checks the index against the log (a
// VerifyingIndexer that differs is emptied and rebuilt) and indexes what
// the log holds beyond it.
func (l *Log) replay(ctx context.Context) error {
	size, err := l.reader.IntegratedSize(ctx)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	indexed := size
	if l.opts.Index != nil {
		if indexed, err = l.opts.Index.Size(ctx); err != nil {
			return fmt.Errorf("ledger: index: %w", err)
		}
		if indexed > size {
			return fmt.Errorf("ledger: the index holds %d entries but the log only %d: the index is not of this log (rebuild it with accord reindex)", indexed, size)
		}
	}
	verifier, _ := l.opts.Index.(VerifyingIndexer)
	for attempt := 0; ; attempt++ {
		err := l.replayFrom(ctx, size, indexed, verifier)
		var bad *indexMismatch
		if !errors.As(err, &bad) || attempt > 0 {
			return err
		}
		// The index is not what the log says: rebuild it.
		l.rebuilt = fmt.Sprintf("the index differed from the log (%v); it was emptied and rebuilt from the log's %d entries", bad.err, size)
		if err := verifier.Reset(ctx); err != nil {
			return fmt.Errorf("ledger: emptying an index that differs from the log: %w", err)
		}
		indexed = 0
		if l.memory != nil {
			l.memory = newMemoryClaims(l.Entry)
			l.claims = l.memory
		}
	}
}

// indexMismatch is an index that does not agree with the log.
type indexMismatch struct{ err error }

func (e *indexMismatch) Error() string { return "ledger: " + e.err.Error() }

// replayFrom replays the log's size entries; entries below indexed are
// checked against the index when verifier is set, the others indexed.
func (l *Log) replayFrom(ctx context.Context, size, indexed uint64, verifier VerifyingIndexer) error {
	reg := &record.Registry{}
	for i := uint64(0); i < size; i += 256 {
		eb, err := client.GetEntryBundle(ctx, l.reader.ReadEntryBundle, i/256, size)
		if err != nil {
			return fmt.Errorf("ledger: reading entries from %d: %w", i, err)
		}
		var present, missing []record.Indexed
		err = replayBundle(reg, eb.Entries, i, func(idx uint64, _ []byte, s *record.Signed, err error) error {
			if err != nil {
				return fmt.Errorf("ledger: entry %d does not verify (run accord audit): %w", idx, err)
			}
			if l.memory != nil {
				l.memory.replayed(idx, s)
			}
			e := record.Indexed{Index: idx, Signed: s, Role: roleOf(reg, s)}
			if idx >= indexed {
				missing = append(missing, e)
			} else if verifier != nil {
				present = append(present, e)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Rows the index holds must be the log's entries, also beyond a
		// gap (rows after a missing one).
		for _, part := range []struct {
			es        []record.Indexed
			missingOK bool
		}{{present, false}, {missing, true}} {
			if verifier == nil || len(part.es) == 0 {
				continue
			}
			if err := verifier.Verify(ctx, part.es, part.missingOK); err != nil {
				var temp interface{ Unavailable() bool }
				if errors.As(err, &temp) {
					return fmt.Errorf("ledger: checking the index: %w", err)
				}
				return &indexMismatch{err: err}
			}
		}
		if len(missing) > 0 {
			if err := l.opts.Index.Index(ctx, missing); err != nil {
				return fmt.Errorf("ledger: indexing entries %d-%d that the index lacks: %w", missing[0].Index, missing[len(missing)-1].Index, err)
			}
		}
	}
	if l.memory != nil {
		l.memory.built()
	}
	l.snapshot.Store(&registrySnapshot{registry: reg, next: size})
	return nil
}

// roleOf returns the role of the key that signed s.
func roleOf(reg *record.Registry, s *record.Signed) string {
	if s.Record.Kind == record.Genesis {
		return record.RoleOperator
	}
	if k := reg.KeyFor(s.Signer); k != nil {
		return k.Role
	}
	return ""
}

// Origin is the log's origin (the operator key's name).
func (l *Log) Origin() string { return l.origin }

// Identify opens a signed note against the current key registry: it must
// be signed by a registered key that is not revoked.
func (l *Log) Identify(signed []byte) (record.Identity, error) {
	reg := l.snapshot.Load().registry
	n, err := note.Open(signed, reg)
	if err != nil {
		return record.Identity{}, err
	}
	k := reg.KeyFor(n.Sigs[0])
	return record.Identity{KeyName: k.Name, KeyHash: n.Sigs[0].Hash, Party: k.Party, Role: k.Role, Text: n.Text}, nil
}

// KeyCurrent reports whether a key is registered and not revoked.
func (l *Log) KeyCurrent(name string, hash uint32) bool {
	_, err := l.snapshot.Load().registry.Verifier(name, hash)
	return err == nil
}

// Genesis returns the log's genesis body.
func (l *Log) Genesis() *record.GenesisBody { return l.snapshot.Load().registry.Genesis() }

// Registry returns a copy of the key registry as of the latest entry.
func (l *Log) Registry() *record.Registry { return l.snapshot.Load().registry.Clone() }

// Sequenced says where an accepted record is.
type Sequenced struct {
	Index  uint64
	ID     string
	Kind   record.Kind
	Author string
}

// Append verifies a signed record against the registry, validates it,
// rejects duplicates (same bytes or same id) and unknown references, and
// appends it. It returns once the entry is durably sequenced. A rejected
// record (a *RejectError) changes nothing.
//
// Signature checks run concurrently, on the cores, against the current
// registry snapshot; the duplicate check is the reservation of the
// record's id and entry hash in the index (see Reserver), one transaction;
// the hand-over to tessera is concurrent. A key record (which
// changes who may sign what) runs alone: it waits until every record
// admitted before it has been handed to tessera, and records checked
// against the registry it replaces are checked again.
//
// Append returns when ctx ends. Until tessera has the entry, nothing is
// stored then. Once tessera has it, the append runs to its end without the
// caller (the entry is sequenced, or not, whatever ctx) and the error says
// that the record may be in the log.
func (l *Log) Append(ctx context.Context, entry []byte) (Sequenced, error) {
	if !l.Writing() {
		return Sequenced{}, ErrNotWriter
	}
	// The checks and, for a record that changes no key, the hand-over run
	// on the caller's goroutine (each wait honours ctx); the log's answers
	// wait for tessera's answer, so that the caller can leave.
	snap, s, err := l.admit(ctx, entry)
	if err != nil {
		return Sequenced{}, err
	}
	if changesKeys(s.Record.Kind) {
		return l.appendKey(ctx, snap, s, entry)
	}
	p, err := l.handOverShared(ctx, snap, s, entry)
	if err != nil {
		return Sequenced{}, err
	}
	select {
	case <-p.answered:
	case <-ctx.Done():
		if p.leave() {
			// The append is settled when tessera answers.
			return Sequenced{}, mayBeInLog(ctx)
		}
		<-p.answered
	}
	return l.settle(ctx, p.handedOver, p.got, p.err)
}

// mayBeInLog is the error of an append that ctx ended once tessera had
// the entry.
func mayBeInLog(ctx context.Context) error {
	return fmt.Errorf("ledger: %w while tessera was sequencing the entry: the record may be in the log (submitted again, it is refused as a duplicate if it is)", ctx.Err())
}

// appendKey appends a key record, on a goroutine of its own once it has
// been checked, which the caller may leave.
func (l *Log) appendKey(ctx context.Context, snap *registrySnapshot, s *record.Signed, entry []byte) (Sequenced, error) {
	handed := make(chan struct{})
	done := make(chan appended, 1)
	go func() {
		seq, err := l.appendAlone(ctx, snap, s, entry, handed)
		done <- appended{seq, err}
	}()
	select {
	case r := <-done:
		return r.seq, r.err
	case <-ctx.Done():
	}
	// Before the hand-over, every wait of append honours ctx: it returns
	// at once.
	select {
	case r := <-done:
		return r.seq, r.err
	case <-handed:
	}
	select {
	case r := <-done:
		return r.seq, r.err
	default:
		return Sequenced{}, mayBeInLog(ctx)
	}
}

type appended struct {
	seq Sequenced
	err error
}

// admit is what Append does before the duplicate check: it hands a
// backlog to the index, then checks entry against the current registry
// snapshot. Each of its waits honours ctx; nothing is stored.
func (l *Log) admit(ctx context.Context, entry []byte) (*registrySnapshot, *record.Signed, error) {
	if l.opts.Index != nil {
		// A backlog means the index is (or was just) down: hand it over
		// first, and do not add to the log what cannot be acknowledged.
		if err := l.flush(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, nil, notStored(ctx)
			}
			return nil, nil, &IndexDownError{Err: err}
		}
	}
	snap := l.snapshot.Load()
	s, err := l.verify(ctx, snap, entry)
	if err != nil {
		return nil, nil, err
	}
	return snap, s, nil
}

// notStored is the error of an append that ctx ended before tessera had
// the entry.
func notStored(ctx context.Context) error {
	return fmt.Errorf("ledger: %w; nothing was stored", ctx.Err())
}

// changesKeys reports whether a record of kind changes who may sign what.
func changesKeys(kind record.Kind) bool {
	return kind == record.KeyRegistration || kind == record.KeyRevocation || kind == record.Genesis
}

// verify checks entry against the snapshot's registry; at most one check
// per core runs at a time.
func (l *Log) verify(ctx context.Context, snap *registrySnapshot, entry []byte) (*record.Signed, error) {
	select {
	case l.verifying <- struct{}{}:
	case <-ctx.Done():
		return nil, notStored(ctx)
	}
	defer func() { <-l.verifying }()
	return check(snap.registry, entry, snap.next)
}

// verifySlots makes the slots of Log.verifying: one a core.
func verifySlots() chan struct{} { return make(chan struct{}, runtime.GOMAXPROCS(0)) }

// gateWidth is the gate's capacity: more records than are ever handed to
// tessera at once.
const gateWidth = 1 << 30

// appendAlone appends a key record: it holds the gate alone from before
// its final checks until the registry has changed, so that no record is
// checked against the registry it replaces once it is in the log.
func (l *Log) appendAlone(ctx context.Context, snap *registrySnapshot, s *record.Signed, entry []byte, handed chan<- struct{}) (Sequenced, error) {
	if err := l.gate.Acquire(ctx, gateWidth); err != nil {
		return Sequenced{}, notStored(ctx)
	}
	defer l.gate.Release(gateWidth)
	t, e, err := l.claim(ctx, snap, s, entry)
	if err != nil {
		return Sequenced{}, err
	}
	future := l.appender.Add(ctx, e)
	close(handed)
	got, err := future()
	return l.settle(ctx, t, got, err)
}

// handOverShared hands a record that changes no key to tessera, sharing
// the gate with the other such records until tessera has its entry; the
// log's answers wait for tessera's answer.
func (l *Log) handOverShared(ctx context.Context, snap *registrySnapshot, s *record.Signed, entry []byte) (*pending, error) {
	if err := l.gate.Acquire(ctx, 1); err != nil {
		return nil, notStored(ctx)
	}
	defer l.gate.Release(1)
	t, e, err := l.claim(ctx, snap, s, entry)
	if err != nil {
		return nil, err
	}
	return l.answers.add(ctx, t, e), nil
}

// handedOver is a record on its way to tessera.
type handedOver struct {
	signed *record.Signed
	// reg is the registry the record was finally checked against.
	reg   *record.Registry
	claim record.Claim
}

// claim reserves the record's id and entry hash, unless ctx has ended,
// and returns the record as reserved and its tessera entry.
func (l *Log) claim(ctx context.Context, snap *registrySnapshot, s *record.Signed, entry []byte) (*handedOver, *tessera.Entry, error) {
	if ctx.Err() != nil {
		return nil, nil, notStored(ctx)
	}
	reg, s, claim, err := l.reserve(ctx, snap, s, entry)
	if err != nil {
		return nil, nil, err
	}
	if ctx.Err() != nil {
		l.release(claim)
		return nil, nil, notStored(ctx)
	}
	return &handedOver{signed: s, reg: reg, claim: claim}, tessera.NewEntry(entry), nil
}

// reserve checks the record again when a key record has changed the
// registry since snap, and reserves the record's id and entry hash (which
// rejects duplicates and dangling references). It returns the registry the
// record was checked against, the record as checked, and its claim.
func (l *Log) reserve(ctx context.Context, snap *registrySnapshot, s *record.Signed, entry []byte) (*record.Registry, *record.Signed, record.Claim, error) {
	reg := snap.registry
	if cur := l.snapshot.Load(); cur != snap {
		reg = cur.registry
		var err error
		if s, err = check(reg, entry, cur.next); err != nil {
			return nil, nil, record.Claim{}, err
		}
	}
	claim := record.ClaimOf(s, l.token())
	var (
		conflict *record.Conflict
		err      error
	)
	if l.reserving != nil {
		var fate callFate
		conflict, fate, err = l.reserving.call(ctx, claim)
		if fate != answered {
			// Nothing was reserved, or the batcher releases what was.
			if ctx.Err() != nil {
				return nil, nil, record.Claim{}, notStored(ctx)
			}
			return nil, nil, record.Claim{}, &IndexDownError{Err: err}
		}
	} else {
		conflict, err = l.claims.Reserve(ctx, claim)
	}
	if err != nil {
		// The reservation may have been made all the same (the answer was
		// lost): release it, which is a no-op otherwise.
		l.release(claim)
		if ctx.Err() != nil {
			return nil, nil, record.Claim{}, notStored(ctx)
		}
		return nil, nil, record.Claim{}, &IndexDownError{Err: err}
	}
	if conflict != nil {
		return nil, nil, record.Claim{}, conflictError(conflict, claim)
	}
	return reg, s, claim, nil
}

// token returns a claim token no other claim has: random for the log,
// which tells it from other processes', and counted within it.
func (l *Log) token() string {
	return l.tokenPrefix + strconv.FormatUint(l.tokens.Add(1), 36)
}

// release ends the reservation of a record that did not reach the log; if
// the index cannot take that now, the reservation is released with the
// backlog.
func (l *Log) release(c record.Claim) {
	ctx, cancel := context.WithTimeout(context.Background(), l.opts.WitnessTimeout)
	defer cancel()
	if err := l.claims.Release(ctx, c); err != nil {
		l.backlogMu.Lock()
		l.unreleased = append(l.unreleased, c)
		l.backlogMu.Unlock()
	}
}

// settle takes tessera's answer for an entry (got, err), then changes
// the registry for a key record, and indexes the entry (with ctx: if ctx
// has ended, the entry joins the backlog), which ends its reservation. An
// entry tessera refused has its reservation released.
func (l *Log) settle(ctx context.Context, t *handedOver, got tessera.Index, err error) (Sequenced, error) {
	if err != nil {
		l.release(t.claim)
		if noSpace(err) {
			return Sequenced{}, fmt.Errorf("%w (%v)", ErrStorageFull, err)
		}
		return Sequenced{}, fmt.Errorf("ledger: append: %w", err)
	}
	if l.memory != nil {
		l.memory.placed(t.claim, got.Index)
	}
	rec := t.signed.Record
	seq := Sequenced{Index: got.Index, ID: rec.ID, Kind: rec.Kind, Author: rec.Author}
	if changesKeys(rec.Kind) {
		// The key history changes as soon as the record is durable, before
		// anything else can fail: later records are checked against it.
		// (This record holds the gate alone, so t.reg is the current
		// registry.)
		next := t.reg.Clone()
		if err := next.Apply(t.signed, got.Index); err != nil {
			return seq, fmt.Errorf("ledger: sequenced at index %d, but the registry cannot apply it: %w", got.Index, err)
		}
		l.snapshot.Store(&registrySnapshot{registry: next, next: got.Index + 1})
	}
	if l.opts.Index != nil {
		if err := l.index(ctx, record.Indexed{Index: got.Index, Signed: t.signed, Role: roleOf(t.reg, t.signed)}); err != nil {
			// The entry is in the log and in the backlog: the index
			// takes it when it is back. The record is not acknowledged.
			return seq, &NotIndexedError{Index: got.Index, Err: err}
		}
	}
	return seq, nil
}

// check verifies an entry against a registry.
func check(reg *record.Registry, entry []byte, next uint64) (*record.Signed, error) {
	s, _, err := reg.Check(entry, next)
	if err != nil {
		var ke *record.KeyError
		if errors.As(err, &ke) {
			return nil, reject("key", err)
		}
		return nil, reject("invalid", err)
	}
	return s, nil
}

// Checkpoint returns the latest published checkpoint.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) { return l.reader.ReadCheckpoint(ctx) }

// Entry returns the signed bytes at index.
func (l *Log) Entry(ctx context.Context, index uint64) ([]byte, error) {
	size, err := l.reader.IntegratedSize(ctx)
	if err != nil {
		return nil, err
	}
	if index >= size {
		return nil, fmt.Errorf("ledger: no entry %d (the log has %d)", index, size)
	}
	eb, err := client.GetEntryBundle(ctx, l.reader.ReadEntryBundle, index/256, size)
	if err != nil {
		return nil, err
	}
	return eb.Entries[index%256], nil
}

// Close shuts the appender down, publishing what it can (bounded by ctx),
// then stops its background work. It is safe to call more than once.
func (l *Log) Close(ctx context.Context) error {
	l.closeOnce.Do(func() {
		l.closeErr = l.shutdown(ctx)
		l.cancel()
		if l.answers != nil {
			l.answers.stop()
		}
	})
	return l.closeErr
}

// Reader is the log's tlog-tiles reader.
func (l *Log) Reader() tessera.LogReader { return l.reader }

// SilenceTesseraLogs stops tessera's klog output (warnings on every
// witness retry, for instance); Accord reports what matters itself. It
// changes klog's process-wide settings.
func SilenceTesseraLogs() {
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	_ = fs.Set("logtostderr", "false")
	_ = fs.Set("alsologtostderr", "false")
	_ = fs.Set("stderrthreshold", "FATAL")
	_ = fs.Set("v", "0")
	klog.ClearLogger()
	klog.SetOutput(io.Discard)
}

// RouteTesseraLogs sends tessera's logs to logger, marked component=tessera
// (call it at start, before any log is opened: klog's logger is
// process-wide and may not change while tessera logs):
// its errors and warnings at those levels, its information at info, and,
// with verbose, its detailed progress (klog's V(1) and V(2)) at debug
// levels below that, which the logger's handler keeps or drops by its
// level.
func RouteTesseraLogs(logger *slog.Logger, verbose bool) {
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	v := "0"
	if verbose {
		v = "2"
	}
	_ = fs.Set("v", v)
	klog.SetSlogLogger(logger.With("component", "tessera"))
}

// Refresh catches up with the entries appended to the log since this Log
// last saw it, by another process (the writer, when this process serves
// reads; the previous writer, when this one takes over): each is verified
// and the key registrations and revocations among them change the key
// registry that Identify, KeyCurrent and Append use. It reads nothing
// when the log has not grown, and it is safe to call at any time.
//
// A process that only reads calls it before it relies on the registry
// (identifying a token's key, checking a record); a process that becomes
// the writer of a log another process wrote calls TakeOver instead.
func (l *Log) Refresh(ctx context.Context) error {
	_, err := l.refresh(ctx, nil)
	return err
}

// TakeOver is what a process that becomes the log's writer calls, once no
// other process writes to it (it holds the writer's lease), before its
// first Append, when its Log was opened while another process wrote:
// Refresh, then index the entries the index lacks (the previous writer
// may have died between sequencing an entry and indexing it), then release
// the reservations of records that never reached the log, as Open does.
func (l *Log) TakeOver(ctx context.Context) error {
	if l.opts.Index == nil {
		return l.Refresh(ctx)
	}
	indexed, err := l.opts.Index.Size(ctx)
	if err != nil {
		return fmt.Errorf("ledger: index: %w", err)
	}
	if _, err := l.refresh(ctx, func(es []record.Indexed) error {
		var missing []record.Indexed
		for _, e := range es {
			if e.Index >= indexed {
				missing = append(missing, e)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return l.opts.Index.Index(ctx, missing)
	}); err != nil {
		return err
	}
	if err := l.claims.ReleaseReservations(ctx); err != nil {
		return fmt.Errorf("ledger: releasing the reservations of records that are not in the log: %w", err)
	}
	return nil
}

// refresh replays the entries from the registry snapshot's size to the
// log's, applying them to a copy of the registry that then replaces it;
// each bundle's entries go to each (when set) as they are replayed. It
// holds the whole gate, as a key record does, so that no record is checked
// against the registry it replaces. It returns the log's size.
func (l *Log) refresh(ctx context.Context, each func([]record.Indexed) error) (uint64, error) {
	size, err := l.reader.IntegratedSize(ctx)
	if err != nil {
		return 0, fmt.Errorf("ledger: %w", err)
	}
	if l.snapshot.Load().next >= size {
		return size, nil
	}
	if err := l.gate.Acquire(ctx, gateWidth); err != nil {
		return 0, err
	}
	defer l.gate.Release(gateWidth)
	snap := l.snapshot.Load()
	if snap.next >= size {
		return size, nil
	}
	reg := snap.registry.Clone()
	for i := snap.next; i < size; i = (i/256 + 1) * 256 {
		eb, err := client.GetEntryBundle(ctx, l.reader.ReadEntryBundle, i/256, size)
		if err != nil {
			return 0, fmt.Errorf("ledger: reading entries from %d: %w", i, err)
		}
		var got []record.Indexed
		err = replayBundle(reg, eb.Entries[i%256:], i, func(idx uint64, _ []byte, s *record.Signed, err error) error {
			if err != nil {
				return fmt.Errorf("ledger: entry %d does not verify (run accord audit): %w", idx, err)
			}
			got = append(got, record.Indexed{Index: idx, Signed: s, Role: roleOf(reg, s)})
			return nil
		})
		if err != nil {
			return 0, err
		}
		if each != nil {
			if err := each(got); err != nil {
				return 0, fmt.Errorf("ledger: indexing entries %d-%d that the index lacks: %w", got[0].Index, got[len(got)-1].Index, err)
			}
		}
	}
	l.snapshot.Store(&registrySnapshot{registry: reg, next: size})
	return size, nil
}
