package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmClaim;

/** What the saga sends, in order: one decision's, or every decision one incoming message led to, for the processor to forward. */
public final class Outbox {

    public final List<VcenterCommand> vcenterCommands = new ArrayList<>();
    public final List<AzureCommand> azureCommands = new ArrayList<>();
    public final List<ReplicationCommand> replicationCommands = new ArrayList<>();
    public final List<VmClaim> claims = new ArrayList<>();
    public final List<StatusEvent> statuses = new ArrayList<>();
    public final List<AuditRecord> audits = new ArrayList<>();

    /** Whether it sends nothing at all. */
    boolean isEmpty() {
        return vcenterCommands.isEmpty() && azureCommands.isEmpty() && replicationCommands.isEmpty() && claims.isEmpty()
                && statuses.isEmpty() && audits.isEmpty();
    }

    /** Adds what {@code d} sends after what this holds already. */
    void add(Decision d) {
        Outbox more = d.outbox();
        vcenterCommands.addAll(more.vcenterCommands);
        azureCommands.addAll(more.azureCommands);
        replicationCommands.addAll(more.replicationCommands);
        claims.addAll(more.claims);
        statuses.addAll(more.statuses);
        audits.addAll(more.audits);
    }
}
