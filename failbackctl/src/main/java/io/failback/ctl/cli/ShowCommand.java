package io.failback.ctl.cli;

import io.failback.ctl.ExitCode;
import io.failback.ctl.view.Exports;
import io.failback.ctl.view.JobSnapshot;
import io.failback.ctl.view.Reports;
import io.failback.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code show}: one job in detail, every VM with its state, step, recovery point, data-loss window and reasons. */
@Command(name = "show", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show a job: its state and reasons, then every VM: state, step, recovery point, data-loss window, reasons"
                + " (csv: one row per VM).")
public final class ShowCommand extends KafkaCommand.ForJob {

    @Mixin
    OutputOption output;

    public ShowCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        JobSnapshot job = JobLookup.latest(console, connect(Topics.STATUS), jobId);
        output.print(console, () -> new Reports(console.zone()).show(job), () -> Exports.show(job), Exports.VM_COLUMNS,
                () -> Exports.vms(job));
        return ExitCode.OK;
    }
}
