package io.failback.orchestrator;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ConfigServerState;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InventoryRecord;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The orchestrator as its own process (the service's jar) on a real broker, with the two agents played
 * in the test JVM: each command is answered with success, one per {@link #AGENT_PACE} at most, and its
 * deliveries are counted by command id. Status events, audit records and dead letters are collected as they arrive.
 * The agents and the readers ride out a broker that goes away and comes back.
 */
final class OrchestratorHarness implements AutoCloseable {

    /** The played agents answer at most one command per pace, as busy agents would. */
    static final Duration AGENT_PACE = Duration.ofMillis(15);
    /** How long a reader waits before trying a broker that went away again. */
    private static final Duration BACK_OFF = Duration.ofMillis(500);

    /** Deliveries per command id, as the played agents received them. */
    final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    final List<StatusEvent> statuses = new CopyOnWriteArrayList<>();
    final List<AuditRecord> audits = new CopyOnWriteArrayList<>();
    final List<ConsumerRecord<byte[], byte[]>> deadLetters = new CopyOnWriteArrayList<>();

    private final String bootstrap;
    private final Path work;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Process> everyInstance = new CopyOnWriteArrayList<>();

    OrchestratorHarness(String bootstrap, Path work) {
        this.bootstrap = bootstrap;
        this.work = work;
        threads.add(daemon("agents", this::playAgents));
        threads.add(daemon("status-reader", this::readStatusAndDeadLetters));
    }

    // ------------------------------------------------------------------ the orchestrator process

    /** An orchestrator on its own state directory, with {@code settings} ({@code --key=value}) after the harness's. */
    Process startOrchestrator(String run, String... settings) throws Exception {
        File jar = Files.list(Path.of("target"))
                .filter(p -> p.getFileName().toString().matches("orchestrator-service-.*\\.jar"))
                .findFirst().orElseThrow(() -> new IllegalStateException("the service jar is built in the package phase"))
                .toFile();
        Path log = work.resolve(run + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", jar.getAbsolutePath(),
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.kafka.streams.state-dir=" + work.resolve("state-" + run),
                "--spring.kafka.streams.properties.session.timeout.ms=6000",
                "--spring.kafka.streams.properties.heartbeat.interval.ms=1000",
                "--failback.orchestrator.vcenter-step-timeout=2m",
                "--failback.orchestrator.azure-step-timeout=2m",
                // the harness plays an unsigned operator: signatures have their own topology and end-to-end tests
                "--failback.orchestrator.signing.require-signatures=false"));
        cmd.addAll(List.of(settings));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        everyInstance.add(p);
        System.out.println("orchestrator " + run + " pid " + p.pid() + " log " + log);
        return p;
    }

    void killEveryInstance() throws InterruptedException {
        for (Process p : everyInstance) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        everyInstance.clear();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        killEveryInstance();
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    // ------------------------------------------------------------------ inputs

    /** A plan of three groups of {@code perGroup} VMs named {@code prefix-01} on; returns the VM ids in order. */
    static List<String> threeGroupPlan(Estate estate, String planId, String prefix, int perGroup) {
        List<String> vms = IntStream.rangeClosed(1, 3 * perGroup).mapToObj(i -> String.format("%s-%02d", prefix, i)).toList();
        estate.plan(planId, List.of(vms.subList(0, perGroup), vms.subList(perGroup, 2 * perGroup), vms.subList(2 * perGroup, 3 * perGroup)));
        return vms;
    }

    void publishInventory(Estate estate, String planId) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            var inventory = Topics.INVENTORY.valueSerde().serializer();
            estate.items.forEach((vm, item) -> producer.send(new ProducerRecord<>(Topics.INVENTORY.name(), InventoryKeys.item(vm),
                    inventory.serialize(Topics.INVENTORY.name(), new InventoryRecord(item)))));
            producer.send(new ProducerRecord<>(Topics.INVENTORY.name(), InventoryKeys.plan(planId),
                    inventory.serialize(Topics.INVENTORY.name(), new InventoryRecord(estate.plans.get(planId)))));
            estate.members.get(planId).forEach(m -> producer.send(new ProducerRecord<>(Topics.INVENTORY.name(),
                    InventoryKeys.planMember(planId, m.getVmId()), inventory.serialize(Topics.INVENTORY.name(), new InventoryRecord(m)))));
            producer.send(new ProducerRecord<>(Topics.INVENTORY.name(), InventoryKeys.configServer("cs-01"), inventory.serialize(
                    Topics.INVENTORY.name(), new InventoryRecord(new ConfigServerHeartbeat("cs-01", ConfigServerState.RUNNING, true, Instant.now())))));
            var points = Topics.RECOVERY_POINTS.valueSerde().serializer();
            estate.points.forEach((vm, list) -> {
                for (RecoveryPoint p : list) {
                    producer.send(new ProducerRecord<>(Topics.RECOVERY_POINTS.name(), InventoryKeys.recoveryPoint(vm, p.getPointId()),
                            points.serialize(Topics.RECOVERY_POINTS.name(), p)));
                }
            });
            producer.flush();
        }
    }

    void request(FailbackRequest request) throws Exception {
        send(Topics.REQUESTS.name(), request.getRequestId(),
                Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(), request));
    }

    void send(String topic, String key, byte[] value) throws Exception {
        send(topic, null, key, value);
    }

    /** Writes onto {@code partition} (null: the Java client's own choice), as a client with another partitioner would. */
    void send(String topic, Integer partition, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ what came out

    JobState jobState(String jobId) {
        StatusEvent last = null;
        for (StatusEvent e : statuses) {
            if (e.getJobId().equals(jobId) && e.getJob() != null) {
                last = e;
            }
        }
        return last == null ? null : last.getJob().getState();
    }

    VmState lastVmState(String jobId, String vmId) {
        VmState state = null;
        for (StatusEvent e : statuses) {
            if (e.getJobId().equals(jobId) && e.getVm() != null && e.getVm().getVmId().equals(vmId)) {
                state = e.getVm().getState();
            }
        }
        return state;
    }

    long commandsOf(String jobId) {
        return deliveries.keySet().stream().filter(id -> id.startsWith(jobId + ":")).count();
    }

    // ------------------------------------------------------------------ the agents, played here

    /** Answers every command with success at the agents' pace, counting deliveries per command id. */
    private void playAgents() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("it-agents");
             KafkaProducer<String, byte[]> producer = producer()) {
            consumer.subscribe(List.of(Topics.VCENTER_COMMANDS.name(), Topics.AZURE_COMMANDS.name(),
                    Topics.REPLICATION_COMMANDS.name()));
            long nextAnswerAt = System.nanoTime();
            while (running.get()) {
                try {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        long due = nextAnswerAt;
                        await().pollInSameThread().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                                .until(() -> System.nanoTime() - due >= 0);
                        answer(producer, r);
                        nextAnswerAt = System.nanoTime() + AGENT_PACE.toNanos();
                    }
                    consumer.commitSync();
                } catch (KafkaException e) {
                    // the broker is away: records not committed come again, as they would to a real agent
                    System.out.println("played agents: " + e);
                    backOff();
                }
            }
        }
    }

    private void answer(KafkaProducer<String, byte[]> producer, ConsumerRecord<String, byte[]> r) {
        if (r.topic().equals(Topics.VCENTER_COMMANDS.name())) {
            VcenterCommand c = Topics.VCENTER_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            deliveries.computeIfAbsent(c.getCommandId(), k -> new AtomicInteger()).incrementAndGet();
            producer.send(new ProducerRecord<>(Topics.VCENTER_EVENTS.name(), c.getJobId(), Topics.VCENTER_EVENTS.valueSerde()
                    .serializer().serialize(Topics.VCENTER_EVENTS.name(), World.okFor(c))));
        } else if (r.topic().equals(Topics.REPLICATION_COMMANDS.name())) {
            io.failback.messages.ReplicationCommand c = Topics.REPLICATION_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            deliveries.computeIfAbsent(c.getCommandId(), k -> new AtomicInteger()).incrementAndGet();
            producer.send(new ProducerRecord<>(Topics.REPLICATION_EVENTS.name(), c.getJobId(), Topics.REPLICATION_EVENTS.valueSerde()
                    .serializer().serialize(Topics.REPLICATION_EVENTS.name(), World.okFor(c))));
        } else {
            AzureCommand c = Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            deliveries.computeIfAbsent(c.getCommandId(), k -> new AtomicInteger()).incrementAndGet();
            producer.send(new ProducerRecord<>(Topics.AZURE_EVENTS.name(), c.getJobId(), Topics.AZURE_EVENTS.valueSerde()
                    .serializer().serialize(Topics.AZURE_EVENTS.name(), World.okFor(c))));
        }
    }

    private void readStatusAndDeadLetters() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("it-status")) {
            consumer.subscribe(List.of(Topics.STATUS.name(), Topics.AUDIT.name(), Topics.ORCHESTRATOR_DLT.name()));
            while (running.get()) {
                try {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        collect(r);
                    }
                } catch (KafkaException e) {
                    System.out.println("status reader: " + e);
                    backOff();
                }
            }
        }
    }

    private void collect(ConsumerRecord<String, byte[]> r) {
        if (r.topic().equals(Topics.STATUS.name())) {
            statuses.add(Topics.STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        } else if (r.topic().equals(Topics.AUDIT.name())) {
            audits.add(Topics.AUDIT.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        } else {
            deadLetters.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                    r.serializedKeySize(), r.serializedValueSize(),
                    r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers(), r.leaderEpoch()));
        }
    }

    /**
     * The latest value of each key of {@code topic} now, read from its start (read_committed): null for a key whose
     * latest record is a tombstone.
     */
    Map<String, byte[]> latestByKey(String topic) {
        Map<String, byte[]> latest = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer("it-latest-" + java.util.UUID.randomUUID())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return latest;
    }

    // ------------------------------------------------------------------ helpers

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    private KafkaConsumer<String, byte[]> consumer(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits {@link #BACK_OFF} before the next try at an absent broker, or less when the harness closes. */
    private void backOff() {
        long resumeAt = System.nanoTime() + BACK_OFF.toNanos();
        await().pollInSameThread().pollInterval(Duration.ofMillis(20)).atMost(BACK_OFF.multipliedBy(4))
                .until(() -> !running.get() || System.nanoTime() - resumeAt >= 0);
    }
}
