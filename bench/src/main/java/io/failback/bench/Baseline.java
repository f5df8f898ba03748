package io.failback.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The baseline: the least a Kafka Streams exactly_once_v2 application does for the orchestrator's traffic.
 * A job of N VMs keyed by job id; each VM runs a fixed number of steps, one command at a time (but for a gated
 * job's two preflight checks, sent at once as the orchestrator sends them); each event
 * (the request, each result) reads and writes the VM's record and the job's counter in changelogged stores
 * and writes one command, the statuses and the audits the orchestrator writes per command; a job started gated
 * also waits where the orchestrator's VMs wait for others ({@link Gates}). Run as its own process:
 * {@code Baseline BOOTSTRAP STATE_DIR STEPS STATUSES AUDITS}.
 */
public final class Baseline {

    static final String EVENTS = "bench.baseline.events";
    static final String COMMANDS = "bench.baseline.commands";
    static final String STATUS = "bench.baseline.status";
    static final String AUDIT = "bench.baseline.audit";
    static final String[] TOPICS = {EVENTS, COMMANDS, STATUS, AUDIT};

    /** About the size of the orchestrator's Avro records of each kind. */
    private static final String COMMAND_PAD = "c".repeat(280);
    private static final String STATUS_PAD = "s".repeat(180);
    private static final String AUDIT_PAD = "a".repeat(240);

    private Baseline() {
    }

    public static void main(String[] args) throws InterruptedException {
        Topology topology = topology(Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-baseline");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(args[1]).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // the orchestrator's commit interval (its application.yml)
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        KafkaStreams streams = new KafkaStreams(topology, p);
        streams.setStateListener((now, was) -> System.out.println("baseline state " + now));
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
        Thread.currentThread().join();
    }

    /** The baseline's topology: {@code steps} commands per VM, each with {@code statuses} statuses and {@code audits} audits. */
    static Topology topology(int steps, int statuses, int audits) {
        Topology topology = new Topology();
        topology.addSource("events", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), EVENTS);
        topology.addProcessor("saga", () -> new Saga(steps, statuses, audits), "events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("vms"), Serdes.String(), Serdes.Integer()), "saga");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("jobs"), Serdes.String(), Serdes.Integer()), "saga");
        topology.addSink("commands", COMMANDS, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "saga");
        topology.addSink("status", STATUS, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "saga");
        topology.addSink("audit", AUDIT, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "saga");
        return topology;
    }

    /**
     * Text records: START|job|n[|gated], RESULT|job|vm|step in; CMD, VM, JOB and AUDIT records out. A gated job waits
     * where a failback waits for other VMs ({@link Gates}); a job not gated is a plain ping-pong.
     */
    private static final class Saga implements Processor<String, byte[], String, byte[]> {
        private final int steps;
        private final int statuses;
        private final int audits;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Integer> vms;
        private KeyValueStore<String, Integer> jobs;
        /** When the record in hand began to be processed (System.nanoTime), to stamp each record with when it is made. */
        private long began;

        Saga(int steps, int statuses, int audits) {
            this.steps = steps;
            this.statuses = statuses;
            this.audits = audits;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.vms = context.getStateStore("vms");
            this.jobs = context.getStateStore("jobs");
        }

        @Override
        public void process(Record<String, byte[]> record) {
            began = System.nanoTime();
            String[] f = new String(record.value(), StandardCharsets.UTF_8).split("\\|");
            String job = f[1];
            if (f[0].equals("START")) {
                int n = Integer.parseInt(f[2]);
                jobs.put(job + "/size", n);
                jobs.put(job, 0);
                jobs.put(job + "/gated", f.length > 3 && f[3].equals("gated") && steps >= Gates.MIN_STEPS ? 1 : 0);
                boolean gated = jobs.get(job + "/gated") == 1;
                for (int i = 0; i < n; i++) {
                    // a gated job's preflight checks all at once, as the orchestrator sends them
                    for (int check = 0; check < (gated ? Gates.PREFLIGHT_STEPS : 1); check++) {
                        step(job, vmId(job, i), check);
                    }
                }
                return;
            }
            String vm = f[2];
            int step = Integer.parseInt(f[3]);
            Integer current = vms.get(job + "/" + vm);
            boolean gated = jobs.get(job + "/gated") == 1;
            if (current == null || current != (gated && step < Gates.PREFLIGHT_STEPS ? Gates.PREFLIGHT_STEPS - 1 : step)) {
                return; // a stale or repeated result
            }
            if (step + 1 < steps) {
                if (gated) {
                    gated(job, vm, step);
                } else {
                    step(job, vm, step + 1);
                }
                return;
            }
            vms.put(job + "/" + vm, steps);
            int done = jobs.get(job) + 1;
            jobs.put(job, done);
            emit(STATUS, job, "VM|" + job + "|" + vm + "|done|" + STATUS_PAD);
            if (done == jobs.get(job + "/size")) {
                emit(STATUS, job, "JOB|" + job + "|COMPLETED");
            }
        }

        /** {@code vm} of a gated job has done {@code step}: its next step now, or once its gate opens. */
        private void gated(String job, String vm, int step) {
            int n = jobs.get(job + "/size");
            Gates gates = new Gates(steps, n);
            int index = Integer.parseInt(vm.substring(vm.lastIndexOf('-') + 1));
            if (step < Gates.PREFLIGHT_STEPS) { // preflight: a VM passes with both answers, nobody goes on before every VM passed
                Integer stored = vms.get(job + "/" + vm + "/preflight"); // the checks answered, one bit each
                int answered = stored == null ? 0 : stored;
                int mask = answered | 1 << step;
                if (mask == answered) {
                    return; // a repeated answer
                }
                vms.put(job + "/" + vm + "/preflight", mask);
                if (mask != (1 << Gates.PREFLIGHT_STEPS) - 1) {
                    return; // the other check is still out
                }
                int checked = count(job + "/checked");
                if (checked < n) {
                    vms.put(job + "/" + vm, -1); // waiting
                    return;
                }
                for (int i = 0; i < n; i++) {
                    step(job, vmId(job, i), Gates.PREFLIGHT_STEPS);
                }
                return;
            }
            if (step + 1 == gates.powerOn()) { // a boot group powers on once every earlier one has
                if (gates.group(index) <= current(job)) {
                    step(job, vm, step + 1);
                } else {
                    vms.put(job + "/" + vm, -1);
                }
                return;
            }
            if (step == gates.powerOn()) {
                int group = gates.group(index);
                count(job + "/on/" + group);
                int group0 = current(job);
                int open = group0;
                while (open <= Gates.GROUPS && jobs.get(job + "/on/" + open) != null && jobs.get(job + "/on/" + open) == gates.size(open)) {
                    open++;
                }
                if (open != group0) {
                    jobs.put(job + "/group", open);
                    for (int g = group0 + 1; g <= Math.min(open, Gates.GROUPS); g++) {
                        for (int i = gates.first(g); i < gates.first(g + 1); i++) {
                            String waiting = vmId(job, i);
                            if (vms.get(job + "/" + waiting) == -1) {
                                step(job, waiting, gates.powerOn());
                            }
                        }
                    }
                }
                if (count(job + "/on") == n) { // the commit: every VM powered on
                    for (int i = 0; i < n; i++) {
                        step(job, vmId(job, i), step + 1);
                    }
                } else {
                    vms.put(job + "/" + vm, -1);
                }
                return;
            }
            step(job, vm, step + 1);
        }

        /** The boot group allowed to power on now. */
        private int current(String job) {
            Integer g = jobs.get(job + "/group");
            return g == null ? 1 : g;
        }

        /** Adds one to the job's counter {@code key}; the new count. */
        private int count(String key) {
            Integer c = jobs.get(key);
            int next = (c == null ? 0 : c) + 1;
            jobs.put(key, next);
            return next;
        }

        private static String vmId(String job, int i) {
            return job + "-vm-" + i;
        }

        private void step(String job, String vm, int step) {
            vms.put(job + "/" + vm, step);
            jobs.put(job, jobs.get(job));
            context.forward(new Record<>(vm, ("CMD|" + job + "|" + vm + "|" + step + "|" + COMMAND_PAD).getBytes(StandardCharsets.UTF_8),
                    madeAt()), "commands");
            for (int i = 0; i < statuses; i++) {
                emit(STATUS, job, "VM|" + job + "|" + vm + "|" + step + "|" + STATUS_PAD);
            }
            for (int i = 0; i < audits; i++) {
                emit(AUDIT, job, "AUDIT|" + job + "|" + vm + "|" + step + "|" + i + "|" + AUDIT_PAD);
            }
        }

        /** Now, as the orchestrator stamps what it makes: the call's clock and the time the call has taken so far. */
        private long madeAt() {
            return context.currentSystemTimeMs() + (System.nanoTime() - began) / 1_000_000;
        }

        private void emit(String sink, String job, String text) {
            context.forward(new Record<>(job, text.getBytes(StandardCharsets.UTF_8), madeAt()),
                    sink.equals(STATUS) ? "status" : "audit");
        }
    }

    /**
     * Where a failback's VMs wait for others, as the orchestrator's do: after the first two steps, the preflight's two
     * checks sent at once (the Azure VM's and vCenter's, {@link #PREFLIGHT_STEPS}), until every VM passed both; at the
     * next to last (power-on) until every VM of the earlier boot groups is powered on; at the last (the delete on commit)
     * until every VM is powered on. Boot groups as the bench's plans have them: three, each a third of the VMs in order.
     */
    record Gates(int steps, int vms) {
        static final int GROUPS = 3;
        /** The preflight's checks, each VM's first steps, sent at once (0 and 1). */
        static final int PREFLIGHT_STEPS = 2;
        static final int MIN_STEPS = PREFLIGHT_STEPS + 2;

        int powerOn() {
            return steps - 2;
        }

        /** The boot group of the VM at {@code index} (from 0), from 1. */
        int group(int index) {
            return index * GROUPS / vms + 1;
        }

        /** The index of the first VM of {@code group}; of group 4, the number of VMs. */
        int first(int group) {
            return ((group - 1) * vms + GROUPS - 1) / GROUPS;
        }

        int size(int group) {
            return first(group + 1) - first(group);
        }
    }
}
