package folio

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path"
	"time"
)

// MediaKind says what an upload is for.
type MediaKind string

// Media kinds.
const (
	MediaScreencast MediaKind = "screencast"
	MediaScreenshot MediaKind = "screenshot"
	MediaAvatar     MediaKind = "avatar"
)

// IsVideo reports whether the kind holds a video.
func (k MediaKind) IsVideo() bool { return k == MediaScreencast }

// ParseMediaKind accepts the kinds a project upload may have.
func ParseMediaKind(s string) (MediaKind, bool) {
	switch k := MediaKind(s); k {
	case MediaScreencast, MediaScreenshot:
		return k, true
	}
	return "", false
}

// MediaStatus is where an upload is in its life.
type MediaStatus string

// Statuses, in order: uploading → uploaded → processing → ready | failed.
const (
	MediaUploading  MediaStatus = "uploading"
	MediaUploaded   MediaStatus = "uploaded"
	MediaProcessing MediaStatus = "processing"
	MediaReady      MediaStatus = "ready"
	MediaFailed     MediaStatus = "failed"
)

// Accepted upload types, by the type sniffed from the first bytes.
var (
	VideoTypes = map[string]bool{"video/mp4": true, "video/webm": true, "video/quicktime": true, "video/x-matroska": true}
	ImageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true, "image/gif": true}
)

// AcceptsType reports whether a sniffed content type fits the kind.
func (k MediaKind) AcceptsType(contentType string) bool {
	if k.IsVideo() {
		return VideoTypes[contentType]
	}
	return ImageTypes[contentType]
}

// Media is one upload and what was made of it.
type Media struct {
	ID int64
	// PublicKey names the media where anyone may see it: in rendition URLs
	// and in object keys. It is random, so that URLs cannot be enumerated
	// and two databases sharing a bucket never pick the same keys.
	PublicKey       string
	OwnerID         int64
	ProjectID       int64 // 0 for an avatar
	Kind            MediaKind
	Status          MediaStatus
	Error           string
	Filename        string
	ContentType     string
	SizeBytes       int64
	OriginalKey     string
	UploadID        string // S3 multipart upload id while uploading directly
	DurationSeconds float64
	Width, Height   int
	VideoCodec      string
	AudioCodec      string
	Renditions      []Rendition
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Rendition is a web-ready file made from an original.
type Rendition struct {
	Name        string // poster_jpeg, poster_webp, thumbnail, video, image
	Key         string
	ContentType string
	SizeBytes   int64
	Width       int
	Height      int
}

// Rendition returns the named rendition, if it exists.
func (m *Media) Rendition(name string) (Rendition, bool) {
	for _, r := range m.Renditions {
		if r.Name == name {
			return r, true
		}
	}
	return Rendition{}, false
}

// NewPublicKey returns a fresh random key: 128 bits as 32 lowercase hex
// digits.
func NewPublicKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails: it crashes the program instead
	return hex.EncodeToString(b)
}

// IsPublicKey reports whether s has the shape of a public key, so that a
// path that cannot name any media is refused without a query. Keys given
// by the database to rows older than keys (random UUIDs without dashes)
// have the same shape.
func IsPublicKey(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// MediaPrefix is the object-key folder of everything of a new media item,
// named by its public key, so that deleting it is deleting one prefix.
func MediaPrefix(publicKey string) string { return "media/" + publicKey + "/" }

// OriginalKey is where the uploaded bytes of a new media item live.
func OriginalKey(publicKey string) string { return MediaPrefix(publicKey) + "original" }

// ObjectPrefix is the folder of m's objects. It follows the stored key of
// the original, so that media stored before public keys existed (under
// media/{id}/) keep their folder.
func (m *Media) ObjectPrefix() string { return path.Dir(m.OriginalKey) + "/" }

// Probe is what ffprobe found in an original.
type Probe struct {
	DurationSeconds float64
	Width, Height   int
	VideoCodec      string
	AudioCodec      string
}

// MediaVisibility is what deciding who may see a media item needs.
type MediaVisibility struct {
	Media             *Media
	ProjectVisibility Visibility // empty for avatars
	CurrentAvatar     bool       // an avatar its owner's profile still shows
}

// PublicTo reports whether the viewer (0 when anonymous) may see the
// media. Its owner always may; anyone else only while it is in use on a
// page they may open: the current avatar of a profile, the media of a
// public project, or of an unlisted one (whose page, like the media's
// unguessable URLs, is for whoever was given the link). Media of drafts and
// replaced avatars are their owner's alone.
func (v MediaVisibility) PublicTo(viewerID int64) bool {
	if viewerID != 0 && v.Media.OwnerID == viewerID {
		return true
	}
	if v.Media.Kind == MediaAvatar {
		return v.CurrentAvatar
	}
	return v.ProjectVisibility == VisibilityPublic || v.ProjectVisibility == VisibilityUnlisted
}

// Listed reports whether the media is shown on pages anyone may find (a
// public project, a current avatar), and so may sit in shared caches.
func (v MediaVisibility) Listed() bool {
	if v.Media.Kind == MediaAvatar {
		return v.CurrentAvatar
	}
	return v.ProjectVisibility == VisibilityPublic
}

// MediaService stores media rows. Methods taking an ownerID answer
// ENOTFOUND for another owner's media or project.
type MediaService interface {
	// CreateMedia stores m (its ID, PublicKey and OriginalKey are set). For
	// a project upload, ENOTFOUND unless the project is ownerID's.
	CreateMedia(ctx context.Context, m *Media) error
	// MediaByID returns any media item; for the worker and delivery.
	MediaByID(ctx context.Context, id int64) (*Media, error)
	// OwnedMedia returns ENOTFOUND unless the media is ownerID's.
	OwnedMedia(ctx context.Context, ownerID, id int64) (*Media, error)
	// MediaVisibility returns the media with the public key, with what says
	// who may see it; ENOTFOUND when no media has the key.
	MediaVisibility(ctx context.Context, publicKey string) (MediaVisibility, error)
	// SetUploadID records the multipart upload id of a direct upload.
	SetUploadID(ctx context.Context, id int64, uploadID string) error
	// MarkUploaded records the verified original and moves uploading → uploaded.
	MarkUploaded(ctx context.Context, id int64, contentType string, size int64) error
	// StartProcessing moves uploaded|processing|failed → processing.
	StartProcessing(ctx context.Context, id int64) error
	// FinishProcessing records the probe and renditions and marks ready,
	// replacing renditions of an earlier attempt.
	FinishProcessing(ctx context.Context, id int64, p Probe, rs []Rendition) error
	// FailMedia marks the media failed with a reason a person can act on.
	FailMedia(ctx context.Context, id int64, reason string) error
	// DeleteMedia removes the row (renditions go with it).
	DeleteMedia(ctx context.Context, id int64) error
	// ReadyMedia lists the ready media of several projects, oldest first.
	ReadyMedia(ctx context.Context, projectIDs []int64) (map[int64][]*Media, error)
	// ProjectMedia lists a project's media, oldest first.
	ProjectMedia(ctx context.Context, projectID int64) ([]*Media, error)
	// AbandonedUploads lists media still uploading since before t.
	AbandonedUploads(ctx context.Context, before time.Time) ([]*Media, error)
	// StuckUploaded lists media left uploaded or processing since before t
	// (the job never queued, or lost with a Redis primary that failed).
	StuckUploaded(ctx context.Context, before time.Time) ([]*Media, error)
	// SetAvatar points the user's profile at a media item.
	SetAvatar(ctx context.Context, userID, mediaID int64) error
}
