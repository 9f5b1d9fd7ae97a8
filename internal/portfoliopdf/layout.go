// Package portfoliopdf makes the PDF portfolio: a résumé-like document of
// one or two pages with the owner's name, headline and links, and their
// featured projects with pitch, tech tags, clickable links and a QR code
// to each project's page. It is pure Go (github.com/go-pdf/fpdf), so the
// image needs no browser. Text is real text in embedded, subset DejaVu
// Sans (Latin with its extensions, Greek, Cyrillic and more); CJK and
// other scripts the font lacks keep their text layer (copy and search
// find them) but draw as the font's empty box.
//
// Service (service.go) keeps built PDFs in the object store, keyed by
// the owner's content version and the paper size, and has the worker
// build a missing one.
package portfoliopdf

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/foliohq/folio/internal/portfoliopdf/fonts"
)

// Paper is a page size.
type Paper string

// Paper sizes. A4 is the default: the size of most of the world, which
// US Letter printers also print with a small margin change.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// Papers lists the sizes, the default first.
var Papers = []Paper{A4, Letter}

// ParsePaper reads the ?paper= query: "" is A4; a4 and letter in any case.
func ParsePaper(s string) (Paper, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "a4":
		return A4, true
	case "letter", "us-letter":
		return Letter, true
	}
	return "", false
}

// Label is the size's name for people.
func (p Paper) Label() string {
	if p == Letter {
		return "US Letter"
	}
	return "A4"
}

func (p Paper) fpdfSize() string {
	if p == Letter {
		return "Letter"
	}
	return "A4"
}

// Document is what a PDF portfolio shows, in the owner's words; URLs are
// absolute.
type Document struct {
	Name, Headline, Location, Email string
	// About is the bio as plain text.
	About        string
	PortfolioURL string
	Links        []Link
	Projects     []Project
	// Generated dates the document (its metadata and footer).
	Generated time.Time
}

// Link is one of the owner's links (website, GitHub, LinkedIn).
type Link struct{ Label, URL string }

// Project is one featured project. PageURL is its page on Folio, which
// the QR code leads to.
type Project struct {
	Title, Tagline            string
	Problem, Approach, Result string
	Tags                      []string
	PageURL, DemoURL, CodeURL string
}

// regularTTF is the one font embedded. Bold is drawn from it (fill and
// stroke): a second face would double the fonts' share of the file, and
// a small PDF is served faster.
var regularTTF = fonts.DejaVuSans

const (
	fontFamily = "dejavu"
	margin     = 16.0 // mm
	qrSize     = 24.0 // mm: scans from a printed page at arm's length
	qrGap      = 5.0
	maxPages   = 2
)

// Text longer than the page holds is shortened, in steps, until the
// document fits maxPages: the pitch parts first, then the bio.
var pitchLimits = []int{1000, 420, 260, 160, 90}

// Render writes the PDF of d on paper to w. Text is shortened (with an
// ellipsis) until the document fits on two pages.
func Render(w io.Writer, d Document, paper Paper) error {
	if paper == "" {
		paper = A4
	}
	var last []byte
	for _, limit := range pitchLimits {
		out, pages, err := render(d, paper, limit)
		if err != nil {
			return err
		}
		last = out
		if pages <= maxPages {
			break
		}
	}
	_, err := w.Write(last)
	return err
}

type layout struct {
	pdf        *fpdf.Fpdf
	width      float64 // page width
	textRight  float64 // x where the project text column ends
	pitchLimit int
}

var (
	ink    = [3]int{26, 26, 26}
	muted  = [3]int{85, 85, 85}
	accent = [3]int{28, 78, 160}
	rule   = [3]int{200, 200, 200}
)

// color sets the text's colour, and the stroke's, which bold text uses.
func (l *layout) color(c [3]int) {
	l.pdf.SetTextColor(c[0], c[1], c[2])
	l.pdf.SetDrawColor(c[0], c[1], c[2])
}

// font sets the size, and "B" for bold: the glyphs filled and stroked
// with a line a twentieth of an em wide.
func (l *layout) font(style string, size float64) {
	l.pdf.SetFont(fontFamily, "", size)
	if style == "B" {
		l.pdf.SetLineWidth(size * 0.045 * 25.4 / 72) // points to mm
		l.pdf.SetTextRenderingMode(2)
	} else {
		l.pdf.SetTextRenderingMode(0)
	}
}

