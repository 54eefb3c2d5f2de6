package poll_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/poll"
)

// Every tells of the first failure of each run and of the first success
// after it, once each, and returns when its context ends.
func TestEverySaysEachRunOfFailuresOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	results := []error{nil, errors.New("a"), errors.New("b"), nil, nil, errors.New("c")}
	var said []string
	steps := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		poll.Every(ctx, time.Millisecond, func() error {
			err := results[steps]
			steps++
			if steps == len(results) {
				cancel()
				return nil
			}
			return err
		}, func(err error) { said = append(said, "failed "+err.Error()) }, func() { said = append(said, "recovered") })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Every did not return once its context ended")
	}
	want := []string{"failed a", "recovered"}
	if !slices.Equal(said, want) {
		t.Errorf("said %q, want %q", said, want)
	}
}
