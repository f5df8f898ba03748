package io.failback.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent.Reason;

class ExitOnConsumerFailureTest {

    private final LinkedBlockingQueue<Integer> exits = new LinkedBlockingQueue<>();
    private final ExitOnConsumerFailure onStop = new ExitOnConsumerFailure(exits::add);

    @Test
    void shouldExitWithSeventyOnceWhenTheConsumerStopsOnAnError() throws InterruptedException {
        onStop.onApplicationEvent(new ConsumerStoppedEvent(this, this, Reason.ERROR));
        onStop.onApplicationEvent(new ConsumerStoppedEvent(this, this, Reason.ABNORMAL));

        assertThat(exits.poll(10, TimeUnit.SECONDS)).isEqualTo(70);
        assertThat(exits.poll(200, TimeUnit.MILLISECONDS)).as("one exit only").isNull();
    }

    @Test
    void shouldExitWhenAnAuthenticationFailureOrAFencedProducerStopsTheConsumer() throws InterruptedException {
        new ExitOnConsumerFailure(exits::add).onApplicationEvent(new ConsumerStoppedEvent(this, this, Reason.AUTH));
        new ExitOnConsumerFailure(exits::add).onApplicationEvent(new ConsumerStoppedEvent(this, this, Reason.FENCED));

        assertThat(exits.poll(10, TimeUnit.SECONDS)).isEqualTo(70);
        assertThat(exits.poll(10, TimeUnit.SECONDS)).isEqualTo(70);
    }

    @Test
    void shouldStayOutOfTheWayOfAnOrderlyShutdown() throws InterruptedException {
        onStop.onApplicationEvent(new ConsumerStoppedEvent(this, this, Reason.NORMAL));

        assertThat(exits.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }
}
