#!/usr/bin/env bash
# Fuzz at scale: writes N generated records (the schemas test-jar's RecordFuzzer: valid, mutated, hostile
# bytes, hostile values; a quarter on partitions a client chose) raw onto failback.requests, failback.control
# and both agent command topics of the e2e fault sandbox, then checks every service still runs, every
# unreadable input is on its service's dead-letter topic exactly once, every readable request or control
# command is refused with a reason, every readable agent command is answered, and a plan still fails back.
#
# Usage: scripts/fuzz.sh [INPUTS] [SEED] [MAVEN_ARGS...]
#   INPUTS      records to write (default 10000; CI writes 1500)
#   SEED        the random seed (default: drawn and printed); the same INPUTS and SEED write the same records
#   MAVEN_ARGS  passed to the Maven wrapper, e.g. -o to stay offline
# Prints inputs, dead letters and the time to drain; exits 0 when everything is accounted for, non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
inputs=${1:-10000}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
shift $(( $# < 2 ? $# : 2 ))
[[ "$inputs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: INPUTS must be a positive number, got '$inputs'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "fuzz: SEED must be a number, got '$seed'" >&2; exit 2; }
scripts/prerequisites.sh
echo "fuzz: $inputs inputs, seed $seed (repeat: scripts/fuzz.sh $inputs $seed)"
started=$(date +%s)
status=0
./mvnw -B "$@" -pl e2e -am verify -Dit.test=FuzzIT -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dchaos.runs=0 -Dfuzz.inputs="$inputs" -Dfuzz.seed="$seed" || status=$?
report=e2e/target/failsafe-reports/io.failback.e2e.faults.FuzzIT-output.txt
if [ -f "$report" ]; then
  grep -E '^(fuzz|  (UNACCOUNTED|DUPLICATED|OTHER))' "$report" | cut -c1-400 || true
fi
echo "fuzz: $inputs inputs, seed $seed, $(( $(date +%s) - started )) s, $([ $status -eq 0 ] && echo PASSED || echo "FAILED ($status)")"
exit $status
