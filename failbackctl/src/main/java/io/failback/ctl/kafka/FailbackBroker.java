package io.failback.ctl.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.messages.AuditRecord;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;

/**
 * The command line's only door to Kafka: it first makes sure the broker answers within the timeout and
 * has the topics the command needs (so an unreachable broker is reported plainly, not as a hang), then
 * sends single records and opens status and audit readers.
 */
public final class FailbackBroker {

    private final ClientSettings settings;
    private final Map<String, Integer> partitions;

    private FailbackBroker(ClientSettings settings, Map<String, Integer> partitions) {
        this.settings = settings;
        this.partitions = partitions;
    }

    /** Connects and checks that each topic exists; fails with exit code 3 when the broker can't be used. */
    public static FailbackBroker connect(ClientSettings settings, Topic<?, ?>... topics) {
        long timeoutMs = settings.timeout().toMillis();
        Properties overrides = new Properties();
        overrides.put("request.timeout.ms", String.valueOf(timeoutMs));
        overrides.put("default.api.timeout.ms", String.valueOf(timeoutMs));
        Admin admin = create(() -> Admin.create(settings.with(overrides)), settings);
        try {
            await(admin.describeCluster().nodes(), timeoutMs, settings);
            List<String> names = new ArrayList<>();
            for (Topic<?, ?> t : topics) {
                names.add(t.name());
            }
            Map<String, TopicDescription> described = await(admin.describeTopics(names).allTopicNames(), timeoutMs, settings);
            Map<String, Integer> counts = new HashMap<>();
            described.forEach((name, d) -> counts.put(name, d.partitions().size()));
            return new FailbackBroker(settings, counts);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** Sends one record and waits until the broker has it. */
    public <V> void send(Topic<String, V> topic, String key, V value) {
        Properties overrides = new Properties();
        overrides.put("acks", "all");
        overrides.put("max.block.ms", String.valueOf(settings.timeout().toMillis()));
        try (KafkaProducer<String, V> producer = create(() -> new KafkaProducer<>(settings.with(overrides),
                topic.keySerde().serializer(), topic.valueSerde().serializer()), settings)) {
            await(create(() -> producer.send(new ProducerRecord<>(topic.name(), key, value)), settings),
                    settings.timeout().toMillis() * 3, settings);
        }
    }

    /**
     * Sends one record signed by {@code signer} (issue 15: the signature covers the value's bytes exactly as sent),
     * or as {@link #send} does when there is no signer (the orchestrator's unsigned local mode).
     */
    public <V> void send(Topic<String, V> topic, String key, V value, io.failback.schemas.signing.OperatorKey signer) {
        if (signer == null) {
            send(topic, key, value);
            return;
        }
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        io.failback.schemas.signing.Signatures.sign(headers, signer, topic.name(), key, bytes, System.currentTimeMillis());
        Properties overrides = new Properties();
        overrides.put("acks", "all");
        overrides.put("max.block.ms", String.valueOf(settings.timeout().toMillis()));
        try (KafkaProducer<String, byte[]> producer = create(() -> new KafkaProducer<>(settings.with(overrides),
                topic.keySerde().serializer(), new org.apache.kafka.common.serialization.ByteArraySerializer()), settings)) {
            await(create(() -> producer.send(new ProducerRecord<>(topic.name(), null, key, bytes, headers)), settings),
                    settings.timeout().toMillis() * 3, settings);
        }
    }

    /** The future's value, or the reason the broker could not be used, as an exit code and a sentence. */
    private static <T> T await(Future<T> future, long timeoutMs, ClientSettings settings) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(settings);
        } catch (ExecutionException e) {
            throw explain(e.getCause(), settings);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtlException(ExitCode.UNEXPECTED, "interrupted while waiting for the broker");
        }
    }

    /** A reader of every status partition: for the list of jobs. */
    public StatusReader statusOfAllJobs() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitionCount(Topics.STATUS); p++) {
            all.add(new TopicPartition(Topics.STATUS.name(), p));
        }
        return create(() -> new StatusReader(settings, all), settings);
    }

    /**
     * A reader of the one status partition that holds a job's events: status is keyed by job id and
     * written with Kafka's default partitioning (murmur2 of the key), so all of a job's events are there.
     */
    public StatusReader statusOf(String jobId) {
        return create(() -> new StatusReader(settings, List.of(partitionOf(Topics.STATUS, jobId))), settings);
    }

    /** A reader of the one audit partition that holds a job's records (keyed by job id, like status). */
    public TopicReader<AuditRecord> auditOf(String jobId) {
        return create(() -> new TopicReader<>(settings, Topics.AUDIT, List.of(partitionOf(Topics.AUDIT, jobId))), settings);
    }

    private TopicPartition partitionOf(Topic<?, ?> topic, String jobId) {
        int partition = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitionCount(topic);
        return new TopicPartition(topic.name(), partition);
    }

    private int partitionCount(Topic<?, ?> topic) {
        Integer count = partitions.get(topic.name());
        if (count == null) {
            throw new IllegalStateException("topic " + topic.name() + " was not checked on connect");
        }
        return count;
    }

    private interface Creation<T> {
        T create();
    }

    private static <T> T create(Creation<T> creation, ClientSettings settings) {
        try {
            return creation.create();
        } catch (KafkaException e) {
            throw explain(e, settings);
        }
    }

    private static CtlException unreachable(ClientSettings settings) {
        return new CtlException(ExitCode.BROKER_UNREACHABLE, "cannot reach a Kafka broker at " + settings.bootstrapServers()
                + " within " + settings.timeout().toSeconds() + "s: is it running, and is the address right?"
                + " (set it with --bootstrap-servers or FAILBACK_BOOTSTRAP_SERVERS)");
    }

    private static CtlException explain(Throwable e, ClientSettings settings) {
        Throwable cause = e;
        while (cause instanceof KafkaException && !(cause instanceof ConfigException) && cause.getCause() != null
                && !(cause instanceof AuthenticationException) && !(cause instanceof AuthorizationException)
                && !(cause instanceof UnknownTopicOrPartitionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ConfigException) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("resolvable")) {
                return new CtlException(ExitCode.BROKER_UNREACHABLE, "cannot resolve the broker address "
                        + settings.bootstrapServers() + ": " + message);
            }
            return new CtlException(ExitCode.BAD_ARGUMENTS, "invalid Kafka client setting: " + message);
        }
        if (cause instanceof AuthenticationException) {
            return new CtlException(ExitCode.BROKER_UNREACHABLE, "the broker at " + settings.bootstrapServers()
                    + " refused to authenticate this client: " + cause.getMessage() + " (check --kafka-config)");
        }
        if (cause instanceof AuthorizationException) {
            return new CtlException(ExitCode.BROKER_UNREACHABLE, "the broker at " + settings.bootstrapServers()
                    + " does not allow this: " + cause.getMessage() + " (check the ACLs of the principal in --kafka-config)");
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new CtlException(ExitCode.BROKER_UNREACHABLE, "the broker at " + settings.bootstrapServers()
                    + " lacks a failback topic (" + cause.getMessage() + "): is this the failback cluster, and were its topics created?");
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return unreachable(settings);
        }
        return new CtlException(ExitCode.BROKER_UNREACHABLE, "the broker at " + settings.bootstrapServers() + " failed: "
                + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}
