package ledger

import (
	"testing"
	"testing/synctest"
	"time"
)

// An idle settler takes the next work instead of a new goroutine; idle
// settlers exit after settlerIdle, and at once when stopped.
func TestSettlersAreReusedAndStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSettlers()
		ran := 0
		for range 3 {
			s.run(func() { ran++ })
			synctest.Wait()
		}
		if ran != 3 || s.live.Load() != 1 {
			t.Fatalf("three pieces of work in turn: ran %d on %d settlers, want 3 on 1", ran, s.live.Load())
		}

		// Work that arrives while the settler is busy gets a settler of
		// its own.
		release := make(chan struct{})
		s.run(func() { <-release })
		s.run(func() { <-release })
		synctest.Wait()
		if s.live.Load() != 2 {
			t.Fatalf("two pieces of work at once on %d settlers, want 2", s.live.Load())
		}
		close(release)
		synctest.Wait()

		time.Sleep(settlerIdle + time.Second)
		synctest.Wait()
		if n := s.live.Load(); n != 0 {
			t.Fatalf("%d settlers left after %v idle, want 0", n, settlerIdle)
		}

		s.run(func() {})
		synctest.Wait()
		s.stop()
		synctest.Wait()
		if n := s.live.Load(); n != 0 {
			t.Fatalf("%d settlers left after stop, want 0", n)
		}
		// Work handed over after stop still runs.
		done := false
		s.run(func() { done = true })
		synctest.Wait()
		if !done || s.live.Load() != 0 {
			t.Fatalf("work after stop: ran %v, %d settlers left", done, s.live.Load())
		}
	})
}
