package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ExitOnStreamsErrorTest {

    private final LinkedBlockingQueue<Integer> exits = new LinkedBlockingQueue<>();
    private final ExitOnStreamsError onError = new ExitOnStreamsError(exits::add);

    @Test
    void shouldShutTheClientDownAndExitWithSeventyOnceWhenAStreamThreadFails() throws InterruptedException {
        assertThat(onError.handle(new IllegalStateException("boom"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        onError.onChange(State.PENDING_ERROR, State.RUNNING);
        onError.onChange(State.ERROR, State.PENDING_ERROR);

        assertExitedOnceWithSeventy();
    }

    @Test
    void shouldExitWithSeventyWhenTheClientReachesErrorOtherwise() throws InterruptedException {
        onError.onChange(State.ERROR, State.PENDING_ERROR);

        assertExitedOnceWithSeventy();
    }

    @Test
    void shouldStayUpThroughRebalancesAndAnOrderlyShutdown() throws InterruptedException {
        onError.onChange(State.REBALANCING, State.RUNNING);
        onError.onChange(State.RUNNING, State.REBALANCING);
        onError.onChange(State.PENDING_SHUTDOWN, State.RUNNING);
        onError.onChange(State.NOT_RUNNING, State.PENDING_SHUTDOWN);

        assertThat(exits.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    private void assertExitedOnceWithSeventy() throws InterruptedException {
        assertThat(exits.poll(10, TimeUnit.SECONDS)).isEqualTo(ExitOnStreamsError.EXIT_CODE).isEqualTo(70);
        assertThat(exits.poll(200, TimeUnit.MILLISECONDS)).as("one exit only").isNull();
    }
}
