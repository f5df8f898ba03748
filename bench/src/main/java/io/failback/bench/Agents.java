package io.failback.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.failback.messages.AzureCommand;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationResult;
import io.failback.messages.VcenterCommand;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The vCenter and Azure agents in the bench JVM (and the baseline's agent), and a tap on every command topic (the replication engine's
 * too, which the replication simulator answers). Each command is answered with success either at once or,
 * for the makespan run, after a delay drawn for its step, under each agent's concurrency limit.
 */
final class Agents extends ConsumerLoop {

    private final KafkaProducer<byte[], byte[]> producer;
    private final CommandLog log;
    private volatile Delays delays;
    private final Lane azure = new Lane("azure");
    private final Lane vcenter = new Lane("vcenter");

    Agents(String bootstrap, CommandLog log) {
        super("bench-agents", new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-agents", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        this.log = log;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2), new ByteArraySerializer(), new ByteArraySerializer());
        start();
    }

    /** From now on, answers after the delays drawn by {@code delays} (null: at once). */
    void answerAfter(Delays delays) {
        this.delays = delays;
    }

    @Override
    void beforeFirstPoll() {
        consumer.subscribe(List.of(Topics.VCENTER_COMMANDS.name(), Topics.AZURE_COMMANDS.name(), Topics.REPLICATION_COMMANDS.name(),
                Baseline.COMMANDS, Topics.REPLICATION_EVENTS.name(), Topics.ORCHESTRATOR_INPUTS.name()));
    }

    @Override
    void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(Topics.VCENTER_COMMANDS.name())) {
            VcenterCommand c = Topics.VCENTER_COMMANDS.valueSerde().deserializer().deserialize(topic, r.value());
            String step = log.command(c.getJobId(), c.getVmId(), c.getCommandId(), r.timestamp());
            vcenter.submit(c.getVmId(), step, () -> send(Topics.VCENTER_EVENTS.name(), c.getJobId(),
                    Topics.VCENTER_EVENTS.valueSerde().serializer().serialize(topic, Answers.of(c))));
        } else if (topic.equals(Topics.AZURE_COMMANDS.name())) {
            AzureCommand c = Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(topic, r.value());
            String step = log.command(c.getJobId(), c.getVmId(), c.getCommandId(), r.timestamp());
            azure.submit(c.getVmId(), step, () -> send(Topics.AZURE_EVENTS.name(), c.getJobId(),
                    Topics.AZURE_EVENTS.valueSerde().serializer().serialize(topic, Answers.of(c))));
        } else if (topic.equals(Baseline.COMMANDS)) {
            // the baseline's command: CMD|job|vm|step|padding, answered with RESULT|job|vm|step
            String[] f = new String(r.value(), StandardCharsets.UTF_8).split("\\|", 5);
            log.command(f[1], f[2], f[1] + ":" + f[2] + ":" + f[3], r.timestamp());
            send(Baseline.EVENTS, f[1], ("RESULT|" + f[1] + "|" + f[2] + "|" + f[3]).getBytes(StandardCharsets.UTF_8));
        } else if (topic.equals(Topics.REPLICATION_EVENTS.name())) {
            // the engine's answer as it wrote it, and below as the router put it on the job's partition: the round trip's parts
            ReplicationResult result = Topics.REPLICATION_EVENTS.valueSerde().deserializer().deserialize(topic, r.value());
            log.replicationAnswer(result.getCommandId(), 0, r.timestamp());
        } else if (topic.equals(Topics.ORCHESTRATOR_INPUTS.name())) {
            if (Topics.ORCHESTRATOR_INPUTS.valueSerde().deserializer().deserialize(topic, r.value()).getInput() instanceof ReplicationResult result) {
                log.replicationAnswer(result.getCommandId(), 1, r.timestamp());
            }
        } else {
            ReplicationCommand c = Topics.REPLICATION_COMMANDS.valueSerde().deserializer().deserialize(topic, r.value());
            log.command(c.getJobId(), c.getVmId(), c.getCommandId(), r.timestamp());
        }
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    @Override
    public void close() {
        super.close();
        azure.close();
        vcenter.close();
        producer.close(Duration.ofSeconds(10));
    }

    /** Per-step delays, drawn once per VM and step, and each agent's concurrency limit. */
    interface Delays {
        /** The delay in ms for this VM's step, recorded for the lower bound. */
        long draw(String agent, String vmId, String step);

        int limit(String agent);
    }

    /** One agent's work: at most its limit at once, the rest queued in arrival order. */
    private final class Lane {
        private final String name;
        private final ScheduledExecutorService timer;
        private final Queue<Runnable> waiting = new ArrayDeque<>();
        private int busy;

        Lane(String name) {
            this.name = name;
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-" + name));
        }

        void submit(String vmId, String step, Runnable answer) {
            Delays d = delays;
            if (d == null) {
                answer.run();
                return;
            }
            long ms = d.draw(name, vmId, step);
            timer.execute(() -> {
                Runnable start = () -> timer.schedule(() -> {
                    answer.run();
                    busy--;
                    Runnable next = waiting.poll();
                    if (next != null) {
                        next.run();
                    }
                }, ms, TimeUnit.MILLISECONDS);
                if (busy < d.limit(name)) {
                    busy++;
                    start.run();
                } else {
                    waiting.add(() -> {
                        busy++;
                        start.run();
                    });
                }
            });
        }

        void close() {
            timer.shutdownNow();
        }
    }

    /** Every command seen per job: its VM, its step (the command id's last part) and when it was written. */
    static final class CommandLog {
        /**
         * The steps the orchestrator sends only once other VMs are through: the shutdown after the whole plan's
         * preflight, the power-on at its boot group's gate, the delete at the commit. The baseline has none.
         */
        static final java.util.Set<String> AFTER_A_GATE = java.util.Set.of("SHUT_DOWN_AZURE_VM", "POWER_ON_ON_PREMISES_VM", "DELETE_AZURE_VM");

