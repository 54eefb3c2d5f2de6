package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	f_log "github.com/transparency-dev/formats/log"
	"golang.org/x/sync/semaphore"

	"github.com/accordverify/accord/internal/poll"
)

// ErrNotWriter refuses an append to a log opened with OpenReader: another
// process writes it. Nothing was stored.
var ErrNotWriter = errors.New("ledger: this process reads the log; another process writes it")

// OpenReader opens the log on s for reading while another process writes
// it: there is no appender, and Append refuses every record with
// ErrNotWriter. The key registry is replayed from the published entries
// and follows the published checkpoint, every period, until Close. What
// the reader reads is what the published checkpoint covers (tessera's
// contract: files beyond it may still change). opts.Index is ignored: the
// writer indexes.
func OpenReader(ctx context.Context, s Storage, opts Options, period time.Duration) (*Log, error) {
	if _, err := existing(ctx, s, opts); err != nil {
		return nil, err
	}
	opts.defaults()
	opts.Index = nil
	if period <= 0 {
		period = time.Second
	}
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := publishedReader{s.Files}
	l := &Log{opts: opts, reader: r, shutdown: func(context.Context) error { return nil }, cancel: cancel, origin: opts.Operator.Name(),
		published: newPublication(life, r.ReadCheckpoint, publicationPoll),
		verifying: verifySlots(), gate: semaphore.NewWeighted(gateWidth), flushing: semaphore.NewWeighted(1)}
	if err := l.replay(ctx); err != nil {
		cancel()
		return nil, err
	}
	go l.follow(life, period)
	return l, nil
}

// Writing reports whether this process appends to the log (Open, Create),
// rather than reading it (OpenReader).
func (l *Log) Writing() bool { return l.appender != nil }

// follow brings a reader's key registry up to the published checkpoint
// every period until ctx ends; it logs the first failure of a run.
func (l *Log) follow(ctx context.Context, period time.Duration) {
	poll.Every(ctx, period, func() error { return l.Refresh(ctx) }, func(err error) {
		l.opts.Logger.Warn("ledger: cannot follow the log's published entries; retrying", "err", err)
	}, nil)
}

// publishedReader reads a log that another process writes, as far as its
// published checkpoint: its size is the checkpoint's, never tessera's
// integrated size, which may run ahead of what is signed.
type publishedReader struct{ Fetcher }

func (r publishedReader) IntegratedSize(ctx context.Context) (uint64, error) {
	raw, err := r.ReadCheckpoint(ctx)
	if err != nil {
		return 0, fmt.Errorf("ledger: reading the checkpoint: %w", err)
	}
	var cp f_log.Checkpoint
	if _, err := cp.Unmarshal(raw); err != nil {
		return 0, fmt.Errorf("ledger: the checkpoint: %w", err)
	}
	return cp.Size, nil
}

func (r publishedReader) NextIndex(ctx context.Context) (uint64, error) {
	return r.IntegratedSize(ctx)
}
