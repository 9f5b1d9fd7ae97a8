// Command renders asks a freshly started `folio serve` (cold cache) for
// pages it has not rendered yet, each once, a few at a time, and prints
// how many it rendered a second and the CPU time Folio, PostgreSQL and
// Redis each spent per render. bench/scale.sh runs it against generated
// data after the mixed load: it shows what one cache miss costs, which is
// what a cold start's throughput comes down to.
//
// CPU times come from /proc: Folio's process (-pid), the PostgreSQL
// server processes serving -database-url (pg_stat_activity, so a
// replica's are not counted) and Redis's (-redis-pid).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// A browser's User-Agent, as bench/mixed sends: the views are counted.
const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "Folio's base URL")
	pages := flag.Int("pages", 3000, "pages of each kind to render")
	users := flag.Int("users", 10000, "handles user1..userN to take them from")
	concurrency := flag.Int("c", 6, "requests at once")
	pid := flag.Int("pid", 0, "Folio's process id")
	redisPID := flag.Int("redis-pid", 0, "Redis's process id (0: not counted)")
	dsn := flag.String("database-url", os.Getenv("FOLIO_DATABASE_URL"), "the database Folio serves from")
	flag.Parse()
	if err := run(strings.TrimRight(*base, "/"), *pages, *users, *concurrency, *pid, *redisPID, *dsn); err != nil {
		fmt.Fprintln(os.Stderr, "renders:", err)
		os.Exit(1)
	}
}

func run(base string, pages, users, concurrency, pid, redisPID int, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	// Portfolio pages from the first handles, project pages from the
	// last: no page is asked for twice. Every tenth user has only drafts
	// (404 by design) and is skipped, as bench/mixed does.
	handles := make([]int, 0, users)
	for u := 1; u <= users; u++ {
		if u%10 != 0 {
			handles = append(handles, u)
		}
	}
	if 2*pages > len(handles) {
		return fmt.Errorf("%d pages of each kind need %d handles with public projects; there are %d", pages, 2*pages, len(handles))
	}
	kinds := []struct {
		name string
		url  func(u int) string
		from []int
	}{
		{"portfolio", func(u int) string { return fmt.Sprintf("%s/user%d", base, u) }, handles[:pages]},
		{"project", func(u int) string { return fmt.Sprintf("%s/user%d/project-2", base, u) }, handles[len(handles)-pages:]},
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	fmt.Printf("uncached renders, %d at once, each page once:\n", concurrency)
	for _, k := range kinds {
		before, err := cpu(db, pid, redisPID)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := fetchAll(client, k.from, k.url, concurrency); err != nil {
			return fmt.Errorf("%s pages: %w", k.name, err)
		}
		elapsed := time.Since(start)
		after, err := cpu(db, pid, redisPID)
		if err != nil {
			return err
		}
		n := float64(len(k.from))
		per := func(i int) float64 { return (after[i] - before[i]).Seconds() * 1000 / n }
		fmt.Printf("  %-9s %5d pages in %5.2f s: %4.0f/s; CPU per render: Folio %.2f ms, PostgreSQL %.2f ms, Redis %.2f ms\n",
			k.name, len(k.from), elapsed.Seconds(), n/elapsed.Seconds(), per(0), per(1), per(2))
	}
	return nil
}

// fetchAll gets each page once, concurrency at a time; any answer but 200
// is an error.
func fetchAll(client *http.Client, users []int, url func(int) string, concurrency int) error {
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; int(i) < len(users) && failed.Load() == nil; i = next.Add(1) - 1 {
				if err := fetch(client, url(users[i])); err != nil {
					failed.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	return nil
}

func fetch(client *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	if c := res.Header.Get("X-Cache"); c != "miss" {
		return fmt.Errorf("%s: X-Cache %q, want a render (miss): start from a cold cache", url, c)
	}
	return nil
}

// cpu is the CPU time so far of Folio, of the database's server
// processes, and of Redis.
func cpu(db *sql.DB, pid, redisPID int) ([3]time.Duration, error) {
	var out [3]time.Duration
	var err error
	if out[0], err = cpuOf(pid); err != nil {
		return out, fmt.Errorf("folio: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()`)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var p int
		if err := rows.Scan(&p); err != nil {
			return out, err
		}
		// A process that ended between the two readings counts as none.
		if d, err := cpuOf(p); err == nil {
			out[1] += d
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	if redisPID != 0 {
		if out[2], err = cpuOf(redisPID); err != nil {
			return out, fmt.Errorf("redis: %w", err)
		}
	}
	return out, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times (100 on
// every Linux architecture Folio runs on).
const clockTicks = 100

// cpuOf reads a process's user and system time from /proc/<pid>/stat.
func cpuOf(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, errors.New("no process id")
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The fields after the command, which is in parentheses and may hold
	// spaces: state is the first, utime and stime the 12th and 13th.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %q %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
