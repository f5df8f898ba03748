package io.failback.demo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;

/**
 * A daemon thread that hands every record a consumer reads to a callback until closed, riding out a broker
 * that goes away (the consumer reconnects by itself); it owns the consumer and closes it when it ends.
 */
public final class ConsumerThread implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    /** A breath between polls while the broker is away, so the thread does not spin. */
    private static final long BROKER_AWAY_PAUSE_MILLIS = 20;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private ConsumerThread(String name, KafkaConsumer<byte[], byte[]> consumer, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    try {
                        consumer.poll(POLL).forEach(each);
                    } catch (KafkaException e) {
                        pause();
                    }
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts reading with a consumer already subscribed or assigned. */
    public static ConsumerThread start(String name, KafkaConsumer<byte[], byte[]> consumer, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        ConsumerThread reader = new ConsumerThread(name, consumer, each);
        reader.thread.start();
        return reader;
    }

    public boolean running() {
        return running.get();
    }

    private static void pause() {
        try {
            Thread.sleep(BROKER_AWAY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops reading and waits a little for the consumer to close. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
