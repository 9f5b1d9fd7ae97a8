package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres/outbox"
	"github.com/foliohq/folio/internal/postgres/prepared"
)

type mediaRow struct {
	bun.BaseModel `bun:"table:media"`

	ID              int64         `bun:"id,pk,autoincrement"`
	PublicKey       string        `bun:"public_key"`
	OwnerID         int64         `bun:"owner_id"`
	ProjectID       sql.NullInt64 `bun:"project_id"`
	Kind            string        `bun:"kind"`
	Status          string        `bun:"status"`
	Error           string        `bun:"error"`
	Filename        string        `bun:"filename"`
	ContentType     string        `bun:"content_type"`
	SizeBytes       int64         `bun:"size_bytes"`
	OriginalKey     string        `bun:"original_key"`
	UploadID        string        `bun:"upload_id"`
	DurationSeconds float64       `bun:"duration_seconds"`
	Width           int           `bun:"width"`
	Height          int           `bun:"height"`
	VideoCodec      string        `bun:"video_codec"`
	AudioCodec      string        `bun:"audio_codec"`
	CreatedAt       time.Time     `bun:"created_at,nullzero,default:now()"`
	UpdatedAt       time.Time     `bun:"updated_at,nullzero,default:now()"`
}

type renditionRow struct {
	bun.BaseModel `bun:"table:renditions"`

	// The JSON names are to_jsonb's, for renditions read along with
	// their media.
	MediaID     int64  `bun:"media_id,pk" json:"media_id"`
	Name        string `bun:"name,pk" json:"name"`
	Key         string `bun:"key" json:"key"`
	ContentType string `bun:"content_type" json:"content_type"`
	SizeBytes   int64  `bun:"size_bytes" json:"size_bytes"`
	Width       int    `bun:"width" json:"width"`
	Height      int    `bun:"height" json:"height"`
}

func (r *mediaRow) media() *folio.Media {
	return &folio.Media{
		ID: r.ID, PublicKey: r.PublicKey, OwnerID: r.OwnerID, ProjectID: r.ProjectID.Int64, Kind: folio.MediaKind(r.Kind),
		Status: folio.MediaStatus(r.Status), Error: r.Error, Filename: r.Filename, ContentType: r.ContentType,
		SizeBytes: r.SizeBytes, OriginalKey: r.OriginalKey, UploadID: r.UploadID,
		DurationSeconds: r.DurationSeconds, Width: r.Width, Height: r.Height,
		VideoCodec: r.VideoCodec, AudioCodec: r.AudioCodec, Renditions: []folio.Rendition{},
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// MediaService implements folio.MediaService.
type MediaService struct{ db *bun.DB }

// NewMediaService returns a MediaService on db.
func NewMediaService(db *bun.DB) *MediaService { return &MediaService{db: db} }

var _ folio.MediaService = (*MediaService)(nil)

// CreateMedia implements folio.MediaService.
func (s *MediaService) CreateMedia(ctx context.Context, m *folio.Media) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if m.ProjectID != 0 {
			n, err := tx.NewSelect().Table("projects").Where("id = ? AND owner_id = ?", m.ProjectID, m.OwnerID).Count(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				return notFound(sql.ErrNoRows, msgProjectNotFound)
			}
		}
		key := folio.NewPublicKey()
		row := &mediaRow{
			PublicKey: key, OwnerID: m.OwnerID, ProjectID: sql.NullInt64{Int64: m.ProjectID, Valid: m.ProjectID != 0},
			Kind: string(m.Kind), Status: string(m.Status), Filename: m.Filename, ContentType: m.ContentType,
			SizeBytes: m.SizeBytes, UploadID: m.UploadID, OriginalKey: folio.OriginalKey(key),
		}
		if _, err := tx.NewInsert().Model(row).Returning("*").Exec(ctx); err != nil {
			return err
		}
		*m = *row.media()
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: create media: %w", err)
	}
	return nil
}

