package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"sync"
)

// DefaultMaxBodyBytes is the largest notification body the Handler reads
// unless WithMaxBodyBytes says otherwise. A conversation with hundreds of
// parts stays well below it.
const DefaultMaxBodyBytes = 4 << 20

// HandlerFunc handles one notification. A returned error (or a panic)
// makes the Handler answer 500 in synchronous mode, so that Intercom
// retries the delivery.
type HandlerFunc func(ctx context.Context, n *Notification) error

// Option configures a Handler.
type Option func(*Handler) error

// WithMaxBodyBytes sets the largest body read; a larger one is answered
// 413 without being read further. The default is DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) Option {
	return func(h *Handler) error {
		if n <= 0 {
			return fmt.Errorf("webhook: WithMaxBodyBytes: need a positive size, got %d", n)
		}
		h.maxBody = n
		return nil
	}
}

// WithDeduplicator skips notifications whose ID d has already claimed:
// they are answered 200 without calling a handler. A notification whose
// handling fails is released, so Intercom's retry is handled.
func WithDeduplicator(d Deduplicator) Option {
	return func(h *Handler) error {
		if d == nil {
			return errors.New("webhook: WithDeduplicator: nil Deduplicator")
		}
		h.dedup = d
		return nil
	}
}

// WithLogger logs rejected requests (at warn level), handler failures and
// recovered panics (at error level), and ignored notifications (at debug
// level) to l. Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) error {
		h.logger = l
		return nil
	}
}

// WithAsync answers each verified notification 200 at once and runs its
// handler afterwards on one of workers goroutines, through a queue of
// queue notifications. When the queue is full the delivery is answered
// 503, and Intercom retries it. Errors and panics of handlers run this way
// go to onError (which may be nil) and to the logger; Intercom is not told.
// Call Shutdown to stop the workers after the queue drains.
func WithAsync(workers, queue int, onError func(n *Notification, err error)) Option {
	return func(h *Handler) error {
		if workers <= 0 || queue < 0 {
			return fmt.Errorf("webhook: WithAsync: need workers > 0 and queue >= 0, got %d and %d", workers, queue)
		}
		h.async = &async{jobs: make(chan *Notification, queue), onError: onError}
		h.async.wg.Add(workers)
		for range workers {
			go h.work()
		}
		return nil
	}
}

type async struct {
	jobs    chan *Notification
	onError func(*Notification, error)
	wg      sync.WaitGroup
	mu      sync.RWMutex // guards closed against sends on a closed channel
	closed  bool
}

// Handler is an http.Handler that receives Intercom webhooks: it checks the
// request, verifies the signature over the raw body, parses the envelope,
// skips duplicates, and calls the function registered for the topic. It
// answers:
//
//   - 200 when the notification was handled, was a ping (answered even
//     with no handler for it), was a duplicate, or has a topic with no
//     handler and no fallback (ignored: Intercom would only retry);
//   - 405 for a method other than POST;
//   - 415 when Content-Type is not application/json;
//   - 401 when the X-Hub-Signature header is missing, malformed or does not
//     match the body (the request does not come from Intercom, or was
//     altered; 401 rather than 403 because it is authentication that
//     failed);
//   - 413 when the body is larger than the limit (WithMaxBodyBytes);
//   - 400 when the body is not a notification;
//   - 500 when the handler returned an error or panicked (the panic is
//     recovered and logged), or the Deduplicator failed, so that Intercom
//     retries;
//   - 503 in asynchronous mode when the queue is full or shut down.
//
// By default the handler runs before the answer is sent (synchronous), so
// its error reaches Intercom as a 500 and the delivery is retried. Intercom
// waits 5 seconds for an answer; a handler that may take longer should
// hand the work on, or the Handler should be built WithAsync, which
// answers at once and runs handlers afterwards from a bounded queue.
//
// Register handlers with On, OnItem and OnFallback before serving; a
// Handler is safe for concurrent use.
type Handler struct {
	secret   string
	maxBody  int64
	dedup    Deduplicator
	logger   *slog.Logger
	async    *async
	mu       sync.RWMutex
	routes   map[Topic]HandlerFunc
	fallback HandlerFunc
}

// NewHandler returns a Handler that verifies notifications with the app's
// client secret (Developer Hub, Basic info).
func NewHandler(clientSecret string, opts ...Option) (*Handler, error) {
	if clientSecret == "" {
		return nil, ErrNoSecret
	}
	h := &Handler{secret: clientSecret, maxBody: DefaultMaxBodyBytes, routes: map[Topic]HandlerFunc{}}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(h); err != nil {
			_ = h.Shutdown(context.Background())
			return nil, err
		}
	}
	return h, nil
}

// On registers fn for topic, replacing an earlier registration; a nil fn
// removes it.
func (h *Handler) On(topic Topic, fn HandlerFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if fn == nil {
		delete(h.routes, topic)
		return
	}
	h.routes[topic] = fn
}

// OnFallback registers fn for every topic without its own handler.
func (h *Handler) OnFallback(fn HandlerFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fallback = fn
}

