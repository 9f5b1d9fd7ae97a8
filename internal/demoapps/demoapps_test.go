package demoapps_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/demoapps"
)

func start(t *testing.T) string {
	t.Helper()
	s, err := demoapps.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return "http://" + s.Addr()
}

func TestEveryAppAnswers(t *testing.T) {
	base := start(t)
	for _, a := range demoapps.Apps() {
		resp, err := http.Get(base + a.Path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s, want an HTML page", a.Path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

func TestOrdersReplayAnIdempotentRetry(t *testing.T) {
	base := start(t)
	post := func(key string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, base+"/orders/api/orders", strings.NewReader(`{"item":"tea","quantity":2}`))
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	s1, o1 := post("k1")
	s2, o2 := post("k1")
	s3, o3 := post("k2")
	if s1 != http.StatusCreated || s2 != http.StatusOK || o1["id"] != o2["id"] {
		t.Errorf("retry: %d %v then %d %v, want 201 then 200 with the same order", s1, o1, s2, o2)
	}
	if s3 != http.StatusCreated || o3["id"] == o1["id"] {
		t.Errorf("another key: %d %v, want a new order", s3, o3)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/orders/api/orders", strings.NewReader(`{"item":"","quantity":0}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an empty order: %d, want 422", resp.StatusCode)
	}
}

func TestFeedAnswersConditionalGet(t *testing.T) {
	base := start(t)
	resp, err := http.Get(base + "/feeds/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("feed: %d, ETag %q", resp.StatusCode, etag)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/feeds/feed.xml", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d, want 304", resp.StatusCode)
	}
}

func TestChatFansOutToStreams(t *testing.T) {
	base := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/chat/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	lines.Scan() // ": connected": the subscription is in place
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pr, err := noRedirect.PostForm(base+"/chat/messages", url.Values{"name": {"ana"}, "text": {"hello room"}})
	if err != nil {
		t.Fatal(err)
	}
	pr.Body.Close()
	if pr.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d, want 303", pr.StatusCode)
	}
	for lines.Scan() {
		if line := lines.Text(); strings.HasPrefix(line, "data: ") {
			if !strings.Contains(line, "hello room") {
				t.Errorf("event %q, want the message", line)
			}
			return
		}
	}
	t.Fatalf("no event before the stream ended: %v", lines.Err())
}