// load returns the media q selects, with its renditions; by names the
// lookup in errors.
func (s *MediaService) load(ctx context.Context, by string, q *bun.SelectQuery) (*folio.Media, error) {
	row := new(mediaRow)
	if err := q.Model(row).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: media by %s: %w", by, notFound(err, msgMediaNotFound))
	}
	m := row.media()
	var rs []renditionRow
	if err := s.db.NewSelect().Model(&rs).Where("media_id = ?", m.ID).Order("name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: renditions of media %d: %w", m.ID, err)
	}
	for _, r := range rs {
		m.Renditions = append(m.Renditions, folio.Rendition{Name: r.Name, Key: r.Key, ContentType: r.ContentType, SizeBytes: r.SizeBytes, Width: r.Width, Height: r.Height})
	}
	return m, nil
}

// MediaByID implements folio.MediaService.
func (s *MediaService) MediaByID(ctx context.Context, id int64) (*folio.Media, error) {
	return s.load(ctx, "id", s.db.NewSelect().Where("id = ?", id))
}

// OwnedMedia implements folio.MediaService.
func (s *MediaService) OwnedMedia(ctx context.Context, ownerID, id int64) (*folio.Media, error) {
	return s.load(ctx, "id", s.db.NewSelect().Where("id = ? AND owner_id = ?", id, ownerID))
}

// MediaVisibility implements folio.MediaService; a suspended owner's media is not found.
func (s *MediaService) MediaVisibility(ctx context.Context, publicKey string) (folio.MediaVisibility, error) {
	m, err := s.load(ctx, "public key", s.db.NewSelect().Where("public_key = ? AND owner_id NOT IN (SELECT id FROM users WHERE suspended_at IS NOT NULL)", publicKey))
	if err != nil {
		return folio.MediaVisibility{}, err
	}
	v := folio.MediaVisibility{Media: m}
	if m.Kind == folio.MediaAvatar {
		n, err := s.db.NewSelect().Table("users").Where("id = ? AND avatar_media_id = ?", m.OwnerID, m.ID).Count(ctx)
		if err != nil {
			return v, fmt.Errorf("postgres: media visibility: %w", err)
		}
		v.CurrentAvatar = n > 0
	}
	if m.ProjectID != 0 {
		var vis string
		if err := s.db.NewSelect().Table("projects").Column("visibility").Where("id = ?", m.ProjectID).Scan(ctx, &vis); err != nil {
			return v, fmt.Errorf("postgres: media visibility: %w", notFound(err, msgMediaNotFound))
		}
		v.ProjectVisibility = folio.Visibility(vis)
	}
	return v, nil
}

// transition moves a media row between statuses, refusing moves from any
// status not in from, so that a late or repeated task cannot undo progress.
func (s *MediaService) transition(ctx context.Context, db bun.IDB, id int64, to folio.MediaStatus, from []folio.MediaStatus, set func(*bun.UpdateQuery) *bun.UpdateQuery) error {
	q := db.NewUpdate().Table("media").Set("status = ?", to).Set("updated_at = now()").
		Where("id = ?", id).Where("status IN (?)", bun.In(from))
	if set != nil {
		q = set(q)
	}
	res, err := q.Exec(ctx)
	if err := oneRow(res, err); errors.Is(err, sql.ErrNoRows) {
		// No row moved: either there is none, or it is in another status.
		if _, err := s.MediaByID(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("postgres: media %d to %s: %w", id, to,
			folio.Errorf(folio.ECONFLICT, "The media cannot move to %s from its current status.", to))
	} else if err != nil {
		return fmt.Errorf("postgres: media %d to %s: %w", id, to, err)
	}
	return nil
}

// SetUploadID implements folio.MediaService.
func (s *MediaService) SetUploadID(ctx context.Context, id int64, uploadID string) error {
	if _, err := s.db.NewUpdate().Table("media").Set("upload_id = ?, updated_at = now()", uploadID).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: set upload id of media %d: %w", id, err)
	}
	return nil
}

