package archive

import (
	"context"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// Export is an archive export job.
type Export struct {
	ID         int64     `json:"id"`
	OwnerID    int64     `json:"-"`
	Key        string    `json:"-"`
	Status     string    `json:"status" enums:"pending,building,ready,failed"`
	Error      string    `json:"error,omitempty"`
	SizeBytes  int64     `json:"size_bytes"`
	CreatedAt  time.Time `json:"created_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
}

// Import is an archive import job.
type Import struct {
	ID         int64     `json:"id"`
	OwnerID    int64     `json:"-"`
	Key        string    `json:"-"`
	Status     string    `json:"status" enums:"uploaded,importing,done,failed"`
	Error      string    `json:"error,omitempty"`
	ArchiveID  string    `json:"archive_id,omitempty"`
	Projects   int       `json:"projects"`
	Media      int       `json:"media"`
	CreatedAt  time.Time `json:"created_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// Job statuses.
const (
	StatusPending   = "pending"
	StatusBuilding  = "building"
	StatusReady     = "ready"
	StatusFailed    = "failed"
	StatusUploaded  = "uploaded"
	StatusImporting = "importing"
	StatusDone      = "done"
)

// ExportKey is the object of an export; UploadKey the uploaded zip of an
// import. Both live in the archive's folder, archives/{key}/, which the
// object deletion ledger removes.
func ExportKey(key string) string { return "archives/" + key + "/folio-archive.zip" }

// UploadKey is where an import's zip is kept until the import ends.
func UploadKey(key string) string { return "archives/" + key + "/upload.zip" }

// Prefix is an archive's folder.
func Prefix(key string) string { return "archives/" + key + "/" }

// Jobs stores export and import jobs. Every method that takes an ownerID
// answers ENOTFOUND for another owner's job.
type Jobs interface {
	// CreateExport records a pending export. ECONFLICT when one of the
	// owner's exports is still pending or building.
	CreateExport(ctx context.Context, ownerID int64) (*Export, error)
	Export(ctx context.Context, ownerID, id int64) (*Export, error)
	// Exports lists the owner's latest exports, newest first.
	Exports(ctx context.Context, ownerID int64, limit int) ([]Export, error)
	// StartExport marks export id building and returns it; ENOTFOUND when
	// it is gone, EINVALID when it is not pending or building.
	StartExport(ctx context.Context, id int64) (*Export, error)
	FinishExport(ctx context.Context, id, size int64, expires time.Time) error
	FailExport(ctx context.Context, id int64, reason string) error
	// ExpireExports deletes up to limit exports that expired before now
	// and records their folders for deletion.
	ExpireExports(ctx context.Context, now time.Time, limit int) ([]folio.ObjectDeletion, error)

	// CreateImport records an uploaded archive of ownerID under key.
	CreateImport(ctx context.Context, ownerID int64, key string) (*Import, error)
	Import(ctx context.Context, ownerID, id int64) (*Import, error)
	Imports(ctx context.Context, ownerID int64, limit int) ([]Import, error)
	StartImport(ctx context.Context, id int64) (*Import, error)
	FailImport(ctx context.Context, id int64, reason string) error
	// ImportedProjects maps the archive's project ids already imported
	// into ownerID's account to the projects they became.
	ImportedProjects(ctx context.Context, ownerID int64, archiveID string) (map[int64]int64, error)
	// ApplyImport writes plan in one transaction and marks the import done.
	ApplyImport(ctx context.Context, importID int64, plan *Plan) (*Applied, error)
}

// Plan is what an import writes: the rows of the archive that are new to
// the account, with the keys their objects were copied to.
type Plan struct {
	OwnerID   int64
	ArchiveID string
	Profile   Profile
	// Avatar is the archive's avatar, copied to a new media key; nil when
	// there is none or this archive was imported before.
	Avatar   *PlannedMedia
	Projects []PlannedProject
	// Featured are the archive's project ids in the portfolio's order.
	Featured []int64
}

// PlannedProject is a project to create.
type PlannedProject struct {
	Source Project
	Media  []PlannedMedia
	// DocsKey is the new API docs key, its source copied already ("" with
	// no API docs).
	DocsKey string
}

// PlannedMedia is a media item whose original was copied to PublicKey.
type PlannedMedia struct {
	Source    Media
	PublicKey string
}

// Applied is what ApplyImport created, for the tasks that process it.
type Applied struct {
	Media []AppliedMedia
	Docs  []AppliedDocs
}

// AppliedMedia is a created media row.
type AppliedMedia struct {
	ID        int64
	PublicKey string
}

// AppliedDocs is a created API docs request (generation 1).
type AppliedDocs struct {
	ProjectID int64
	Key       string
}
