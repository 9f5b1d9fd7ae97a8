package archivepages

import (
	"slices"
	"testing"

	"github.com/foliohq/folio/internal/archive"
	"github.com/foliohq/folio/internal/i18n"
)

// Every status an export or an import shows has its name in the catalogs
// (the template builds the ids, so the catalog test cannot see them).
func TestArchiveStatusesNamed(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	for _, s := range []string{archive.StatusPending, archive.StatusBuilding, archive.StatusReady, archive.StatusFailed,
		archive.StatusUploaded, archive.StatusImporting, archive.StatusDone} {
		if !slices.Contains(keys, "dashd.archive.status."+s) {
			t.Errorf("status %s has no message dashd.archive.status.%s", s, s)
		}
	}
}