// MarkUploaded implements folio.MediaService.
func (s *MediaService) MarkUploaded(ctx context.Context, id int64, contentType string, size int64) error {
	return s.transition(ctx, s.db, id, folio.MediaUploaded, []folio.MediaStatus{folio.MediaUploading}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("content_type = ?, size_bytes = ?, upload_id = ''", contentType, size)
	})
}

// StartProcessing implements folio.MediaService.
func (s *MediaService) StartProcessing(ctx context.Context, id int64) error {
	return s.transition(ctx, s.db, id, folio.MediaProcessing,
		[]folio.MediaStatus{folio.MediaUploaded, folio.MediaProcessing, folio.MediaFailed}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Set("error = ''")
		})
}

// FinishProcessing implements folio.MediaService.
func (s *MediaService) FinishProcessing(ctx context.Context, id int64, p folio.Probe, rs []folio.Rendition) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*renditionRow)(nil)).Where("media_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("postgres: delete renditions of media %d: %w", id, err)
		}
		if len(rs) > 0 {
			rows := make([]renditionRow, len(rs))
			for i, r := range rs {
				rows[i] = renditionRow{MediaID: id, Name: r.Name, Key: r.Key, ContentType: r.ContentType, SizeBytes: r.SizeBytes, Width: r.Width, Height: r.Height}
			}
			if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
				return fmt.Errorf("postgres: insert renditions of media %d: %w", id, err)
			}
		}
		before, err := lockMedia(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.transition(ctx, tx, id, folio.MediaReady, []folio.MediaStatus{folio.MediaProcessing}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Set("duration_seconds = ?, width = ?, height = ?, video_codec = ?, audio_codec = ?, error = ''",
				p.DurationSeconds, p.Width, p.Height, p.VideoCodec, p.AudioCodec)
		}); err != nil {
			return err
		}
		return notifyMedia(ctx, tx, before, folio.NotifyMediaReady, "")
	})
}

// FailMedia implements folio.MediaService.
// The owner is told of a screencast that fails, in the same transaction,
// once per failure (failing a failed one again says nothing new).
func (s *MediaService) FailMedia(ctx context.Context, id int64, reason string) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		before, err := lockMedia(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.transition(ctx, tx, id, folio.MediaFailed,
			[]folio.MediaStatus{folio.MediaUploading, folio.MediaUploaded, folio.MediaProcessing, folio.MediaFailed}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
				return q.Set("error = ?", reason)
			}); err != nil {
			return err
		}
		if before.Status == string(folio.MediaFailed) {
			return nil
		}
		return notifyMedia(ctx, tx, before, folio.NotifyMediaFailed, reason)
	})
}

// lockMedia reads a media row for update (a zero row when there is none:
// the transition then answers ENOTFOUND).
func lockMedia(ctx context.Context, tx bun.Tx, id int64) (*mediaRow, error) {
	row := new(mediaRow)
	err := tx.NewSelect().Model(row).Where("id = ?", id).For("UPDATE").Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("postgres: media %d: %w", id, err)
	}
	return row, nil
}

// notifyMedia writes a screencast's outcome to the outbox. The row's
// updated_at before the change names this processing run, so a run
// notifies once and a later one (a re-upload) again.
func notifyMedia(ctx context.Context, tx bun.Tx, m *mediaRow, kind folio.NotificationKind, reason string) error {
	if m.ID == 0 || m.Kind != string(folio.MediaScreencast) {
		return nil
	}
	data := map[string]string{"filename": m.Filename, "url": "/dashboard"}
	if reason != "" {
		data["reason"] = reason
	}
	if m.ProjectID.Valid {
		var title string
		if err := tx.NewRaw(`SELECT title FROM projects WHERE id = ?`, m.ProjectID.Int64).Scan(ctx, &title); err != nil {
			return fmt.Errorf("postgres: project of media %d: %w", m.ID, err)
		}
		data["project"], data["url"] = title, fmt.Sprintf("/dashboard/projects/%d", m.ProjectID.Int64)
	}
	_, err := outbox.Add(ctx, tx, folio.Notification{OwnerID: m.OwnerID, Kind: kind, Data: data,
		DedupeKey: fmt.Sprintf("%s:%d:%d", kind, m.ID, m.UpdatedAt.UnixMicro())})
	return err
}

