package applications

import (
	"context"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
	"github.com/foliohq/folio/internal/request"
)

// timelineEntry is one line of an application's history.
type timelineEntry struct {
	At   time.Time
	When string
	Kind string // created, status, note, activity
	Text string
	Note template.HTML // a note's rendered Markdown
}

// timeline merges the owner's entries with what visitors did through the
// application's share links, one entry per link and day, oldest first.
// Its text is in l's language.
func timeline(ctx context.Context, l *i18n.Localizer, events []folio.ApplicationEvent, activity []folio.ShareActivity, links []*folio.ShareLink, titles map[int64]string) []timelineEntry {
	var out []timelineEntry
	for _, e := range events {
		t := timelineEntry{At: e.At, Kind: string(e.Kind)}
		switch e.Kind {
		case folio.AppEventCreated:
			t.Text = l.T("dashd.timeline.created")
			if e.ToStatus != "" {
				// Mid-sentence, English lowers the status's name; German
				// keeps it (a noun), so each message picks its form.
				label := statusLabel(l, e.ToStatus)
				t.Text = l.T("dashd.timeline.created_as", "Status", label, "StatusLower", strings.ToLower(label))
			}
		case folio.AppEventStatus:
			t.Text = l.T("dashd.timeline.moved", "From", statusLabel(l, e.FromStatus), "To", statusLabel(l, e.ToStatus))
		case folio.AppEventNote:
			t.Text = l.T("dashd.timeline.note")
			if html, err := request.RenderMarkdown(ctx, e.Body); err == nil {
				t.Note = html
			} else {
				t.Note = template.HTML(template.HTMLEscapeString(e.Body)) //nolint:gosec // escaped
			}
		}
		out = append(out, t)
	}
	label := map[int64]string{}
	for _, link := range links {
		label[link.ID] = l.T("dashd.timeline.link")
		if link.Label != "" {
			label[link.ID] = l.T("dashd.timeline.link_named", "Label", link.Label)
		}
	}
	type key struct {
		link int64
		day  time.Time
	}
	groups := map[key][]folio.ShareActivity{}
	var keys []key
	for _, a := range activity {
		k := key{a.ShareLinkID, a.Day}
		if _, seen := groups[k]; !seen {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], a)
	}
	for _, k := range keys {
		g := groups[k]
		first := g[0].First
		for _, a := range g {
			if a.First.Before(first) {
				first = a.First
			}
		}
		name := label[k.link]
		if name == "" {
			name = l.T("dashd.timeline.link_unknown")
		}
		out = append(out, timelineEntry{At: first, Kind: "activity", Text: name + ": " + describe(l, g, titles, k.day)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	for i := range out {
		out[i].When = l.Date(out[i].At, "datetime")
	}
	return out
}

// describe says in words what one day's visits through a link did:
// "opened 2× on Tuesday 3 November, read Orders API, watched Orders API to
// 75%", in l's language.
func describe(l *i18n.Localizer, g []folio.ShareActivity, titles map[int64]string, day time.Time) string {
	title := func(id int64) string {
		if t, ok := titles[id]; ok {
			return t
		}
		return l.T("dashd.timeline.deleted_project")
	}
	var opens int64
	var parts []string
	sort.SliceStable(g, func(i, j int) bool { return g[i].First.Before(g[j].First) })
	for _, a := range g {
		switch {
		case a.Kind == folio.EventView && a.ProjectID == 0:
			opens += a.Events
		case a.Kind == folio.EventView:
			parts = append(parts, l.T("dashd.timeline.read", "Title", title(a.ProjectID)))
		case a.Kind == folio.EventPlay && a.MaxProgress > 0:
			parts = append(parts, l.T("dashd.timeline.watched", "Title", title(a.ProjectID), "Percent", l.Num(a.MaxProgress)))
		case a.Kind == folio.EventPlay:
			parts = append(parts, l.T("dashd.timeline.started", "Title", title(a.ProjectID)))
		case a.Kind == folio.EventDemoClick:
			parts = append(parts, l.T("dashd.timeline.demo", "Title", title(a.ProjectID)))
		case a.Kind == folio.EventCodeClick:
			parts = append(parts, l.T("dashd.timeline.code", "Title", title(a.ProjectID)))
		case a.Kind == folio.EventDocsOpen:
			parts = append(parts, l.T("dashd.timeline.docs", "Title", title(a.ProjectID)))
		}
	}
	d := l.Date(day, "day")
	head := l.T("dashd.timeline.visited", "Day", d)
	if opens > 0 {
		head = l.N("dashd.timeline.opened", opens, "Day", d)
	}
	return strings.Join(append([]string{head}, dedupe(parts)...), ", ")
}

// dedupe drops repeated phrases (a project read on two devices), keeping
// the first.
func dedupe(parts []string) []string {
	seen := map[string]bool{}
	out := parts[:0]
	for _, p := range parts {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
