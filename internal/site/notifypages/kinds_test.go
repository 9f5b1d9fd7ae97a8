package notifypages

import (
	"slices"
	"testing"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Every kind an owner chooses has its name in the catalogs (the ids are
// built from the kinds, so the catalog test cannot see them).
func TestKindLabelsExist(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	for _, k := range folio.OwnerKinds {
		if !slices.Contains(keys, "dashd.notify.kind."+string(k)) {
			t.Errorf("kind %s has no message dashd.notify.kind.%s", k, k)
		}
	}
}
