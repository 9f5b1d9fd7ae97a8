// Package demoapps serves the small but real applications behind the demo
// portfolio's live demo links, so that `folio dev` shows every featured
// project with a working demo and a green badge on a machine without
// internet. Each app keeps its state in memory, bounded, and forgets it
// when the process stops; none of this runs in production.
package demoapps

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// App is one demo application, mounted under its own path.
type App struct {
	Path    string // "/orders/"
	Handler http.Handler
}

// Apps are the demo applications, one per seeded project with a live demo
// (Folio itself is the fourth: its demo is the running instance).
func Apps() []App {
	return []App{
		{Path: "/orders/", Handler: newOrders()},
		{Path: "/feeds/", Handler: newFeeds()},
		{Path: "/chat/", Handler: newChat()},
	}
}

// Handler mounts every app on one mux.
func Handler() http.Handler {
	mux := http.NewServeMux()
	for _, a := range Apps() {
		mux.Handle(a.Path, http.StripPrefix(a.Path[:len(a.Path)-1], a.Handler))
	}
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/orders/", http.StatusFound)
	})
	return mux
}

// Server serves the demo apps on a loopback listener.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Start listens on addr and serves in the background until Close.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, srv: &http.Server{
		Handler:           Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      time.Minute, // the chat's event stream ends by then and the browser reconnects
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = ln.Close()
		}
	}()
	return s, nil
}

// Addr is the address the apps listen on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the apps, ending open event streams.
func (s *Server) Close(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}
