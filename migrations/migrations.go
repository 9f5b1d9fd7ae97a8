// Package migrations embeds the SQL files that define Folio's schema.
//
// Files are named YYYYMMDDHHMMSS_name.tx.up.sql / .tx.down.sql and each runs
// in its own transaction. Production only moves forward; down files exist
// so that development databases can step back.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
