package invite

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/folio"
)

// MaxListBytes bounds a pasted list or CSV of addresses.
const MaxListBytes = 64 << 10

// ParseEmails reads addresses from a pasted list: one or more a line,
// separated by commas, semicolons or spaces, or a CSV export whose cells
// hold them (a header row and other columns are ignored: a cell is an
// address when it has an @). Duplicates (whatever their case) count once.
// Returns EINVALID naming each bad address, or when there are none or
// more than MaxBatch.
func ParseEmails(text string) ([]string, error) {
	if len(text) > MaxListBytes {
		return nil, folio.Errorf(folio.EINVALID, "The list is over %d KiB; send it in parts.", MaxListBytes>>10)
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord, r.LazyQuotes, r.TrimLeadingSpace = -1, true, true
	var v folio.Validation
	seen := map[string]bool{}
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, folio.Errorf(folio.EINVALID, "The list cannot be read: %v", err)
		}
		for _, cell := range rec {
			for _, word := range strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' }) {
				word = strings.Trim(word, "<>\"'")
				if !strings.Contains(word, "@") {
					continue // a header, a name
				}
				email := folio.NormalizeEmail(word)
				if err := folio.ValidateEmail("emails", email); err != nil {
					v.Add("emails", "%q is not an email address", email)
					continue
				}
				if key := strings.ToLower(email); !seen[key] {
					seen[key] = true
					out = append(out, email)
				}
			}
		}
		if len(out) > MaxBatch {
			return nil, folio.Errorf(folio.EINVALID, "At most %d addresses at once.", MaxBatch)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
			Fields: []folio.FieldError{{Field: "emails", Message: "has no email address"}}}
	}
	return out, nil
}

// Skipped is an address an invitation request left out, and why.
type Skipped struct {
	Email, Reason string
}

// Invite sends an invitation to each address, from admin: one
// transaction stores the invitations and their mails. Addresses that have
// an account already are skipped. Returns EFORBIDDEN for a caller who is
// not an admin and EINVALID for more than MaxBatch addresses.
func (s *Service) Invite(ctx context.Context, admin *folio.User, emails []string) ([]*Invitation, []Skipped, error) {
	if admin == nil || !admin.IsAdmin {
		return nil, nil, folio.Errorf(folio.EFORBIDDEN, "Only administrators invite people.")
	}
	if len(emails) > MaxBatch {
		return nil, nil, folio.Errorf(folio.EINVALID, "At most %d addresses at once.", MaxBatch)
	}
	var (
		invs    []*Invitation
		ns      []folio.Notification
		skipped []Skipped
	)
	now := time.Now()
	for _, email := range emails {
		email = folio.NormalizeEmail(email)
		if err := folio.ValidateEmail("emails", email); err != nil {
			return nil, nil, err
		}
		if _, err := s.Users.UserByEmail(ctx, email); err == nil {
			skipped = append(skipped, Skipped{Email: email, Reason: "has an account already"})
			continue
		} else if folio.ErrorCode(err) != folio.ENOTFOUND {
			return nil, nil, err
		}
		token, hash, key := newToken()
		inv := &Invitation{TokenHash: hash, Email: email, InvitedBy: admin.ID, ExpiresAt: now.Add(s.ttl())}
		invs = append(invs, inv)
		link := s.BaseURL.JoinPath("register")
		link.RawQuery = "invite=" + token
		ns = append(ns, folio.Notification{OwnerID: admin.ID, Kind: KindInvitation, Channel: folio.ChannelEmail, Target: email,
			DedupeKey: "invitation:" + key,
			Data: map[string]string{"email": email, "inviter": admin.DisplayName, "url": link.String(),
				"expires_in": fmt.Sprintf("%d days", int(s.ttl().Hours()/24)), "site": s.BaseURL.String()}})
	}
	if len(invs) > 0 {
		if err := s.Store.CreateInvitations(ctx, invs, ns); err != nil {
			return nil, nil, err
		}
		// The entry counts and names the invitations, not the addresses
		// (other people's, which the audit log never keeps).
		ids := make([]string, 0, len(invs))
		for _, inv := range invs {
			if len(ids) == 15 {
				ids = append(ids, "...")
				break
			}
			ids = append(ids, strconv.FormatInt(inv.ID, 10))
		}
		if err := audit.Record(ctx, s.Audit, audit.Event{UserID: admin.ID, Kind: audit.InvitationSent,
			Detail: map[string]string{"count": strconv.Itoa(len(invs)), "invitation_ids": strings.Join(ids, ",")}}); err != nil {
			return nil, nil, err
		}
	}
	return invs, skipped, nil
}

// MaxListed bounds the invitations an admin page or API answer lists.
const MaxListed = 500

// List returns the newest invitations (at most MaxListed), to an admin.
func (s *Service) List(ctx context.Context, admin *folio.User) ([]*Invitation, error) {
	if admin == nil || !admin.IsAdmin {
		return nil, folio.Errorf(folio.EFORBIDDEN, "Only administrators see invitations.")
	}
	return s.Store.Invitations(ctx, MaxListed)
}

// Revoke voids a pending invitation, for an admin. Returns ENOTFOUND
// when id is not a pending invitation.
func (s *Service) Revoke(ctx context.Context, admin *folio.User, id int64) error {
	if admin == nil || !admin.IsAdmin {
		return folio.Errorf(folio.EFORBIDDEN, "Only administrators revoke invitations.")
	}
	return s.Store.RevokeInvitation(ctx, id)
}
