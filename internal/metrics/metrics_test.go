package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/accordverify/accord/internal/metrics"
)

// scrape reads the metrics as Prometheus would, parsing the text format.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: HTTP %d, %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("the scrape is not Prometheus's text format: %v", err)
	}
	return families
}

// value is the value of the family's metric with the labels given (name,
// value pairs), and whether there is one.
func value(families map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f, ok := families[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.Label {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetricsScrapeAsPrometheusReadsThem(t *testing.T) {
	known := false
	m := metrics.New()
	if _, ok := scrape(t, m)["accord_checkpoint_size"]; ok {
		t.Error("the checkpoint's size is scraped before anything says how to read it")
	}
	m.Watch(metrics.State{
		Checkpoint: func() (uint64, time.Time, bool) { return 42, time.Now().Add(-3 * time.Second), known },
		Backlog:    func() (uint64, bool) { return 7, known },
	})
	// Not known: left out, never 0.
	f := scrape(t, m)
	for _, name := range []string{"accord_checkpoint_size", "accord_checkpoint_age_seconds", "accord_index_backlog_entries"} {
		if v, ok := value(f, name); ok {
			t.Errorf("%s = %g while unknown; want it left out", name, v)
		}
	}
	known = true
	m.Request("GET /api/v1/status", "GET", 200, 3*time.Millisecond)
	m.Request("GET /api/v1/status", "GET", 200, 5*time.Millisecond)
	m.Request("GET /api/v1/records", "GET", 429, time.Millisecond)
	m.Request("", "GET", 404, time.Millisecond)
	m.Submission(metrics.Accepted)
	m.Submission(metrics.Refused)
	m.Submission(metrics.Refused)
	m.Appended(3)

	witness := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusConflict) }))
	defer witness.Close()
	resp, err := m.WitnessClient(nil).Post(witness.URL+"/add-checkpoint", "text/plain", strings.NewReader("old 0\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	host := strings.TrimPrefix(witness.URL, "http://")
	if _, err := m.WitnessClient(nil).Get("http://127.0.0.1:1/add-checkpoint"); err == nil {
		t.Fatal("a request to a closed port answered")
	}

	f = scrape(t, m)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"accord_http_requests_total", []string{"route", "GET /api/v1/status", "code", "200"}, 2},
		{"accord_http_requests_total", []string{"route", "unmatched", "code", "404"}, 1},
		{"accord_http_request_duration_seconds", []string{"route", "GET /api/v1/status"}, 2},
		{"accord_rate_limited_total", nil, 1},
		{"accord_submissions_total", []string{"outcome", "accepted"}, 1},
		{"accord_submissions_total", []string{"outcome", "refused"}, 2},
		{"accord_appends_total", nil, 3},
		{"accord_witness_requests_total", []string{"witness", host, "code", "409"}, 1},
		{"accord_witness_requests_total", []string{"witness", "127.0.0.1:1", "code", "error"}, 1},
		{"accord_witness_request_duration_seconds", []string{"witness", host}, 1},
		{"accord_checkpoint_size", nil, 42},
		{"accord_index_backlog_entries", nil, 7},
	} {
		if got, ok := value(f, c.name, c.labels...); !ok || got != c.want {
			t.Errorf("%s%v = %g (present %v), want %g", c.name, c.labels, got, ok, c.want)
		}
	}
	if age, ok := value(f, "accord_checkpoint_age_seconds"); !ok || age < 3 || age > 60 {
		t.Errorf("accord_checkpoint_age_seconds = %g, %v; want about 3", age, ok)
	}
	if _, ok := f["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
}
