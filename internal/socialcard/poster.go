package socialcard

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // posters are JPEG
	_ "image/png"  // screenshots may be PNG

	_ "golang.org/x/image/webp" // or WebP
)

// Bounds of a poster read back from the store: it is our own rendition,
// but a card's render must not be the place where a huge image costs
// gigabytes.
const (
	MaxPosterBytes  = 8 << 20
	MaxPosterPixels = 4096 * 4096
)

// errPosterTooLarge refuses a poster whose header announces more than
// MaxPosterPixels.
var errPosterTooLarge = errors.New("socialcard: poster too large")

// DecodePoster decodes a JPEG, PNG or WebP poster of at most
// MaxPosterBytes bytes and MaxPosterPixels pixels, checking the size its
// header announces before decoding any pixel.
func DecodePoster(b []byte) (image.Image, error) {
	if len(b) > MaxPosterBytes {
		return nil, errPosterTooLarge
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("socialcard: poster: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 16384 || cfg.Height > 16384 || cfg.Width*cfg.Height > MaxPosterPixels {
		return nil, errPosterTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("socialcard: poster: %w", err)
	}
	return img, nil
}
