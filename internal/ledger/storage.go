package ledger

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
)

// Storage is where a log is kept: the tessera driver it is appended
// through, and a reader of what the storage already holds.
//
// POSIX(dir) builds the Storage of a local directory. For another tessera
// driver, set both fields: the driver as tessera.NewAppender takes it, and a
// Fetcher of the same log's resources (client.HTTPFetcher, for instance).
type Storage struct {
	// Driver is the tessera storage driver that the log's appender writes
	// through.
	Driver tessera.Driver
	// Files reads the stored checkpoint, tiles and entry bundles without an
	// appender. Open reads the genesis record through it before the
	// appender starts, since that record names the witnesses the appender
	// must wait for; Create checks through it that there is no log yet.
	Files Fetcher

	// dir is the directory of a POSIX log; err is why its driver could
	// not be made, returned by Create and Open.
	dir string
	err error
}

// POSIX is the log kept in the local directory dir by tessera's POSIX
// driver. Create makes the directory, and removes it again when it made it
// and the log could not take its genesis record.
func POSIX(dir string) Storage { return POSIXWith(dir, nil) }

// POSIXWith is POSIX with the HTTP client the log asks its witnesses with
// (nil: the default client): one that times or counts them, for instance.
func POSIXWith(dir string, witnessClient *http.Client) Storage {
	// posix.New keeps no context: it only records its configuration.
	d, err := posix.New(context.Background(), posix.Config{Path: dir, HTTPClient: witnessClient})
	return Storage{Driver: d, Files: FSFetcher{FS: os.DirFS(dir)}, dir: dir, err: err}
}

// String names the storage in messages: the directory of a POSIX log.
func (s Storage) String() string {
	if s.dir != "" {
		return s.dir
	}
	return "the log's storage"
}

// Exists reports whether dir holds a POSIX log.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "checkpoint"))
	_, err2 := os.Stat(filepath.Join(dir, ".state"))
	return err == nil || err2 == nil
}

// usable returns why the storage cannot be used, or nil.
func (s Storage) usable() error {
	switch {
	case s.err != nil:
		return fmt.Errorf("ledger: %s: %w", s, s.err)
	case s.Driver == nil || s.Files == nil:
		return errors.New("ledger: the storage needs both a tessera driver and a reader of its files (use ledger.POSIX for a directory)")
	}
	return nil
}

// holdsLog reports whether the storage already holds a log: for a POSIX
// log, tessera's state or a checkpoint in its directory; otherwise a
// checkpoint or an entry 0.
func (s Storage) holdsLog(ctx context.Context) (bool, error) {
	if s.dir != "" {
		return Exists(s.dir), nil
	}
	if _, err := s.Files.ReadCheckpoint(ctx); !errors.Is(err, fs.ErrNotExist) {
		return err == nil, err
	}
	if _, err := s.Files.ReadEntryBundle(ctx, 0, 1); !errors.Is(err, fs.ErrNotExist) {
		return err == nil, err
	}
	return false, nil
}

// prepare readies the storage for a new log and returns what undoes it
// when the log cannot be created: a POSIX log's directory is made, and
// removed again if it did not exist or was empty.
func (s Storage) prepare() (undo func(), err error) {
	if s.dir == "" {
		return func() {}, nil
	}
	entries, err := os.ReadDir(s.dir)
	fresh := err != nil || len(entries) == 0
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	return func() {
		if fresh {
			_ = os.RemoveAll(s.dir)
		}
	}, nil
}
