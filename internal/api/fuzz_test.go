package api

import (
	"testing"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/request/body"
)

// FuzzDecodeProjectInput feeds arbitrary bodies through the strict decoder
// and validation of project input: neither may panic, every refusal must
// be an application error a client can read, and accepted input must stay
// valid after normalization.
func FuzzDecodeProjectInput(f *testing.F) {
	for _, seed := range []string{
		`{"title":"Orders API","tech_tags":["go"],"pitch":{"problem":"p"}}`,
		`{"title":"x","demo_url":"javascript:alert(1)"}`,
		`{"title":1}`, `{"colour":"red"}`, `[]`, `{"title":"t"} {}`, `{"tech_tags":[null]}`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req ProjectRequest
		if err := body.Decode(data, &req); err != nil {
			if code := folio.ErrorCode(err); code == folio.EINTERNAL {
				t.Fatalf("decode error is not an application error: %v", err)
			}
			return
		}
		in := req.input()
		in.Normalize()
		if err := in.Validate(true); err != nil {
			if folio.ErrorCode(err) != folio.EINVALID {
				t.Fatalf("validation error has code %s", folio.ErrorCode(err))
			}
			return
		}
		var p folio.Project
		in.Apply(&p)
		if p.Title == "" || len(folio.Slugify(p.Title)) == 0 {
			t.Fatalf("accepted input has no title or slug: %+v", p)
		}
	})
}
