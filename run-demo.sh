#!/usr/bin/env bash
# The demo on the embedded default: builds, starts a local Kafka broker with every catalog topic and the
# stand-ins of the external systems, then the services as separate processes, and runs a failback.
# Everything it starts is stopped when it ends (Ctrl-C included). Logs: target/demo/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/prerequisites.sh
DEMO=target/demo
rm -rf "$DEMO"; mkdir -p "$DEMO"
echo "== building (tests skipped; ./run-tests.sh runs them)"
./mvnw -B -q install -DskipTests
./mvnw -B -q -pl sandbox dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
SANDBOX_CP="sandbox/target/classes:$(cat sandbox/target/classpath.txt)"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

await_line() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 4 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.25; done
  echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; return 1
}

echo "== starting the local Kafka broker (KRaft, own process)"
java -cp "$SANDBOX_CP" io.failback.sandbox.kafka.SandboxKafka --data-dir "$DEMO/kafka" --port 0 >"$DEMO/kafka.out" 2>&1 &
pids+=($!)
await_line "$DEMO/kafka.out" '^READY' 120
BOOTSTRAP=$(sed -n 's/^READY bootstrap=\([^ ]*\).*/\1/p' "$DEMO/kafka.out")
echo "   broker at $BOOTSTRAP, catalog topics created"
echo "== done"
