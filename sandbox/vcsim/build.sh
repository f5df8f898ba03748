#!/usr/bin/env bash
# Builds the sandbox's vCenter simulator (main.go over govmomi's simulator package) into
# sandbox/target/vcsim/vcsim. Installs Go and govmomi from Debian's packages when missing; Debian
# ships the simulator package but no vcsim command, hence this main, built in GOPATH mode.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(realpath -m "${1:-$here/../target/vcsim/vcsim}")"
gopath=/usr/share/gocode

if ! command -v go >/dev/null 2>&1 || [ ! -d "$gopath/src/github.com/vmware/govmomi/simulator" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "build.sh: golang-go and golang-github-vmware-govmomi-dev are missing; install them as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-github-vmware-govmomi-dev >&2
fi

mkdir -p "$(dirname "$out")"
cd "$here"
GO111MODULE=off GOPATH="$gopath" GOFLAGS= go build -o "$out" .
echo "$out"
