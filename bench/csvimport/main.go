// Command csvimport measures importing a spreadsheet of 10,000
// applications through the real HTTP endpoint (POST
// /api/v1/applications/import: body intake, CSV parsing, validation and
// the batched inserts with their timeline entries), in a database of its
// own, dropped at the end. It exits non-zero when any run takes longer
// than -max (the promise: under 5 s). Run it with `make bench-csv`.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/bench/scratch"
	"github.com/foliohq/folio/internal/config"
	"github.com/foliohq/folio/internal/server"
	"github.com/foliohq/folio/internal/server/servertest"
)

func main() {
	rows := flag.Int("rows", 10_000, "applications in the file")
	runs := flag.Int("runs", 5, "imports, each into a new account")
	limit := flag.Duration("max", 5*time.Second, "the slowest import allowed")
	flag.Parse()
	if err := run(*rows, *runs, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(rows, runs int, limit time.Duration) error {
	ctx := context.Background()
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return err
	}
	db, cleanup, err := scratch.Database(ctx, cfg.DatabaseURL, "csv")
	if err != nil {
		return err
	}
	defer cleanup()
	ropts, err := cfg.RedisOptions()
	if err != nil {
		return err
	}
	rdb := redis.NewClient(ropts)
	defer rdb.Close()
	o := servertest.Options(db, rdb)
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	o.MaxBodyBytes = 1 << 20
	srv := server.New(o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.App().Shutdown() }()
	base := "http://" + ln.Addr().String()

	file := spreadsheet(rows)
	fmt.Printf("file: %d rows, %.1f MiB (company, role, posting link, dates in three forms, status, next step, contacts, notes, salary)\n",
		rows, float64(len(file))/(1<<20))
	var took []time.Duration
	for i := range runs {
		token, err := signUp(base, fmt.Sprintf("bench%d", i))
		if err != nil {
			return err
		}
		start := time.Now()
		if err := importFile(base, token, file, rows); err != nil {
			return err
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	fmt.Println("| rows | runs | min | median | max | limit |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	fmt.Printf("| %d | %d | %s | %s | %s | %s |\n", rows, runs, took[0].Round(time.Millisecond),
		took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), limit)
	if took[len(took)-1] > limit {
		return fmt.Errorf("the slowest import took %s, over %s", took[len(took)-1].Round(time.Millisecond), limit)
	}
	return nil
}

// spreadsheet writes rows applications the way a job seeker's sheet
// holds them: local and ISO dates mixed, quoted notes with commas.
func spreadsheet(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFFCompany name,Job title,Link,Date applied,Status,Next steps,Due date,Contacts,Notes,Salary min,Salary max,Currency\r\n")
	statuses := []string{"Applied", "Phone screen", "Interviewing", "Rejected", "Offer", "Wishlist"}
	for i := range rows {
		day := 1 + i%28
		applied := []string{fmt.Sprintf("2026-%02d-%02d", 1+i%12, day), fmt.Sprintf("%02d/%02d/2026", day, 1+i%12), fmt.Sprintf(`"Nov %d, 2026"`, day)}[i%3]
		fmt.Fprintf(&b, "Company %d,Senior engineer %d,https://jobs.example/%d,%s,%s,Follow up with the recruiter,2026-12-%02d,"+
			"\"Jo Smith <jo%d@company.example> https://www.linkedin.com/in/jo%d\",\"Met at a meetup; they use Go, Postgres and Kafka. %s\",%d,%d,EUR\r\n",
			i, i, i, applied, statuses[i%len(statuses)], day, i, i, strings.Repeat("More notes. ", i%5), 70000+i%30*1000, 90000+i%30*1000)
	}
	return b.Bytes()
}

func signUp(base, handle string) (string, error) {
	creds := map[string]string{"email": handle + "@example.com", "password": "correct horse battery", "handle": handle, "display_name": handle}
	if _, err := post(base+"/api/v1/auth/register", "", "application/json", creds, http.StatusCreated); err != nil {
		return "", err
	}
	login := map[string]string{"email": creds["email"], "password": creds["password"]}
	body, err := post(base+"/api/v1/auth/login", "", "application/json", login, http.StatusOK)
	if err != nil {
		return "", err
	}
	var session struct{ Token string }
	if err := json.Unmarshal(body, &session); err != nil {
		return "", err
	}
	return session.Token, nil
}

func importFile(base, token string, file []byte, rows int) error {
	body, err := post(base+"/api/v1/applications/import", token, "text/csv", file, http.StatusCreated)
	if err != nil {
		return err
	}
	var out struct{ Imported int }
	if err := json.Unmarshal(body, &out); err != nil || out.Imported != rows {
		return fmt.Errorf("imported %d of %d (%v): %s", out.Imported, rows, err, body)
	}
	return nil
}

func post(u, token, contentType string, body any, want int) ([]byte, error) {
	raw, ok := body.([]byte)
	if !ok {
		raw, _ = json.Marshal(body)
	}
	r, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(raw))
	r.Header.Set("Content-Type", contentType)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != want {
		return nil, fmt.Errorf("POST %s: %d: %.500s", u, resp.StatusCode, out)
	}
	return out, nil
}
