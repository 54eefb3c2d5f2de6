package app

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/accordverify/accord/internal/metrics"
)

// MetricsState reads the log's state for the metrics at each scrape: the
// published checkpoint's size, since when this server has seen that size
// (first seen at a scrape), and the published entries the index does not
// hold yet. A value that cannot be read is left out.
func (a *App) MetricsState() metrics.State {
	var mu sync.Mutex
	var last uint64
	var since time.Time
	size := func(ctx context.Context) (uint64, bool) {
		cp, err := a.Log().Checkpoint(ctx)
		if err != nil {
			return 0, false
		}
		// A checkpoint's second line is its size (c2sp.org/tlog-checkpoint).
		lines := bytes.SplitN(cp, []byte("\n"), 3)
		if len(lines) < 3 {
			return 0, false
		}
		n, err := strconv.ParseUint(string(lines[1]), 10, 64)
		return n, err == nil
	}
	return metrics.State{
		Checkpoint: func() (uint64, time.Time, bool) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, ok := size(ctx)
			if !ok {
				return 0, time.Time{}, false
			}
			mu.Lock()
			defer mu.Unlock()
			if n != last || since.IsZero() {
				last, since = n, time.Now()
			}
			return n, since, true
		},
		Backlog: func() (uint64, bool) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, ok := size(ctx)
			if !ok {
				return 0, false
			}
			indexed, err := a.Index.Size(ctx)
			if err != nil {
				return 0, false
			}
			return max(n, indexed) - indexed, true
		},
	}
}
