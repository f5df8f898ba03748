package io.failback.agent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.core.KafkaProducerException;

/** Waits for the broker's verdict on a send, so that a refused result or dead letter fails the listener. */
public final class Sends {

    /** Longer than the producer's delivery timeout (2 min), so a send ends by its own verdict. */
    private static final long SEND_WAIT_SECONDS = 150;

    private Sends() {
    }

    /** Waits for the broker's answer to a send; a refusal is thrown as the Kafka error it is. */
    public static void await(CompletableFuture<?> send) {
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
}
