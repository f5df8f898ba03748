package io.failback.ctl.cli;

import io.failback.ctl.ExitCode;
import io.failback.ctl.view.JobSnapshot;
import io.failback.ctl.view.Reports;
import io.failback.schemas.Topics;
import picocli.CommandLine.Command;

/** {@code show}: one job in detail, every VM with its state, step, recovery point, data-loss window and reasons. */
@Command(name = "show", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show a job: its state and reasons, then every VM: state, step, recovery point, data-loss window, reasons.")
public final class ShowCommand extends KafkaCommand.ForJob {

    public ShowCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        JobSnapshot job = JobLookup.latest(console, connect(Topics.STATUS), jobId);
        new Reports(console.zone()).show(job).forEach(console.out()::println);
        return ExitCode.OK;
    }
}
