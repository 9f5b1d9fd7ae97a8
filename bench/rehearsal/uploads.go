package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// account is an uploader: a registered user with a project of its own.
type account struct {
	handle    string
	token     string
	projectID int64
}

// file is a test file to upload, read once.
type file struct {
	kind, name, contentType string
	data                    []byte
	sha                     string
}

// entry is an acknowledged upload: the API answered 201 (streamed) or 200
// (direct upload completed) with its media id. Each must end processed.
type entry struct {
	ID      int64
	Account int
	Kind    string
	Method  string // "stream" or "direct"
	Phase   string
	AckedAt time.Duration
	SHA256  string
	Size    int64
}

type ledger struct {
	mu   sync.Mutex
	list []entry
}

func (l *ledger) add(e entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, e)
}

func (l *ledger) entries() []entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]entry(nil), l.list...)
}

var client = &http.Client{Timeout: 60 * time.Second}

func readMedia(o options) ([]file, error) {
	var out []file
	for _, f := range []file{{kind: "screenshot", name: o.screenshot, contentType: "image/png"}, {kind: "screencast", name: o.screencast, contentType: "video/mp4"}} {
		data, err := os.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		f.data, f.sha = data, hex.EncodeToString(sum[:])
		f.name = f.kind + map[string]string{"screenshot": ".png", "screencast": ".mp4"}[f.kind]
		out = append(out, f)
	}
	return out, nil
}

// call sends a JSON request (body nil for none) and decodes a 2xx answer
// into out; it returns the status code.
func call(method, url, token string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	msg, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(msg, out)
	}
	return resp.StatusCode, nil
}

// makeAccounts registers n uploaders before any fault (registration is
// limited per address, so the rehearsal keeps n small).
func makeAccounts(o options, n int) ([]*account, error) {
	stamp := time.Now().Unix() % 1e6
	var out []*account
	for i := range n {
		a := &account{handle: fmt.Sprintf("rehearsal%d-%d", stamp, i)}
		creds := map[string]string{"email": a.handle + "@example.com", "password": "rehearsal password " + a.handle, "handle": a.handle, "display_name": "Rehearsal"}
		if _, err := call("POST", o.url+"/api/v1/auth/register", "", creds, nil); err != nil {
			return nil, err
		}
		var login struct{ Token string }
		if _, err := call("POST", o.url+"/api/v1/auth/login", "", map[string]string{"email": creds["email"], "password": creds["password"]}, &login); err != nil {
			return nil, err
		}
		a.token = login.Token
		var project struct{ ID int64 }
		if _, err := call("POST", o.url+"/api/v1/projects", a.token, map[string]any{"title": "Rehearsal uploads"}, &project); err != nil {
			return nil, err
		}
		a.projectID = project.ID
		out = append(out, a)
	}
	return out, nil
}

// uploadLoop uploads until ctx ends, one file every o.uploadEvery:
// screenshots and (every fourth) screencasts, alternately streamed through
// the API and sent directly to storage in presigned parts. An upload is
// retried until acknowledged; only acknowledged ones enter the ledger.
func uploadLoop(ctx context.Context, o options, rec *recorder, led *ledger, a *account, media []file, idx int) {
	for n := 0; ctx.Err() == nil; n++ {
		f := media[0]
		if n%4 == 3 {
			f = media[1]
		}
		method := "stream"
		if (n+idx)%2 == 1 {
			method = "direct"
		}
		for attempt := 0; attempt < 20 && ctx.Err() == nil; attempt++ {
			var id int64
			var err error
			if method == "stream" {
				id, err = streamUpload(o, rec, a, f)
			} else {
				id, err = directUpload(o, rec, a, f)
			}
			if err == nil {
				at := rec.since(time.Now())
				led.add(entry{ID: id, Account: idx, Kind: f.kind, Method: method, Phase: rec.phaseAt(at), AckedAt: at, SHA256: f.sha, Size: int64(len(f.data))})
				break
			}
			sleep(ctx, 500*time.Millisecond)
		}
		sleep(ctx, o.uploadEvery)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// attempt notes one HTTP exchange of an upload under "uploads".
func attempt(rec *recorder, code int, err error) {
	if err != nil && code >= 300 {
		err = nil // an answer, counted by its code
	}
	name, ok := outcome(code, err)
	rec.note("uploads", rec.since(time.Now()), name, ok)
}

// streamUpload sends the file as the raw body of POST /projects/{id}/media.
func streamUpload(o options, rec *recorder, a *account, f file) (int64, error) {
	url := fmt.Sprintf("%s/api/v1/projects/%d/media?kind=%s&filename=%s", o.url, a.projectID, f.kind, f.name)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(f.data))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", f.contentType)
	resp, err := client.Do(req)
	if err != nil {
		attempt(rec, 0, err)
		return 0, err
	}
	defer resp.Body.Close()
	var m struct{ ID int64 }
	body, rerr := io.ReadAll(resp.Body)
	attempt(rec, resp.StatusCode, rerr)
	if rerr != nil {
		return 0, rerr
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("stream upload: %d %s", resp.StatusCode, body)
	}
	return m.ID, json.Unmarshal(body, &m)
}

// directUpload starts a resumable upload, PUTs its parts to the presigned
// URLs (through the storage load balancer) and completes it; each step is
// retried on its own, as a browser client does.
func directUpload(o options, rec *recorder, a *account, f file) (int64, error) {
	var up struct {
		MediaID  int64 `json:"media_id"`
		PartSize int64 `json:"part_size"`
		Parts    []struct {
			Number int
			URL    string
		}
	}
	code, err := call("POST", fmt.Sprintf("%s/api/v1/projects/%d/uploads", o.url, a.projectID), a.token,
		map[string]any{"kind": f.kind, "filename": f.name, "size": len(f.data), "content_type": f.contentType}, &up)
	attempt(rec, code, err)
	if err != nil {
		return 0, err
	}
	type part struct {
		Number int    `json:"number"`
		ETag   string `json:"etag"`
	}
	var parts []part
	for _, p := range up.Parts {
		from := int64(p.Number-1) * up.PartSize
		to := min(from+up.PartSize, int64(len(f.data)))
		var etag string
		for try := 0; ; try++ {
			var code int
			etag, code, err = putPart(p.URL, f.data[from:to])
			attempt(rec, code, err)
			if err == nil {
				break
			}
			if try == 10 {
				return 0, err
			}
			time.Sleep(300 * time.Millisecond)
		}
		parts = append(parts, part{Number: p.Number, ETag: etag})
	}
	var m struct{ ID int64 }
	for try := 0; ; try++ {
		code, err = call("POST", fmt.Sprintf("%s/api/v1/uploads/%d/complete", o.url, up.MediaID), a.token, map[string]any{"parts": parts}, &m)
		attempt(rec, code, err)
		if err == nil {
			return m.ID, nil
		}
		// Completing again is harmless by design: a retry answers the
		// media's state.
		if try == 10 || (code >= 400 && code < 500) {
			return 0, err
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func putPart(url string, data []byte) (string, int, error) {
	req, _ := http.NewRequest("PUT", url, bytes.NewReader(data))
	resp, err := client.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return "", resp.StatusCode, fmt.Errorf("PUT part: %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return resp.Header.Get("ETag"), 200, nil
}
