package io.failback.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.OperatorKey;
import io.failback.schemas.signing.Signatures;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes commit, cancel and retry as failbackctl does: one {@link ControlCommand} on {@code failback.control},
 * keyed by the job id, waited for until the broker has it. The orchestrator decides; its answer shows as status.
 */
public final class ControlSender implements AutoCloseable {

    /** The broker did not take the command; nothing was sent. */
    public static final class ControlNotSentException extends RuntimeException {
        public ControlNotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Duration timeout;
    private final OperatorKey signer;

    /** A sender that signs with {@code signer}, the dashboard's own operator key (issue 15); null sends unsigned. */
    public ControlSender(Map<String, Object> producerProperties, Duration timeout, OperatorKey signer) {
        Map<String, Object> p = new HashMap<>(producerProperties);
        p.put("acks", "all");
        p.put("max.block.ms", timeout.toMillis());
        this.producer = new KafkaProducer<>(p, Topics.CONTROL.keySerde().serializer(), new ByteArraySerializer());
        this.timeout = timeout;
        this.signer = signer;
    }

    /** The operator the commands are signed as, or null. */
    public String operator() {
        return signer == null ? null : signer.operator();
    }

    /** Sends the command and returns it once the broker has it; signed, it is from the dashboard's operator whatever {@code requestedBy} says. */
    public ControlCommand send(String jobId, ControlAction action, String vmId, String requestedBy) {
        ControlCommand command = new ControlCommand(UUID.randomUUID().toString(), jobId, action,
                signer == null ? requestedBy : signer.operator(), Instant.now(), vmId);
        byte[] value = Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(), command);
        RecordHeaders headers = new RecordHeaders();
        if (signer != null) {
            Signatures.sign(headers, signer, Topics.CONTROL.name(), jobId, value, System.currentTimeMillis());
        }
        try {
            producer.send(new ProducerRecord<>(Topics.CONTROL.name(), null, jobId, value, headers)).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            return command;
        } catch (ExecutionException e) {
            throw new ControlNotSentException("the broker did not take the " + action + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ControlNotSentException("the broker did not take the " + action + " within " + timeout.toSeconds() * 2 + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlNotSentException("interrupted while sending the " + action, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ControlNotSentException("could not send the " + action + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }
}
