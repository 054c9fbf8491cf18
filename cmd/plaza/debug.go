package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// debugHandler serves net/http/pprof. It has a mux of its own: importing
// net/http/pprof registers on http.DefaultServeMux, which Plaza never
// serves, and the main router never routes /debug/.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// listenDebug binds debug.listen; it returns a nil listener when the debug
// listener is off (the default).
func listenDebug(cfg DebugConfig) (net.Listener, error) {
	if cfg.Listen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen debug.listen %s: %w", cfg.Listen, err)
	}
	return ln, nil
}

// serveDebug serves the profiling endpoints on ln until ctx is done.
func serveDebug(ctx context.Context, ln net.Listener, log *slog.Logger) {
	// No write timeout: a CPU profile or trace streams for ?seconds=N.
	srv := &http.Server{Handler: debugHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("debug listener serving pprof", slog.String("listen", ln.Addr().String()))
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("debug listener stopped", slog.Any("error", err))
	}
}
