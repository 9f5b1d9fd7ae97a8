package eventstore

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

type rollupRow struct {
	Day       time.Time `bun:"day"`
	ProjectID int64     `bun:"project_id"`
	Kind      string    `bun:"kind"`
	Dimension string    `bun:"dimension"`
	Value     string    `bun:"value"`
	Events    int64     `bun:"events"`
	Visitors  int64     `bun:"visitors"`
}

// topCounts is how many referrers and sources a report lists.
const topCounts = 10

// Report reads the rollups of past days and aggregates today's raw events
// the same way, in one query, then shapes the numbers in Go.
func (s *Store) Report(ctx context.Context, ownerID int64, r folio.AnalyticsRange) (*folio.AnalyticsReport, error) {
	_, today, _ := dayBounds(time.Now())
	from, to := r.From.UTC(), r.To.UTC()
	q := `SELECT day, project_id, kind, dimension, value, events, visitors FROM analytics_daily
		WHERE owner_id = ? AND day >= ?::date AND day < least(?::date, ?::date)`
	args := []any{ownerID, from.Format(time.DateOnly), to.Format(time.DateOnly), today.Format(time.DateOnly)}
	if !today.Before(from) && today.Before(to) {
		q += ` UNION ALL SELECT day, project_id, kind, dimension, value, events, visitors FROM (` + rollupSelect + `) today`
		args = append(args, rollupArgs(today, ownerID)...)
	}
	var rows []rollupRow
	if err := s.db.NewRaw(q, args...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("postgres: analytics report: %w", err)
	}
	return shapeReport(r, rows), nil
}

func bucketStart(day time.Time, g folio.Granularity) time.Time {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	switch g {
	case folio.ByWeek:
		// ISO weeks start on Monday.
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case folio.ByMonth:
		return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

func shapeReport(r folio.AnalyticsRange, rows []rollupRow) *folio.AnalyticsReport {
	rep := &folio.AnalyticsReport{Range: r}
	// Every bucket of the period is present, zero or not, so a chart has
	// no gaps.
	buckets := map[time.Time]*folio.Bucket{}
	for d := r.From.UTC(); d.Before(r.To.UTC()); d = d.AddDate(0, 0, 1) {
		start := bucketStart(d, r.Granularity)
		if buckets[start] == nil {
			buckets[start] = &folio.Bucket{Start: start}
			rep.Series = append(rep.Series, folio.Bucket{Start: start})
		}
	}
	referrers, sources, devices := map[string]*folio.Count{}, map[string]*folio.Count{}, map[string]*folio.Count{}
	projects := map[int64]*folio.ProjectEngagement{}
	project := func(id int64) *folio.ProjectEngagement {
		if projects[id] == nil {
			projects[id] = &folio.ProjectEngagement{ProjectID: id, PlaysTo: map[int]int64{}}
		}
		return projects[id]
	}
	add := func(m map[string]*folio.Count, name string, row rollupRow) {
		if name == "" {
			return
		}
		if m[name] == nil {
			m[name] = &folio.Count{Name: name}
		}
		m[name].Events += row.Events
		m[name].Visitors += row.Visitors
	}
	for _, row := range rows {
		switch {
		case row.Kind == "funnel":
			if step, err := strconv.Atoi(row.Value); err == nil && step >= 1 && step <= 3 {
				rep.Funnel[step-1] += row.Visitors
			}
		case row.ProjectID == -1 && row.Kind == string(folio.EventView):
			switch row.Dimension {
			case "":
				if b := buckets[bucketStart(row.Day, r.Granularity)]; b != nil {
					b.Views += row.Events
					b.Visitors += row.Visitors
				}
				rep.Views += row.Events
				rep.Visitors += row.Visitors
			case "referrer":
				add(referrers, row.Value, row)
			case "source":
				add(sources, row.Value, row)
			case "device":
				add(devices, row.Value, row)
			}
		case row.ProjectID > 0:
			p := project(row.ProjectID)
			if row.Dimension == "progress" && row.Kind == string(folio.EventPlay) {
				// The beacon sends one play event when a screencast starts
				// (progress 0) and one per quarter reached.
				if pct, err := strconv.Atoi(row.Value); err == nil {
					if pct == 0 {
						p.Plays += row.Events
					} else {
						p.PlaysTo[pct] += row.Events
					}
				}
				continue
			}
			if row.Dimension != "" {
				continue
			}
			switch folio.EventKind(row.Kind) {
			case folio.EventView:
				p.Views += row.Events
				p.Visitors += row.Visitors
			case folio.EventDemoClick:
				p.DemoClicks += row.Events
			case folio.EventCodeClick:
				p.CodeClicks += row.Events
			case folio.EventDocsOpen:
				p.DocsOpens += row.Events
			}
		}
	}
	for i := range rep.Series {
		rep.Series[i] = *buckets[rep.Series[i].Start]
	}
	for _, p := range projects {
		rep.Projects = append(rep.Projects, *p)
	}
	sort.Slice(rep.Projects, func(i, j int) bool {
		if rep.Projects[i].Views != rep.Projects[j].Views {
			return rep.Projects[i].Views > rep.Projects[j].Views
		}
		return rep.Projects[i].ProjectID < rep.Projects[j].ProjectID
	})
	rep.Referrers, rep.Sources, rep.Devices = top(referrers, topCounts), top(sources, topCounts), top(devices, 0)
	return rep
}

// top sorts counts by visitors, then events, then name; n > 0 keeps the
// first n.
func top(m map[string]*folio.Count, n int) []folio.Count {
	out := make([]folio.Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Visitors != b.Visitors {
			return a.Visitors > b.Visitors
		}
		if a.Events != b.Events {
			return a.Events > b.Events
		}
		return a.Name < b.Name
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

var _ folio.AnalyticsReader = (*Store)(nil)
