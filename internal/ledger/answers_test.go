package ledger

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/transparency-dev/tessera"
)

// fakeTessera gives entries indexes in order, each answered when the test
// releases its batch.
type fakeTessera struct {
	next    uint64
	release chan struct{}
}

func (f *fakeTessera) add(_ context.Context, _ *tessera.Entry) tessera.IndexFuture {
	i, release := f.next, f.release
	f.next++
	return func() (tessera.Index, error) {
		<-release
		if i == 3 {
			return tessera.Index{}, errors.New("refused")
		}
		return tessera.Index{Index: i}, nil
	}
}

// One goroutine answers every entry in tessera's order; an append whose
// caller left is settled with its answer, once; after stop, entries are
// still answered, and the goroutine has exited.
func TestAnswersTellEachAppendOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeTessera{release: make(chan struct{})}
		orphans := make(chan *pending, 8)
		a := newAnswers(f.add, func(p *pending) { orphans <- p })
		var ps []*pending
		for range 4 {
			ps = append(ps, a.add(t.Context(), &handedOver{}, nil))
		}
		synctest.Wait()
		for i, p := range ps {
			select {
			case <-p.answered:
				t.Fatalf("entry %d answered before tessera answered", i)
			default:
			}
		}
		// The caller of entry 1 leaves; the others wait.
		if !ps[1].leave() {
			t.Fatal("a caller could not leave before the answer")
		}
		close(f.release)
		synctest.Wait()
		for i, p := range ps {
			<-p.answered
			if i == 3 {
				if p.err == nil {
					t.Errorf("entry 3: tessera's refusal was lost")
				}
			} else if p.err != nil || p.got.Index != uint64(i) {
				t.Errorf("entry %d: answer %+v, %v", i, p.got, p.err)
			}
			if i != 1 && p.leave() {
				t.Errorf("entry %d: its caller could leave after the answer", i)
			}
		}
		if len(orphans) != 1 || <-orphans != ps[1] {
			t.Fatalf("the append whose caller left was not settled once")
		}

		a.stop()
		f.release = make(chan struct{})
		late := a.add(t.Context(), &handedOver{}, nil)
		close(f.release)
		synctest.Wait()
		<-late.answered
		if late.err != nil || late.got.Index != 4 {
			t.Fatalf("entry after stop: %+v, %v", late.got, late.err)
		}
		// synctest.Test fails if run's goroutine were still blocked.
	})
}
