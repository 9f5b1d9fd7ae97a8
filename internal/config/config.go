// Package config turns the process environment into a typed, validated Config.
//
// Configuration comes from the environment only. Load checks every variable
// before returning, so an operator sees all mistakes at once instead of
// fixing them one restart at a time.
package config

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/foliohq/folio/internal/mail"
)

// Config is everything Folio reads from its environment.
type Config struct {
	Env         string // "dev" or "prod"; dev switches logs to text
	HTTPAddr    string
	BaseURL     *url.URL
	DatabaseURL string
	RedisURL    string
	// CacheRedisURL is the Redis of the page cache: one without
	// persistence, so that cached pages are not written to disk. "": the
	// page cache shares RedisURL's.
	CacheRedisURL   string
	S3Endpoint      string
	S3AccessKey     string
	S3SecretKey     string
	S3Bucket        string
	S3UseSSL        bool
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64

	MaxVideoBytes int64
	MaxImageBytes int64
	// Streamed uploads in progress per account and per API process; each
	// holds a 5 MiB part buffer.
	MaxUploadsPerAccount int
	MaxUploads           int
	MaxVideoSeconds      float64
	WorkerConcurrency    int
	FFmpegThreads        int
	FFmpegTimeout        time.Duration

	MetricsAddr      string
	SentryDSN        string
	HTTPReadTimeout  time.Duration
	HTTPWriteTimeout time.Duration
	// HTTPBodyIdleTimeout cuts a request body that sends nothing this long.
	HTTPBodyIdleTimeout time.Duration
	PublicRatePerMin    int

	DemoCheckInterval    time.Duration
	DemoCheckTimeout     time.Duration
	DemoAllowPrivate     bool
	DemoCheckConcurrency int

	// AnalyticsRetention is how long raw analytics events are kept (whole
	// months are dropped once past it); daily rollups stay.
	AnalyticsRetention time.Duration
	// Analytics turns the counting of public page visits on (the default)
	// or off.
	Analytics bool

	// SMTP is FOLIO_SMTP_URL parsed; nil when email is off.
	SMTP *mail.Config
	// SecretKey (FOLIO_SECRET_KEY, 32 bytes or more) seals webhook secrets
	// and TOTP secrets and signs unsubscribe links; nil: a key kept in the
	// database.
	SecretKey []byte

	// Overload: the database pool's size and statement bound, the deadline
	// of a public page request, how many page renders (cache misses) and
	// explore searches run at once, and how long a request waits for a
	// slot before it is shed with 503 and Retry-After.
	DBMaxConns         int
	DBStatementTimeout time.Duration
	// Read replicas (streaming standbys) that may answer anonymous
	// visitors' page reads, and how far behind the primary one may be
	// before it is taken out of rotation.
	DatabaseReplicaURLs   []string
	DatabaseReplicaMaxLag time.Duration
	RequestTimeout        time.Duration
	RenderConcurrency     int
	ExploreConcurrency    int
	ShedWait              time.Duration

	// SSO is single sign-on and the registration mode.
	SSO SSO

	// TLS is Folio terminating TLS with on-demand certificates.
	TLS TLS
	// TrustedProxies (FOLIO_TRUSTED_PROXIES) are the addresses or CIDR
	// ranges whose X-Forwarded-* headers are believed.
	TrustedProxies []string
	// DNSResolver (FOLIO_DNS_RESOLVER, host:port) answers custom domains'
	// verification lookups; "": the system's resolver.
	DNSResolver string

	// DevDemosAddr is where `folio dev` serves the demo portfolio's live
	// demo apps (loopback); other subcommands ignore it.
	DevDemosAddr string
}

// RedisOptions returns the go-redis options for RedisURL. Load has already
// validated the URL, so the error only happens for hand-built Configs.
func (c Config) RedisOptions() (*redis.Options, error) {
	return redis.ParseURL(c.RedisURL)
}

