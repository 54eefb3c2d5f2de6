package ledger

import "context"

// Hooks for the package's external tests: each takes a lock as the
// concurrent work that holds it would, and returns what releases it.

// OccupyVerifying takes every signature-check slot, as appends checking
// on every core do.
func (l *Log) OccupyVerifying() (release func()) {
	n := cap(l.verifying)
	for range n {
		l.verifying <- struct{}{}
	}
	return func() {
		for range n {
			<-l.verifying
		}
	}
}

// OccupyGate takes the whole gate, as a key record being appended does.
func (l *Log) OccupyGate() (release func()) {
	if err := l.gate.Acquire(context.Background(), gateWidth); err != nil {
		panic(err)
	}
	return func() { l.gate.Release(gateWidth) }
}

// OccupyFlush takes the hand-over of the backlog, as a flush waiting for
// a slow index does.
func (l *Log) OccupyFlush() (release func()) {
	if err := l.flushing.Acquire(context.Background(), 1); err != nil {
		panic(err)
	}
	return func() { l.flushing.Release(1) }
}

// KeepsRecordsInMemory reports whether the log answers the duplicate check
// from memory (its index is not a Reserver) rather than from the index.
func (l *Log) KeepsRecordsInMemory() bool { return l.memory != nil }
