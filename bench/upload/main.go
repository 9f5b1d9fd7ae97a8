// Command upload measures streaming uploads through Folio's API against a
// direct minio-go PutObject of the same bytes, and the API process's peak
// memory, for several sizes. Run it with `make bench-upload` (it needs the
// local stack and bin/folio).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func main() {
	bin := flag.String("folio", "bin/folio", "the folio binary to measure")
	sizes := flag.String("sizes", "256,1024", "upload sizes in MiB")
	flag.Parse()
	if out, err := exec.Command(*bin, "migrate", "up").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: migrate: %v\n%s", err, out)
		os.Exit(1)
	}
	for _, s := range strings.Split(*sizes, ",") {
		var mib int64
		fmt.Sscan(s, &mib)
		if err := run(*bin, mib<<20); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
}

// body is size bytes that start like an MP4 (so the API accepts it) and go
// on with cheap pseudo-random bytes, generated while read.
type body struct {
	head []byte
	rng  *rand.ChaCha8
	left int64
}

func newBody(size int64) *body {
	head := []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41\x00\x00\x00\x08free")
	return &body{head: head, rng: rand.NewChaCha8([32]byte{1}), left: size}
}

func (b *body) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n := 0
	if len(b.head) > 0 {
		n = copy(p, b.head)
		b.head = b.head[n:]
	}
	b.rng.Read(p[n:])
	b.left -= int64(len(p))
	return len(p), nil
}

func freePort() string {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	return l.Addr().String()
}

func run(bin string, size int64) error {
	addr := freePort()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "FOLIO_HTTP_ADDR="+addr, "FOLIO_MAX_VIDEO_BYTES="+fmt.Sprint(4<<30))
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("folio serve did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	token, projectID, err := account(base)
	if err != nil {
		return err
	}

	start := time.Now()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/projects/%d/media?kind=screencast", base, projectID), newBody(size))
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "video/mp4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return fmt.Errorf("upload: %d %s", resp.StatusCode, msg)
	}
	apiSecs := time.Since(start).Seconds()
	peak, err := peakRSS(cmd.Process.Pid)
	if err != nil {
		return err
	}
	// Remove the upload; a worker deletes its objects when one runs.
	var created struct{ ID int64 }
	_ = json.Unmarshal(msg, &created)
	del, _ := http.NewRequest("DELETE", fmt.Sprintf("%s/api/v1/media/%d", base, created.ID), nil)
	del.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(del); err == nil {
		resp.Body.Close()
	}
	_ = removeUpload(size, start)

	client, err := minioClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	key := fmt.Sprintf("bench/direct-%d", time.Now().UnixNano())
	start = time.Now()
	if _, err := client.PutObject(ctx, os.Getenv("FOLIO_S3_BUCKET"), key, newBody(size), size, minio.PutObjectOptions{ContentType: "video/mp4"}); err != nil {
		return err
	}
	directSecs := time.Since(start).Seconds()
	_ = client.RemoveObject(ctx, os.Getenv("FOLIO_S3_BUCKET"), key, minio.RemoveObjectOptions{})

	mib := float64(size) / (1 << 20)
	fmt.Printf("size %6.0f MiB | API %7.1f MiB/s | direct PutObject %7.1f MiB/s | API/direct %5.1f%% | API peak RSS %5.1f MiB\n",
		mib, mib/apiSecs, mib/directSecs, 100*directSecs/apiSecs, float64(peak)/1024)
	return nil
}

func account(base string) (string, int64, error) {
	handle := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	post := func(path, token string, in any, out any) error {
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			msg, _ := io.ReadAll(resp.Body)
			return fmt.Errorf("%s: %d %s", path, resp.StatusCode, msg)
		}
		return json.NewDecoder(resp.Body).Decode(out)
	}
	creds := map[string]string{"email": handle + "@example.com", "password": "benchmark password", "handle": handle, "display_name": "Bench"}
	var ignored, login map[string]any
	if err := post("/api/v1/auth/register", "", creds, &ignored); err != nil {
		return "", 0, err
	}
	if err := post("/api/v1/auth/login", "", map[string]string{"email": creds["email"], "password": creds["password"]}, &login); err != nil {
		return "", 0, fmt.Errorf("login: %w", err)
	}
	token := login["token"].(string)
	var project map[string]any
	if err := post("/api/v1/projects", token, map[string]any{"title": "Bench"}, &project); err != nil {
		return "", 0, err
	}
	return token, int64(project["id"].(float64)), nil
}

// peakRSS is the process's high-water resident set, in KiB.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

func minioClient() (*minio.Client, error) {
	return minio.New(os.Getenv("FOLIO_S3_ENDPOINT"), &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("FOLIO_S3_ACCESS_KEY"), os.Getenv("FOLIO_S3_SECRET_KEY"), ""),
	})
}

// removeUpload removes the original the benchmark stored. Its key is named
// by the media's random public key, which the API does not answer with, so
// it is found by its size and time.
func removeUpload(size int64, since time.Time) error {
	client, err := minioClient()
	if err != nil {
		return err
	}
	ctx, bucket := context.Background(), os.Getenv("FOLIO_S3_BUCKET")
	for obj := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "media/", Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		if strings.HasSuffix(obj.Key, "/original") && obj.Size == size && !obj.LastModified.Before(since.Add(-time.Second)) {
			if err := client.RemoveObject(ctx, bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
				return err
			}
		}
	}
	return nil
}
