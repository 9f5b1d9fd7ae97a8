// Package metrics defines Folio's Prometheus series and serves them on a
// listener of their own, away from the public port.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/foliohq/folio/internal/queue"
)

// Metrics holds every series Folio records. One value per process; tests
// make their own so that counts do not leak between them.
type Metrics struct {
	Registry *prometheus.Registry

	HTTPRequests *prometheus.CounterVec   // route, method, code class
	HTTPDuration *prometheus.HistogramVec // route, method
	HTTPInFlight prometheus.Gauge
	UploadBytes  *prometheus.CounterVec   // kind
	Tasks        *prometheus.CounterVec   // type, result (processed, failed)
	MediaSeconds *prometheus.HistogramVec // kind
	DemoChecks   *prometheus.CounterVec   // result
	// AlreadyQueued counts enqueues that met a task with the same id or
	// uniqueness still queued, by type: deduplication where it is meant,
	// a bug to look at anywhere else.
	AlreadyQueued *prometheus.CounterVec // type
	// BeaconsDropped counts analytics beacons not counted, by reason: the
	// visitor always gets a 204, so this is where errors show.
	BeaconsDropped *prometheus.CounterVec // reason
}

// BeaconDropped counts one beacon that was not counted. It may be called
// on a nil *Metrics.
func (m *Metrics) BeaconDropped(reason string) {
	if m != nil {
		m.BeaconsDropped.WithLabelValues(reason).Inc()
	}
}

// TaskAlreadyQueued counts one enqueue that met its task already queued.
// It may be called on a nil *Metrics.
func (m *Metrics) TaskAlreadyQueued(taskType string) {
	if m != nil {
		m.AlreadyQueued.WithLabelValues(taskType).Inc()
	}
}

// New registers Folio's series and the Go runtime's on a new registry.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_http_requests_total", Help: "HTTP requests by route pattern, method and status class.",
		}, []string{"route", "method", "code"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "folio_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		HTTPInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "folio_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
		UploadBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_upload_bytes_total", Help: "Bytes of media stored through the API, by kind.",
		}, []string{"kind"}),
		Tasks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_tasks_total", Help: "Background tasks run, by type and result (processed or failed).",
		}, []string{"type", "result"}),
		MediaSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "folio_media_processing_seconds", Help: "Time to make the renditions of an upload, by kind.",
			Buckets: []float64{.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200},
		}, []string{"kind"}),
		DemoChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_demo_checks_total", Help: "Live demo checks, by result.",
		}, []string{"result"}),
		AlreadyQueued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_tasks_already_queued_total", Help: "Enqueues that found the same task already queued (deduplicated), by type.",
		}, []string{"type"}),
		BeaconsDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_analytics_beacons_dropped_total", Help: "Analytics beacons not counted, by reason (invalid, unknown_page, rate_limited).",
		}, []string{"reason"}),
	}
	m.Registry.MustRegister(m.HTTPRequests, m.HTTPDuration, m.HTTPInFlight, m.UploadBytes, m.Tasks, m.MediaSeconds, m.DemoChecks, m.AlreadyQueued, m.BeaconsDropped,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchDB exports the connection pool's statistics.
func (m *Metrics) WatchDB(db *sql.DB) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, "folio"))
}

// WatchQueues exports the size of every asynq queue by state, read when
// Prometheus scrapes. Folio's own queues (queue.Names) are there from the
// start, at 0 until their first task, so that dashboards and alerts see a
// series rather than none.
func (m *Metrics) WatchQueues(inspector *asynq.Inspector) {
	m.Registry.MustRegister(&queueCollector{inspector: inspector, known: queue.Names()})
}

var queueSizeDesc = prometheus.NewDesc("folio_queue_tasks", "Tasks in each asynq queue, by state.", []string{"queue", "state"}, nil)

// queueStates are the states exported, in a fixed order.
var queueStates = []string{"pending", "active", "scheduled", "retry", "archived", "completed"}

type queueCollector struct {
	inspector *asynq.Inspector
	known     []string
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueSizeDesc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	// Without Redis there is nothing to say, not even zeros.
	queues, err := c.inspector.Queues()
	if err != nil {
		return
	}
	exist := map[string]bool{}
	for _, q := range queues {
		exist[q] = true
	}
	for _, q := range c.known {
		if !exist[q] { // no task yet: Redis does not know the queue
			for _, state := range queueStates {
				ch <- prometheus.MustNewConstMetric(queueSizeDesc, prometheus.GaugeValue, 0, q, state)
			}
		}
	}
	for _, q := range queues {
		info, err := c.inspector.GetQueueInfo(q)
		if err != nil {
			continue
		}
		counts := []int{info.Pending, info.Active, info.Scheduled, info.Retry, info.Archived, info.Completed}
		for i, state := range queueStates {
			ch <- prometheus.MustNewConstMetric(queueSizeDesc, prometheus.GaugeValue, float64(counts[i]), q, state)
		}
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Server serves /metrics (and /healthz, for a worker's liveness probe) on
// its own address.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen opens addr; Serve must follow.
func (m *Metrics) Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	// Profiles for operators, on the private listener only.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return &Server{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves until Shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops the server.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// CodeClass turns 404 into "4xx": status classes keep the series few.
func CodeClass(status int) string {
	if status < 100 || status > 599 {
		return "unknown"
	}
	return string(rune('0'+status/100)) + "xx"
}
