package ledger

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	f_log "github.com/transparency-dev/formats/log"
)

// publication follows a log's published checkpoint for everyone waiting
// for one: a single goroutine reads the checkpoint, as soon as someone
// starts waiting and then every period while anyone waits, and wakes each
// waiter once a checkpoint covers its index. A checkpoint read less than a
// period ago answers at once, so that the answer is the latest checkpoint
// give or take a period.
//
// tessera.PublicationAwaiter does the same for futures, but it ends every
// wait on the first failed read and notices a cancelled context only at
// its next poll (its waiters sleep on a sync.Cond); here a failed read is
// retried until the waiter's context ends, and a waiter leaves as soon as
// its context does.
type publication struct {
	read   func(context.Context) ([]byte, error)
	period time.Duration
	// arrived wakes the follower when a waiter arrives; stopped is closed
	// when the follower has ended.
	arrived chan struct{}
	stopped chan struct{}

	mu         sync.Mutex
	checkpoint []byte // the largest checkpoint read, its size, and when
	size       uint64
	readAt     time.Time
	readErr    error // why the last read failed; nil after a good one
	waiters    map[*waiter]struct{}
	ended      bool
}

// waiter waits for a checkpoint that covers index; ready is closed once
// checkpoint is set.
type waiter struct {
	index      uint64
	ready      chan struct{}
	checkpoint []byte
	size       uint64
}

// newPublication starts following the checkpoint that read returns, until
// ctx ends.
func newPublication(ctx context.Context, read func(context.Context) ([]byte, error), period time.Duration) *publication {
	p := &publication{read: read, period: period, arrived: make(chan struct{}, 1), stopped: make(chan struct{}), waiters: map[*waiter]struct{}{}}
	go p.follow(ctx)
	return p
}

// await returns a published checkpoint whose size is greater than index,
// and that size. When ctx ends first, or the log is closed and its
// checkpoint does not cover index, the error wraps ErrNotPublished (and
// the last failed read of the checkpoint, if the last read failed).
func (p *publication) await(ctx context.Context, index uint64) ([]byte, uint64, error) {
	p.mu.Lock()
	if p.size > index && time.Since(p.readAt) < p.period {
		cp, size := p.checkpoint, p.size
		p.mu.Unlock()
		return cp, size, nil
	}
	if p.ended {
		p.mu.Unlock()
		return p.awaitEnded(ctx, index)
	}
	w := &waiter{index: index, ready: make(chan struct{})}
	p.waiters[w] = struct{}{}
	p.mu.Unlock()
	select {
	case p.arrived <- struct{}{}:
	default: // the follower is already awake
	}

	select {
	case <-w.ready:
		return w.checkpoint, w.size, nil
	case <-p.stopped:
	case <-ctx.Done():
	}
	p.mu.Lock()
	delete(p.waiters, w)
	readErr := p.readErr
	p.mu.Unlock()
	select {
	case <-w.ready: // it came as the wait ended
		return w.checkpoint, w.size, nil
	default:
	}
	if ctx.Err() == nil {
		return p.awaitEnded(ctx, index)
	}
	if readErr != nil {
		return nil, 0, fmt.Errorf("%w (the last read of the checkpoint failed: %w)", ErrNotPublished, readErr)
	}
	return nil, 0, ErrNotPublished
}

// awaitEnded answers a wait once the follower has ended (the log is
// closed): the checkpoint is read once more.
func (p *publication) awaitEnded(ctx context.Context, index uint64) ([]byte, uint64, error) {
	cp, size, err := p.readCheckpoint(ctx)
	switch {
	case err != nil:
		return nil, 0, fmt.Errorf("%w (the log is closed; reading its checkpoint: %w)", ErrNotPublished, err)
	case size <= index:
		return nil, 0, fmt.Errorf("%w (the log is closed)", ErrNotPublished)
	}
	return cp, size, nil
}

// readCheckpoint reads the published checkpoint and its size.
func (p *publication) readCheckpoint(ctx context.Context) ([]byte, uint64, error) {
	raw, err := p.read(ctx)
	if err != nil {
		return nil, 0, err
	}
	var cp f_log.Checkpoint
	if _, err := cp.Unmarshal(raw); err != nil {
		return nil, 0, fmt.Errorf("malformed checkpoint: %w", err)
	}
	return raw, cp.Size, nil
}

// follow reads the checkpoint while anyone waits, and wakes the waiters it
// covers, until ctx ends; then it lets every waiter go.
func (p *publication) follow(ctx context.Context) {
	defer func() {
		p.mu.Lock()
		p.ended = true
		p.mu.Unlock()
		close(p.stopped)
	}()
	tick := time.NewTicker(p.period)
	defer tick.Stop()
	for {
		if !p.waiting() {
			select {
			case <-ctx.Done():
				return
			case <-p.arrived:
			}
		}
		p.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-p.arrived: // a new waiter gets a fresh read, not the next tick
		case <-tick.C:
		}
	}
}

// waiting reports whether anyone waits.
func (p *publication) waiting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.waiters) > 0
}

// poll reads the checkpoint once and wakes the waiters it covers.
func (p *publication) poll(ctx context.Context) {
	cp, size, err := p.readCheckpoint(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case errors.Is(err, fs.ErrNotExist): // a new log before its first checkpoint
		p.readErr = nil
		return
	case err != nil:
		p.readErr = err
		return
	}
	p.readErr = nil
	if size < p.size {
		return // an older checkpoint than one already read: keep that one
	}
	p.checkpoint, p.size, p.readAt = cp, size, time.Now()
	for w := range p.waiters {
		if w.index < size {
			w.checkpoint, w.size = cp, size
			close(w.ready)
			delete(p.waiters, w)
		}
	}
}
