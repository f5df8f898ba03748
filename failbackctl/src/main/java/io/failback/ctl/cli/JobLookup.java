package io.failback.ctl.cli;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.FailbackBroker;
import io.failback.ctl.kafka.StatusReader;
import io.failback.ctl.view.JobSnapshot;
import io.failback.ctl.view.JobView;
import io.failback.schemas.Topics;

/** Reads a job's status history to the end and folds it; exit 4 when the topic has nothing of the job. */
final class JobLookup {

    private JobLookup() {
    }

    static JobSnapshot latest(Console console, FailbackBroker kafka, String jobId) {
        JobView view = new JobView();
        try (StatusReader reader = kafka.statusOf(jobId)) {
            reader.readToEnd().stream().filter(e -> jobId.equals(e.getJobId())).forEach(view::apply);
            Notes.unreadable(console, reader);
        }
        return view.job(jobId).orElseThrow(() -> new CtlException(ExitCode.JOB_NOT_FOUND,
                "job " + jobId + " not found on " + Topics.STATUS.name()));
    }
}
