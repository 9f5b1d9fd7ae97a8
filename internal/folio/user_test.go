package folio_test

import (
	"strings"
	"testing"

	"github.com/foliohq/folio/internal/folio"
)

func TestRegistrationValidate(t *testing.T) {
	good := folio.Registration{Email: "ada@example.com", Password: "correct horse", Handle: "ada", DisplayName: "Ada Lovelace"}
	tests := []struct {
		name string
		edit func(r *folio.Registration)
		want []string
	}{
		{"valid", func(*folio.Registration) {}, nil},
		{"email without domain", func(r *folio.Registration) { r.Email = "ada" }, []string{"email"}},
		{"email with a display name", func(r *folio.Registration) { r.Email = "Ada <ada@example.com>" }, []string{"email"}},
		{"email too long", func(r *folio.Registration) { r.Email = strings.Repeat("a", 250) + "@example.com" }, []string{"email"}},
		{"password too short", func(r *folio.Registration) { r.Password = "123456789" }, []string{"password"}},
		{"password of ten runes", func(r *folio.Registration) { r.Password = "éééééééééé" }, nil},
		{"password beyond bcrypt", func(r *folio.Registration) { r.Password = strings.Repeat("p", 73) }, []string{"password"}},
		{"handle too short", func(r *folio.Registration) { r.Handle = "ab" }, []string{"handle"}},
		{"handle with capitals", func(r *folio.Registration) { r.Handle = "Ada" }, []string{"handle"}},
		{"handle starting with a hyphen", func(r *folio.Registration) { r.Handle = "-ada" }, []string{"handle"}},
		{"reserved handle", func(r *folio.Registration) { r.Handle = "admin" }, []string{"handle"}},
		{"no display name", func(r *folio.Registration) { r.DisplayName = " " }, []string{"display_name"}},
		{"everything wrong, in order", func(r *folio.Registration) { *r = folio.Registration{} }, []string{"email", "password", "handle", "display_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			if got := fields(t, r.Validate()); !equal(got, tt.want) {
				t.Errorf("invalid fields %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRegistrationNormalize(t *testing.T) {
	r := folio.Registration{Email: "  Ada@Example.com ", Handle: " Ada-L ", DisplayName: " Ada "}
	r.Normalize()
	// The email keeps its case: the database compares it case-insensitively.
	if r.Email != "Ada@Example.com" || r.Handle != "ada-l" || r.DisplayName != "Ada" {
		t.Errorf("normalized to %+v", r)
	}
}

func TestProfileUpdateValidate(t *testing.T) {
	tests := []struct {
		name string
		upd  folio.ProfileUpdate
		want []string
	}{
		{"nothing", folio.ProfileUpdate{}, nil},
		{"good fields", folio.ProfileUpdate{Handle: ptr("ada-l"), Headline: ptr("Backend developer"), WebsiteURL: ptr("https://ada.dev"), GitHubURL: ptr("")}, nil},
		{"reserved handle", folio.ProfileUpdate{Handle: ptr("explore")}, []string{"handle"}},
		{"blank display name", folio.ProfileUpdate{DisplayName: ptr("")}, []string{"display_name"}},
		{"headline too long", folio.ProfileUpdate{Headline: ptr(strings.Repeat("h", 161))}, []string{"headline"}},
		{"bio too long", folio.ProfileUpdate{Bio: ptr(strings.Repeat("b", 10001))}, []string{"bio"}},
		{"location with a control character", folio.ProfileUpdate{Location: ptr("Paris\x1b")}, []string{"location"}},
		{"data url", folio.ProfileUpdate{LinkedInURL: ptr("data:text/html,hi")}, []string{"linkedin_url"}},
		{
			"every field wrong, in declaration order",
			folio.ProfileUpdate{
				Handle: ptr("x"), DisplayName: ptr(""), Headline: ptr("\x00"), Bio: ptr("\x00"), Location: ptr("\x00"),
				WebsiteURL: ptr("x"), GitHubURL: ptr("x"), LinkedInURL: ptr("x"),
			},
			[]string{"handle", "display_name", "headline", "bio", "location", "website_url", "github_url", "linkedin_url"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(t, tt.upd.Validate()); !equal(got, tt.want) {
				t.Errorf("invalid fields %v, want %v", got, tt.want)
			}
		})
	}
}

// The URL fields once came from ranging over a map: their errors must come
// in the same order every time.
func TestProfileUpdateValidateOrderIsStable(t *testing.T) {
	upd := folio.ProfileUpdate{WebsiteURL: ptr("x"), GitHubURL: ptr("x"), LinkedInURL: ptr("x")}
	want := []string{"website_url", "github_url", "linkedin_url"}
	for range 50 {
		if got := fields(t, upd.Validate()); !equal(got, want) {
			t.Fatalf("invalid fields %v, want %v", got, want)
		}
	}
}

func TestProfileUpdateApply(t *testing.T) {
	p := folio.Profile{Handle: "ada", DisplayName: "Ada", Bio: "old", ShowEmail: true}
	(&folio.ProfileUpdate{Bio: ptr("new"), ShowEmail: ptr(false)}).Apply(&p)
	if p.Handle != "ada" || p.DisplayName != "Ada" || p.Bio != "new" || p.ShowEmail {
		t.Errorf("applied to %+v", p)
	}
}

func TestReservedHandles(t *testing.T) {
	tests := []struct {
		handle string
		want   bool
	}{
		{"admin", true},
		{"API", true},
		{"explore", true},
		{"sitemap-xml", true},
		{"folio", true},
		{"ada", false},
		{"administrator", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := folio.IsReservedHandle(tt.handle); got != tt.want {
			t.Errorf("IsReservedHandle(%q) = %v, want %v", tt.handle, got, tt.want)
		}
	}
}

func TestNormalizeHandle(t *testing.T) {
	if got := folio.NormalizeHandle("  Ada-L\t"); got != "ada-l" {
		t.Errorf("NormalizeHandle = %q", got)
	}
}
