package io.failback.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.failback.messages.JobState;
import io.failback.messages.StatusEvent;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the status and audit topics of both the orchestrator and the baseline as a client would (committed
 * records only): when each job reached its end and in what state, and how many status and audit records
 * each job wrote.
 */
final class JobWatch extends ConsumerLoop {

    private static final Set<JobState> ENDS = EnumSet.of(JobState.COMPLETED, JobState.PARTIALLY_COMPLETED, JobState.ROLLED_BACK,
            JobState.REJECTED, JobState.FAILED, JobState.CANCELLED, JobState.NEEDS_ATTENTION);

    /** A job's end as seen: its state and the wall-clock ms it was read. */
    record End(String state, long at) {
    }

    private final Map<String, End> ends = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> audits = new ConcurrentHashMap<>();

    JobWatch(String bootstrap) {
        super("bench-job-watch", new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(Topics.STATUS.name(), Topics.AUDIT.name(), Baseline.STATUS, Baseline.AUDIT)) {
            consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        start();
    }

    @Override
    void handle(ConsumerRecord<byte[], byte[]> r) {
        String job = new String(r.key(), StandardCharsets.UTF_8);
        boolean audit = r.topic().equals(Topics.AUDIT.name()) || r.topic().equals(Baseline.AUDIT);
        (audit ? audits : statuses).computeIfAbsent(job, j -> new AtomicInteger()).incrementAndGet();
        if (r.topic().equals(Topics.STATUS.name()) && isJobStatus(r.value())) {
            StatusEvent e = Topics.STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            if (e.getJob() != null && ENDS.contains(e.getJob().getState())) {
                ends.putIfAbsent(job, new End(e.getJob().getState().name(), System.currentTimeMillis()));
            }
        } else if (r.topic().equals(Baseline.STATUS)) {
            String text = new String(r.value(), StandardCharsets.UTF_8);
            if (text.startsWith("JOB|")) {
                ends.putIfAbsent(job, new End(text.substring(text.lastIndexOf('|') + 1), System.currentTimeMillis()));
            }
        }
    }

    /**
     * Whether a status record is the job's own (its {@code job} branch set), read from its first fields without
     * decoding the rest: a VM's status, most of them, costs the bench's JVM next to nothing. An unreadable record is
     * decoded whole, to fail as any reader would.
     */
    static boolean isJobStatus(byte[] value) {
        try {
            // Avro's single-object encoding: C3 01, the schema's 8-byte fingerprint, then the fields in order
            org.apache.avro.io.BinaryDecoder in = org.apache.avro.io.DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null);
            in.skipString(); // jobId
            in.readLong(); // at
            return in.readIndex() == 1; // job: null or JobStatus
        } catch (java.io.IOException | RuntimeException e) {
            return true;
        }
    }

    /** The job's end, waiting up to {@code timeout}; null if it did not end in time. */
    End awaitEnd(String jobId, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            End e = ends.get(jobId);
            if (e != null) {
                return e;
            }
            Thread.sleep(20);
        }
        return null;
    }

    int statuses(String jobId) {
        AtomicInteger n = statuses.get(jobId);
        return n == null ? 0 : n.get();
    }

    int audits(String jobId) {
        AtomicInteger n = audits.get(jobId);
        return n == null ? 0 : n.get();
    }
}
