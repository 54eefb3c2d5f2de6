package ledger_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

// A record is acknowledged only once logged and indexed; entries the log
// holds beyond the index (a crash between the two) are indexed at start;
// and an index rebuilt from the log equals the one built as records came.
func TestIndexFollowsTheLog(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	idx, err := store.Open(ctx, filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	opts := f.options()
	opts.Index = idx
	l, err := ledger.Create(ctx, opts, f.genesis)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := l.Append(ctx, f.finding(t)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := idx.Size(ctx); n != 4 {
		t.Fatalf("index size %d after 4 acknowledged records", n)
	}
	_ = l.Close(ctx)

	// Appends whose indexing never happened (the process died in between).
	noIndex := f.options()
	l, err = ledger.Open(ctx, noIndex)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := l.Append(ctx, f.finding(t)); err != nil {
			t.Fatal(err)
		}
	}
	_ = l.Close(ctx)
	if n, _ := idx.Size(ctx); n != 4 {
		t.Fatalf("index size %d, want still 4", n)
	}
	l, err = ledger.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Close(ctx)
	if n, _ := idx.Size(ctx); n != 6 {
		t.Fatalf("after start-up repair: index size %d, want 6", n)
	}
	before, _ := idx.All(ctx)

	// Rebuild from the log into a fresh index: the same rows.
	fresh, err := store.Open(ctx, filepath.Join(t.TempDir(), "rebuilt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	opts.Index = fresh
	l, err = ledger.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Close(ctx)
	after, _ := fresh.All(ctx)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("rebuilt index differs from the original")
	}
	if before[0].Role != "log-operator" || before[1].Role != "inspectorate" {
		t.Errorf("roles %q %q", before[0].Role, before[1].Role)
	}
}

// failingIndex fails to index key records.
type failingIndex struct{}

func (failingIndex) Size(context.Context) (uint64, error) { return 0, nil }
func (failingIndex) Index(_ context.Context, es []record.Indexed) error {
	for _, e := range es {
		if e.Signed.Record.Kind == record.KeyRevocation {
			return errors.New("disk full")
		}
	}
	return nil
}

// A key revocation takes effect as soon as it is durable, even when
// indexing it fails: nothing signed by the revoked key gets in after it.
func TestKeyChangeHoldsWhenIndexingFails(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	opts := f.options()
	opts.Index = failingIndex{}
	l, err := ledger.Create(ctx, opts, f.genesis)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	rev := f.sign(t, f.iran, "iran", record.KeyRevocation, record.KeyRevocationBody{Party: "iran", Key: f.iran.vkey, Reason: "compromised"})
	if _, err := l.Append(ctx, rev); err == nil || !strings.Contains(err.Error(), "not indexed") {
		t.Fatalf("revocation with a failing index: %v", err)
	}
	decl := f.sign(t, f.iran, "iran", record.Declaration, record.DeclarationBody{Site: "Natanz FEP", Statement: "after revocation"})
	var re *ledger.RejectError
	if _, err := l.Append(ctx, decl); !errors.As(err, &re) || re.Code != "key" {
		t.Errorf("a record signed by the revoked key: %v, want a key rejection", err)
	}
}
