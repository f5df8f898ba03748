package io.failback.agent;

import java.time.Duration;

import io.failback.schemas.DeadLetters;
import io.failback.schemas.LogSafe;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Gives up on a command record: logs why, then Spring Kafka's {@link DeadLetterPublishingRecoverer} writes it
 * to the agent's dead-letter topic, key and value byte for byte (an unreadable value as the bytes the
 * {@code ErrorHandlingDeserializer} kept), with the project's {@code DeadLetterHeaders} instead of Spring's
 * (whose exception message may quote the record unescaped and whose stack trace is large). Called by the
 * after-rollback processor in a transaction that also commits the record's offset; a refused dead letter throws,
 * and the record is read again: a retryable one after the whole back-off, an unreadable one after its max-delay.
 */
final class DeadLetterRecoverer implements ConsumerAwareRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

    private final AgentSpec<?, ?> agent;
    private final DeadLetterPublishingRecoverer publisher;
    private final Duration pauseAfterRefusal;

    /** {@code pauseAfterRefusal}: how long to wait after a refused dead letter of an unreadable record, before it is read again. */
    DeadLetterRecoverer(AgentSpec<?, ?> agent, KafkaOperations<?, ?> kafka, Duration pauseAfterRefusal) {
        this.agent = agent;
        this.pauseAfterRefusal = pauseAfterRefusal;
        String topic = agent.deadLetters().name();
        // Partition -1: the producer picks it, as for any record without one.
        this.publisher = new DeadLetterPublishingRecoverer(kafka, (record, e) -> new TopicPartition(topic, -1));
        this.publisher.excludeHeader(HeadersToAdd.values());
        this.publisher.setAppendOriginalHeaders(false);
        this.publisher.setHeadersFunction(this::projectHeaders);
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception error) {
        Throwable cause = cause(error);
        // Logged before the commit, as what is being done: when the transaction fails instead, the container
        // logs that and the record is read again.
        log.error("{} at {}-{}@{}: {}: {}; dead-lettering it to {} with its offset",
                unreadable(error) ? "unreadable command" : "gave up on command",
                record.topic(), record.partition(), record.offset(), DeadLetters.problemOf(cause), LogSafe.of(cause.getMessage()),
                agent.deadLetters().name());
        try {
            publisher.accept(record, consumer, error);
            AgentMetrics.deadLettered(agent.service(), record.topic());
        } catch (RuntimeException refused) {
            if (unreadable(error)) {
                // An unreadable record is not retryable, so it gets no back-off: without a pause, a dead-letter topic
                // that refuses it would be tried again at once, over and over.
                pause();
            }
            throw refused;
        }
    }

    private void pause() {
        try {
            Thread.sleep(pauseAfterRefusal.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Headers projectHeaders(ConsumerRecord<?, ?> record, Exception error) {
        return DeadLetters.of(agent.deadLetters(), agent.service(), record.topic(), record.partition(), record.offset(), null, null,
                cause(error)).headers();
    }

    /** Whether the value could not be read at all (then it was never retried, see {@link AgentKafka}). */
    static boolean unreadable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof DeserializationException) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong: the listener's own exception, or the decoder's, not the container's wrappers around it. */
    static Throwable cause(Throwable error) {
        Throwable t = error;
        while ((t instanceof ListenerExecutionFailedException || t instanceof DeserializationException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
