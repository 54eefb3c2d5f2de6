package server

import (
	"runtime"
	"sync"
	"testing"
)

// Room locks serialize each room and are freed when no request uses them:
// requests for many rooms leave nothing behind.
func TestRoomLocksSerializeAndAreFreed(t *testing.T) {
	var l roomLocks
	var wg sync.WaitGroup
	counter := map[string]*int{"a": new(int), "b": new(int), "c": new(int)} // read concurrently, never written
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := []string{"a", "b", "c"}[i%3]
			unlock := l.lock(id)
			// Read, yield, write: updates are lost unless the room's lock
			// serializes them.
			v := *counter[id]
			runtime.Gosched()
			*counter[id] = v + 1
			unlock()
		}()
	}
	wg.Wait()
	if n := *counter["a"] + *counter["b"] + *counter["c"]; n != 200 {
		t.Errorf("counted %d", n)
	}
	if n := l.held(); n != 0 {
		t.Errorf("%d room locks left after every request ended", n)
	}
}
