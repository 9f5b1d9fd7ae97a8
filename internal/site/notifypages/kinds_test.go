package notifypages

import (
	"slices"
	"testing"

	"github.com/foliohq/folio/internal/folio"
	"github.com/foliohq/folio/internal/i18n"
)

// Every kind an owner chooses or a delivery has has its name in the catalogs (the ids are
// built from the kinds, so the catalog test cannot see them).
func TestKindLabelsExist(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	for _, k := range append(append([]folio.NotificationKind{}, folio.OwnerKinds...), accountKinds...) {
		if !slices.Contains(keys, "dashd.notify.kind."+string(k)) {
			t.Errorf("kind %s has no message dashd.notify.kind.%s", k, k)
		}
	}
}

// Every delivery status has its name (the template builds the ids).
func TestDeliveryStatusesNamed(t *testing.T) {
	keys := i18n.Keys(i18n.Default)
	for _, s := range []folio.DeliveryStatus{folio.DeliveryPending, folio.DeliverySent, folio.DeliveryFailed, folio.DeliverySkipped} {
		if !slices.Contains(keys, "dashd.notify.status."+string(s)) {
			t.Errorf("status %s has no message dashd.notify.status.%s", s, s)
		}
	}
}
