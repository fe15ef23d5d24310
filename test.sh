#!/usr/bin/env bash
# Runs every test in the solution. Needs nothing prepared by hand: installs PostgreSQL's server binaries when
# missing; each test process starts (and removes) its own throwaway PostgreSQL cluster on a loopback port,
# or uses COMMERCE_TEST_POSTGRES when set. Arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")"
source .ci/ensure-prerequisites.sh

# Build once, then run three test assemblies at a time, the longest first (tests/Tests.proj): much of a suite's
# time is spent waiting (on sagas, retries, carriers, timers), which another suite's work fills. Each assembly has
# a PostgreSQL cluster of its own; a shared one (COMMERCE_TEST_POSTGRES) would carry every running assembly's
# connections, so then they run one per core, as `dotnet test Commerce.sln` runs them.
side_by_side=-maxcpucount:3
if [ -n "${COMMERCE_TEST_POSTGRES:-}" ]; then side_by_side=-maxcpucount; fi
dotnet build Commerce.sln --configuration Release
dotnet test tests/Tests.proj --configuration Release --no-build "$side_by_side" "$@"
