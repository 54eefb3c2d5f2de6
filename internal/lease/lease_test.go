package lease_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/accordverify/accord/internal/lease"
	"github.com/accordverify/accord/internal/store/storetest"
)

// One process at a time holds a log's lease; the others learn its address,
// and take the lease once it is released. A holder whose lock file is
// replaced, or whose PostgreSQL session ends, finds out at its next check.
func TestOneHolderAtATime(t *testing.T) {
	t.Run("file", func(t *testing.T) { testOneHolder(t, "") })
	t.Run("postgres", func(t *testing.T) { testOneHolder(t, storetest.PostgresDSN(t)) })
}

func testOneHolder(t *testing.T, dsn string) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "log")
	open := func(addr string) *lease.Lease {
		l, err := lease.New(lease.Config{Dir: dir, Postgres: dsn, Origin: "accord.test/lease", Advertise: addr})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Close)
		return l
	}
	a, b := open("http://a.test"), open("http://b.test")
	if ok, err := a.TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("the first: %v %v", ok, err)
	}
	if ok, err := b.TryAcquire(ctx); ok || err != nil {
		t.Fatalf("the second while the first holds it: %v %v", ok, err)
	}
	if got := b.Holder(ctx); got != "http://a.test" {
		t.Errorf("the second names %q as the holder", got)
	}
	if err := a.Check(ctx); err != nil {
		t.Errorf("the holder's check: %v", err)
	}
	a.Release()
	if ok, err := b.TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("the second once the first released it: %v %v", ok, err)
	}

	// Lost: the lock file replaced.
	if err := os.Rename(lease.File(dir), lease.File(dir)+".old"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lease.File(dir), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := b.Check(ctx); !errors.Is(err, lease.ErrLost) || b.Held() {
		t.Errorf("the holder after its lock file was replaced: %v, held %v", err, b.Held())
	}
	if ok, err := a.TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("the first, on the new lock file: %v %v", ok, err)
	}
	if dsn == "" {
		return
	}
	// Lost: the holder's session ended by the database (which waits for
	// the session to end).
	storetest.EndSessions(t, dsn, "accord writer http://a.test")
	if err := a.Check(ctx); !errors.Is(err, lease.ErrLost) || a.Held() {
		t.Errorf("the holder after its session ended: %v, held %v", err, a.Held())
	}
	if ok, err := b.TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("the second once the first's session ended: %v %v", ok, err)
	}
}
