package io.failback.orchestrator.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.failback.messages.*;

/**
 * The saga's test world: an in-memory store, a claim registry, and agents that answer every command
 * the saga sends (OK by default, or as a test says). Time only moves when a test moves it.
 */
public final class World {

    /** A command the saga sent that the agents have not answered yet. */
    public record Sent(String commandId, String jobId, String vmId, Step step, Object operation) {
    }

    /** Answers {@code OK} unless {@link #agents} says otherwise; null from a behaviour means "no answer". */
    Function<Sent, Object> agents = World::ok;

    final Estate estate;
    final SagaSettings settings = SagaSettings.defaults();
    final SagaRunner runner = new SagaRunner(new FailbackSaga(settings));
    final InMemoryJobStore store = new InMemoryJobStore();
    final Map<String, String> claimHolders = new HashMap<>();
    final List<Sent> outstanding = new ArrayList<>();
    final List<Sent> allCommands = new ArrayList<>();
    final List<VmClaim> pendingClaims = new ArrayList<>();
    final Outbox all = new Outbox();
    long now = Estate.T0;

    World(Estate estate) {
        this.estate = estate;
    }

    // ------------------------------------------------------------------ whens

    /** As the orchestrator takes a request: its bounds first (refused ones publish and store nothing), then the saga. */
    Outbox submit(FailbackRequest request) {
        FailbackSaga saga = runner.saga();
        Reason refusal = Intake.refusal(request.getRequestId(), request);
        if (refusal != null) {
            return record(publishOnly(saga.onUnroutableRequest(request, refusal, now)));
        }
        Job existing = store.job(request.getRequestId());
        Decision d = existing != null ? saga.onRepeatedRequest(existing, request, now)
                : saga.onRequest(request, estate.factsFor(request), now);
        return record(runner.apply(store, d));
    }

    Outbox control(String jobId, ControlAction action) {
        return control(new ControlCommand("ctl-" + now, jobId, action, "ops@example.org", Instant.ofEpochMilli(now)));
    }

    Outbox control(ControlCommand control) {
        Reason refusal = Intake.refusal(control);
        if (refusal != null) {
            return record(publishOnly(runner.saga().onUnroutableControl(control, refusal, now)));
        }
        return record(runner.apply(store, runner.saga().onControl(store.job(control.getJobId()), control, now)));
    }

    private static Outbox publishOnly(Decision d) {
        Outbox out = new Outbox();
        out.statuses.addAll(d.statuses());
        out.audits.addAll(d.audits());
        return out;
    }

    /** Answers claims and commands until nothing is outstanding (commands the agents drop stay unanswered). */
    World settle() {
        for (int round = 0; round < 200; round++) {
            boolean progressed = answerClaims();
            List<Sent> batch = new ArrayList<>(outstanding);
            outstanding.clear();
            for (Sent s : batch) {
                Object result = agents.apply(s);
                if (result != null) {
                    deliver(result);
                    progressed = true;
                } else {
                    outstanding.add(s); // unanswered: a timer or the test decides what happens next
                }
            }
            if (!progressed) {
                return this;
            }
        }
        throw new AssertionError("the saga did not settle");
    }

    Outbox deliver(Object result) {
        FailbackSaga saga = runner.saga();
        if (result instanceof AzureResult r) {
            VmJob vm = store.vm(r.getJobId(), r.getVmId());
            return record(runner.apply(store, vm == null ? saga.onUnknownResult(r.getJobId(), r.getVmId(), r.getCommandId(), "", now)
                    : saga.onAzureResult(store.job(r.getJobId()), vm, r, now)));
        }
        if (result instanceof VcenterResult r) {
            return record(runner.apply(store, saga.onVcenterResult(store.job(r.getJobId()), store.vm(r.getJobId(), r.getVmId()), r, now)));
        }
        ReplicationResult r = (ReplicationResult) result;
        return record(runner.apply(store, saga.onReplicationResult(store.job(r.getJobId()), store.vm(r.getJobId(), r.getVmId()), r, now)));
    }

