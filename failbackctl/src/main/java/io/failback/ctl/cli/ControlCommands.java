package io.failback.ctl.cli;

import java.time.Instant;
import java.util.UUID;

import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.FailbackBroker;
import io.failback.ctl.view.JobSnapshot;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.OperatorKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code commit} and {@code cancel}: one control command to the orchestrator, keyed by the job id,
 * sent only for a job the status topic knows. The orchestrator decides; its answer shows in watch/show.
 */
public abstract class ControlCommands extends KafkaCommand.ForJob {

    private final ControlAction action;

    @Option(names = "--requested-by", paramLabel = "NAME", description = "Who asks, for status and audit (default: $USER).")
    String requestedBy;

    @Mixin
    SigningOptions signing;

    ControlCommands(Console console, ControlAction action) {
        super(console);
        this.action = action;
    }

    @Override
    public Integer call() {
        OperatorKey key = signing.key(console);
        FailbackBroker kafka = connect(Topics.CONTROL, Topics.STATUS);
        JobSnapshot job = JobLookup.latest(console, kafka, jobId);
        ControlCommand command = command(Instant.now(), key);
        kafka.send(Topics.CONTROL, jobId, command, key);
        String state = job.state() == null ? "not yet known" : job.state().name();
        console.out().println(action.name().toLowerCase(java.util.Locale.ROOT) + " sent for job " + jobId + " (its state was "
                + state + "; control id " + command.getControlId() + ")");
        return ExitCode.OK;
    }

    ControlCommand command(Instant now, OperatorKey key) {
        // signed, the orchestrator takes the verified operator whatever this says; it says the same
        String by = key != null ? key.operator() : requestedBy == null || requestedBy.isBlank() ? console.user() : requestedBy.trim();
        return new ControlCommand(UUID.randomUUID().toString(), jobId, action, by, now, null);
    }

    /** Commit: delete the Azure VMs of a job awaiting commit. */
    @Command(name = "commit", sortOptions = false, mixinStandardHelpOptions = true,
            description = "Commit a job that is AWAITING_COMMIT: the orchestrator deletes its Azure VMs (and reprotects, if asked).")
    public static final class Commit extends ControlCommands {
        public Commit(Console console) {
            super(console, ControlAction.COMMIT);
        }
    }

    /** Cancel: roll back every VM not yet finished. */
    @Command(name = "cancel", sortOptions = false, mixinStandardHelpOptions = true,
            description = "Cancel a job before commit: every VM not yet finished rolls back (Azure VM running again).")
    public static final class Cancel extends ControlCommands {
        public Cancel(Console console) {
            super(console, ControlAction.CANCEL);
        }
    }
}
