// Package accountdelete deletes an account and everything it left behind:
// its rows (one transaction, by the foreign keys' cascade), its folders
// in the bucket (through the object deletion ledger, so that a failure
// here is retried by the worker's reconcile), the tasks that name it in
// the queues, and its cached pages in Redis. The API, the dashboard and
// the administrators' pages call the same Service.
package accountdelete

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/audit"
	"github.com/foliohq/folio/internal/auth"
	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/accountdeletion"
	"github.com/foliohq/folio/internal/purge"
	"github.com/foliohq/folio/internal/ratelimit"
)

// Deleter deletes an account: what another workflow (an administrator's
// page) needs of this package.
type Deleter interface {
	// Delete deletes userID's account with everything it owns. Returns
	// ENOTFOUND for an unknown user.
	Delete(ctx context.Context, userID int64) error
}

// Rows deletes the account's rows: an *accountdeletion.Store.
type Rows interface {
	DeleteAccount(ctx context.Context, userID int64) (accountdeletion.Deleted, error)
}

// Queues is what scrubbing the queues needs: an *asynq.Inspector.
type Queues interface {
	Queues() ([]string, error)
	ListPendingTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListScheduledTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListRetryTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListArchivedTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListCompletedTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListActiveTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	DeleteTask(queue, id string) error
	CancelProcessing(id string) error
}

// Pages drops cached pages: a pagecache.Cache.
type Pages interface {
	Drop(ctx context.Context, handles ...string) error
	Forget(ctx context.Context, userID int64) error
}

// ConfirmLimit bounds password guesses through the deletion form.
var ConfirmLimit = ratelimit.Limit{Rate: 5, Period: time.Hour}

// Service deletes accounts.
type Service struct {
	Users  folio.UserService
	Auth   *auth.Service // checks the owner's password
	Rows   Rows
	Purger *purge.Purger
	Queues Queues // nil: tasks are left to fail on their missing rows
	Pages  Pages  // nil: cached pages expire on their own (pagecache.TTL)
	// Limiter bounds confirmations per account (ConfirmLimit); nil: none.
	Limiter *ratelimit.Limiter
	Logger  *slog.Logger // nil: slog.Default()
}

var _ Deleter = (*Service)(nil)

// errWrongPassword answers a confirmation with a wrong password.
var errWrongPassword = &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
	Fields: []folio.FieldError{{Field: "password", Message: "is not your current password"}}}

// Confirm checks that the signed-in owner of userID really means it: today
// their current password. It is the one place that decides, so a fresh
// login window can replace or complement the password here. Returns
// EINVALID on "password" for a wrong one and ETOOMANY past ConfirmLimit.
func (s *Service) Confirm(ctx context.Context, userID int64, password string) error {
	if s.Limiter != nil {
		ok, retry, err := s.Limiter.Allow(ctx, fmt.Sprintf("account-delete:%d", userID), ConfirmLimit)
		if err != nil {
			return fmt.Errorf("accountdelete: rate limit: %w", err)
		}
		if !ok {
			return folio.Errorf(folio.ETOOMANY, "Too many attempts; try again in %d minutes.", int(retry.Minutes())+1)
		}
	}
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if password == "" {
		return &folio.Error{Code: folio.EINVALID, Message: "Some fields are invalid.",
			Fields: []folio.FieldError{{Field: "password", Message: "is required to delete the account"}}}
	}
	if err := s.Auth.CheckPassword(u, password); errors.Is(err, auth.ErrWrongPassword) {
		return errWrongPassword
	} else if err != nil {
		return err
	}
	return nil
}

// DeleteOwn is the owner's own deletion: Confirm, then Delete.
func (s *Service) DeleteOwn(ctx context.Context, userID int64, password string) error {
	if err := s.Confirm(ctx, userID, password); err != nil {
		return err
	}
	// Recorded first: the entry outlives the account, without its id.
	if err := audit.Record(ctx, s.Auth.Audit, audit.Event{UserID: userID, Kind: audit.AccountDeleted}); err != nil {
		return err
	}
	return s.Delete(ctx, userID)
}