// RedisFailover returns the Sentinel options when RedisURL names a master
// (redis://sentinel-1:26379?master_name=folio&addr=sentinel-2:26379&...),
// and nil for a plain Redis URL. With Sentinel, clients follow the master
// through a failover: the user and password in the URL are the
// sentinels', the query's password and db the master's.
func (c Config) RedisFailover() (*redis.FailoverOptions, error) {
	return RedisFailoverOptions(c.RedisURL)
}

// RedisFailoverOptions is RedisFailover for any Redis URL.
func RedisFailoverOptions(u string) (*redis.FailoverOptions, error) {
	if !isSentinelURL(u) {
		return nil, nil
	}
	return redis.ParseFailoverURL(u)
}

// IsDev reports whether Folio runs for local development.
func (c Config) IsDev() bool { return c.Env == "dev" }

// Error lists every invalid variable, one problem per name.
type Error struct {
	Problems map[string]string
}

func (e *Error) Error() string {
	names := make([]string, 0, len(e.Problems))
	for name := range e.Problems {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+" "+e.Problems[name])
	}
	return "invalid configuration: " + strings.Join(parts, "; ")
}

// Load reads the configuration through getenv-like lookup (os.LookupEnv in
// production, a map in tests). A variable that is set but empty counts as
// set: it does not fall back to the default.
func Load(lookup func(string) (string, bool)) (Config, error) {
	p := parser{lookup: lookup, problems: map[string]string{}}
	cfg := Config{
		Env:             p.oneOf("FOLIO_ENV", "prod", "dev", "prod"),
		HTTPAddr:        p.listenAddr("FOLIO_HTTP_ADDR", ":8080"),
		BaseURL:         p.httpURL("FOLIO_BASE_URL", "http://localhost:8080"),
		DatabaseURL:     p.postgresURL("FOLIO_DATABASE_URL"),
		RedisURL:        p.redisURL("FOLIO_REDIS_URL"),
		CacheRedisURL:   p.optionalRedisURL("FOLIO_CACHE_REDIS_URL"),
		S3Endpoint:      p.hostPort("FOLIO_S3_ENDPOINT"),
		S3AccessKey:     p.required("FOLIO_S3_ACCESS_KEY"),
		S3SecretKey:     p.required("FOLIO_S3_SECRET_KEY"),
		S3Bucket:        p.bucket("FOLIO_S3_BUCKET"),
		S3UseSSL:        p.boolean("FOLIO_S3_USE_SSL", false),
		ShutdownTimeout: p.duration("FOLIO_SHUTDOWN_TIMEOUT", 15*time.Second),
		MaxBodyBytes:    p.bytes("FOLIO_MAX_BODY_BYTES", 1<<20),

		MaxVideoBytes:        p.bytes("FOLIO_MAX_VIDEO_BYTES", 2<<30),
		MaxImageBytes:        p.bytes("FOLIO_MAX_IMAGE_BYTES", 20<<20),
		MaxUploadsPerAccount: p.count("FOLIO_MAX_UPLOADS_PER_ACCOUNT", 3),
		MaxUploads:           p.count("FOLIO_MAX_UPLOADS", 16),
		MaxVideoSeconds:      float64(p.count("FOLIO_MAX_VIDEO_SECONDS", 600)),
		WorkerConcurrency:    p.count("FOLIO_WORKER_CONCURRENCY", 2),
		FFmpegThreads:        p.count("FOLIO_FFMPEG_THREADS", 2),
		FFmpegTimeout:        p.duration("FOLIO_FFMPEG_TIMEOUT", 15*time.Minute),

		MetricsAddr:         p.listenAddr("FOLIO_METRICS_ADDR", "127.0.0.1:9090"),
		SentryDSN:           p.sentryDSN("FOLIO_SENTRY_DSN"),
		HTTPReadTimeout:     p.duration("FOLIO_HTTP_READ_TIMEOUT", 10*time.Minute),
		HTTPWriteTimeout:    p.duration("FOLIO_HTTP_WRITE_TIMEOUT", 10*time.Minute),
		HTTPBodyIdleTimeout: p.duration("FOLIO_HTTP_BODY_IDLE_TIMEOUT", 30*time.Second),
		PublicRatePerMin:    p.count("FOLIO_PUBLIC_RATE_LIMIT", 600),

		DemoCheckInterval:    p.duration("FOLIO_DEMO_CHECK_INTERVAL", 5*time.Minute),
		DemoCheckTimeout:     p.duration("FOLIO_DEMO_CHECK_TIMEOUT", 10*time.Second),
		DemoAllowPrivate:     p.boolean("FOLIO_DEMO_ALLOW_PRIVATE", false),
		DemoCheckConcurrency: p.count("FOLIO_DEMO_CHECK_CONCURRENCY", 20),

		AnalyticsRetention: p.days("FOLIO_ANALYTICS_RETENTION", 90),
		Analytics:          p.boolean("FOLIO_ANALYTICS", true),

		DBMaxConns:            p.count("FOLIO_DB_MAX_CONNS", 20),
		DBStatementTimeout:    p.duration("FOLIO_DB_STATEMENT_TIMEOUT", time.Minute),
		DatabaseReplicaURLs:   p.postgresURLs("FOLIO_DATABASE_REPLICA_URLS"),
		DatabaseReplicaMaxLag: p.duration("FOLIO_DATABASE_REPLICA_MAX_LAG", 5*time.Second),
		RequestTimeout:        p.duration("FOLIO_REQUEST_TIMEOUT", 10*time.Second),
		RenderConcurrency:     p.count("FOLIO_RENDER_CONCURRENCY", 16),
		ExploreConcurrency:    p.count("FOLIO_EXPLORE_CONCURRENCY", 4),
		ShedWait:              p.duration("FOLIO_SHED_WAIT", 500*time.Millisecond),

		DevDemosAddr: p.listenAddr("FOLIO_DEV_DEMOS_ADDR", "127.0.0.1:8090"),
		SMTP:         p.smtp("FOLIO_SMTP_URL", "FOLIO_MAIL_FROM"),
		SecretKey:    p.secretKey("FOLIO_SECRET_KEY"),
		SSO:          p.sso(),

		TLS:            p.tls(),
		TrustedProxies: p.trustedProxies("FOLIO_TRUSTED_PROXIES"),
		DNSResolver:    p.optionalHostPort("FOLIO_DNS_RESOLVER"),
	}
	if cfg.HTTPBodyIdleTimeout > cfg.HTTPReadTimeout {
		p.fail("FOLIO_HTTP_BODY_IDLE_TIMEOUT", "must not be longer than FOLIO_HTTP_READ_TIMEOUT (%s)", cfg.HTTPReadTimeout)
	}
	if len(p.problems) > 0 {
		return Config{}, &Error{Problems: p.problems}
	}
	return cfg, nil
}

