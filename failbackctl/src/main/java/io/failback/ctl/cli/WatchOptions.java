package io.failback.ctl.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** How a watch follows a job. */
public final class WatchOptions {

    @Option(names = "--until-done",
            description = "Follow past AWAITING_COMMIT (commit, reprotect) until the job is finished.")
    boolean untilDone;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long (exit 6). Default: follow until the job ends.")
    Duration timeout;

    @Option(names = "--wait-for-job", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long the job may take to appear on the status topic before it counts as not found (exit 4). Default: ${DEFAULT-VALUE}.")
    Duration waitForJob;

    @Option(names = "--plain", description = "Plain lines even on a terminal (no redrawn progress bars).")
    boolean plain;
}
