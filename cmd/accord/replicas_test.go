package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/store/storetest"
)

// demoWitnesses runs the demo's two witnesses (its keys and cosigning state
// in dir) in the test, so that they outlive every server; it returns the
// --witness-url flags that point servers at them, and stops them.
func demoWitnesses(t *testing.T, dir string) (flags []string, stop func()) {
	t.Helper()
	keys := filepath.Join(dir, "keys")
	_, _, opKey, err := keyfile.Ensure(keys, "accord.demo/jcpoa")
	if err != nil {
		t.Fatal(err)
	}
	opVerifier, err := note.NewVerifier(opKey)
	if err != nil {
		t.Fatal(err)
	}
	var servers []*httptest.Server
	for _, name := range []string{"witness-us", "witness-iran"} {
		_, skey, _, err := keyfile.Ensure(keys, name)
		if err != nil {
			t.Fatal(err)
		}
		cosigner, err := f_note.NewSignerForCosignatureV1(skey)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ledger.NewWitness(filepath.Join(dir, name+".json"), cosigner, opVerifier)
		if err != nil {
			t.Fatal(err)
		}
		s := httptest.NewServer(w)
		servers = append(servers, s)
		flags = append(flags, "--witness-url", name+"="+s.URL)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			for _, s := range servers {
				s.Close()
			}
		})
	}
	t.Cleanup(stop)
	return flags, stop
}

// replica is one accord serve process.
type replica struct {
	base string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{}
}

func (r *replica) alive() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// role asks the server's /readyz whether it writes the log.
func (r *replica) role(c *http.Client) string {
	resp, err := c.Get(r.base + "/readyz")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var ready struct{ Role string }
	_ = json.NewDecoder(resp.Body).Decode(&ready)
	return ready.Role
}

// Replicas of `accord serve` on one log directory and one index, under
// load: the first is the writer and the others read; submissions go to the
// writer (clients follow /readyz, as a load balancer's health check
// would); the writer is killed with SIGKILL mid-load, a reader takes the
// lease and appends, and reads from the readers never fail. Every
// acknowledged record is in the log and the index, nothing a reader
// refused is in the log, and the audit passes.
//
// ACCORD_REPLICAS servers (default 2), ACCORD_REPLICA_ROUNDS kills
// (default 1; the killed server comes back as a reader), each after
// ACCORD_REPLICA_LOAD_MS of load (default 1500).
func TestReplicasKillNineWriterUnderLoad(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testReplicaFailover(t, "") })
	t.Run("postgres", func(t *testing.T) { testReplicaFailover(t, storetest.PostgresDSN(t)) })
}

