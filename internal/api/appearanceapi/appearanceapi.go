// Package appearanceapi serves the owner's appearance in the JSON API:
// theme, colour mode, accent colour, font, custom CSS and the public
// page's language. The routes are listed in the API's route table
// (internal/api/routes.go).
package appearanceapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/foliohq/folio/internal/appearance"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request"
	"github.com/foliohq/folio/internal/request/body"
	"github.com/foliohq/folio/internal/theme"
)

// Handlers serve the appearance; a nil Store answers 404.
type Handlers struct {
	Store  appearance.Store
	Intake body.Intake
}

// Settings are an owner's appearance as the API shows it: what is stored,
// and the accent as pages use it in each colour mode.
type Settings struct {
	// Theme: studio, editorial or spotlight.
	Theme string `json:"theme" example:"editorial"`
	// ColorMode: auto (the visitor's system setting), light or dark.
	ColorMode string `json:"color_mode" example:"auto"`
	// Accent is #rrggbb, or "" for the theme's own.
	Accent string `json:"accent" example:"#ff8800"`
	// Font: inter, source-serif-4, jetbrains-mono, system, or "" for the theme's own.
	Font string `json:"font" example:"source-serif-4"`
	// CustomCSS is the portfolio's own CSS as stored (sanitized), at most 20 KB.
	CustomCSS string `json:"custom_css" example:"h1 { letter-spacing: -.02em; }"`
	// Language is the public page's language (BCP 47).
	Language string `json:"language" example:"en"`
	// AccentLight and AccentDark are the accent as the light and dark
	// palettes use it: the nearest shade with WCAG AA contrast (4.5:1)
	// against the theme's backgrounds and under button text.
	AccentLight *FittedAccent `json:"accent_light,omitempty"`
	AccentDark  *FittedAccent `json:"accent_dark,omitempty"`
	// Dropped lists what a save removed from the custom CSS (imports,
	// URLs to other hosts, ...); only in the answer to a PUT.
	Dropped []string `json:"dropped,omitempty"`
	// Themes and Fonts list the choices.
	Themes []string `json:"themes"`
	Fonts  []string `json:"fonts"`
}

// FittedAccent is the accent in one colour mode.
type FittedAccent struct {
	Color    string  `json:"color" example:"#a35700"`
	Text     string  `json:"text" example:"#ffffff"`
	Adjusted bool    `json:"adjusted"`
	Contrast float64 `json:"contrast" example:"4.62"`
}

// Update replaces the appearance; an omitted field is the default.
type Update struct {
	Theme     string `json:"theme" example:"editorial"`
	ColorMode string `json:"color_mode" example:"dark"`
	Accent    string `json:"accent" example:"#ff8800"`
	Font      string `json:"font" example:"source-serif-4"`
	CustomCSS string `json:"custom_css" example:"h1 { letter-spacing: -.02em; }"`
	Language  string `json:"language" example:"en"`
}

func (h Handlers) on() error {
	if h.Store == nil {
		return folio.Errorf(folio.ENOTFOUND, "Appearance settings are off on this instance.")
	}
	return nil
}

// Get answers the caller's appearance.
//
//	@Summary		Get your portfolio's appearance
//	@Description	The theme, colour mode, accent colour (with the shades the light and dark palettes use), font, custom CSS and page language of your public pages; the defaults until you change them.
//	@Tags			me
//	@Produce		json
//	@Success		200	{object}	Settings
//	@Failure		401	{object}	api.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/appearance [get]
func (h Handlers) Get(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	a, err := h.Store.Appearance(c.UserContext(), request.Identity(c).User.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(settingsOf(a, nil))
}

// Put replaces the caller's appearance.
//
//	@Summary		Change your portfolio's appearance
//	@Description	Replaces the appearance of your public pages. An accent colour without WCAG AA contrast against the theme is not refused: each colour mode uses the nearest shade that has it (accent_light, accent_dark say which). Custom CSS (at most 20 KB) is sanitized: @import, and url(), image-set() and the like aimed anywhere but a path on this host, are removed (dropped lists them); it is served as the portfolio's own stylesheet, never inline. A change moves the portfolio's content version: cached pages, PDFs and cards follow.
//	@Tags			me
//	@Accept			json
//	@Produce		json
//	@Param			body	body		Update	true	"the new appearance"
//	@Success		200		{object}	Settings
//	@Failure		401		{object}	api.Problem
//	@Failure		422		{object}	api.Problem	"an unknown theme, mode or font, an accent that is not #rrggbb, CSS over 20 KB, a malformed language"
//	@Security		BearerAuth
//	@Router			/api/v1/me/appearance [put]
func (h Handlers) Put(c *fiber.Ctx) error {
	if err := h.on(); err != nil {
		return err
	}
	var u Update
	if err := h.Intake.DecodeJSON(c, &u); err != nil {
		return err
	}
	a := appearance.Appearance{Theme: u.Theme, ColorMode: u.ColorMode, Accent: u.Accent, Font: u.Font, CustomCSS: u.CustomCSS, Language: u.Language}
	_, dropped := appearance.SanitizeCSS(a.CustomCSS)
	saved, err := h.Store.SaveAppearance(c.UserContext(), request.Identity(c).User.ID, a)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(settingsOf(saved, dropped))
}

func settingsOf(a appearance.Appearance, dropped []string) Settings {
	s := Settings{Theme: a.Theme, ColorMode: a.ColorMode, Accent: a.Accent, Font: a.Font, CustomCSS: a.CustomCSS,
		Language: a.Language, Dropped: dropped}
	if acc, ok := a.FitAccents(); ok {
		s.AccentLight = &FittedAccent{acc.Light.Color, acc.Light.Text, acc.Light.Adjusted, round(acc.Light.Contrast)}
		s.AccentDark = &FittedAccent{acc.Dark.Color, acc.Dark.Text, acc.Dark.Adjusted, round(acc.Dark.Contrast)}
	}
	for _, t := range theme.Themes {
		s.Themes = append(s.Themes, t.Name)
	}
	for _, f := range theme.Fonts {
		s.Fonts = append(s.Fonts, f.Name)
	}
	return s
}

func round(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
