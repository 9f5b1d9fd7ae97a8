package replicas

import (
	"context"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
	"github.com/foliohq/folio/internal/postgres/directory"
	"github.com/foliohq/folio/internal/projectpage"
	"github.com/foliohq/folio/internal/readpref"
)

// read answers from a replica in rotation when ctx allows it, and from the
// primary otherwise, or when the replica's read fails for a reason of its
// own (a "not found" is an answer, not a failure).
func read[T any](ctx context.Context, s *Set, onReplica func(i int) (T, error), onPrimary func() (T, error)) (T, error) {
	if s == nil || !readpref.ReplicaOK(ctx) {
		return onPrimary()
	}
	i := s.pick()
	if i < 0 {
		return onPrimary()
	}
	v, err := onReplica(i)
	if err != nil && folio.ErrorCode(err) == folio.EINTERNAL && ctx.Err() == nil {
		s.failed(i, err)
		return onPrimary()
	}
	return v, err
}

// Users is the user service with the public pages' lookups spread over
// the replicas; every other method is the primary's.
type Users struct {
	folio.UserService
	set      *Set
	replicas []*postgres.UserService
}

// NewUsers wraps primary.
func NewUsers(primary folio.UserService, s *Set) *Users {
	u := &Users{UserService: primary, set: s}
	for _, db := range s.DBs() {
		u.replicas = append(u.replicas, postgres.NewUserService(db))
	}
	return u
}

// UserByID is the primary's unless ctx allows a replica.
func (u *Users) UserByID(ctx context.Context, id int64) (*folio.User, error) {
	return read(ctx, u.set, func(i int) (*folio.User, error) { return u.replicas[i].UserByID(ctx, id) },
		func() (*folio.User, error) { return u.UserService.UserByID(ctx, id) })
}

// UserByHandle is the primary's unless ctx allows a replica.
func (u *Users) UserByHandle(ctx context.Context, handle string) (*folio.User, error) {
	return read(ctx, u.set, func(i int) (*folio.User, error) { return u.replicas[i].UserByHandle(ctx, handle) },
		func() (*folio.User, error) { return u.UserService.UserByHandle(ctx, handle) })
}

// Projects is the project service with the public pages' reads spread
// over the replicas.
type Projects struct {
	folio.ProjectService
	set      *Set
	replicas []*postgres.ProjectService
}

// NewProjects wraps primary.
func NewProjects(primary folio.ProjectService, s *Set) *Projects {
	p := &Projects{ProjectService: primary, set: s}
	for _, db := range s.DBs() {
		p.replicas = append(p.replicas, postgres.NewProjectService(db))
	}
	return p
}

// Project is the primary's unless ctx allows a replica.
func (p *Projects) Project(ctx context.Context, ownerID, id int64) (*folio.Project, error) {
	return read(ctx, p.set, func(i int) (*folio.Project, error) { return p.replicas[i].Project(ctx, ownerID, id) },
		func() (*folio.Project, error) { return p.ProjectService.Project(ctx, ownerID, id) })
}

// ProjectBySlug is the primary's unless ctx allows a replica.
func (p *Projects) ProjectBySlug(ctx context.Context, ownerID int64, slug string) (*folio.Project, error) {
	return read(ctx, p.set, func(i int) (*folio.Project, error) { return p.replicas[i].ProjectBySlug(ctx, ownerID, slug) },
		func() (*folio.Project, error) { return p.ProjectService.ProjectBySlug(ctx, ownerID, slug) })
}

// Projects is the primary's unless ctx allows a replica.
func (p *Projects) Projects(ctx context.Context, ownerID, cursor int64, limit int) (folio.ProjectPage, error) {
	return read(ctx, p.set, func(i int) (folio.ProjectPage, error) { return p.replicas[i].Projects(ctx, ownerID, cursor, limit) },
		func() (folio.ProjectPage, error) { return p.ProjectService.Projects(ctx, ownerID, cursor, limit) })
}

