package queue

import "context"

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request on whose behalf
// tasks are queued, so that services put it in the tasks' payloads
// without every method taking it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id WithRequestID put in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
