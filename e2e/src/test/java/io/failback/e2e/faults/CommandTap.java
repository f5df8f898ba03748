package io.failback.e2e.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.failback.demo.ConsumerThread;
import io.failback.messages.AzureCommand;
import io.failback.messages.VcenterCommand;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Watches the agents' command topics live, reading uncommitted records too, so that a fault can be
 * aimed at the moment a step is sent (while the orchestrator's transaction may still be open), before
 * any agent has seen it. Rides out a broker that goes away.
 */
public final class CommandTap implements AutoCloseable {

    /** A command as it went by. */
    public record Seen(long atNanos, String jobId, String vmId, String commandId, Object operation) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final ConsumerThread reader;

    public CommandTap(Map<String, Object> kafka) {
        // uncommitted on purpose: the tap times kills by commands as they are written, before their transaction ends;
        // what was really sent is read with read_committed afterwards
        KafkaConsumer<byte[], byte[]> consumer = TopicRead.consumer(kafka, IsolationLevel.READ_UNCOMMITTED);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.AZURE_COMMANDS.name(), Topics.VCENTER_COMMANDS.name())) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixes "now" as the start before anything is submitted
        reader = ConsumerThread.start("command-tap", consumer, this::take);
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        long now = System.nanoTime();
        try {
            if (r.topic().equals(Topics.AZURE_COMMANDS.name())) {
                AzureCommand c = Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (c != null) {
                    seen.add(new Seen(now, c.getJobId(), c.getVmId(), c.getCommandId(), c.getOperation()));
                }
            } else {
                VcenterCommand c = Topics.VCENTER_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (c != null) {
                    seen.add(new Seen(now, c.getJobId(), c.getVmId(), c.getCommandId(), c.getOperation()));
                }
            }
        } catch (RuntimeException unreadable) {
            // a hostile record: nothing to aim at
        }
    }

    public Optional<Seen> first(Predicate<Seen> what) {
        return seen.stream().filter(what).findFirst();
    }

    /** Waits for the first command matching; empty when none came within the timeout. */
    public Optional<Seen> awaitFirst(Predicate<Seen> what, Duration timeout, java.util.function.BooleanSupplier giveUp) {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> first(what).isPresent() || giveUp.getAsBoolean() || !reader.running());
        } catch (ConditionTimeoutException e) {
            // none came within the timeout: the caller asserts on the empty answer
        }
        return first(what);
    }

    @Override
    public void close() {
        reader.close();
    }
}
