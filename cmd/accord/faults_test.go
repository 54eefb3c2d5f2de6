package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store/storetest"
)

// The fault tests of RELIABILITY.md. Each prints one summary line (go test
// -v shows it) that RELIABILITY.md records.

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// submission is the fate of one signed record sent to the server.
type submission struct {
	id     string
	status int    // 0 when the request failed without an answer
	code   string // the error code of a refusal
	index  uint64
	err    error
}

func (s submission) acknowledged() bool { return s.status == 201 || s.status == 202 }

// submitFinding signs an inspection finding with id and posts it.
func submitFinding(client *http.Client, base string, signer note.Signer, id string) submission {
	body, _ := json.Marshal(record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: id, Verdict: "consistent"})
	s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: id, Author: "iaea", Created: time.Now().UTC(), Body: body}, signer)
	if err != nil {
		return submission{id: id, err: err}
	}
	resp, err := client.Post(base+"/api/v1/records", "text/plain", bytes.NewReader(s))
	if err != nil {
		return submission{id: id, err: err}
	}
	defer resp.Body.Close()
	var out struct {
		Index uint64
		Error struct {
			Code  string
			Index *uint64 // where a record not acknowledged yet is in the log
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if out.Error.Index != nil {
		out.Index = *out.Error.Index
	}
	return submission{id: id, status: resp.StatusCode, code: out.Error.Code, index: out.Index}
}

// submitters runs n clients that submit findings until stop closes, each
// reporting every submission; a client whose request fails without an
// answer pauses briefly (the server may be gone or restarting).
func submitters(n int, base string, signer note.Signer, prefix string, stop <-chan struct{}, report func(submission)) *sync.WaitGroup {
	return submittersTo(n, func() string { return base }, signer, prefix, stop, report)
}

// submittersTo is submitters sending each request to the server base
// names at the time (the writer, as the test last found it); a client
// pauses after a request without an answer or answered 503.
func submittersTo(n int, base func() string, signer note.Signer, prefix string, stop <-chan struct{}, report func(submission)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			client := &http.Client{Timeout: 20 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				s := submitFinding(client, base(), signer, fmt.Sprintf("%s-%d-%d", prefix, w, i))
				report(s)
				if s.status == 0 || s.status == 503 {
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
	return &wg
}

// iaeaSession is the demo's address, the IAEA's signer (from the demo's
// keys in dir) and a read token for it.
func iaeaSession(t testing.TB, d *app.Demo, dir string) (base string, signer note.Signer, token string) {
	t.Helper()
	base = "http://" + d.Addr
	signer = demoSigner(t, dir, "iaea")
	token, err := client.ReadToken(context.Background(), base, signer)
	if err != nil {
		t.Fatal(err)
	}
	return base, signer, token
}

// ledgerOf collects submissions: what was acknowledged, by index, and what
// the log kept without acknowledging it (503 not_indexed: in the log, and
// due in the index once the database returns).
type ledgerOf struct {
	mu      sync.Mutex
	acked   map[uint64]string
	kept    map[uint64]string
	refused map[string]int // by status and code
	// notStored are the ids refused with an answer that promises nothing
	// was stored (503 unavailable, 507 storage_full).
	notStored []string
	sent      int
}

func newLedgerOf() *ledgerOf {
	return &ledgerOf{acked: map[uint64]string{}, kept: map[uint64]string{}, refused: map[string]int{}}
}

// inLog is every record the ledgers say is in the log (acknowledged or
// kept, by index), and every id they say is not.
func inLog(ls ...*ledgerOf) (map[uint64]string, []string) {
	all, none := map[uint64]string{}, []string{}
	for _, l := range ls {
		maps.Copy(all, l.acked)
		maps.Copy(all, l.kept)
		none = append(none, l.notStored...)
	}
	return all, none
}

func (l *ledgerOf) add(s submission) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	switch {
	case s.acknowledged():
		l.acked[s.index] = s.id
	case s.status == 0:
		l.refused["no answer"]++
	case s.code == "not_indexed":
		l.kept[s.index] = s.id
		l.refused["503 not_indexed"]++
	case s.code == "unavailable" || s.code == "storage_full":
		l.notStored = append(l.notStored, s.id)
		l.refused[fmt.Sprintf("%d %s", s.status, s.code)]++
	default:
		l.refused[fmt.Sprintf("%d %s", s.status, s.code)]++
	}
}

// checkAcknowledged restarts the demo in dir and checks that every
// acknowledged record is in the log and in the index at its index, that no
// record in absent is in the log, that the index holds the whole log, and
// that it equals an index rebuilt from the log; then audits the log's
// files. It returns the log's size.
func checkAcknowledged(t *testing.T, dir, db string, acked map[uint64]string, absent []string) uint64 {
	t.Helper()
	ctx := context.Background()
	d := launchDemo(t, app.DemoConfig{Dir: dir, DB: db})
	checkPresent(t, d.App, acked)
	size, err := d.App.Log().Reader().IntegratedSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.App.Index.Size(ctx); err != nil || n != size {
		t.Errorf("the index holds %d entries, the log %d (%v)", n, size, err)
	}
	rows, err := d.App.Index.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()

	// An index rebuilt from the log equals the one that lived through the faults.
	rebuilt := demoIndex(t, app.DemoConfig{Dir: dir, DB: filepath.Join(t.TempDir(), "rebuilt.db")})
	if !reflect.DeepEqual(rows, rebuilt) {
		t.Errorf("the index (%d rows) differs from one rebuilt from the log (%d rows)", len(rows), len(rebuilt))
	}
	ids := map[string]uint64{}
	for _, r := range rebuilt {
		ids[r.ID] = r.Index
	}
	for _, id := range absent {
		if at, ok := ids[id]; ok {
			t.Errorf("%s was refused as not stored, but the log holds it at index %d", id, at)
		}
	}
	auditLog(t, filepath.Join(dir, "log"))
	return size
}

// checkPresent checks that every acknowledged record (id by index) is in
// the node's log and index at its index.
func checkPresent(t *testing.T, n *app.App, acked map[uint64]string) {
	t.Helper()
	ctx := context.Background()
	for idx, id := range acked {
		e, err := n.Log().Entry(ctx, idx)
		if err != nil || !strings.Contains(string(e), `"id":"`+id+`"`) {
			t.Errorf("acknowledged %s at index %d lost from the log: %v", id, idx, err)
		}
		if row, err := n.Index.Get(ctx, idx); err != nil || row.ID != id {
			t.Errorf("acknowledged %s at index %d not in the index: %v", id, idx, err)
		}
	}
}

// auditLog runs the full audit on a log directory and fails on any problem.
// The log need not be at rest: tessera's publisher may still be finishing a
// write when Close returns, and the audit takes files beyond the checkpoint
// it read for what they are (not yet published).
func auditLog(t *testing.T, logDir string) {
	t.Helper()
	res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(logDir)}, ledger.AuditOptions{Files: os.DirFS(logDir)})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if res.Problem != nil {
		cp, _ := os.ReadFile(filepath.Join(logDir, "checkpoint"))
		t.Fatalf("audit: %v\ncheckpoint now:\n%s", res.Problem, cp)
	}
}

