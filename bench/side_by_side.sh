#!/usr/bin/env bash
# ../shared/bench/side_by_side.sh (the peers side by side: Apollo Server, Mercurius,
# graphene-django, the bare asyncpg app) on this project, whose reference routes live in
# bench/ and not in `serve`: it runs with a virtualenv shim whose `wallet-closure serve` is
# bench/app.py (the same app with the reference routes beside /graphql); every other command
# and `python` are the project's own. Usage, from the checkout after `make install-test`:
#   bench/side_by_side.sh          (DUR, ROUNDS and CONN as the shared script takes them)
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
real=$(cd "${VENV:-$project/.venv}" && pwd)
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
mkdir "$shim/bin"
printf '#!/bin/sh\nexec %s/bin/python "$@"\n' "$real" > "$shim/bin/python"
cat > "$shim/bin/wallet-closure" <<SHIM
#!/bin/sh
if [ "\$1" = serve ]; then shift; PYTHONPATH=$project exec $real/bin/python $project/bench/app.py "\$@"; fi
exec $real/bin/wallet-closure "\$@"
SHIM
chmod +x "$shim/bin/python" "$shim/bin/wallet-closure"
cd "$project"
VENV="$shim" PROJECT="$project" "$project/../shared/bench/side_by_side.sh"
