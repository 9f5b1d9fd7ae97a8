package repoimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/apidocs"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/ratelimit"
)

// Default quotas per owner: an import clones and reads a repository of up
// to apidocs.DefaultCloneLimits.Bytes, as costly as an API-docs job.
var (
	// DefaultPerHour is how many imports an owner may start in an hour.
	DefaultPerHour = ratelimit.Limit{Rate: 10, Period: time.Hour}
	// DefaultMaxActive is how many of an owner's imports may be queued or
	// running at once.
	DefaultMaxActive = 3
)

// MaxHistory is how many imports an owner's history keeps (the store
// drops older finished ones).
const MaxHistory = 50

// DefaultTimeout bounds a whole import, clone included.
const DefaultTimeout = 4 * time.Minute

// TooManyError refuses an import over the hourly limit; RetryAfter says
// when the next one fits.
type TooManyError struct {
	Limit      ratelimit.Limit
	RetryAfter time.Duration
}

func (e *TooManyError) Error() string {
	period := "the last " + e.Limit.Period.String()
	if e.Limit.Period == time.Hour {
		period = "the last hour"
	}
	return fmt.Sprintf("You started %d imports in %s; try again in %s.", e.Limit.Rate, period, e.RetryAfter.Round(time.Second))
}

// Service runs imports: Start and Import for the API and the dashboard,
// Run for the worker. The API's side needs Imports, Queue and Limiter; the
// worker's Imports, Projects, Docs, Git and the limits.
type Service struct {
	Imports Store
	Queue   queue.Enqueuer
	Limiter *ratelimit.Limiter // nil: no hourly limit
	// PerHour and MaxActive are the owner's quotas (zero: the defaults).
	PerHour   ratelimit.Limit
	MaxActive int

	Projects folio.ProjectService
	// Docs hands a found OpenAPI document or swag-annotated source to
	// API-docs generation; nil: they are only reported.
	Docs    *apidocs.Requester
	Git     string // the git command; "" fails every import with a reason
	Clone   apidocs.CloneLimits
	Limits  Limits        // zero: DefaultLimits
	Timeout time.Duration // zero: DefaultTimeout
	TempDir string        // "": the system's
	Logger  *slog.Logger  // nil: slog.Default()
}

// Start validates repoURL, counts the import against the owner's quotas,
// records it and queues its job. EINVALID for a URL that is not a plain
// http(s) URL; *TooManyError over the hourly limit (PerHour); ETOOMANY
// when MaxActive imports are still queued or running.
func (s *Service) Start(ctx context.Context, ownerID int64, repoURL, requestID string) (*Import, error) {
	repoURL = strings.TrimSpace(repoURL)
	if err := validateRepoURL(repoURL); err != nil {
		return nil, err
	}
	if s.Limiter != nil {
		lim := s.PerHour
		if lim.Rate == 0 {
			lim = DefaultPerHour
		}
		ok, retry, err := s.Limiter.Allow(ctx, "repoimport:owner:"+strconv.FormatInt(ownerID, 10), lim)
		if err != nil {
			return nil, fmt.Errorf("repoimport: rate limit: %w", err)
		}
		if !ok {
			return nil, &TooManyError{Limit: lim, RetryAfter: retry}
		}
	}
	maxActive := s.MaxActive
	if maxActive == 0 {
		maxActive = DefaultMaxActive
	}
	imp, err := s.Imports.CreateImport(ctx, ownerID, repoURL, maxActive)
	if err != nil {
		return nil, err
	}
	task, err := queue.NewRepoImportTask(imp.ID, requestID)
	if err == nil {
		err = queue.Enqueue(s.Queue, task)
	}
	if err != nil {
		_ = s.Imports.FailImport(context.WithoutCancel(ctx), imp.ID, "The import could not be queued; try again.")
		return nil, fmt.Errorf("repoimport: queue import %d: %w", imp.ID, err)
	}
	return imp, nil
}

// validateRepoURL accepts an absolute http(s) URL without credentials;
// where it points is checked when it is cloned (apidocs.Clone).
func validateRepoURL(s string) error {
	var v folio.Validation
	u, err := url.Parse(s)
	switch {
	case s == "":
		v.Add("repository_url", "is required")
	case len(s) > 2000 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		v.Add("repository_url", "must be an http or https URL of a Git repository, such as https://github.com/you/project")
	case u.User != nil:
		v.Add("repository_url", "must not carry a user name or password: only public repositories can be imported")
	}
	return v.Err()
}

// Import returns ownerID's import; ENOTFOUND for another owner's.
func (s *Service) Import(ctx context.Context, ownerID, id int64) (*Import, error) {
	return s.Imports.Import(ctx, ownerID, id)
}

// Recent lists ownerID's latest imports, newest first.
func (s *Service) Recent(ctx context.Context, ownerID int64, limit int) ([]*Import, error) {
	return s.Imports.Imports(ctx, ownerID, limit)
}

