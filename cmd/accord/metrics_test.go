package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/accordverify/accord/internal/record"
)

// The demo server's /metrics parses as Prometheus's text format and counts
// what the demo did: its records submitted and appended, its witnesses
// asked, the requests answered, the checkpoint and an empty backlog.
func TestMetricsAreScraped(t *testing.T) {
	dir := t.TempDir()
	d, base := startDemo(t, dir)
	// A record signed by the demo IAEA key, submitted twice: accepted,
	// then refused as a duplicate.
	signer := demoSigner(t, dir, "iaea")
	body, _ := json.Marshal(record.FindingBody{Site: "Fordow", Date: "2026-02-01", Finding: "seals intact", Verdict: "consistent"})
	signed, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: "metrics-finding", Author: "iaea", Created: time.Now().UTC(), Body: body}, signer)
	if err != nil {
		t.Fatal(err)
	}
	// One connection for every request: the server reads a connection's
	// next request only after the last one's handler has returned, and so
	// after it counted that request. On several connections a response
	// could reach the test before its request is counted, and /metrics,
	// asked on another connection, miss it.
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	for _, want := range []int{201, 409} {
		resp, err := client.Post(base+"/api/v1/records", "text/plain", bytes.NewReader(signed))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body) // read to the end, so the connection is reused
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("submit: HTTP %d, want %d", resp.StatusCode, want)
		}
	}
	for range 2 {
		resp, err := client.Get(base + "/api/v1/status?as_of=2025-02-08&samples=10")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: HTTP %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics is not Prometheus's text format: %v", err)
	}
	sum := func(name string, labels map[string]string) (float64, bool) {
		f, ok := families[name]
		if !ok {
			return 0, false
		}
		total := 0.0
	metric:
		for _, m := range f.Metric {
			for k, v := range labels {
				found := false
				for _, l := range m.Label {
					found = found || (l.GetName() == k && l.GetValue() == v)
				}
				if !found {
					continue metric
				}
			}
			total += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
		return total, true
	}
	atLeast := func(name string, labels map[string]string, want float64) {
		t.Helper()
		if got, ok := sum(name, labels); !ok || got < want {
			t.Errorf("%s%v = %g (present %v), want at least %g", name, labels, got, ok, want)
		}
	}
	loaded := float64(d.Loaded)
	atLeast("accord_submissions_total", map[string]string{"outcome": "accepted"}, 1)
	atLeast("accord_submissions_total", map[string]string{"outcome": "refused"}, 1)
	atLeast("accord_appends_total", nil, 1)
	atLeast("accord_http_requests_total", map[string]string{"route": "POST /api/v1/records", "code": "409"}, 1)
	atLeast("accord_witness_requests_total", map[string]string{"code": "200"}, 2)
	atLeast("accord_witness_request_duration_seconds", nil, 2)
	atLeast("accord_http_requests_total", map[string]string{"route": "GET /api/v1/status", "code": "200"}, 2)
	atLeast("accord_http_request_duration_seconds", map[string]string{"route": "GET /api/v1/status"}, 2)
	atLeast("accord_checkpoint_size", nil, loaded)
	atLeast("accord_checkpoint_age_seconds", nil, 0)
	if backlog, ok := sum("accord_index_backlog_entries", nil); !ok || backlog != 0 {
		t.Errorf("index backlog %g (present %v), want 0", backlog, ok)
	}
	if failed, _ := sum("accord_submissions_total", map[string]string{"outcome": "failed"}); failed != 0 {
		t.Errorf("%g submissions failed", failed)
	}
}
