package io.failback.sandbox.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.failback.messages.ReplicationCommand;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.schemas.DeadLetters;
import io.failback.schemas.Durations;
import io.failback.schemas.Topics;
import io.failback.schemas.TrustedMessages;
import io.failback.schemas.UnreadableRecordException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The replication engine's stand-in on Kafka: publishes the estate's inventory and a heartbeat, takes
 * recovery points on a clock, registers on-premises agents a delay after their VM powers on (seen on
 * the vCenter agent's results), and answers reprotect commands. Unreadable commands go to the
 * replication dead-letter topic.
 *
 * <pre>java -cp ... io.failback.sandbox.replication.ReplicationSimulator --bootstrap-servers HOST:PORT --estate FILE
 *     [--agent-registration-delay 20s] [--crash-point-every 5s] [--app-point-every 30s] [--help]</pre>
 */
public final class ReplicationSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationSimulator.class);
    static final String SERVICE = "replication-simulator";
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(10);

    private final ReplicationEngine engine;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ReplicationSimulator(Map<String, Object> client, EstateSpec estate, ReplicationEngine.Settings settings) {
        this.engine = new ReplicationEngine(estate, settings);
        Map<String, Object> producerConfig = new java.util.HashMap<>(client);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> consumerConfig = new java.util.HashMap<>(client);
        consumerConfig.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, SERVICE,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.loop = new Thread(this::run, SERVICE);
    }

    /** Publishes the inventory, then runs until closed. */
    public static ReplicationSimulator start(String bootstrapServers, EstateSpec estate, ReplicationEngine.Settings settings) {
        return start(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), estate, settings);
    }

    /** As {@link #start(String, EstateSpec, ReplicationEngine.Settings)} with these client settings (a secured broker's TLS ones, say). */
    public static ReplicationSimulator start(Map<String, Object> client, EstateSpec estate, ReplicationEngine.Settings settings) {
        TrustedMessages.ensureTrusted();
        ReplicationSimulator sim = new ReplicationSimulator(client, estate, settings);
        Instant now = Instant.now();
        sim.engine.inventory(now).forEach(sim::publishInventory);
        sim.engine.pointsDue(now).forEach(sim::publishPoint);
        sim.producer.flush();
        sim.loop.start();
        return sim;
    }

    private void run() {
        consumer.subscribe(List.of(Topics.REPLICATION_COMMANDS.name(), Topics.VCENTER_EVENTS.name()));
        Instant lastHeartbeat = Instant.now();
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(250));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    handle(r);
                }
                Instant now = Instant.now();
                if (!now.isBefore(lastHeartbeat.plus(HEARTBEAT_EVERY))) {
                    lastHeartbeat = now;
                    publishInventory(engine.heartbeat(now));
                }
                engine.pointsDue(now).forEach(this::publishPoint);
                engine.registrationsDue(now).forEach(k -> {
                    log.info("agent on {} registered", k.key());
                    publishInventory(k);
                });
                if (!records.isEmpty()) {
                    producer.flush(); // answers out before their commands are marked read
                    consumer.commitSync();
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        Instant now = Instant.now();
        if (r.topic().equals(Topics.VCENTER_EVENTS.name())) {
            try {
                engine.onVcenterResult(Topics.VCENTER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()), now);
            } catch (UnreadableRecordException e) {
                log.debug("ignoring an unreadable vCenter result at {}-{}@{}", r.topic(), r.partition(), r.offset());
            }
            return;
        }
        ReplicationCommand command;
        try {
            command = Topics.REPLICATION_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (UnreadableRecordException e) {
            log.warn("unreadable replication command {}-{}@{} sent to {}: {}", r.topic(), r.partition(), r.offset(),
                    Topics.REPLICATION_COMMANDS_DLT.name(), e.problem());
            producer.send(DeadLetters.of(Topics.REPLICATION_COMMANDS_DLT, SERVICE, r.topic(), r.partition(), r.offset(), r.key(), r.value(), e));
            return;
        }
        ReplicationEngine.Answer answer = engine.onCommand(command, now);
        log.info("{} {} for job {}: {}", command.getOperation().getClass().getSimpleName(), command.getVmId(),
                command.getJobId(), answer.result().getCode());
        if (answer.updatedItem() != null) {
            publishInventory(answer.updatedItem());
        }
        answer.points().forEach(this::publishPoint);
        producer.send(new ProducerRecord<>(Topics.REPLICATION_EVENTS.name(), bytes(command.getJobId()),
                Topics.REPLICATION_EVENTS.valueSerde().serializer().serialize(Topics.REPLICATION_EVENTS.name(), answer.result())));
    }

    private void publishInventory(ReplicationEngine.Keyed<io.failback.messages.InventoryRecord> k) {
        producer.send(new ProducerRecord<>(Topics.INVENTORY.name(), bytes(k.key()),
                k.value() == null ? null : Topics.INVENTORY.valueSerde().serializer().serialize(Topics.INVENTORY.name(), k.value())));
    }

    private void publishPoint(ReplicationEngine.Keyed<io.failback.messages.RecoveryPoint> k) {
        producer.send(new ProducerRecord<>(Topics.RECOVERY_POINTS.name(), bytes(k.key()),
                k.value() == null ? null : Topics.RECOVERY_POINTS.valueSerde().serializer().serialize(Topics.RECOVERY_POINTS.name(), k.value())));
    }

    /** The point {@code vmId}'s replica disks were rolled to for failback; null when not prepared. */
    public io.failback.messages.RecoveryPoint appliedPoint(String vmId) {
        return engine.appliedPoint(vmId);
    }

    /** The next prepare of {@code vmId} fails with {@code message}. */
    public void failNextPrepare(String vmId, String message) {
        engine.failNextPrepare(vmId, message);
    }

    /** Prunes {@code pointId} of {@code vmId} now, as retention would, and publishes its tombstone. */
    public void expire(String vmId, String pointId) {
        publishPoint(engine.expire(vmId, pointId));
        producer.flush();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Options()).execute(args));
    }

    /** The command line of the simulator run as its own process; {@code --help} lists it. */
    @Command(name = "replication-simulator", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Plays the replication engine on Kafka for an estate until stopped.")
    static final class Options implements Callable<Integer> {

        private static final ReplicationEngine.Settings DEMO = ReplicationEngine.Settings.demo();

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", required = true, description = "the Kafka broker")
        String bootstrapServers;

        @Option(names = "--estate", paramLabel = "FILE", required = true, description = "the estate file")
        Path estateFile;

        @Option(names = "--agent-registration-delay", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how long after power-on an agent registers, as 20s, 1m, PT20S (default: ${DEFAULT-VALUE})")
        Duration agentRegistrationDelay = DEMO.agentRegistrationDelay();

        @Option(names = "--crash-point-every", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how often a crash-consistent point is taken (default: ${DEFAULT-VALUE})")
        Duration crashPointEvery = DEMO.crashPointEvery();

        @Option(names = "--app-point-every", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how often an app-consistent point is taken (default: ${DEFAULT-VALUE})")
        Duration appPointEvery = DEMO.appPointEvery();

        ReplicationEngine.Settings settings() {
            return new ReplicationEngine.Settings(crashPointEvery, appPointEvery, DEMO.pointsKept(), agentRegistrationDelay);
        }

        @Override
        public Integer call() throws InterruptedException {
            EstateSpec estate = EstateSpec.read(estateFile);
            ReplicationSimulator sim = start(bootstrapServers, estate, settings());
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                sim.close();
                done.countDown();
            }, "replication-simulator-stop"));
            System.out.println("READY replication-simulator vms=" + estate.vms().size() + " plans=" + estate.plans().size());
            System.out.flush();
            done.await();
            return 0;
        }
    }

    /** Durations as {@link Durations} reads them, a bare number in seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (Durations.InvalidDurationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
