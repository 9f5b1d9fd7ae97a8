package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// verdict is what verification found.
type verdict struct {
	ready, failed, pending  int           // by final media status
	lostBytes, undownloaded []string      // acknowledged uploads not stored as sent / renditions not served
	failedWhy               []string      // failed or never processed, with the reason
	slowest                 time.Duration // acknowledgement → ready, the longest
	slowestID               int64
	archived                map[string]int // dead tasks by queue
	pagesChecked, pagesLost int
	pageLosses              []string
}

type mediaState struct {
	ID         int64
	Status     string
	Error      string
	UpdatedAt  time.Time `json:"updated_at"`
	Renditions []struct {
		Name      string
		URL       string
		SizeBytes int64 `json:"size_bytes"`
	}
}

// verify waits (up to o.verify) for every acknowledged upload to be
// processed, then checks its original's bytes in storage and downloads
// every rendition; it asks asynq for tasks that died, and fetches every
// public portfolio and a project page of each.
func verify(ctx context.Context, o options, rec *recorder, led *ledger, accounts []*account) verdict {
	v := verdict{archived: map[string]int{}}
	entries := led.entries()
	states := map[int64]*mediaState{}
	readyAt := map[int64]time.Duration{}
	deadline := time.Now().Add(o.verify)
	lastSaid := time.Now()
	for {
		open := 0
		for _, e := range entries {
			if s := states[e.ID]; s != nil && (s.Status == "ready" || s.Status == "failed") {
				continue
			}
			var s mediaState
			if _, err := call("GET", fmt.Sprintf("%s/api/v1/media/%d", o.url, e.ID), accounts[e.Account].token, nil, &s); err != nil {
				open++
				continue
			}
			states[e.ID] = &s
			if s.Status == "ready" {
				readyAt[e.ID] = rec.since(time.Now())
			} else if s.Status != "failed" {
				open++
			}
		}
		if open == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		if time.Since(lastSaid) > 30*time.Second {
			fmt.Printf("  %.0f s: %d of %d uploads not processed yet\n", rec.since(time.Now()).Seconds(), open, len(entries))
			lastSaid = time.Now()
		}
		time.Sleep(2 * time.Second)
	}
	s3, err := minio.New(o.minioLB, &minio.Options{Creds: credentials.NewStaticV4(o.accessKey, o.secretKey, "")})
	if err != nil {
		v.lostBytes = append(v.lostBytes, "storage client: "+err.Error())
	}
	for _, e := range entries {
		s := states[e.ID]
		switch {
		case s == nil || (s.Status != "ready" && s.Status != "failed"):
			v.pending++
			status := "unknown"
			if s != nil {
				status = s.Status
			}
			v.failedWhy = append(v.failedWhy, fmt.Sprintf("media %d (%s %s, acked %.1f s in %s) still %s", e.ID, e.Method, e.Kind, e.AckedAt.Seconds(), e.Phase, status))
			continue
		case s.Status == "failed":
			v.failed++
			v.failedWhy = append(v.failedWhy, fmt.Sprintf("media %d (%s %s, acked in %s) failed: %s", e.ID, e.Method, e.Kind, e.Phase, s.Error))
			continue
		}
		v.ready++
		if d := readyAt[e.ID] - e.AckedAt; d > v.slowest {
			v.slowest, v.slowestID = d, e.ID
		}
		if len(s.Renditions) == 0 {
			v.undownloaded = append(v.undownloaded, fmt.Sprintf("media %d: ready without renditions", e.ID))
			continue
		}
		// The original, as stored: same bytes as sent.
		key := s.Renditions[0].URL[strings.Index(s.Renditions[0].URL, "/media/")+1:]
		key = key[:strings.LastIndex(key, "/")] + "/original"
		if s3 != nil {
			if sum, n, err := objectSum(ctx, s3, o.bucket, key); err != nil || sum != e.SHA256 || n != e.Size {
				v.lostBytes = append(v.lostBytes, fmt.Sprintf("media %d: original %s: %d bytes, sha256 %.12s, %v", e.ID, key, n, sum, err))
			}
		}
		for _, r := range s.Renditions {
			if n, err := download(r.URL, accounts[e.Account].token); err != nil || n != r.SizeBytes {
				v.undownloaded = append(v.undownloaded, fmt.Sprintf("media %d %s: %d of %d bytes, %v", e.ID, r.Name, n, r.SizeBytes, err))
			}
		}
	}
	v.archived = deadTasks(o)
	v.pagesChecked, v.pagesLost, v.pageLosses = checkPages(o)
	return v
}

func objectSum(ctx context.Context, s3 *minio.Client, bucket, key string) (string, int64, error) {
	obj, err := s3.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return "", 0, err
	}
	defer obj.Close()
	h := sha256.New()
	n, err := io.Copy(h, obj)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// download fetches a rendition as its owner; it answers the byte count.
func download(url, token string) (int64, error) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, err
}

// deadTasks counts the archived (out of retries) tasks of every queue.
func deadTasks(o options) map[string]int {
	insp := asynq.NewInspector(asynq.RedisFailoverClientOpt{MasterName: "folio", SentinelAddrs: o.sentinels})
	defer insp.Close()
	out := map[string]int{}
	queues, err := insp.Queues()
	if err != nil {
		out["(could not list queues: "+err.Error()+")"] = 1
		return out
	}
	for _, q := range queues {
		info, err := insp.GetQueueInfo(q)
		if err != nil {
			out[q+" (unreadable)"] = 1
			continue
		}
		if info.Archived > 0 {
			out[q] = info.Archived
		}
	}
	return out
}

// checkPages fetches every generated public portfolio and one project page
// of each, eight at a time: each must answer 200 after the faults.
func checkPages(o options) (checked, lost int, losses []string) {
	var urls []string
	for u := 1; u <= o.users; u++ {
		if u%10 == 0 {
			continue // drafts only, by design
		}
		urls = append(urls, fmt.Sprintf("%s/user%d", o.url, u), fmt.Sprintf("%s/user%d/project-%d", o.url, u, 1+u%4))
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for url := range work {
				err := get(url)
				if err != nil {
					// One retry: a page is lost only when it stays missing.
					time.Sleep(time.Second)
					err = get(url)
				}
				mu.Lock()
				checked++
				if err != nil {
					lost++
					if len(losses) < 10 {
						losses = append(losses, err.Error())
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range urls {
		work <- u
	}
	close(work)
	wg.Wait()
	return checked, lost, losses
}
