package applications

import (
	"context"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
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
func timeline(ctx context.Context, events []folio.ApplicationEvent, activity []folio.ShareActivity, links []*folio.ShareLink, titles map[int64]string) []timelineEntry {
	var out []timelineEntry
	for _, e := range events {
		t := timelineEntry{At: e.At, Kind: string(e.Kind)}
		switch e.Kind {
		case folio.AppEventCreated:
			t.Text = "Added to the pipeline"
			if e.ToStatus != "" {
				t.Text += " as " + strings.ToLower(statusLabels[e.ToStatus])
			}
		case folio.AppEventStatus:
			t.Text = fmt.Sprintf("Moved from %s to %s", statusLabels[e.FromStatus], statusLabels[e.ToStatus])
		case folio.AppEventNote:
			t.Text = "Note"
			if html, err := request.RenderMarkdown(ctx, e.Body); err == nil {
				t.Note = html
			} else {
				t.Note = template.HTML(template.HTMLEscapeString(e.Body)) //nolint:gosec // escaped
			}
		}
		out = append(out, t)
	}
	label := map[int64]string{}
	for _, l := range links {
		label[l.ID] = "Share link"
		if l.Label != "" {
			label[l.ID] = "Share link “" + l.Label + "”"
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
			name = "A share link"
		}
		out = append(out, timelineEntry{At: first, Kind: "activity", Text: name + ": " + describe(g, titles, k.day)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	for i := range out {
		out[i].When = out[i].At.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
	}
	return out
}

// describe says in words what one day's visits through a link did:
// "opened 2× on Tuesday, watched Orders API to 75%, clicked its demo".
func describe(g []folio.ShareActivity, titles map[int64]string, day time.Time) string {
	title := func(id int64) string {
		if t, ok := titles[id]; ok {
			return t
		}
		return "a deleted project"
	}
	var opens int64
	var parts []string
	sort.SliceStable(g, func(i, j int) bool { return g[i].First.Before(g[j].First) })
	for _, a := range g {
		switch {
		case a.Kind == folio.EventView && a.ProjectID == 0:
			opens += a.Events
		case a.Kind == folio.EventView:
			parts = append(parts, "read "+title(a.ProjectID))
		case a.Kind == folio.EventPlay && a.MaxProgress > 0:
			parts = append(parts, fmt.Sprintf("watched %s to %d%%", title(a.ProjectID), a.MaxProgress))
		case a.Kind == folio.EventPlay:
			parts = append(parts, "started the screencast of "+title(a.ProjectID))
		case a.Kind == folio.EventDemoClick:
			parts = append(parts, "clicked the live demo of "+title(a.ProjectID))
		case a.Kind == folio.EventCodeClick:
			parts = append(parts, "opened the code of "+title(a.ProjectID))
		case a.Kind == folio.EventDocsOpen:
			parts = append(parts, "opened the API docs of "+title(a.ProjectID))
		}
	}
	head := "visited on " + day.Format("Monday 2 Jan")
	if opens > 0 {
		head = fmt.Sprintf("opened %d× on %s", opens, day.Format("Monday 2 Jan"))
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
