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
 * A job of N VMs keyed by job id; each VM runs a fixed number of steps, one command at a time; each event
 * (the request, each result) reads and writes the VM's record and the job's counter in changelogged stores
 * and writes one command, the statuses and the audits the orchestrator writes per command. Run as its own
 * process: {@code Baseline BOOTSTRAP STATE_DIR STEPS STATUSES AUDITS}.
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
        int steps = Integer.parseInt(args[2]);
        int statuses = Integer.parseInt(args[3]);
        int audits = Integer.parseInt(args[4]);
        Topology topology = new Topology();
        topology.addSource("events", EVENTS);
        topology.addProcessor("saga", () -> new Saga(steps, statuses, audits), "events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("vms"), Serdes.String(), Serdes.Integer()), "saga");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("jobs"), Serdes.String(), Serdes.Integer()), "saga");
        topology.addSink("commands", COMMANDS, "saga");
        topology.addSink("status", STATUS, "saga");
        topology.addSink("audit", AUDIT, "saga");

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-baseline");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(args[1]).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // the orchestrator's commit interval (its application.yml)
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        KafkaStreams streams = new KafkaStreams(topology, p);
        streams.setStateListener((now, was) -> System.out.println("baseline state " + now));
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
        Thread.currentThread().join();
    }

    /** Text records: START|job|n, RESULT|job|vm|step in; CMD, VM, JOB and AUDIT records out. */
    private static final class Saga implements Processor<String, byte[], String, byte[]> {
        private final int steps;
        private final int statuses;
        private final int audits;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Integer> vms;
        private KeyValueStore<String, Integer> jobs;

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
            String[] f = new String(record.value(), StandardCharsets.UTF_8).split("\\|");
            String job = f[1];
            if (f[0].equals("START")) {
                int n = Integer.parseInt(f[2]);
                jobs.put(job + "/size", n);
                jobs.put(job, 0);
                for (int i = 0; i < n; i++) {
                    step(job, job + "-vm-" + i, 0);
                }
                return;
            }
            String vm = f[2];
            int step = Integer.parseInt(f[3]);
            Integer current = vms.get(job + "/" + vm);
            if (current == null || current != step) {
                return; // a stale or repeated result
            }
            if (step + 1 < steps) {
                step(job, vm, step + 1);
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

        private void step(String job, String vm, int step) {
            vms.put(job + "/" + vm, step);
            jobs.put(job, jobs.get(job));
            context.forward(new Record<>(vm, ("CMD|" + job + "|" + vm + "|" + step + "|" + COMMAND_PAD).getBytes(StandardCharsets.UTF_8),
                    context.currentSystemTimeMs()), "commands");
            for (int i = 0; i < statuses; i++) {
                emit(STATUS, job, "VM|" + job + "|" + vm + "|" + step + "|" + STATUS_PAD);
            }
            for (int i = 0; i < audits; i++) {
                emit(AUDIT, job, "AUDIT|" + job + "|" + vm + "|" + step + "|" + i + "|" + AUDIT_PAD);
            }
        }

        private void emit(String sink, String job, String text) {
            context.forward(new Record<>(job, text.getBytes(StandardCharsets.UTF_8), context.currentSystemTimeMs()),
                    sink.equals(STATUS) ? "status" : "audit");
        }
    }
}
