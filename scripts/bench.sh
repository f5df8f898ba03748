#!/usr/bin/env bash
# The benchmark (issue 13): on one fresh standalone broker, the orchestrator's jar as its own process fails back
# plans of N VMs in 3 boot groups with auto-commit, answered by instant agents, after a warm-up job; then a minimal
# Kafka Streams exactly_once_v2 application with the same commit interval and traffic per event (one command and
# the orchestrator's statuses and audits per command) over the same N; then one plan's makespan under agent latencies
# drawn per step (Azure shutdown 30-90 s, attach 2-10 s, ... scaled down) and the agents' concurrency limits,
# against the lower bound those limits and the boot-group order allow. Not a test: a run takes minutes.
#
# Usage: scripts/bench.sh [--large] [--sizes 300,1000,3000] [--makespan-vms 1000] [--scale 100] [--seed 42]
#                         [--azure-limit 50] [--vcenter-limit 20] [--warmup N] [--no-baseline] [--jfr] [--cpu-profile]
#                         [--compare-jar JAR] [--instances N] [--runs R] [-- MAVEN_ARGS]
#   --large   adds a 10,000-VM plan
#   --warmup N  the warm-up job's VMs (by default the largest size measured, 3,000 at least)
#   --jfr     records the orchestrator with Java Flight Recorder to target/bench/orchestrator.jfr
#   --cpu-profile  samples every orchestrator thread's CPU each millisecond with async-profiler, native frames (RocksDB,
#             the kernel) included, to target/bench/orchestrator-cpu.jfr (read it with `jfr print` or Mission Control)
#   --orchestrator-jar JAR  runs that build of the orchestrator instead of this one's
#   --compare-jar JAR  also runs that build (an earlier commit's) first, over the same sizes in the same run: "before"
#   --instances N [--plans 6] [--plan-vms 500]  then several plans at once (one per partition) on one orchestrator and on N
#   --runs R  the side-by-side runs R times, each on a fresh broker with fresh processes; the ratios are the medians
# BENCH_JVM_FLAGS="-XX:... -Dspring.kafka.streams.properties.X=..." adds JVM flags to both systems' processes, for a trial.
# BENCH_ORCHESTRATOR_JVM_FLAGS="..." adds them to the orchestrator's processes alone.
# Writes target/bench/bench.md and target/bench/bench.json; service logs in target/bench/logs. The log also says, for each
# run, the CPU of the system's threads, of the broker and of the bench's own agents, and the records each topic took.
set -euo pipefail
cd "$(dirname "$0")/.."
args=() maven=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; maven=("$@"); break; fi
  args+=("$1"); shift
done
./mvnw -B -q "${maven[@]}" -pl bench -am package -DskipTests
rm -rf target/bench
# The bench's agents stand in for the project's and run on the services' JVM flags (the Dockerfile's), as those do: on
# a default JVM their JIT compiler took 1.4-2.6 s of the shared cores during a measured 10,000-VM job, against 0.7-0.8 s
# on these. BENCH_HARNESS_FLAGS adds others to the bench's own JVM, for a trial.
service_flags=$(sed -n 's/^ENTRYPOINT \["java", \(.*\), "-jar".*/\1/p' Dockerfile | tr -d '",')
exec java -Xmx1g $service_flags ${BENCH_HARNESS_FLAGS:-} -Dbench.jvmFlags="${BENCH_JVM_FLAGS:-}" -Dbench.orchestratorFlags="${BENCH_ORCHESTRATOR_JVM_FLAGS:-}" -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.failback.messages -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.failback.bench.Bench --out target/bench "${args[@]}"
