package testenv

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// FFmpeg returns the paths of ffmpeg and ffprobe, failing the test when
// they are missing.
func FFmpeg(t testing.TB) (ffmpeg, ffprobe string) {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("testenv: ffmpeg is not installed; %s (it installs ffmpeg)", startHint)
	}
	ffprobe, err = exec.LookPath("ffprobe")
	if err != nil {
		t.Fatalf("testenv: ffprobe is not installed; %s", startHint)
	}
	return ffmpeg, ffprobe
}

func runFFmpeg(t testing.TB, args ...string) {
	t.Helper()
	ffmpeg, _ := FFmpeg(t)
	out, err := exec.Command(ffmpeg, append([]string{"-y", "-v", "error", "-nostdin"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("testenv: ffmpeg %v: %v\n%s", args, err, out)
	}
}

// Video writes an H.264/AAC MP4 test pattern with a tone, generated on the
// spot so that no large file is committed.
func Video(t testing.TB, width, height int, seconds float64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("test-%dx%d.mp4", width, height))
	runFFmpeg(t, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=25", width, height),
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
		"-t", fmt.Sprint(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-shortest", path)
	return path
}

// Image writes a test pattern image; the extension picks the format
// (.png, .jpg, .webp, .gif).
func Image(t testing.TB, width, height int, ext string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("test-%dx%d%s", width, height, ext))
	runFFmpeg(t, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d", width, height), "-frames:v", "1", path)
	return path
}

// NoisePNG writes a PNG of random pixels, which does not compress: about
// 3 bytes per pixel, for tests that need a large valid file.
func NoisePNG(t testing.TB, width, height int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "noise.png")
	runFFmpeg(t, "-f", "lavfi", "-i", fmt.Sprintf("nullsrc=size=%dx%d", width, height),
		"-vf", "geq=r='random(1)*255':g='random(2)*255':b='random(3)*255',format=rgb24", "-frames:v", "1", path)
	return path
}

// WithEXIF returns a copy of a JPEG with an EXIF segment carrying marker,
// standing in for GPS coordinates that must not survive processing.
func WithEXIF(t testing.TB, jpeg, marker string) string {
	t.Helper()
	data, err := os.ReadFile(jpeg)
	if err != nil || len(data) < 2 {
		t.Fatalf("testenv: read %s: %v", jpeg, err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), marker...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append(append(append([]byte{}, data[:2]...), seg...), payload...)
	out = append(out, data[2:]...)
	path := filepath.Join(t.TempDir(), "exif.jpg")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Probe is what ffprobe says of a file's first video stream.
type Probe struct {
	Codec         string
	Width, Height int
	AudioCodec    string
}

// ProbeFile runs ffprobe on path, failing the test when it cannot decode it.
func ProbeFile(t testing.TB, path string) Probe {
	t.Helper()
	_, ffprobe := FFmpeg(t)
	out, err := exec.Command(ffprobe, "-v", "error", "-show_streams", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("testenv: ffprobe cannot read %s: %v", path, err)
	}
	var doc struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
			CodecName string `json:"codec_name"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var p Probe
	for _, s := range doc.Streams {
		if s.CodecType == "video" && p.Codec == "" {
			p.Codec, p.Width, p.Height = s.CodecName, s.Width, s.Height
		}
		if s.CodecType == "audio" && p.AudioCodec == "" {
			p.AudioCodec = s.CodecName
		}
	}
	return p
}
