package archive

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/storage"
)

// DownloadFor is how long a built export can be downloaded.
const DownloadFor = 24 * time.Hour

// Service runs the archive workflows; the API and the dashboard request,
// the worker builds and imports.
type Service struct {
	Jobs   Jobs
	Rows   Rows
	Store  *storage.Store
	Queue  queue.Enqueuer
	Purger *purge.Purger // removes expired exports' folders
	Limits Limits        // zero: DefaultLimits
	// Generator names the instance in the manifest (e.g. "folio v1.2").
	Generator string
	TempDir   string       // "": os.TempDir()
	Logger    *slog.Logger // nil: slog.Default()
}

func (s *Service) limits() Limits {
	if s.Limits.MaxEntries == 0 {
		return DefaultLimits
	}
	return s.Limits
}

// MaxArchiveBytes is the largest archive an import accepts.
func (s *Service) MaxArchiveBytes() int64 { return s.limits().MaxArchiveBytes }

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// RequestExport records an export of ownerID's account and queues its
// build. ECONFLICT while another is being built.
func (s *Service) RequestExport(ctx context.Context, ownerID int64) (*Export, error) {
	e, err := s.Jobs.CreateExport(ctx, ownerID)
	if err != nil {
		return nil, err
	}
	task, err := queue.NewArchiveExportTask(e.ID, ownerID, e.Key, queue.RequestID(ctx))
	if err == nil {
		err = queue.Enqueue(s.Queue, task)
	}
	if err != nil {
		_ = s.Jobs.FailExport(context.WithoutCancel(ctx), e.ID, "The build could not be queued; ask again.")
		return nil, err
	}
	return e, nil
}

// DownloadURL is a presigned URL of ownerID's ready export id, valid until
// the export expires. ENOTFOUND for another owner's export, EINVALID for
// one not ready or expired.
func (s *Service) DownloadURL(ctx context.Context, ownerID, id int64) (string, error) {
	e, err := s.Jobs.Export(ctx, ownerID, id)
	if err != nil {
		return "", err
	}
	left := time.Until(e.ExpiresAt)
	if e.Status != StatusReady || left < time.Minute {
		return "", folio.Errorf(folio.EINVALID, "This archive is not ready for download, or has expired.")
	}
	return s.Store.PresignGet(ctx, ExportKey(e.Key), fmt.Sprintf("folio-archive-%s.zip", e.CreatedAt.UTC().Format("2006-01-02")), left)
}

