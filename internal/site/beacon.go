package site

import (
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/analytics"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/ratelimit"
	"github.com/foliohq/folio/internal/request"
)

// beaconLimit is how many beacons one client may send a minute; a person
// watching screencasts sends a handful. Past it beacons are dropped
// silently: the page must never see an error.
var beaconLimit = ratelimit.Limit{Rate: 120, Period: time.Minute}

// beacon is POST /beacon, the page script's report of a play (and how far)
// or of the API docs opened. It answers 204 whatever happens; only known
// events on a visible project of the page's portfolio count, and a flood
// from one client moves nothing past its own rate limit.
func (s *Site) beacon(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.opts.Analytics == nil {
		return c.SendStatus(fiber.StatusNoContent)
	}
	if ok, _ := s.beacons.Allow(c.IP()); !ok {
		s.beaconDropped("rate_limited")
		return c.SendStatus(fiber.StatusNoContent)
	}
	b, err := analytics.ParseBeacon(c.Body())
	if err != nil {
		s.beaconDropped("invalid")
		return c.SendStatus(fiber.StatusNoContent)
	}
	var ref pageRef
	var ok bool
	if b.Share != "" {
		ref, ok = s.shareBeaconTarget(c, b)
	} else {
		ref, ok = s.beaconTargets.lookup(c, s, b.Handle(), b.Project)
	}
	if !ok {
		s.beaconDropped("unknown_page")
		return c.SendStatus(fiber.StatusNoContent)
	}
	if v := request.Viewer(c); v != nil && v.ID == ref.ownerID {
		return c.SendStatus(fiber.StatusNoContent)
	}
	s.trackProgress(c, ref, b.Kind, b.Progress)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Site) beaconDropped(reason string) { s.opts.Metrics.BeaconDropped(reason) }

// beaconTargets caches which (handle, slug) pairs are visible projects, for
// a minute, so a beacon costs no database round trip most of the time.
type beaconTargets struct {
	mu      sync.Mutex
	entries map[string]beaconTarget
}

type beaconTarget struct {
	ref     pageRef
	ok      bool
	expires time.Time
}

const (
	beaconTargetTTL = time.Minute
	beaconTargetMax = 10000
)

func (t *beaconTargets) lookup(c *fiber.Ctx, s *Site, handle, slug string) (pageRef, bool) {
	key := handle + "/" + slug // both are fresh strings from the decoded body
	now := time.Now()
	t.mu.Lock()
	e, hit := t.entries[key]
	t.mu.Unlock()
	if hit && now.Before(e.expires) {
		return e.ref, e.ok
	}
	e = beaconTarget{expires: now.Add(beaconTargetTTL)}
	ctx := c.UserContext()
	if owner, err := s.opts.Users.UserByHandle(ctx, handle); err == nil {
		if p, err := s.opts.Projects.ProjectBySlug(ctx, owner.ID, strings.ToLower(slug)); err == nil && p.Visibility != folio.VisibilityDraft {
			e.ref, e.ok = pageRef{ownerID: owner.ID, projectID: p.ID}, true
		} else if err != nil && folio.ErrorCode(err) != folio.ENOTFOUND {
			return pageRef{}, false // a database error is not remembered
		}
	} else if folio.ErrorCode(err) != folio.ENOTFOUND {
		return pageRef{}, false
	}
	t.mu.Lock()
	if t.entries == nil || len(t.entries) >= beaconTargetMax {
		t.entries = map[string]beaconTarget{}
	}
	t.entries[key] = e
	t.mu.Unlock()
	return e.ref, e.ok
}
