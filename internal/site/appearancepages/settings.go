package appearancepages

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/site/dashkit"
	"github.com/foliohq/folio/internal/site/sitelang"
	"github.com/foliohq/folio/internal/theme"
)

// View is what the appearance page shows.
type View struct {
	dashkit.Base
	Handle string
	Form   appearance.Appearance
	Themes []theme.Theme
	Fonts  []theme.Font
	Modes  []string
	// Accents says what the accent became in each mode, when adjusted.
	Accents []string
	// Dropped is what the save removed from the custom CSS.
	Dropped []string
	Notice  string
	Errors  []folio.FieldError
	MaxCSS  int
}

func (p *Pages) view(c *fiber.Ctx, a appearance.Appearance) View {
	l := sitelang.L(c)
	v := View{Base: dashkit.NewBase(c, "nav.appearance"), Handle: request.Identity(c).User.Handle, Form: a,
		Themes: Themes(l), Fonts: Fonts(l), Modes: theme.Modes, MaxCSS: appearance.MaxCustomCSS}
	if acc, ok := a.FitAccents(); ok {
		for _, m := range []struct {
			key string
			a   theme.Accent
		}{{"dashc.appearance.accent_light", acc.Light}, {"dashc.appearance.accent_dark", acc.Dark}} {
			if m.a.Adjusted {
				v.Accents = append(v.Accents, l.T(m.key, "Used", m.a.Color, "Chosen", a.Accent))
			}
		}
	}
	return v
}

func (p *Pages) settingsPage(c *fiber.Ctx) error {
	a, err := p.opts.Store.Appearance(c.UserContext(), request.Identity(c).User.ID)
	if err != nil {
		return err
	}
	v := p.view(c, a)
	if c.Query("saved") != "" {
		v.Notice = sitelang.T(c, "sitego.appearance.saved")
	}
	return dashkit.Render(p.templates, c, fiber.StatusOK, "appearance", v)
}

// formAppearance reads the form; the language, which this page does not
// show, stays as stored.
func (p *Pages) formAppearance(c *fiber.Ctx) (appearance.Appearance, error) {
	cur, err := p.opts.Store.Appearance(c.UserContext(), request.Identity(c).User.ID)
	if err != nil {
		return appearance.Appearance{}, err
	}
	a := appearance.Appearance{Theme: c.FormValue("theme"), ColorMode: c.FormValue("color_mode"),
		Accent: c.FormValue("accent"), Font: c.FormValue("font"), Language: cur.Language,
		CustomCSS: strings.ReplaceAll(c.FormValue("custom_css"), "\r\n", "\n")}
	a.Normalize()
	return a, nil
}

// refuse shows the form again, as posted, with what is wrong.
func (p *Pages) refuse(c *fiber.Ctx, a appearance.Appearance, err error) error {
	var fe *folio.Error
	if folio.ErrorCode(err) != folio.EINVALID || !errors.As(err, &fe) {
		return err
	}
	v := p.view(c, a)
	v.Errors = fieldErrors(sitelang.L(c), a, fe.Fields)
	return dashkit.Render(p.templates, c, fiber.StatusUnprocessableEntity, "appearance", v)
}

func (p *Pages) save(c *fiber.Ctx) error {
	a, err := p.formAppearance(c)
	if err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return p.refuse(c, a, err)
	}
	_, dropped := appearance.SanitizeCSS(a.CustomCSS)
	id := request.Identity(c).User.ID
	saved, err := p.opts.Store.SaveAppearance(c.UserContext(), id, a)
	if err != nil {
		return p.refuse(c, a, err)
	}
	if p.opts.Changed != nil {
		p.opts.Changed(id)
	}
	if len(dropped) == 0 {
		return c.Redirect("/dashboard/appearance?saved=1", fiber.StatusSeeOther)
	}
	v := p.view(c, saved)
	v.Notice, v.Dropped = sitelang.T(c, "sitego.appearance.saved_dropped"), Removed(sitelang.L(c), dropped)
	return dashkit.Render(p.templates, c, fiber.StatusOK, "appearance", v)
}

// preview renders the owner's portfolio page with the posted, unsaved
// settings; its stylesheet (accent and custom CSS) is kept for a while
// under the owner's id and served by previewStylesheet.
func (p *Pages) preview(c *fiber.Ctx) error {
	a, err := p.formAppearance(c)
	if err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return p.refuse(c, a, err)
	}
	u := request.Identity(c).User
	l := folio.Look{Theme: a.Theme, ColorMode: a.ColorMode, Accent: a.Accent, Font: a.Font, Language: a.Language}
	look := lookOf(u.Handle, 0, l)
	look.Stylesheet = "/dashboard/appearance/preview.css?d=" + p.putDraft(c.UserContext(), u.ID, a.Stylesheet())
	return p.opts.Preview(c, look)
}
