// Package readpref carries, in a request's context, whether its reads may
// be answered by a PostgreSQL read replica. Reads go to the primary unless
// a request was marked: the public pages mark the requests of anonymous
// visitors, who cannot tell a page a second old from a fresh one, while
// anyone signed in (the owner checking their last edit) reads the primary
// and so always sees their own writes.
package readpref

import "context"

type replicaKey struct{}

// Replica marks ctx: its reads may be served by a replica.
func Replica(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, true)
}

// ReplicaOK reports whether ctx was marked by Replica.
func ReplicaOK(ctx context.Context) bool {
	ok, _ := ctx.Value(replicaKey{}).(bool)
	return ok
}
