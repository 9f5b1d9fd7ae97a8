package markdown

import (
	"testing"
	"time"
)

// renderBudget is the most one render of a fuzzed source may take. Normal
// sources of that size take well under a millisecond; a source over the
// budget is a structure the bounds miss.
const renderBudget = 100 * time.Millisecond

// FuzzRender looks for sources that render slowly (or panic). A render
// over budget is timed once more before it counts, so that a pause of a
// busy machine is not taken for a slow source.
func FuzzRender(f *testing.F) {
	for _, src := range hostile() {
		f.Add(src[:min(len(src), 2_000)])
	}
	for _, src := range []string{
		"# Title\n\nSome *text* with [a link](https://example.com).",
		"> quote\n> - list\n>   1. ordered",
		"|a|b|\n|-|-|\n|1|2|",
		"```go\ncode\n```",
		"<div>html</div> <span onclick=x>y</span>",
		"[ref]: https://example.com\n\n[ref] [ref][] [x][ref]",
		"www.example.com a@b.example ~~s~~ - [x] task",
	} {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if took := timeRender(src); took > renderBudget {
			if again := timeRender(src); again > renderBudget {
				t.Errorf("render of %d bytes took %v and %v: %q", len(src), took, again, head(src))
			}
		}
	})
}

func timeRender(src string) time.Duration {
	start := time.Now()
	Render(src)
	return time.Since(start)
}

func head(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