    /** Moves time on and fires every due VM and job timer, as the processor's punctuator does. */
    Outbox advance(Duration by) {
        now += by.toMillis();
        Outbox out = new Outbox();
        for (String jobId : new ArrayList<>(store.jobs.keySet())) {
            Outbox o = runner.apply(store, runner.saga().onJobTimer(store.job(jobId), now));
            record(o);
            merge(out, o);
            for (String vmId : store.vmIds(jobId)) {
                VmJob vm = store.vm(jobId, vmId);
                if (vm.deadline() != 0 && vm.deadline() <= now) {
                    Outbox v = runner.apply(store, runner.saga().onVmTimer(store.job(jobId), vm, now));
                    record(v);
                    merge(out, v);
                }
            }
        }
        return out;
    }

    private boolean answerClaims() {
        if (pendingClaims.isEmpty()) {
            return false;
        }
        List<VmClaim> batch = new ArrayList<>(pendingClaims);
        pendingClaims.clear();
        for (VmClaim c : batch) {
            VmClaims.Outcome o = VmClaims.decide(claimHolders.get(c.getVmId()), c);
            if (o.holder() == null) {
                claimHolders.remove(c.getVmId());
            } else {
                claimHolders.put(c.getVmId(), o.holder());
            }
            if (o.answer() != null) {
                VmJob vm = store.vm(o.answer().getJobId(), o.answer().getVmId());
                record(runner.apply(store, runner.saga().onClaimAnswer(store.job(o.answer().getJobId()), vm, o.answer(), now)));
            }
        }
        return true;
    }

    private Outbox record(Outbox o) {
        o.azureCommands.forEach(c -> sent(new Sent(c.getCommandId(), c.getJobId(), c.getVmId(), stepOf(c.getCommandId()), c.getOperation())));
        o.vcenterCommands.forEach(c -> sent(new Sent(c.getCommandId(), c.getJobId(), c.getVmId(), stepOf(c.getCommandId()), c.getOperation())));
        o.replicationCommands.forEach(c -> sent(new Sent(c.getCommandId(), c.getJobId(), c.getVmId(), stepOf(c.getCommandId()), c.getOperation())));
        pendingClaims.addAll(o.claims);
        merge(all, o);
        return o;
    }

    private void sent(Sent s) {
        outstanding.add(s);
        allCommands.add(s);
    }

    private static void merge(Outbox into, Outbox o) {
        into.vcenterCommands.addAll(o.vcenterCommands);
        into.azureCommands.addAll(o.azureCommands);
        into.replicationCommands.addAll(o.replicationCommands);
        into.claims.addAll(o.claims);
        into.statuses.addAll(o.statuses);
        into.audits.addAll(o.audits);
    }

    public static Step stepOf(String commandId) {
        return Step.valueOf(commandId.substring(commandId.lastIndexOf(':') + 1));
    }

    // ------------------------------------------------------------------ agents

    /** What a healthy agent answers: success, with the read-back a real agent reports. */
    public static Object ok(Sent s) {
        return result(s, null);
    }

    /** A healthy vCenter agent's answer to a command read off its topic. */
    public static VcenterResult okFor(io.failback.messages.VcenterCommand c) {
        return (VcenterResult) ok(new Sent(c.getCommandId(), c.getJobId(), c.getVmId(), stepOf(c.getCommandId()), c.getOperation()));
    }

    /** A healthy Azure agent's answer to a command read off its topic. */
    public static AzureResult okFor(io.failback.messages.AzureCommand c) {
        return (AzureResult) ok(new Sent(c.getCommandId(), c.getJobId(), c.getVmId(), stepOf(c.getCommandId()), c.getOperation()));
    }

    /** The managed disks the Azure agent reads on a VM's Azure twin, OS disk first. */
    public static List<String> azureDisksOf(String vmId) {
        String disks = "/subscriptions/sub/resourceGroups/rg-dr/providers/Microsoft.Compute/disks/" + vmId;
        return List.of(disks + "_OsDisk_1", disks + "_DataDisk_0");
    }

