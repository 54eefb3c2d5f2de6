package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/store/storetest"
)

type testKey struct {
	skey, vkey string
	signer     note.Signer
}

// newTestKey makes a key as `accord keygen` does, in a directory of the
// test's.
func newTestKey(t *testing.T, name string) testKey {
	t.Helper()
	s, skey, vkey, err := keyfile.Ensure(t.TempDir(), name)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{skey, vkey, s}
}

// replicaLog is a log with an operator, an inspectorate and a state, and
// one witness that outlives every server of the test.
type replicaLog struct {
	dir, db        string
	operator, iaea testKey
	iran           testKey
	genesis        []byte
	seq            int
	created        time.Time
}

func newReplicaLog(t *testing.T, db string) *replicaLog {
	t.Helper()
	base := t.TempDir()
	rl := &replicaLog{dir: filepath.Join(base, "log"), db: db, operator: newTestKey(t, "accord.test/replicas"),
		iaea: newTestKey(t, "iaea-2026"), iran: newTestKey(t, "iran-aeoi"), created: time.Now().UTC().Truncate(time.Second)}
	if rl.db == "" {
		rl.db = filepath.Join(base, "index.db")
	}
	wk := newTestKey(t, "witness.test")
	cosigner, err := f_note.NewSignerForCosignatureV1(wk.skey)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(rl.operator.vkey)
	w, err := ledger.NewWitness(filepath.Join(base, "witness.json"), cosigner, v)
	if err != nil {
		t.Fatal(err)
	}
	ws := httptest.NewServer(w)
	t.Cleanup(ws.Close)
	g := record.GenesisBody{Origin: "accord.test/replicas", Agreement: "jcpoa", Members: []record.Member{
		{Party: "operator", Role: record.RoleOperator, Key: rl.operator.vkey},
		{Party: "iaea", Role: record.RoleInspectorate, Key: rl.iaea.vkey},
		{Party: "iran", Role: record.RoleState, Key: rl.iran.vkey},
	}, Witnesses: []record.WitnessEntry{{Party: "iaea", Key: wk.vkey, URL: ws.URL}}, WitnessesRequired: 1, Confidential: record.DefaultConfidential}
	body, _ := json.Marshal(g)
	if rl.genesis, err = record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "operator",
		Created: rl.created, Body: body}, rl.operator.signer); err != nil {
		t.Fatal(err)
	}
	return rl
}

// open opens the log as a replica advertising addr (creating it when
// create is set).
func (rl *replicaLog) open(t *testing.T, addr string, create bool) *app.App {
	t.Helper()
	cfg := app.Config{Dir: rl.dir, DB: rl.db, Operator: rl.operator.signer, Replica: true, Advertise: addr,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if create {
		cfg.Genesis = rl.genesis
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("opening the log as %s: %v", addr, err)
	}
	return a
}

func (rl *replicaLog) sign(t *testing.T, k testKey, author string, kind record.Kind, body any) []byte {
	t.Helper()
	rl.seq++
	b, _ := json.Marshal(body)
	s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: kind, ID: fmt.Sprintf("%s-%d", author, rl.seq), Author: author,
		Created: rl.created.Add(time.Duration(rl.seq) * time.Second), Body: b}, k.signer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (rl *replicaLog) finding(t *testing.T) []byte {
	return rl.sign(t, rl.iaea, "iaea", record.InspectionFinding, record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: "seals intact", Verdict: "consistent"})
}

// answer is a server's answer to a submission.
type answer struct {
	status     int
	retryAfter string
	Index      uint64
	Error      struct {
		Code, Message, Writer string
	}
}

func post(t *testing.T, base string, entry []byte) answer {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/records", "text/plain", bytes.NewReader(entry))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	a.status, a.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	return a
}

func readyz(t *testing.T, base string) map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz: %d %v", resp.StatusCode, err)
	}
	return m
}

