package archiveapi

import (
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
)

// listLimit is how many exports or imports a list shows, newest first.
const listLimit = 20

// ExportResponse is an archive export; DownloadURL is set while it can be
// downloaded (a presigned object store URL, valid until expires_at).
type ExportResponse struct {
	archive.Export
	DownloadURL string `json:"download_url,omitempty"`
}

// ExportList lists the latest exports.
type ExportList struct {
	Exports []ExportResponse `json:"exports"`
}

// ImportList lists the latest imports.
type ImportList struct {
	Imports []archive.Import `json:"imports"`
}

func (h Handlers) exportResponse(c *fiber.Ctx, e archive.Export) (ExportResponse, error) {
	out := ExportResponse{Export: e}
	if e.Status == archive.StatusReady {
		u, err := h.Archives.DownloadURL(c.UserContext(), e.OwnerID, e.ID)
		if err != nil && folio.ErrorCode(err) != folio.EINVALID {
			return out, err
		}
		out.DownloadURL = u
	}
	return out, nil
}

// RequestExport asks for an archive of the caller's account.
//
//	@Summary		Export the whole account
//	@Description	Queues the build of a zip of the account: one JSON document (profile, projects, featured order, applications with their timelines and share links' metadata, analytics rollups, notification preferences, webhooks without secrets), the original media and API-docs sources, and a manifest with every entry's SHA-256. Poll the export; once ready it has a download_url valid 24 hours. One build at a time.
//	@Tags			me
//	@Security		BearerAuth
//	@Produce		json
//	@Success		202	{object}	ExportResponse
//	@Failure		401	{object}	api.Problem
//	@Failure		409	{object}	api.Problem	"an export is being built already"
//	@Router			/api/v1/me/archive/exports [post]
func (h Handlers) RequestExport(c *fiber.Ctx) error {
	e, err := h.Archives.RequestExport(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/me/archive/exports/"+itoa(e.ID))
	return c.Status(fiber.StatusAccepted).JSON(ExportResponse{Export: *e})
}

// ListExports lists the caller's latest exports.
//
//	@Summary	List the account's exports
//	@Tags		me
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	ExportList
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/archive/exports [get]
func (h Handlers) ListExports(c *fiber.Ctx) error {
	es, err := h.Archives.Jobs.Exports(c.UserContext(), request.User(c).ID, listLimit)
	if err != nil {
		return err
	}
	out := ExportList{Exports: make([]ExportResponse, 0, len(es))}
	for _, e := range es {
		r, err := h.exportResponse(c, e)
		if err != nil {
			return err
		}
		out.Exports = append(out.Exports, r)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(out)
}

// GetExport shows one of the caller's exports.
//
//	@Summary	Get an export
//	@Tags		me
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"export id"
//	@Success	200	{object}	ExportResponse
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem	"not the caller's export"
//	@Router		/api/v1/me/archive/exports/{id} [get]
func (h Handlers) GetExport(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	e, err := h.Archives.Jobs.Export(c.UserContext(), request.User(c).ID, id)
	if err != nil {
		return err
	}
	r, err := h.exportResponse(c, *e)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(r)
}

// UploadImport receives an account archive to import into the caller's
// account.
//
//	@Summary		Import an account archive
//	@Description	Send a Folio account archive (from this or another instance) as the raw body, Content-Type application/zip; it is streamed to storage, then the worker verifies every entry against the manifest before writing anything, and recreates the profile (not the handle or address), projects, featured order, media (processed again) and API docs. An archive imported before adds nothing again. A tampered or foreign zip is refused with the reason in the import's error. Poll the import.
//	@Tags			me
//	@Security		BearerAuth
//	@Accept			application/zip
//	@Produce		json
//	@Success		202	{object}	archive.Import
//	@Failure		401	{object}	api.Problem
//	@Failure		413	{object}	api.Problem	"larger than the archive limit"
//	@Failure		415	{object}	api.Problem	"not application/zip"
//	@Failure		429	{object}	api.Problem	"too many uploads in progress"
//	@Router			/api/v1/me/archive/imports [post]
func (h Handlers) UploadImport(c *fiber.Ctx) error {
	if mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt != "application/zip" && mt != "application/x-zip-compressed" {
		h.Intake.Discard(c)
		return &folio.Error{Code: folio.EUNSUPPORTED, Message: "Send the archive as the body, with Content-Type application/zip."}
	}
	owner := request.User(c).ID
	if h.Gate != nil {
		release, err := h.Gate.Acquire(owner)
		if err != nil {
			h.Intake.Discard(c)
			return err
		}
		defer release()
	}
	im, err := h.Archives.ReceiveImport(c.UserContext(), owner, h.Intake.Stream(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, ImportPath+"/"+itoa(im.ID))
	return c.Status(fiber.StatusAccepted).JSON(im)
}

// ListImports lists the caller's latest imports.
//
//	@Summary	List the account's imports
//	@Tags		me
//	@Security	BearerAuth
//	@Produce	json
//	@Success	200	{object}	ImportList
//	@Failure	401	{object}	api.Problem
//	@Router		/api/v1/me/archive/imports [get]
func (h Handlers) ListImports(c *fiber.Ctx) error {
	is, err := h.Archives.Jobs.Imports(c.UserContext(), request.User(c).ID, listLimit)
	if err != nil {
		return err
	}
	if is == nil {
		is = []archive.Import{}
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(ImportList{Imports: is})
}

// GetImport shows one of the caller's imports.
//
//	@Summary	Get an import
//	@Tags		me
//	@Security	BearerAuth
//	@Produce	json
//	@Param		id	path		int	true	"import id"
//	@Success	200	{object}	archive.Import
//	@Failure	401	{object}	api.Problem
//	@Failure	404	{object}	api.Problem	"not the caller's import"
//	@Router		/api/v1/me/archive/imports/{id} [get]
func (h Handlers) GetImport(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return err
	}
	im, err := h.Archives.Jobs.Import(c.UserContext(), request.User(c).ID, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(im)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
