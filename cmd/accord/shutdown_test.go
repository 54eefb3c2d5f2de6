package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/record"
)

// Shutting the server down while clients submit: every request either was
// acknowledged (and its record survives the restart, in the log and the
// index) or failed cleanly; none is acknowledged and lost.
func TestShutdownLosesNoAcknowledgedRecord(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	d, err := startDemo(ctx, demoConfig{dir: dir, addr: "127.0.0.1:0", rate: 1e6, out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	signer, _, err := loadSigner(filepath.Join(dir, "keys", "iaea.key"))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + d.addr
	var (
		mu       sync.Mutex
		acked    = map[uint64]string{}
		failures int
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 20 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("shutdown-%d-%d", w, i)
				body, _ := json.Marshal(record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: id, Verdict: "consistent"})
				s, _ := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: id, Author: "iaea", Created: time.Now().UTC(), Body: body}, signer)
				resp, err := client.Post(base+"/api/v1/records", "text/plain", strings.NewReader(string(s)))
				if err != nil {
					mu.Lock()
					failures++
					mu.Unlock()
					return // the server is gone: a clean failure
				}
				var sub struct{ Index uint64 }
				_ = json.NewDecoder(resp.Body).Decode(&sub)
				resp.Body.Close()
				mu.Lock()
				if resp.StatusCode == 201 || resp.StatusCode == 202 {
					acked[sub.Index] = id
				} else {
					failures++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	d.close() // graceful: requests in flight finish, then the log closes
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged before the shutdown")
	}

	d2, err := startDemo(ctx, demoConfig{dir: dir, addr: "127.0.0.1:0", out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.close()
	for idx, id := range acked {
		e, err := d2.node.log.Entry(ctx, idx)
		if err != nil || !strings.Contains(string(e), `"id":"`+id+`"`) {
			t.Errorf("acknowledged %s at index %d lost from the log: %v", id, idx, err)
		}
		if row, err := d2.node.index.Get(ctx, idx); err != nil || row.ID != id {
			t.Errorf("acknowledged %s at index %d not in the index: %v", id, idx, err)
		}
	}
	t.Logf("%d acknowledged before the shutdown, all present after the restart; %d requests failed cleanly", len(acked), failures)
}
