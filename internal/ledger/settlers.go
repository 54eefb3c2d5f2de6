package ledger

import (
	"sync"
	"sync/atomic"
	"time"
)

// settlers run the waits for tessera's answers that Append leaves behind
// when its caller may go, on goroutines that outlive one append. A new
// goroutine for every entry starts on a small stack and grows it again,
// for every entry, to what tessera's future needs (its metrics build
// attribute sets on the stack): that copying cost some 4 us of processor
// time per signed entry, more than the rest of the hand-over.
//
// A settler that finds no work for settlerIdle exits; Close stops the
// idle ones at once. Work handed over after Close still runs, on a
// goroutine of its own.
type settlers struct {
	work chan func()
	quit chan struct{}
	once sync.Once
	// live is how many settlers there are.
	live atomic.Int32
}

// settlerIdle is how long a settler waits for more work before it exits:
// long enough to stay across the gaps between the batches of a busy log.
const settlerIdle = 10 * time.Second

func newSettlers() *settlers {
	return &settlers{work: make(chan func()), quit: make(chan struct{})}
}

// run runs f on an idle settler, or on a new one if none is idle.
func (s *settlers) run(f func()) {
	select {
	case s.work <- f:
	default:
		go s.serve(f)
	}
}

// serve runs f, then what run hands over, until it has been idle for
// settlerIdle or the settlers are stopped.
func (s *settlers) serve(f func()) {
	s.live.Add(1)
	defer s.live.Add(-1)
	idle := time.NewTimer(settlerIdle)
	defer idle.Stop()
	for {
		f()
		idle.Reset(settlerIdle)
		select {
		case f = <-s.work:
		case <-idle.C:
			return
		case <-s.quit:
			return
		}
	}
}

// stop makes the idle settlers exit, and the busy ones once they are done.
func (s *settlers) stop() { s.once.Do(func() { close(s.quit) }) }
