package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
)

// BenchmarkLoad runs the demo and, for ACCORD_LOAD_SECONDS (default 5),
// has 8 clients submit signed records and 8 clients read records and
// status over loopback; then checks that every acknowledged record is in
// the log and in the index. Against SQLite, and PostgreSQL when
// ACCORD_TEST_POSTGRES is set. Run with -benchtime 1x.
func BenchmarkLoad(b *testing.B) {
	seconds := 5
	if v, err := strconv.Atoi(os.Getenv("ACCORD_LOAD_SECONDS")); err == nil {
		seconds = v
	}
	demoStores(b, func(tb testing.TB, dsn string) {
		b := tb.(*testing.B)
		dir := b.TempDir()
		ctx := context.Background()
		d := launchDemo(b, app.DemoConfig{Dir: dir, DB: dsn, Rate: 1e6})
		defer d.Close()
		base, signer, tok := iaeaSession(b, d, dir)
		var memBefore runtime.MemStats
		runtime.ReadMemStats(&memBefore)
		deadline := time.Now().Add(time.Duration(seconds) * time.Second)
		var (
			mu                 sync.Mutex
			submitLat, readLat []time.Duration
			acked              []uint64
			failures           atomic.Int64
			seq                atomic.Int64
		)
		client := &http.Client{Timeout: 30 * time.Second}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() { // submitter
				defer wg.Done()
				for time.Now().Before(deadline) {
					n := seq.Add(1)
					body, _ := json.Marshal(record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: fmt.Sprintf("load %d/%d", w, n), Verdict: "consistent"})
					s, _ := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: fmt.Sprintf("load-%d", n),
						Author: "iaea", Created: time.Now().UTC(), Body: body}, signer)
					start := time.Now()
					resp, err := client.Post(base+"/api/v1/records", "text/plain", strings.NewReader(string(s)))
					if err != nil {
						failures.Add(1)
						continue
					}
					var sub struct{ Index uint64 }
					_ = json.NewDecoder(resp.Body).Decode(&sub)
					resp.Body.Close()
					if resp.StatusCode != 201 && resp.StatusCode != 202 {
						failures.Add(1)
						continue
					}
					mu.Lock()
					submitLat = append(submitLat, time.Since(start))
					acked = append(acked, sub.Index)
					mu.Unlock()
				}
			}()
		}
		for w := range 8 {
			wg.Add(1)
			go func() { // reader
				defer wg.Done()
				for i := 0; time.Now().Before(deadline); i++ {
					url := base + "/api/v1/records/" + strconv.Itoa(1+(w+i)%60)
					if i%4 == 0 {
						url = base + "/api/v1/status?as_of=2025-02-08&samples=1000"
					}
					req, _ := http.NewRequest("GET", url, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					keepTimedRead(client, req, &mu, &readLat, &failures)
				}
			}()
		}
		// The heap in use, every second: its peak in the first and in the
		// second half of the run (bounded memory: no growth between them).
		var peak [2]uint64
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			start := time.Now()
			for time.Now().Before(deadline) {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				half := 0
				if time.Since(start) > time.Duration(seconds)*time.Second/2 {
					half = 1
				}
				peak[half] = max(peak[half], m.HeapInuse)
				time.Sleep(time.Second)
			}
		}()
		wg.Wait()
		<-sampled
		var memAfter runtime.MemStats
		runtime.ReadMemStats(&memAfter)

		// Every acknowledged record is in the log and in the index.
		for _, idx := range acked {
			if _, err := d.App.Log().Entry(ctx, idx); err != nil {
				b.Fatalf("acknowledged index %d not in the log: %v", idx, err)
			}
			if _, err := d.App.Index.Get(ctx, idx); err != nil {
				b.Fatalf("acknowledged index %d not in the index: %v", idx, err)
			}
		}
		if failures.Load() > 0 {
			b.Errorf("%d requests failed", failures.Load())
		}
		pct := func(ls []time.Duration, q float64) float64 {
			if len(ls) == 0 {
				return 0
			}
			slices.Sort(ls)
			return float64(ls[int(q*float64(len(ls)-1))].Microseconds()) / 1000
		}
		b.ReportMetric(float64(len(submitLat))/float64(seconds), "submits/s")
		b.ReportMetric(pct(submitLat, 0.5), "submit-p50-ms")
		b.ReportMetric(pct(submitLat, 0.99), "submit-p99-ms")
		b.ReportMetric(float64(len(readLat))/float64(seconds), "reads/s")
		b.ReportMetric(pct(readLat, 0.5), "read-p50-ms")
		b.ReportMetric(pct(readLat, 0.99), "read-p99-ms")
		b.ReportMetric(float64(memAfter.HeapInuse)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(peak[0])/(1<<20), "heap-peak-1st-half-MiB")
		b.ReportMetric(float64(peak[1])/(1<<20), "heap-peak-2nd-half-MiB")
		b.Logf("%d submits and %d reads in %d s; %d acknowledged records all in the log and the index; heap %d -> %d MiB, peak %d MiB in the first half, %d MiB in the second",
			len(submitLat), len(readLat), seconds, len(acked), memBefore.HeapInuse>>20, memAfter.HeapInuse>>20, peak[0]>>20, peak[1]>>20)
	})
}

