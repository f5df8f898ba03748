package io.failback.dashboard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditRecord;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import io.failback.schemas.UnreadableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one job's audit trail on demand: the {@code failback.audit} partition its job id hashes to (the audit is
 * keyed by job id with Kafka's default partitioner), from the beginning to the end it had when asked, keeping the
 * job's records up to a bound. Unreadable records are counted and skipped.
 */
public final class AuditReader {

    /** The most records of one job a read keeps; a trail cut there says so. */
    public static final int MAX_RECORDS = 50_000;

    /** A job's trail as read, oldest first; {@code truncated} when it held more than {@link #MAX_RECORDS}. */
    public record Trail(List<AuditRecord> records, boolean truncated, int unreadable) {
    }

    /** The broker could not be read in time; the page says so instead of hanging. */
    public static final class AuditUnavailableException extends RuntimeException {
        public AuditUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(AuditReader.class);

    private final Map<String, Object> consumerProperties;
    private final Duration timeout;
    private final Deserializer<AuditRecord> values = Topics.AUDIT.valueSerde().deserializer();

    public AuditReader(Map<String, Object> consumerProperties, Duration timeout) {
        this.consumerProperties = new HashMap<>(consumerProperties);
        this.timeout = timeout;
    }

    public Trail read(String jobId) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] key = jobId.getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.AUDIT.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AuditUnavailableException("topic " + Topics.AUDIT.name() + " not found", null);
            }
            TopicPartition partition = new TopicPartition(Topics.AUDIT.name(), Utils.toPositive(Utils.murmur2(key)) % infos.size());
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            List<AuditRecord> records = new ArrayList<>();
            boolean truncated = false;
            int unreadable = 0;
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AuditUnavailableException("reading the audit of job " + LogSafe.of(jobId) + " took longer than "
                            + timeout.toSeconds() + "s", null);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end || r.key() == null || !java.util.Arrays.equals(r.key(), key)) {
                        continue;
                    }
                    AuditRecord a;
                    try {
                        a = values.deserialize(r.topic(), r.value());
                    } catch (UnreadableRecordException e) {
                        unreadable++;
                        log.warn("skipped an unreadable audit record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                LogSafe.of(e.getMessage()));
                        continue;
                    }
                    if (a == null || !jobId.equals(a.getJobId())) {
                        continue;
                    }
                    if (records.size() < MAX_RECORDS) {
                        records.add(a);
                    } else {
                        truncated = true;
                    }
                }
            }
            // the audit is written in order per job; sorting by time only settles records of one millisecond stably
            records.sort(Comparator.comparing(AuditRecord::getAt));
            return new Trail(records, truncated, unreadable);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new AuditUnavailableException("could not read " + Topics.AUDIT.name() + ": " + e.getMessage(), e);
        }
    }
}
