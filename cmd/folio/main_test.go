package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBadConfigNamesEveryVariableOnOneLine(t *testing.T) {
	t.Setenv("FOLIO_DATABASE_URL", "mysql://nope")
	t.Setenv("FOLIO_S3_BUCKET", "")
	t.Setenv("FOLIO_REDIS_URL", "redis://127.0.0.1:6379/0")
	t.Setenv("FOLIO_S3_ENDPOINT", "127.0.0.1:9000")
	t.Setenv("FOLIO_S3_ACCESS_KEY", "k")
	t.Setenv("FOLIO_S3_SECRET_KEY", "s")
	for _, cmd := range []string{"serve", "worker", "dev", "seed"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{cmd}, &stdout, &stderr)
		msg := strings.TrimSuffix(stderr.String(), "\n")
		if code == 0 {
			t.Errorf("%s: exit 0 with bad config", cmd)
		}
		if !strings.Contains(msg, "FOLIO_DATABASE_URL") || !strings.Contains(msg, "FOLIO_S3_BUCKET") || strings.Contains(msg, "\n") {
			t.Errorf("%s: message %q should name both variables on one line", cmd, msg)
		}
	}
}

func TestHelpAndUsageErrors(t *testing.T) {
	for name := range commands {
		var stdout, stderr bytes.Buffer
		if code := run([]string{name, "--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "Usage: folio "+name) {
			t.Errorf("%s --help: exit %d, output %q", name, code, stdout.String())
		}
	}
	tests := [][]string{{"nope"}, {"serve", "--bogus"}, {"migrate"}, {"migrate", "sideways"}}
	for _, args := range tests {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		lines := strings.Count(strings.TrimSpace(stderr.String()), "\n") + 1
		if code == 0 || lines != 1 {
			t.Errorf("%v: exit %d, stderr %q; want non-zero and one line", args, code, stderr.String())
		}
	}
	var stdout bytes.Buffer
	if code := run([]string{"version"}, &stdout, &stdout); code != 0 || !strings.HasPrefix(stdout.String(), "folio ") {
		t.Errorf("version: exit %d, %q", code, stdout.String())
	}
}
