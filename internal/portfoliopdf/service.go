package portfoliopdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/markdown"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// Service finds, builds and stores PDF portfolios. The server calls PDF;
// the worker calls Build. PDFs live in the object store under the owner's
// prefix, one per content version and paper size: users.content_version
// moves with every change a portfolio shows, so a stored PDF is never
// stale for its version and a change makes the next request build anew.
type Service struct {
	Users    folio.UserService
	Projects folio.ProjectService
	Store    *storage.Store
	Queue    queue.Enqueuer
	// BaseURL makes the document's links and QR codes absolute; the
	// worker's must be the server's public URL.
	BaseURL *url.URL
	// Wait bounds how long PDF waits for the worker to build a missing
	// PDF (0: DefaultWait).
	Wait   time.Duration
	Logger *slog.Logger
	// Now dates documents; nil: time.Now.
	Now func() time.Time
}

// DefaultWait is how long a request waits for a PDF being built. A build
// takes well under a second; a worker that is down or swamped should not
// hold the request much longer than a person waits for a download.
const DefaultWait = 8 * time.Second

// maxBytes bounds a PDF read back from the store: a portfolio's is tens
// of kilobytes; anything far larger is not ours.
const maxBytes = 8 << 20

// File is a built PDF.
type File struct {
	Body    []byte
	Version int64
	Paper   Paper
	// Stale is set when the worker did not build the current version in
	// time and an earlier one is served meanwhile.
	Stale bool
}

// Prefix holds every PDF of owner; deleting the account removes it. The
// account's creation time is part of it, so that ids reused by a
// recreated database never meet an old account's files.
func Prefix(owner *folio.User) string {
	return "portfolio-pdf/" + strconv.FormatInt(owner.ID, 10) + "-" + strconv.FormatInt(owner.CreatedAt.Unix(), 10) + "/"
}

// layoutVersion names the layout in stored PDFs' keys: a release that
// changes how a PDF looks bumps it, so that PDFs of the old layout are
// rebuilt (and removed by the next build) although the portfolio did not
// change.
const layoutVersion = "l2"

// Key is where owner's PDF at version on paper is stored. Versions are
// zero-padded so that keys sort as versions do.
func Key(owner *folio.User, version int64, paper Paper) string {
	return fmt.Sprintf("%s%s/%020d-%s.pdf", Prefix(owner), paper, version, layoutVersion)
}

// versionOf reads the version back from a key of this layout; -1 for any
// other key.
func versionOf(key string) int64 {
	name := key[strings.LastIndexByte(key, '/')+1:]
	digits, ok := strings.CutSuffix(name, "-"+layoutVersion+".pdf")
	if !ok {
		return -1
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// PDF returns owner's PDF portfolio on paper at owner.ContentVersion (or
// newer). A missing one is queued for the worker and waited for, up to
// Wait; if the worker has not built it by then, an earlier version is
// answered marked Stale, and without one EUNAVAILABLE.
func (s *Service) PDF(ctx context.Context, owner *folio.User, paper Paper, requestID string) (*File, error) {
	if f, err := s.stored(ctx, owner, paper, owner.ContentVersion); f != nil || err != nil {
		return f, err
	}
	task, err := queue.NewPortfolioPDFTask(owner.ID, owner.ContentVersion, string(paper), requestID)
	if err != nil {
		return nil, err
	}
	if err := queue.Enqueue(s.Queue, task); err != nil && !queue.AlreadyQueued(err) {
		return nil, err
	}
	wait := s.Wait
	if wait == 0 {
		wait = DefaultWait
	}
	deadline := time.Now().Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Add(-time.Second).Before(deadline) {
		deadline = d.Add(-time.Second) // leave time to answer
	}
	for delay := 40 * time.Millisecond; time.Now().Before(deadline); delay = min(delay*2, 400*time.Millisecond) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(delay, time.Until(deadline))):
		}
		if f, err := s.stored(ctx, owner, paper, owner.ContentVersion); f != nil || err != nil {
			return f, err
		}
	}
	if f, err := s.stored(ctx, owner, paper, 0); f != nil || err != nil {
		if f != nil {
			f.Stale = true
		}
		return f, err
	}
	return nil, folio.Errorf(folio.EUNAVAILABLE, "The PDF is still being made; try again in a few seconds.")
}

