package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/media"
	"github.com/foliohq/folio/internal/metrics"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/socialcard"
	"github.com/foliohq/folio/internal/storage"
)

// MediaHandlers process uploads: renditions, deletion and cleanup.
type MediaHandlers struct {
	Media     folio.MediaService
	Store     *storage.Store
	Processor *media.Processor
	TempDir   string           // "" for the system default
	Metrics   *metrics.Metrics // nil: none
	// Queue re-queues uploads whose processing task was never queued
	// (Redis was down when the upload finished).
	Queue queue.Enqueuer
	// RequeueAfter is how long an upload may wait for its task before the
	// cleanup queues it again; 0 means DefaultRequeueAfter.
	RequeueAfter time.Duration
	// Cards re-renders the owner's social cards once a poster is ready;
	// nil: cards follow on the next page view.
	Cards *socialcard.Service
}

// DefaultRequeueAfter leaves the API's own enqueue time to happen first.
const DefaultRequeueAfter = 2 * time.Minute

// HandleMediaProcess turns an uploaded original into renditions, stored in
// the original's folder. It is safe to run again after a crash: rendition
// keys are fixed per media, so a
// retry overwrites rather than duplicates, and the row only turns ready
// once every rendition is stored.
func (h *MediaHandlers) HandleMediaProcess(ctx context.Context, t *asynq.Task) error {
	var p queue.MediaPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	log := loggerFor(ctx, t).With("media_id", p.MediaID)
	m, err := h.Media.MediaByID(ctx, p.MediaID)
	if folio.ErrorCode(err) == folio.ENOTFOUND {
		log.Info("media deleted before processing")
		return nil
	} else if err != nil {
		return err
	}
	if m.Status == folio.MediaReady {
		return nil
	}
	if err := h.Media.StartProcessing(ctx, m.ID); err != nil {
		return fmt.Errorf("start processing: %w", err)
	}
	start := time.Now()
	dir, err := os.MkdirTemp(h.TempDir, fmt.Sprintf("folio-media-%d-", m.ID))
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	probe, outs, err := h.render(ctx, m, dir)
	if err != nil {
		return h.fail(ctx, m, err)
	}
	renditions := make([]folio.Rendition, 0, len(outs))
	for _, o := range outs {
		key := m.ObjectPrefix() + filepath.Base(o.File)
		size, err := h.Store.PutFile(ctx, key, o.File, o.ContentType)
		if err != nil {
			return h.fail(ctx, m, fmt.Errorf("store %s: %w", o.Name, err))
		}
		renditions = append(renditions, folio.Rendition{Name: o.Name, Key: key, ContentType: o.ContentType, SizeBytes: size, Width: o.Width, Height: o.Height})
	}
	if err := h.Media.FinishProcessing(ctx, m.ID, probe, renditions); err != nil {
		return err
	}
	log.Info("media ready", "kind", m.Kind, "renditions", len(renditions), "seconds", time.Since(start).Seconds())
	if h.Cards != nil && m.ProjectID != 0 {
		h.Cards.Refresh(ctx, m.OwnerID)
	}
	if h.Metrics != nil {
		h.Metrics.MediaSeconds.WithLabelValues(string(m.Kind)).Observe(time.Since(start).Seconds())
	}
	return nil
}

// render fetches the original into dir and makes the renditions there.
func (h *MediaHandlers) render(ctx context.Context, m *folio.Media, dir string) (folio.Probe, []media.Output, error) {
	// ffmpeg needs a seekable input (an MP4's index may sit at its end), so
	// the original goes to disk, never into memory.
	original := filepath.Join(dir, "original")
	if err := h.Store.GetFile(ctx, m.OriginalKey, original); err != nil {
		return folio.Probe{}, nil, fmt.Errorf("fetch original: %w", err)
	}
	probe, err := h.Processor.Probe(ctx, m.Kind, original)
	if err != nil {
		return probe, nil, err
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		return probe, nil, err
	}
	outs, err := h.Processor.Render(ctx, m.Kind, original, outDir, probe)
	return probe, outs, err
}

