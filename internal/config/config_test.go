package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func validEnv() map[string]string {
	return map[string]string{
		"FOLIO_DATABASE_URL":  "postgres://folio:secret@127.0.0.1:55432/folio?sslmode=disable",
		"FOLIO_REDIS_URL":     "redis://127.0.0.1:56379/0",
		"FOLIO_S3_ENDPOINT":   "127.0.0.1:59000",
		"FOLIO_S3_ACCESS_KEY": "folio",
		"FOLIO_S3_SECRET_KEY": "folio-secret",
		"FOLIO_S3_BUCKET":     "folio",
	}
}

func lookupIn(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(lookupIn(validEnv()))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.HTTPAddr != ":8080" || cfg.BaseURL.String() != "http://localhost:8080" || cfg.Env != "prod" {
		t.Errorf("defaults: addr=%q base=%q env=%q", cfg.HTTPAddr, cfg.BaseURL, cfg.Env)
	}
	if cfg.DemoAllowPrivate || cfg.DemoCheckInterval != 5*time.Minute || cfg.DemoCheckTimeout != 10*time.Second {
		t.Errorf("demo checks must default to public targets only, every 5m, 10s timeout: %+v", cfg)
	}
	if cfg.MetricsAddr != "127.0.0.1:9090" || cfg.SentryDSN != "" {
		t.Errorf("metrics %q sentry %q: metrics must default to loopback, Sentry to off", cfg.MetricsAddr, cfg.SentryDSN)
	}
	if cfg.S3UseSSL || cfg.ShutdownTimeout != 15*time.Second || cfg.MaxBodyBytes != 1<<20 {
		t.Errorf("defaults: ssl=%v shutdown=%v body=%d", cfg.S3UseSSL, cfg.ShutdownTimeout, cfg.MaxBodyBytes)
	}
	if cfg.CacheRedisURL != "" {
		t.Errorf("the page cache must default to FOLIO_REDIS_URL's Redis, not %q", cfg.CacheRedisURL)
	}
	if cfg.HTTPBodyIdleTimeout != 30*time.Second || cfg.MaxUploadsPerAccount != 3 || cfg.MaxUploads != 16 {
		t.Errorf("upload defaults: idle=%v per account=%d in all=%d", cfg.HTTPBodyIdleTimeout, cfg.MaxUploadsPerAccount, cfg.MaxUploads)
	}
}

