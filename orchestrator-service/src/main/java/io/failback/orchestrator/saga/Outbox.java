package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmClaim;

/** Everything one incoming message made the saga send, in order, for the processor to forward. */
public final class Outbox {

    public final List<VcenterCommand> vcenterCommands = new ArrayList<>();
    public final List<AzureCommand> azureCommands = new ArrayList<>();
    public final List<ReplicationCommand> replicationCommands = new ArrayList<>();
    public final List<VmClaim> claims = new ArrayList<>();
    public final List<StatusEvent> statuses = new ArrayList<>();
    public final List<AuditRecord> audits = new ArrayList<>();

    void add(Decision d) {
        vcenterCommands.addAll(d.vcenterCommands());
        azureCommands.addAll(d.azureCommands());
        replicationCommands.addAll(d.replicationCommands());
        claims.addAll(d.claims());
        statuses.addAll(d.statuses());
        audits.addAll(d.audits());
    }
}