// fail records a permanent failure at once, and a transient one only when
// asynq has no retry left, so that the owner sees "processing" while
// retries may still succeed.
func (h *MediaHandlers) fail(ctx context.Context, m *folio.Media, err error) error {
	if media.IsBadInput(err) {
		if ferr := h.Media.FailMedia(ctx, m.ID, err.Error()); ferr != nil {
			return ferr
		}
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	if retried >= maxRetry {
		_ = h.Media.FailMedia(context.WithoutCancel(ctx), m.ID, "Processing failed after several attempts; upload the file again.")
	}
	return err
}

// HandleMediaDelete deletes every object under a prefix.
func (h *MediaHandlers) HandleMediaDelete(ctx context.Context, t *asynq.Task) error {
	var p queue.DeletePayload
	// Only a single media item's folder may be deleted this way; a bad
	// payload must never turn into "delete the bucket".
	if err := json.Unmarshal(t.Payload(), &p); err != nil || !mediaPrefix.MatchString(p.Prefix) {
		return fmt.Errorf("bad payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	return h.Store.RemovePrefix(ctx, p.Prefix)
}

// mediaPrefix matches a media item's folder: its public key, or its id for
// media stored before public keys existed.
var mediaPrefix = regexp.MustCompile(`^media/([0-9]+|[0-9a-f]{32})/$`)

// abandonAfter is how long a direct upload may stay unfinished.
const abandonAfter = 24 * time.Hour

// HandleUploadsCleanup aborts multipart uploads abandoned for more than a
// day and forgets their media rows, and queues the processing of uploads
// whose task was lost (the task id keeps that from duplicating a job; a
// collision is counted as already queued). A task is lost when Redis was
// down as the upload finished, and also when a Redis primary fails before
// its replica has the task: Redis replicates asynchronously, so a task
// acknowledged (or taken by a worker, the media then "processing") a
// moment before the failure may not exist on the promoted replica.
func (h *MediaHandlers) HandleUploadsCleanup(ctx context.Context, t *asynq.Task) error {
	if h.Queue != nil {
		after := h.RequeueAfter
		if after <= 0 {
			after = DefaultRequeueAfter
		}
		stuck, err := h.Media.StuckUploaded(ctx, time.Now().Add(-after))
		if err != nil {
			return err
		}
		for _, m := range stuck {
			task, err := queue.NewMediaProcessTask(m.ID, m.PublicKey, "")
			if err != nil {
				return err
			}
			// Already queued: the task exists and will run, or runs now
			// (a long "processing"), or was archived after its last retry
			// (its failure recorded): no second job either way.
			err = queue.Enqueue(h.Queue, task)
			if queue.AlreadyQueued(err) {
				loggerFor(ctx, t).Info("media processing already queued", "media_id", m.ID)
				h.Metrics.TaskAlreadyQueued(task.Type())
			} else if err != nil {
				return err
			}
		}
	}
	before := time.Now().Add(-abandonAfter)
	abandoned, err := h.Media.AbandonedUploads(ctx, before)
	if err != nil {
		return err
	}
	for _, m := range abandoned {
		if m.UploadID != "" {
			if err := h.Store.AbortMultipart(ctx, m.OriginalKey, m.UploadID); err != nil && !isNotFound(err) {
				return err
			}
		}
		if err := h.Media.DeleteMedia(ctx, m.ID); err != nil {
			return err
		}
	}
	// Uploads whose rows are gone (or never were) are aborted too.
	ups, err := h.Store.IncompleteUploads(ctx, "media/")
	if err != nil {
		return err
	}
	for _, up := range ups {
		if up.Initiated.Before(before) {
			if err := h.Store.AbortMultipart(ctx, up.Key, up.UploadID); err != nil && !isNotFound(err) {
				return err
			}
		}
	}
	return nil
}
