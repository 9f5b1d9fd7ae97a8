package notify

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
)

// ownerPage is how many owners a scheduled run reads at a time.
const ownerPage = 500

// owners calls fn for every account, in id order.
func owners(ctx context.Context, db bun.IDB, fn func(id int64, handle string) error) error {
	var after int64
	for {
		var rows []struct {
			ID     int64  `bun:"id"`
			Handle string `bun:"handle"`
		}
		if err := db.NewRaw(`SELECT id, handle FROM users WHERE id > ? ORDER BY id LIMIT ?`, after, ownerPage).Scan(ctx, &rows); err != nil {
			return fmt.Errorf("notify: owners: %w", err)
		}
		for _, r := range rows {
			if err := fn(r.ID, r.Handle); err != nil {
				return err
			}
			after = r.ID
		}
		if len(rows) < ownerPage {
			return nil
		}
	}
}

// wanted reports whether the owner gets kind on any channel.
func wanted(ctx context.Context, store *outbox.Store, ownerID int64, kind folio.NotificationKind) (bool, error) {
	prefs, err := store.Preferences(ctx, ownerID)
	if err != nil {
		return false, err
	}
	for _, p := range prefs {
		if p.Kind == kind && p.Enabled {
			return true, nil
		}
	}
	return false, nil
}

// Digest writes each owner's weekly digest: views, unique visitors,
// plays, demo clicks and top referrers of the last ISO week, with the
// week before.
type Digest struct {
	DB        bun.IDB
	Store     *outbox.Store
	Analytics folio.AnalyticsReader
	BaseURL   *url.URL
}

// weekStart is Monday 00:00 UTC of t's ISO week.
func weekStart(t time.Time) time.Time {
	t = t.UTC().Truncate(24 * time.Hour)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

type weekNumbers struct {
	views, visitors, plays, demoClicks int64
	referrers                          []folio.Count
}

func (d *Digest) week(ctx context.Context, ownerID int64, from time.Time) (weekNumbers, error) {
	r, err := d.Analytics.Report(ctx, ownerID, folio.AnalyticsRange{From: from, To: from.AddDate(0, 0, 7), Granularity: folio.ByDay})
	if err != nil {
		return weekNumbers{}, err
	}
	w := weekNumbers{views: r.Views, visitors: r.Visitors, referrers: r.Referrers}
	for _, p := range r.Projects {
		w.plays += p.Plays
		w.demoClicks += p.DemoClicks
	}
	return w, nil
}

// Run writes the digest of the week before now's for every owner who
// wants it and had visits in either week; it returns how many it wrote.
// The dedupe key names owner and ISO week, so a second run writes none.
func (d *Digest) Run(ctx context.Context, now time.Time) (int, error) {
	from := weekStart(now).AddDate(0, 0, -7)
	year, wk := from.ISOWeek()
	label := fmt.Sprintf("%d-W%02d", year, wk)
	written := 0
	err := owners(ctx, d.DB, func(id int64, _ string) error {
		if ok, err := wanted(ctx, d.Store, id, folio.NotifyWeeklyDigest); err != nil || !ok {
			return err
		}
		cur, err := d.week(ctx, id, from)
		if err != nil {
			return err
		}
		prev, err := d.week(ctx, id, from.AddDate(0, 0, -7))
		if err != nil {
			return err
		}
		if cur.views == 0 && prev.views == 0 {
			return nil // a digest of zeros is noise
		}
		refs := append([]folio.Count(nil), cur.referrers...)
		sort.SliceStable(refs, func(i, j int) bool { return refs[i].Visitors > refs[j].Visitors })
		var lines []string
		for i, r := range refs {
			if i == 5 {
				break
			}
			lines = append(lines, fmt.Sprintf("%s: %d visitors", r.Name, r.Visitors))
		}
		n := folio.Notification{OwnerID: id, Kind: folio.NotifyWeeklyDigest,
			DedupeKey: fmt.Sprintf("weekly_digest:%d:%s", id, label),
			Data: map[string]string{
				"week":  label,
				"views": itoa(cur.views), "views_prev": itoa(prev.views),
				"visitors": itoa(cur.visitors), "visitors_prev": itoa(prev.visitors),
				"plays": itoa(cur.plays), "plays_prev": itoa(prev.plays),
				"demo_clicks": itoa(cur.demoClicks), "demo_clicks_prev": itoa(prev.demoClicks),
				"referrers": strings.Join(lines, "\n"),
				"url":       d.BaseURL.String() + "/dashboard/analytics",
			}}
		added, err := outbox.Add(ctx, d.DB, n)
		written += added
		return err
	})
	return written, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// DueApplications is what the follow-ups reminder needs of applications:
// folio.ApplicationService satisfies it.
type DueApplications interface {
	DueApplications(ctx context.Context, ownerID int64, day time.Time, limit int) ([]*folio.Application, error)
}

// FollowUps writes each owner's "follow-ups due today", once a day.
type FollowUps struct {
	DB           bun.IDB
	Store        *outbox.Store
	Applications DueApplications
	BaseURL      *url.URL
}

// maxFollowUps is how many applications one reminder lists.
const maxFollowUps = 20

// Run writes today's reminders and returns how many; dedupe per owner
// and day.
func (f *FollowUps) Run(ctx context.Context, now time.Time) (int, error) {
	day := now.UTC().Truncate(24 * time.Hour)
	written := 0
	err := owners(ctx, f.DB, func(id int64, _ string) error {
		if ok, err := wanted(ctx, f.Store, id, folio.NotifyFollowUpsDue); err != nil || !ok {
			return err
		}
		apps, err := f.Applications.DueApplications(ctx, id, day, maxFollowUps)
		if err != nil || len(apps) == 0 {
			return err
		}
		items := make([]string, 0, len(apps))
		for _, a := range apps {
			item := a.Company
			if a.Role != "" {
				item += " (" + a.Role + ")"
			}
			if !a.InterviewAt.IsZero() && !a.InterviewAt.Before(day) {
				item += ": interview " + a.InterviewAt.UTC().Format("Mon 2 Jan 15:04 MST")
			} else if a.NextStep != "" {
				item += ": " + a.NextStep
			}
			items = append(items, item)
		}
		added, err := outbox.Add(ctx, f.DB, folio.Notification{OwnerID: id, Kind: folio.NotifyFollowUpsDue,
			DedupeKey: fmt.Sprintf("followups_due:%d:%s", id, day.Format("2006-01-02")),
			Data: map[string]string{"count": strconv.Itoa(len(apps)), "items": strings.Join(items, "\n"),
				"day": day.Format("2006-01-02"), "url": f.BaseURL.String() + "/dashboard/applications"}})
		written += added
		return err
	})
	return written, err
}
