package io.failback.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.FailbackRequest;
import io.failback.messages.RecoveryPointKind;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import io.failback.sandbox.kafka.CatalogTopics;
import io.failback.sandbox.kafka.KafkaBrokerProcess;
import io.failback.sandbox.replication.ReplicationEngine;
import io.failback.sandbox.replication.ReplicationSimulator;
import io.failback.schemas.Topics;
import io.failback.schemas.TrustedMessages;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark (scripts/bench.sh): on one fresh standalone broker, the orchestrator's jar as its own process
 * fails back plans of N VMs in 3 boot groups with auto-commit, answered by instant agents in this JVM, after a
 * warm-up job; then a minimal Kafka Streams exactly-once baseline with the same traffic per event over the same
 * N; then, if asked, the makespan of one plan under drawn agent latencies against its lower bound. Writes
 * {@code bench.md} and {@code bench.json} to the output directory.
 */
public final class Bench {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(20);

    /**
     * @param compareJar an earlier build of the orchestrator, run first over the same sizes in the same run ("before")
     * @param instances more than 1: {@code plans} plans of {@code planVms} VMs at once on one orchestrator, then on this many
     */
    record Options(List<Integer> sizes, int warmup, int makespanVms, double scale, long seed, int azureLimit, int vcenterLimit,
                   boolean skipBaseline, boolean jfr, boolean cpuProfile, Path out, Path orchestratorJar, Path compareJar, int instances, int plans, int planVms,
                   int runs) {

        static Options parse(String[] args) {
            List<Integer> sizes = new ArrayList<>(List.of(300, 1000, 3000));
            // a job of the largest size measured (3,000 VMs at least): the JIT of every JVM (the system's, the broker's and
            // the bench's agents) compiled what large plans run, not only what a small one does. With 300, a run's first
            // large plans measured compilation as much as speed. With 3,000 before a 10,000-VM plan, two alternating pairs
            // of the orchestrator's took 9.7-10.7 s against 8.0 s after a 10,000-VM warm-up; over --large --runs 3 the
            // medians of both systems' 10,000-VM step p99 fell (the orchestrator's 2,496 to 2,160 ms, the gated baseline's
            // 1,186 to 877). A fresh broker still compiles through the measured jobs (its C2 took 0.3-0.8 s of CPU per
            // second of them), which is what the order turning with each run evens out
            Integer warmup = null;
            int makespan = 1000;
            double scale = 100;
            long seed = 42;
            int azure = 50;
            int vcenter = 20;
            boolean skipBaseline = false;
            boolean jfr = false;
            boolean cpuProfile = false;
            Path out = Path.of("target/bench");
            Path jar = null;
            Path compare = null;
            int instances = 1;
            int plans = Topics.PARTITIONS;
            int planVms = 500;
            int runs = 1;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                    case "--large" -> {
                        sizes = new ArrayList<>(sizes);
                        sizes.add(10_000);
                    }
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--makespan-vms" -> makespan = Integer.parseInt(args[++i]);
                    case "--scale" -> scale = Double.parseDouble(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--azure-limit" -> azure = Integer.parseInt(args[++i]);
                    case "--vcenter-limit" -> vcenter = Integer.parseInt(args[++i]);
                    case "--no-baseline" -> skipBaseline = true;
                    case "--jfr" -> jfr = true;
                    case "--cpu-profile" -> cpuProfile = true;
                    case "--out" -> out = Path.of(args[++i]);
                    case "--orchestrator-jar" -> jar = Path.of(args[++i]);
                    case "--compare-jar" -> compare = Path.of(args[++i]);
                    case "--instances" -> instances = Integer.parseInt(args[++i]);
                    case "--plans" -> plans = Integer.parseInt(args[++i]);
                    case "--plan-vms" -> planVms = Integer.parseInt(args[++i]);
                    case "--runs" -> runs = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see scripts/bench.sh)");
                }
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            // each size is one plan (plan-nN) and its jobs' ids: a size given twice would make one plan of twice its VMs
            if (sizes.isEmpty() || sizes.stream().distinct().count() != sizes.size() || sizes.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("--sizes must list each plan size once, each at least 1 (--large adds 10000): " + sizes);
            }
            int warm = warmup != null ? warmup : Math.max(3_000, Collections.max(sizes));
            return new Options(sizes, warm, makespan, scale, seed, azure, vcenter, skipBaseline, jfr, cpuProfile, out, jar, compare, instances, plans, planVms,
                    runs);
        }
    }

    private Bench() {
    }

    /**
     * Which of a size's three jobs (0 the orchestrator, 1 the ping-pong baseline, 2 the gated one) runs at {@code turn}
     * (from 0) of {@code run} (from 1): run 1 in that order, run 2 starting with the ping-pong, run 3 with the gated one.
     */
    static int firstOfThree(int run, int turn) {
        return (run - 1 + turn) % 3;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        TrustedMessages.ensureTrusted();
        Files.createDirectories(o.out());
        Report report = new Report(o);
        Path data = Files.createTempDirectory("failback-bench-");
        System.out.println("bench: sizes " + o.sizes() + ", warm-up " + o.warmup() + ", makespan " + o.makespanVms() + " VMs; output " + o.out());
        EstateSpec spec = estate(o);
        Path jar = o.orchestratorJar() != null ? o.orchestratorJar() : orchestratorJar(Path.of("."));
        try {
            if (o.compareJar() != null) {
                // the earlier build on a broker of its own, so neither build inherits what the other left
                try (Stage stage = Stage.start("before", spec, data, report);
                     Orchestrators before = Orchestrators.start("before", o.compareJar(), 1, false, o, stage.bootstrap(), data)) {
                    stage.runner().sizes("before", before.processes(), o);
                }
            }
            // --runs R: the whole side-by-side run R times, each on a fresh broker with fresh processes; the ratios are the medians
            for (int run = 1; run <= o.runs(); run++) {
                try (Stage stage = Stage.start(o.runs() == 1 ? "main" : "main-" + run, spec, data, report)) {
                    try (Orchestrators orchestrator = Orchestrators.start(o.runs() == 1 ? "orchestrator" : "orchestrator-" + run, jar, 1,
                            run == 1, o, stage.bootstrap(), data)) {
                        Runner.Row warm = stage.runner().orchestrator("orchestrator", orchestrator.processes(), "warmup", List.of("plan-warmup"),
                                o.warmup(), false);
                        // The systems side by side, each size's three jobs one right after the other, so each meets the broker's
                        // and the bench's JVMs about as warm as the others did (all three JIT-compile for minutes). Still, the
                        // first job of a size meets them compiling for it (during a 10,000-VM job run first, the broker's C2 took
                        // 2.2 s of CPU), so the order turns with each run: over --runs 3, each of the three goes first once.
                        JvmProcess baseline = o.skipBaseline() ? null : startBaseline(o, run, stage, data, report.trafficPerEvent(warm));
                        try {
                            if (baseline != null) {
                                stage.runner().baseline(baseline, "warmup", o.warmup(), false, false);
                                stage.runner().baseline(baseline, "warmup", o.warmup(), false, true);
                            }
                            for (int n : o.sizes()) {
                                for (int turn = 0; turn < 3; turn++) {
                                    switch (firstOfThree(run, turn)) {
                                        case 0 -> stage.runner().orchestrator("orchestrator", orchestrator.processes(), "n" + n,
                                                List.of("plan-n" + n), n, true);
                                        case 1 -> {
                                            if (baseline != null) {
                                                stage.runner().baseline(baseline, "n" + n, n, true, false);
                                            }
                                        }
                                        default -> {
                                            if (baseline != null) {
                                                stage.runner().baseline(baseline, "n" + n, n, true, true);
                                            }
                                        }
                                    }
                                    // what was logged of the job is in its row: a stage's commands add up to hundreds of MB over
                                    // its sizes, and the bench JVM's collector marking them takes the cores from the next job
                                    stage.runner().commands().clear();
                                }
                            }
                        } finally {
                            if (baseline != null) {
                                baseline.close();
                            }
                        }
                        if (o.makespanVms() > 0 && run == o.runs()) { // once, in the last run
                            Makespan delays = new Makespan(o.scale(), o.seed(), o.azureLimit(), o.vcenterLimit());
                            stage.agents().answerAfter(delays);
                            Runner.Row row = stage.runner().orchestrator("orchestrator", orchestrator.processes(), "makespan",
                                    List.of("plan-makespan"), o.makespanVms(), false);
                            stage.agents().answerAfter(null);
                            List<Makespan.VmWork> work = new ArrayList<>();
                            for (VmSpec vm : spec.members("plan-makespan")) {
                                work.add(new Makespan.VmWork(vm.group(), delays.drawn().getOrDefault(vm.vmId(), Map.of())));
                            }
                            report.makespan(row, Makespan.lowerBound(work, o.azureLimit(), o.vcenterLimit()));
                            Map<String, long[]> spans = stage.runner().commands().stepSpans("bench-makespan");
                            long[] bound = Makespan.phases(work, o.azureLimit(), o.vcenterLimit());
                            long failback = spans.getOrDefault("SHUT_DOWN_AZURE_VM", new long[] {0})[0];
                            long commit = spans.getOrDefault("DELETE_AZURE_VM", new long[] {0})[0];
                            System.out.printf("bench: makespan phases, bound / actual (first command of the phase to the next phase's): "
                                            + "preflight %d / %d ms, failback %d / %d ms, commit %d / %d ms%n", bound[0], failback, bound[1],
                                    commit - failback, bound[2], Math.round(row.seconds() * 1000) - commit);
                            spans.forEach((step, span) -> System.out.printf("bench: makespan %s commands from %d to %d ms%n", step, span[0], span[1]));
                        }
                    }
                    report.topicBytes(topicBytes(stage.bootstrap()));
                    System.out.println("bench: records per topic after the runs (offsets, transaction markers included): "
                            + topicOffsets(stage.bootstrap()));
                }
            }
            if (o.instances() > 1) {
                // one instance, then several, each on a fresh broker: several plans at once, after a warm-up round
                for (int count : List.of(1, o.instances())) {
                    String label = "x" + count;
                    try (Stage stage = Stage.start(label, spec, data, report);
                         Orchestrators several = Orchestrators.start(label, jar, count, false, o, stage.bootstrap(), data)) {
                        // the same plans once first, so every instance's JIT is as warm as it gets before the measured round
                        stage.runner().orchestrator(label, several.processes(), "warmup", plans(o), o.planVms(), false);
                        report.scaleOut(stage.runner().orchestrator(label, several.processes(), "multi", plans(o), o.planVms(), false));
                    }
                }
            }
        } finally {
            try {
                report.write();
            } finally {
                deleteQuietly(data); // the brokers' and stores' data, also when the report could not be written
            }
        }
    }

    private static EstateSpec estate(Options o) {
        EstateSpec.Builder estate = new EstateSpec.Builder();
        estate.plan("plan-warmup", "warm-up", o.warmup(), "mt-01", 3);
        o.sizes().forEach(n -> estate.plan("plan-n" + n, n + " VMs", n, "mt-01", 3));
        if (o.makespanVms() > 0) {
            estate.plan("plan-makespan", "makespan", o.makespanVms(), "mt-01", 3);
        }
        if (o.instances() > 1) {
            for (int p = 1; p <= o.plans(); p++) {
                estate.plan("plan-multi-" + p, "scale-out " + p, o.planVms(), "mt-01", 3);
            }
        }
        return estate.build();
    }

    /**
     * One fresh standalone broker with the catalog's and the baseline's topics, the replication simulator, the agents,
     * the watch on status and audit, and a runner: what one build's (or one instance count's) runs share.
     */
    record Stage(KafkaBrokerProcess broker, ReplicationSimulator sim, Agents agents, JobWatch watch,
                 KafkaProducer<byte[], byte[]> producer, Runner runner) implements AutoCloseable {

        static Stage start(String name, EstateSpec spec, Path data, Report report) throws Exception {
            KafkaBrokerProcess broker = KafkaBrokerProcess.on(data.resolve("broker-" + name), 0).plaintext().start(Duration.ofMinutes(2));
            String bs = broker.bootstrapServers();
            CatalogTopics.create(bs, (short) 1);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
                admin.createTopics(Stream.of(Baseline.TOPICS).map(t -> new NewTopic(t, Topics.PARTITIONS, (short) 1)).toList()).all().get();
            }
            // points on a slow clock, so the point a job chose is never pruned under it
            ReplicationEngine.Settings engine = new ReplicationEngine.Settings(Duration.ofHours(1), Duration.ofHours(1), 4, Duration.ofSeconds(1));
            Agents.CommandLog commands = new Agents.CommandLog();
            ReplicationSimulator sim = ReplicationSimulator.start(bs, spec, engine);
            Agents agents = new Agents(bs, commands);
            JobWatch watch = new JobWatch(bs);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs),
                    new ByteArraySerializer(), new ByteArraySerializer());
            return new Stage(broker, sim, agents, watch, producer, new Runner(commands, watch, producer, report, broker.pid()));
        }

        String bootstrap() {
            return broker.bootstrapServers();
        }

        @Override
        public void close() throws Exception {
            producer.close(Duration.ofSeconds(10));
            watch.close();
            agents.close();
            sim.close();
            broker.close();
        }
    }

    /** The baseline as its own process on the stage's broker, running. */
    private static JvmProcess startBaseline(Options o, int run, Stage stage, Path data, int[] traffic) throws InterruptedException {
        String name = o.runs() == 1 ? "baseline" : "baseline-" + run;
        JvmProcess baseline = JvmProcess.start(name, JvmProcess.baselineFlags(), List.of("-cp", System.getProperty("java.class.path"),
                Baseline.class.getName(), stage.bootstrap(), data.resolve(name + "-state").toString(),
                Integer.toString(traffic[0]), Integer.toString(traffic[1]), Integer.toString(traffic[2])), Map.of(), o.out().resolve("logs"));
        baseline.awaitLog("baseline state RUNNING", Duration.ofMinutes(3));
        return baseline;
    }

    /** Bytes on the broker's disk per kind of topic: the orchestrator's changelogs, and what it publishes. */
    private static Map<String, Long> topicBytes(String bootstrap) throws Exception {
        Map<String, Long> bytes = new java.util.TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id).toList();
            admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(dir ->
                    dir.replicaInfos().forEach((partition, replica) -> {
                        String topic = partition.topic();
                        String kind = topic.endsWith("-changelog") ? "orchestrator changelogs"
                                : topic.equals(Topics.STATUS.name()) || topic.equals(Topics.AUDIT.name()) || topic.endsWith(".commands")
                                || topic.endsWith(".events") ? "status, audit, commands and results" : null;
                        if (kind != null && topic.startsWith("failback")) {
                            bytes.merge(kind, replica.size(), Long::sum);
                        }
                    })));
        }
        return bytes;
    }

    /** The sum of each topic's end offsets: the records written to it, with the transactions' markers. */
    private static Map<String, Long> topicOffsets(String bootstrap) throws Exception {
        Map<String, Long> offsets = new java.util.TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().forEach((topic, d) -> d.partitions()
                    .forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            admin.listOffsets(latest).all().get().forEach((tp, info) -> offsets.merge(tp.topic(), info.offset(), Long::sum));
        }
        offsets.values().removeIf(n -> n == 0);
        return offsets;
    }

    private static List<String> plans(Options o) {
        List<String> plans = new ArrayList<>();
        for (int p = 1; p <= o.plans(); p++) {
            plans.add("plan-multi-" + p);
        }
        return plans;
    }

    /**
     * Orchestrator processes of one build, on the one application id, so together they share its partitions; each
     * with a state directory of its own, and the run's logs under its label.
     */
    record Orchestrators(List<JvmProcess> processes) implements AutoCloseable {

        static Orchestrators start(String label, Path jar, int count, boolean profiled, Options o, String bootstrap, Path data)
                throws InterruptedException {
            List<JvmProcess> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                List<String> args = new ArrayList<>();
                if (profiled && o.jfr()) {
                    // a profile of the whole run, for `jfr print` or JDK Mission Control
                    args.add("-XX:StartFlightRecording=settings=profile,filename=" + o.out().toAbsolutePath().resolve("orchestrator.jfr"));
                }
                if (profiled && o.cpuProfile()) {
                    args.add(CpuProfiler.agent(data, o.out().toAbsolutePath().resolve("orchestrator-cpu.jfr")));
                }
                String flags = System.getProperty("bench.orchestratorFlags", "").strip(); // a trial on the orchestrator alone
                if (!flags.isEmpty()) {
                    args.addAll(List.of(flags.split("\\s+")));
                }
                args.addAll(List.of("-jar", jar.toString()));
                String name = count == 1 ? label : label + "-" + (i + 1);
                started.add(JvmProcess.start(name, JvmProcess.serviceFlags(), args, Map.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                        // the bench's clients send unsigned records: the unsigned local mode, said explicitly
                        "FAILBACK_ORCHESTRATOR_SIGNING_REQUIRE_SIGNATURES", "false",
                        "SPRING_KAFKA_STREAMS_STATE_DIR", data.resolve("state-" + name).toString()), o.out().resolve("logs")));
            }
            for (JvmProcess p : started) {
                p.awaitLog("Started ", Duration.ofMinutes(3));
            }
            return new Orchestrators(started);
        }

        @Override
        public void close() {
            processes.forEach(JvmProcess::close);
        }
    }

    static Path orchestratorJar(Path repo) throws IOException {
        Path target = repo.resolve("orchestrator-service/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("orchestrator-service-[0-9].*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no orchestrator jar in " + target + ": scripts/bench.sh builds it"));
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** Runs one job on either system and measures it. */
    static final class Runner {
        static final String GATED_BASELINE = "baseline-gated";

        /** One measured job. */
        /**
         * @param ownP50Ms step latency leaving out the waits at gates for other VMs (see {@link Agents.CommandLog#AFTER_A_GATE})
         * @param jitCpuMs of {@code cpuMs}, the JIT compiler threads'
         * @param load the machine's load average as the job ended (the machine is shared)
         */
        record Row(String system, int vms, String state, double seconds, int commands, int distinctCommands, int statuses, int audits,
                   long p50Ms, long p99Ms, long ownP50Ms, long ownP99Ms, long cpuMs, long jitCpuMs, long peakHeapMb, long peakRssMb, String load) {
            double commandsPerSecond() {
                return commands / seconds;
            }

            double vmsPerSecond() {
                return vms / seconds;
            }

            double cpuMsPerCommand() {
                return (double) cpuMs / commands;
            }

            double cpuMsPerCommandWithoutJit() {
                return (double) (cpuMs - jitCpuMs) / commands;
            }
        }

        private final Agents.CommandLog commands;
        private final JobWatch watch;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Report report;
        private final long brokerPid;

        Agents.CommandLog commands() {
            return commands;
        }

        Runner(Agents.CommandLog commands, JobWatch watch, KafkaProducer<byte[], byte[]> producer, Report report, long brokerPid) {
            this.brokerPid = brokerPid;
            this.commands = commands;
            this.watch = watch;
            this.producer = producer;
            this.report = report;
        }

        /** A warm-up job, then one plan of each size, on {@code processes}: the rows of {@code system}. */
        void sizes(String system, List<JvmProcess> processes, Options o) throws Exception {
            orchestrator(system, processes, "warmup", List.of("plan-warmup"), o.warmup(), false);
            for (int n : o.sizes()) {
                orchestrator(system, processes, "n" + n, List.of("plan-n" + n), n, true);
            }
        }

        /** One job per plan of {@code planVms} VMs each, all requested at once, measured together as one row of {@code system}. */
        Row orchestrator(String system, List<JvmProcess> processes, String name, List<String> planIds, int planVms, boolean reported)
                throws Exception {
            List<String> jobIds = new ArrayList<>();
            for (int i = 0; i < planIds.size(); i++) {
                // the current build's single jobs keep the names earlier reports used
                String id = "bench-" + (system.equals("orchestrator") ? "" : system + "-") + name;
                jobIds.add(planIds.size() == 1 ? id : onPartition(id + "-" + planIds.get(i), i % Topics.PARTITIONS));
            }
            return run(system, processes, jobIds, planVms * planIds.size(), reported, () -> {
                for (int i = 0; i < planIds.size(); i++) {
                    FailbackRequest request = FailbackRequest.newBuilder().setRequestId(jobIds.get(i)).setRequestedBy("bench")
                            .setRequestedAt(Instant.now()).setPlanId(planIds.get(i)).setRecoveryPoint(RecoveryPointKind.LATEST)
                            .setCommitPolicy(new CommitPolicy(CommitPolicyKind.AUTO_COMMIT, 0)).build();
                    producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), bytes(jobIds.get(i)),
                            Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(), request)));
                }
            });
        }

        /** CPU ms of the JIT compilers' threads in a per-thread map. */
        private static long compilerMs(Map<String, Long> threads) {
            return threads.entrySet().stream().filter(e -> e.getKey().startsWith("C1 Compiler") || e.getKey().startsWith("C2 Compiler"))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        /** One baseline job; {@code gated}: waiting where the orchestrator's VMs wait for others (row "baseline-gated"). */
        Row baseline(JvmProcess process, String name, int vms, boolean reported, boolean gated) throws Exception {
            String system = gated ? GATED_BASELINE : "baseline";
            String jobId = system + "-" + name;
            return run(system, List.of(process), List.of(jobId), vms, reported, () -> producer.send(new ProducerRecord<>(Baseline.EVENTS,
                    bytes(jobId), bytes("START|" + jobId + "|" + vms + (gated ? "|gated" : "")))));
        }

        private Row run(String system, List<JvmProcess> processes, List<String> jobIds, int vms, boolean reported, Runnable submit)
                throws Exception {
            long cpu0 = processes.stream().mapToLong(JvmProcess::cpuMs).sum();
            long jit0 = processes.stream().mapToLong(JvmProcess::jitCpuMs).sum();
            Map<String, Long> threads0 = processes.size() == 1 ? processes.get(0).threadCpuMs() : Map.of();
            Map<String, Long> bench0 = JvmProcess.threadCpuMs(ProcessHandle.current().pid());
            Map<String, Long> brokerThreads0 = JvmProcess.threadCpuMs(brokerPid);
            long broker0 = brokerThreads0.values().stream().mapToLong(Long::longValue).sum();
            processes.forEach(JvmProcess::resetPeaks);
            long t0 = System.currentTimeMillis();
            System.out.println("bench: " + system + " " + jobIds.get(0) + " requested at " + Instant.ofEpochMilli(t0)); // to find it in a profile
            submit.run();
            producer.flush();
            List<String> states = new ArrayList<>();
            long endAt = t0;
            for (String jobId : jobIds) {
                JobWatch.End end = watch.awaitEnd(jobId, JOB_TIMEOUT);
                if (end == null) {
                    throw new IllegalStateException(system + " job " + jobId + " did not end within " + JOB_TIMEOUT);
                }
                states.add(end.state());
                endAt = Math.max(endAt, end.at());
            }
            long cpu = processes.stream().mapToLong(JvmProcess::cpuMs).sum() - cpu0;
            long jit = processes.stream().mapToLong(JvmProcess::jitCpuMs).sum() - jit0;
            if (processes.size() == 1) { // which threads the CPU went to, against the run's wall time
                long wall = Math.max(1, endAt - t0);
                StringBuilder busy = new StringBuilder();
                processes.get(0).threadCpuMs().entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                        .forEach(e -> busy.append(String.format(" %s %d ms (%.0f%%);", e.getKey(), e.getValue(), 100.0 * e.getValue() / wall)));
                System.out.println("bench: " + system + " " + jobIds.get(0) + " CPU by thread, share of " + wall + " ms:" + busy);
                StringBuilder own = new StringBuilder(); // the bench's own: the agents and the watch, in this JVM
                Map<String, Long> bench1 = JvmProcess.threadCpuMs(ProcessHandle.current().pid());
                long total = bench1.values().stream().mapToLong(Long::longValue).sum() - bench0.values().stream().mapToLong(Long::longValue).sum();
                bench1.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - bench0.getOrDefault(e.getKey(), 0L)))
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                        .forEach(e -> own.append(String.format(" %s %d ms;", e.getKey(), e.getValue())));
                Map<String, Long> brokerThreads1 = JvmProcess.threadCpuMs(brokerPid);
                long broker = brokerThreads1.values().stream().mapToLong(Long::longValue).sum() - broker0;
                long brokerJit = compilerMs(brokerThreads1) - compilerMs(brokerThreads0);
                System.out.printf("bench: %s %s the broker's CPU %d ms (%.0f%%, its JIT compilers %d ms); the bench JVM's (agents, watch) %d ms (%.0f%%):%s%n",
                        system, jobIds.get(0), broker, 100.0 * broker / wall, brokerJit, total, 100.0 * total / wall, own);
                // the whole machine's work for this job, the JIT compilers' threads apart: the figure least moved by
                // how the 2 cores happened to be shared, for comparing two builds
                long benchJit = compilerMs(bench1) - compilerMs(bench0);
                int commandsSent = jobIds.stream().mapToInt(commands::commands).sum();
                long all = cpu + broker + total;
                long withoutJit = all - jit - brokerJit - benchJit;
                System.out.printf("bench: %s %s machine CPU per command: %.0f us (%.0f without the JIT compilers: system %.0f, broker %.0f, "
                                + "agents %.0f)%n", system, jobIds.get(0), 1000.0 * all / Math.max(1, commandsSent),
                        1000.0 * withoutJit / Math.max(1, commandsSent), 1000.0 * (cpu - jit) / Math.max(1, commandsSent),
                        1000.0 * (broker - brokerJit) / Math.max(1, commandsSent), 1000.0 * (total - benchJit) / Math.max(1, commandsSent));
            }
            Thread.sleep(1_000); // the jobs' last status and audit records, committed with their end, reach the watch
            List<Long> lat = new ArrayList<>();
            List<Long> own = new ArrayList<>();
            int sent = 0;
            int distinct = 0;
            int statuses = 0;
            int audits = 0;
            for (String jobId : jobIds) {
                lat.addAll(commands.stepLatencies(jobId, true));
                own.addAll(commands.stepLatencies(jobId, false));
                sent += commands.commands(jobId);
                distinct += commands.distinct(jobId);
                statuses += watch.statuses(jobId);
                audits += watch.audits(jobId);
            }
            lat.sort(null);
            own.sort(null);
            String state = states.stream().distinct().count() == 1 ? states.get(0) : String.join("/", states);
            Row row = new Row(system, vms, state, (endAt - t0) / 1000.0, sent, distinct, statuses, audits, percentile(lat, 50),
                    percentile(lat, 99), percentile(own, 50), percentile(own, 99), cpu, jit,
                    processes.stream().mapToLong(JvmProcess::peakHeapMb).max().orElse(0),
                    processes.stream().mapToLong(JvmProcess::peakRssMb).max().orElse(0), Report.loadAverage());
            String jobId = jobIds.size() == 1 ? jobIds.get(0) : jobIds.size() + " jobs";
            System.out.printf("bench: %s %s %d VMs: %s in %.1f s, %d commands (%.0f/s), p50 %d ms, p99 %d ms (without gate waits %d / %d ms), "
                            + "%.2f ms CPU/command (%.2f without the JIT compiler), heap %d MiB, RSS %d MiB, load %s%n",
                    system, jobId, vms, row.state(), row.seconds(), row.commands(), row.commandsPerSecond(), row.p50Ms(), row.p99Ms(),
                    row.ownP50Ms(), row.ownP99Ms(), row.cpuMsPerCommand(), row.cpuMsPerCommandWithoutJit(), row.peakHeapMb(), row.peakRssMb(), Report.loadAverage());
            if (jobIds.size() == 1) { // where a single job's step latency went, in the log
                StringBuilder steps = new StringBuilder();
                commands.latenciesByStep(jobIds.get(0)).forEach((step, l) -> steps.append(String.format(" %s %d/%d", step,
                        percentile(l, 50), percentile(l, 99))));
                System.out.println("bench: " + system + " " + jobIds.get(0) + " step p50/p99 ms by the step sent:" + steps);
                StringBuilder spans = new StringBuilder(); // the job's phases: when each step's first and last command left
                commands.stepSpans(jobIds.get(0), t0).entrySet().stream().sorted(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(a -> a[0])))
                        .forEach(e -> spans.append(String.format(" %s %d-%d", e.getKey(), e.getValue()[0], e.getValue()[1])));
                System.out.println("bench: " + system + " " + jobIds.get(0) + " each step's commands from-to, ms after the request:" + spans);
                List<List<Long>> hops = commands.replicationHops(jobIds.get(0));
                if (!hops.get(0).isEmpty()) {
                    System.out.printf("bench: %s %s replication round trip p50/p99 ms: command to the engine's answer %d/%d, "
                                    + "answer to the router's forward (%d of them) %d/%d, to the next command %d/%d%n", system, jobIds.get(0),
                            percentile(hops.get(0), 50), percentile(hops.get(0), 99), hops.get(1).size(), percentile(hops.get(1), 50),
                            percentile(hops.get(1), 99), percentile(hops.get(2), 50), percentile(hops.get(2), 99));
                }
            }
            if (reported) {
                report.add(row);
            }
            return row;
        }

        /**
         * {@code base} with a suffix that puts the job on {@code partition} of the job topics (the Java client's partitioner),
         * so several plans at once spread over the partitions evenly, as many plans of a large estate do on average.
         */
        private static String onPartition(String base, int partition) {
            for (int i = 0; ; i++) {
                String id = base + "-" + i;
                if (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes(id))) % Topics.PARTITIONS
                        == partition) {
                    return id;
                }
            }
        }

        private static long percentile(List<Long> sorted, int p) {
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
