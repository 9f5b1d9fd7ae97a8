// Command rehearsal drives the many-machines rehearsal that
// bench/rehearsal/rehearsal.sh sets up (run it with `make rehearsal`): the
// public page mix at a fixed rate with vegeta, concurrent uploads through
// the API with a ledger of every acknowledged one, and three faults during
// the run (kill -9 of the Redis primary, of one MinIO node and of one API
// process, which is restarted later). Afterwards it checks that every
// acknowledged upload is stored, byte for byte, processed and downloadable,
// that no processing task died, and that every public page still answers;
// it prints errors per phase, recovery times and losses, and exits 1 when
// anything was lost.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

type options struct {
	url, work, run                 string
	users, rate, uploaders         int
	duration, uploadEvery, verify  time.Duration
	screenshot, screencast         string
	sentinels, minio, api          []string
	minioLB, restartAPI            string
	accessKey, secretKey, bucket   string
	redisFault, minioFault, apiOut float64
}

func main() {
	var o options
	var sentinels, minio, api string
	flag.StringVar(&o.url, "url", "http://127.0.0.1:47080", "Folio behind the load balancer")
	flag.StringVar(&o.work, "work", "", "the rehearsal's folder")
	flag.StringVar(&o.run, "run", "", "the folder of the rehearsal's pid files")
	flag.IntVar(&o.users, "users", 1000, "generated handles user1..userN")
	flag.IntVar(&o.rate, "rate", 40, "public page requests per second")
	flag.DurationVar(&o.duration, "duration", 4*time.Minute, "how long the load runs")
	flag.IntVar(&o.uploaders, "uploaders", 4, "accounts uploading at once")
	flag.DurationVar(&o.uploadEvery, "upload-every", 3*time.Second, "pause between one uploader's uploads")
	flag.DurationVar(&o.verify, "verify-within", 10*time.Minute, "how long acknowledged uploads may take to be processed after the load")
	flag.StringVar(&o.screenshot, "screenshot", "", "a PNG to upload")
	flag.StringVar(&o.screencast, "screencast", "", "an MP4 to upload")
	flag.StringVar(&sentinels, "sentinels", "", "the sentinels' host:port, comma-separated")
	flag.StringVar(&minio, "minio", "", "the MinIO nodes' host:port, comma-separated")
	flag.StringVar(&o.minioLB, "minio-lb", "", "the MinIO load balancer's host:port")
	flag.StringVar(&api, "api", "", "the API processes' host:port, comma-separated")
	flag.StringVar(&o.restartAPI, "restart-api", "", "command that starts API process {n} again")
	flag.StringVar(&o.accessKey, "s3-access-key", os.Getenv("FOLIO_S3_ACCESS_KEY"), "")
	flag.StringVar(&o.secretKey, "s3-secret-key", os.Getenv("FOLIO_S3_SECRET_KEY"), "")
	flag.StringVar(&o.bucket, "s3-bucket", os.Getenv("FOLIO_S3_BUCKET"), "")
	flag.Float64Var(&o.redisFault, "redis-fault-at", 0.2, "when to kill the Redis primary, as a fraction of the run")
	flag.Float64Var(&o.minioFault, "minio-fault-at", 0.45, "when to kill a MinIO node")
	flag.Float64Var(&o.apiOut, "api-fault-at", 0.7, "when to kill an API process (restarted half-way to the end)")
	flag.Parse()
	o.sentinels, o.minio, o.api = split(sentinels), split(minio), split(api)
	if len(o.sentinels) == 0 || len(o.minio) < 2 || len(o.api) < 2 || o.run == "" {
		fmt.Fprintln(os.Stderr, "rehearsal: -sentinels, -minio (2+), -api (2+) and -run are required; run it through make rehearsal")
		os.Exit(2)
	}
	lost, err := rehearse(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rehearsal:", err)
		os.Exit(1)
	}
	if lost {
		os.Exit(1)
	}
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// rehearse runs the load, the uploads and the faults, then verifies.
func rehearse(o options) (lost bool, err error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := newRecorder()
	accounts, err := makeAccounts(o, o.uploaders)
	if err != nil {
		return false, fmt.Errorf("accounts: %w", err)
	}
	media, err := readMedia(o)
	if err != nil {
		return false, err
	}
	led := &ledger{}
	rec.start = time.Now()
	var wg sync.WaitGroup
	probeCtx, stopProbes := context.WithCancel(ctx)
	wg.Add(1)
	go func() { defer wg.Done(); probe(probeCtx, o, rec) }()
	loadDone := make(chan loadResult, 1)
	go func() { loadDone <- runLoad(o, rec) }()
	upCtx, stopUploads := context.WithTimeout(ctx, o.duration)
	defer stopUploads()
	var upWG sync.WaitGroup
	for i, a := range accounts {
		upWG.Add(1)
		go func() { defer upWG.Done(); uploadLoop(upCtx, o, rec, led, a, media, i) }()
	}
	faults := injectFaults(ctx, o, rec)
	load := <-loadDone
	upWG.Wait()
	<-faults
	fmt.Printf("load done at %.0f s; verifying %d acknowledged uploads\n", time.Since(rec.start).Seconds(), len(led.entries()))
	v := verify(ctx, o, rec, led, accounts)
	stopProbes()
	wg.Wait()
	return report(o, rec, load, led, v), nil
}
