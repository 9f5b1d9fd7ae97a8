package customdomain

import (
	"context"
	"fmt"

	"github.com/foliohq/folio/internal/folio"
)

// Service runs the custom domain workflows for the API and the dashboard.
type Service struct {
	Store    Store
	Resolver Resolver // nil: the system's
	// OwnHost is the instance's host name, which no owner may attach.
	OwnHost string
	// Changed is told the domain whose routing changed (verified or
	// removed), so that host routing forgets what it cached; nil: none.
	Changed func(domain string)
}

// Domains lists ownerID's domains.
func (s *Service) Domains(ctx context.Context, ownerID int64) ([]*Domain, error) {
	return s.Store.Domains(ctx, ownerID)
}

// Add attaches the domain an owner typed, unverified, with a fresh token.
// EINVALID for a name Normalize refuses, ECONFLICT when taken or when the
// owner has MaxPerOwner already.
func (s *Service) Add(ctx context.Context, ownerID int64, input string) (*Domain, error) {
	name, err := Normalize(input, s.OwnHost)
	if err != nil {
		return nil, err
	}
	token, err := NewToken()
	if err != nil {
		return nil, err
	}
	d := &Domain{OwnerID: ownerID, Name: name, Token: token}
	if err := s.Store.Add(ctx, d, MaxPerOwner); err != nil {
		return nil, err
	}
	return d, nil
}

// Verify looks up ownerID's domain id's TXT record now, and records the
// outcome. A domain once verified stays so (a later failed check is only
// reported), so that a DNS hiccup never takes a live portfolio down.
// ENOTFOUND for another owner's domain.
func (s *Service) Verify(ctx context.Context, ownerID, id int64) (*Domain, error) {
	d, err := s.Store.Domain(ctx, ownerID, id)
	if err != nil {
		return nil, err
	}
	var r Resolver = NewResolver("")
	if s.Resolver != nil {
		r = s.Resolver
	}
	why := checkTXT(ctx, r, d)
	d, err = s.Store.Checked(ctx, ownerID, id, why == "", why)
	if err != nil {
		return nil, fmt.Errorf("record check: %w", err)
	}
	if d.Verified() && s.Changed != nil {
		s.Changed(d.Name)
	}
	return d, nil
}

// Remove detaches ownerID's domain id; ENOTFOUND for another owner's.
func (s *Service) Remove(ctx context.Context, ownerID, id int64) error {
	d, err := s.Store.Remove(ctx, ownerID, id)
	if err != nil {
		return err
	}
	if s.Changed != nil {
		s.Changed(d.Name)
	}
	return nil
}

// NotFound is the error for a domain that is not the owner's.
func NotFound() error { return folio.Errorf(folio.ENOTFOUND, "No such domain.") }
