package io.failback.agent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerStoppedEvent;

/**
 * What an agent does when its command consumer stops for any reason but an orderly shutdown (an
 * {@link Error} such as an OutOfMemoryError while running a command, an authentication failure, a fenced
 * producer): it logs why and exits with {@link #EXIT_CODE}, so that its supervisor starts it again. A
 * process whose consumer is gone would look alive, or end with status 0, while no command is answered;
 * a restart is safe, since results are committed with the offsets and commands are idempotent.
 */
public final class ExitOnConsumerFailure implements ApplicationListener<ConsumerStoppedEvent> {

    /** EX_SOFTWARE of sysexits.h, as the orchestrator uses. */
    public static final int EXIT_CODE = 70;

    private static final Logger log = LoggerFactory.getLogger(ExitOnConsumerFailure.class);

    private final IntConsumer exit;
    private final AtomicBoolean exiting = new AtomicBoolean();

    /** {@code exit} is called once, on a thread of its own, when a consumer stops abnormally. */
    public ExitOnConsumerFailure(IntConsumer exit) {
        this.exit = exit;
    }

    @Override
    public void onApplicationEvent(ConsumerStoppedEvent event) {
        if (event.getReason() == ConsumerStoppedEvent.Reason.NORMAL) {
            return;
        }
        log.error("the command consumer stopped ({}); the agent exits with {} to be restarted", event.getReason(), EXIT_CODE);
        if (exiting.compareAndSet(false, true)) {
            // not on the consumer thread: exiting runs the shutdown hooks, which stop the containers and wait for it
            Thread t = new Thread(() -> exit.accept(EXIT_CODE), "agent-exit");
            t.setDaemon(false);
            t.start();
        }
    }
}