// DeleteMedia implements folio.MediaService.
func (s *MediaService) DeleteMedia(ctx context.Context, id int64) error {
	if _, err := s.db.NewDelete().Model((*mediaRow)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: delete media %d: %w", id, err)
	}
	return nil
}

// ProjectMedia implements folio.MediaService.
func (s *MediaService) ProjectMedia(ctx context.Context, projectID int64) ([]*folio.Media, error) {
	var rows []mediaRow
	if err := s.db.NewSelect().Model(&rows).Where("project_id = ?", projectID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: media of project %d: %w", projectID, err)
	}
	out := make([]*folio.Media, 0, len(rows))
	for i := range rows {
		m, err := s.MediaByID(ctx, rows[i].ID)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// AbandonedUploads implements folio.MediaService.
func (s *MediaService) AbandonedUploads(ctx context.Context, before time.Time) ([]*folio.Media, error) {
	var rows []mediaRow
	if err := s.db.NewSelect().Model(&rows).Where("status = 'uploading' AND updated_at < ?", before).Order("id").Limit(1000).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: abandoned uploads: %w", err)
	}
	out := make([]*folio.Media, len(rows))
	for i := range rows {
		out[i] = rows[i].media()
	}
	return out, nil
}

// StuckUploaded implements folio.MediaService.
func (s *MediaService) StuckUploaded(ctx context.Context, before time.Time) ([]*folio.Media, error) {
	var rows []mediaRow
	if err := s.db.NewSelect().Model(&rows).Where("status IN ('uploaded', 'processing') AND updated_at < ?", before).Order("id").Limit(1000).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: stuck uploads: %w", err)
	}
	out := make([]*folio.Media, len(rows))
	for i := range rows {
		out[i] = rows[i].media()
	}
	return out, nil
}

// SetAvatar implements folio.MediaService.
func (s *MediaService) SetAvatar(ctx context.Context, userID, mediaID int64) error {
	if _, err := s.db.NewUpdate().Table("users").Set("avatar_media_id = ?, updated_at = now()", mediaID).Where("id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("postgres: set avatar of user %d: %w", userID, err)
	}
	return nil
}

// readyMediaQuery reads the ready media of projects with their
// renditions in one query: it is on every page render.
var readyMediaQuery = prepared.New(`SELECT m.*, coalesce((SELECT jsonb_agg(to_jsonb(r) ORDER BY r.name) FROM renditions r WHERE r.media_id = m.id), '[]') AS renditions
	FROM media m WHERE m.project_id = ANY(?) AND m.status = 'ready' ORDER BY m.id`)

// ReadyMedia implements folio.MediaService (readyMediaQuery).
func (s *MediaService) ReadyMedia(ctx context.Context, projectIDs []int64) (map[int64][]*folio.Media, error) {
	out := map[int64][]*folio.Media{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		mediaRow   `bun:",extend"`
		Renditions []renditionRow `bun:"renditions,type:jsonb"`
	}
	if err := readyMediaQuery.All(ctx, s.db, &rows, projectIDs); err != nil {
		return nil, fmt.Errorf("postgres: ready media: %w", err)
	}
	for i := range rows {
		m := rows[i].media()
		for _, r := range rows[i].Renditions {
			m.Renditions = append(m.Renditions, folio.Rendition{Name: r.Name, Key: r.Key, ContentType: r.ContentType, SizeBytes: r.SizeBytes, Width: r.Width, Height: r.Height})
		}
		out[m.ProjectID] = append(out[m.ProjectID], m)
	}
	return out, nil
}