// cachedPages are the public pages BenchmarkCachedPages reads: the
// overview and the trends page of today, the report of today and the
// status at a date.
var cachedPages = []string{"/", "/trends", "/report", "/api/v1/status?as_of=2025-02-08"}

// BenchmarkCachedPages measures public page reads over loopback: 8
// anonymous clients read the overview, trends, the report and the status
// at a date in turn, without If-None-Match (so what is measured is the
// server's cache, not the clients'), for ACCORD_PAGES_SECONDS (default 20)
// against a server without its page cache, then as long against one with
// it, both over the same demo log. It reports the reads per second of
// each, their ratio, and the latencies of the cached reads. SQLite only.
// Run with -benchtime 1x.
func BenchmarkCachedPages(b *testing.B) {
	seconds := 20
	if v, err := strconv.Atoi(os.Getenv("ACCORD_PAGES_SECONDS")); err == nil {
		seconds = v
	}
	dir := b.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := app.StartDemo(ctx, app.DemoConfig{Dir: dir, Addr: "127.0.0.1:0", Rate: 1e6})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	// Two servers over the demo's log, wired alike but for the cache.
	serve := func(cacheBytes int64) string {
		s := server.New(server.Config{Log: d.App, Index: d.App, Auth: d.App, Keys: d.App, Rooms: d.App, Confidential: d.App, Replica: d.App,
			Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), Demo: true, RatePerSecond: 1e6, Burst: 1e6, CacheBytes: cacheBytes})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go func() { _ = s.Run(ctx, ln) }()
		return "http://" + ln.Addr().String()
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	read := func(base string) (reads int, lat []time.Duration) {
		deadline := time.Now().Add(time.Duration(seconds) * time.Second)
		var (
			mu       sync.Mutex
			wg       sync.WaitGroup
			failures atomic.Int64
		)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; time.Now().Before(deadline); i++ {
					req, _ := http.NewRequest("GET", base+cachedPages[i%len(cachedPages)], nil)
					keepTimedRead(client, req, &mu, &lat, &failures)
				}
			}()
		}
		wg.Wait()
		if failures.Load() > 0 {
			b.Errorf("%d reads failed", failures.Load())
		}
		return len(lat), lat
	}
	pct := func(ls []time.Duration, q float64) float64 {
		if len(ls) == 0 {
			return 0
		}
		slices.Sort(ls)
		return float64(ls[int(q*float64(len(ls)-1))].Microseconds()) / 1000
	}
	uncachedN, uncachedLat := read(serve(-1))
	cachedN, cachedLat := read(serve(0))
	uncached, cached := float64(uncachedN)/float64(seconds), float64(cachedN)/float64(seconds)
	b.ReportMetric(uncached, "uncached-reads/s")
	b.ReportMetric(cached, "cached-reads/s")
	b.ReportMetric(cached/max(uncached, 1e-9), "ratio")
	b.ReportMetric(pct(uncachedLat, 0.5), "uncached-p50-ms")
	b.ReportMetric(pct(uncachedLat, 0.99), "uncached-p99-ms")
	b.ReportMetric(pct(cachedLat, 0.5), "cached-p50-ms")
	b.ReportMetric(pct(cachedLat, 0.99), "cached-p99-ms")
	b.Logf("%d s each: %d reads without the cache, %d with it", seconds, uncachedN, cachedN)
}

// timedRead sends req and reads the whole answer: how long it took, and
// whether it was a 200.
func timedRead(client *http.Client, req *http.Request) (time.Duration, bool) {
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return time.Since(start), resp.StatusCode == 200
}

// keepTimedRead reads req with client and keeps its latency in lat (under
// mu), or counts a failure: what every reader of the load benchmarks does.
func keepTimedRead(client *http.Client, req *http.Request, mu *sync.Mutex, lat *[]time.Duration, failures *atomic.Int64) {
	took, ok := timedRead(client, req)
	if !ok {
		failures.Add(1)
		return
	}
	mu.Lock()
	*lat = append(*lat, took)
	mu.Unlock()
}
