package io.failback.ctl.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.StatusReader;
import io.failback.ctl.view.Exports;
import io.failback.ctl.view.JobSnapshot;
import io.failback.ctl.view.JobView;
import io.failback.ctl.view.Reports;
import io.failback.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jobs}: every job the status topic holds, with its latest state, counts and requester. */
@Command(name = "jobs", sortOptions = false, mixinStandardHelpOptions = true,
        description = "List every job on the status topic with its latest state, VM counts (total, done, failed) and requester.")
public final class JobsCommand extends KafkaCommand {

    @Mixin
    OutputOption output;

    public JobsCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        JobView view = new JobView();
        try (StatusReader reader = connect(Topics.STATUS).statusOfAllJobs()) {
            view.applyAll(reader.readToEnd());
            Notes.unreadable(console, reader);
        }
        if (view.jobs().isEmpty() && output.text()) {
            console.out().println("no jobs on " + Topics.STATUS.name());
            return ExitCode.OK;
        }
        List<JobSnapshot> jobs = new ArrayList<>(view.jobs());
        jobs.sort(Comparator.comparing(JobSnapshot::lastUpdate, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())));
        output.print(console, () -> new Reports(console.zone()).jobs(jobs), () -> Exports.jobs(jobs), Exports.JOB_COLUMNS,
                () -> Exports.jobs(jobs));
        return ExitCode.OK;
    }
}
