package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/postgres"
)

// A screencast that fails processing is mailed once with the reason;
// failing it again says nothing new.
func TestScreencastFailureMailedOnceWithReason(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	to := f.mailpit.Address("media")
	owner := f.owner(t, to, true)
	title := "Orders"
	p, err := postgres.NewProjectService(f.db).CreateProject(ctx, owner, folio.ProjectInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := f.db.NewRaw(`INSERT INTO media (owner_id, project_id, kind, status, filename, public_key, original_key)
		VALUES (?, ?, 'screencast', 'processing', 'walkthrough.mp4', ?, 'k') RETURNING id`, owner, p.ID, "pk"+to).Scan(ctx, &id); err != nil {
		t.Fatal(err)
	}
	media := postgres.NewMediaService(f.db)
	for range 2 {
		if err := media.FailMedia(ctx, id, "The file is not a video ffmpeg can read."); err != nil {
			t.Fatal(err)
		}
	}
	f.deliverUntil(t, "sent", func() bool { return f.delivery(t, owner).Status == folio.DeliverySent })
	m := f.mailpit.WaitForMail(t, to, 1, 10*time.Second)[0]
	if m.Subject != "Screencast processing failed: Orders" || !strings.Contains(m.Text, "The file is not a video ffmpeg can read.") ||
		!strings.Contains(m.Text, "walkthrough.mp4") {
		t.Errorf("%q\n%s", m.Subject, m.Text)
	}
}
