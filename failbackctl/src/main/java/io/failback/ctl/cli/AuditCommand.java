package io.failback.ctl.cli;

import java.util.List;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.TopicReader;
import io.failback.ctl.view.Exports;
import io.failback.ctl.view.Formats;
import io.failback.ctl.view.TextTable;
import io.failback.messages.AuditRecord;
import io.failback.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code audit}: who did what to a job, or to one VM in it, and when: every request, control command, command
 * sent, result and decision the orchestrator put on the audit topic, in the order it did.
 */
@Command(name = "audit", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print a job's audit trail: every request, control, command, result and decision, oldest first.")
public final class AuditCommand extends KafkaCommand.ForJob {

    @Option(names = "--vm", paramLabel = "VM", description = "Only the records about this VM.")
    String vmId;

    @Mixin
    OutputOption output;

    public AuditCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        List<AuditRecord> records;
        try (TopicReader<AuditRecord> reader = connect(Topics.AUDIT).auditOf(jobId)) {
            records = reader.readToEnd().stream().filter(a -> jobId.equals(a.getJobId())).toList();
            Notes.unreadable(console, reader);
        }
        if (records.isEmpty()) {
            throw new CtlException(ExitCode.JOB_NOT_FOUND, "job " + jobId + " not found on " + Topics.AUDIT.name());
        }
        List<AuditRecord> shown = vmId == null ? records : records.stream().filter(a -> vmId.equals(a.getVmId())).toList();
        if (shown.isEmpty()) {
            throw new CtlException(ExitCode.JOB_NOT_FOUND, "job " + jobId + " has no audit record about VM " + vmId);
        }
        output.print(console, () -> text(shown), () -> Exports.audit(shown), Exports.AUDIT_COLUMNS, () -> Exports.audit(shown));
        return ExitCode.OK;
    }

    private List<String> text(List<AuditRecord> records) {
        TextTable table = new TextTable("AT", "VM", "KIND", "BY", "ACTION", "DETAIL", "COMMAND");
        for (AuditRecord a : records) {
            table.row(Formats.dateTime(a.getAt(), console.zone()), a.getVmId(), a.getKind(), a.getRequestedBy(), a.getAction(),
                    a.getDetail().isEmpty() ? null : a.getDetail(), a.getCommandId());
        }
        return table.lines();
    }
}
