package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Fault phase names, in order.
const (
	faultRedis = "redis primary killed"
	faultMinIO = "minio node killed"
	faultAPI   = "api process killed"
)

// injectFaults kills, at their moments of the run, the Redis primary (as
// the sentinels name it), the last MinIO node and the second API process,
// which it starts again half-way from its kill to the end. The channel
// closes when it is done.
func injectFaults(ctx context.Context, o options, rec *recorder) <-chan struct{} {
	done := make(chan struct{})
	at := func(frac float64) time.Time { return rec.start.Add(time.Duration(frac * float64(o.duration))) }
	go func() {
		defer close(done)
		if !waitUntil(ctx, at(o.redisFault)) {
			return
		}
		killRedisPrimary(ctx, o, rec)
		if !waitUntil(ctx, at(o.minioFault)) {
			return
		}
		node := o.minio[len(o.minio)-1]
		f := rec.beginFault(faultMinIO, "kill -9 of MinIO node "+node)
		if err := kill(o.run, "minio-"+port(node)); err != nil {
			f.Detail += " failed: " + err.Error()
		}
		if !waitUntil(ctx, at(o.apiOut)) {
			return
		}
		api := o.api[len(o.api)-1]
		n := len(o.api)
		f = rec.beginFault(faultAPI, "kill -9 of API process "+api)
		if err := kill(o.run, fmt.Sprintf("api%d", n)); err != nil {
			f.Detail += " failed: " + err.Error()
		}
		if !waitUntil(ctx, at(o.apiOut+(1-o.apiOut)/2)) || o.restartAPI == "" {
			return
		}
		rec.milestone(f, "restart of "+api+" begun")
		cmd := strings.ReplaceAll(o.restartAPI, "{n}", strconv.Itoa(n))
		if out, err := exec.Command("bash", "-c", cmd).CombinedOutput(); err != nil {
			rec.milestone(f, fmt.Sprintf("restart failed: %v %s", err, out))
			return
		}
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if get("http://"+api+"/readyz") == nil {
				rec.milestone(f, "restarted process ready")
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return done
}

func waitUntil(ctx context.Context, t time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(t)):
		return true
	}
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// killRedisPrimary asks the sentinels for the master, kills it with
// SIGKILL (no chance to hand anything over) and notes when the sentinels
// name another one.
func killRedisPrimary(ctx context.Context, o options, rec *recorder) {
	s := redis.NewSentinelClient(&redis.Options{Addr: o.sentinels[0]})
	defer s.Close()
	addr, err := s.GetMasterAddrByName(ctx, "folio").Result()
	if err != nil {
		rec.beginFault(faultRedis, "could not ask the sentinel for the master: "+err.Error())
		return
	}
	master := net.JoinHostPort(addr[0], addr[1])
	f := rec.beginFault(faultRedis, "kill -9 of the Redis primary "+master)
	if err := kill(o.run, "redis-"+addr[1]); err != nil {
		f.Detail += " failed: " + err.Error()
		return
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if now, err := s.GetMasterAddrByName(ctx, "folio").Result(); err == nil && net.JoinHostPort(now[0], now[1]) != master {
			rec.milestone(f, "sentinels promoted "+net.JoinHostPort(now[0], now[1]))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	rec.milestone(f, "no promotion within 60 s")
}

// kill sends SIGKILL to the process of run/name.pid when it is still the
// process the rehearsal started (its command line names the rehearsal's
// folder, Folio's binary or, for Redis, its port), and retires the pid file.
func kill(run, name string) error {
	file := filepath.Join(run, name+".pid")
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return fmt.Errorf("process %d is gone: %w", pid, err)
	}
	cmd := strings.ReplaceAll(string(cmdline), "\x00", " ")
	work := filepath.Dir(run)
	if !strings.Contains(cmd, work) && !strings.Contains(cmd, "bin/folio") && !strings.HasPrefix(cmd, "redis-server 127.0.0.1:"+strings.TrimPrefix(name, "redis-")) {
		return fmt.Errorf("process %d (%s) is not the rehearsal's %s", pid, cmd, name)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return err
	}
	return os.Rename(file, file+".killed")
}

var probeClient = &http.Client{Timeout: 2 * time.Second}

func get(url string) error {
	resp, err := probeClient.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d", url, resp.StatusCode)
	}
	return nil
}

// probe asks every API process's /readyz (PostgreSQL, Redis and MinIO as
// that process sees them) and MinIO's cluster health through its load
// balancer, four times a second, until ctx ends.
func probe(ctx context.Context, o options, rec *recorder) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for i, api := range o.api {
			noteProbe(rec, fmt.Sprintf("probe readyz api%d", i+1), "http://"+api+"/readyz")
		}
		noteProbe(rec, "probe minio cluster", "http://"+o.minioLB+"/minio/health/cluster")
	}
}

func noteProbe(rec *recorder, source, url string) {
	at := rec.since(time.Now())
	resp, err := probeClient.Get(url)
	code := 0
	if err == nil {
		code = resp.StatusCode
		resp.Body.Close()
	}
	name, ok := outcome(code, err)
	rec.note(source, at, name, ok)
}
