package ledger_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

const origin = "accord.test/log"

type key struct {
	name   string
	skey   string
	vkey   string
	signer note.Signer
}

func newKey(t testing.TB, name string) key {
	t.Helper()
	return keyFrom(t, name, rand.Reader)
}

// keyFrom makes a key named name from the randomness r gives.
func keyFrom(t testing.TB, name string, r io.Reader) key {
	t.Helper()
	skey, vkey, err := note.GenerateKey(r, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return key{name, skey, vkey, s}
}

// fixture is a log with an operator, four parties and two witnesses.
type fixture struct {
	dir       string
	operator  key
	iaea      key
	iran      key
	us        key
	e3        key
	witnesses []*testWitness
	genesis   []byte
	seq       int
}

type testWitness struct {
	key    key
	w      *ledger.Witness
	server *httptest.Server
	mu     sync.Mutex
	down   bool
}

func (tw *testWitness) setDown(down bool) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.down = down
}

func newFixture(t testing.TB, witnesses int) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), operator: newKey(t, origin), iaea: newKey(t, "iaea-2026"),
		iran: newKey(t, "iran-aeoi"), us: newKey(t, "us-state"), e3: newKey(t, "e3-ops")}
	g := record.GenesisBody{Origin: origin, Agreement: "jcpoa", Members: []record.Member{
		{Party: "operator", Role: record.RoleOperator, Key: f.operator.vkey},
		{Party: "iaea", Role: record.RoleInspectorate, Key: f.iaea.vkey},
		{Party: "iran", Role: record.RoleState, Key: f.iran.vkey},
		{Party: "us", Role: record.RoleParty, Key: f.us.vkey},
		{Party: "e3", Role: record.RoleParty, Key: f.e3.vkey},
	}, WitnessesRequired: witnesses}
	for i := range witnesses {
		k := newKey(t, fmt.Sprintf("witness-%d.test", i))
		tw := &testWitness{key: k, w: newWitness(t, k, f.operator.vkey)}
		tw.server = httptest.NewServer(tw)
		t.Cleanup(tw.server.Close)
		f.witnesses = append(f.witnesses, tw)
		g.Witnesses = append(g.Witnesses, record.WitnessEntry{Party: fmt.Sprintf("party-%d", i), Key: k.vkey, URL: tw.server.URL})
	}
	body, _ := json.Marshal(g)
	var err error
	f.genesis, err = record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "operator",
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Body: body}, f.operator.signer)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// newWitness is a witness with key k for the log whose key is logVKey,
// keeping its state in a file of the test's.
func newWitness(t testing.TB, k key, logVKey string) *ledger.Witness {
	t.Helper()
	cosigner, err := f_note.NewSignerForCosignatureV1(k.skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(logVKey)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ledger.NewWitness(filepath.Join(t.TempDir(), "witness.json"), cosigner, v)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (tw *testWitness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	tw.mu.Lock()
	down := tw.down
	tw.mu.Unlock()
	if down {
		rw.WriteHeader(503)
		return
	}
	tw.w.ServeHTTP(rw, r)
}

func (f *fixture) options() ledger.Options {
	return ledger.Options{Operator: f.operator.signer, CheckpointInterval: 100 * time.Millisecond, BatchMaxAge: 5 * time.Millisecond}
}

// over is the fixture's options with idx as the log's index.
func (f *fixture) over(idx ledger.Indexer) ledger.Options {
	opts := f.options()
	opts.Index = idx
	return opts
}

// storage is the fixture's log directory, through tessera's POSIX driver.
func (f *fixture) storage() ledger.Storage { return ledger.POSIX(f.dir) }

// index opens a SQLite index of its own for the test, closed when it ends.
func (f *fixture) index(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// create creates the fixture's log with its options, closed when the test
// ends.
func (f *fixture) create(t testing.TB) *ledger.Log {
	t.Helper()
	return f.createWith(t, f.options())
}

// createWith creates the fixture's log with opts, closed when the test ends.
func (f *fixture) createWith(t testing.TB, opts ledger.Options) *ledger.Log {
	t.Helper()
	l, err := ledger.Create(context.Background(), f.storage(), opts, f.genesis)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close(context.Background()) })
	return l
}

// sign makes a record of kind by author, signed by k.
func (f *fixture) sign(t testing.TB, k key, author string, kind record.Kind, body any, refs ...string) []byte {
	t.Helper()
	f.seq++
	b, _ := json.Marshal(body)
	s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: kind, ID: fmt.Sprintf("%s-%d", author, f.seq), Author: author,
		Created: time.Date(2026, 2, 1, 0, 0, f.seq, 0, time.UTC), Refs: refs, Body: b}, k.signer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) finding(t testing.TB) []byte {
	return f.sign(t, f.iaea, "iaea", record.InspectionFinding, record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: "seals intact", Verdict: "consistent"})
}

// findings makes n signed findings.
func (f *fixture) findings(t testing.TB, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = f.finding(t)
	}
	return out
}

// appendAll appends entries to l, failing the test at the first refusal.
func appendAll(t testing.TB, l *ledger.Log, entries ...[]byte) {
	t.Helper()
	for _, e := range entries {
		if _, err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

// appendPublished appends entries through the ledger and waits for a
// checkpoint that covers them.
func appendPublished(t testing.TB, l *ledger.Log, entries ...[]byte) {
	t.Helper()
	ctx := context.Background()
	var last uint64
	for _, e := range entries {
		seq, err := l.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		last = seq.Index
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := l.Receipt(rctx, last); err != nil {
		t.Fatal(err)
	}
}
