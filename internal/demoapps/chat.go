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

// Chat bounds: a small room, never an unbounded buffer.
const (
	maxChatMessages    = 50
	maxChatSubscribers = 100
	maxChatText        = 280
)

type chatMessage struct {
	Name string    `json:"name"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// chat is the "Chat Gateway" demo: messages fan out to every open event
// stream (server-sent events), and the page works without JavaScript too.
type chat struct {
	mu   sync.Mutex
	msgs []chatMessage
	subs map[chan chatMessage]struct{}
}

func newChat() http.Handler {
	c := &chat{subs: map[chan chatMessage]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", c.page)
	mux.HandleFunc("GET /events", c.events)
	mux.HandleFunc("POST /messages", c.post)
	return mux
}

var chatPage = template.Must(template.New("chat").Parse(pageHead + `
<h1>Chat Gateway</h1>
<p>Messages fan out to every open stream: open this page in two windows.
{{.Subscribers}} listening now.</p>
<ul id="log">{{range .Messages}}<li><strong>{{.Name}}</strong>: {{.Text}}</li>{{end}}</ul>
<form method="post" action="messages">
<label>Name <input name="name" value="guest" maxlength="20" required></label>
<label>Message <input name="text" maxlength="280" required></label>
<button>Send</button>
</form>
<script>
new EventSource("events").onmessage = function (e) {
  var m = JSON.parse(e.data), li = document.createElement("li"), b = document.createElement("strong");
  b.textContent = m.name; li.appendChild(b); li.appendChild(document.createTextNode(": " + m.text));
  document.getElementById("log").appendChild(li);
};
</script>
` + pageFoot))

func (c *chat) page(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	msgs, subs := append([]chatMessage(nil), c.msgs...), len(c.subs)
	c.mu.Unlock()
	render(w, chatPage, map[string]any{"Messages": msgs, "Subscribers": subs})
}

func (c *chat) post(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	name, text := strings.TrimSpace(r.FormValue("name")), strings.TrimSpace(r.FormValue("text"))
	if name == "" || text == "" || len(name) > 20 || len(text) > maxChatText {
		http.Error(w, fmt.Sprintf("a name (up to 20 characters) and a message (up to %d) are needed", maxChatText), http.StatusUnprocessableEntity)
		return
	}
	m := chatMessage{Name: name, Text: text, At: time.Now().UTC()}
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	if len(c.msgs) > maxChatMessages {
		c.msgs = c.msgs[len(c.msgs)-maxChatMessages:]
	}
	for ch := range c.subs {
		select {
		case ch <- m:
		default: // a slow reader misses a message rather than stalling the room
		}
	}
	c.mu.Unlock()
	http.Redirect(w, r, "./", http.StatusSeeOther)
}

func (c *chat) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan chatMessage, 8)
	c.mu.Lock()
	if len(c.subs) >= maxChatSubscribers {
		c.mu.Unlock()
		http.Error(w, "the room is full", http.StatusServiceUnavailable)
		return
	}
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	// The stream ends before the server's write timeout; EventSource
	// reconnects by itself.
	end := time.NewTimer(50 * time.Second)
	defer end.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-end.C:
			return
		case m := <-ch:
			b, _ := json.Marshal(m)
			fmt.Fprintf(w, "data: %s\n\n", b)
			flusher.Flush()
		}
	}
}