// accordExe is a path that runs this test binary as the accord command
// (testscript.Main dispatches on the program's name).
func accordExe(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "accord")
	if err := os.Symlink(self, exe); err != nil {
		t.Fatal(err)
	}
	return exe
}

// freeAddr is a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy waits for the server at base to answer /healthz.
func waitHealthy(base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("no answer from %s/healthz within %s", base, within)
}

// kill -9 of the server (the demo: log, index, witnesses, API in one
// process) while 6 clients submit, ACCORD_FAULT_ROUNDS times (default 5;
// RELIABILITY.md records 50): every acknowledged record survives, the index
// repairs itself at each start, the audit passes.
func TestKillNineServerLosesNoAcknowledgedRecord(t *testing.T) {
	rounds := envInt("ACCORD_FAULT_ROUNDS", 5)
	exe, dir, addr := accordExe(t), t.TempDir(), freeAddr(t)
	base := "http://" + addr
	sent := newLedgerOf()
	var signer note.Signer
	for round := range rounds {
		var out bytes.Buffer
		cmd := exec.Command(exe, "demo", "--dir", dir, "--addr", addr, "--rate", "1000000")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if err := waitHealthy(base, time.Minute); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: %v\n%s", round, err, out.String())
		}
		if signer == nil {
			signer = demoSigner(t, dir, "iaea")
		}
		stop := make(chan struct{})
		ackedThisRound := make(chan struct{}, 1)
		wg := submitters(6, base, signer, fmt.Sprintf("kill-%d", round), stop, func(s submission) {
			sent.add(s)
			if s.acknowledged() {
				select {
				case ackedThisRound <- struct{}{}:
				default:
				}
			}
		})
		select {
		case <-ackedThisRound:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: nothing acknowledged in 30 s\n%s", round, out.String())
		}
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		close(stop)
		wg.Wait()
	}
	acked, absent := inLog(sent)
	size := checkAcknowledged(t, dir, "", acked, absent)
	t.Logf("kill -9: %d rounds, %d submissions, %d acknowledged, all in the log and the index after the restarts; "+
		"refused or unanswered %v; index equals a rebuild; audit passes at size %d", rounds, sent.sent, len(sent.acked), sent.refused, size)
}

