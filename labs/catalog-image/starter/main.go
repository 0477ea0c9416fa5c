// Command catalog is the Bookstore catalog service: a small HTTP API that
// lists books and exposes health, readiness and metrics endpoints.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// Book is one entry of the catalog.
type Book struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Author string  `json:"author"`
	Price  float64 `json:"price"`
}

// sampleBooks is served when no database is configured.
var sampleBooks = []Book{
	{ID: "1", Title: "The Pragmatic Programmer", Author: "Andrew Hunt, David Thomas", Price: 42.00},
	{ID: "2", Title: "Designing Data-Intensive Applications", Author: "Martin Kleppmann", Price: 48.50},
	{ID: "3", Title: "Site Reliability Engineering", Author: "Betsy Beyer et al.", Price: 39.90},
}

// requests counts handled HTTP requests for /metrics.
var requests atomic.Int64

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sampleBooks)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintln(w, "# HELP catalog_http_requests_total HTTP requests handled by the catalog.")
		fmt.Fprintln(w, "# TYPE catalog_http_requests_total counter")
		fmt.Fprintf(w, "catalog_http_requests_total %d\n", requests.Load())
		fmt.Fprintln(w, "# HELP catalog_books Books in the catalog.")
		fmt.Fprintln(w, "# TYPE catalog_books gauge")
		fmt.Fprintf(w, "catalog_books %d\n", len(sampleBooks))
	})
	return mux
}

func countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		next.ServeHTTP(w, r)
	})
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	srv := &http.Server{
		Addr:              ":" + port,
		Handler:           countRequests(newMux()),
		ReadHeaderTimeout: 5 * time.Second,
	}

	// SIGTERM (docker stop, Kubernetes) and SIGINT (Ctrl-C) start a graceful
	// shutdown. Without this, Go's runtime would still catch SIGTERM, but only
	// to exit at once with status 2, cutting off requests in flight. (It is a
	// process with no handler at all, such as sh as PID 1, that never sees it.)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	serveErr := make(chan error, 1)
	go func() {
		log.Printf("catalog listening on :%s", port)
		serveErr <- srv.ListenAndServe()
	}()

	select {
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("server failed: %v", err)
		}
	case <-ctx.Done():
		log.Print("shutdown signal received")
		drain, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(drain); err != nil {
			log.Printf("shutdown: %v", err)
			os.Exit(1)
		}
		log.Print("shutdown complete")
	}
}
