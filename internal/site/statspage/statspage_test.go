package statspage

import (
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// The chart's text alternative, its bars' titles and its dates are in the
// reader's language, with the language's numbers.
func TestChartInTheReadersLanguage(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	series := []folio.Bucket{{Start: day, Views: 1200, Visitors: 1}, {Start: day.AddDate(0, 0, 1), Views: 1, Visitors: 1}}
	want := map[string][]string{
		"en": {`<title id="chart-t">Views per day</title>`, "1,201 views over 2 days; the highest day had 1,200.",
			"<title>2 Mar: 1,200 views, 1 visitor</title>", "<title>3 Mar: 1 view, 1 visitor</title>", `class="label">2 Mar</text>`},
		"de": {`<title id="chart-t">Aufrufe pro Tag</title>`, "1.201 Aufrufe in 2 Tagen; der stärkste Tag hatte 1.200.",
			"<title>2. März: 1.200 Aufrufe, 1 Besucher</title>", `class="label">3. März</text>`},
		"es": {`<title id="chart-t">Visitas por día</title>`, "<title>2 mar: 1.200 visitas, 1 visitante</title>"},
	}
	for lang, ws := range want {
		got := string(Chart(i18n.For(lang), series))
		for _, w := range ws {
			if !strings.Contains(got, w) {
				t.Errorf("%s chart lacks %q:\n%s", lang, w, got)
			}
		}
	}
	_, funnel := Rows(i18n.For("es"), &folio.AnalyticsReport{Funnel: [3]int64{4, 2, 1}}, nil)
	if len(funnel) != 3 || funnel[0].Label != "Vieron tu portafolio" || funnel[1].Percent != "50%" {
		t.Errorf("Spanish funnel: %+v", funnel)
	}
}
