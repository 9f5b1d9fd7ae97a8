package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/foliohq/folio/internal/folio"
)

// BadInputError is a failure no retry can fix; its message says why in
// words the owner can act on.
type BadInputError struct{ Reason string }

func (e *BadInputError) Error() string { return e.Reason }

// IsBadInput reports whether err is a BadInputError.
func IsBadInput(err error) bool {
	var b *BadInputError
	return errors.As(err, &b)
}

// Processor runs ffprobe and ffmpeg with bounded threads and time.
type Processor struct {
	FFmpeg, FFprobe string
	Threads         int           // per ffmpeg run
	Timeout         time.Duration // per ffmpeg run
	MaxVideoSeconds float64
}

// Output is a rendition file made in a working folder.
type Output struct {
	Name        string
	File        string
	ContentType string
	Width       int
	Height      int
}

// Command is one ffmpeg invocation.
type Command struct {
	Args   []string // after the program name
	Output Output
}

// Rendition names.
const (
	PosterJPEG = "poster_jpeg"
	PosterWebP = "poster_webp"
	Thumbnail  = "thumbnail"
	Video      = "video"
	Image      = "image"
)

var imageCodecs = map[string]bool{"png": true, "mjpeg": true, "webp": true, "gif": true, "jpegls": true}

type probeOutput struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Duration  string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// Probe reads what a file holds and checks that it fits the kind. A file
// ffprobe cannot read, an empty or too long video, or an image where a
// video is expected is a BadInputError.
func (p *Processor) Probe(ctx context.Context, kind folio.MediaKind, file string) (folio.Probe, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.FFprobe, "-v", "error", "-print_format", "json", "-show_streams", "-show_format", file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return folio.Probe{}, fmt.Errorf("ffprobe timed out: %w", ctx.Err())
		}
		return folio.Probe{}, &BadInputError{Reason: "The file could not be read as a " + kindNoun(kind) + " (" + firstLine(stderr.String()) + ")."}
	}
	var po probeOutput
	if err := json.Unmarshal(out, &po); err != nil {
		return folio.Probe{}, fmt.Errorf("parse ffprobe output: %w", err)
	}
	var pr folio.Probe
	for _, s := range po.Streams {
		switch {
		case s.CodecType == "video" && pr.VideoCodec == "":
			pr.VideoCodec, pr.Width, pr.Height = s.CodecName, s.Width, s.Height
		case s.CodecType == "audio" && pr.AudioCodec == "":
			pr.AudioCodec = s.CodecName
		}
	}
	pr.DurationSeconds, _ = strconv.ParseFloat(po.Format.Duration, 64)
	switch {
	case pr.VideoCodec == "" || pr.Width == 0 || pr.Height == 0:
		return pr, &BadInputError{Reason: "The file has no picture in it."}
	case kind.IsVideo() && imageCodecs[pr.VideoCodec]:
		return pr, &BadInputError{Reason: "This is an image; a screencast must be a video."}
	case kind.IsVideo() && pr.DurationSeconds <= 0:
		return pr, &BadInputError{Reason: "The video has no duration; it may be truncated or corrupt."}
	case kind.IsVideo() && p.MaxVideoSeconds > 0 && pr.DurationSeconds > p.MaxVideoSeconds:
		return pr, &BadInputError{Reason: fmt.Sprintf("The video is %.0f s long; the limit is %.0f s. Trim it and upload again.", pr.DurationSeconds, p.MaxVideoSeconds)}
	case !kind.IsVideo() && !imageCodecs[pr.VideoCodec]:
		return pr, &BadInputError{Reason: "This is a video; a screenshot or avatar must be an image."}
	}
	return pr, nil
}

func kindNoun(kind folio.MediaKind) string {
	if kind.IsVideo() {
		return "video"
	}
	return "image"
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	// ffprobe names the input file; the owner does not need the temp path.
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(s[:i], string(filepath.Separator)) {
		s = s[i+2:]
	}
	if len(s) > 160 {
		s = s[:160]
	}
	if s == "" {
		return "unknown format"
	}
	return s
}

