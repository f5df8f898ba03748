#!/usr/bin/env bash
# Runs every test: unit, Kafka Streams driver, integration (real broker, vCenter simulator, ARM emulator)
# and end-to-end. Installs what a fresh machine lacks (Go and govmomi for the vCenter simulator).
set -euo pipefail
cd "$(dirname "$0")"
scripts/prerequisites.sh
exec ./mvnw -B verify "$@"
