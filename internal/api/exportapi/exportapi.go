// Package exportapi serves the caller's portfolio exports in the JSON
// API: the JSON Resume (out and in) and the PDF portfolio. The routes are
// listed in the API's route table (internal/api/routes.go); the
// workflows are internal/resume's and internal/portfoliopdf's.
package exportapi

import (
	"encoding/json"
	"mime"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/resume"
)

// ImportPath is the import route, whose body limit is resume.MaxImportBytes.
const ImportPath = "/api/v1/me/resume"

// Services are the workflows behind the routes; a nil one answers 404.
type Services struct {
	PDF    *portfoliopdf.Service
	Import *resume.Importer
}

// Handlers serve the routes.
type Handlers struct {
	Services
	Projects folio.ProjectService
	BaseURL  *url.URL
	Intake   body.Intake
}

// ImportedProject is a draft an import created.
type ImportedProject struct {
	ID    int64  `json:"id" example:"42"`
	Slug  string `json:"slug" example:"orders-api"`
	Title string `json:"title" example:"Orders API"`
}

// ImportResponse says what an import did, and every field of the file it
// did not map, with why.
type ImportResponse struct {
	// Profile names the profile fields the file set.
	Profile  []string          `json:"profile" example:"display_name,headline,links.github"`
	Projects []ImportedProject `json:"projects"`
	Skipped  []resume.Skip     `json:"skipped"`
}

// importTypes are the Content-Types a JSON Resume file arrives with.
var importTypes = map[string]bool{"application/json": true, "text/plain": true, "application/octet-stream": true, "multipart/form-data": true}

// ExportResume answers the caller's JSON Resume.
//
//	@Summary		The caller's JSON Resume
//	@Description	The caller's profile and public projects (featured first; never drafts or unlisted ones) as JSON Resume (https://jsonresume.org/schema): basics with profiles, projects with the pitch as highlights and the tech tags as keywords, skills from the tech tags. The same document is public at /{handle}/resume.json.
//	@Tags			me
//	@Security		BearerAuth
//	@Produce		json
//	@Success		200	{object}	resume.Resume
//	@Failure		401	{object}	api.Problem
//	@Router			/api/v1/me/resume [get]
func (h Handlers) ExportResume(c *fiber.Ctx) error {
	pf, err := h.Projects.Portfolio(c.UserContext(), request.User(c).Handle)
	if err != nil {
		return err
	}
	raw, err := json.MarshalIndent(resume.Export(pf, h.BaseURL), "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(raw)
}

// ImportResume brings a JSON Resume file into the caller's account.
//
//	@Summary		Import a JSON Resume
//	@Description	The body is the JSON Resume file (application/json), or a multipart/form-data body with the file as its first file part; at most 1 MiB and 50 projects. A file the official JSON Resume schema refuses is refused with the validator's reason for each field (a JSON pointer). Otherwise the profile takes the file's name, label (headline), summary (bio), city/region/countryCode (location), url (website) and GitHub and LinkedIn profiles; each project becomes a draft (name, description as tagline or description, the first three highlights as the pitch, keywords as tech tags, url as code link on a code host or else live demo). A project whose title the caller already has is skipped, so a second import adds nothing twice. Every field not mapped is listed with the reason.
//	@Tags			me
//	@Security		BearerAuth
//	@Accept			json
//	@Accept			multipart/form-data
//	@Produce		json
//	@Param			file	body		string	true	"the JSON Resume file"
//	@Success		200		{object}	ImportResponse
//	@Failure		401		{object}	api.Problem
//	@Failure		413		{object}	api.Problem
//	@Failure		415		{object}	api.Problem
//	@Failure		422		{object}	api.Problem	"not JSON, or not valid JSON Resume: errors lists each field with the validator's reason"
//	@Router			/api/v1/me/resume [post]
func (h Handlers) ImportResume(c *fiber.Ctx) error {
	if h.Import == nil {
		return folio.Errorf(folio.ENOTFOUND, "Import is off on this instance.")
	}
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if !importTypes[mt] {
		return folio.Errorf(folio.EUNSUPPORTED, "Send the file as application/json, or as multipart/form-data.")
	}
	intake := h.Intake
	intake.MaxBytes = resume.MaxImportBytes
	rep, err := h.Import.Import(c.UserContext(), request.User(c).ID, intake.File(c))
	if err != nil {
		if folio.ErrorCode(err) == folio.ETOOLARGE {
			intake.Discard(c)
		}
		return err
	}
	out := ImportResponse{Profile: rep.Profile, Projects: []ImportedProject{}, Skipped: rep.Skipped}
	if out.Skipped == nil {
		out.Skipped = []resume.Skip{}
	}
	for _, p := range rep.Projects {
		out.Projects = append(out.Projects, ImportedProject{ID: p.ID, Slug: p.Slug, Title: p.Title})
	}
	return c.JSON(out)
}

// PortfolioPDF answers the caller's PDF portfolio.
//
//	@Summary		The caller's PDF portfolio
//	@Description	One or two pages: profile, links and the featured projects (or the first public ones) with pitch, tech tags, clickable links and a QR code to each project's page. The same PDF is public at /{handle}.pdf. PDFs are built by the worker and kept per content version: a cached one answers at once; after a change the request waits (up to about 8 s) for the new one, and when the worker is behind answers the previous version with X-Folio-Stale: 1, or 503 with Retry-After when there is none.
//	@Tags			me
//	@Security		BearerAuth
//	@Produce		application/pdf
//	@Param			paper	query		string	false	"page size (default a4)"	Enums(a4, letter)
//	@Success		200		{file}		binary
//	@Failure		400		{object}	api.Problem
//	@Failure		401		{object}	api.Problem
//	@Failure		503		{object}	api.Problem	"the worker has not built it yet"
//	@Router			/api/v1/me/portfolio.pdf [get]
func (h Handlers) PortfolioPDF(c *fiber.Ctx) error {
	if h.PDF == nil {
		return folio.Errorf(folio.ENOTFOUND, "PDF portfolios are off on this instance.")
	}
	paper, ok := portfoliopdf.ParsePaper(c.Query("paper"))
	if !ok {
		return &folio.Error{Code: folio.EBADREQUEST, Message: "Some query parameters are invalid.",
			Fields: []folio.FieldError{{Field: "paper", Message: "must be a4 or letter"}}}
	}
	me := request.User(c)
	f, err := h.PDF.PDF(c.UserContext(), me, paper, request.ID(c))
	if folio.ErrorCode(err) == folio.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, "5")
		return err
	} else if err != nil {
		return err
	}
	if f.Stale {
		c.Set("X-Folio-Stale", "1")
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+me.Handle+"-portfolio-"+string(paper)+`.pdf"`)
	return c.Send(f.Body)
}
