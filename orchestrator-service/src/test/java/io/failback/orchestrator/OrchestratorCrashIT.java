package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.failback.messages.AzureCommand;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ConfigServerState;
import io.failback.messages.InventoryRecord;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.World;
import io.failback.sandbox.kafka.InJvmKafka;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The orchestrator as its own process (the service's jar) on a real broker, with the two agents played
 * in this JVM: killed with SIGKILL in the middle of a plan and started again on a fresh state directory,
 * it completes the plan, and the agents receive each command id exactly once.
 */
class OrchestratorCrashIT {

    private static final int VMS = 30;

    @TempDir
    static Path work;

    private static EmbeddedKafkaKraftBroker broker;
    private static final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private static final List<StatusEvent> statuses = new CopyOnWriteArrayList<>();
    private static final List<ConsumerRecord<byte[], byte[]>> deadLetters = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean running = new AtomicBoolean(true);
    private static final List<Thread> threads = new ArrayList<>();
    private static Process orchestrator;
    private static final List<Process> everyInstance = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBrokerAndAgents() {
        broker = InJvmKafka.start();
        threads.add(daemon("agents", OrchestratorCrashIT::playAgents));
        threads.add(daemon("status-reader", OrchestratorCrashIT::readStatusAndDeadLetters));
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        running.set(false);
        killEveryInstance();
        for (Thread t : threads) {
            t.join(10_000);
        }
        broker.destroy();
    }

    @Test
    void shouldCompleteAPlanAcrossAKillAndARestartWithEachCommandDeliveredOnce() throws Exception {
        Estate estate = new Estate();
        List<String> vms = IntStream.rangeClosed(1, VMS).mapToObj(i -> String.format("vm-%02d", i)).collect(Collectors.toList());
        estate.plan("plan-crash", List.of(vms.subList(0, 10), vms.subList(10, 20), vms.subList(20, 30)));
        publishInventory(estate, "plan-crash");

        killEveryInstance(); // this test is about one instance alone
        orchestrator = startOrchestrator("run-1");
        send(Topics.REQUESTS.name(), "job-crash", Topics.REQUESTS.valueSerde().serializer()
                .serialize(Topics.REQUESTS.name(), Estate.planRequest("job-crash", "plan-crash").setRequestedAt(Instant.now()).build()));

        // mid-plan: the first group is well under way
        await().atMost(Duration.ofMinutes(3)).until(() -> deliveries.size() >= 60);
        int deliveredAtKill = deliveries.size();
        orchestrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(orchestrator.isAlive()).isFalse();
        assertThat(jobState("job-crash")).isNotEqualTo(JobState.AWAITING_COMMIT);

        orchestrator = startOrchestrator("run-2");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> jobState("job-crash") == JobState.AWAITING_COMMIT);

        System.out.printf("commands delivered: %d before the kill, %d in all%n", deliveredAtKill, deliveries.size());
        assertThat(deliveries.size()).as("commands after the restart").isGreaterThan(deliveredAtKill);
        assertThat(deliveries).allSatisfy((id, count) -> assertThat(count.get()).as("deliveries of " + id).isEqualTo(1));
        for (String vm : vms) {
            assertThat(lastVmState("job-crash", vm)).as(vm).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(deliveries.keySet().stream().filter(id -> id.startsWith("job-crash:" + vm + ":"))
                    .map(World::stepOf).collect(Collectors.toList()))
                    .as(vm).contains(io.failback.messages.Step.SHUT_DOWN_AZURE_VM, io.failback.messages.Step.POWER_ON_ON_PREMISES_VM);
        }
    }

    @Test
    void shouldLetASecondInstanceFinishAPlanWhenTheFirstIsKilled() throws Exception {
        Estate estate = new Estate();
        List<String> vms = IntStream.rangeClosed(1, 18).mapToObj(i -> String.format("vm-b-%02d", i)).collect(Collectors.toList());
        estate.plan("plan-two", List.of(vms.subList(0, 6), vms.subList(6, 12), vms.subList(12, 18)));
        publishInventory(estate, "plan-two");
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = startOrchestrator("first");
        }
        Process second = startOrchestrator("second");
        send(Topics.REQUESTS.name(), "job-two", Topics.REQUESTS.valueSerde().serializer()
                .serialize(Topics.REQUESTS.name(), Estate.planRequest("job-two", "plan-two").setRequestedAt(Instant.now()).build()));

        await().atMost(Duration.ofMinutes(3)).until(() -> commandsOf("job-two") >= 30);
        orchestrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        orchestrator = second;

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> jobState("job-two") == JobState.AWAITING_COMMIT);
        assertThat(deliveries).allSatisfy((id, count) -> assertThat(count.get()).as("deliveries of " + id).isEqualTo(1));
        for (String vm : vms) {
            assertThat(lastVmState("job-two", vm)).as(vm).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }
    }

    private static long commandsOf(String jobId) {
        return deliveries.keySet().stream().filter(id -> id.startsWith(jobId + ":")).count();
    }

    @Test
    void shouldSendAnUnreadableRequestToTheDeadLetterTopicAndGoOn() throws Exception {
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = startOrchestrator("run-dlt");
        }
        byte[] garbage = "{\"requestId\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        send(Topics.REQUESTS.name(), "job-garbage", garbage);
        send(Topics.REQUESTS.name(), "job-unknown", Topics.REQUESTS.valueSerde().serializer()
                .serialize(Topics.REQUESTS.name(), Estate.request("job-unknown", "vm-nobody-knows").setRequestedAt(Instant.now()).build()));

        await().atMost(Duration.ofMinutes(2)).until(() -> !deadLetters.isEmpty() && jobState("job-unknown") == JobState.REJECTED);
        ConsumerRecord<byte[], byte[]> dead = deadLetters.get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, DeadLetterHeaders.PROBLEM)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.REQUESTS.name());
        assertThat(header(dead, DeadLetterHeaders.SERVICE)).isEqualTo("orchestrator-service");
    }

    // ------------------------------------------------------------------ the orchestrator process

    private static Process startOrchestrator(String run) throws Exception {
        File jar = Files.list(Path.of("target"))
                .filter(p -> p.getFileName().toString().matches("orchestrator-service-.*\\.jar"))
                .findFirst().orElseThrow(() -> new IllegalStateException("the service jar is built in the package phase"))
                .toFile();
        Path log = work.resolve(run + ".log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", jar.getAbsolutePath(),
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--spring.kafka.streams.state-dir=" + work.resolve("state-" + run),
                "--spring.kafka.streams.properties.session.timeout.ms=6000",
                "--spring.kafka.streams.properties.heartbeat.interval.ms=1000",
                "--failback.orchestrator.vcenter-step-timeout=2m",
                "--failback.orchestrator.azure-step-timeout=2m");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        everyInstance.add(p);
        System.out.println("orchestrator " + run + " pid " + p.pid() + " log " + log);
        return p;
    }

    private static void killEveryInstance() throws InterruptedException {
        for (Process p : everyInstance) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        everyInstance.clear();
    }

    // ------------------------------------------------------------------ the agents, played here

    /** Answers every command with success after a short pause, counting deliveries per command id. */
    private static void playAgents() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("it-agents", ByteArrayDeserializer.class);
             KafkaProducer<String, byte[]> producer = producer()) {
            consumer.subscribe(List.of(Topics.VCENTER_COMMANDS.name(), Topics.AZURE_COMMANDS.name()));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    sleep(15);
                    if (r.topic().equals(Topics.VCENTER_COMMANDS.name())) {
                        VcenterCommand c = Topics.VCENTER_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        deliveries.computeIfAbsent(c.getCommandId(), k -> new AtomicInteger()).incrementAndGet();
                        producer.send(new ProducerRecord<>(Topics.VCENTER_EVENTS.name(), c.getJobId(), Topics.VCENTER_EVENTS.valueSerde()
                                .serializer().serialize(Topics.VCENTER_EVENTS.name(), World.okFor(c))));
                    } else {
                        AzureCommand c = Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        deliveries.computeIfAbsent(c.getCommandId(), k -> new AtomicInteger()).incrementAndGet();
                        producer.send(new ProducerRecord<>(Topics.AZURE_EVENTS.name(), c.getJobId(), Topics.AZURE_EVENTS.valueSerde()
                                .serializer().serialize(Topics.AZURE_EVENTS.name(), World.okFor(c))));
                    }
                }
                consumer.commitSync();
            }
        }
    }

    private static void readStatusAndDeadLetters() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("it-status", ByteArrayDeserializer.class)) {
            consumer.subscribe(List.of(Topics.STATUS.name(), Topics.ORCHESTRATOR_DLT.name()));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.STATUS.name())) {
                        statuses.add(Topics.STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } else {
                        deadLetters.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                                r.serializedKeySize(), r.serializedValueSize(),
                                r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers(), r.leaderEpoch()));
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JobState jobState(String jobId) {
        StatusEvent last = null;
        for (StatusEvent e : statuses) {
            if (e.getJobId().equals(jobId) && e.getJob() != null) {
                last = e;
            }
        }
        return last == null ? null : last.getJob().getState();
    }

    private static VmState lastVmState(String jobId, String vmId) {
        VmState state = null;
        for (StatusEvent e : statuses) {
            if (e.getJobId().equals(jobId) && e.getVm() != null && e.getVm().getVmId().equals(vmId)) {
                state = e.getVm().getState();
            }
        }
        return state;
    }

    private static void publishInventory(Estate estate, String planId) {
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

    private static void send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    private static <V> KafkaConsumer<String, V> consumer(String group, Class<?> valueDeserializer) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName()));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
