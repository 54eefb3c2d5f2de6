package ledger

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// A caller that stops waiting while its call is in a batch gets its
// context's error at once; the batch still runs, and the outcome of the
// call goes to abandoned (where the log releases a reservation). Calls
// queued meanwhile share the next batch; after the batcher stops, calls
// are refused.
func TestBatcherCallerLeaves(t *testing.T) {
	gate := make(chan struct{})
	var mu sync.Mutex
	var sizes, abandoned []int
	b := newBatcher(func(_ context.Context, calls []*batchCall[int, int]) {
		<-gate
		mu.Lock()
		sizes = append(sizes, len(calls))
		mu.Unlock()
		for _, c := range calls {
			c.out = c.in * 2
		}
	}, func(c *batchCall[int, int]) {
		mu.Lock()
		abandoned = append(abandoned, c.out)
		mu.Unlock()
	})
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { b.run(ctx); close(ran) }()

	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, fate, err := b.call(short, 1); fate != left || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a caller whose context ends: %v, %v; want it left with the context's error", err, fate)
	}
	// Three calls queue behind the blocked batch, then run as one.
	var wg sync.WaitGroup
	for i := 2; i <= 4; i++ {
		wg.Go(func() {
			if out, fate, err := b.call(context.Background(), i); fate != answered || err != nil || out != 2*i {
				t.Errorf("call %d: %d, %v, %v", i, out, err, fate)
			}
		})
	}
	for len(b.calls) < 3 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	mu.Lock()
	if len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 3 {
		t.Errorf("batches of %v, want [1 3]", sizes)
	}
	if len(abandoned) != 1 || abandoned[0] != 2 {
		t.Errorf("abandoned outcomes %v, want [2]", abandoned)
	}
	mu.Unlock()
	stop()
	<-ran
	if _, fate, err := b.call(context.Background(), 5); fate != notSubmitted || !errors.Is(err, errClosed) {
		t.Errorf("after the batcher stopped: %v, %v", err, fate)
	}
}