// BuildExport builds export id into the bucket: the zip is written into a
// pipe that the bucket's multipart upload reads, part by part, so memory
// stays flat whatever the account's size.
func (s *Service) BuildExport(ctx context.Context, id int64) error {
	e, err := s.Jobs.StartExport(ctx, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND || folio.ErrorCode(err) == folio.EINVALID {
		return nil // deleted with its account, or done already
	} else if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := WriteZip(ctx, s.Rows, s.Store, e.OwnerID, e.Key, s.Generator, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	size, err := s.Store.PutStream(ctx, ExportKey(e.Key), pr, "application/zip")
	// Whatever stopped the upload stops the writer too.
	pr.CloseWithError(errors.Join(err, io.ErrClosedPipe))
	if werr := <-done; werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("archive: build export %d: %w", id, err)
	}
	return s.Jobs.FinishExport(ctx, id, size, time.Now().Add(DownloadFor))
}

// FailExport records that export id will not be built.
func (s *Service) FailExport(ctx context.Context, id int64) error {
	return s.Jobs.FailExport(ctx, id, "The archive could not be built; ask for a new one.")
}

// ExpireExports removes exports past their download window.
func (s *Service) ExpireExports(ctx context.Context) error {
	for {
		ds, err := s.Jobs.ExpireExports(ctx, time.Now(), 200)
		if err != nil {
			return err
		}
		if s.Purger != nil {
			s.Purger.Schedule(ctx, ds)
		}
		if len(ds) < 200 {
			return nil
		}
	}
}

// ReceiveImport stores an uploaded archive of ownerID (streamed, at most
// Limits.MaxArchiveBytes) and queues its import. ETOOLARGE past the limit.
func (s *Service) ReceiveImport(ctx context.Context, ownerID int64, body io.Reader) (*Import, error) {
	key := folio.NewPublicKey()
	limit := s.limits().MaxArchiveBytes
	if _, err := s.Store.PutStream(ctx, UploadKey(key), storage.LimitReader(body, limit), "application/zip"); err != nil {
		if errors.Is(err, storage.ErrTooLarge) {
			return nil, folio.Errorf(folio.ETOOLARGE, "The archive is larger than %d bytes.", limit)
		}
		return nil, err
	}
	im, err := s.Jobs.CreateImport(ctx, ownerID, key)
	if err == nil {
		task, terr := queue.NewArchiveImportTask(im.ID, ownerID, key, queue.RequestID(ctx))
		if terr == nil {
			terr = queue.Enqueue(s.Queue, task)
		}
		if terr != nil {
			_ = s.Jobs.FailImport(context.WithoutCancel(ctx), im.ID, "The import could not be queued; upload the archive again.")
			err = terr
		}
	}
	if err != nil {
		_ = s.Store.RemovePrefix(context.WithoutCancel(ctx), Prefix(key))
		return nil, err
	}
	return im, nil
}

// RunImport verifies and imports the archive of import id. An archive
// that fails verification is refused (the import records why) before
// anything is written; any later failure removes the objects copied so
// far, and the rows are one transaction. The uploaded zip is removed once
// the import is done or refused. A *Refused is returned for a refusal.
func (s *Service) RunImport(ctx context.Context, id int64) error {
	im, err := s.Jobs.StartImport(ctx, id)
	if folio.ErrorCode(err) == folio.ENOTFOUND || folio.ErrorCode(err) == folio.EINVALID {
		return nil
	} else if err != nil {
		return err
	}
	err = s.runImport(ctx, im)
	var refused *Refused
	if errors.As(err, &refused) {
		if ferr := s.Jobs.FailImport(ctx, id, refused.Reason); ferr != nil {
			return ferr
		}
	}
	if err == nil || refused != nil {
		if rerr := s.Store.RemovePrefix(ctx, Prefix(im.Key)); rerr != nil {
			s.logger().Warn("uploaded archive not removed", "import_id", id, "error", rerr)
		}
	}
	return err
}

// FailImport records that import id failed for good.
func (s *Service) FailImport(ctx context.Context, id int64) error {
	return s.Jobs.FailImport(ctx, id, "The import failed; nothing of it was kept. Try again later.")
}

func (s *Service) runImport(ctx context.Context, im *Import) error {
	lim := s.limits()
	info, err := s.Store.Stat(ctx, UploadKey(im.Key))
	if err != nil {
		return fmt.Errorf("archive: uploaded archive: %w", err)
	}
	if info.Size > lim.MaxArchiveBytes {
		return refuse("The archive is larger than %d bytes.", lim.MaxArchiveBytes)
	}
	f, err := os.CreateTemp(s.TempDir, "folio-import-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	f.Close()
	if err := s.Store.GetFile(ctx, UploadKey(im.Key), f.Name()); err != nil {
		return fmt.Errorf("archive: fetch uploaded archive: %w", err)
	}
	zr, err := zip.OpenReader(f.Name())
	if err != nil {
		return refuse("The file is not a zip archive.")
	}
	defer zr.Close()
	v, err := Verify(&zr.Reader, lim)
	if err != nil {
		return err
	}
	if err := validate(&v.Document); err != nil {
		return err
	}
	return s.apply(ctx, im, v)
}

// apply copies the new objects, writes the rows and queues the processing.
func (s *Service) apply(ctx context.Context, im *Import, v *Verified) (err error) {
	doc := &v.Document
	archiveID := v.Manifest.ArchiveID
	imported, err := s.Jobs.ImportedProjects(ctx, im.OwnerID, archiveID)
	if err != nil {
		return err
	}
	plan := &Plan{OwnerID: im.OwnerID, ArchiveID: archiveID, Profile: doc.Profile, Featured: doc.Featured}
	var written []string
	defer func() {
		if err == nil {
			return
		}
		cctx := context.WithoutCancel(ctx)
		for _, p := range written {
			if rerr := s.Store.RemovePrefix(cctx, p); rerr != nil {
				s.logger().Warn("copied object of a failed import not removed", "prefix", p, "error", rerr)
			}
		}
	}()
	copyMedia := func(m Media) (*PlannedMedia, error) {
		pm := &PlannedMedia{Source: m, PublicKey: folio.NewPublicKey()}
		written = append(written, folio.MediaPrefix(pm.PublicKey))
		if err := s.copyEntry(ctx, v, m.Entry, folio.OriginalKey(pm.PublicKey), m.ContentType); err != nil {
			return nil, err
		}
		return pm, nil
	}
	// The avatar comes with the archive's first import only.
	if a := doc.Profile.Avatar; a != nil && a.Entry != "" && len(imported) == 0 {
		if plan.Avatar, err = copyMedia(*a); err != nil {
			return err
		}
	}
	for _, p := range doc.Projects {
		if _, done := imported[p.ID]; done {
			continue
		}
		pp := PlannedProject{Source: p}
		for _, m := range p.Media {
			if m.Entry == "" {
				continue
			}
			pm, err := copyMedia(m)
			if err != nil {
				return err
			}
			pp.Media = append(pp.Media, *pm)
		}
		if d := p.APIDocs; d != nil && d.Entry != "" {
			pp.DocsKey = folio.NewPublicKey()
			written = append(written, "apidocs/"+pp.DocsKey+"/")
			if err := s.copyEntry(ctx, v, d.Entry, folio.APIDocsSourceKey(pp.DocsKey), d.ContentType); err != nil {
				return err
			}
		}
		plan.Projects = append(plan.Projects, pp)
	}
	applied, err := s.Jobs.ApplyImport(ctx, im.ID, plan)
	if err != nil {
		return err
	}
	// Committed: from here a failure to queue is the uploads cleanup's to
	// find (media left "uploaded" are queued again), never a reason to
	// undo the import.
	for _, m := range applied.Media {
		task, terr := queue.NewMediaProcessTask(m.ID, m.PublicKey, queue.RequestID(ctx))
		if terr == nil {
			terr = queue.Enqueue(s.Queue, task)
		}
		if terr != nil && !queue.AlreadyQueued(terr) {
			s.logger().Warn("imported media not queued for processing", "media_id", m.ID, "error", terr)
		}
	}
	for _, d := range applied.Docs {
		task, terr := queue.NewAPIDocsTask(d.ProjectID, d.Key, 1, queue.RequestID(ctx))
		if terr == nil {
			terr = queue.Enqueue(s.Queue, task)
		}
		if terr != nil && !queue.AlreadyQueued(terr) {
			s.logger().Warn("imported API docs not queued", "project_id", d.ProjectID, "error", terr)
		}
	}
	return nil
}

func (s *Service) copyEntry(ctx context.Context, v *Verified, entry, key, contentType string) error {
	rc, _, err := v.Open(entry)
	if err != nil {
		return err
	}
	defer rc.Close()
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	if _, err := s.Store.PutStream(ctx, key, rc, contentType); err != nil {
		return fmt.Errorf("archive: copy %s: %w", entry, err)
	}
	return nil
}

// validate checks the document's profile and projects as the API checks
// what an owner types, so an import stores nothing the API would refuse.
func validate(d *Document) error {
	p := d.Profile
	up := folio.ProfileUpdate{DisplayName: &p.DisplayName, Headline: &p.Headline, Bio: &p.Bio, Location: &p.Location,
		WebsiteURL: &p.WebsiteURL, GitHubURL: &p.GitHubURL, LinkedInURL: &p.LinkedInURL}
	if err := up.Validate(); err != nil {
		return refuse("The archive's profile is not valid: %s", fieldErrors(err))
	}
	for _, pr := range d.Projects {
		vis := folio.Visibility(pr.Visibility)
		in := folio.ProjectInput{Slug: &pr.Slug, Title: &pr.Title, Tagline: &pr.Tagline, Description: &pr.Description,
			PitchProblem: &pr.PitchProblem, PitchApproach: &pr.PitchApproach, PitchResult: &pr.PitchResult,
			TechTags: &pr.TechTags, DemoURL: &pr.DemoURL, RepositoryURL: &pr.RepositoryURL, Visibility: &vis}
		if err := in.Validate(true); err != nil {
			return refuse("The archive's project %.60q is not valid: %s", pr.Title, fieldErrors(err))
		}
		if d := pr.APIDocs; d != nil {
			switch folio.APIDocsSource(d.Source) {
			case folio.SourceSpec, folio.SourceZip, folio.SourceTarGz, folio.SourceRepository:
			default:
				return refuse("The archive's project %.60q has API docs of unknown source %.20q.", pr.Title, d.Source)
			}
		}
	}
	return nil
}

func fieldErrors(err error) string {
	var fe *folio.Error
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		return folio.ErrorMessage(err)
	}
	out := ""
	for i, f := range fe.Fields {
		if i > 0 {
			out += "; "
		}
		out += f.Field + " " + f.Message
	}
	return out + "."
}