// stored reads the newest stored PDF of owner on paper whose version is
// at least min; nil when there is none.
func (s *Service) stored(ctx context.Context, owner *folio.User, paper Paper, min int64) (*File, error) {
	keys, err := s.Store.Keys(ctx, Prefix(owner)+string(paper)+"/")
	if err != nil {
		return nil, fmt.Errorf("portfoliopdf: list: %w", err)
	}
	best, bestKey := int64(-1), ""
	for _, k := range keys {
		if v := versionOf(k); v >= min && v > best {
			best, bestKey = v, k
		}
	}
	if bestKey == "" {
		return nil, nil
	}
	body, err := s.Store.Head(ctx, bestKey, maxBytes)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil // removed since the listing: a newer one is there
	} else if err != nil {
		return nil, fmt.Errorf("portfoliopdf: read %s: %w", bestKey, err)
	}
	return &File{Body: body, Version: best, Paper: paper}, nil
}

// Build renders userID's portfolio on paper as it is now and stores it
// under the version it shows, then removes that paper's older versions.
// requested is the version the request saw: when a stored PDF is already
// at it or newer, there is nothing to do. A user who is gone is no error.
func (s *Service) Build(ctx context.Context, userID, requested int64, paper Paper) error {
	u, err := s.Users.UserByID(ctx, userID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if f, err := s.stored(ctx, u, paper, max(requested, u.ContentVersion)); err != nil || f != nil {
		return err
	}
	// The portfolio's owner row and projects come from one query, so the
	// version stored is the one the document shows.
	pf, err := s.Projects.Portfolio(ctx, u.Handle)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	doc, err := s.Document(ctx, pf)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Render(&buf, doc, paper); err != nil {
		return err
	}
	key := Key(pf.Owner, pf.Owner.ContentVersion, paper)
	if _, err := s.Store.PutStream(ctx, key, &buf, "application/pdf"); err != nil {
		return fmt.Errorf("portfoliopdf: store: %w", err)
	}
	keys, err := s.Store.Keys(ctx, Prefix(pf.Owner)+string(paper)+"/")
	if err != nil {
		return nil // the old versions go with the next build
	}
	for _, k := range keys {
		// Older versions, and any version of another layout.
		if v := versionOf(k); v < pf.Owner.ContentVersion {
			if err := s.Store.Remove(ctx, k); err != nil && s.Logger != nil {
				s.Logger.Warn("old PDF not removed", "key", k, "error", err)
			}
		}
	}
	return nil
}

// Document is what the PDF of pf shows: the featured projects, or, when
// none is featured, the first public ones, up to folio.MaxFeatured.
func (s *Service) Document(ctx context.Context, pf *folio.Portfolio) (Document, error) {
	owner := pf.Owner
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	d := Document{Name: owner.DisplayName, Headline: owner.Headline, Location: owner.Location,
		PortfolioURL: s.BaseURL.JoinPath(owner.Handle).String(), Generated: now().UTC().Truncate(time.Second)}
	if owner.ShowEmail {
		d.Email = owner.Email
	}
	if owner.Bio != "" {
		html, err := markdown.RenderContext(ctx, owner.Bio)
		if err != nil {
			return Document{}, err
		}
		d.About = markdown.Plain(html, 1200)
	}
	for _, l := range []Link{{"Website", owner.WebsiteURL}, {"GitHub", owner.GitHubURL}, {"LinkedIn", owner.LinkedInURL}} {
		if l.URL != "" {
			d.Links = append(d.Links, l)
		}
	}
	projects := pf.Featured
	if len(projects) == 0 {
		projects = pf.Others[:min(len(pf.Others), folio.MaxFeatured)]
	}
	for _, p := range projects {
		d.Projects = append(d.Projects, Project{Title: p.Title, Tagline: p.Tagline,
			Problem: p.PitchProblem, Approach: p.PitchApproach, Result: p.PitchResult, Tags: p.TechTags,
			PageURL: s.BaseURL.JoinPath(owner.Handle, p.Slug).String(), DemoURL: p.DemoURL, CodeURL: p.RepositoryURL})
	}
	return d, nil
}
