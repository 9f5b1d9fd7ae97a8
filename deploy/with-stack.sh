#!/usr/bin/env bash
# with-stack.sh CMD... runs CMD with the FOLIO_* variables of a stack.
# When FOLIO_DATABASE_URL is already set, the caller points at a stack of
# its own (CI services, a staging database) and nothing is started;
# otherwise the local stack is brought up and .data/stack.env is loaded.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${FOLIO_DATABASE_URL:-}" ]; then
	"$ROOT/deploy/stack.sh" up
	set -a
	# shellcheck disable=SC1091
	. "${FOLIO_STACK_DIR:-$ROOT/.data}/stack.env"
	set +a
fi
exec "$@"
