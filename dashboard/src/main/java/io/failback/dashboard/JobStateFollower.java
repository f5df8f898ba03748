package io.failback.dashboard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.StatusEvent;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import io.failback.schemas.UnreadableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads {@code failback.job-state} from its beginning into the {@link JobStateStore} and keeps following it, on
 * its own thread, without a consumer group (every dashboard instance reads every partition). A record it can't
 * read is logged and skipped: one bad record never stops the table.
 */
public final class JobStateFollower implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobStateFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> consumerProperties;
    private final JobStateStore store;
    private final Deserializer<StatusEvent> values = Topics.JOB_STATE.valueSerde().deserializer();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    public JobStateFollower(Map<String, Object> consumerProperties, JobStateStore store) {
        this.consumerProperties = new HashMap<>(consumerProperties);
        this.store = store;
    }

    /** Whether the table is being followed: false once the reading thread stopped (after an error, or on stop). */
    public boolean following() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    @Override
    public void start() {
        running = true;
        consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::follow, "job-state-follower");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            log.info("reading {} from the beginning ({} partitions)", Topics.JOB_STATE.name(), partitions.size());
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    apply(r);
                }
                if (!store.caughtUp()) {
                    ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (ends.isEmpty()) {
                        store.markCaughtUp();
                        log.info("{} read to its end; following it", Topics.JOB_STATE.name());
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() woke the poll up
        } catch (RuntimeException e) {
            log.error("stopped following {}: {}", Topics.JOB_STATE.name(), LogSafe.of(e.toString()), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The topic's partitions, asked for until the broker answers (it may start after the dashboard). */
    private List<TopicPartition> partitions() {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(Topics.JOB_STATE.name(), Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> partitions = new ArrayList<>();
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                    return partitions;
                }
                log.warn("topic {} not found yet; asking again", Topics.JOB_STATE.name());
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("the broker did not answer about {} yet; asking again", Topics.JOB_STATE.name());
            }
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        StatusEvent event;
        try {
            event = values.deserialize(r.topic(), r.value());
        } catch (UnreadableRecordException e) {
            log.warn("skipped an unreadable record at {}-{}@{} (key {}): {}", r.topic(), r.partition(), r.offset(),
                    LogSafe.of(key), LogSafe.of(e.getMessage()));
            return;
        }
        if (event != null && key != null && !key.startsWith("job/" + event.getJobId()) && !key.startsWith("vm/" + event.getJobId() + "/")) {
            log.warn("skipped a record at {}-{}@{} whose key {} does not name its job {}", r.topic(), r.partition(), r.offset(),
                    LogSafe.of(key), LogSafe.of(event.getJobId()));
            return;
        }
        store.apply(key, event);
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