// A corrupted store is found at start and rebuilt from the log: rows
// changed behind the server's back, then the SQLite file overwritten.
func TestCorruptedStoreIsRebuiltAtStart(t *testing.T) {
	dir := t.TempDir()
	want := demoIndex(t, app.DemoConfig{Dir: dir})
	path := filepath.Join(dir, "index.db")
	restart := func(t *testing.T) string {
		var warnings bytes.Buffer
		got := demoIndex(t, app.DemoConfig{Dir: dir, Log: slog.New(slog.NewTextHandler(&warnings, nil))})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after the restart the index has %d rows and differs from the original %d", len(got), len(want))
		}
		return warnings.String()
	}

	t.Run("a changed row", func(t *testing.T) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		// The 60 % stock of a verified-facts record, altered in the index only.
		res, err := db.Exec(`UPDATE records SET record_json = replace(record_json, '274.8', '27.48') WHERE kind = 'verified_facts' AND record_json LIKE '%274.8%'`)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatal("no row to tamper with")
		}
		if w := restart(t); !strings.Contains(w, "differed from the log") || !strings.Contains(w, "record_json") {
			t.Errorf("no warning naming the difference: %q", w)
		}
	})
	t.Run("an overwritten file", func(t *testing.T) {
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			_ = os.Remove(f)
		}
		if err := os.WriteFile(path, bytes.Repeat([]byte("\x00garbage"), 4096), 0o600); err != nil {
			t.Fatal(err)
		}
		if w := restart(t); !strings.Contains(w, "set aside") {
			t.Errorf("no warning that the file was set aside: %q", w)
		}
	})
}

// tcpProxy forwards a loopback port to a target address. down cuts every
// connection and refuses new ones, as a database that stops does; up
// accepts again on the same port.
type tcpProxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        map[net.Conn]bool
}