    public static String azureNicOf(String vmId) {
        return "/subscriptions/sub/resourceGroups/rg-dr/providers/Microsoft.Network/networkInterfaces/" + vmId + "-nic";
    }

    /** The answer to {@code s}: success when {@code failure} is null, else that failure code. */
    public static Object result(Sent s, Enum<?> failure) {
        Instant at = Instant.ofEpochMilli(Estate.T0);
        Object op = s.operation();
        if (op instanceof ReadAzureVm || op instanceof ShutdownAzureVm || op instanceof StartAzureVm || op instanceof DeleteAzureVm) {
            AzureResultCode code = failure == null ? AzureResultCode.OK : (AzureResultCode) failure;
            AzureVmState state = op instanceof ReadAzureVm ? new AzureVmState(true, "rg-dr", AzurePowerState.RUNNING,
                    azureDisksOf(s.vmId()), List.of(azureNicOf(s.vmId()))) : null;
            return AzureResult.newBuilder().setCommandId(s.commandId()).setJobId(s.jobId()).setVmId(s.vmId()).setCode(code)
                    .setArmCode(failure == null ? "" : "InternalServerError").setMessage(failure == null ? "" : "injected")
                    .setCompletedAt(at).setOutcome(failure == null ? state : null).build();
        }
        if (op instanceof Reprotect) {
            return new ReplicationResult(s.commandId(), s.jobId(), s.vmId(),
                    failure == null ? ReplicationResultCode.OK : (ReplicationResultCode) failure, "", at);
        }
        Object outcome;
        if (op instanceof InspectMasterTarget i) {
            outcome = new MasterTargetInspected(true, 0, i.getReplicaDisks());
        } else if (op instanceof PowerOnVm) {
            outcome = new VmPowerState(PowerState.POWERED_ON);
        } else if (op instanceof PowerOffVm) {
            outcome = new VmPowerState(PowerState.POWERED_OFF);
        } else if (op instanceof AttachDisks a) {
            outcome = new DisksChanged(a.getDisks());
        } else if (op instanceof DetachDisks dd) {
            outcome = new DisksChanged(dd.getDisks());
        } else if (op instanceof EnableVmwareTools) {
            outcome = new ToolsEnabled("toolsUpgradePolicy");
        } else {
            outcome = new ConnectionChecked(true, "6.0");
        }
        return VcenterResult.newBuilder().setCommandId(s.commandId()).setJobId(s.jobId()).setVmId(s.vmId())
                .setCode(failure == null ? VcenterResultCode.OK : (VcenterResultCode) failure)
                .setMessage(failure == null ? "" : "injected").setCompletedAt(at)
                .setOutcome(failure == null ? outcome : null).build();
    }

    // ------------------------------------------------------------------ thens

    Job job(String jobId) {
        return store.job(jobId);
    }

    VmJob vm(String jobId, String vmId) {
        return store.vm(jobId, vmId);
    }

    /** The steps commanded for one VM, in the order they were sent (re-sends included). */
    List<Step> stepsOf(String vmId) {
        return allCommands.stream().filter(s -> s.vmId().equals(vmId)).map(Sent::step).toList();
    }

    /** The last status the saga published for a VM. */
    VmStatus lastStatus(String vmId) {
        VmStatus last = null;
        for (StatusEvent e : all.statuses) {
            if (e.getVm() != null && e.getVm().getVmId().equals(vmId)) {
                last = e.getVm();
            }
        }
        return last;
    }

    JobStatus lastJobStatus(String jobId) {
        JobStatus last = null;
        for (StatusEvent e : all.statuses) {
            if (e.getJob() != null && e.getJobId().equals(jobId)) {
                last = e.getJob();
            }
        }
        return last;
    }

    Map<String, Integer> commandsPerId() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        allCommands.forEach(s -> counts.merge(s.commandId(), 1, Integer::sum));
        return counts;
    }
}
