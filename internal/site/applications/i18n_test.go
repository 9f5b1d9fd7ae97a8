package applications

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// The timeline is written in the reader's language: the owner's entries,
// a share link's day of visits, and the dates.
func TestTimelineInTheReadersLanguage(t *testing.T) {
	at := time.Date(2026, 1, 2, 10, 30, 0, 0, time.UTC) // a Friday
	events := []folio.ApplicationEvent{
		{At: at, Kind: folio.AppEventCreated, ToStatus: folio.StatusApplied},
		{At: at.Add(time.Hour), Kind: folio.AppEventStatus, FromStatus: folio.StatusApplied, ToStatus: folio.StatusInterview},
	}
	links := []*folio.ShareLink{{ID: 7, Label: "Hiring manager"}}
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	activity := []folio.ShareActivity{
		{ShareLinkID: 7, Day: day, Kind: folio.EventView, Events: 2, First: at.Add(2 * time.Hour)},
		{ShareLinkID: 7, Day: day, ProjectID: 1, Kind: folio.EventPlay, MaxProgress: 75, First: at.Add(3 * time.Hour)},
		{ShareLinkID: 7, Day: day, ProjectID: 2, Kind: folio.EventDemoClick, First: at.Add(4 * time.Hour)},
		{ShareLinkID: 9, Day: day, Kind: folio.EventView, Events: 1, First: at.Add(5 * time.Hour)},
	}
	titles := map[int64]string{1: "Orders API"}
	want := map[string][]string{
		"en": {
			"Added to the pipeline as applied",
			"Moved from Applied to Interview",
			"Share link “Hiring manager”: opened 2× on Friday 2 January, watched Orders API to 75%, clicked the live demo of a deleted project",
			"A share link: opened 1× on Friday 2 January",
		},
		"de": {
			"Mit dem Status „Beworben“ in die Pipeline aufgenommen",
			"Von „Beworben“ nach „Vorstellungsgespräch“ verschoben",
			"Freigabelink „Hiring manager“: am Freitag, 2. Januar 2-mal geöffnet, Orders API bis 75 % angesehen, Live-Demo von (gelöschtes Projekt) angeklickt",
			"Ein Freigabelink: am Freitag, 2. Januar einmal geöffnet",
		},
		"es": {
			"Añadida al proceso con el estado «Enviada»",
			"Movida de «Enviada» a «Entrevista»",
			"Enlace compartido «Hiring manager»: se abrió 2 veces el viernes, 2 de enero, vio Orders API hasta el 75 %, hizo clic en la demo en vivo de un proyecto eliminado",
			"Un enlace compartido: se abrió una vez el viernes, 2 de enero",
		},
	}
	whens := map[string]string{"en": "2 Jan 2026 10:30 UTC", "de": "2. Jan. 2026 10:30 UTC", "es": "2 ene 2026 10:30 UTC"}
	for lang, texts := range want {
		got := timeline(context.Background(), i18n.For(lang), events, activity, links, titles)
		if len(got) != len(texts) {
			t.Fatalf("%s: %d entries, want %d: %+v", lang, len(got), len(texts), got)
		}
		for i, w := range texts {
			if got[i].Text != w {
				t.Errorf("%s entry %d:\n got %q\nwant %q", lang, i, got[i].Text, w)
			}
		}
		if got[0].When != whens[lang] {
			t.Errorf("%s: the first entry is dated %q, want %q", lang, got[0].When, whens[lang])
		}
	}
}

// A share link's expiry names the last day it works (the form's date,
// whose next midnight is the expiry) and how many days are left.
func TestShareLinkExpiryInTheReadersLanguage(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	end := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // works through 29 Nov
	cases := []struct {
		lang, state string
		at          time.Time
		want        string
	}{
		{"en", "active", end, "until 29 Nov 2026 (3 days left)"},
		{"de", "active", end, "bis 29. Nov. 2026 (noch 3 Tage)"},
		{"es", "active", end, "hasta el 29 nov 2026 (quedan 3 días)"},
		{"en", "active", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), "until 27 Nov 2026 (1 day left)"},
		{"de", "active", time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), "bis 26. Nov. 2026 (heute letzter Tag)"},
		{"de", "expired", time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), "abgelaufen am 20. Nov. 2026"},
		{"es", "expired", time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), "caducó el 20 nov 2026"},
		{"en", "revoked", end, "until 29 Nov 2026"},
		{"de", "active", time.Time{}, ""},
	}
	for _, c := range cases {
		if got := expiry(i18n.For(c.lang), c.state, c.at, now); got != c.want {
			t.Errorf("%s %s %s: %q, want %q", c.lang, c.state, c.at.Format(time.DateOnly), got, c.want)
		}
	}
}

// Every status has its name in every language (the message ids are built,
// so the catalog test cannot see them).
func TestStatusLabelsExist(t *testing.T) {
	for _, lang := range i18n.Languages {
		for _, o := range statusOptions(i18n.For(lang.Tag)) {
			if o.Label == "" || strings.HasPrefix(o.Label, "applications.status.") {
				t.Errorf("%s: status %s has no name (%q)", lang.Tag, o.Value, o.Label)
			}
		}
	}
	if got := statusLabel(i18n.For("de"), folio.StatusOffer); got != "Angebot" {
		t.Errorf("German offer is %q", got)
	}
}

// The form's own errors are in the reader's language.
func TestFormErrorsInTheReadersLanguage(t *testing.T) {
	f := applicationForm{Company: "Acme", AppliedOn: "yesterday", SalaryMin: "lots", InterviewAt: "soon", ProjectIDs: map[int64]bool{}}
	_, bad := f.input(i18n.For("es"), nil)
	got := map[string]string{}
	for _, fe := range bad {
		got[fe.Field] = fe.Message
	}
	want := map[string]string{
		"applied_on":   "debe ser una fecha como 2026-11-25",
		"salary_min":   "debe ser un número entero",
		"interview_at": "debe ser una fecha y hora como 2026-12-01T14:30",
	}
	for field, msg := range want {
		if got[field] != msg {
			t.Errorf("%s: %q, want %q", field, got[field], msg)
		}
	}
}
