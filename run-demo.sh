#!/usr/bin/env bash
# The demo on the embedded default: builds, starts a local Kafka broker, the vCenter simulator, the ARM
# emulator and the replication simulator, then the three services as separate processes; fails a 24-VM
# plan back with live progress through failbackctl, commits, reprotects, and verifies the end state.
# Exits 0 only when verified. Everything it starts stops when it ends (Ctrl-C included). Logs: target/demo/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/prerequisites.sh
echo "== building (tests skipped; ./run-tests.sh runs them)"
./mvnw -B -q install -DskipTests
./mvnw -B -q -pl demo dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
rm -rf target/demo
exec java -cp "demo/target/classes:$(cat demo/target/classpath.txt)" io.failback.demo.Demo target/demo
