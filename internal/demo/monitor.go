package demo

import (
	"context"
	"log/slog"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/metrics"
)

// Monitor checks a project's live demo and records the result: the one
// workflow behind the worker's scheduled checks and the owner's "check
// now".
type Monitor struct {
	Demos    folio.DemoService
	Projects folio.ProjectService // for CheckNow's ownership rule
	Checker  *Checker
	Metrics  *metrics.Metrics // nil: none
	Logger   *slog.Logger     // nil: slog.Default()
}

// Check checks the project's demo at once and records it. It returns nil
// and no error when the project has no demo to check (deleted, not public,
// or without a URL).
func (m *Monitor) Check(ctx context.Context, projectID int64) (*folio.DemoCheck, error) {
	target, ok, err := m.Demos.DemoTarget(ctx, projectID)
	if err != nil || !ok {
		return nil, err
	}
	res := m.Checker.Check(ctx, target.URL)
	check := folio.DemoCheck{ProjectID: projectID, CheckedAt: res.CheckedAt, Up: res.Up, StatusCode: res.StatusCode,
		Latency: res.Latency, FinalURL: res.FinalURL, ErrorClass: res.ErrorClass, Error: res.Error}
	event, err := m.Demos.RecordCheck(ctx, check)
	if err != nil {
		return nil, err
	}
	if m.Metrics != nil {
		result := "up"
		if !res.Up {
			result = res.ErrorClass
		}
		m.Metrics.DemoChecks.WithLabelValues(result).Inc()
	}
	if event != nil {
		m.logger().Info("demo state changed", "project_id", projectID, "event", event.Kind, "message", event.Message)
	}
	return &check, nil
}

// errNotChecked is CheckNow's answer for a project without a demo to check.
func errNotChecked() error {
	return folio.Errorf(folio.EINVALID, "Only public projects with a demo URL are checked.")
}

// CheckNow is the owner's "check now": Check, for one of ownerID's
// projects. Returns ENOTFOUND unless the project is ownerID's, and
// EINVALID when it is not public or has no demo URL.
func (m *Monitor) CheckNow(ctx context.Context, ownerID, projectID int64) (*folio.DemoCheck, error) {
	p, err := m.Projects.Project(ctx, ownerID, projectID)
	if err != nil {
		return nil, err
	}
	if p.DemoURL == "" || p.Visibility != folio.VisibilityPublic {
		return nil, errNotChecked()
	}
	check, err := m.Check(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if check == nil {
		return nil, errNotChecked()
	}
	return check, nil
}

func (m *Monitor) logger() *slog.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return slog.Default()
}
