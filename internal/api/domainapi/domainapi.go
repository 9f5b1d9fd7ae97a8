// Package domainapi serves the caller's custom domains under
// /api/v1/me/domains (listed in internal/api/routes.go): attach a domain,
// read the DNS records to set, verify, remove. Another owner's domain is a
// 404, like one that does not exist.
package domainapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/customdomain"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
)

// DNSRecord is a record the owner sets at their DNS provider.
type DNSRecord struct {
	Type  string `json:"type" example:"TXT"`
	Name  string `json:"name" example:"_folio-challenge.jane.dev"`
	Value string `json:"value" example:"folio-verify=k5d2q7m3x8c4v6b1n9z0a2s4d6"`
	// Purpose says what the record is for.
	Purpose string `json:"purpose" example:"proves you control the domain"`
}

// DomainResponse is one of the caller's domains.
type DomainResponse struct {
	ID       int64  `json:"id"`
	Domain   string `json:"domain" example:"jane.dev"`
	Verified bool   `json:"verified"`
	// URL is where the portfolio is served once verified.
	URL           string     `json:"url,omitempty" example:"https://jane.dev/"`
	VerifiedAt    *time.Time `json:"verified_at,omitempty"`
	LastCheckedAt *time.Time `json:"last_checked_at,omitempty"`
	// LastError says why the last verification failed.
	LastError string `json:"last_error,omitempty"`
	// Records are the DNS records to set: the TXT record that proves
	// ownership, and the one that points the name at Folio.
	Records   []DNSRecord `json:"records"`
	CreatedAt time.Time   `json:"created_at"`
}

// DomainList is the caller's domains, oldest first.
type DomainList struct {
	Items []DomainResponse `json:"items"`
	// Max is how many domains an account may attach.
	Max int `json:"max" example:"3"`
}

// AddRequest attaches a domain.
type AddRequest struct {
	// Domain is a host name such as jane.dev or www.jane.dev (an
	// international name is stored in its ASCII form).
	Domain string `json:"domain" example:"jane.dev"`
}

// Handlers serve the routes. OwnHost is the instance's host name, which
// the records point at.
type Handlers struct {
	Domains *customdomain.Service // nil: the routes answer 404
	OwnHost string
	Intake  body.Intake
}

// Routes mounts the routes on v1 behind signedIn.
func (h *Handlers) Routes(v1 fiber.Router, signedIn fiber.Handler) {
	v1.Get("/me/domains", signedIn, h.on, h.list)
	v1.Post("/me/domains", signedIn, h.on, h.add)
	v1.Post("/me/domains/:id/verify", signedIn, h.on, h.verify)
	v1.Delete("/me/domains/:id", signedIn, h.on, h.remove)
}

func (h *Handlers) on(c *fiber.Ctx) error {
	if h.Domains == nil {
		return folio.Errorf(folio.ENOTFOUND, "Not found.")
	}
	return c.Next()
}

// Records are the DNS records for d pointing at ownHost: the TXT record,
// and a CNAME for a subdomain or A/AAAA for an apex (which cannot have a
// CNAME).
func Records(d *customdomain.Domain, ownHost string) []DNSRecord {
	recs := []DNSRecord{{Type: "TXT", Name: d.RecordName(), Value: d.RecordValue(), Purpose: "proves you control the domain"}}
	if strings.Count(d.Name, ".") >= 2 {
		recs = append(recs, DNSRecord{Type: "CNAME", Name: d.Name, Value: ownHost, Purpose: "points the domain at Folio"})
	} else {
		recs = append(recs,
			DNSRecord{Type: "A", Name: d.Name, Value: "the IPv4 address of " + ownHost, Purpose: "points the domain at Folio (or an ALIAS/ANAME record to " + ownHost + " where your DNS provider offers one)"},
			DNSRecord{Type: "AAAA", Name: d.Name, Value: "the IPv6 address of " + ownHost + ", if it has one", Purpose: "points the domain at Folio over IPv6"})
	}
	return recs
}