func render(d Document, paper Paper, pitchLimit int) ([]byte, int, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: paper.fpdfSize()})
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+6)
	pdf.AddUTF8FontFromBytes(fontFamily, "", regularTTF)
	// Same input, same bytes: fixed dates and sorted catalog.
	pdf.SetCreationDate(d.Generated)
	pdf.SetModificationDate(d.Generated)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(d.Name+" · Portfolio", true)
	pdf.SetAuthor(d.Name, true)
	pdf.SetSubject(d.Headline, true)
	pdf.SetCreator("Folio", true)
	pdf.SetProducer("Folio", true)
	var tags []string
	for _, p := range d.Projects {
		tags = append(tags, p.Tags...)
	}
	pdf.SetKeywords(strings.Join(tags, ", "), true)
	pdf.AliasNbPages("{nb}")
	w, _ := pdf.GetPageSize()
	l := &layout{pdf: pdf, width: w, textRight: w - margin - qrSize - qrGap, pitchLimit: pitchLimit}
	pdf.SetFooterFunc(func() { l.footer(d) })
	pdf.AddPage()

	l.header(d)
	if len(d.Projects) > 0 {
		l.section("Featured projects")
		for i, p := range d.Projects {
			if err := l.project(i, p); err != nil {
				return nil, 0, err
			}
		}
	}
	if err := pdf.Error(); err != nil {
		return nil, 0, fmt.Errorf("portfoliopdf: %w", err)
	}
	pages := pdf.PageNo()
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, 0, fmt.Errorf("portfoliopdf: %w", err)
	}
	return buf.Bytes(), pages, nil
}

func (l *layout) header(d Document) {
	pdf := l.pdf
	l.color(ink)
	l.font("B", 22)
	pdf.MultiCell(0, 9, clean(d.Name), "", "L", false)
	if d.Headline != "" {
		l.color(muted)
		l.font("", 12)
		pdf.MultiCell(0, 6, clean(d.Headline), "", "L", false)
	}
	pdf.Ln(1.5)
	// One line of contact details and links, wrapping as text does.
	l.font("", 9)
	first := true
	sep := func() {
		if !first {
			l.color(muted)
			pdf.Write(5, "  ·  ")
		}
		first = false
	}
	if d.Location != "" {
		sep()
		l.color(muted)
		pdf.Write(5, clean(d.Location))
	}
	if d.Email != "" {
		sep()
		l.link(5, d.Email, "mailto:"+d.Email)
	}
	if d.PortfolioURL != "" {
		sep()
		l.link(5, displayURL(d.PortfolioURL), d.PortfolioURL)
	}
	for _, lk := range d.Links {
		sep()
		l.color(muted)
		pdf.Write(5, lk.Label+" ")
		l.link(5, displayURL(lk.URL), lk.URL)
	}
	pdf.Ln(6)
	if d.About != "" {
		l.color(ink)
		l.font("", 9.5)
		pdf.MultiCell(0, 4.6, shorten(clean(d.About), 2*l.pitchLimit/3+200), "", "L", false)
	}
}

// link writes display as a clickable link to target.
func (l *layout) link(h float64, display, target string) {
	l.color(accent)
	l.pdf.WriteLinkString(h, display, target)
}

func (l *layout) section(title string) {
	pdf := l.pdf
	pdf.Ln(3)
	l.color(ink)
	l.font("B", 11)
	pdf.CellFormat(0, 7, strings.ToUpper(title), "", 1, "L", false, 0, "")
	y := pdf.GetY()
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.3)
	pdf.Line(margin, y, l.width-margin, y)
	pdf.Ln(2)
}

