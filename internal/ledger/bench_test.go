package ledger_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/cputime"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

// records makes n signed findings.
func records(b testing.TB, f *fixture, n int) [][]byte {
	return recordsFrom(b, f, 0, n)
}

// recordsFrom makes n signed findings, numbered from start.
func recordsFrom(b testing.TB, f *fixture, start, n int) [][]byte {
	b.Helper()
	out := make([][]byte, n)
	err := onEveryCore(n, func(j int) error {
		i := start + j
		body, _ := json.Marshal(record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: "seals intact, check " + strconv.Itoa(i), Verdict: "consistent"})
		s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: fmt.Sprintf("bench-%d", i), Author: "iaea",
			Created: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Body: body}, f.iaea.signer)
		out[j] = s
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// onEveryCore calls do(i) for every i below n from one goroutine a core
// (GOMAXPROCS), each taking every GOMAXPROCS-th i. A goroutine stops at
// its first error; onEveryCore returns the errors, joined.
func onEveryCore(n int, do func(i int) error) error {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if err := do(i); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// concurrently runs add on every entry from 512 goroutines, enough to fill
// tessera's batches of 256.
func concurrently(entries [][]byte, add func([]byte) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	next := make(chan []byte)
	for range 512 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				if err := add(e); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, e := range entries {
		next <- e
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// BenchmarkAppend compares signed appends (signature check against the
// registry, validation, strict dedup, durable sequencing) with bare tessera
// POSIX appends of the same bytes with the same batching, in one run.
func BenchmarkAppend(b *testing.B) {
	b.Run("bare-tessera", func(b *testing.B) {
		f := newFixture(b, 0)
		entries := records(b, f, b.N)
		ctx := context.Background()
		app := bareAppender(b, f)
		b.ResetTimer()
		cpu := cputime.Used()
		err := concurrently(entries, func(e []byte) error {
			_, err := app.Add(ctx, tessera.NewEntry(e))()
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		used := cputime.Used() - cpu
		reportAppend(b, used)
		if b.N >= minMeasured {
			measured.bare, measured.bareRate = perEntry(b, used), float64(b.N)/b.Elapsed().Seconds()
		}
	})
	// The processor time a signature check costs with every core busy
	// checking, one goroutine a core, on the same records' signed texts
	// and signatures: the check the registry makes (the floor the signed
	// appends are held to), and crypto/ed25519's, for comparison.
	verifyAll := func(checker func(vkey string) func(pub ed25519.PublicKey, msg, sig []byte) bool, floor bool) func(b *testing.B) {
		return func(b *testing.B) {
			f := newFixture(b, 0)
			pub, msgs, sigs := signatures(b, f.iaea.vkey, records(b, f, b.N))
			check := checker(f.iaea.vkey)
			b.ResetTimer()
			cpu := cputime.Used()
			err := onEveryCore(len(msgs), func(i int) error {
				if !check(pub, msgs[i], sigs[i]) {
					return fmt.Errorf("signature %d does not verify", i)
				}
				return nil
			})
			used := cputime.Used() - cpu
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
			b.ReportMetric(perEntry(b, used), "cpu-us/verify")
			b.ReportMetric(used.Seconds()/b.Elapsed().Seconds()/float64(runtime.NumCPU()), "cpu-share")
			if floor && b.N >= minMeasured {
				measured.ed25519 = perEntry(b, used)
			}
		}
	}
	b.Run("crypto-ed25519-all-cores", verifyAll(func(string) func(ed25519.PublicKey, []byte, []byte) bool { return ed25519.Verify }, false))
	b.Run("ed25519-all-cores", verifyAll(func(vkey string) func(ed25519.PublicKey, []byte, []byte) bool {
		v, err := record.NewVerifier(vkey)
		if err != nil {
			b.Fatal(err)
		}
		return func(_ ed25519.PublicKey, msg, sig []byte) bool { return v.Verify(msg, sig) }
	}, true))
	signed := func(indexed bool) func(b *testing.B) {
		return func(b *testing.B) {
			f := newFixture(b, 0)
			all := records(b, f, b.N+bundleFill)
			var index ledger.Indexer
			if indexed {
				index = f.index(b)
			}
			l := signedLog(b, f, all[:bundleFill], index)
			entries := all[bundleFill:]
			b.ResetTimer()
			cpu := cputime.Used()
			err := concurrently(entries, func(e []byte) error {
				_, err := l.Append(context.Background(), e)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			used := cputime.Used() - cpu
			reportAppend(b, used)
			// What the signed entry costs beyond its signature check and
			// what tessera does for a bare one: both measured above, in
			// this run.
			if measured.bare > 0 && measured.ed25519 > 0 {
				b.ReportMetric(measured.ed25519, "ed25519-us/entry")
				b.ReportMetric(measured.bare, "bare-us/entry")
				b.ReportMetric(perEntry(b, used)-measured.ed25519-measured.bare, "overhead-us/entry")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/measured.bareRate, "x-bare-rate")
			}
		}
	}
	b.Run("signed-ledger", signed(false))
	// With its SQLite index, as the server appends: each record is also
	// indexed (and answered from the index's duplicate check, where the
	// index has one) before it is acknowledged.
	b.Run("signed-ledger-indexed", signed(true))
}

// benchBatchAge is the append benchmarks' longest wait for a batch: long
// enough that their batches fill (256 entries).
const benchBatchAge = 50 * time.Millisecond

// bareAppender is a bare tessera POSIX appender with the signed log's
// batching, shut down when the benchmark ends.
func bareAppender(b *testing.B, f *fixture) *tessera.Appender {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	driver, err := posix.New(ctx, posix.Config{Path: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	app, shutdown, _, err := tessera.NewAppender(ctx, driver, tessera.NewAppendOptions().
		WithCheckpointSigner(f.operator.signer).WithBatching(256, benchBatchAge).WithCheckpointInterval(time.Second))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = shutdown(ctx)
		cancel()
	})
	return app
}

// signedLog creates a signed log (indexed by index, when set) with the
// benchmarks' batching, closed when the benchmark ends, and appends fill
// to it: its genesis record and then the bundleFill records of fill,
// untimed, so that the timed entries start at index 256, on a bundle
// boundary, as the bare log's start at 0. (From index 1 every batch of
// 256 would span two bundles and tessera would write twice the bundle and
// tile files a batch that the bare side writes: a signed entry then cost
// some 20 us more of processor time in tessera itself.)
func signedLog(b *testing.B, f *fixture, fill [][]byte, index ledger.Indexer) *ledger.Log {
	b.Helper()
	opts := f.options()
	opts.BatchMaxAge, opts.CheckpointInterval = benchBatchAge, time.Second
	opts.Index = index
	l, err := ledger.Create(context.Background(), f.storage(), opts, f.genesis)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close(context.Background()) })
	if err := concurrently(fill, func(e []byte) error { _, err := l.Append(context.Background(), e); return err }); err != nil {
		b.Fatal(err)
	}
	return l
}

// bundleFill is how many records the signed benchmarks append, untimed,
// after the genesis record: the log then holds one full entry bundle.
const bundleFill = 255

// measured keeps the figures of BenchmarkAppend's first sub-benchmarks
// (the last run of each, of at least minMeasured entries) that the signed
// ones compare with: processor time per bare entry and per signature
// check, in microseconds, and the bare rate.
var measured struct{ bare, ed25519, bareRate float64 }

const minMeasured = 1000

// perEntry is used, in microseconds, for each of b.N entries.
func perEntry(b *testing.B, used time.Duration) float64 {
	return float64(used.Nanoseconds()) / 1e3 / float64(b.N)
}

// signatures splits signed notes of one Ed25519 key (its verifier key
// vkey) into what crypto/ed25519 checks: the key, each note's text and
// each signature.
func signatures(b *testing.B, vkey string, notes [][]byte) (ed25519.PublicKey, [][]byte, [][]byte) {
	b.Helper()
	parts := strings.SplitN(vkey, "+", 3)
	key, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != 1 {
		b.Fatalf("verifier key %q: not an Ed25519 key", vkey)
	}
	msgs, sigs := make([][]byte, len(notes)), make([][]byte, len(notes))
	for i, n := range notes {
		text, sigLine, ok := bytes.Cut(n, []byte("\n\n"))
		fields := strings.Fields(string(sigLine))
		if !ok || len(fields) != 3 {
			b.Fatalf("note %d: not one signature", i)
		}
		sig, err := base64.StdEncoding.DecodeString(fields[2])
		if err != nil || len(sig) != 4+ed25519.SignatureSize {
			b.Fatalf("note %d: bad signature", i)
		}
		msgs[i], sigs[i] = n[:len(text)+1], sig[4:]
	}
	return key[1:], msgs, sigs
}

// reportAppend reports the rate, the processor time each entry cost (user
// and system, all threads) and the share of the machine's processors the run
// used: a rate limited by processor time shows a share near 1. The timer
// stops first, so that closing the log (which waits for a checkpoint) is
// not counted in ns/op.
func reportAppend(b *testing.B, cpu time.Duration) {
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	b.ReportMetric(perEntry(b, cpu), "cpu-us/entry")
	b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds()/float64(runtime.NumCPU()), "cpu-share")
}

// liveHeap is the heap in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// BenchmarkSubmitReceipt measures one record at a time from submission to
// a receipt whose checkpoint both witnesses cosigned.
func BenchmarkSubmitReceipt(b *testing.B) {
	f := newFixture(b, 2)
	opts := f.options()
	opts.BatchMaxAge = time.Millisecond
	l, err := ledger.Create(context.Background(), f.storage(), opts, f.genesis)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close(context.Background())
	entries := records(b, f, b.N)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if _, _, err := l.Submit(context.Background(), entries[i], 10*time.Second); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-ms")
}

// BenchmarkAudit audits a log of ACCORD_AUDIT_N records (default 20,000)
// and, in the same run, verifies that many Ed25519 signatures on all
// cores: the audit's floor ("audit" reports its time as a multiple of it,
// x-floor). "incremental" audits the log in full keeping the auditor's
// state, appends 1,000 records, and times the audit that follows, from
// loading the state to saving it, as a percentage of that full audit
// (pct-of-full).
func BenchmarkAudit(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("ACCORD_AUDIT_N")); err == nil {
		n = v
	}
	f, _, entries := benchLog(b, n, nil)
	var floor float64 // ns an op of ed25519-all-cores

	// The floor: the check the auditor makes of each record's signature
	// (the registry's), on all cores.
	// Each also reports its processor time a record: what the audit
	// costs beyond the floor in work, apart from cores left idle.
	b.Run("ed25519-all-cores", func(b *testing.B) {
		v, _ := record.NewVerifier(f.iaea.vkey)
		cpu := cputime.Used()
		for b.Loop() {
			if err := concurrentlyVerify(entries, v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(perEntry(b, (cputime.Used()-cpu)/time.Duration(n)), "cpu-us/record")
		floor = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("audit", func(b *testing.B) {
		cpu := cputime.Used()
		for b.Loop() {
			res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(f.dir)}, ledger.AuditOptions{})
			if err != nil || res.Problem != nil {
				b.Fatal(err, res.Problem)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(perEntry(b, (cputime.Used()-cpu)/time.Duration(n)), "cpu-us/record")
		if floor > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/floor, "x-floor")
		}
	})
	// The floor and the audit in turns, the order alternating: each
	// turn's ratio compares two figures from the same second or so (see
	// BenchmarkAppendTurns). x-floor is the median of the turns' ratios
	// of elapsed time, x-floor-cpu of processor time.
	b.Run("in-turns", func(b *testing.B) {
		v, _ := record.NewVerifier(f.iaea.vkey)
		floor := func() error { return concurrentlyVerify(entries, v) }
		audit := func() error {
			res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(f.dir)}, ledger.AuditOptions{})
			if err == nil && res.Problem != nil {
				err = fmt.Errorf("%v", res.Problem)
			}
			return err
		}
		var wall, cpu []float64
		turn := 0
		for b.Loop() {
			var took, used [2]time.Duration // floor, audit
			for k := range 2 {
				j := (k + turn) % 2
				start, c := time.Now(), cputime.Used()
				if err := [2]func() error{floor, audit}[j](); err != nil {
					b.Fatal(err)
				}
				took[j], used[j] = time.Since(start), cputime.Used()-c
			}
			turn++
			wall = append(wall, took[1].Seconds()/took[0].Seconds())
			cpu = append(cpu, used[1].Seconds()/used[0].Seconds())
		}
		b.ReportMetric(median(wall), "x-floor")
		b.ReportMetric(median(cpu), "x-floor-cpu")
	})
	// The log grows by the records each run of "incremental" adds (-count
	// runs it again on the same log): the next run adds ids after them.
	logged := n
	b.Run("incremental", func(b *testing.B) {
		const added = 1000
		statePath := filepath.Join(b.TempDir(), "state.json")
		start := time.Now()
		state := &ledger.AuditState{}
		res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(f.dir)}, ledger.AuditOptions{State: state})
		if err == nil {
			err = state.Save(statePath)
		}
		if err != nil || res.Problem != nil {
			b.Fatal(err, res.Problem)
		}
		full := time.Since(start)
		rawAppend(b, f, recordsFrom(b, f, logged, added)...)
		logged += added
		saved, err := os.ReadFile(statePath)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for b.Loop() {
			state, err := ledger.LoadAuditState(statePath)
			if err != nil {
				b.Fatal(err)
			}
			res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(f.dir)}, ledger.AuditOptions{State: state})
			if err != nil || res.Problem != nil || res.Mode != ledger.AuditIncremental || res.EntriesChecked != added {
				b.Fatal(err, res.Problem, res.Mode, res.EntriesChecked, res.FullBecause)
			}
			if err := state.Save(statePath + ".next"); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if err := os.WriteFile(statePath, saved, 0o600); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(100*float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(full.Nanoseconds()), "pct-of-full")
		b.ReportMetric(full.Seconds(), "full-s")
		b.ReportMetric(float64(len(saved))/(1<<20), "state-MiB")
	})
}

