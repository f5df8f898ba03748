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
    Function<Sent, Object> agents = this::answer;

    final Estate estate;
    final SagaSettings settings = SagaSettings.defaults();
    final Orchestrator orchestrator;
    final InMemoryJobStore store = new InMemoryJobStore();
    final Map<String, String> claimHolders = new HashMap<>();
    final List<Sent> outstanding = new ArrayList<>();
    final List<Sent> allCommands = new ArrayList<>();
    final List<VmClaim> pendingClaims = new ArrayList<>();
    final Outbox all = new Outbox();
    /** What each call of the orchestrator returned, in order. */
    final List<Outbox> calls = new ArrayList<>();
    long now = Estate.T0;

    World(Estate estate) {
        this(estate, Signing.unsigned(), Orchestrator.VMS_PER_CALL);
    }

    /** A world whose orchestrator applies {@code signing}'s plan rules and four-eyes plans to the (verified) operators. */
    World(Estate estate, Signing signing) {
        this(estate, signing, Orchestrator.VMS_PER_CALL);
    }

    /** A world whose orchestrator works through at most {@code vmsPerCall} VMs in one call. */
    World(Estate estate, int vmsPerCall) {
        this(estate, Signing.unsigned(), vmsPerCall);
    }

    World(Estate estate, Signing signing, int vmsPerCall) {
        this.estate = estate;
        this.orchestrator = new Orchestrator(settings, signing, vmsPerCall);
    }

    // ------------------------------------------------------------------ whens

    /** As the orchestrator takes a request from its inputs topic. */
    Outbox submit(FailbackRequest request) {
        return handle(request.getRequestId(), new OrchestratorInput(request, null));
    }

    /** Each control command's id is its own, as failbackctl's are: a job refuses a control id it took before as a replay. */
    private int controls;

    Outbox control(String jobId, ControlAction action) {
        return control(new ControlCommand("ctl-" + now + "-" + (++controls), jobId, action, "ops@example.org", Instant.ofEpochMilli(now), null));
    }

    Outbox control(ControlCommand control) {
        return handle(control.getJobId(), new OrchestratorInput(control, null));
    }

    /** Run after each call of the orchestrator, on what it stored: a test's look at every state a run goes through. */
    Runnable afterEachCall = () -> { };

    /** Any input, through the orchestrator's one entry point, as the processor hands it over. */
    Outbox handle(String key, Object input) {
        Outbox out = record(orchestrator.handle(key, input, store, estate, now));
        afterEachCall.run();
        return out;
    }

    /** Given/when in one: the request is taken and every claim and command it leads to is answered. */
    World failBack(FailbackRequest request) {
        submit(request);
        return settle();
    }

    /** Answers claims and commands until nothing is outstanding (commands the agents drop stay unanswered). */
    World settle() {
        for (int round = 0; round < 200; round++) {
            boolean progressed = workOn();
            progressed |= answerClaims();
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
        if (result instanceof ReplicationResult r) {
            return handle(r.getJobId(), new OrchestratorInput(r, null));
        }
        return handle(null, result);
    }

    /** Moves time on and fires every due VM and job timer, as the processor's punctuator does. */
    Outbox advance(Duration by) {
        now += by.toMillis();
        Outbox out = new Outbox();
        for (String jobId : new ArrayList<>(store.jobs.keySet())) {
            merge(out, handle(jobId, new Orchestrator.TimerDue(jobId, "")));
            for (String vmId : store.vmIds(jobId)) {
                VmJob vm = store.vm(jobId, vmId);
                if (vm.deadline() != 0 && vm.deadline() <= now) {
                    merge(out, handle(jobId, new Orchestrator.TimerDue(jobId, vmId)));
                }
            }
        }
        return out;
    }

    /** As the processor's punctuator does: one more slice of each job whose follow-ups were left part done. */
    boolean workOn() {
        List<String> jobs = new ArrayList<>(store.work.keySet());
        jobs.forEach(jobId -> handle(jobId, new Orchestrator.WorkDue(jobId)));
        return !jobs.isEmpty();
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
                handle(o.answer().getJobId(), o.answer());
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
        calls.add(o);
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

    /** A healthy replication engine's answer to a command read off its topic (it holds every point). */
    public static ReplicationResult okFor(io.failback.messages.ReplicationCommand c) {
        return (ReplicationResult) ok(new Sent(c.getCommandId(), c.getJobId(), c.getVmId(), stepOf(c.getCommandId()), c.getOperation()));
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
        if (op instanceof Reprotect || op instanceof PrepareFailback || op instanceof ResumeReplication) {
            // an engine that holds every point: the disks rolled to the one asked for (or to a final one at T0)
            FailbackPrepared prepared = op instanceof PrepareFailback p && failure == null ? new FailbackPrepared(
                    p.getPointId() == null ? "final-" + s.vmId() : p.getPointId(), at, Consistency.APP_CONSISTENT) : null;
            return new ReplicationResult(s.commandId(), s.jobId(), s.vmId(),
                    failure == null ? ReplicationResultCode.OK : (ReplicationResultCode) failure, "", at, prepared);
        }
        Object outcome;
        if (op instanceof InspectMasterTarget i) {
            outcome = inspection(i);
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
        } else if (op instanceof io.failback.messages.CreateVm c) {
            outcome = new io.failback.messages.VmCreated(c.getLocation().getVmName(), c.getInstanceUuid(), false);
        } else if (op instanceof io.failback.messages.DestroyCreatedVm) {
            outcome = new io.failback.messages.CreatedVmDestroyed(false);
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

    /** The state of the tests' usual job, {@code job-1}. */
    JobState jobState() {
        return job("job-1").state();
    }

    /** The state of one VM of {@code job-1}. */
    VmState vmState(String vmId) {
        return vm("job-1", vmId).state();
    }

    /** Why a VM of {@code job-1} was refused or failed, as codes in the order given. */
    List<ReasonCode> reasonCodes(String vmId) {
        return vm("job-1", vmId).reasons().stream().map(Reason::code).toList();
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

    // ------------------------------------------------------------------ issue 12, points: the replication engine

    /**
     * The default agents: {@link #ok} for all, but the replication engine rolls the disks to a point it still
     * holds in the estate (POINT_EXPIRED when the point is gone), or, asked for no point, to a final point taken now.
     */
    Object answer(Sent s) {
        return s.operation() instanceof PrepareFailback p ? prepared(s, p) : ok(s);
    }

    /** The engine's answer to a prepare, as the estate's recovery points stand now. */
    ReplicationResult prepared(Sent s, PrepareFailback p) {
        ReplicationResult.Builder r = ReplicationResult.newBuilder().setCommandId(s.commandId()).setJobId(s.jobId())
                .setVmId(s.vmId()).setCompletedAt(Instant.ofEpochMilli(now)).setCode(ReplicationResultCode.OK);
        if (p.getPointId() == null) {
            return r.setOutcome(new FailbackPrepared("final-" + s.vmId(), Instant.ofEpochMilli(now), Consistency.APP_CONSISTENT)).build();
        }
        return estate.recoveryPoints(s.vmId()).stream().filter(point -> point.getPointId().equals(p.getPointId())).findFirst()
                .map(point -> r.setOutcome(new FailbackPrepared(point.getPointId(), point.getTime(), point.getConsistency())).build())
                .orElseGet(() -> r.setCode(ReplicationResultCode.POINT_EXPIRED).setMessage(p.getPointId() + " pruned by retention").build());
    }

    /** The point the engine rolled each VM's disks to, as the saga recorded it. */
    ChosenPoint applied(String vmId) {
        return vm("job-1", vmId).appliedPoint();
    }

    // ------------------------------------------------------------------ issue 12 item 6 (attention)

    /** As {@code failbackctl retry JOB [--vm V]} sends it; {@code vmId} null for every VM that needs attention. */
    Outbox retry(String jobId, String vmId) {
        return control(new ControlCommand("retry-" + now + "-" + (++controls), jobId, ControlAction.RETRY, "ops@example.org", Instant.ofEpochMilli(now), vmId));
    }

    /** Moves time on {@code times} times by {@code by}, firing due timers and answering what comes of them. */
    World advanceAndSettle(Duration by, int times) {
        for (int i = 0; i < times; i++) {
            advance(by);
            settle();
        }
        return this;
    }

    // ------------------------------------------------------------------ issue 12 items 3 and 5 (onprem)

    /** A master target that holds the disks and runs the VM's OS family, and the on-premises VM found, off, with room. */
    public static MasterTargetInspected inspection(InspectMasterTarget i) {
        io.failback.messages.OnPremisesVmToCheck onPremises = i.getOnPremisesVm();
        // without the on-premises VM asked about (a new VM at an alternate location), a master target named "mt-win..." runs Windows
        io.failback.messages.OsType os = onPremises != null ? onPremises.getOsType()
                : i.getMasterTarget().startsWith("mt-win") ? io.failback.messages.OsType.WINDOWS : io.failback.messages.OsType.LINUX;
        return new MasterTargetInspected(true, 0, i.getReplicaDisks(), os,
                os == io.failback.messages.OsType.WINDOWS ? "windows9Server64Guest" : "ubuntu64Guest",
                onPremises == null ? null : new io.failback.messages.OnPremisesVmInspected(true, onPremises.getVm(), true, List.of()),
                List.of());
    }
}
