package folio

import (
	"context"
	"regexp"
	"time"
)

// ObjectDeletion is a folder of stored objects whose rows are gone and
// whose objects are still to be deleted.
type ObjectDeletion struct {
	ID        int64
	Prefix    string // media/{key}/ or apidocs/{key}/
	CreatedAt time.Time
	RemovedAt time.Time // zero until the folder was removed once
	Attempts  int       // failed removals
}

// deletablePrefix is the shape of every folder an ObjectDeletion may name:
// one media item's, one project's API docs or one account archive, by
// random key or, for objects stored before keys existed, by id; or one
// account's PDF portfolios or social cards (by user id and creation time).
var deletablePrefix = regexp.MustCompile(`^((media|apidocs|archives)/([0-9]+|[0-9a-f]{32})|(portfolio-pdf|cards)/[0-9]+-[0-9]+)/$`)

// IsDeletablePrefix reports whether prefix names one media item's, one
// API-docs, one archive or one account's PDF or card folder, and nothing
// wider.
func IsDeletablePrefix(prefix string) bool { return deletablePrefix.MatchString(prefix) }

// ObjectDeletionService deletes rows that name stored objects together
// with a record of those objects, in one transaction, and keeps the
// records until the objects are gone.
type ObjectDeletionService interface {
	// DeleteProject deletes ownerID's project, its media and its API docs,
	// and records their folders. ENOTFOUND unless the project is ownerID's.
	DeleteProject(ctx context.Context, ownerID, projectID int64) ([]ObjectDeletion, error)
	// DeleteMedia deletes ownerID's media item and records its folder.
	// ENOTFOUND unless the media is ownerID's.
	DeleteMedia(ctx context.Context, ownerID, mediaID int64) (ObjectDeletion, error)
	// ObjectDeletions returns the recorded deletions among ids that still
	// wait for their first removal.
	ObjectDeletions(ctx context.Context, ids []int64) ([]ObjectDeletion, error)
	// DueObjectDeletions lists up to limit deletions, oldest first, that
	// were never removed or were recorded before settledBefore.
	DueObjectDeletions(ctx context.Context, settledBefore time.Time, limit int) ([]ObjectDeletion, error)
	// ObjectsRemoved records that the folder was removed once; with
	// forget, the record goes.
	ObjectsRemoved(ctx context.Context, id int64, forget bool) error
	// ObjectRemovalFailed counts a failed removal and keeps its reason.
	ObjectRemovalFailed(ctx context.Context, id int64, reason string) error
}
