package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/foliohq/folio/internal/acmetls"
	"github.com/foliohq/folio/internal/server"
)

// serveTLS starts Folio's own HTTPS listener (FOLIO_TLS_ADDR) with
// certificates on demand for the instance's host and verified custom
// domains, and the plain HTTP listener (FOLIO_TLS_HTTP_ADDR) for http-01
// challenges and redirects. Errors of a listener that stops go to errc;
// stop closes the HTTP listener (srv.Shutdown closes the HTTPS one).
func (a *app) serveTLS(srv *server.Server, errc chan<- error) (stop func(), err error) {
	t := a.cfg.TLS
	if !t.Enabled() {
		return func() {}, nil
	}
	if srv.Hosts() == nil {
		return nil, errors.New("tls: custom domains are off")
	}
	o := acmetls.Options{CA: t.ACMECA, Email: t.ACMEEmail, Allow: srv.Hosts().Allow, NoHTTPChallenge: t.HTTPAddr == "",
		Storage: &acmetls.Storage{Client: a.store.Client(), Bucket: a.store.Bucket(), DB: a.db}}
	if t.ACMECARoot != "" {
		if o.CARoots, err = acmetls.LoadRoots(t.ACMECARoot); err != nil {
			return nil, err
		}
	}
	o.TLSPort = port(t.Addr)
	if t.HTTPAddr != "" {
		o.HTTPPort = port(t.HTTPAddr)
	}
	m, err := acmetls.New(o)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", t.Addr)
	if err != nil {
		return nil, err
	}
	go func() { errc <- srv.ServeTLS(ln, m.TLSConfig()) }()
	a.log.Info("https server listening", "addr", t.Addr, "acme_ca", t.ACMECA)
	if t.HTTPAddr == "" {
		return func() {}, nil
	}
	_, tlsPort, _ := net.SplitHostPort(t.Addr)
	hs := &http.Server{Addr: t.HTTPAddr, Handler: m.HTTPHandler(acmetls.RedirectHTTPS(tlsPort)),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	hln, err := net.Listen("tcp", t.HTTPAddr)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := hs.Serve(hln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	a.log.Info("http challenge and redirect listener", "addr", t.HTTPAddr)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}

// port is the numeric port of a listen address, 0 when unknown.
func port(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := net.LookupPort("tcp", p)
	return n
}
