// Package metrics is what a server tells Prometheus: its requests by route
// and status with their latency, submissions by outcome, appends, refusals
// by the rate limit, its witnesses' answers and latency, and the state of
// its log (checkpoint size and age, the index's backlog). Served at
// /metrics in Prometheus's text format.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// State reads the log's state when Prometheus scrapes: the published
// checkpoint's size and when this server first saw it, and how many
// entries the log holds that the index does not. ok is false when a value
// is not known (no checkpoint yet, the index unreachable): the metric is
// then left out of the scrape, never given as 0.
type State struct {
	Checkpoint func() (size uint64, seen time.Time, ok bool)
	Backlog    func() (entries uint64, ok bool)
}

// Metrics are one server's metrics, in a registry of their own.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	submissions *prometheus.CounterVec
	appends     prometheus.Counter
	limited     prometheus.Counter
	witness     *prometheus.CounterVec
	witnessTime *prometheus.HistogramVec
	state       *stateCollector
}

// Submission outcomes.
const (
	Accepted  = "accepted"   // logged, with a receipt or its index
	Refused   = "refused"    // bad input, a bad signature, a duplicate: nothing stored
	NotWriter = "not_writer" // sent to a reader
	Failed    = "failed"     // the server could not log it (storage, index, witnesses)
)

// New makes the metrics, with the Go runtime's and the process's; the
// log's state is read once Watch says how.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), state: &stateCollector{}}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "accord_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern and method.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}},
		[]string{"route", "method"})
	m.submissions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_submissions_total",
		Help: "Records submitted, by outcome: accepted, refused (nothing stored), not_writer (sent to a reader), failed (the server could not log it)."}, []string{"outcome"})
	m.appends = prometheus.NewCounter(prometheus.CounterOpts{Name: "accord_appends_total",
		Help: "Records submitted to this server that it appended to the log (durably sequenced and indexed)."})
	m.limited = prometheus.NewCounter(prometheus.CounterOpts{Name: "accord_rate_limited_total",
		Help: "Requests refused by the per-caller rate limit (HTTP 429)."})
	m.witness = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_witness_requests_total",
		Help: "Requests to witnesses (c2sp.org/tlog-witness add-checkpoint), by witness host and status code; code \"error\" when no answer came."}, []string{"witness", "code"})
	m.witnessTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "accord_witness_request_duration_seconds",
		Help: "Time a witness took to answer, by witness host.", Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"witness"})
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.submissions, m.appends, m.limited, m.witness, m.witnessTime} {
		f(c)
	}
	f(m.state)
	return m
}

// Watch says how to read the log's state at each scrape; its functions may
// be nil.
func (m *Metrics) Watch(s State) {
	m.state.mu.Lock()
	defer m.state.mu.Unlock()
	m.state.s = s
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Request counts an answered request; route is the matched pattern
// ("GET /api/v1/records/{index}"), or "unmatched".
func (m *Metrics) Request(route, method string, code int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
	if code == http.StatusTooManyRequests {
		m.limited.Inc()
	}
}

// Submission counts a submitted record by outcome.
func (m *Metrics) Submission(outcome string) {
	if m != nil {
		m.submissions.WithLabelValues(outcome).Inc()
	}
}

// Appended counts n records appended.
func (m *Metrics) Appended(n int) {
	if m != nil {
		m.appends.Add(float64(n))
	}
}

// WitnessClient is an HTTP client for the log's requests to its witnesses
// that counts them and times them; base is the transport (nil: the
// default).
func (m *Metrics) WitnessClient(base http.RoundTripper) *http.Client {
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := base.RoundTrip(r)
		code := "error"
		if err == nil {
			code = strconv.Itoa(resp.StatusCode)
		}
		m.witness.WithLabelValues(r.URL.Host, code).Inc()
		m.witnessTime.WithLabelValues(r.URL.Host).Observe(time.Since(start).Seconds())
		return resp, err
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// stateCollector reads the log's state at each scrape.
type stateCollector struct {
	mu sync.Mutex
	s  State
}

var (
	sizeDesc    = prometheus.NewDesc("accord_checkpoint_size", "Entries covered by the latest published checkpoint this server has seen.", nil, nil)
	ageDesc     = prometheus.NewDesc("accord_checkpoint_age_seconds", "Seconds since this server first saw the latest published checkpoint: grows while nothing is published (no new entries, or the witnesses do not cosign).", nil, nil)
	backlogDesc = prometheus.NewDesc("accord_index_backlog_entries", "Entries in the log that the index does not hold yet.", nil, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sizeDesc
	ch <- ageDesc
	ch <- backlogDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	s := c.s
	c.mu.Unlock()
	if s.Checkpoint != nil {
		if size, seen, ok := s.Checkpoint(); ok {
			ch <- prometheus.MustNewConstMetric(sizeDesc, prometheus.GaugeValue, float64(size))
			ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, time.Since(seen).Seconds())
		}
	}
	if s.Backlog != nil {
		if n, ok := s.Backlog(); ok {
			ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(n))
		}
	}
}
