// Package project holds the workflows on a whole project that reach past
// its rows.
package project

import (
	"context"

	"github.com/foliohq/folio/internal/purge"
)

// Service deletes projects together with their stored files.
type Service struct {
	Purger *purge.Purger
}

// Delete deletes ownerID's project, its media and its API docs, and
// records their object folders in the same transaction; it then queues
// the folders' removal. A queue that is down does not fail the delete:
// the periodic reconcile removes the recorded folders. Returns ENOTFOUND
// unless the project is ownerID's.
func (s *Service) Delete(ctx context.Context, ownerID, projectID int64) error {
	ds, err := s.Purger.Deletions.DeleteProject(ctx, ownerID, projectID)
	if err != nil {
		return err
	}
	s.Purger.Schedule(ctx, ds)
	return nil
}
