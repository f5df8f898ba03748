package io.failback.vcenter.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.schemas.DeadLetters;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaProducerException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * Writes a command record the agent gives up on to its dead-letter topic, key and value byte for byte and
 * the error in the project's headers, inside the Kafka transaction that also commits the record's offset:
 * the dead letter and the offset are committed together or not at all, so a record is dead-lettered once.
 */
public final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    /** Longer than the producer's delivery timeout (2 min), so a send ends by its own verdict. */
    private static final long SEND_WAIT_SECONDS = 150;

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final Topic<byte[], byte[]> topic;
    private final String service;

    public DeadLetterPublisher(KafkaTemplate<byte[], byte[]> kafka, Topic<byte[], byte[]> topic, String service) {
        this.kafka = kafka;
        this.topic = topic;
        this.service = service;
    }

    /** Sends the dead letter in the current transaction; throws when the broker refuses it. */
    public void publish(ConsumerRecord<?, ?> record, Throwable error, String why) {
        Throwable cause = unwrap(error);
        // Logged before the commit, as what is being done: when the transaction fails instead, the container
        // logs the rollback and the record is read again.
        log.error("{} at {}-{}@{}: {}: {}; dead-lettering it to {} with its offset", why, record.topic(), record.partition(),
                record.offset(), DeadLetters.problemOf(cause), LogSafe.of(cause.getMessage()), topic.name());
        await(kafka.send(DeadLetters.of(topic, service, record.topic(), record.partition(), record.offset(),
                bytes(record.key()), bytes(record.value()), cause)));
    }

    /** Waits for the broker's answer to a send; a refusal is thrown as the Kafka error it is. */
    static void await(CompletableFuture<?> send) {
        try {
            send.get(SEND_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // Spring wraps the producer's error in a KafkaProducerException; the error itself names the problem.
            Throwable cause = e.getCause() instanceof KafkaProducerException p && p.getCause() != null ? p.getCause() : e.getCause();
            throw cause instanceof RuntimeException r ? r : new KafkaException(cause);
        } catch (TimeoutException e) {
            throw new KafkaException("no answer from the broker to a send within " + SEND_WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while sending", e);
        }
    }

    /** The listener's own exception, not the container's wrapper around it. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof ListenerExecutionFailedException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static byte[] bytes(Object o) {
        return o instanceof byte[] b ? b : null;
    }
}
