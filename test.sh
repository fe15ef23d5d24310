#!/usr/bin/env bash
# Runs every test in the solution. Needs nothing prepared by hand: installs PostgreSQL's server binaries when
# missing; each test process starts (and removes) its own throwaway PostgreSQL cluster on a loopback port,
# or uses COMMERCE_TEST_POSTGRES when set.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/ensure-prerequisites.sh

dotnet test Commerce.sln --configuration Release "$@"
