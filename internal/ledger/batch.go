package ledger

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/accordverify/accord/internal/record"
)

// BatchReserver is a Reserver that also takes many claims in one
// transaction (package store implements it). Appends that reserve at the
// same time then share a transaction instead of waiting for one each.
type BatchReserver interface {
	Reserver
	// ReserveAll reserves each claim as Reserve does, in order, each
	// refused by the ones before it as by any other reservation; it
	// returns each claim's conflict (nil when reserved), or an error, and
	// then none is reserved.
	ReserveAll(ctx context.Context, cs []record.Claim) ([]*record.Conflict, error)
}

// maxBatch bounds the claims or entries handed to the index at once: as
// many as tessera sequences in one batch.
const maxBatch = 256

// indexTimeout bounds one hand-over of a batch to the index: an index that
// does not answer sooner is taken as down (the entries join the backlog).
const indexTimeout = 30 * time.Second

// A batchCall is one caller's part of a batch: what it hands over, and
// the answer, which done's closing publishes.
type batchCall[In, Out any] struct {
	in   In
	out  Out
	err  error
	done chan struct{}
	// left is set by a caller that stopped waiting; answered by the batch.
	// Whichever comes second knows the other did.
	state atomic.Int32
}

const (
	callWaiting int32 = iota
	callAnswered
	callLeft
)

// batcher hands what concurrent callers submit to do in batches: one
// goroutine takes every call waiting (up to maxBatch) and runs them at once,
// while the next calls queue. A caller whose context ends stops waiting;
// its call still runs (or has run), and abandoned learns of the outcome.
type batcher[In, Out any] struct {
	calls chan *batchCall[In, Out]
	// stopped is closed when run has returned.
	stopped chan struct{}
	// do runs a batch and answers each call (setting out and err).
	do func(ctx context.Context, calls []*batchCall[In, Out])
	// abandoned is told of the outcome of a call whose caller left.
	abandoned func(c *batchCall[In, Out])
}

func newBatcher[In, Out any](do func(context.Context, []*batchCall[In, Out]), abandoned func(*batchCall[In, Out])) *batcher[In, Out] {
	return &batcher[In, Out]{calls: make(chan *batchCall[In, Out], maxBatch), stopped: make(chan struct{}), do: do, abandoned: abandoned}
}

// run runs batches until ctx ends; calls still queued then are answered
// with ctx's error.
func (b *batcher[In, Out]) run(ctx context.Context) {
	defer close(b.stopped)
	batch := make([]*batchCall[In, Out], 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			for {
				select {
				case c := <-b.calls:
					c.err = ctx.Err()
					b.answer(c)
				default:
					return
				}
			}
		case c := <-b.calls:
			batch = append(batch, c)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case c := <-b.calls:
				batch = append(batch, c)
			default:
				break more
			}
		}
		bctx, cancel := context.WithTimeout(ctx, indexTimeout)
		b.do(bctx, batch)
		cancel()
		for _, c := range batch {
			b.answer(c)
		}
		clear(batch)
	}
}

func (b *batcher[In, Out]) answer(c *batchCall[In, Out]) {
	if c.state.CompareAndSwap(callWaiting, callAnswered) {
		close(c.done)
		return
	}
	if b.abandoned != nil {
		b.abandoned(c)
	}
}

// errClosed answers the calls that a closed log's batcher never took.
var errClosed = errors.New("ledger: the log is closed")

// A callFate says what became of a call.
type callFate int

const (
	// answered: out and err are the batch's answer.
	answered callFate = iota
	// left: the caller stopped waiting (its context ended) once the call
	// was submitted; the call may run, and abandoned hears of it.
	left
	// notSubmitted: the call never reached the batcher.
	notSubmitted
)

// call submits in and waits for its batch, or for ctx to end.
func (b *batcher[In, Out]) call(ctx context.Context, in In) (Out, callFate, error) {
	var zero Out
	c := &batchCall[In, Out]{in: in, done: make(chan struct{})}
	select {
	case b.calls <- c:
	case <-ctx.Done():
		return zero, notSubmitted, ctx.Err()
	case <-b.stopped:
		return zero, notSubmitted, errClosed
	}
	select {
	case <-c.done:
		return c.out, answered, c.err
	case <-ctx.Done():
	case <-b.stopped:
	}
	if c.state.CompareAndSwap(callWaiting, callLeft) {
		if ctx.Err() == nil {
			// The batcher stopped without taking the call.
			return zero, notSubmitted, errClosed
		}
		return zero, left, ctx.Err()
	}
	<-c.done
	return c.out, answered, c.err
}

// reserveBatch reserves the claims of a batch in one transaction.
func reserveBatch(r BatchReserver) func(context.Context, []*batchCall[record.Claim, *record.Conflict]) {
	return func(ctx context.Context, calls []*batchCall[record.Claim, *record.Conflict]) {
		cs := make([]record.Claim, len(calls))
		for i, c := range calls {
			cs[i] = c.in
		}
		conflicts, err := r.ReserveAll(ctx, cs)
		for i, c := range calls {
			if err != nil {
				c.err = err
				continue
			}
			c.out = conflicts[i]
		}
	}
}

// indexBatch indexes the entries of a batch in one transaction; if the
// index refuses them, they join the backlog.
func (l *Log) indexBatch(ctx context.Context, calls []*batchCall[record.Indexed, struct{}]) {
	es := make([]record.Indexed, len(calls))
	for i, c := range calls {
		es[i] = c.in
	}
	err := l.opts.Index.Index(ctx, es)
	if err != nil {
		l.backlogMu.Lock()
		l.backlog = append(l.backlog, es...)
		l.backlogMu.Unlock()
	}
	for _, c := range calls {
		c.err = err
	}
}
