package ledger

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	f_log "github.com/transparency-dev/formats/log"
)

func checkpointOfSize(n uint64) []byte {
	return f_log.Checkpoint{Origin: "accord.test/log", Size: n, Hash: make([]byte, 32)}.Marshal()
}

// waitFor polls cond until it holds or a second has passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (p *publication) waiterCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.waiters)
}

// One read of a new checkpoint wakes every waiter it covers, and only
// those; a waiter whose context ends leaves at once, without the follower;
// when the follower stops, the waiters left are told the log is closed.
func TestPublicationWakesEveryWaiterItCovers(t *testing.T) {
	feed := make(chan []byte)
	closed := make(chan struct{})
	var reads atomic.Int64
	read := func(ctx context.Context) ([]byte, error) {
		reads.Add(1)
		select {
		case cp := <-feed:
			return cp, nil
		case <-closed:
			return nil, fs.ErrNotExist
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	follow, stop := context.WithCancel(context.Background())
	defer stop()
	// No periodic read in this test: only arrivals and the feed drive it.
	p := newPublication(follow, read, time.Hour)

	type result struct {
		index, size uint64
		err         error
	}
	results := make(chan result, 300)
	await := func(ctx context.Context, index uint64) {
		_, size, err := p.await(ctx, index)
		results <- result{index, size, err}
	}
	const covered = 200
	for i := range uint64(covered) {
		go await(context.Background(), i)
	}
	later, cancelLater := context.WithCancel(context.Background())
	defer cancelLater()
	for range 4 {
		go await(context.Background(), 500)
	}
	go await(later, 500)
	waitFor(t, "205 waiters", func() bool { return p.waiterCount() == covered+5 })
	// Count from the read the follower is blocked in: counted before the
	// follower reaches it, that read would look like one more.
	waitFor(t, "the follower to read", func() bool { return reads.Load() >= 1 })

	readsBefore := reads.Load()
	feed <- checkpointOfSize(covered) // one read returns a checkpoint of size 200
	for range covered {
		select {
		case r := <-results:
			if r.err != nil || r.size != covered || r.index >= covered {
				t.Fatalf("waiter for %d: size %d, %v", r.index, r.size, r.err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("the checkpoint of size %d did not wake every waiter it covers", covered)
		}
	}
	if n := p.waiterCount(); n != 5 {
		t.Fatalf("%d waiters left, want the 5 beyond the checkpoint", n)
	}
	// The follower read once to wake them (and may have started one more
	// read for a waiter that arrived meanwhile, which is still blocked).
	if n := reads.Load() - readsBefore; n > 1 {
		t.Errorf("%d reads after the checkpoint was fed, want at most 1 more", n)
	}

	// A cancelled waiter leaves at once, although the follower is stuck in
	// a read.
	start := time.Now()
	cancelLater()
	select {
	case r := <-results:
		if !errors.Is(r.err, ErrNotPublished) || r.index != 500 {
			t.Errorf("cancelled waiter: %+v, want ErrNotPublished", r)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Errorf("the cancelled waiter took %v to leave", d)
		}
	case <-time.After(time.Second):
		t.Fatal("a cancelled waiter is still waiting")
	}
	waitFor(t, "the cancelled waiter to be forgotten", func() bool { return p.waiterCount() == 4 })

	// The follower stops (the log is closed): the others are let go.
	close(closed)
	stop()
	for range 4 {
		select {
		case r := <-results:
			if !errors.Is(r.err, ErrNotPublished) || !strings.Contains(r.err.Error(), "closed") {
				t.Errorf("waiter after the follower stopped: %v", r.err)
			}
		case <-time.After(time.Second):
			t.Fatal("a waiter is still waiting after the follower stopped")
		}
	}
	// A wait that the checkpoint just read covers is answered from it.
	if _, size, err := p.await(context.Background(), 10); err != nil || size != covered {
		t.Errorf("await(10) after the follower stopped: size %d, %v", size, err)
	}
}

// A checkpoint read more than a period ago is read again before it
// answers: a receipt is made against the latest checkpoint.
func TestPublicationAnswersWithTheLatestCheckpoint(t *testing.T) {
	var size atomic.Uint64
	size.Store(5)
	read := func(context.Context) ([]byte, error) { return checkpointOfSize(size.Load()), nil }
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	p := newPublication(ctx, read, 10*time.Millisecond)
	if _, got, err := p.await(ctx, 2); err != nil || got != 5 {
		t.Fatalf("await(2): size %d, %v", got, err)
	}
	size.Store(9)
	time.Sleep(20 * time.Millisecond)
	if _, got, err := p.await(ctx, 2); err != nil || got != 9 {
		t.Errorf("await(2) after the log grew: size %d, %v; want the latest checkpoint, 9", got, err)
	}
}

// Nobody waits, nothing is read; a failed read is kept in the error of the
// waiter whose context ends.
func TestPublicationReadsOnlyForWaiters(t *testing.T) {
	var reads atomic.Int64
	var mu sync.Mutex
	readErr := errors.New("disk on fire")
	read := func(context.Context) ([]byte, error) {
		reads.Add(1)
		mu.Lock()
		defer mu.Unlock()
		return nil, readErr
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	p := newPublication(ctx, read, 5*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	if n := reads.Load(); n != 0 {
		t.Fatalf("%d reads with nobody waiting", n)
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Millisecond)
	defer cancel()
	_, _, err := p.await(wctx, 0)
	if !errors.Is(err, ErrNotPublished) || !errors.Is(err, readErr) {
		t.Errorf("await: %v, want ErrNotPublished and the read's error", err)
	}
	if n := reads.Load(); n < 2 {
		t.Errorf("%d reads in 60 ms of waiting with a poll every 5 ms", n)
	}
	waitFor(t, "the waiter to be forgotten", func() bool { return p.waiterCount() == 0 })
	time.Sleep(10 * time.Millisecond) // a read under way when the waiter left
	idle := reads.Load()
	time.Sleep(50 * time.Millisecond)
	if n := reads.Load() - idle; n != 0 {
		t.Errorf("%d reads after the last waiter left", n)
	}
}
