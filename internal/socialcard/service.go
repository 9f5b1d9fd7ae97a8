package socialcard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// Service renders, stores and finds social cards. The worker calls
// Build; the pages call ImageURL and the card routes Card. Cards live in
// the object store under the owner's prefix, one folder per content
// version: users.content_version moves with every change a portfolio
// shows (appearance included), so a stored card is never stale for its
// version, and a change makes the next page view queue a new render.
type Service struct {
	Users    folio.UserService
	Projects folio.ProjectService
	Media    folio.MediaService
	Store    *storage.Store
	Queue    queue.Enqueuer
	// BaseURL names the pages in the cards' footers: the server's
	// public URL.
	BaseURL *url.URL
	// Pages drops an owner's cached pages once their cards exist, so that
	// og:image points at them without waiting for the cache to expire;
	// nil: pages follow within their cache's lifetime.
	Pages interface {
		Forget(ctx context.Context, userID int64) error
	}
	// Marks records which cards are stored in full (users.cards_for), so
	// that pages know it from the owner's row; nil: pages ask the store.
	Marks interface {
		MarkCards(ctx context.Context, userID int64, tag string) error
	}
	Logger *slog.Logger

	// requested remembers the renders this process queued lately, so that
	// the misses of a portfolio without cards do not each ask Redis.
	requested recentRequests
}

// MaxProjectCards bounds the project cards of one build: the featured
// projects, then the other public ones in portfolio order. A project
// beyond it keeps its poster as its preview image.
const MaxProjectCards = 100

// MaxCardBytes bounds a card read back from the store: a card is a few
// hundred kilobytes.
const MaxCardBytes = 4 << 20

// layoutVersion names the card layout in keys: a release that changes
// how cards look bumps it, so cards of the old layout are rendered anew
// (and removed by that build) although the portfolio did not change.
const layoutVersion = "l1"

// portfolioName is the portfolio card's file in a version's folder. It
// is stored last, so a version with it is complete.
const portfolioName = "portfolio.png"

// Prefix holds every card of owner; deleting the account removes it
// (see accountdeletion). The account's creation time is part of it, so
// that ids reused by a recreated database never meet an old account's
// files.
func Prefix(owner *folio.User) string {
	return "cards/" + strconv.FormatInt(owner.ID, 10) + "-" + strconv.FormatInt(owner.CreatedAt.Unix(), 10) + "/"
}

// Tag names the cards of a content version in this layout: their folder
// under the owner's prefix, and what users.cards_for holds once all of
// them are stored. Versions are zero-padded so that tags (and keys) sort
// as versions do.
func Tag(version int64) string { return fmt.Sprintf("%020d-%s", version, layoutVersion) }

// folder is where owner's cards at version are.
func folder(owner *folio.User, version int64) string { return Prefix(owner) + Tag(version) + "/" }

// PortfolioKey is where owner's portfolio card at version is stored.
func PortfolioKey(owner *folio.User, version int64) string {
	return folder(owner, version) + portfolioName
}

// ProjectKey is where the card of owner's project at version is stored.
func ProjectKey(owner *folio.User, version, projectID int64) string {
	return folder(owner, version) + strconv.FormatInt(projectID, 10) + ".png"
}

