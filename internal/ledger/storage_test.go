package ledger_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/transparency-dev/tessera/storage/posix"

	"github.com/accordverify/accord/internal/ledger"
)

// A log on a Storage its caller assembles from a tessera driver and a
// reader of the same files works as one on POSIX(dir): Create refuses
// storage that holds a log, Open finds the genesis record through the
// reader.
func TestStorageFromADriver(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	storage := func() ledger.Storage {
		d, err := posix.New(ctx, posix.Config{Path: f.dir})
		if err != nil {
			t.Fatal(err)
		}
		return ledger.Storage{Driver: d, Files: ledger.FSFetcher{FS: os.DirFS(f.dir)}}
	}
	l, err := ledger.Create(ctx, storage(), f.options(), f.genesis)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := l.Append(ctx, f.finding(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Create(ctx, storage(), f.options(), f.genesis); err == nil || !strings.Contains(err.Error(), "already holds a log") {
		t.Errorf("Create over a log: %v, want it refused", err)
	}
	l, err = ledger.Open(ctx, storage(), f.options())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	if _, err := l.Entry(ctx, seq.Index); err != nil {
		t.Errorf("entry %d after reopening: %v", seq.Index, err)
	}
	if _, err := ledger.Open(ctx, ledger.Storage{}, f.options()); err == nil {
		t.Error("Open with an empty Storage succeeded")
	}
}

// Opening a directory without a log says so; a failed Create leaves no
// directory behind.
func TestPOSIXWithoutALog(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	if _, err := ledger.Open(ctx, f.storage(), f.options()); err == nil || !strings.Contains(err.Error(), "no log in "+f.dir) {
		t.Errorf("Open of an empty directory: %v", err)
	}
	dir := t.TempDir() + "/log"
	other := newKey(t, "someone-else")
	opts := f.options()
	opts.Operator = other.signer // not the genesis origin: refused before anything is written
	if _, err := ledger.Create(ctx, ledger.POSIX(dir), opts, f.genesis); err == nil {
		t.Fatal("Create with another operator key succeeded")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused Create left %s behind (%v)", dir, err)
	}
}
