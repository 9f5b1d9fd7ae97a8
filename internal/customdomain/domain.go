// Package customdomain is an owner's own host name (jane.dev) serving their
// portfolio: the validation of a name, the DNS TXT check that proves the
// owner controls it, and the service the API and the dashboard share.
//
// Ownership is proved by a TXT record at _folio-challenge.<domain> holding
// folio-verify=<token>: a TXT record can be set before the domain points
// at Folio (no downtime when moving a site), works for apex domains, and
// is what the big hosts use (GitHub Pages, Vercel). A record under its own
// label leaves the domain's other TXT records (SPF and the like) alone.
package customdomain

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"github.com/foliohq/folio/internal/folio"
)

// ChallengeLabel is the label under which the TXT record is looked up.
const ChallengeLabel = "_folio-challenge"

// TokenPrefix starts the TXT record's value.
const TokenPrefix = "folio-verify="

// MaxPerOwner is how many domains an owner may attach: a portfolio, and a
// few spellings of it (www., an older name), not a hosting business.
const MaxPerOwner = 3

// Domain is a host name attached to an owner's portfolio.
type Domain struct {
	ID      int64  `json:"id"`
	OwnerID int64  `json:"-"`
	Name    string `json:"domain"`
	// Token is the value the TXT record must hold, after TokenPrefix.
	Token         string     `json:"-"`
	VerifiedAt    *time.Time `json:"verified_at,omitempty"`
	LastCheckedAt *time.Time `json:"last_checked_at,omitempty"`
	// LastError says why the last check failed ("" when it passed or none
	// ran yet).
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Verified reports whether the TXT record was found.
func (d *Domain) Verified() bool { return d.VerifiedAt != nil }

// RecordName is the TXT record's name.
func (d *Domain) RecordName() string { return ChallengeLabel + "." + d.Name }

// RecordValue is the TXT record's value.
func (d *Domain) RecordValue() string { return TokenPrefix + d.Token }

// profile is IDNA 2008 as browsers apply it to what people type (UTS #46
// mapping: upper case and full-width forms fold), with the DNS's length
// and letter-digit-hyphen rules checked.
var profile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(true), idna.ValidateLabels(true), idna.VerifyDNSLength(true), idna.BidiRule())

// Normalize turns what an owner typed into the stored form of a host name:
// lower-case ASCII (A-labels for international names), without a scheme,
// path, port or final dot. It refuses IP addresses, localhost, single-label
// names, names under reserved suffixes that never resolve publicly, and
// own (the instance's host, or a name under it, whose pages are Folio's).
func Normalize(input, own string) (string, error) {
	s := strings.TrimSpace(input)
	if len(s) > 300 {
		return "", invalid("is too long")
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", invalid("is required")
	}
	if net.ParseIP(strings.Trim(s, "[]")) != nil {
		return "", invalid("must be a domain name, not an IP address")
	}
	a, err := profile.ToASCII(s)
	if err != nil {
		return "", invalid("is not a valid domain name")
	}
	a = strings.ToLower(a)
	if len(a) > 253 || !strings.Contains(a, ".") {
		return "", invalid("must be a full domain name such as jane.dev")
	}
	labels := strings.Split(a, ".")
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.Trim(tld, "0123456789") == "" {
		return "", invalid("must end in a top-level domain such as .dev")
	}
	if tld == "localhost" || a == "localhost" || tld == "local" || tld == "internal" || tld == "invalid" || tld == "arpa" {
		return "", invalid("must be a public domain name")
	}
	if strings.HasPrefix(a, ChallengeLabel+".") || strings.HasPrefix(a, "_") {
		return "", invalid("is not a valid domain name")
	}
	if own = strings.ToLower(strings.TrimSuffix(own, ".")); own != "" && (a == own || strings.HasSuffix(a, "."+own)) {
		return "", invalid("is this Folio's own host name")
	}
	return a, nil
}

func invalid(msg string) error {
	var v folio.Validation
	v.Add("domain", "%s", msg)
	return v.Err()
}

// NewToken returns a fresh verification token: 26 characters of base32,
// 128 bits, which DNS providers' forms take as they are.
func NewToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// Store keeps custom domains. Every method but Lookup and the ones named
// for all owners is scoped by owner: another owner's domain is ENOTFOUND.
type Store interface {
	// Domains lists ownerID's domains, oldest first.
	Domains(ctx context.Context, ownerID int64) ([]*Domain, error)
	// Domain returns ownerID's domain id; ENOTFOUND if there is none.
	Domain(ctx context.Context, ownerID, id int64) (*Domain, error)
	// Add attaches d (Name, Token) to d.OwnerID, filling ID and CreatedAt;
	// ECONFLICT if the name is taken (by anyone) or the owner has max
	// domains already.
	Add(ctx context.Context, d *Domain, limit int) error
	// Checked records a verification check's outcome: verified true sets
	// verified_at (once), false records why in lastError.
	Checked(ctx context.Context, ownerID, id int64, verified bool, lastError string) (*Domain, error)
	// Remove detaches ownerID's domain id; ENOTFOUND if there is none.
	Remove(ctx context.Context, ownerID, id int64) (*Domain, error)
	// VerifiedDomain finds a verified domain by name, with its owner's
	// handle; ENOTFOUND if the name is unknown or not verified.
	VerifiedDomain(ctx context.Context, name string) (Route, error)
}

// Route is a verified domain and the portfolio it serves.
type Route struct {
	Domain  string
	OwnerID int64
	Handle  string
}
