#!/usr/bin/env bash
# Runs the whole system locally: a PostgreSQL cluster kept under .local/, then the host with every context.
# Needs nothing prepared by hand beyond the .NET 10 SDK; Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/ensure-prerequisites.sh
# The README's walk-through reads the API's JSON answers with jq.
command -v jq >/dev/null 2>&1 || install_debian_packages jq

POSTGRES_PORT="${COMMERCE_POSTGRES_PORT:-55432}"
state="$PWD/.local"
data="$state/postgres"
mkdir -p "$state"

# initdb and postgres refuse to run as root; run them as the postgres user Debian's package creates.
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  server_user=postgres
  id postgres >/dev/null 2>&1 || server_user=nobody
  as_server_user=(setpriv "--reuid=$server_user" "--regid=$server_user" --init-groups)
  chown "$server_user:" "$state"
fi

if [ ! -f "$data/PG_VERSION" ]; then
  "${as_server_user[@]}" "$POSTGRES_BIN_DIR/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-instructions >/dev/null
fi

stop_postgres() { "${as_server_user[@]}" "$POSTGRES_BIN_DIR/pg_ctl" -D "$data" stop -m fast >/dev/null 2>&1 || true; }
trap stop_postgres EXIT
"${as_server_user[@]}" "$POSTGRES_BIN_DIR/pg_ctl" -D "$data" -l "$state/postgres.log" -w start \
  -o "-p $POSTGRES_PORT -c listen_addresses=127.0.0.1 -c max_connections=300 -k $state" >/dev/null
echo "PostgreSQL listening on 127.0.0.1:$POSTGRES_PORT (data in .local/postgres, log in .local/postgres.log)"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ConnectionStrings__Admin="Host=127.0.0.1;Port=$POSTGRES_PORT;Username=postgres;Database=commerce"
"${as_server_user[@]}" "$POSTGRES_BIN_DIR/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'commerce'" | grep -q 1 ||
  "${as_server_user[@]}" "$POSTGRES_BIN_DIR/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -qc \
    "CREATE DATABASE commerce"

urls="${COMMERCE_URLS:-http://127.0.0.1:5080}"
dotnet build services/Host --configuration Release -nologo -v quiet
host() { dotnet run --project services/Host --configuration Release --no-build -- "$@"; }

# Each context connects as its own role (commerce_<context>) that owns only its schema. Passwords are random
# per machine, kept in .local/roles.env; `migrate` creates or updates the roles from these connection strings.
# The host names its contexts, so a new context needs no change here.
mapfile -t contexts < <(host contexts)
roles_env="$state/roles.env"
touch "$roles_env" && chmod 600 "$roles_env"
for context in "${contexts[@]}"; do
  grep -q "^COMMERCE_PASSWORD_$context=" "$roles_env" ||
    echo "COMMERCE_PASSWORD_$context=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >>"$roles_env"
done
source "$roles_env"
for context in "${contexts[@]}"; do
  password_variable="COMMERCE_PASSWORD_$context"
  role="commerce_$(echo "$context" | tr '[:upper:]' '[:lower:]')"
  export "ConnectionStrings__$context=Host=127.0.0.1;Port=$POSTGRES_PORT;Database=commerce;Username=$role;Password=${!password_variable}"
done

# Identity, generated once per machine and kept under .local/ (never committed): the token server's RSA keys (signing
# access tokens, encrypting refresh tokens), a secret for every client — each context (its event deliveries and calls
# to other owners), the saga worker, and "operator" for operators (the CLI, the README's curl) — and the demo
# customers' password. The token server in Customer registers these clients; each process uses its own.
command -v openssl >/dev/null 2>&1 || install_debian_packages openssl
identity="$state/identity"
mkdir -p "$identity" && chmod 700 "$identity"
for key in signing-key encryption-key; do
  [ -f "$identity/$key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$identity/$key.pem" 2>/dev/null
done
chmod 600 "$identity"/*.pem
export Customer__TokenServer__SigningKeyFile="$identity/signing-key.pem"
export Customer__TokenServer__EncryptionKeyFile="$identity/encryption-key.pem"
identity_env="$state/identity.env"
touch "$identity_env" && chmod 600 "$identity_env"
for client in operator sagaworker datasubjects "${contexts[@]}"; do
  client="$(echo "$client" | tr '[:upper:]' '[:lower:]')"
  grep -q "^Authentication__Clients__${client}__Secret=" "$identity_env" ||
    echo "Authentication__Clients__${client}__Secret=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >>"$identity_env"
done
grep -q "^Customer__DemoPassword=" "$identity_env" ||
  echo "Customer__DemoPassword=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" >>"$identity_env"
set -a && source "$identity_env" && set +a
export Authentication__Clients__operator__Role=operator

# The order saga needs Temporal. One configured the way Temporal clients are (TEMPORAL_ADDRESS, a TEMPORAL_PROFILE /
# TEMPORAL_CONFIG_FILE profile, Temporal__Address, or the older COMMERCE_TEMPORAL_ADDRESS: temporal-dev.yml, a
# cluster, Temporal Cloud) is used as it is. Otherwise, when nothing listens on 127.0.0.1:7233: a real Temporal dev
# server if the Temporal CLI is installed (state kept in .local/temporal.db), else the project's offline
# Temporal-compatible server (a test double and offline dev server: in memory, no Web UI).
temporal_configured="${Temporal__Address:-}${TEMPORAL_ADDRESS:-}${COMMERCE_TEMPORAL_ADDRESS:-}${TEMPORAL_PROFILE:-}${TEMPORAL_CONFIG_FILE:-}"
if [ -z "$temporal_configured" ] && ! (exec 3<>/dev/tcp/127.0.0.1/7233) 2>/dev/null; then
  if command -v temporal >/dev/null; then
    temporal server start-dev --ip 127.0.0.1 --port 7233 --ui-port 8233 --db-filename "$state/temporal.db" \
      --log-level warn >"$state/temporal.log" 2>&1 &
    temporal_description="Temporal dev server (Temporal CLI) on 127.0.0.1:7233, Web UI http://127.0.0.1:8233, state in .local/temporal.db"
  else
    dotnet build tools/OfflineTemporal --configuration Release -nologo -v quiet
    dotnet run --project tools/OfflineTemporal --configuration Release --no-build -- --port 7233 >"$state/temporal.log" 2>&1 &
    temporal_description="Offline Temporal (in-memory test double, no Web UI; install the Temporal CLI for the real one) on 127.0.0.1:7233"
  fi
  temporal_pid=$!
  trap 'kill "$temporal_pid" 2>/dev/null || true; stop_postgres' EXIT
  for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/7233) 2>/dev/null && break; sleep 0.1; done
  echo "$temporal_description (log in .local/temporal.log)"
fi

# A demo-sized retry budget: a step that keeps failing parks for an operator after ~7 s instead of ~90 s.
export Checkout__Saga__StepMaxAttempts="${Checkout__Saga__StepMaxAttempts:-4}"

# Explicit, idempotent steps before serving: roles, schemas, grants and migrations; then the demo data.
host migrate
host seed-demo
echo "Serving on $urls (API reference: $urls/scalar, health: $urls/health/ready)"
host --urls "$urls"
