package archivepages

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
)

// ImportPath is where the dashboard's import form posts the archive; the
// server gives its body the archive size limit.
const ImportPath = "/dashboard/account/import"

// listLimit is how many exports and imports the page lists.
const listLimit = 10

func (p *Pages) withArchives(c *fiber.Ctx, v View) (View, error) {
	if p.opts.Archives == nil {
		return v, nil
	}
	v.Archives = true
	owner := request.User(c).ID
	var err error
	if v.Exports, err = p.opts.Archives.Jobs.Exports(c.UserContext(), owner, listLimit); err != nil {
		return v, err
	}
	if v.Imports, err = p.opts.Archives.Jobs.Imports(c.UserContext(), owner, listLimit); err != nil {
		return v, err
	}
	return v, nil
}

func (p *Pages) requestExport(c *fiber.Ctx) error {
	_, err := p.opts.Archives.RequestExport(c.UserContext(), request.User(c).ID)
	if folio.ErrorCode(err) == folio.ECONFLICT {
		v, lerr := p.withArchives(c, p.view(c, "acctdata.title"))
		if lerr != nil {
			return lerr
		}
		v.ArchiveError = sitelang.T(c, "dashd.archive.export_busy")
		return p.render(c, fiber.StatusConflict, "account_data", v)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/account?done=export", fiber.StatusSeeOther)
}

// download sends the owner to the presigned URL of their ready export.
func (p *Pages) download(c *fiber.Ctx) error {
	id, err := request.PathID(c)
	if err != nil {
		return p.render(c, fiber.StatusNotFound, "notfound", p.view(c, "title.not_found"))
	}
	u, err := p.opts.Archives.DownloadURL(c.UserContext(), request.User(c).ID, id)
	switch folio.ErrorCode(err) {
	case "":
		c.Set("Referrer-Policy", "no-referrer")
		return c.Redirect(u, fiber.StatusSeeOther)
	case folio.ENOTFOUND, folio.EINVALID:
		return p.render(c, fiber.StatusNotFound, "notfound", p.view(c, "title.not_found"))
	default:
		return err
	}
}

// importArchive streams the form's file to the bucket. The form's first
// field must be the session's CSRF token: it is checked before a byte of
// the file is read, since a cross-site form cannot know it.
func (p *Pages) importArchive(c *fiber.Ctx) error {
	id := request.Identity(c)
	refuse := func(status int, msg string) error {
		p.opts.Intake.Discard(c)
		v, err := p.withArchives(c, p.view(c, "acctdata.title"))
		if err != nil {
			return err
		}
		v.ArchiveError = msg
		return p.render(c, status, "account_data", v)
	}
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return refuse(fiber.StatusUnsupportedMediaType, sitelang.T(c, "dashd.archive.choose_file"))
	}
	mr := multipart.NewReader(p.opts.Intake.Stream(c), params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != dashkit.CSRFField {
		return p.render(c, fiber.StatusForbidden, "application_error", p.view(c, "dashd.title.form_expired"))
	}
	token, err := io.ReadAll(io.LimitReader(part, 256))
	if err != nil || id.Session == nil || !auth.CSRFValid(id.Session, string(token)) {
		p.opts.Intake.Discard(c)
		return p.render(c, fiber.StatusForbidden, "application_error", p.view(c, "dashd.title.form_expired"))
	}
	if part, err = mr.NextPart(); err != nil || part.FormName() != "archive" {
		return refuse(fiber.StatusUnprocessableEntity, sitelang.T(c, "dashd.archive.choose_file"))
	}
	if p.opts.Gate != nil {
		release, err := p.opts.Gate.Acquire(id.User.ID)
		if err != nil {
			return refuse(fiber.StatusTooManyRequests, folio.ErrorMessage(err))
		}
		defer release()
	}
	_, err = p.opts.Archives.ReceiveImport(c.UserContext(), id.User.ID, part)
	var fe *folio.Error
	if errors.As(err, &fe) && fe.Code == folio.ETOOLARGE {
		return refuse(fiber.StatusRequestEntityTooLarge, fe.Message)
	} else if err != nil {
		return err
	}
	return c.Redirect("/dashboard/account?done=import", fiber.StatusSeeOther)
}