        /** A command's time, step and id. */
        private record Sent(long at, String step, String commandId) {
        }

        private final Map<String, Map<String, List<Sent>>> byJob = new ConcurrentHashMap<>();
        private final Map<String, Map<String, Boolean>> ids = new ConcurrentHashMap<>();
        private final Map<String, int[]> counts = new ConcurrentHashMap<>();
        private final Map<String, long[]> answers = new ConcurrentHashMap<>();

        String command(String jobId, String vmId, String commandId, long at) {
            String step = commandId.substring(commandId.lastIndexOf(':') + 1);
            List<Sent> vm = byJob.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>()).computeIfAbsent(vmId, v -> new ArrayList<>());
            synchronized (vm) {
                vm.add(new Sent(at, step, commandId));
            }
            ids.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>()).put(commandId, Boolean.TRUE);
            counts.computeIfAbsent(jobId, j -> new int[1])[0]++;
            return step;
        }

        /** Forgets every job logged so far. */
        void clear() {
            byJob.clear();
            ids.clear();
            counts.clear();
            answers.clear();
        }

        /** A replication command's answer: when the engine wrote it ({@code hop} 0), when the router forwarded it (1). */
        void replicationAnswer(String commandId, int hop, long at) {
            answers.computeIfAbsent(commandId, k -> new long[] {-1, -1})[hop] = at;
        }

        /**
         * Each replication round trip of the job cut at its hops, in ms, each list sorted: the command to the engine's
         * answer, the answer to the router's forward (for a result that landed on a partition without its job), the forward
         * (or else the answer) to the VM's next command.
         */
        List<List<Long>> replicationHops(String jobId) {
            List<List<Long>> hops = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (List<Sent> sorted : inTimeOrder(jobId)) {
                for (int i = 0; i + 1 < sorted.size(); i++) {
                    long[] at = answers.get(sorted.get(i).commandId());
                    if (at != null && at[0] >= 0) { // a result read where it landed has no forward: its hop is left out
                        hops.get(0).add(at[0] - sorted.get(i).at());
                        boolean forwarded = at[1] >= 0;
                        if (forwarded) {
                            hops.get(1).add(at[1] - at[0]);
                        }
                        hops.get(2).add(sorted.get(i + 1).at() - (forwarded ? at[1] : at[0]));
                    }
                }
            }
            hops.forEach(l -> l.sort(null));
            return hops;
        }

        int commands(String jobId) {
            int[] c = counts.get(jobId);
            return c == null ? 0 : c[0];
        }

        int distinct(String jobId) {
            return ids.getOrDefault(jobId, Map.of()).size();
        }

        /** Per step, when its first and its last command of the job were written, in ms after the job's first command. */
        Map<String, long[]> stepSpans(String jobId) {
            return stepSpans(jobId, -1);
        }

        /** As {@link #stepSpans(String)}, in ms after {@code origin} (epoch ms) if not negative. */
        Map<String, long[]> stepSpans(String jobId, long origin) {
            Map<String, long[]> spans = new java.util.TreeMap<>();
            long start = Long.MAX_VALUE;
            for (List<Sent> sent : byJob.getOrDefault(jobId, Map.of()).values()) {
                synchronized (sent) {
                    for (Sent s : sent) {
                        start = Math.min(start, s.at());
                        long[] span = spans.computeIfAbsent(s.step(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                        span[0] = Math.min(span[0], s.at());
                        span[1] = Math.max(span[1], s.at());
                    }
                }
            }
            long zero = origin >= 0 ? origin : start;
            for (long[] span : spans.values()) {
                span[0] -= zero;
                span[1] -= zero;
            }
            return spans;
        }

        /** Each VM's commands of the job, in the order they were written. */
        private List<List<Sent>> inTimeOrder(String jobId) {
            List<List<Sent>> vms = new ArrayList<>();
            for (List<Sent> sent : byJob.getOrDefault(jobId, Map.of()).values()) {
                List<Sent> sorted;
                synchronized (sent) {
                    sorted = new ArrayList<>(sent);
                }
                sorted.sort(java.util.Comparator.comparingLong(Sent::at));
                vms.add(sorted);
            }
            return vms;
        }

        /** Per step, the latencies (ms) from the VM's command before to this one, sorted. */
        Map<String, List<Long>> latenciesByStep(String jobId) {
            Map<String, List<Long>> out = new java.util.TreeMap<>();
            for (List<Sent> sorted : inTimeOrder(jobId)) {
                for (int i = 1; i < sorted.size(); i++) {
                    out.computeIfAbsent(sorted.get(i).step(), k -> new ArrayList<>()).add(sorted.get(i).at() - sorted.get(i - 1).at());
                }
            }
            out.values().forEach(l -> l.sort(null));
            return out;
        }

        /**
         * Command issued to the next command for the same VM, in ms, over the job's VMs (the step latency);
         * with {@code withGateWaits} false, leaving out the steps that wait at a gate for other VMs
         * ({@link #AFTER_A_GATE}), so what remains compares with the baseline's, which has no gates.
         */
        List<Long> stepLatencies(String jobId, boolean withGateWaits) {
            List<Long> out = new ArrayList<>();
            for (List<Sent> sorted : inTimeOrder(jobId)) {
                for (int i = 1; i < sorted.size(); i++) {
                    if (withGateWaits || !AFTER_A_GATE.contains(sorted.get(i).step())) {
                        out.add(sorted.get(i).at() - sorted.get(i - 1).at());
                    }
                }
            }
            return out;
        }
    }
}