type parser struct {
	lookup   func(string) (string, bool)
	problems map[string]string
}

func (p *parser) fail(name, format string, args ...any) {
	p.problems[name] = fmt.Sprintf(format, args...)
}

// value returns the trimmed value, or def when the variable is unset.
func (p *parser) value(name, def string) string {
	v, ok := p.lookup(name)
	if !ok {
		return def
	}
	return strings.TrimSpace(v)
}

func (p *parser) required(name string) string {
	v := p.value(name, "")
	if v == "" {
		p.fail(name, "is required")
	}
	return v
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := p.value(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, "must be one of %s (got %q)", strings.Join(allowed, ", "), v)
	return ""
}

func (p *parser) listenAddr(name, def string) string {
	v := p.value(name, def)
	if _, port, err := net.SplitHostPort(v); err != nil || !validPort(port) {
		p.fail(name, "must be host:port or :port (got %q)", v)
	}
	return v
}

func (p *parser) hostPort(name string) string {
	v := p.required(name)
	if v == "" {
		return ""
	}
	if strings.Contains(v, "://") {
		p.fail(name, "must be host:port without a scheme; use FOLIO_S3_USE_SSL for https (got %q)", v)
		return ""
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" || !validPort(port) {
		p.fail(name, "must be host:port (got %q)", v)
	}
	return v
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n < 65536
}

func (p *parser) httpURL(name, def string) *url.URL {
	v := p.value(name, def)
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(name, "must be an absolute http(s) URL (got %q)", v)
		return nil
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u
}

