package io.failback.ctl.cli;

import java.time.Duration;
import java.util.List;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.FailbackBroker;
import io.failback.ctl.kafka.StatusReader;
import io.failback.ctl.view.Outcomes;
import io.failback.ctl.view.Reports;
import io.failback.ctl.view.Screen;
import io.failback.ctl.view.WatchSession;
import io.failback.messages.StatusEvent;
import io.failback.schemas.Topics;

/** The watch loop shared by {@code watch} and {@code submit --watch}: read, decide, draw, until the job ends. */
final class Follow {

    private static final Duration POLL = Duration.ofMillis(250);

    private Follow() {
    }

    static int job(Console console, FailbackBroker broker, String jobId, WatchOptions options) {
        WatchSession session = new WatchSession(jobId, options.untilDone, new Reports(console.zone()));
        Screen screen = Screen.of(console.out(), console.terminal() && !options.plain);
        long started = System.nanoTime();
        try (StatusReader reader = broker.statusOf(jobId)) {
            while (true) {
                List<StatusEvent> events = reader.poll(POLL);
                boolean caughtUp = reader.caughtUp();
                WatchSession.Update update = session.accept(events, caughtUp);
                screen.show(update);
                if (update.finished()) {
                    Notes.unreadable(console, reader);
                    return Outcomes.successful(update.finalState()) ? ExitCode.OK : ExitCode.JOB_NOT_SUCCESSFUL;
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (caughtUp && !session.jobSeen() && elapsed.compareTo(options.waitForJob) >= 0) {
                    throw new CtlException(ExitCode.JOB_NOT_FOUND, "job " + jobId + " not found on " + Topics.STATUS.name()
                            + " (waited " + options.waitForJob.toSeconds() + "s); is the orchestrator running?");
                }
                if (options.timeout != null && elapsed.compareTo(options.timeout) >= 0) {
                    throw new CtlException(ExitCode.TIMED_OUT, "job " + jobId + " had not ended when --timeout "
                            + options.timeout.toSeconds() + "s ran out");
                }
            }
        }
    }
}
