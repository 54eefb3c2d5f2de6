// Package poll runs a step on a ticker until its context ends, and says
// once when a run of failures starts and once when it ends: the loop the
// log's reader, its index backlog and the writer's lease all follow.
package poll

import (
	"context"
	"time"
)

// Every runs step every period until ctx ends, telling failed of the first
// failure of a run and recovered (when set) of the first success after one.
// An error step returns once ctx has ended is not a failure: Every returns.
func Every(ctx context.Context, period time.Duration, step func() error, failed func(error), recovered func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := step()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			failed(err)
		case err == nil && failing && recovered != nil:
			recovered()
		}
		failing = err != nil
	}
}
