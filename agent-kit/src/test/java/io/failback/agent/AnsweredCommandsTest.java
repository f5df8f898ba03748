package io.failback.agent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnsweredCommandsTest {

    @Test
    void shouldAnswerACommandSentAgainFromMemoryWithoutRunningItTwice() throws Exception {
        AnsweredCommands<String> answered = new AnsweredCommands<>(10, 1_000_000, String::length);
        AtomicInteger runs = new AtomicInteger();

        AnsweredCommands.Answer<String> first = answered.answer("cmd-1", "power off web01", () -> "OK #" + runs.incrementAndGet());
        AnsweredCommands.Answer<String> again = answered.answer("cmd-1", "power off web01", () -> "OK #" + runs.incrementAndGet());

        assertThat(first).isEqualTo(new AnsweredCommands.Answer<>("OK #1", false));
        assertThat(again).isEqualTo(new AnsweredCommands.Answer<>("OK #1", true));
        assertThat(runs).hasValue(1);
    }

    @Test
    void shouldMakeADuplicateArrivingWhileTheFirstRunsWaitForItsAnswer() throws Exception {
        AnsweredCommands<String> answered = new AnsweredCommands<>(10, 1_000_000, String::length);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<AnsweredCommands.Answer<String>> first = new CompletableFuture<>();
        CompletableFuture<AnsweredCommands.Answer<String>> duplicate = new CompletableFuture<>();

        Thread running = start(() -> first.complete(answer(answered, "cmd-1", () -> {
            runs.incrementAndGet();
            firstStarted.countDown();
            await(release);
            return "detached";
        })));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        Thread waiting = start(() -> duplicate.complete(answer(answered, "cmd-1", () -> "ran twice #" + runs.incrementAndGet())));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waiting.getState() == Thread.State.WAITING);
        assertThat(duplicate).isNotDone();
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).result()).isEqualTo("detached");
        assertThat(duplicate.get(10, TimeUnit.SECONDS)).isEqualTo(new AnsweredCommands.Answer<>("detached", true));
        assertThat(runs).hasValue(1);
        running.join(10_000);
    }

    @Test
    void shouldRunACommandAgainWhenItsFirstRunEndedWithoutAnAnswer() throws Exception {
        AnsweredCommands<String> answered = new AnsweredCommands<>(10, 1_000_000, String::length);

        assertThatThrownBy(() -> answered.answer("cmd-1", "x", () -> {
            throw new IllegalStateException("broken");
        })).hasMessage("broken");
        AnsweredCommands.Answer<String> retry = answered.answer("cmd-1", "x", () -> "OK");

        assertThat(retry).isEqualTo(new AnsweredCommands.Answer<>("OK", false));
    }

    @Test
    void shouldRunAnIdReusedForAnotherOperationInsteadOfAnsweringFromMemory() throws Exception {
        AnsweredCommands<String> answered = new AnsweredCommands<>(10, 1_000_000, String::length);

        answered.answer("cmd-1", List.of("job-1", "power off web01"), () -> "off");
        AnsweredCommands.Answer<String> other = answered.answer("cmd-1", List.of("job-1", "power on web01"), () -> "on");

        assertThat(other).isEqualTo(new AnsweredCommands.Answer<>("on", false));
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedAnswersBeyondItsBound() throws Exception {
        AnsweredCommands<String> answered = new AnsweredCommands<>(2, 1_000_000, String::length);
        answered.answer("a", "x", () -> "A");
        answered.answer("b", "x", () -> "B");
        answered.answer("a", "x", () -> "A again");
        answered.answer("c", "x", () -> "C");

        assertThat(answered.size()).isEqualTo(2);
        assertThat(answered.answer("a", "x", () -> "A run").remembered()).isTrue();
        assertThat(answered.answer("b", "x", () -> "B run")).isEqualTo(new AnsweredCommands.Answer<>("B run", false));
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedAnswersBeyondItsSizeInBytes() throws Exception {
        // each answer weighs its length plus twice its id's: 10 + 2 = 12 here, so three fit in 40 and four don't
        AnsweredCommands<String> answered = new AnsweredCommands<>(100, 40, String::length);
        for (String id : List.of("a", "b", "c", "d")) {
            answered.answer(id, "x", () -> "0123456789");
        }

        assertThat(answered.size()).isEqualTo(3);
        assertThat(answered.answer("a", "x", () -> "run again").remembered()).isFalse();
        assertThat(answered.answer("d", "x", () -> "run again").remembered()).isTrue();
    }

    @Test
    void shouldNotKeepAnAnswerLargerThanItsWholeSize() throws Exception {
        AnsweredCommands<String> answered = new AnsweredCommands<>(100, 40, String::length);

        answered.answer("huge", "x", () -> "x".repeat(1000));

        assertThat(answered.size()).isZero();
        assertThat(answered.answer("huge", "x", () -> "again").remembered()).isFalse();
    }

    @Test
    void shouldRememberNothingWithABoundOfZeroOrWithoutACommandId() throws Exception {
        AnsweredCommands<String> off = new AnsweredCommands<>(0, 1_000_000, String::length);
        AnsweredCommands<String> answered = new AnsweredCommands<>(10, 1_000_000, String::length);
        AtomicInteger runs = new AtomicInteger();

        off.answer("a", "x", () -> "run " + runs.incrementAndGet());
        off.answer("a", "x", () -> "run " + runs.incrementAndGet());
        answered.answer(" ", "x", () -> "run " + runs.incrementAndGet());
        answered.answer(" ", "x", () -> "run " + runs.incrementAndGet());

        assertThat(runs).hasValue(4);
        assertThat(answered.size()).isZero();
    }

    private static AnsweredCommands.Answer<String> answer(AnsweredCommands<String> answered, String id,
                                                         java.util.function.Supplier<String> run) {
        try {
            return answered.answer(id, "same", run);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(body, "answered-commands-test");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
