// Command cards times the rendering of social cards as the worker renders
// them: decode the poster frame (a 1280×720 JPEG, as ffmpeg makes them),
// lay out and draw the card, encode the PNG. It renders -cards cards with
// varied titles, taglines and tags, prints p50, p95 and max, and fails
// when p95 reaches -max. Storing in MinIO is not timed: it is the same
// upload as any rendition's. It also prints the CPU time of the
// rendering thread per card, which a machine busy with other work does
// not inflate as it does the wall-clock time.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/socialcard"
)

func main() {
	n := flag.Int("cards", 200, "how many cards to render")
	limit := flag.Duration("max", 300*time.Millisecond, "the p95 to stay under")
	flag.Parse()
	if err := run(*n, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "cards:", err)
		os.Exit(1)
	}
}

// poster is a 1280×720 JPEG with gradients and noise: as hard to scale
// and compress as a screen recording's frame.
func poster(seed uint64) ([]byte, error) {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	for y := range 720 {
		for x := range 1280 {
			n := uint8(rng.IntN(40))
			img.SetRGBA(x, y, color.RGBA{uint8(x/5) + n, uint8(y/3) + n, uint8((x+y)/8) + n, 255})
		}
	}
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes(), err
}

var words = strings.Fields(`orders api resilient payments ledger search engine realtime chat dashboards
	analytics pipeline kubernetes operator feed reader compiler scheduler inventory checkout Дарья Ελληνικά
	Kraków Zoë שלום`)

func phrase(rng *rand.Rand, n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(out, " ")
}

func run(n int, limit time.Duration) error {
	posters := make([][]byte, 4)
	for i := range posters {
		var err error
		if posters[i], err = poster(uint64(i)); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	tags := []string{"Go", "PostgreSQL", "Redis", "TypeScript", "Kubernetes", "gRPC", "React", "Rust", "MinIO"}
	var times, cpu []time.Duration
	size := 0
	runtime.LockOSThread() // the thread's CPU time is the render's
	for i := range n {
		c := socialcard.Card{Label: phrase(rng, 2), Title: phrase(rng, 1+rng.IntN(8)), Fallback: "project",
			Subtitle: phrase(rng, rng.IntN(30)), Tags: tags[:rng.IntN(len(tags))], Footer: "folio.example/ada/orders-api",
			Palette: socialcard.PaletteFor(folio.Look{Theme: "spotlight", Accent: "#0f766e"})}
		start, startCPU := time.Now(), threadCPU()
		if i%10 != 9 { // one card in ten has no poster
			img, err := socialcard.DecodePoster(posters[i%len(posters)])
			if err != nil {
				return err
			}
			c.Poster = img
		}
		var buf bytes.Buffer
		if err := socialcard.Render(&buf, c); err != nil {
			return err
		}
		times = append(times, time.Since(start))
		cpu = append(cpu, threadCPU()-startCPU)
		size += buf.Len()
	}
	slices.Sort(times)
	slices.Sort(cpu)
	pct := func(p float64) time.Duration { return times[int(p*float64(len(times)-1))] }
	fmt.Printf("CPU time of the rendering thread per card: p50 %s, p95 %s\n",
		cpu[len(cpu)/2].Round(time.Millisecond), cpu[int(0.95*float64(len(cpu)-1))].Round(time.Millisecond))
	p95 := pct(0.95)
	fmt.Printf("social cards (decode poster, draw, encode PNG), %d cards: p50 %s, p95 %s, max %s, mean PNG %d KiB\n",
		n, pct(0.5).Round(time.Millisecond), p95.Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), size/n>>10)
	if p95 >= limit {
		return fmt.Errorf("p95 %s is not under %s", p95.Round(time.Millisecond), limit)
	}
	return nil
}

// threadCPU is the calling thread's user and system CPU time so far
// (Linux's RUSAGE_THREAD).
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
