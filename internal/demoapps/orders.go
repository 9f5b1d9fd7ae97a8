package demoapps

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxOrders bounds the orders app's memory: the oldest order and its
// idempotency key are forgotten past it.
const maxOrders = 500

type order struct {
	ID        int       `json:"id"`
	Item      string    `json:"item"`
	Quantity  int       `json:"quantity"`
	CreatedAt time.Time `json:"created_at"`
}

// orders is the "Orders API" demo: order intake where a retried request
// with the same Idempotency-Key replays the first answer instead of making
// a second order.
type orders struct {
	mu     sync.Mutex
	nextID int
	list   []order
	byKey  map[string]int // idempotency key → order id
	keyOf  map[int]string
}

func newOrders() http.Handler {
	o := &orders{nextID: 1, byKey: map[string]int{}, keyOf: map[int]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", o.page)
	mux.HandleFunc("GET /api/orders", o.listJSON)
	mux.HandleFunc("POST /api/orders", o.create)
	mux.HandleFunc("POST /place", o.placeFromForm)
	return mux
}

var ordersPage = template.Must(template.New("orders").Parse(pageHead + `
<h1>Orders API</h1>
<p>Idempotent order intake: send <code>POST /orders/api/orders</code> twice with the same
<code>Idempotency-Key</code> header and the second answer replays the first.</p>
<form method="post" action="place">
<label>Item <input name="item" value="coffee beans" maxlength="60" required></label>
<label>Quantity <input name="quantity" type="number" min="1" max="99" value="1"></label>
<input type="hidden" name="key" value="{{.Key}}">
<button>Place order</button> <small>(reload and submit again: still one order)</small>
</form>
<h2>Latest orders</h2>
<table><tr><th>#</th><th>item</th><th>qty</th><th>at</th></tr>
{{range .Orders}}<tr><td>{{.ID}}</td><td>{{.Item}}</td><td>{{.Quantity}}</td><td>{{.CreatedAt.Format "15:04:05"}}</td></tr>
{{else}}<tr><td colspan="4">No orders yet.</td></tr>{{end}}</table>
<pre>curl -X POST -H 'Idempotency-Key: k1' -d '{"item":"tea","quantity":2}' {{.Self}}api/orders</pre>
` + pageFoot))

func (o *orders) page(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	latest := append([]order(nil), o.list[max(0, len(o.list)-10):]...)
	o.mu.Unlock()
	for i, j := 0, len(latest)-1; i < j; i, j = i+1, j-1 {
		latest[i], latest[j] = latest[j], latest[i]
	}
	render(w, ordersPage, map[string]any{"Orders": latest, "Key": newKey(), "Self": "http://" + r.Host + "/orders/"})
}

func (o *orders) listJSON(w http.ResponseWriter, _ *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"orders": o.list})
}

// place records an order once per key; replayed reports a repeat.
func (o *orders) place(key, item string, qty int) (order, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if id, ok := o.byKey[key]; ok && key != "" {
		for _, x := range o.list {
			if x.ID == id {
				return x, true
			}
		}
	}
	x := order{ID: o.nextID, Item: item, Quantity: qty, CreatedAt: time.Now().UTC()}
	o.nextID++
	o.list = append(o.list, x)
	if key != "" {
		o.byKey[key], o.keyOf[x.ID] = x.ID, key
	}
	if len(o.list) > maxOrders {
		old := o.list[0]
		o.list = o.list[1:]
		delete(o.byKey, o.keyOf[old.ID])
		delete(o.keyOf, old.ID)
	}
	return x, false
}

func (o *orders) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Item     string `json:"item"`
		Quantity int    `json:"quantity"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body must be JSON: {\"item\": \"...\", \"quantity\": 1}"})
		return
	}
	item, err := cleanItem(in.Item, in.Quantity)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	x, replayed := o.place(strings.TrimSpace(r.Header.Get("Idempotency-Key")), item, in.Quantity)
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, http.StatusOK, x)
		return
	}
	writeJSON(w, http.StatusCreated, x)
}

func (o *orders) placeFromForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	qty := 1
	fmt.Sscan(r.FormValue("quantity"), &qty)
	item, err := cleanItem(r.FormValue("item"), qty)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	o.place(r.FormValue("key"), item, qty)
	http.Redirect(w, r, "./", http.StatusSeeOther)
}

func cleanItem(item string, qty int) (string, error) {
	item = strings.TrimSpace(item)
	if item == "" || len(item) > 60 {
		return "", fmt.Errorf("item must be 1 to 60 characters")
	}
	if qty < 1 || qty > 99 {
		return "", fmt.Errorf("quantity must be 1 to 99")
	}
	return item, nil
}