// Portfolio is the primary's unless ctx allows a replica.
func (p *Projects) Portfolio(ctx context.Context, handle string) (*folio.Portfolio, error) {
	return read(ctx, p.set, func(i int) (*folio.Portfolio, error) { return p.replicas[i].Portfolio(ctx, handle) },
		func() (*folio.Portfolio, error) { return p.ProjectService.Portfolio(ctx, handle) })
}

// ProjectPages reads project pages from the replicas when ctx allows it.
type ProjectPages struct {
	primary  projectpage.Reader
	set      *Set
	replicas []*postgres.ProjectService
}

// NewProjectPages wraps primary.
func NewProjectPages(primary projectpage.Reader, s *Set) *ProjectPages {
	p := &ProjectPages{primary: primary, set: s}
	for _, db := range s.DBs() {
		p.replicas = append(p.replicas, postgres.NewProjectService(db))
	}
	return p
}

// ProjectPage is the primary's unless ctx allows a replica.
func (p *ProjectPages) ProjectPage(ctx context.Context, handle, slug string) (*projectpage.Page, error) {
	return read(ctx, p.set, func(i int) (*projectpage.Page, error) { return p.replicas[i].ProjectPage(ctx, handle, slug) },
		func() (*projectpage.Page, error) { return p.primary.ProjectPage(ctx, handle, slug) })
}

// Media is the media service with the public pages' reads spread over the
// replicas.
type Media struct {
	folio.MediaService
	set      *Set
	replicas []*postgres.MediaService
}

// NewMedia wraps primary.
func NewMedia(primary folio.MediaService, s *Set) *Media {
	m := &Media{MediaService: primary, set: s}
	for _, db := range s.DBs() {
		m.replicas = append(m.replicas, postgres.NewMediaService(db))
	}
	return m
}

// MediaByID is the primary's unless ctx allows a replica.
func (m *Media) MediaByID(ctx context.Context, id int64) (*folio.Media, error) {
	return read(ctx, m.set, func(i int) (*folio.Media, error) { return m.replicas[i].MediaByID(ctx, id) },
		func() (*folio.Media, error) { return m.MediaService.MediaByID(ctx, id) })
}

// MediaVisibility is the primary's unless ctx allows a replica.
func (m *Media) MediaVisibility(ctx context.Context, publicKey string) (folio.MediaVisibility, error) {
	return read(ctx, m.set, func(i int) (folio.MediaVisibility, error) { return m.replicas[i].MediaVisibility(ctx, publicKey) },
		func() (folio.MediaVisibility, error) { return m.MediaService.MediaVisibility(ctx, publicKey) })
}

// ReadyMedia is the primary's unless ctx allows a replica.
func (m *Media) ReadyMedia(ctx context.Context, projectIDs []int64) (map[int64][]*folio.Media, error) {
	return read(ctx, m.set, func(i int) (map[int64][]*folio.Media, error) { return m.replicas[i].ReadyMedia(ctx, projectIDs) },
		func() (map[int64][]*folio.Media, error) { return m.MediaService.ReadyMedia(ctx, projectIDs) })
}

// ProjectMedia is the primary's unless ctx allows a replica.
func (m *Media) ProjectMedia(ctx context.Context, projectID int64) ([]*folio.Media, error) {
	return read(ctx, m.set, func(i int) ([]*folio.Media, error) { return m.replicas[i].ProjectMedia(ctx, projectID) },
		func() ([]*folio.Media, error) { return m.MediaService.ProjectMedia(ctx, projectID) })
}

// Demos is the demo service with the public pages' reads spread over the
// replicas.
type Demos struct {
	folio.DemoService
	set      *Set
	replicas []*postgres.DemoService
}

// NewDemos wraps primary.
func NewDemos(primary folio.DemoService, s *Set) *Demos {
	d := &Demos{DemoService: primary, set: s}
	for _, db := range s.DBs() {
		d.replicas = append(d.replicas, postgres.NewDemoService(db))
	}
	return d
}

