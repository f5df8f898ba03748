package io.failback.ctl.cli;

import io.failback.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code watch}: live progress of one job from the status topic until it ends (or awaits commit). */
@Command(name = "watch", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Follow a job live: a progress bar per plan group, a line per VM state change, a summary table at the end.",
            "Stops when the job ends, or at AWAITING_COMMIT unless --until-done. Plain lines when stdout is not a terminal."})
public final class WatchCommand extends KafkaCommand.ForJob {

    @Mixin
    WatchOptions watchOptions;

    public WatchCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        return Follow.job(console, connect(Topics.STATUS), jobId, watchOptions);
    }
}