// Commands lists the ffmpeg runs that make the renditions of kind from in,
// writing into dir. They are exported so that a benchmark can run the very
// same commands by hand.
func (p *Processor) Commands(kind folio.MediaKind, in, dir string, pr folio.Probe) []Command {
	threads := strconv.Itoa(max(p.Threads, 1))
	base := []string{"-y", "-v", "error", "-nostdin", "-threads", threads}
	out := func(name, file, ct string) Output {
		return Output{Name: name, File: filepath.Join(dir, file), ContentType: ct}
	}
	if !kind.IsVideo() {
		image, thumb := out(Image, "image.webp", "image/webp"), out(Thumbnail, "thumbnail.webp", "image/webp")
		// Re-encoding with -map_metadata -1 drops EXIF, GPS and XMP.
		webp := func(o Output, size int) Command {
			return Command{Output: o, Args: append(append([]string{}, base...), "-i", in, "-frames:v", "1", "-map_metadata", "-1",
				"-vf", fmt.Sprintf("scale=w='min(%d,iw)':h='min(%d,ih)':force_original_aspect_ratio=decrease", size, size),
				"-c:v", "libwebp", "-quality", "82", o.File)}
		}
		return []Command{webp(image, 1600), webp(thumb, 480)}
	}
	// The poster comes from a little way in, and the thumbnail filter picks
	// the most representative of the next frames: not a black title frame.
	seek := fmt.Sprintf("%.2f", min(1.0, pr.DurationSeconds/4))
	posterJPEG, posterWebP := out(PosterJPEG, "poster.jpg", "image/jpeg"), out(PosterWebP, "poster.webp", "image/webp")
	thumb, video := out(Thumbnail, "thumbnail.jpg", "image/jpeg"), out(Video, "video.mp4", "video/mp4")
	fit := "scale=w='min(%d,iw)':h='min(%d,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2"
	return []Command{
		{Output: posterJPEG, Args: append(append([]string{}, base...), "-ss", seek, "-i", in, "-map_metadata", "-1",
			"-vf", "thumbnail=30,"+fmt.Sprintf(fit, 1920, 1080), "-frames:v", "1", "-q:v", "3", posterJPEG.File)},
		{Output: posterWebP, Args: append(append([]string{}, base...), "-i", posterJPEG.File, "-c:v", "libwebp", "-quality", "80", posterWebP.File)},
		{Output: thumb, Args: append(append([]string{}, base...), "-i", posterJPEG.File, "-vf", fmt.Sprintf(fit, 640, 360), "-q:v", "4", thumb.File)},
		{Output: video, Args: append(append([]string{}, base...), "-i", in, "-map", "0:v:0", "-map", "0:a:0?", "-map_metadata", "-1",
			"-vf", fmt.Sprintf(fit, 1920, 1080), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
			"-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", video.File)},
	}
}

// Render runs the commands and measures each output.
func (p *Processor) Render(ctx context.Context, kind folio.MediaKind, in, dir string, pr folio.Probe) ([]Output, error) {
	var outs []Output
	for _, c := range p.Commands(kind, in, dir, pr) {
		if err := p.run(ctx, c.Args); err != nil {
			return nil, fmt.Errorf("make %s: %w", c.Output.Name, err)
		}
		o := c.Output
		size, err := p.Probe(ctx, folio.MediaScreenshot, o.File)
		if o.Name == Video {
			size, err = p.Probe(ctx, folio.MediaScreencast, o.File)
		}
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", o.Name, err)
		}
		o.Width, o.Height = size.Width, size.Height
		outs = append(outs, o)
	}
	return outs, nil
}

func (p *Processor) run(ctx context.Context, args []string) error {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.FFmpeg, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("ffmpeg ran longer than %s", timeout)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// ffmpeg failing on input that ffprobe accepted means the file is
		// damaged further in; no retry will change that.
		return &BadInputError{Reason: "The file could not be converted (" + firstLine(stderr.String()) + ")."}
	}
	return nil
}