// versionOf reads the version back from a key of this layout; -1 for any
// other key.
func versionOf(owner *folio.User, key string) int64 {
	rest, ok := strings.CutPrefix(key, Prefix(owner))
	if !ok {
		return -1
	}
	dir, _, ok := strings.Cut(rest, "/")
	if !ok {
		return -1
	}
	digits, ok := strings.CutSuffix(dir, "-"+layoutVersion)
	if !ok {
		return -1
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// Exists reports whether owner's card (the portfolio's for p nil, else
// p's) is stored at owner.ContentVersion.
func (s *Service) Exists(ctx context.Context, owner *folio.User, p *folio.Project) (bool, error) {
	_, err := s.Store.Stat(ctx, s.key(owner, p))
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) key(owner *folio.User, p *folio.Project) string {
	if p == nil {
		return PortfolioKey(owner, owner.ContentVersion)
	}
	return ProjectKey(owner, owner.ContentVersion, p.ID)
}

// ImageURL is the absolute URL of owner's card for a page whose URL is
// pageURL (the portfolio's for p nil, else public project p's), or ""
// while it does not exist: then its render is queued (once per version,
// by the task id) and the page keeps its poster. Drafts and unlisted
// projects have no card. With Marks, whether the cards exist comes with
// the owner's row (CardsFor), so a page render costs the object store
// nothing. Failures are logged, never returned: a card never holds up a
// page. A nil Service has no cards.
func (s *Service) ImageURL(ctx context.Context, pageURL string, owner *folio.User, p *folio.Project) string {
	if s == nil || (p != nil && p.Visibility != folio.VisibilityPublic) {
		return ""
	}
	ok := owner.CardsFor == Tag(owner.ContentVersion)
	if !ok && s.Marks == nil {
		var err error
		if ok, err = s.Exists(ctx, owner, p); err != nil {
			s.logger().Warn("social card lookup failed", "user_id", owner.ID, "error", err)
			return ""
		}
	}
	if ok {
		return strings.TrimSuffix(pageURL, "/") + "/card.png?v=" + strconv.FormatInt(owner.ContentVersion, 10)
	}
	s.Request(ctx, owner)
	return ""
}

// Request queues the render of owner's cards at owner.ContentVersion,
// unless one is queued already. Failures are logged.
func (s *Service) Request(ctx context.Context, owner *folio.User) {
	if s.Queue == nil || !s.requested.first(owner.ID, owner.ContentVersion) {
		return
	}
	t, err := queue.NewSocialCardsTask(owner.ID, owner.ContentVersion)
	if err == nil {
		err = queue.Enqueue(s.Queue, t)
	}
	if err != nil && !queue.AlreadyQueued(err) {
		s.logger().Warn("social card render not queued", "user_id", owner.ID, "error", err)
	}
}

// Card reads owner's stored card at owner.ContentVersion (the
// portfolio's for p nil, else p's). Returns ENOTFOUND when it is not
// there, and for a project that is not public.
func (s *Service) Card(ctx context.Context, owner *folio.User, p *folio.Project) ([]byte, error) {
	if p != nil && p.Visibility != folio.VisibilityPublic {
		return nil, folio.Errorf(folio.ENOTFOUND, "Card not found.")
	}
	body, err := s.Store.Head(ctx, s.key(owner, p), MaxCardBytes)
	if errors.Is(err, storage.ErrNotFound) {
		s.Request(ctx, owner)
		return nil, folio.Errorf(folio.ENOTFOUND, "Card not found.")
	} else if err != nil {
		return nil, fmt.Errorf("socialcard: read: %w", err)
	}
	return body, nil
}

// recentRequests is a bounded memory of the (owner, version) renders
// queued by this process. Forgetting one costs a Redis round trip that
// the queue's task id deduplicates anyway.
type recentRequests struct {
	mu   sync.Mutex
	seen map[int64]int64 // owner id: content version
}

// maxRecentRequests bounds the memory: 10,000 owners of about 40 bytes.
const maxRecentRequests = 10000

// first reports whether (ownerID, version) was not asked for lately, and
// notes it.
func (r *recentRequests) first(ownerID, version int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.seen[ownerID]; ok && v == version {
		return false
	}
	if r.seen == nil || len(r.seen) >= maxRecentRequests {
		r.seen = make(map[int64]int64)
	}
	r.seen[ownerID] = version
	return true
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// poster reads and decodes the poster frame among ms: the first
// screencast's, else the first screenshot's; nil when there is none or
// it does not decode (logged: the card shows initials instead).
func (s *Service) poster(ctx context.Context, ms []*folio.Media) image.Image {
	key := ""
	for _, m := range ms {
		if r, ok := m.Rendition("poster_jpeg"); ok && m.Kind == folio.MediaScreencast {
			key = r.Key
			break
		}
	}
	if key == "" {
		for _, m := range ms {
			if r, ok := m.Rendition("image"); ok && m.Kind == folio.MediaScreenshot {
				key = r.Key
				break
			}
		}
	}
	if key == "" {
		return nil
	}
	b, err := s.Store.Head(ctx, key, MaxPosterBytes+1)
	if err == nil {
		var img image.Image
		if img, err = DecodePoster(b); err == nil {
			return img
		}
	}
	s.logger().Warn("social card without its poster", "key", key, "error", err)
	return nil
}

// render encodes c.
func render(c Card) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	if err := Render(&buf, c); err != nil {
		return nil, err
	}
	return &buf, nil
}

// Refresh queues the render of ownerID's cards at their current content
// version: after a change the pages are not the first to see (a poster
// made by the worker, the seed). Failures are logged.
func (s *Service) Refresh(ctx context.Context, ownerID int64) {
	u, err := s.Users.UserByID(ctx, ownerID)
	if err != nil {
		if folio.ErrorCode(err) != folio.ENOTFOUND {
			s.logger().Warn("social card render not queued", "user_id", ownerID, "error", err)
		}
		return
	}
	s.Request(ctx, u)
}
