#!/bin/sh
# The image's entry point: the first argument picks what the container runs, the rest go to that program.
#   docker run ultra gateway | results | orchestrator | provider-worker | migrate | admin … | rotate-keys
# Each role is one Node process started with exec, so it is PID 1 and receives SIGTERM itself (graceful drain).
# The mapping below is read by test/deploy/image.spec.ts: keep one `role) script=path ;;` line per role.
set -eu

# The application root: two levels above this file (/app in the image, the repository in a checkout).
app_dir=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
  echo "usage: <image> ROLE [arguments]" >&2
  echo "roles: gateway, results, orchestrator, provider-worker, migrate, admin, rotate-keys" >&2
}

role=${1:-}
case "$role" in
  gateway) script=services/gateway/dist/main.js ;;
  results) script=services/results/dist/main.js ;;
  orchestrator) script=services/orchestrator/dist/main.js ;;
  provider-worker) script=services/provider-worker/dist/main.js ;;
  migrate) script=scripts/migrate.js ;;
  admin) script=services/gateway/dist/admin-cli.js ;;
  rotate-keys) script=services/gateway/dist/rotate-keys.js ;;
  "")
    echo "no role given" >&2
    usage
    exit 64
    ;;
  *)
    echo "unknown role: $role" >&2
    usage
    exit 64
    ;;
esac
shift

exec node "$app_dir/$script" "$@"
