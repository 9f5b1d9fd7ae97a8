package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelGroup is Redis as run for high availability: a master, a
// replica of it, and three sentinels that watch the master and promote the
// replica when it fails.
type SentinelGroup struct {
	Master, Replica *PrivateRedis
	Sentinels       []string // host:port of each sentinel
	Name            string   // the master's name at the sentinels
}

// StartSentinelGroup starts a master, a replica and three sentinels on
// free loopback ports. A failed master is declared down after 500 ms.
func StartSentinelGroup(t testing.TB) *SentinelGroup {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("testenv: redis-server is not installed; %s", startHint)
	}
	g := &SentinelGroup{Master: StartPrivateRedis(t), Name: "folio"}
	host, port, _ := net.SplitHostPort(g.Master.Addr)
	g.Replica = &PrivateRedis{Addr: freeAddr(t), dir: t.TempDir(), t: t, args: []string{"--replicaof", host, port}}
	g.Replica.Start()
	t.Cleanup(g.Replica.Stop)
	for i := range 3 {
		addr := freeAddr(t)
		_, sport, _ := net.SplitHostPort(addr)
		dir := t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		// Sentinels rewrite their file, so each has its own.
		body := fmt.Sprintf("bind 127.0.0.1\nport %s\ndir %s\nsentinel monitor %s %s %s 2\n"+
			"sentinel down-after-milliseconds %s 500\nsentinel failover-timeout %s 5000\nsentinel parallel-syncs %s 1\n",
			sport, dir, g.Name, host, port, g.Name, g.Name, g.Name)
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, conf, "--sentinel")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		g.Sentinels = append(g.Sentinels, addr)
		waitRedis(t, fmt.Sprintf("sentinel %d", i+1), addr)
	}
	// Ready when every sentinel knows the replica (it learns of it from
	// the master) and the replica has synchronised.
	deadline := time.Now().Add(30 * time.Second)
	for !g.ready() {
		if time.Now().After(deadline) {
			t.Fatalf("testenv: the sentinel group did not settle within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return g
}

func (g *SentinelGroup) ready() bool {
	ctx := context.Background()
	r := redis.NewClient(&redis.Options{Addr: g.Replica.Addr})
	defer r.Close()
	info, err := r.Info(ctx, "replication").Result()
	if err != nil || !strings.Contains(info, "master_link_status:up") {
		return false
	}
	for _, addr := range g.Sentinels {
		s := redis.NewSentinelClient(&redis.Options{Addr: addr})
		replicas, err := s.Replicas(ctx, g.Name).Result()
		s.Close()
		if err != nil || len(replicas) == 0 {
			return false
		}
	}
	return true
}

// URL is the Redis URL of the group for FOLIO_REDIS_URL (go-redis's
// failover URL: a sentinel, the master's name, the other sentinels).
func (g *SentinelGroup) URL() string {
	u := "redis://" + g.Sentinels[0] + "?master_name=" + g.Name
	for _, s := range g.Sentinels[1:] {
		u += "&addr=" + s
	}
	return u
}

// MasterAddr is the master's address as the first sentinel knows it.
func (g *SentinelGroup) MasterAddr(t testing.TB) string {
	t.Helper()
	s := redis.NewSentinelClient(&redis.Options{Addr: g.Sentinels[0]})
	defer s.Close()
	hp, err := s.GetMasterAddrByName(context.Background(), g.Name).Result()
	if err != nil {
		t.Fatalf("testenv: asking the sentinel for the master: %v", err)
	}
	return net.JoinHostPort(hp[0], hp[1])
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitRedis(t testing.TB, name, addr string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("testenv: %s on %s did not start", name, addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitMaster waits until every sentinel names addr as the master, failing
// the test after 15 s. The sentinel that leads a failover knows first; the
// others learn it from its announcements a moment later.
func (g *SentinelGroup) WaitMaster(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		seen := g.masters()
		agreed := len(seen) == len(g.Sentinels)
		for _, m := range seen {
			agreed = agreed && m == addr
		}
		if agreed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: the sentinels name %q as the master, want %s", seen, addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// masters is the master's address as each sentinel that answers knows it.
func (g *SentinelGroup) masters() []string {
	var out []string
	for _, addr := range g.Sentinels {
		s := redis.NewSentinelClient(&redis.Options{Addr: addr})
		hp, err := s.GetMasterAddrByName(context.Background(), g.Name).Result()
		s.Close()
		if err == nil {
			out = append(out, net.JoinHostPort(hp[0], hp[1]))
		}
	}
	return out
}