func testReplicaFailover(t *testing.T, dsn string) {
	n := envInt("ACCORD_REPLICAS", 2)
	rounds := envInt("ACCORD_REPLICA_ROUNDS", 1)
	load := time.Duration(envInt("ACCORD_REPLICA_LOAD_MS", 1500)) * time.Millisecond
	ctx := context.Background()
	dir := t.TempDir()
	// The demo makes the keys, the log and its records; then it stops and
	// the servers take over its directory.
	d := launchDemo(t, app.DemoConfig{Dir: dir, DB: dsn})
	d.Close()
	db := dsn
	if db == "" {
		db = filepath.Join(dir, "index.db")
	}
	witnessFlags, stopWitnesses := demoWitnesses(t, dir)
	exe := accordExe(t)
	start := func() *replica {
		addr := freeAddr(t)
		r := &replica{base: "http://" + addr, out: &bytes.Buffer{}, done: make(chan struct{})}
		args := append([]string{"serve", "--dir", filepath.Join(dir, "log"), "--operator-key", filepath.Join(dir, "keys", "accord.demo_jcpoa.key"),
			"--db", db, "--addr", addr}, witnessFlags...)
		r.cmd = exec.Command(exe, args...)
		r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { _ = r.cmd.Wait(); close(r.done) }()
		if err := waitHealthy(r.base, time.Minute); err != nil {
			_ = r.cmd.Process.Kill()
			<-r.done
			t.Fatalf("%v\n%s", err, r.out)
		}
		return r
	}
	var replicas []*replica
	defer func() {
		for _, r := range replicas {
			if r.alive() {
				_ = r.cmd.Process.Kill()
				<-r.done
			}
		}
	}()
	hc := &http.Client{Timeout: 10 * time.Second}
	for i := range n {
		r := start()
		replicas = append(replicas, r)
		want := "reader"
		if i == 0 {
			want = "writer"
		}
		if got := r.role(hc); got != want {
			t.Fatalf("server %d of %d is the %s, want the %s\n%s", i+1, n, got, want, r.out)
		}
	}
	signer := demoSigner(t, dir, "iaea")
	token, err := client.ReadToken(ctx, replicas[1].base, signer)
	if err != nil {
		t.Fatal(err)
	}

	// findWriter is the live server whose /readyz says it writes.
	var writerBase atomic.Pointer[string]
	findWriter := func() {
		for _, r := range replicas {
			if r.alive() && r.role(hc) == "writer" {
				writerBase.Store(&r.base)
				return
			}
		}
	}
	findWriter()
	sent := newLedgerOf()
	var (
		mu        sync.Mutex
		notWriter []string // refused by a reader: must not be in the log
	)
	stop := make(chan struct{})
	acks := make(chan struct{}, 1)
	submitting := submittersTo(3, func() string { return *writerBase.Load() }, signer, "replica", stop, func(s submission) {
		sent.add(s)
		switch {
		case s.acknowledged():
			select {
			case acks <- struct{}{}:
			default:
			}
		case s.code == "not_writer": // answered 503: the client pauses
			mu.Lock()
			notWriter = append(notWriter, s.id)
			mu.Unlock()
			findWriter()
		case s.status == 0 || s.status == 503:
			findWriter()
		}
	})
	waitAck := func(what string) {
		select {
		case <-acks:
		case <-time.After(30 * time.Second):
			t.Fatalf("nothing acknowledged within 30 s %s", what)
		}
	}

	// Reads from every reader, all the time, until it is about to be
	// killed (once it has become the writer).
	type readCount struct {
		ok, failed atomic.Int64
		stop       chan struct{}
		done       sync.WaitGroup
	}
	reads := map[string]*readCount{}
	readFrom := func(r *replica) {
		rc := &readCount{stop: make(chan struct{})}
		reads[r.base] = rc
		readStop := rc.stop
		rc.done.Go(func() {
			c := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-readStop:
					return
				case <-time.After(30 * time.Millisecond):
				}
				path := "/api/v1/checkpoint"
				if i%2 == 1 {
					path = "/api/v1/records?limit=5"
				}
				req, _ := http.NewRequest("GET", r.base+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := c.Do(req)
				if err == nil && resp.StatusCode == 200 {
					rc.ok.Add(1)
				} else {
					rc.failed.Add(1)
					if err == nil {
						t.Logf("read %s%s: %d", r.base, path, resp.StatusCode)
					} else {
						t.Logf("read %s%s: %v", r.base, path, err)
					}
				}
				if err == nil {
					resp.Body.Close()
				}
			}
		})
	}

	var takeovers []time.Duration
	for round := range rounds {
		var writer *replica
		for _, r := range replicas {
			if r.alive() && r.role(hc) == "writer" {
				writer = r
			}
		}
		if writer == nil {
			t.Fatalf("round %d: no server writes the log", round)
		}
		for _, r := range replicas {
			if r != writer && r.alive() && reads[r.base] == nil {
				readFrom(r)
			}
		}
		waitAck(fmt.Sprintf("in round %d", round))
		time.Sleep(load)
		if rc := reads[writer.base]; rc != nil {
			close(rc.stop)
			rc.done.Wait()
		}
		_ = writer.cmd.Process.Signal(syscall.SIGKILL)
		killed := time.Now()
		<-writer.done
		var took time.Duration
		for took == 0 {
			for _, r := range replicas {
				if r != writer && r.alive() && r.role(hc) == "writer" {
					took = time.Since(killed)
					writerBase.Store(&r.base)
				}
			}
			if took == 0 {
				if time.Since(killed) > 30*time.Second {
					t.Fatalf("round %d: no reader took over within 30 s of the kill", round)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		takeovers = append(takeovers, took)
		for len(acks) > 0 {
			<-acks
		}
		waitAck(fmt.Sprintf("from the new writer in round %d", round))
		time.Sleep(load)
		if round < rounds-1 {
			// The killed server comes back, as a reader.
			i := slices.Index(replicas, writer)
			replicas[i] = start()
			if got := replicas[i].role(hc); got != "reader" {
				t.Fatalf("round %d: the restarted server is the %s, want a reader", round, got)
			}
		}
	}
	close(stop)
	submitting.Wait()
	for _, rc := range reads {
		select {
		case <-rc.stop:
		default:
			close(rc.stop)
		}
		rc.done.Wait()
	}
	for _, r := range replicas {
		if r.alive() {
			_ = r.cmd.Process.Signal(syscall.SIGTERM)
			<-r.done
		}
	}
	stopWitnesses()

	var readsOK, readsFailed int64
	for base, rc := range reads {
		readsOK += rc.ok.Load()
		readsFailed += rc.failed.Load()
		if rc.failed.Load() > 0 {
			t.Errorf("reads from %s failed %d times (of %d)", base, rc.failed.Load(), rc.ok.Load()+rc.failed.Load())
		}
	}
	acked, absent := inLog(sent)
	absent = append(absent, notWriter...)
	size := checkAcknowledged(t, dir, dsn, acked, absent)
	sort.Slice(takeovers, func(i, j int) bool { return takeovers[i] < takeovers[j] })
	t.Logf("%d servers, %d kill -9 of the writer: a reader wrote again after %v (lease polled every second); %d submissions, %d acknowledged, all in the log and the index; "+
		"%d refused by readers with 503 not_writer, none in the log; other refusals or no answer %v; %d reads from the readers, %d failed; index equals a rebuild; audit passes at size %d",
		n, rounds, takeovers, sent.sent, len(sent.acked), len(notWriter), sent.refused, readsOK+readsFailed, readsFailed, size)
}
