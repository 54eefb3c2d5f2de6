package ledger

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/transparency-dev/tessera"
)

// answers waits, on one goroutine, for tessera's answers to the entries
// of appends that change no key, in the order tessera was given them,
// and tells each entry's append. Tessera answers a batch's entries
// together: one wait then serves the whole batch, where a goroutine for
// each entry would park and wake a batch's worth of goroutines (a profile
// of signed appends showed those waits, and the goroutines' stacks
// growing for tessera's future, costing several microseconds of
// processor time an entry).
//
// An append whose caller has left (its context ended) after the hand-over
// is settled on a goroutine of its own once tessera has answered (see
// answers.answer). After stop, an entry handed over is waited for on a
// goroutine of its own.
type answers struct {
	mu     sync.Mutex
	queue  []*pending
	spare  []*pending
	closed bool
	// wake has a token when the queue may have gained entries.
	wake chan struct{}
	// give gives an entry to tessera; orphaned settles an append whose
	// caller has left.
	give     func(context.Context, *tessera.Entry) tessera.IndexFuture
	orphaned func(*pending)
}

// pending is an entry given to tessera, and the state of its append.
type pending struct {
	*handedOver
	// ctx is the append's.
	ctx    context.Context
	future tessera.IndexFuture
	// answered is closed once got and err hold tessera's answer.
	answered chan struct{}
	got      tessera.Index
	err      error
	// state says who settles the append: its caller, unless the caller
	// left before the answer (see leave).
	state atomic.Int32
}

// The states of a pending append.
const (
	unanswered int32 = iota
	callerTold       // the caller settles the append
	callerGone       // the caller has left: the answer settles it
)

func newAnswers(give func(context.Context, *tessera.Entry) tessera.IndexFuture, orphaned func(*pending)) *answers {
	a := &answers{wake: make(chan struct{}, 1), give: give, orphaned: orphaned}
	go a.run()
	return a
}

// add gives the entry e of an append to tessera and queues it. The queue
// is in tessera's order but where two appends race between the two
// steps: the later may then wait for the other's batch. (Holding the lock
// across both would stall every append while tessera's Add waits for its
// sequencer to take a full batch.)
func (a *answers) add(ctx context.Context, t *handedOver, e *tessera.Entry) *pending {
	p := &pending{handedOver: t, ctx: ctx, answered: make(chan struct{})}
	p.future = a.give(ctx, e)
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		go a.answer(p)
		return p
	}
	a.queue = append(a.queue, p)
	a.mu.Unlock()
	a.signal()
	return p
}

func (a *answers) signal() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// run answers the queue's entries in turn, taking all of it at once,
// until stopped and empty.
func (a *answers) run() {
	for {
		a.mu.Lock()
		for len(a.queue) == 0 {
			if a.closed {
				a.mu.Unlock()
				return
			}
			a.mu.Unlock()
			<-a.wake
			a.mu.Lock()
		}
		batch := a.queue
		a.queue, a.spare = a.spare[:0], nil
		a.mu.Unlock()
		for i, p := range batch {
			a.answer(p)
			batch[i] = nil
		}
		a.mu.Lock()
		a.spare = batch[:0]
		a.mu.Unlock()
	}
}

// answer waits for tessera's answer to p and tells its caller, or, if
// the caller has left, settles the append on a goroutine of its own.
func (a *answers) answer(p *pending) {
	p.got, p.err = p.future()
	waited := p.state.CompareAndSwap(unanswered, callerTold)
	close(p.answered)
	if !waited {
		go a.orphaned(p)
	}
}

// leave is called by a caller whose context ended before the answer: it
// reports whether the caller may go (the append is then settled when the
// answer comes); if not, the answer is there (answered is closed or about
// to be) and the caller settles the append.
func (p *pending) leave() bool {
	return p.state.CompareAndSwap(unanswered, callerGone)
}

// stop makes run return once it has answered what it holds; later
// entries are waited for on goroutines of their own.
func (a *answers) stop() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.signal()
}
