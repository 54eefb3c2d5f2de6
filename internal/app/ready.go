package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// probeBytes is what Writable writes to learn whether the log's directory
// takes a file: as much as the largest entry.
const probeBytes = 64 << 10

// Writable returns why a submission cannot succeed now, or nil: entries
// of the log wait for the index (which refused them), the index does not
// take a write, or the log's directory does not take a file of the
// largest entry's size (its disk full, or read-only). The probe file is
// removed at once. The messages are for an operator's readiness probe:
// they name no path.
func (a *App) Writable(ctx context.Context) error {
	if n := a.Log().Unindexed(); n > 0 {
		return fmt.Errorf("%d entries of the log wait for the index, which refused them", n)
	}
	// A record reserves its place in the index before the log takes it, so
	// an index that refuses writes refuses every submission.
	if err := a.Index.ProbeWrite(ctx); err != nil {
		return errors.New("the index does not take a write (its disk full, or the database read-only or down)")
	}
	if a.cfg.Dir == "" {
		return nil
	}
	f, err := os.CreateTemp(a.cfg.Dir, ".ready-*")
	if err == nil {
		_, err = f.Write(make([]byte, probeBytes))
		err = errors.Join(err, f.Close(), os.Remove(f.Name()))
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return errors.New("the log's disk is full")
	case errors.Is(err, syscall.EROFS), errors.Is(err, os.ErrPermission):
		return errors.New("the log's directory is read-only")
	}
	return errors.New("the log's directory cannot be written")
}
