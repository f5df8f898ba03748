package io.failback.orchestrator.streams;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the orchestrator does when its Kafka Streams client fails beyond what Streams recovers from
 * itself (a failed stream thread; unreadable records and processing errors go to the dead-letter topic
 * and never get here): it logs the cause and exits with {@link #EXIT_CODE}, so that its supervisor
 * (compose's {@code restart: unless-stopped}, Kubernetes, systemd) starts it again. A restart is safe:
 * the job state is in changelogged stores and processing is exactly once. Staying up with a client in
 * ERROR would look alive while no job moves.
 */
public final class ExitOnStreamsError implements KafkaStreams.StateListener, StreamsUncaughtExceptionHandler {

    /** EX_SOFTWARE of sysexits.h. */
    public static final int EXIT_CODE = 70;

    private static final Logger log = LoggerFactory.getLogger(ExitOnStreamsError.class);

    private final IntConsumer exit;
    private final AtomicBoolean exiting = new AtomicBoolean();

    /** {@code exit} is called once, on a thread of its own, when a stream thread fails or the client reaches ERROR. */
    public ExitOnStreamsError(IntConsumer exit) {
        this.exit = exit;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        log.error("a stream thread failed; the orchestrator stops processing and exits with {} to be restarted", EXIT_CODE, exception);
        exitOnce();
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        if (newState == KafkaStreams.State.ERROR) {
            log.error("the Kafka Streams client is in ERROR (was {}); exiting with {}", oldState, EXIT_CODE);
            exitOnce();
        }
    }

    /**
     * Exits on a new non-daemon thread, started while the failing thread still runs: once the last stream
     * thread has ended, the JVM may already be on its way out with status 0. Not on the stream thread
     * itself: exiting runs the shutdown hooks, which close this client and wait for its threads.
     */
    private void exitOnce() {
        if (exiting.compareAndSet(false, true)) {
            Thread t = new Thread(() -> exit.accept(EXIT_CODE), "orchestrator-exit");
            t.setDaemon(false);
            t.start();
        }
    }
}
