// Package apidocs turns what an owner gives (an OpenAPI or Swagger
// document, or swag-annotated Go source) into a validated OpenAPI 3
// document. Source code is only ever parsed, never built or run.
package apidocs

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// BadInputError is a failure the owner must fix; its message says how.
type BadInputError struct{ Reason string }

func (e *BadInputError) Error() string { return e.Reason }

func bad(format string, args ...any) error {
	return &BadInputError{Reason: fmt.Sprintf(format, args...)}
}

// sizeOf writes a byte limit for people: a limit under a megabyte (as in
// tests or a tight configuration) read "0 MB" when written in whole MB.
func sizeOf[T ~int | ~int64](n T) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// IsBadInput reports whether err is a BadInputError.
func IsBadInput(err error) bool {
	var b *BadInputError
	return errors.As(err, &b)
}

// Limits bound what an archive may unpack to.
type Limits struct {
	TotalBytes int64 // all files together, uncompressed
	FileBytes  int64 // any one file
	Files      int
	Ratio      int64 // uncompressed / compressed, for the whole archive
}

// DefaultLimits fit a service's source with room to spare.
var DefaultLimits = Limits{TotalBytes: 200 << 20, FileBytes: 20 << 20, Files: 10000, Ratio: 100}

// safePath refuses entry names that would land outside dest.
func safePath(dest, name string) (string, error) {
	if name == "" || strings.ContainsRune(name, 0) {
		return "", bad("the archive has an entry without a usable name")
	}
	clean := path.Clean(strings.ReplaceAll(name, `\`, "/"))
	if path.IsAbs(clean) || filepath.IsAbs(name) || len(name) > 1 && name[1] == ':' {
		return "", bad("the archive has an absolute path (%q); archives must hold relative paths", name)
	}
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", bad("the archive has a path that leaves its folder (%q)", name)
	}
	return filepath.Join(dest, filepath.FromSlash(clean)), nil
}

type budget struct {
	limits     Limits
	compressed int64
	total      int64
	files      int
}

func (b *budget) file() error {
	b.files++
	if b.files > b.limits.Files {
		return bad("the archive has more than %d files", b.limits.Files)
	}
	return nil
}

// write copies one entry, counting as it goes: declared sizes in headers
// cannot be trusted.
func (b *budget) write(target string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		if os.IsExist(err) {
			return bad("the archive has the same file twice (%s)", filepath.Base(target))
		}
		return err
	}
	defer f.Close()
	n, err := io.Copy(f, io.LimitReader(r, b.limits.FileBytes+1))
	if err != nil {
		return bad("the archive is damaged: %v", err)
	}
	if n > b.limits.FileBytes {
		return bad("a file in the archive is larger than %s", sizeOf(b.limits.FileBytes))
	}
	b.total += n
	if b.total > b.limits.TotalBytes {
		return bad("archive is larger than %d MB uncompressed", b.limits.TotalBytes>>20)
	}
	if b.compressed > 0 && b.total/b.compressed > b.limits.Ratio && b.total > 1<<20 {
		return bad("the archive expands more than %d times; it looks like a zip bomb", b.limits.Ratio)
	}
	return nil
}

// ExtractZip unpacks a zip into dest, refusing absolute paths, "..",
// symlinks and device files, and stopping at the limits.
func ExtractZip(archive, dest string, limits Limits) error {
	info, err := os.Stat(archive)
	if err != nil {
		return err
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return bad("this is not a readable zip archive")
	}
	defer zr.Close()
	b := &budget{limits: limits, compressed: max(info.Size(), 1)}
	for _, f := range zr.File {
		target, err := safePath(dest, f.Name)
		if err != nil {
			return err
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(target, 0o700); err != nil {
				return err
			}
			continue
		case mode&os.ModeSymlink != 0:
			return bad("the archive has a symbolic link (%q); only plain files are accepted", f.Name)
		case !mode.IsRegular():
			return bad("the archive has a special file (%q); only plain files are accepted", f.Name)
		}
		if err := b.file(); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return bad("the archive is damaged: %v", err)
		}
		err = b.write(target, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ExtractTarGz unpacks a gzipped tar into dest with the same rules.
func ExtractTarGz(archive, dest string, limits Limits) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		return bad("this is not a gzipped tar archive")
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	b := &budget{limits: limits, compressed: max(info.Size(), 1)}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return bad("the archive is damaged: %v", err)
		}
		target, err := safePath(dest, h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := b.file(); err != nil {
				return err
			}
			if err := b.write(target, tr); err != nil {
				return err
			}
		case tar.TypeSymlink, tar.TypeLink:
			return bad("the archive has a link (%q); only plain files are accepted", h.Name)
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
		default:
			return bad("the archive has a special file (%q); only plain files are accepted", h.Name)
		}
	}
}
