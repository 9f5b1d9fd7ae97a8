package apidocs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/swaggo/swag/gen"
	"gopkg.in/yaml.v3"
)

// MaxSpecBytes bounds an uploaded document.
const MaxSpecBytes = 10 << 20

// Document is a validated OpenAPI 3 document and what the page says of it.
type Document struct {
	JSON       []byte
	Title      string
	Version    string
	Operations int
	Tags       []string
}

// FromSpec normalizes a Swagger 2.0 or OpenAPI 3.x document (JSON or YAML)
// to OpenAPI 3 JSON and validates it.
func FromSpec(ctx context.Context, data []byte) (*Document, error) {
	var probe map[string]any
	if err := yaml.Unmarshal(data, &probe); err != nil || probe == nil {
		return nil, bad("the file is neither JSON nor YAML")
	}
	var doc *openapi3.T
	switch {
	case probe["swagger"] != nil:
		if v, _ := probe["swagger"].(string); v != "2.0" {
			return nil, bad("only Swagger 2.0 and OpenAPI 3.x are supported (the file says swagger %v)", probe["swagger"])
		}
		asJSON, err := json.Marshal(probe)
		if err != nil {
			return nil, bad("the document cannot be read: %v", err)
		}
		var v2 openapi2.T
		if err := json.Unmarshal(asJSON, &v2); err != nil {
			return nil, bad("the Swagger 2.0 document cannot be read: %s", short(err))
		}
		if doc, err = openapi2conv.ToV3(&v2); err != nil {
			return nil, bad("the Swagger 2.0 document cannot be converted: %s", short(err))
		}
	case probe["openapi"] != nil:
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false // a spec must not make the worker fetch URLs or files
		var err error
		if doc, err = loader.LoadFromData(data); err != nil {
			return nil, bad("the spec is not valid OpenAPI: %s", short(err))
		}
	default:
		return nil, bad("this is not an OpenAPI or Swagger document: it has no \"openapi\" or \"swagger\" field")
	}
	if err := doc.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
		return nil, bad("the spec is not valid OpenAPI: %s", short(err))
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	d := &Document{JSON: out, Title: doc.Info.Title, Version: doc.Info.Version}
	tags := map[string]bool{}
	for _, t := range doc.Tags {
		tags[t.Name] = true
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				d.Operations++
				for _, t := range op.Tags {
					tags[t] = true
				}
			}
		}
	}
	for t := range tags {
		d.Tags = append(d.Tags, t)
	}
	sort.Strings(d.Tags)
	return d, nil
}

// short keeps the first line of a validator message, as much as a person
// can act on.
func short(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 240 {
		s = s[:240] + "…"
	}
	return s
}

// FromSource runs swag's generator, as a library, over Go source in dir.
// Only parsing happens: nothing is built or run.
func FromSource(ctx context.Context, dir, workDir string) (*Document, error) {
	mainFile, err := findGeneralInfo(dir)
	if err != nil {
		return nil, err
	}
	outDir := filepath.Join(workDir, "swag-out")
	cfg := &gen.Config{
		SearchDir:   filepath.Dir(mainFile),
		MainAPIFile: filepath.Base(mainFile),
		OutputDir:   outDir,
		OutputTypes: []string{"json"},
		ParseDepth:  100,
		Debugger:    quietDebugger{},
		// Dependencies are not parsed: that would need the module cache
		// and `go list`, i.e. running the toolchain on uploaded code.
		ParseDependency: 0,
		ParseInternal:   true,
	}
	if err := gen.New().Build(cfg); err != nil {
		return nil, bad("swag could not read the annotations: %s", short(err))
	}
	data, err := os.ReadFile(filepath.Join(outDir, "swagger.json"))
	if err != nil {
		return nil, errors.New("swag wrote no swagger.json")
	}
	return FromSpec(ctx, data)
}

// findGeneralInfo finds the Go file with the API's general annotations
// (// @title), which swag needs as its main file.
func findGeneralInfo(dir string) (string, error) {
	var found string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return err
		}
		if d.IsDir() && (d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) && p != dir {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if fields := strings.Fields(strings.TrimPrefix(line, "//")); strings.HasPrefix(line, "//") && len(fields) > 1 && fields[0] == "@title" {
				found = p
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if found == "" {
		return "", bad("no swag annotations found: add `// @title` to the file with main()")
	}
	return found, nil
}

type quietDebugger struct{}

func (quietDebugger) Printf(string, ...any) {}