// proxiedPostgres is the test PostgreSQL behind a proxy that the test can
// take down: the proxy and the DSN that reaches the database through it.
func proxiedPostgres(t *testing.T) (*tcpProxy, string) {
	t.Helper()
	u, err := url.Parse(storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, u.Host)
	u.Host = px.addr
	return px, u.String()
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{addr: freeAddr(t), target: target, conns: map[net.Conn]bool{}}
	if err := p.up(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() error {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[u] = true, true
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
	return nil
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// PostgreSQL stopped and started again while 4 clients submit: while it
// is down every write is refused cleanly (503, nothing acknowledged that
// is not kept), reads answer 503, and writes resume by themselves once it
// is back; every acknowledged record is in the log and the index.
//
// The database is cut off by a proxy between the server and PostgreSQL
// (its connections reset, new ones refused), since the test instance is
// shared with the other test packages running at the same time. With
// ACCORD_TEST_POSTGRES_CTL set to a pg_ctlcluster prefix (CI sets it, in a
// step of its own), the real server is stopped and started as well.
func TestPostgresRestartUnderWriteLoad(t *testing.T) {
	px, proxied := proxiedPostgres(t)
	ctl := strings.Fields(os.Getenv("ACCORD_TEST_POSTGRES_CTL"))
	pgctl := func(action string) {
		if len(ctl) == 0 {
			return
		}
		args := append(append([]string{}, ctl[1:]...), action)
		if action == "stop" {
			args = append(args, "-m", "fast")
		}
		if out, err := exec.Command(ctl[0], args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", ctl[0], strings.Join(args, " "), err, out)
		}
	}

	dir := t.TempDir()
	d := launchDemo(t, app.DemoConfig{Dir: dir, DB: proxied, Rate: 1e6})
	base, signer, tok := iaeaSession(t, d, dir)
	read := func() int {
		req, _ := http.NewRequest("GET", base+"/api/v1/records?limit=5", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	var (
		phase             = "before"
		before, dur, afte = newLedgerOf(), newLedgerOf(), newLedgerOf()
		phaseMu           sync.Mutex
		ackedAfter        = make(chan struct{}, 1)
	)
	stop := make(chan struct{})
	wg := submitters(4, base, signer, "pg", stop, func(s submission) {
		phaseMu.Lock()
		p := phase
		phaseMu.Unlock()
		switch p {
		case "before":
			before.add(s)
		case "down":
			dur.add(s)
		default:
			afte.add(s)
			if s.acknowledged() {
				select {
				case ackedAfter <- struct{}{}:
				default:
				}
			}
		}
	})
	setPhase := func(p string) { phaseMu.Lock(); phase = p; phaseMu.Unlock() }

	time.Sleep(time.Second)
	px.down()
	setPhase("down")
	pgctl("stop")
	time.Sleep(2 * time.Second)
	readDown := read()
	pgctl("start")
	if err := px.up(); err != nil {
		t.Fatal(err)
	}
	setPhase("after")
	select {
	case <-ackedAfter:
	case <-time.After(30 * time.Second):
		t.Error("no write acknowledged within 30 s of the database's return")
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	readUp := read()
	backlog := d.App.Log().Unindexed()
	d.Close()

	if len(before.acked) == 0 {
		t.Error("nothing acknowledged before the restart")
	}
	if readDown != 503 || readUp != 200 {
		t.Errorf("reads: %d while down (want 503), %d after (want 200)", readDown, readUp)
	}
	for what := range dur.refused {
		if !strings.HasPrefix(what, "503 ") {
			t.Errorf("while the database was down a write got %q, want only 503 refusals", what)
		}
	}
	if backlog != 0 {
		t.Errorf("%d entries still wait for the index after the database returned", backlog)
	}
	acked, absent := inLog(before, dur, afte)
	size := checkAcknowledged(t, dir, proxied, acked, absent)
	mode := "proxy cut"
	if len(ctl) > 0 {
		mode = "proxy cut and pg_ctlcluster stop/start"
	}
	t.Logf("PostgreSQL restart (%s): before %d acknowledged; answered during the 2 s outage %d, of them %d acknowledged (indexed just before the cut), refused %v, a read got %d; after %d acknowledged; "+
		"all %d (with those answered not_indexed) in the log and the index; index equals a rebuild; audit passes at size %d",
		mode, len(before.acked), dur.sent, len(dur.acked), dur.refused, readDown, len(afte.acked), len(acked), size)
}

// smallDisk mounts a tmpfs of the given size for the test, or skips (it
// needs root; CI runs as root and sets ACCORD_TEST_FAULTS=required so that
// the test fails rather than skips there).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("full-disk test skipped: mounting a %s tmpfs needs root (%v: %s)", size, err, bytes.TrimSpace(out))
		if os.Getenv("ACCORD_TEST_FAULTS") == "required" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the file system is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// The last bytes: whatever a smaller write still fits.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return path
}

// diskRun is what a demo answered as its disk filled and emptied.
type diskRun struct {
	before, full, after *ledgerOf
	backlog             int // entries waiting for the index at the end
	// readyFull and readyAfter are what /readyz answered on the full disk
	// and at the end: its status and its checks.
	readyFull, readyAfter readiness
}

// readiness is an answer of /readyz.
type readiness struct {
	status int
	Checks map[string]string `json:"checks"`
}

func ready(t *testing.T, client *http.Client, base string) readiness {
	t.Helper()
	resp, err := client.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := readiness{status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("/readyz: %v", err)
	}
	return r
}

// runDiskFull starts a demo with cfg, submits 5 records, runs beforeFill,
// fills the file system at disk, submits 20 records, removes the filler,
// and submits until 5 more are acknowledged (within 30 s). The demo is
// closed when it returns.
func runDiskFull(t *testing.T, cfg app.DemoConfig, disk, prefix string, beforeFill func()) diskRun {
	t.Helper()
	d := launchDemo(t, cfg)
	defer d.Close()
	base, signer, _ := iaeaSession(t, d, cfg.Dir)
	client := &http.Client{Timeout: 30 * time.Second}
	r := diskRun{before: newLedgerOf(), full: newLedgerOf(), after: newLedgerOf()}
	for i := range 5 {
		r.before.add(submitFinding(client, base, signer, fmt.Sprintf("%s-before-%d", prefix, i)))
	}
	if len(r.before.acked) != 5 {
		t.Fatalf("before the disk filled: %d of 5 acknowledged (%v)", len(r.before.acked), r.before.refused)
	}
	if beforeFill != nil {
		beforeFill()
	}
	filler := fill(t, disk)
	for i := range 20 {
		r.full.add(submitFinding(client, base, signer, fmt.Sprintf("%s-full-%d", prefix, i)))
	}
	r.readyFull = ready(t, client, base)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; len(r.after.acked) < 5 && time.Now().Before(deadline); i++ {
		r.after.add(submitFinding(client, base, signer, fmt.Sprintf("%s-after-%d", prefix, i)))
		if len(r.after.acked) == 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if len(r.after.acked) < 5 {
		t.Fatalf("after space returned: %d acknowledged (%v)", len(r.after.acked), r.after.refused)
	}
	r.backlog = d.App.Log().Unindexed()
	r.readyAfter = ready(t, client, base)
	return r
}

// TestFullDisk puts the log and the index on a small file system and fills
// it: every submission is refused with 507 (or 503) and nothing stored;
// once space returns submissions succeed; nothing acknowledged is lost and
// the audit passes.
func TestFullDisk(t *testing.T) {
	disk := smallDisk(t, "48m")
	dir := filepath.Join(disk, "demo")
	r := runDiskFull(t, app.DemoConfig{Dir: dir, Addr: "127.0.0.1:0", Rate: 1e6}, disk, "disk", nil)
	if len(r.full.acked) == 20 {
		t.Fatal("every submission was acknowledged on a full disk")
	}
	for what := range r.full.refused {
		if !strings.HasPrefix(what, "503 ") && !strings.HasPrefix(what, "507 ") {
			t.Errorf("on a full disk a submission got %q, want a 503 or 507 refusal", what)
		}
	}
	if r.readyFull.status != 503 || !strings.HasPrefix(r.readyFull.Checks["writes"], "no: ") {
		t.Errorf("/readyz on the full disk: %d %v, want 503 saying why writes cannot succeed", r.readyFull.status, r.readyFull.Checks)
	}
	if r.readyAfter.status != 200 {
		t.Errorf("/readyz once space returned: %d %v, want 200", r.readyAfter.status, r.readyAfter.Checks)
	}
	acked, absent := inLog(r.before, r.full, r.after)
	size := checkAcknowledged(t, dir, "", acked, absent)
	t.Logf("full disk: %d acknowledged before; on the full disk %d sent, %d acknowledged, refused %v; after space returned %d acknowledged; all in the log and the index; audit passes at size %d",
		len(r.before.acked), r.full.sent, len(r.full.acked), r.full.refused, len(r.after.acked), size)
}

// TestFullIndexDisk fills the disk that holds the SQLite index while the
// log's disk has room. A record reserves its id and entry hash in the index
// before the log takes it, so the full index refuses it with 503 and
// nothing stored; at most one record, whose reservation still found room
// and whose row did not, is kept in the log and answered 503 not_indexed
// with its index. Once space returns a kept record is indexed by the
// background retry and submissions succeed; nothing acknowledged is lost
// and the index equals one rebuilt from the log.
func TestFullIndexDisk(t *testing.T) {
	disk := smallDisk(t, "16m")
	dir := t.TempDir()
	db := filepath.Join(disk, "index.db")
	// SQLite keeps its write-ahead log's file at its largest size and
	// reuses it; truncate it, so that the next write needs new space.
	truncateWAL := func() {
		raw, err := sql.Open("sqlite", "file:"+db)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var busy, frames, moved int
		if err := raw.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &moved); err != nil || busy != 0 {
			t.Fatalf("truncating the index's write-ahead log: busy %d, %v", busy, err)
		}
	}
	r := runDiskFull(t, app.DemoConfig{Dir: dir, DB: db, Addr: "127.0.0.1:0", Rate: 1e6}, disk, "index-disk", truncateWAL)
	if len(r.full.acked) != 0 {
		t.Errorf("%d of 20 submissions acknowledged with the index's disk full", len(r.full.acked))
	}
	if len(r.full.kept) > 1 {
		t.Errorf("%d submissions answered not_indexed (want at most the one that met the full index): %v", len(r.full.kept), r.full.refused)
	}
	for what := range r.full.refused {
		if what != "503 not_indexed" && what != "503 unavailable" {
			t.Errorf("with the index's disk full a submission got %q, want 503 not_indexed or unavailable", what)
		}
	}
	if r.backlog != 0 {
		t.Errorf("%d entries still wait for the index after space returned", r.backlog)
	}
	if r.readyFull.status != 503 || !strings.HasPrefix(r.readyFull.Checks["writes"], "no: ") {
		t.Errorf("/readyz with the index's disk full: %d %v, want 503 saying why writes cannot succeed", r.readyFull.status, r.readyFull.Checks)
	}
	if r.readyAfter.status != 200 {
		t.Errorf("/readyz once space returned: %d %v, want 200", r.readyAfter.status, r.readyAfter.Checks)
	}
	acked, absent := inLog(r.before, r.full, r.after)
	size := checkAcknowledged(t, dir, db, acked, absent)
	t.Logf("full index disk: %d acknowledged before; with the index's disk full %d sent, refused %v; after space returned %d acknowledged; all (and any kept record) in the log and the index, none of the %d refused as not stored; audit passes at size %d",
		len(r.before.acked), r.full.sent, r.full.refused, len(r.after.acked), len(absent), size)
}

// TestWitnessDownThroughTheServer takes one of the demo's two required
// witnesses down while a client submits. Each submission is stored and
// answered 202 without a receipt; the published checkpoint does not move;
// the record can be read, without a receipt. When the witness returns,
// the checkpoint moves past the records and each one's receipt verifies
// against the trust the genesis record declares (both witnesses).
func TestWitnessDownThroughTheServer(t *testing.T) {
	var down atomic.Bool
	wrap := func(key string, h http.Handler) http.Handler {
		if key != "witness-iran" {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() {
				http.Error(w, "witness down", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	dir := t.TempDir()
	d := launchDemo(t, app.DemoConfig{Dir: dir, Rate: 1e6, Witness: wrap})
	defer func() { d.Close() }()
	base, signer, tok := iaeaSession(t, d, dir)
	trust, err := ledger.TrustFromGenesis(d.App.Log().Genesis())
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	published := func() uint64 {
		t.Helper()
		resp, err := client.Get(base + "/api/v1/checkpoint")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		cp, _, err := trust.VerifyCheckpoint(raw)
		if err != nil {
			t.Fatalf("the published checkpoint does not verify: %v\n%s", err, raw)
		}
		return cp.Size
	}
	// receipt reads a record and returns its receipt, nil when none yet.
	receipt := func(idx uint64) *ledger.Receipt {
		t.Helper()
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/records/%d", base, idx), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Record  struct{ ID string }
			Receipt json.RawMessage
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.Record.ID == "" {
			t.Fatalf("reading record %d: HTTP %d, %v", idx, resp.StatusCode, err)
		}
		if len(out.Receipt) == 0 || string(out.Receipt) == "null" {
			return nil
		}
		r, err := ledger.ParseReceipt(out.Receipt)
		if err != nil {
			t.Fatalf("record %d: %v", idx, err)
		}
		return r
	}

	before := newLedgerOf()
	for i := range 2 {
		before.add(submitFinding(client, base, signer, fmt.Sprintf("witness-before-%d", i)))
	}
	if len(before.acked) != 2 {
		t.Fatalf("with both witnesses up: %d of 2 acknowledged (%v)", len(before.acked), before.refused)
	}
	sizeUp := published()

	down.Store(true)
	// Three at once: each waits up to the server's 5 s for its receipt.
	subs := make([]submission, 3)
	var wg sync.WaitGroup
	for i := range subs {
		wg.Go(func() { subs[i] = submitFinding(client, base, signer, fmt.Sprintf("witness-down-%d", i)) })
	}
	wg.Wait()
	statuses := map[int]int{}
	held := map[uint64]string{} // answered 202: stored, receipt to come
	var last uint64
	for _, s := range subs {
		statuses[s.status]++
		if s.status == http.StatusAccepted {
			held[s.index] = s.id
			last = max(last, s.index)
		}
	}
	sizeDown := published()
	if statuses[http.StatusAccepted] != 3 {
		t.Errorf("with a required witness down, submissions got %v, want three 202 (stored, receipt to come)", statuses)
	}
	if sizeDown != sizeUp {
		t.Errorf("the published checkpoint moved from %d to %d with a required witness down", sizeUp, sizeDown)
	}
	for idx := range held {
		if r := receipt(idx); r != nil {
			t.Errorf("record %d has a receipt while a required witness is down", idx)
		}
	}

	down.Store(false)
	deadline := time.Now().Add(30 * time.Second)
	for len(held) > 0 && published() <= last && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	sizeBack := published()
	for idx := range held {
		r := receipt(idx)
		if r == nil {
			t.Errorf("record %d has no receipt 30 s after the witness returned (published size %d)", idx, sizeBack)
			continue
		}
		cp, err := r.Verify(trust)
		if err != nil {
			t.Errorf("record %d: the receipt does not verify: %v", idx, err)
			continue
		}
		if cp.Size <= idx {
			t.Errorf("record %d: the receipt's checkpoint has size %d", idx, cp.Size)
		}
	}
	after := submitFinding(client, base, signer, "witness-after")
	if after.status != http.StatusCreated {
		t.Errorf("after the witness returned a submission got %d %s, want 201 with its receipt", after.status, after.code)
	}
	d.Close()
	d = &app.Demo{} // closed: the deferred Close has nothing left to do
	acked, absent := inLog(before)
	maps.Copy(acked, held)
	acked[after.index] = "witness-after"
	size := checkAcknowledged(t, dir, "", acked, absent)
	t.Logf("witness down: published size %d before, %d while down (3 submissions answered %v), %d after it returned; each held record's receipt verifies; audit passes at size %d",
		sizeUp, sizeDown, statuses, sizeBack, size)
}

// record submit --server calls "rejected, nothing stored" only what the
// server refused (4xx); a record it stored but could not acknowledge
// (503 not_indexed) is said to be in the log, and stops the command.
func TestSubmitSaysRejectedOnlyOfARefusal(t *testing.T) {
	answers := map[string]struct {
		status int
		body   string
	}{
		"refused.signed": {409, `{"error":{"code":"duplicate","message":"id iaea-1 is in the log at index 3"}}`},
		"late.signed":    {503, `{"error":{"code":"not_indexed","index":7,"message":"the record is in the log at index 7 but the index database is unavailable, so it is not acknowledged yet"}}`},
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a := answers[string(body)]
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	defer ts.Close()
	srv := ts.URL
	dir := t.TempDir()
	for name := range answers {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"record", "submit", "--server", srv, filepath.Join(dir, "refused.signed")}, nil, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "refused.signed: rejected, nothing stored: duplicate") {
		t.Errorf("a refusal: exit %d\n%s", code, stderr.String())
	}
	stderr.Reset()
	code = run([]string{"record", "submit", "--server", srv, filepath.Join(dir, "late.signed")}, nil, &stdout, &stderr)
	if code != 1 || strings.Contains(stderr.String(), "rejected") || strings.Contains(stderr.String(), "nothing stored") ||
		!strings.Contains(stderr.String(), "in the log at index 7") {
		t.Errorf("a record stored but not acknowledged: exit %d\n%s", code, stderr.String())
	}
}