func TestLoadEachVariable(t *testing.T) {
	tests := []struct {
		name, value string
		wantErr     bool
	}{
		{"FOLIO_ENV", "dev", false},
		{"FOLIO_ENV", "staging", true},
		{"FOLIO_HTTP_ADDR", "127.0.0.1:9000", false},
		{"FOLIO_HTTP_ADDR", "8080", true},
		{"FOLIO_HTTP_ADDR", ":99999", true},
		{"FOLIO_METRICS_ADDR", "127.0.0.1:0", false},
		{"FOLIO_BASE_URL", "https://folio.example.com/", false},
		{"FOLIO_BASE_URL", "folio.example.com", true},
		{"FOLIO_BASE_URL", "ftp://folio.example.com", true},
		{"FOLIO_DATABASE_URL", "postgresql://u:p@db:5432/folio", false},
		{"FOLIO_DATABASE_URL", "mysql://u:p@db/folio", true},
		{"FOLIO_DATABASE_URL", "postgres://u:p@db:5432", true},
		{"FOLIO_DATABASE_URL", "", true},
		{"FOLIO_DATABASE_REPLICA_URLS", "postgres://u:p@r1:5432/folio, postgres://u:p@r2:5432/folio", false},
		{"FOLIO_DATABASE_REPLICA_URLS", "postgres://u:p@r1:5432/folio,r2:5432", true},
		{"FOLIO_DATABASE_REPLICA_MAX_LAG", "2s", false},
		{"FOLIO_DATABASE_REPLICA_MAX_LAG", "0s", true},
		{"FOLIO_REDIS_URL", "rediss://:pw@cache:6380/2", false},
		{"FOLIO_REDIS_URL", "http://cache", true},
		{"FOLIO_REDIS_URL", "redis://sentinel-1:26379?master_name=folio&addr=sentinel-2:26379&password=pw&db=2", false},
		{"FOLIO_REDIS_URL", "redis://sentinel-1:26379?master_name=folio&colour=blue", true},
		{"FOLIO_CACHE_REDIS_URL", "redis://cache:6379/0", false},
		{"FOLIO_CACHE_REDIS_URL", "", false},
		{"FOLIO_CACHE_REDIS_URL", "http://cache", true},
		{"FOLIO_S3_ENDPOINT", "minio:9000", false},
		{"FOLIO_S3_ENDPOINT", "http://minio:9000", true},
		{"FOLIO_S3_ENDPOINT", "minio", true},
		{"FOLIO_S3_ACCESS_KEY", " ", true},
		{"FOLIO_S3_SECRET_KEY", "", true},
		{"FOLIO_S3_BUCKET", "folio-media.v1", false},
		{"FOLIO_S3_BUCKET", "Folio", true},
		{"FOLIO_S3_BUCKET", "ab", true},
		{"FOLIO_S3_BUCKET", "a..b", true},
		{"FOLIO_S3_USE_SSL", "true", false},
		{"FOLIO_S3_USE_SSL", "yes", true},
		{"FOLIO_SHUTDOWN_TIMEOUT", "30s", false},
		{"FOLIO_SHUTDOWN_TIMEOUT", "-1s", true},
		{"FOLIO_SHUTDOWN_TIMEOUT", "10", true},
		{"FOLIO_MAX_BODY_BYTES", "2048", false},
		{"FOLIO_MAX_BODY_BYTES", "0", true},
		{"FOLIO_MAX_VIDEO_BYTES", "1073741824", false},
		{"FOLIO_MAX_VIDEO_BYTES", "2GB", true},
		{"FOLIO_MAX_IMAGE_BYTES", "-5", true},
		{"FOLIO_MAX_VIDEO_SECONDS", "0", true},
		{"FOLIO_WORKER_CONCURRENCY", "8", false},
		{"FOLIO_WORKER_CONCURRENCY", "many", true},
		{"FOLIO_FFMPEG_THREADS", "0", true},
		{"FOLIO_FFMPEG_TIMEOUT", "5m", false},
		{"FOLIO_FFMPEG_TIMEOUT", "soon", true},
		{"FOLIO_METRICS_ADDR", "0.0.0.0:9100", false},
		{"FOLIO_METRICS_ADDR", "9100", true},
		{"FOLIO_SENTRY_DSN", "https://abc@sentry.example.com/4", false},
		{"FOLIO_SENTRY_DSN", "not a dsn", true},
		{"FOLIO_HTTP_READ_TIMEOUT", "30m", false},
		{"FOLIO_HTTP_WRITE_TIMEOUT", "0s", true},
		{"FOLIO_HTTP_BODY_IDLE_TIMEOUT", "5s", false},
		{"FOLIO_HTTP_BODY_IDLE_TIMEOUT", "0s", true},
		{"FOLIO_HTTP_BODY_IDLE_TIMEOUT", "11m", true}, // longer than the read timeout
		{"FOLIO_MAX_UPLOADS_PER_ACCOUNT", "1", false},
		{"FOLIO_MAX_UPLOADS_PER_ACCOUNT", "0", true},
		{"FOLIO_MAX_UPLOADS", "64", false},
		{"FOLIO_MAX_UPLOADS", "lots", true},
		{"FOLIO_PUBLIC_RATE_LIMIT", "1200", false},
		{"FOLIO_PUBLIC_RATE_LIMIT", "-1", true},
		{"FOLIO_DEMO_CHECK_INTERVAL", "1m", false},
		{"FOLIO_DEMO_CHECK_INTERVAL", "often", true},
		{"FOLIO_DEMO_CHECK_TIMEOUT", "0s", true},
		{"FOLIO_DEMO_ALLOW_PRIVATE", "true", false},
		{"FOLIO_DEMO_ALLOW_PRIVATE", "sometimes", true},
		{"FOLIO_DEMO_CHECK_CONCURRENCY", "50", false},
		{"FOLIO_DEV_DEMOS_ADDR", "127.0.0.1:9999", false},
		{"FOLIO_DEV_DEMOS_ADDR", "nowhere", true},
		{"FOLIO_ANALYTICS_RETENTION", "30d", false},
		{"FOLIO_ANALYTICS_RETENTION", "365", false},
		{"FOLIO_ANALYTICS_RETENTION", "0", true},
		{"FOLIO_ANALYTICS", "false", false},
		{"FOLIO_ANALYTICS", "maybe", true},
		{"FOLIO_ANALYTICS_RETENTION", "3 months", true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			env := validEnv()
			env[tt.name] = tt.value
			_, err := Load(lookupIn(env))
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.name) {
				t.Errorf("error %q does not name %s", err, tt.name)
			}
		})
	}
}

func TestLoadNamesEveryBadVariableAtOnce(t *testing.T) {
	env := validEnv()
	env["FOLIO_DATABASE_URL"] = "not a url"
	env["FOLIO_S3_BUCKET"] = ""
	delete(env, "FOLIO_REDIS_URL")
	_, err := Load(lookupIn(env))
	var cfgErr *Error
	if !errors.As(err, &cfgErr) {
		t.Fatalf("err = %v, want *config.Error", err)
	}
	for _, name := range []string{"FOLIO_DATABASE_URL", "FOLIO_S3_BUCKET", "FOLIO_REDIS_URL"} {
		if _, ok := cfgErr.Problems[name]; !ok {
			t.Errorf("problems %v do not name %s", cfgErr.Problems, name)
		}
	}
	if len(cfgErr.Problems) != 3 {
		t.Errorf("got %d problems, want 3: %v", len(cfgErr.Problems), cfgErr.Problems)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("message spans several lines: %q", err)
	}
}

func TestLoadNeverEchoesSecrets(t *testing.T) {
	env := validEnv()
	env["FOLIO_DATABASE_URL"] = "mysql://user:hunter2-secret@db/folio"
	_, err := Load(lookupIn(env))
	if err == nil || strings.Contains(err.Error(), "hunter2-secret") {
		t.Fatalf("error %v must exist and must not contain the password", err)
	}
}