// concurrentlyVerify opens every signed note on all cores.
func concurrentlyVerify(msgs [][]byte, v note.Verifier) error {
	return onEveryCore(len(msgs), func(i int) error {
		_, err := note.Open(msgs[i], note.VerifierList(v))
		return err
	})
}

// maxHeapPerRecord bounds the heap an open log keeps for each record.
const maxHeapPerRecord = 40

// BenchmarkOpen measures starting over a log of ACCORD_OPEN_N records
// (default 20,000): "replay" opens it without an index (the replay every
// start does: every entry read and its signature checked); "verify-index"
// opens it over its SQLite index, which is also compared with the log row
// by row. The difference is what checking the index at start costs. Each
// also reports the heap the open log keeps: the live heap after a
// collection with the log open, against before opening it (Close returns
// once nothing of the previous log runs, so that it is not counted).
func BenchmarkOpen(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("ACCORD_OPEN_N")); err == nil {
		n = v
	}
	idx, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "index.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	// The log is written without its index, then indexed by one Open
	// (in batches of 256, much faster than a transaction a record).
	f, opts, _ := benchLog(b, n, nil)
	opts.Index = idx
	l, err := ledger.Open(context.Background(), f.storage(), opts)
	if err != nil {
		b.Fatal(err)
	}
	_ = l.Close(context.Background())
	for _, c := range []struct {
		name  string
		index ledger.Indexer
	}{{"replay", nil}, {"verify-index", idx}} {
		b.Run(c.name, func(b *testing.B) {
			o := opts
			o.Index = c.index
			var retained int64
			for b.Loop() {
				b.StopTimer()
				before := liveHeap()
				b.StartTimer()
				l, err := ledger.Open(context.Background(), f.storage(), o)
				if err != nil {
					b.Fatal(err)
				}
				if l.Rebuilt() != "" {
					b.Fatal(l.Rebuilt())
				}
				b.StopTimer()
				retained = liveHeap() - before
				b.StartTimer()
				_ = l.Close(context.Background())
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			// What an open log keeps in memory: in all, and for each
			// record (over an index that answers the duplicate check,
			// nothing; without one, the record ids and entry hashes).
			b.ReportMetric(float64(retained)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(retained)/float64(n), "heap-B/record")
			// The bound an open log must keep: on a log large enough that
			// what it keeps whatever its size does not count.
			if perRecord := float64(retained) / float64(n); n >= 10000 && perRecord > maxHeapPerRecord {
				b.Errorf("the open log keeps %.1f bytes of heap a record, more than %d", perRecord, maxHeapPerRecord)
			}
		})
	}
}

// benchLog makes a closed, published log of n signed findings (indexed in
// index when it is not nil) and returns its fixture, options and entries.
func benchLog(b *testing.B, n int, index ledger.Indexer) (*fixture, ledger.Options, [][]byte) {
	b.Helper()
	f := newFixture(b, 0)
	entries := records(b, f, n)
	opts := f.options()
	opts.CheckpointInterval = time.Second
	opts.Index = index
	l, err := ledger.Create(context.Background(), f.storage(), opts, f.genesis)
	if err != nil {
		b.Fatal(err)
	}
	if err := concurrently(entries, func(e []byte) error { _, err := l.Append(context.Background(), e); return err }); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := l.Receipt(ctx, uint64(n)); err != nil {
		b.Fatal(err)
	}
	_ = l.Close(context.Background())
	return f, opts, entries
}
