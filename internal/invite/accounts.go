package invite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

var notHandle = regexp.MustCompile(`[^a-z0-9-]+`)

// handleBase turns a provider's suggestion (or the address's local part)
// into a handle's shape: lowercase letters, digits and single hyphens,
// 3 to 23 characters (room for a suffix: handles have at most 30).
func handleBase(hint, email string) string {
	h := strings.ToLower(strings.TrimSpace(hint))
	if at := strings.IndexByte(h, '@'); at >= 0 {
		h = h[:at]
	}
	if h == "" {
		h = strings.ToLower(email)
		if at := strings.IndexByte(h, '@'); at >= 0 {
			h = h[:at]
		}
	}
	h = notHandle.ReplaceAllString(strings.NewReplacer(".", "-", "_", "-").Replace(h), "")
	for strings.Contains(h, "--") {
		h = strings.ReplaceAll(h, "--", "-")
	}
	h = strings.Trim(h, "-")
	if len(h) > 23 {
		h = strings.Trim(h[:23], "-")
	}
	for len(h) < 3 {
		h += "0"
	}
	return h
}

// randomSuffix is six hex digits, for a handle whose natural forms are
// taken.
func randomSuffix() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// maxHandleTries bounds the lookups for a free handle before a random
// suffix is used.
const maxHandleTries = 20

// freeHandle returns a valid handle no account has: base, then base-2,
// base-3... then base and a random suffix.
func (s *Service) freeHandle(ctx context.Context, base string) (string, error) {
	for i := 1; i <= maxHandleTries; i++ {
		h := base
		if i > 1 {
			h = fmt.Sprintf("%s-%d", base, i)
		}
		if folio.IsReservedHandle(h) {
			continue
		}
		if _, err := s.Users.UserByHandle(ctx, h); folio.ErrorCode(err) == folio.ENOTFOUND {
			return h, nil
		} else if err != nil {
			return "", err
		}
	}
	return base + "-" + randomSuffix(), nil
}

// createSSO makes the account of a, verified and without a password
// (its owner signs in through the provider; a reset link sets one).
func (s *Service) createSSO(ctx context.Context, a NewAccount) (*folio.User, error) {
	var last error
	base := handleBase(a.Handle, a.Email)
	for try := range 3 {
		handle, err := s.freeHandle(ctx, base)
		if err != nil {
			return nil, err
		}
		if try > 0 {
			// Taken meanwhile, or by an account that lookups do not see
			// (a suspended one): a random suffix.
			handle = base + "-" + randomSuffix()
		}
		name := strings.TrimSpace(a.Name)
		if name == "" {
			name = handle
		}
		if len([]rune(name)) > 80 {
			name = string([]rune(name)[:80])
		}
		// Validated as a registration; the password is a stand-in that
		// is never stored.
		r := folio.Registration{Email: a.Email, Password: "single-sign-on-only", Handle: handle, DisplayName: name}
		r.Normalize()
		if err := r.Validate(); err != nil {
			return nil, err
		}
		u := &folio.User{Email: r.Email, EmailVerifiedAt: time.Now(), Profile: folio.Profile{Handle: r.Handle, DisplayName: r.DisplayName}}
		err = s.Users.CreateUser(ctx, u)
		if err == nil {
			return u, nil
		}
		last = err
		if !conflictOnHandle(err) {
			return nil, err
		}
	}
	return nil, last
}

func conflictOnHandle(err error) bool {
	var e *folio.Error
	if !errors.As(err, &e) || e.Code != folio.ECONFLICT {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == "handle" {
			return true
		}
	}
	return false
}