// audit audits the log in dir from its files and fails the test on any
// problem.
func audit(t *testing.T, dir string) {
	t.Helper()
	res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(dir)}, ledger.AuditOptions{Files: os.DirFS(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Problem != nil {
		t.Fatalf("audit of %s: %v", dir, res.Problem)
	}
}

// waitFor waits, up to within, for cond; it fails the test after that.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// Two servers on one log directory and one index: the second reads, names
// the writer for submissions and cannot put into the log what the writer
// refuses (the same record again, a record signed by a key revoked through
// the writer); when the writer stops, it takes the lease and appends, and
// nothing acknowledged is lost.
func TestSecondServerReadsThenTakesOver(t *testing.T) {
	for _, c := range []struct{ name, db string }{{"sqlite", ""}, {"postgres", "postgres"}} {
		t.Run(c.name, func(t *testing.T) {
			db := c.db
			if db == "postgres" {
				db = storetest.PostgresDSN(t)
			}
			testReplicas(t, db)
		})
	}
}

func testReplicas(t *testing.T, db string) {
	ctx := context.Background()
	rl := newReplicaLog(t, db)
	const addrA, addrB = "http://writer-a.test:8080", "http://reader-b.test:8080"
	a := rl.open(t, addrA, true)
	aClosed := false
	defer func() {
		if !aClosed {
			a.Close()
		}
	}()
	b := rl.open(t, addrB, false)
	defer b.Close()
	if self, _ := a.Writer(); !self {
		t.Fatal("the first server is not the writer")
	}
	if self, w := b.Writer(); self || w != addrA {
		t.Fatalf("the second server: writer %v, names %q; want a reader naming %s", self, w, addrA)
	}
	if ra, rb := a.Role(), b.Role(); ra != "writer" || rb != "reader of the log that "+addrA+" writes" {
		t.Errorf("roles %q and %q", ra, rb)
	}
	sa := httptest.NewServer(a.Server(app.ServerOptions{}))
	defer sa.Close()
	sb := httptest.NewServer(b.Server(app.ServerOptions{}))
	defer sb.Close()
	if r := readyz(t, sb.URL); r["role"] != "reader" || r["writer"] != addrA {
		t.Errorf("the reader's /readyz: %v", r)
	}
	if r := readyz(t, sa.URL); r["role"] != "writer" {
		t.Errorf("the writer's /readyz: %v", r)
	}

	// Through the writer: a finding and the revocation of Iran's key.
	acked := map[uint64]string{}
	f1 := rl.finding(t)
	got := post(t, sa.URL, f1)
	if got.status != 201 && got.status != 202 {
		t.Fatalf("a finding sent to the writer: %d %+v", got.status, got.Error)
	}
	acked[got.Index] = string(f1)
	rev := rl.sign(t, rl.iran, "iran", record.KeyRevocation, record.KeyRevocationBody{Party: "iran", Key: rl.iran.vkey, Reason: "compromised"})
	if got = post(t, sa.URL, rev); got.status != 201 && got.status != 202 {
		t.Fatalf("the revocation sent to the writer: %d %+v", got.status, got.Error)
	}
	acked[got.Index] = string(rev)
	decl := rl.sign(t, rl.iran, "iran", record.Declaration, record.DeclarationBody{Site: "Natanz FEP", Statement: "after revocation"})

	// The attacks, through the reader: the same finding again, and a
	// record signed by the revoked key. Neither is stored.
	for name, entry := range map[string][]byte{"the same finding again": f1, "a record signed by the revoked key": decl} {
		got := post(t, sb.URL, entry)
		if got.status != 503 || got.Error.Code != "not_writer" || got.Error.Writer != addrA || got.retryAfter == "" || !strings.Contains(got.Error.Message, addrA) {
			t.Errorf("%s sent to the reader: %d Retry-After %q %+v; want 503 not_writer naming %s", name, got.status, got.retryAfter, got.Error, addrA)
		}
	}
	if got := post(t, sa.URL, decl); got.status != 403 || got.Error.Code != "key" {
		t.Errorf("a record signed by the revoked key sent to the writer: %d %+v, want 403 key", got.status, got.Error)
	}
	// The reader sees the writer's entries: the index at once, the key
	// registry and the checkpoint once published.
	for idx := range acked {
		if row, err := b.Index.Get(ctx, idx); err != nil || row.Index != idx {
			t.Errorf("the reader's index at %d: %v", idx, err)
		}
	}
	iranKey, _ := note.NewVerifier(rl.iran.vkey)
	waitFor(t, 10*time.Second, "the reader sees the revocation", func() bool { return !b.Current(iranKey.Name(), iranKey.KeyHash()) })
	waitFor(t, 10*time.Second, "the reader serves the writer's checkpoint", func() bool {
		ca, _ := a.Checkpoint(ctx)
		cb, _ := b.Checkpoint(ctx)
		return bytes.Equal(ca, cb) && bytes.Contains(cb, []byte("\n3\n"))
	})
	// Another process cannot open the log as its writer, nor reindex it.
	if _, err := app.Open(ctx, app.Config{Dir: rl.dir, DB: rl.db, Operator: rl.operator.signer}); err == nil || !strings.Contains(err.Error(), addrA) {
		t.Errorf("opening the log as a second writer: %v, want a refusal naming %s", err, addrA)
	}
	if _, _, err := app.Reindex(ctx, app.Config{Dir: rl.dir, DB: rl.db, Operator: rl.operator.signer}); err == nil {
		t.Error("reindexing while another process writes the log: no error")
	}

	// The writer stops: the reader takes over.
	sa.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	aClosed = true
	took := waitFor(t, 30*time.Second, "the reader takes over", func() bool { self, _ := b.Writer(); return self })
	t.Logf("the reader became the writer %s after the writer stopped (lease polled every second)", took.Round(time.Millisecond))
	if r := readyz(t, sb.URL); r["role"] != "writer" {
		t.Errorf("the new writer's /readyz: %v", r)
	}
	f2 := rl.finding(t)
	if got = post(t, sb.URL, f2); got.status != 201 && got.status != 202 {
		t.Fatalf("a finding sent to the new writer: %d %+v", got.status, got.Error)
	}
	acked[got.Index] = string(f2)
	if got := post(t, sb.URL, f1); got.status != 409 || got.Error.Code != "duplicate" {
		t.Errorf("the first finding again, to the new writer: %d %+v, want 409 duplicate", got.status, got.Error)
	}
	if got := post(t, sb.URL, decl); got.status != 403 || got.Error.Code != "key" {
		t.Errorf("a record signed by the revoked key, to the new writer: %d %+v, want 403 key", got.status, got.Error)
	}
	for idx, entry := range acked {
		if e, err := b.Log().Entry(ctx, idx); err != nil || string(e) != entry {
			t.Errorf("acknowledged entry %d: %v, not in the log", idx, err)
		}
		if row, err := b.Index.Get(ctx, idx); err != nil || row.Index != idx {
			t.Errorf("acknowledged entry %d not in the index: %v", idx, err)
		}
	}
	if n, err := b.Index.Size(ctx); err != nil || n != 4 {
		t.Errorf("the index holds %d entries (%v), want 4", n, err)
	}
	sb.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	audit(t, rl.dir)
}

// A backup restored elsewhere: the index copied mid-way (older than the
// log), the log directory copied with the writer stopped. The writer
// opened on the copies indexes what the old index lacks; the index equals
// one rebuilt from the log, and the audit passes.
func TestRestoreFromBackup(t *testing.T) {
	ctx := context.Background()
	rl := newReplicaLog(t, "")
	submit := func(a *app.App) {
		t.Helper()
		for range 2 {
			if _, err := a.Submit(ctx, rl.finding(t)); err != nil {
				t.Fatal(err)
			}
		}
	}
	a := rl.open(t, "", true)
	submit(a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	backup := t.TempDir()
	oldIndex, err := os.ReadFile(rl.db)
	if err != nil {
		t.Fatal(err)
	}
	a = rl.open(t, "", false)
	submit(a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(backup, "log"), os.DirFS(rl.dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(backup, "index.db"), oldIndex, 0o644); err != nil {
		t.Fatal(err)
	}

	restored := &replicaLog{dir: filepath.Join(backup, "log"), db: filepath.Join(backup, "index.db"), operator: rl.operator}
	r := restored.open(t, "", false)
	n, err := r.Index.Size(ctx)
	if err != nil || n != 5 {
		t.Errorf("the restored index holds %d entries (%v), want the log's 5", n, err)
	}
	rows, err := r.Index.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "rebuilt.db")
	if _, _, err := app.Reindex(ctx, app.Config{Dir: restored.dir, DB: fresh, Operator: rl.operator.signer}); err != nil {
		t.Fatal(err)
	}
	rb := &replicaLog{dir: restored.dir, db: fresh, operator: rl.operator}
	r = rb.open(t, "", false)
	rebuilt, err := r.Index.All(ctx)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, rebuilt) {
		t.Errorf("the restored index (%d rows) differs from one rebuilt from the log (%d rows)", len(rows), len(rebuilt))
	}
	audit(t, restored.dir)
}

// A writer whose PostgreSQL session ends while it lives (a network
// partition, the database restarted) stops appending and reads; the reader
// takes the lease; the old writer then names the new one.
func TestWriterThatLosesItsLeaseReads(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	rl := newReplicaLog(t, dsn)
	const addrA, addrB = "http://lease-lost-a.test", "http://lease-lost-b.test"
	a := rl.open(t, addrA, true)
	defer a.Close()
	b := rl.open(t, addrB, false)
	defer b.Close()
	if _, err := a.Submit(ctx, rl.finding(t)); err != nil {
		t.Fatal(err)
	}
	storetest.EndSessions(t, dsn, "accord writer "+addrA)
	took := waitFor(t, 30*time.Second, "the writer whose session ended reads, and the reader writes", func() bool {
		selfA, _ := a.Writer()
		selfB, _ := b.Writer()
		return !selfA && selfB
	})
	t.Logf("the writer stepped down and the reader took over %s after the session ended", took.Round(time.Millisecond))
	waitFor(t, 30*time.Second, "the old writer names the new one", func() bool { _, w := a.Writer(); return w == addrB })
	var se *server.Error
	if _, err := a.Submit(ctx, rl.finding(t)); !errors.As(err, &se) || se.Code != "not_writer" || se.Writer != addrB {
		t.Errorf("a submission to the old writer: %v, want not_writer naming %s", err, addrB)
	}
	if _, err := b.Submit(ctx, rl.finding(t)); err != nil {
		t.Errorf("a submission to the new writer: %v", err)
	}
	if n, err := b.Index.Size(ctx); err != nil || n != 3 {
		t.Errorf("the index holds %d entries (%v), want 3", n, err)
	}
}