func (p *parser) postgresURL(name string) string {
	v := p.required(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		p.fail(name, "must be a postgres://user:password@host:port/database URL")
	}
	return v
}

// postgresURLs reads a comma-separated list of postgres:// URLs; unset: none.
func (p *parser) postgresURLs(name string) []string {
	var out []string
	for _, v := range strings.Split(p.value(name, ""), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			p.fail(name, "must be comma-separated postgres://user:password@host:port/database URLs")
			return nil
		}
		out = append(out, v)
	}
	return out
}

func (p *parser) redisURL(name string) string {
	if p.required(name) == "" {
		return ""
	}
	return p.optionalRedisURL(name)
}

func (p *parser) optionalRedisURL(name string) string {
	v := p.value(name, "")
	if v == "" {
		return ""
	}
	if isSentinelURL(v) {
		if _, err := redis.ParseFailoverURL(v); err != nil {
			p.fail(name, "names a Sentinel master but is not redis://sentinel:26379?master_name=NAME&addr=sentinel2:26379&password=PW&db=N: %v", err)
		}
	} else if _, err := redis.ParseURL(v); err != nil {
		p.fail(name, "must be a redis:// or rediss:// URL")
	}
	return v
}

// isSentinelURL tells a Sentinel URL (it names the master) from a plain one.
func isSentinelURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Query().Has("master_name")
}

// bucketName follows the S3 naming rules MinIO enforces.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (p *parser) bucket(name string) string {
	v := p.required(name)
	if v != "" && (!bucketName.MatchString(v) || strings.Contains(v, "..")) {
		p.fail(name, "must be 3-63 lowercase letters, digits, dots or hyphens (got %q)", v)
	}
	return v
}

func (p *parser) boolean(name string, def bool) bool {
	v := p.value(name, strconv.FormatBool(def))
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, "must be true or false (got %q)", v)
	}
	return b
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.value(name, def.String())
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, "must be a positive duration such as 15s or 1m (got %q)", v)
	}
	return d
}

// days reads a whole number of days ("90" or "90d"), at least 1.
func (p *parser) days(name string, def int) time.Duration {
	v := strings.TrimSuffix(p.value(name, strconv.Itoa(def)), "d")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 36500 {
		p.fail(name, "must be a number of days such as 90 or 90d (got %q)", v)
	}
	return time.Duration(n) * 24 * time.Hour
}

func (p *parser) bytes(name string, def int64) int64 {
	v := p.value(name, strconv.FormatInt(def, 10))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		p.fail(name, "must be a positive number of bytes (got %q)", v)
	}
	return n
}

func (p *parser) count(name string, def int) int {
	v := p.value(name, strconv.Itoa(def))
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		p.fail(name, "must be a positive whole number (got %q)", v)
	}
	return n
}

func (p *parser) sentryDSN(name string) string {
	v := p.value(name, "")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User == nil || u.Host == "" {
		p.fail(name, "must be a Sentry DSN such as https://key@o0.ingest.sentry.io/0")
	}
	return v
}

// smtp reads the mail server URL and the sender; both or neither.
func (p *parser) smtp(urlName, fromName string) *mail.Config {
	raw, from := p.value(urlName, ""), p.value(fromName, "")
	if raw == "" {
		return nil
	}
	cfg, err := mail.ParseURL(raw)
	if err != nil {
		p.fail(urlName, "%v", err)
		return nil
	}
	if from == "" {
		p.fail(fromName, "is required with %s (the sender, e.g. Folio <folio@example.com>)", urlName)
		return nil
	}
	if cfg.From, err = mail.ParseFrom(from); err != nil {
		p.fail(fromName, "%v", err)
		return nil
	}
	return &cfg
}

// secretKey reads a key of at least 32 bytes, hex or base64.
func (p *parser) secretKey(name string) []byte {
	v := p.value(name, "")
	if v == "" {
		return nil
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		key, err = base64.StdEncoding.DecodeString(v)
	}
	if err != nil || len(key) < 32 {
		p.fail(name, "must be at least 32 random bytes in hex or base64 (openssl rand -hex 32)")
		return nil
	}
	return key
}