func (l *layout) project(i int, p Project) error {
	pdf := l.pdf
	_, pageH := pdf.GetPageSize()
	// A project starts on a new page rather than with its QR code cut off.
	if pdf.GetY()+qrSize+12 > pageH-margin-6 {
		pdf.AddPage()
	}
	top := pdf.GetY() + 1.5
	pdf.SetY(top)
	// The text column leaves room for the QR code on the right; Write
	// wraps at the right margin.
	pdf.SetRightMargin(l.width - l.textRight)
	defer pdf.SetRightMargin(margin)

	l.font("B", 12.5)
	l.color(ink)
	pdf.WriteLinkString(6, clean(p.Title), p.PageURL)
	pdf.Ln(6)
	if p.Tagline != "" {
		l.font("", 9.5)
		l.color(muted)
		pdf.MultiCell(l.textRight-margin, 4.6, clean(p.Tagline), "", "L", false)
	}
	pdf.Ln(0.8)
	for _, part := range [][2]string{{"Problem", p.Problem}, {"Approach", p.Approach}, {"Result", p.Result}} {
		if strings.TrimSpace(part[1]) == "" {
			continue
		}
		l.color(ink)
		l.font("B", 9)
		pdf.Write(4.4, part[0]+": ")
		l.font("", 9)
		pdf.Write(4.4, shorten(clean(part[1]), l.pitchLimit))
		pdf.Ln(5)
	}
	if len(p.Tags) > 0 {
		l.font("B", 8.5)
		l.color(accent)
		pdf.Write(4.4, clean(strings.Join(p.Tags, " · ")))
		pdf.Ln(5)
	}
	l.font("", 8.5)
	first := true
	for _, lk := range []Link{{"Live demo", p.DemoURL}, {"Code", p.CodeURL}, {"Project page", p.PageURL}} {
		if lk.URL == "" {
			continue
		}
		if !first {
			l.color(muted)
			pdf.Write(4.4, "   ")
		}
		first = false
		l.color(muted)
		pdf.Write(4.4, lk.Label+": ")
		l.link(4.4, displayURL(lk.URL), lk.URL)
	}
	pdf.Ln(5)
	bottom := pdf.GetY()
	if err := l.qr(i, p.PageURL, top); err != nil {
		return err
	}
	// The block ends below the text or the QR code, whichever is lower,
	// unless the text ran onto the next page.
	if bottom < top+qrSize+4 && pdf.GetY() >= top {
		bottom = top + qrSize + 4
	}
	pdf.SetY(bottom + 2.5)
	return nil
}

// qr draws the QR code of url at the right of the project that starts at
// top, clickable too, with a caption under it.
func (l *layout) qr(i int, target string, top float64) error {
	if target == "" {
		return nil
	}
	q, err := qrcode.New(target, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("portfoliopdf: QR code: %w", err)
	}
	// Four pixels per module: sharp at any print size (PDF viewers scale
	// images without smoothing unless asked), and a few hundred bytes.
	png, err := q.PNG(-4)
	if err != nil {
		return fmt.Errorf("portfoliopdf: QR code: %w", err)
	}
	name := "qr" + strconv.Itoa(i)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	l.pdf.RegisterImageOptionsReader(name, opts, bytes.NewReader(png))
	x := l.width - margin - qrSize
	// A text block that broke onto a new page keeps its code on the page
	// where it started: draw at the saved y of that page.
	page := l.pdf.PageNo()
	if y := l.pdf.GetY(); y < top {
		l.pdf.SetPage(page - 1)
		defer l.pdf.SetPage(page)
	}
	l.pdf.ImageOptions(name, x, top, qrSize, qrSize, false, opts, 0, target)
	l.font("", 6.5)
	l.color(muted)
	saveY := l.pdf.GetY()
	l.pdf.SetXY(x-2, top+qrSize+0.3)
	l.pdf.CellFormat(qrSize+4, 3, "Scan for the project page", "", 0, "C", false, 0, "")
	l.pdf.SetY(saveY)
	return nil
}

func (l *layout) footer(d Document) {
	pdf := l.pdf
	pdf.SetY(-margin)
	l.font("", 7.5)
	l.color(muted)
	left := clean(d.Name) + " · " + displayURL(d.PortfolioURL)
	pdf.CellFormat(0, 4, left, "", 0, "L", false, 0, d.PortfolioURL)
	right := "Page " + strconv.Itoa(pdf.PageNo()) + " of {nb}"
	if !d.Generated.IsZero() {
		right = "Made with Folio, " + d.Generated.UTC().Format("2 January 2006") + " · " + right
	}
	pdf.SetX(margin)
	pdf.CellFormat(0, 4, right, "", 0, "R", false, 0, "")
}

// displayURL is a URL as printed: without scheme, trailing slash and
// "www.", and at most 60 characters.
func displayURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return shorten(s, 60)
	}
	out := strings.TrimPrefix(u.Host, "www.") + strings.TrimSuffix(u.EscapedPath(), "/")
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return shorten(out, 60)
}

// clean makes owner text safe to draw: tabs and line breaks become spaces
// where a line is one paragraph, and invalid UTF-8 goes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Join(strings.Fields(s), " ")
}

// shorten cuts s to at most max characters at a word boundary, with an
// ellipsis.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