// Run performs import id: clone, read, make the draft, hand the API
// description on. A failure the owner can act on (the clone refused, too
// large, too slow) is recorded on the import and Run returns nil; another
// error is returned for a retry, and recorded when lastAttempt. An import
// that has finished is left alone.
func (s *Service) Run(ctx context.Context, id int64, requestID string, lastAttempt bool) error {
	imp, err := s.Imports.ImportForWorker(ctx, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil // the owner is gone
	} else if err != nil {
		return err
	}
	if ok, err := s.Imports.StartImport(ctx, id); err != nil || !ok {
		return err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sum, err := s.run(runCtx, imp, requestID)
	if err == nil {
		return s.Imports.FinishImport(ctx, id, sum)
	}
	var reason string
	switch {
	case apidocs.IsBadInput(err):
		reason = capitalize(err.Error()) + "."
	case runCtx.Err() != nil && ctx.Err() == nil:
		reason = fmt.Sprintf("Reading the repository took longer than %s.", timeout)
	case lastAttempt:
		reason = "The import failed after several attempts; try again later."
	default:
		return err
	}
	if ferr := s.Imports.FailImport(context.WithoutCancel(ctx), id, reason); ferr != nil {
		return ferr
	}
	s.logger().Info("repository import failed", "import_id", id, "reason", reason, "error", err)
	return nil
}

func (s *Service) run(ctx context.Context, imp *Import, requestID string) (Summary, error) {
	work, err := os.MkdirTemp(s.TempDir, fmt.Sprintf("folio-repoimport-%d-", imp.ID))
	if err != nil {
		return Summary{}, err
	}
	defer os.RemoveAll(work)
	dest := filepath.Join(work, "repo")
	if err := apidocs.Clone(ctx, s.Git, imp.RepositoryURL, dest, s.Clone); err != nil {
		return Summary{}, err
	}
	limits := s.Limits
	if limits.Files == 0 {
		limits = DefaultLimits
	}
	a, err := Analyze(dest, imp.RepositoryURL, s.branch(ctx, dest), limits)
	if err != nil {
		return Summary{}, err
	}
	p, err := s.draft(ctx, imp, a)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{ProjectID: p.ID, License: a.License, Languages: a.Languages, Homepage: a.Homepage, Notes: a.Notes}
	sum.APIDocs, err = s.handDocs(ctx, p.ID, dest, a, requestID)
	if err != nil {
		s.logger().Warn("repository import: API docs not requested", "import_id", imp.ID, "error", err)
		msg := folio.ErrorMessage(err)
		if apidocs.IsBadInput(err) {
			msg = err.Error()
		}
		sum.Notes = append(sum.Notes, "The API description was found but could not be sent for generation: "+msg)
	}
	return sum, nil
}

// draft makes the project, or finds the one a previous attempt made.
func (s *Service) draft(ctx context.Context, imp *Import, a *Analysis) (*folio.Project, error) {
	if imp.ProjectID != 0 {
		p, err := s.Projects.Project(ctx, imp.OwnerID, imp.ProjectID)
		if err == nil {
			return p, nil
		} else if folio.ErrorCode(err) != folio.ENOTFOUND {
			return nil, err
		}
	}
	desc := a.Description
	if a.License != "" {
		// Shown on the draft, and on the page once published; the owner
		// may edit it out.
		desc = strings.TrimSpace(desc + "\n\n*License: " + a.License + "*")
	}
	visibility, code := folio.VisibilityDraft, CodeLink(imp.RepositoryURL)
	tags := a.Tags
	in := folio.ProjectInput{Title: &a.Title, Tagline: &a.Tagline, Description: &desc, TechTags: &tags,
		DemoURL: &a.Homepage, RepositoryURL: &code, Visibility: &visibility}
	p, err := s.Projects.CreateProject(ctx, imp.OwnerID, in)
	if folio.ErrorCode(err) == folio.EINVALID {
		// Something read does not fit a field: keep what surely does,
		// rather than no draft at all.
		s.logger().Warn("repository import: fields refused, draft with title and link only", "import_id", imp.ID, "error", err)
		a.Notes = append(a.Notes, "Some of what the repository says did not fit the project's fields and was left out.")
		p, err = s.Projects.CreateProject(ctx, imp.OwnerID, folio.ProjectInput{Title: &a.Title, RepositoryURL: &code, Visibility: &visibility})
	}
	if err != nil {
		return nil, err
	}
	if err := s.Imports.SetImportProject(ctx, imp.ID, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// handDocs requests the project's API docs from what the repository
// holds: its OpenAPI or Swagger file as a spec source, or, for swag
// annotations, the repository itself (the API-docs job clones it again:
// the files of this clone are gone by then).
func (s *Service) handDocs(ctx context.Context, projectID int64, dir string, a *Analysis, requestID string) (string, error) {
	if s.Docs == nil {
		return "", nil
	}
	switch {
	case a.Spec != "":
		data, err := apidocs.ReadSpec(dir, a.Spec)
		if err != nil {
			return "", err
		}
		ct := "application/yaml"
		if strings.HasSuffix(a.Spec, ".json") {
			ct = "application/json"
		}
		if _, err := s.Docs.Request(ctx, projectID, folio.SourceSpec, bytes.NewReader(data), ct, requestID); err != nil {
			return "", err
		}
		return "spec:" + a.Spec, nil
	case a.Swag:
		if _, err := s.Docs.Request(ctx, projectID, folio.SourceRepository, nil, "", requestID); err != nil {
			return "", err
		}
		return "swag", nil
	}
	return "", nil
}

// branch is the branch the clone checked out ("" when detached).
func (s *Service) branch(ctx context.Context, dir string) string {
	cmd := exec.CommandContext(ctx, s.Git, "-C", dir, "symbolic-ref", "--short", "-q", "HEAD")
	cmd.Env = []string{"GIT_CONFIG_NOSYSTEM=1", "HOME=" + filepath.Dir(dir)}
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func capitalize(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// IsTooMany reports whether err is Start's hourly refusal, and when to retry.
func IsTooMany(err error) (time.Duration, bool) {
	var tm *TooManyError
	if errors.As(err, &tm) {
		return tm.RetryAfter, true
	}
	return 0, false
}
