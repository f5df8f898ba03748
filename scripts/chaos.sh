#!/usr/bin/env bash
# Kill-anywhere at scale: fails back N plans in the e2e fault sandbox, each while the orchestrator, an agent
# or the broker is killed with SIGKILL at a seeded random step (preflight, shutdown, detach or attach of a
# boot group, commit) and restarted 0-10 s later, then checks every VM through the vSphere API and the ARM
# emulator (fully failed back or fully rolled back), one command id per irreversible step, no dead letters.
#
# Usage: scripts/chaos.sh [RUNS] [SEED] [MAVEN_ARGS...]
#   RUNS        kill-anywhere runs (default 24; CI runs 6); every four runs kill each victim once
#   SEED        the random seed (default: drawn and printed); the same RUNS and SEED repeat a run exactly
#   MAVEN_ARGS  passed to the Maven wrapper, e.g. -o to stay offline
# Exits 0 when every run ended consistent, non-zero otherwise. Service logs: e2e/target/fault-sandbox-*/logs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-24}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
shift $(( $# < 2 ? $# : 2 ))
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "chaos: RUNS must be a positive number, got '$runs'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "chaos: SEED must be a number, got '$seed'" >&2; exit 2; }
scripts/prerequisites.sh
echo "chaos: $runs kill-anywhere runs, seed $seed (repeat: scripts/chaos.sh $runs $seed)"
started=$(date +%s)
status=0
./mvnw -B "$@" -pl e2e -am verify -Dit.test=KillAnywhereIT -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dchaos.runs="$runs" -Dchaos.seed="$seed" || status=$?
report=e2e/target/failsafe-reports/io.failback.e2e.faults.KillAnywhereIT-output.txt
if [ -f "$report" ]; then
  grep -E '^(kill-anywhere|    PROBLEM)' "$report" || true
fi
echo "chaos: $runs runs, seed $seed, $(( $(date +%s) - started )) s, $([ $status -eq 0 ] && echo PASSED || echo "FAILED ($status)")"
exit $status
