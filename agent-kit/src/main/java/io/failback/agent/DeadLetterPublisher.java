package io.failback.agent;

import io.failback.schemas.DeadLetters;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * Writes a command record the agent gives up on to its dead-letter topic, key and value byte for byte and
 * the error in the project's headers, inside the Kafka transaction that also commits the record's offset:
 * the dead letter and the offset are committed together or not at all, so a record is dead-lettered once.
 */
public final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

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
        Sends.await(kafka.send(DeadLetters.of(topic, service, record.topic(), record.partition(), record.offset(),
                bytes(record.key()), bytes(record.value()), cause)));
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