// Response shows d.
func Response(d *customdomain.Domain, ownHost string) DomainResponse {
	r := DomainResponse{ID: d.ID, Domain: d.Name, Verified: d.Verified(), VerifiedAt: d.VerifiedAt, LastCheckedAt: d.LastCheckedAt,
		LastError: d.LastError, Records: Records(d, ownHost), CreatedAt: d.CreatedAt}
	if r.Verified {
		r.URL = "https://" + d.Name + "/"
	}
	return r
}

// list lists the caller's domains.
//
//	@Summary		List the caller's custom domains
//	@Description	Each domain with its state and the DNS records to set: a TXT record at _folio-challenge.<domain> holding folio-verify=<token> proves control; a CNAME (subdomain) or A/AAAA records (apex) point the domain at this Folio. Once verified, the domain serves the caller's portfolio at its root.
//	@Tags			domains
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	DomainList
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/me/domains [get]
func (h *Handlers) list(c *fiber.Ctx) error {
	ds, err := h.Domains.Domains(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	out := DomainList{Items: make([]DomainResponse, len(ds)), Max: customdomain.MaxPerOwner}
	for i, d := range ds {
		out.Items[i] = Response(d, h.OwnHost)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// add attaches a domain to the caller's portfolio, unverified.
//
//	@Summary		Attach a custom domain
//	@Description	Attaches a host name (lower-cased; international names in their ASCII form) unverified, with a fresh verification token. Refused: IP addresses, localhost and other names that never resolve publicly, single-label names, this Folio's own host, a name another portfolio has, and more than max domains per account.
//	@Tags			domains
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		AddRequest	true	"the domain"
//	@Success		201		{object}	DomainResponse
//	@Failure		401		{object}	api.Problem
//	@Failure		403		{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		409		{object}	api.Problem	"taken, or the account has max domains"
//	@Failure		422		{object}	api.Problem	"not a valid domain name"
//	@Router			/api/v1/me/domains [post]
func (h *Handlers) add(c *fiber.Ctx) error {
	var in AddRequest
	if err := h.Intake.DecodeJSON(c, &in); err != nil {
		return err
	}
	d, err := h.Domains.Add(c.UserContext(), request.User(c).ID, in.Domain)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(Response(d, h.OwnHost))
}

// verify looks the domain's TXT record up now.
//
//	@Summary		Verify a custom domain
//	@Description	Looks up the TXT record at _folio-challenge.<domain> now (at most 5 seconds) and records the outcome: verified (the domain serves the portfolio, and Folio may obtain its TLS certificate), or last_error saying what was found instead. A verified domain stays verified when a later check fails.
//	@Tags			domains
//	@Security		BearerAuth
//	@Produce		json
//	@Param			id	path		int	true	"domain id"
//	@Success		200	{object}	DomainResponse
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		404	{object}	api.Problem	"no such domain of yours"
//	@Router			/api/v1/me/domains/{id}/verify [post]
func (h *Handlers) verify(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	d, err := h.Domains.Verify(c.UserContext(), request.User(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(Response(d, h.OwnHost))
}

// remove detaches a domain.
//
//	@Summary		Remove a custom domain
//	@Description	Detaches the domain: it stops serving the portfolio (within 30 seconds on every server) and Folio obtains no more certificates for it.
//	@Tags			domains
//	@Security		BearerAuth
//	@Param			id	path	int	true	"domain id"
//	@Success		204
//	@Failure		401	{object}	api.Problem
//	@Failure		403	{object}	api.Problem	"cookie request without the CSRF token"
//	@Failure		404	{object}	api.Problem	"no such domain of yours"
//	@Router			/api/v1/me/domains/{id} [delete]
func (h *Handlers) remove(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	if err := h.Domains.Remove(c.UserContext(), request.User(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