// DemoSummary is the primary's unless ctx allows a replica.
func (d *Demos) DemoSummary(ctx context.Context, projectID int64, recent int) (folio.DemoSummary, error) {
	return read(ctx, d.set, func(i int) (folio.DemoSummary, error) { return d.replicas[i].DemoSummary(ctx, projectID, recent) },
		func() (folio.DemoSummary, error) { return d.DemoService.DemoSummary(ctx, projectID, recent) })
}

// DemoStates is the primary's unless ctx allows a replica.
func (d *Demos) DemoStates(ctx context.Context, projectIDs []int64) (map[int64]folio.DemoSummary, error) {
	return read(ctx, d.set, func(i int) (map[int64]folio.DemoSummary, error) { return d.replicas[i].DemoStates(ctx, projectIDs) },
		func() (map[int64]folio.DemoSummary, error) { return d.DemoService.DemoStates(ctx, projectIDs) })
}

// APIDocs is the API-docs service with the public pages' reads spread
// over the replicas.
type APIDocs struct {
	folio.APIDocsService
	set      *Set
	replicas []*postgres.APIDocsService
}

// NewAPIDocs wraps primary.
func NewAPIDocs(primary folio.APIDocsService, s *Set) *APIDocs {
	a := &APIDocs{APIDocsService: primary, set: s}
	for _, db := range s.DBs() {
		a.replicas = append(a.replicas, postgres.NewAPIDocsService(db))
	}
	return a
}

// APIDocs is the primary's unless ctx allows a replica.
func (a *APIDocs) APIDocs(ctx context.Context, projectID int64) (*folio.APIDocs, error) {
	return read(ctx, a.set, func(i int) (*folio.APIDocs, error) { return a.replicas[i].APIDocs(ctx, projectID) },
		func() (*folio.APIDocs, error) { return a.APIDocsService.APIDocs(ctx, projectID) })
}

// Directory is explore and the sitemap spread over the replicas.
type Directory struct {
	folio.Directory
	set      *Set
	replicas []*directory.Store
}

// NewDirectory wraps primary.
func NewDirectory(primary folio.Directory, s *Set) *Directory {
	d := &Directory{Directory: primary, set: s}
	for _, db := range s.DBs() {
		d.replicas = append(d.replicas, directory.New(db))
	}
	return d
}

type explored struct {
	entries []folio.ExploreEntry
	next    int64
}

// Explore is the primary's unless ctx allows a replica.
func (d *Directory) Explore(ctx context.Context, text, tag string, cursor int64, limit int) ([]folio.ExploreEntry, int64, error) {
	r, err := read(ctx, d.set, func(i int) (explored, error) {
		e, n, err := d.replicas[i].Explore(ctx, text, tag, cursor, limit)
		return explored{e, n}, err
	}, func() (explored, error) {
		e, n, err := d.Directory.Explore(ctx, text, tag, cursor, limit)
		return explored{e, n}, err
	})
	return r.entries, r.next, err
}

// SitemapCounts is the primary's unless ctx allows a replica.
func (d *Directory) SitemapCounts(ctx context.Context) ([]folio.SitemapCount, error) {
	return read(ctx, d.set, func(i int) ([]folio.SitemapCount, error) { return d.replicas[i].SitemapCounts(ctx) },
		func() ([]folio.SitemapCount, error) { return d.Directory.SitemapCounts(ctx) })
}

// SitemapEntries is the primary's unless ctx allows a replica.
func (d *Directory) SitemapEntries(ctx context.Context, from, to int64) ([]folio.SitemapEntry, error) {
	return read(ctx, d.set, func(i int) ([]folio.SitemapEntry, error) { return d.replicas[i].SitemapEntries(ctx, from, to) },
		func() ([]folio.SitemapEntry, error) { return d.Directory.SitemapEntries(ctx, from, to) })
}