// OnItem registers fn for topic, with the notification's item decoded into
// T, a type of the version package your webhooks are set to. An item that
// does not decode is an error of the handler (500 in synchronous mode).
//
//	webhook.OnItem(h, webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification, c v2_12.Contact) error { ... })
func OnItem[T any](h *Handler, topic Topic, fn func(ctx context.Context, n *Notification, item T) error) {
	h.On(topic, func(ctx context.Context, n *Notification) error {
		item, err := DecodeItem[T](n)
		if err != nil {
			return err
		}
		return fn(ctx, n, item)
	})
}

// route returns the function for topic, or nil.
func (h *Handler) route(topic Topic) HandlerFunc {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if fn, ok := h.routes[topic]; ok {
		return fn
	}
	if topic == TopicPing {
		// Answered 200 without bothering the fallback.
		return nil
	}
	return h.fallback
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, r, http.StatusMethodNotAllowed, "webhook: only POST is accepted")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		h.reject(w, r, http.StatusUnsupportedMediaType, "webhook: Content-Type must be application/json")
		return
	}
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		h.reject(w, r, http.StatusUnauthorized, ErrMissingSignature.Error())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.reject(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("webhook: body larger than %d bytes", h.maxBody))
			return
		}
		h.reject(w, r, http.StatusBadRequest, "webhook: reading the body failed")
		return
	}
	if err := Verify(h.secret, body, sig); err != nil {
		h.reject(w, r, http.StatusUnauthorized, err.Error())
		return
	}
	n, err := Parse(body)
	if err != nil {
		h.reject(w, r, http.StatusBadRequest, err.Error())
		return
	}
	fn := h.route(n.Topic)
	if fn == nil && n.Topic == TopicPing {
		respond(w, http.StatusOK, "pong")
		return
	}
	if fn == nil {
		h.debug("webhook: no handler for the topic; acknowledged and ignored", n)
		respond(w, http.StatusOK, "ignored")
		return
	}
	ctx := r.Context()
	claimed := false
	if h.dedup != nil && n.ID != "" {
		first, err := h.dedup.Claim(ctx, n.ID)
		if err != nil {
			h.fail(n, fmt.Errorf("webhook: deduplicator: %w", err))
			respond(w, http.StatusInternalServerError, "webhook: deduplication failed")
			return
		}
		if !first {
			h.debug("webhook: duplicate notification; acknowledged and skipped", n)
			respond(w, http.StatusOK, "duplicate")
			return
		}
		claimed = true
	}
	if h.async != nil {
		if !h.enqueue(n) {
			h.release(n, claimed)
			respond(w, http.StatusServiceUnavailable, "webhook: queue full, retry later")
			return
		}
		respond(w, http.StatusOK, "queued")
		return
	}
	if err := h.call(ctx, fn, n); err != nil {
		h.fail(n, err)
		h.release(n, claimed)
		respond(w, http.StatusInternalServerError, "webhook: handler failed")
		return
	}
	respond(w, http.StatusOK, "ok")
}

// call runs fn, turning a panic into an error carrying the stack.
func (h *Handler) call(ctx context.Context, fn HandlerFunc, n *Notification) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("webhook: handler for %s panicked: %v\n%s", n.Topic, p, debug.Stack())
		}
	}()
	return fn(ctx, n)
}

func (h *Handler) enqueue(n *Notification) bool {
	h.async.mu.RLock()
	defer h.async.mu.RUnlock()
	if h.async.closed {
		return false
	}
	select {
	case h.async.jobs <- n:
		return true
	default:
		return false
	}
}

func (h *Handler) work() {
	defer h.async.wg.Done()
	for n := range h.async.jobs {
		fn := h.route(n.Topic)
		if fn == nil {
			continue
		}
		// The request is over: handlers run with a context of their own.
		if err := h.call(context.Background(), fn, n); err != nil {
			h.fail(n, err)
			if h.async.onError != nil {
				func() {
					defer func() { _ = recover() }()
					h.async.onError(n, err)
				}()
			}
		}
	}
}

// Shutdown stops accepting notifications (they are answered 503), lets the
// queued ones run, and waits for them or for ctx. It does nothing for a
// synchronous Handler, whose handlers run inside the HTTP server's
// requests.
func (h *Handler) Shutdown(ctx context.Context) error {
	if h.async == nil {
		return nil
	}
	h.async.mu.Lock()
	if !h.async.closed {
		h.async.closed = true
		close(h.async.jobs)
	}
	h.async.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.async.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Handler) release(n *Notification, claimed bool) {
	if !claimed {
		return
	}
	if err := h.dedup.Release(context.Background(), n.ID); err != nil {
		h.fail(n, fmt.Errorf("webhook: deduplicator release: %w", err))
	}
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if h.logger != nil {
		h.logger.Warn("webhook: request rejected", "status", status, "reason", msg, "remote", r.RemoteAddr)
	}
	respond(w, status, msg)
}

func (h *Handler) fail(n *Notification, err error) {
	if h.logger != nil {
		h.logger.Error("webhook: handling failed", "topic", string(n.Topic), "id", n.ID, "error", err)
	}
}

func (h *Handler) debug(msg string, n *Notification) {
	if h.logger != nil {
		h.logger.Debug(msg, "topic", string(n.Topic), "id", n.ID)
	}
}

func respond(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}
