package io.failback.e2e.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.failback.messages.AzureCommand;
import io.failback.messages.VcenterCommand;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
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
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    public CommandTap(String bootstrap) {
        // uncommitted on purpose: the tap times kills by commands as they are written, before their transaction ends;
        // what was really sent is read with read_committed afterwards
        KafkaConsumer<byte[], byte[]> consumer = TopicRead.consumer(bootstrap, IsolationLevel.READ_UNCOMMITTED);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.AZURE_COMMANDS.name(), Topics.VCENTER_COMMANDS.name())) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixes "now" as the start before anything is submitted
        reader = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    try {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            take(r);
                        }
                    } catch (KafkaException e) {
                        // the broker is being restarted: the consumer reconnects by itself
                        pause();
                    }
                }
            }
        }, "command-tap");
        reader.setDaemon(true);
        reader.start();
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
                    .until(() -> first(what).isPresent() || giveUp.getAsBoolean() || !running.get());
        } catch (ConditionTimeoutException e) {
            // none came within the timeout: the caller asserts on the empty answer
        }
        return first(what);
    }

    /** A breath between polls while the broker is away, so the reader does not spin. */
    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
