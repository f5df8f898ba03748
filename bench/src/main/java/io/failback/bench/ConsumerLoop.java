package io.failback.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** A consumer polled on its own thread, each record handed to {@link #handle}, until closed. */
abstract class ConsumerLoop implements AutoCloseable {

    protected final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread loop;

    ConsumerLoop(String name, KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        this.loop = new Thread(this::run, name);
    }

    /** Starts polling; subclasses call it once their own fields are set. */
    void start() {
        loop.start();
    }

    /** Runs on the loop's thread before the first poll (a subscription, say). */
    void beforeFirstPoll() {
    }

    abstract void handle(ConsumerRecord<byte[], byte[]> record);

    private void run() {
        beforeFirstPoll();
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    handle(r);
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
