package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store/storetest"
)

func get(t *testing.T, url string, v any, token ...string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if len(token) > 0 {
		req.Header.Set("Authorization", "Bearer "+token[0])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, b)
		}
	}
	return resp.StatusCode
}

// demoStores runs a test on SQLite ("") and PostgreSQL (a schema of its
// own, or skipped without $ACCORD_TEST_POSTGRES).
func demoStores(t testing.TB, test func(t testing.TB, dsn string)) {
	switch t := t.(type) {
	case *testing.T:
		t.Run("sqlite", func(t *testing.T) { test(t, "") })
		t.Run("postgres", func(t *testing.T) { test(t, storetest.PostgresDSN(t)) })
	case *testing.B:
		t.Run("sqlite", func(b *testing.B) { test(b, "") })
		t.Run("postgres", func(b *testing.B) { test(b, storetest.PostgresDSN(b)) })
	}
}

// The demo loads the public series through the submission path and serves
// the same status as the dataset gives, on SQLite and on PostgreSQL.
func TestDemoServesTheAPI(t *testing.T) {
	demoStores(t, func(tb testing.TB, dsn string) {
		t := tb.(*testing.T)
		dir := t.TempDir()
		ctx := context.Background()
		d := launchDemo(t, app.DemoConfig{Dir: dir, DB: dsn})
		base := "http://" + d.Addr
		if d.Loaded < 40 || d.Skipped != 0 {
			t.Fatalf("loaded %d, skipped %d", d.Loaded, d.Skipped)
		}
		// The demo is ready when a checkpoint covers every record it
		// logged, the talks rooms' commitments included: otherwise the
		// pages' tags change under the first reader when it catches up.
		cp, err := d.App.Log().Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		size, err := strconv.ParseUint(strings.Split(string(cp), "\n")[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		last := size - 1
		if beyond, err := d.App.Index.Query(ctx, record.Filter{After: &last, Limit: 10}); err != nil || len(beyond) != 0 {
			t.Fatalf("%d records indexed beyond the checkpoint of size %d (%v)", len(beyond), size, err)
		}

		// Status from the indexed records equals status from the dataset.
		var got compliance.Overview
		if code := get(t, base+"/api/v1/status?as_of=2025-02-08&samples=200", &got); code != 200 {
			t.Fatalf("status: HTTP %d", code)
		}
		want, err := compliance.OverviewAt(agreement.JCPOA(), dataset.Embedded().Facts(), calendar.MustParse("2025-02-08"), compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: 200, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if *got.Inventory.TotalKgU != 8294.4 || len(got.Findings) != len(want.Findings) {
			t.Fatalf("total %v, %d findings", got.Inventory.TotalKgU, len(got.Findings))
		}
		for i, f := range got.Findings {
			w := want.Findings[i]
			if f.Status != w.Status || (f.Observed == nil) != (w.Observed == nil) || (f.Observed != nil && *f.Observed != *w.Observed) {
				t.Errorf("%s: from records %s %v, from the dataset %s %v", f.Commitment, f.Status, f.Observed, w.Status, w.Observed)
			}
		}
		if *got.Breakout.Estimate.HeadlineDays != *want.Breakout.Estimate.HeadlineDays {
			t.Errorf("breakout %v vs %v", *got.Breakout.Estimate.HeadlineDays, *want.Breakout.Estimate.HeadlineDays)
		}
		// The records say when each figure was published, as the series
		// does: on 10 February 2025 the latest figures, of 8 February, are
		// GOV/2025/8's of 26 February, and the overview says so; on 15
		// March, nothing is said.
		var early compliance.Overview
		if code := get(t, base+"/api/v1/status?as_of=2025-02-10&samples=10", &early); code != 200 {
			t.Fatalf("status: HTTP %d", code)
		}
		if l := early.Latest.Report; l == nil || l.AfterAsOf == nil || !*l.AfterAsOf || l.Evidence.Published.String() != "2025-02-26" || early.Latest.Public == nil {
			t.Errorf("the latest evidence at 2025-02-10: %+v", early.Latest)
		}
		for date, want := range map[string]bool{"2025-02-10": true, "2025-03-15": false} {
			resp, err := http.Get(base + "/?as_of=" + date)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := strings.Contains(string(body), "published 2025-02-26, after this date"); got != want {
				t.Errorf("the overview of %s says GOV/2025/8 was published after it: %v, want %v", date, got, want)
			}
		}

		// The heavy water is not known since, from the records as from the
		// public record: its last figure (within 130 t, September 2020)
		// was current when the continuity of knowledge the monitoring
		// events give was escrowed.
		var hw compliance.Overview
		if code := get(t, base+"/api/v1/status?as_of=2022-01-01&samples=10", &hw); code != 200 {
			t.Fatalf("status: HTTP %d", code)
		}
		cli, err := compliance.OverviewAt(agreement.JCPOA(), evidence.Public(dataset.Embedded()), calendar.MustParse("2022-01-01"), compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: 10, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []*compliance.Overview{&hw, cli} {
			for _, f := range o.Findings {
				if f.Commitment == "heavy-water" && (f.Status != compliance.Unknown || !strings.Contains(f.Reason, "last confirmed compliant on 2020-09-04 at the latest; not known since: continuity of knowledge of heavy water escrowed since 2021-02-23")) {
					t.Errorf("heavy water: %s %q", f.Status, f.Reason)
				}
			}
		}

		// A page read again with its tag is not sent again.
		overview := func(tag string) (int, string) {
			req, _ := http.NewRequest("GET", base+"/?as_of=2025-02-08", nil)
			if tag != "" {
				req.Header.Set("If-None-Match", tag)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			n, _ := io.Copy(io.Discard, resp.Body)
			if resp.StatusCode == http.StatusNotModified && n != 0 {
				t.Errorf("a 304 with %d bytes", n)
			}
			return resp.StatusCode, resp.Header.Get("ETag")
		}
		code, pageTag := overview("")
		if code != 200 || pageTag == "" {
			t.Fatalf("overview: HTTP %d, ETag %q", code, pageTag)
		}
		if code, tag := overview(pageTag); code != http.StatusNotModified || tag != pageTag {
			t.Errorf("overview with its tag: HTTP %d, ETag %q", code, tag)
		}

		// Submit a record signed by the demo IAEA key; it comes back with a receipt.
		signer := demoSigner(t, dir, "iaea")
		body, _ := json.Marshal(record.FindingBody{Site: "Fordow", Date: "2026-02-01", Finding: "cameras restored", Verdict: "consistent"})
		signed, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: "test-finding", Author: "iaea", Created: time.Now().UTC(), Body: body}, signer)
		if err != nil {
			t.Fatal(err)
		}
		post := func() (int, map[string]any) {
			resp, err := http.Post(base+"/api/v1/records", "text/plain", strings.NewReader(string(signed)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var m map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&m)
			return resp.StatusCode, m
		}
		code, sub := post()
		if code != 201 || sub["receipt"] == nil {
			t.Fatalf("submit: HTTP %d %v", code, sub)
		}
		index := uint64(sub["index"].(float64))
		// The new record is a new state of the log: the old tag gets the page.
		if code, tag := overview(pageTag); code != 200 || tag == pageTag {
			t.Errorf("overview after a record with the old tag: HTTP %d, ETag %q", code, tag)
		}
		if code, e := post(); code != 409 || !strings.Contains(e["error"].(map[string]any)["message"].(string), "already") {
			t.Errorf("resubmit: HTTP %d %v", code, e)
		}
		// The same through the command line: accord record submit --server.
		body2, _ := json.Marshal(record.FindingBody{Site: "Natanz FEP", Date: "2026-02-02", Finding: "via the CLI", Verdict: "consistent"})
		signed2, _ := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: "cli-finding", Author: "iaea", Created: time.Now().UTC(), Body: body2}, signer)
		file := filepath.Join(t.TempDir(), "cli.signed")
		_ = os.WriteFile(file, signed2, 0o644)
		var stdout, stderr strings.Builder
		if code := run([]string{"record", "submit", "--server", base, file}, nil, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "receipt in") {
			t.Errorf("record submit --server: exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		if code := run([]string{"record", "submit", "--server", base, file}, nil, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "duplicate") {
			t.Errorf("resubmit --server: exit %d\n%s", code, stderr.String())
		}

		// Reading records takes a read token, obtained with a registered key.
		if code := get(t, base+"/api/v1/records/1", nil); code != 401 {
			t.Errorf("records without a token: HTTP %d, want 401", code)
		}
		tok, err := client.ReadToken(context.Background(), base, signer)
		if err != nil {
			t.Fatal(err)
		}
		var one map[string]any
		if code := get(t, base+"/api/v1/records/"+strconv.FormatUint(index, 10), &one, tok); code != 200 || one["receipt"] == nil {
			t.Errorf("record %d: HTTP %d %v", index, code, one)
		}
		var list struct {
			Records []map[string]any `json:"records"`
		}
		if code := get(t, base+"/api/v1/records?kind=inspection_finding&site=Fordow", &list, tok); code != 200 || len(list.Records) != 1 {
			t.Errorf("query: HTTP %d, %d records", code, len(list.Records))
		}
		if code := get(t, base+"/log/checkpoint", nil); code != 200 {
			t.Errorf("/log/checkpoint: HTTP %d", code)
		}
		d.Close()

		// A restart reuses everything and adds nothing twice.
		d2 := launchDemo(t, app.DemoConfig{Dir: dir, DB: dsn})
		defer d2.Close()
		if d2.Loaded != 0 || d2.Skipped != d.Loaded || d2.Outdated != 0 {
			t.Errorf("restart loaded %d, skipped %d (%d outdated); want 0 and %d (none)", d2.Loaded, d2.Skipped, d2.Outdated, d.Loaded)
		}
	})
}
