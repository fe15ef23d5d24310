#!/usr/bin/env bash
# Installs what the README's two commands need on a fresh Debian machine that has the .NET 10 SDK:
# PostgreSQL 15+ server binaries (the tests and the local run start their own throwaway clusters from them).
# Sourced by run.sh, test.sh and .ci/run; safe to run any number of times.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

postgres_bin_dir() {
  if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  # Debian keeps the server binaries off PATH, one folder per major version.
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -1
}

install_debian_packages() {
  local sudo_if_needed=""
  if [ "$(id -u)" -ne 0 ]; then sudo_if_needed="sudo"; fi
  $sudo_if_needed apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -q "$@"
}

if [ -z "$(postgres_bin_dir)" ] || [ ! -x "$(postgres_bin_dir)/initdb" ]; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package..."
  install_debian_packages postgresql
fi

for tool in setsid setpriv; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool (util-linux) is required" >&2; exit 1; }
done

POSTGRES_BIN_DIR="$(postgres_bin_dir)"
export POSTGRES_BIN_DIR