// Delete implements Deleter. Once the rows are gone the account is gone:
// what follows (objects, queues, cached pages) is logged when it fails
// rather than returned, and the ledger's reconcile removes any folder
// left. Logs carry ids and counts, never the account's content.
func (s *Service) Delete(ctx context.Context, userID int64) error {
	d, err := s.Rows.DeleteAccount(ctx, userID)
	if err != nil {
		return err
	}
	// The request may end now; the cleanup must not end with it.
	ctx = context.WithoutCancel(ctx)
	log := s.logger().With("user_id", userID)
	if s.Pages != nil {
		if err := errors.Join(s.Pages.Drop(ctx, d.Handle), s.Pages.Forget(ctx, userID)); err != nil {
			log.Warn("deleted account's cached pages not dropped; they expire within pagecache.TTL", "error", err)
		}
	}
	removed, err := s.scrubQueues(ctx, userID, d)
	if err != nil {
		log.Warn("deleted account's queued tasks not all removed; they fail on their missing rows", "error", err)
	}
	if s.Purger != nil {
		ids := make([]int64, len(d.Deletions))
		for i, del := range d.Deletions {
			ids[i] = del.ID
		}
		// At once, so that the bucket is clean when the answer comes;
		// should it fail, the task and the reconcile try again.
		if err := s.Purger.Remove(ctx, ids); err != nil {
			log.Warn("deleted account's objects not removed yet; queued for removal", "error", err)
			s.Purger.Schedule(ctx, d.Deletions)
		}
	}
	log.Info("account deleted", "projects", len(d.ProjectIDs), "media", len(d.MediaIDs), "folders", len(d.Deletions), "tasks_removed", removed)
	return nil
}

// listPage and listPages bound the scan of one queue's state: asynq
// pages of listPage tasks, at most listPages of them.
const (
	listPage  = 500
	listPages = 200
)

// scrubQueues deletes the waiting tasks (pending, scheduled, retrying,
// archived, kept after completion) that name the account, its projects,
// media or keys, and cancels running ones. Periodic tasks that name no
// one are left alone.
func (s *Service) scrubQueues(ctx context.Context, userID int64, d accountdeletion.Deleted) (int, error) {
	if s.Queues == nil {
		return 0, nil
	}
	m := matcher{user: userID, projects: d.ProjectIDs, media: d.MediaIDs, keys: d.Keys}
	names, err := s.Queues.Queues()
	if err != nil {
		return 0, fmt.Errorf("list queues: %w", err)
	}
	lists := []func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){
		s.Queues.ListPendingTasks, s.Queues.ListScheduledTasks, s.Queues.ListRetryTasks,
		s.Queues.ListArchivedTasks, s.Queues.ListCompletedTasks,
	}
	removed := 0
	var errs []error
	for _, q := range names {
		for _, list := range lists {
			// Listed first, deleted after: deleting while paging would
			// shift the pages under the scan.
			var doomed []string
			for page := 1; page <= listPages; page++ {
				tasks, err := list(q, asynq.PageSize(listPage), asynq.Page(page))
				if err != nil {
					errs = append(errs, fmt.Errorf("list %s: %w", q, err))
					break
				}
				for _, t := range tasks {
					if m.names(t) {
						doomed = append(doomed, t.ID)
					}
				}
				if len(tasks) < listPage {
					break
				}
			}
			for _, id := range doomed {
				if err := s.Queues.DeleteTask(q, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
					errs = append(errs, fmt.Errorf("delete task %s: %w", id, err))
					continue
				}
				removed++
			}
		}
		active, err := s.Queues.ListActiveTasks(q, asynq.PageSize(listPage))
		if err != nil {
			errs = append(errs, fmt.Errorf("list active %s: %w", q, err))
			continue
		}
		for _, t := range active {
			if m.names(t) {
				if err := s.Queues.CancelProcessing(t.ID); err != nil {
					errs = append(errs, fmt.Errorf("cancel task %s: %w", t.ID, err))
				}
			}
		}
	}
	return removed, errors.Join(errs...)
}

// matcher tells whether a task names the deleted account: by a payload
// field (owner_id, user_id, project_id, media_id) or by a key in its id.
type matcher struct {
	user            int64
	projects, media []int64
	keys            []string
}

func (m matcher) names(t *asynq.TaskInfo) bool {
	for _, k := range m.keys {
		if k != "" && strings.Contains(t.ID, k) {
			return true
		}
	}
	if len(t.Payload) == 0 || len(t.Payload) > 1<<20 {
		return false
	}
	var p struct {
		OwnerID   *int64 `json:"owner_id"`
		UserID    *int64 `json:"user_id"`
		ProjectID *int64 `json:"project_id"`
		MediaID   *int64 `json:"media_id"`
	}
	if json.Unmarshal(t.Payload, &p) != nil {
		return false
	}
	return (p.OwnerID != nil && *p.OwnerID == m.user) || (p.UserID != nil && *p.UserID == m.user) ||
		(p.ProjectID != nil && slices.Contains(m.projects, *p.ProjectID)) ||
		(p.MediaID != nil && slices.Contains(m.media, *p.MediaID))
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
