package io.failback.orchestrator.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.failback.messages.AttachDisks;
import io.failback.messages.AuditKind;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.ClaimAction;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.DisksChanged;
import io.failback.messages.EnableVmwareTools;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.JobState;
import io.failback.messages.OsType;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.PowerState;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.Reprotect;
import io.failback.messages.ShutdownAzureVm;
import io.failback.messages.StartAzureVm;
import io.failback.messages.Step;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmClaimAnswer;
import io.failback.messages.VmPowerState;
import io.failback.messages.VmState;

/**
 * The failback saga: given a job's stored state and one incoming message (request, control, agent
 * result, claim answer, timer), it decides the new state and the messages to send. Pure: no Kafka,
 * Spring or serde; the Kafka Streams processor around it loads, calls, stores and forwards.
 */
public final class FailbackSaga {

    /** What the inventory says about a request's VMs, looked up by the caller before the call. */
    public record RequestFacts(Map<String, ProtectedItem> items, RecoveryPlan plan, List<RecoveryPlanMember> members,
                               Map<String, ConfigServerHeartbeat> heartbeats, Map<String, List<RecoveryPoint>> points) {
    }

    private final SagaSettings settings;

    public FailbackSaga(SagaSettings settings) {
        this.settings = settings;
    }

    // ================================================================== requests

    /** The job id of a request: the request id itself, so a repeated request is the same job. */
    public static String jobIdOf(FailbackRequest request) {
        return request.getRequestId();
    }

    /** The VMs a request lists, or for a long list its size and digest: a summary stays small whatever the request. */
    private static String vmList(List<String> vmIds) {
        if (vmIds.size() <= Intake.QUOTED_ITEMS) {
            return vmIds.toString();
        }
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            vmIds.forEach(v -> sha.update((v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return "[" + vmIds.size() + " VMs, sha-256 " + java.util.HexFormat.of().formatHex(sha.digest(), 0, 8) + "]";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A summary of what a request asks, to tell a repeat (same) from a conflict (same id, other content). */
    public static String summaryOf(FailbackRequest r) {
        return "vms=" + vmList(r.getVmIds()) + " plan=" + r.getPlanId() + " point=" + r.getRecoveryPoint() + " commit="
                + r.getCommitPolicy().getKind() + "/" + r.getCommitPolicy().getDelaySeconds() + " reprotect="
                + (r.getReprotect() == null ? "-" : r.getReprotect().getProcessServer());
    }

    /** A request refused before it became a job: status and audit only, nothing stored. */
    public Decision onUnroutableRequest(FailbackRequest request, Reason reason, long now) {
        Job job = Job.requested(Intake.safeId(request.getRequestId()), Intake.quote(request.getRequestedBy()),
                request.getPlanId() == null ? null : Intake.quote(request.getPlanId()), null, request.getRecoveryPoint(),
                request.getCommitPolicy().getKind(), 0, null, 0).withState(JobState.REJECTED).withReason(reason);
        Decision d = new Decision(null, now);
        d.setJob(job);
        d.audit(AuditKind.REFUSAL, null, null, job.requestedBy(), "request refused", reason.code() + ": " + reason.message());
        d.jobStatus();
        return d;
    }

    /** A control command refused before it reached a job (its fields out of bounds): audit only, nothing changed. */
    public Decision onUnroutableControl(ControlCommand control, Reason reason, long now) {
        Decision d = new Decision(null, now);
        d.auditFor(Intake.safeId(control.getJobId()), AuditKind.REFUSAL, Intake.quote(control.getRequestedBy()),
                control.getAction() + " refused", reason.code() + ": " + reason.message());
        return d;
    }

    /** A request whose id is already a job: the same job, never a second one. */
    public Decision onRepeatedRequest(Job job, FailbackRequest request, long now) {
        Decision d = new Decision(job, now);
        if (summaryOf(request).equals(job.requestSummary())) {
            d.audit(AuditKind.REQUEST, null, null, request.getRequestedBy(), "repeated request ignored",
                    "request " + request.getRequestId() + " is job " + job.jobId() + ", now " + job.state());
        } else {
            d.audit(AuditKind.REFUSAL, null, null, request.getRequestedBy(), "conflicting request refused",
                    ReasonCode.INVALID_FIELD + ": request id " + request.getRequestId()
                            + " is already job " + job.jobId() + " with other content (" + job.requestSummary() + ")");
        }
        d.jobStatus();
        return d;
    }

    /** A new request: validated, then every VM enters preflight (claim, inventory rules, agent checks). */
    public Decision onRequest(FailbackRequest request, RequestFacts facts, long now) {
        Job job = Job.requested(jobIdOf(request), request.getRequestedBy(), request.getPlanId(), summaryOf(request),
                request.getRecoveryPoint(), request.getCommitPolicy().getKind(), request.getCommitPolicy().getDelaySeconds(),
                request.getReprotect() == null ? null : request.getReprotect().getProcessServer(), now);
        Decision d = new Decision(null, now);
        d.setJob(job);
        d.audit(AuditKind.REQUEST, null, null, request.getRequestedBy(), "request received", job.requestSummary());

        List<Reason> refusals = validate(request, facts);
        Map<String, Integer> groupOf = new LinkedHashMap<>();
        int groupCount = 0;
        if (refusals.isEmpty()) {
            if (request.getPlanId() != null) {
                facts.members().stream().sorted((a, b) -> a.getGroup() != b.getGroup()
                                ? Integer.compare(a.getGroup(), b.getGroup()) : a.getVmId().compareTo(b.getVmId()))
                        .forEach(m -> groupOf.put(m.getVmId(), m.getGroup()));
                groupCount = facts.plan().getGroupCount();
            } else {
                request.getVmIds().forEach(vm -> groupOf.put(vm, 1));
                groupCount = 1;
            }
        }
        job = job.withTotalVms(groupOf.size()).withGroupCount(groupCount);
        if (!refusals.isEmpty()) {
            d.setJob(job.withState(JobState.REJECTED).withReasons(refusals));
            refusals.forEach(r -> d.audit(AuditKind.REFUSAL, null, null, null, "request refused", r.code() + ": " + r.message()));
            d.jobStatus();
            return d;
        }
        List<Integer> waiting = new ArrayList<>(java.util.Collections.nCopies(groupCount, 0));
        groupOf.values().forEach(g -> waiting.set(g - 1, waiting.get(g - 1) + 1));
        job = job.withGroupWaiting(waiting).withGroupFailed(java.util.Collections.nCopies(groupCount, 0));
        d.setJob(job);

        List<String> vmIds = new ArrayList<>(groupOf.keySet());
        Map<String, String> replicationGroups = new HashMap<>();
        for (String vm : vmIds) {
            ProtectedItem item = facts.items().get(vm);
            if (item != null && item.getReplicationGroup() != null && Intake.isName(item.getReplicationGroup())) {
                replicationGroups.put(vm, item.getReplicationGroup());
            }
        }
        Map<String, RecoveryPointChooser.Choice> choices = RecoveryPointChooser.choose(job.pointKind(), vmIds,
                Intake.wellFormed(facts.points()), replicationGroups, now);
        d.jobStatus();
        for (String vmId : vmIds) {
            ProtectedItem item = facts.items().get(vmId);
            VmJob vm = VmJob.start(job.jobId(), vmId, groupOf.get(vmId)).withReasonsAdded(Preflight.inventoryReasons(vmId, item,
                    item == null ? null : facts.heartbeats().get(item.getConfigurationServer()), now, settings));
            RecoveryPointChooser.Choice choice = choices.get(vmId);
            if (item != null && Intake.outOfBounds(item) == null) {
                vm = vm.withTarget(new Target(item.getVCenter(), item.getMasterTarget(), item.getOnPremisesVm(),
                        List.copyOf(item.getReplicaDisks()), item.getAzureVmId(), item.getAzureResourceGroup(),
                        item.getOsType() == OsType.WINDOWS,
                        job.reprotectProcessServer() != null ? job.reprotectProcessServer() : item.getProcessServer()));
                vm = choice.point() != null ? vm.withPoint(choice.point()) : vm.withReason(choice.reason());
                vm = send(d, vm, Step.CHECK_AZURE_VM);
                vm = send(d, vm, Step.CHECK_VCENTER);
            }
            d.claim(vmId, ClaimAction.CLAIM);
            d.update(vm);
        }
        return d;
    }

    private static List<Reason> validate(FailbackRequest r, RequestFacts facts) {
        List<Reason> reasons = new ArrayList<>();
        if (r.getRequestId() == null || r.getRequestId().isBlank()) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "requestId is empty"));
        }
        if (r.getRequestedBy() == null || r.getRequestedBy().isBlank()) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "requestedBy is empty: say who asks for the failback"));
        }
        boolean hasVms = !r.getVmIds().isEmpty();
        boolean hasPlan = r.getPlanId() != null;
        if (hasVms && hasPlan) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "give either VMs or a recovery plan, not both"));
        } else if (!hasVms && !hasPlan) {
            reasons.add(new Reason(ReasonCode.EMPTY_REQUEST, "the request names no VM and no recovery plan"));
        }
        if (hasVms) {
            Set<String> seen = new HashSet<>();
            List<String> blankOrRepeated = r.getVmIds().stream().filter(v -> v.isBlank() || !seen.add(v)).toList();
            if (!blankOrRepeated.isEmpty()) {
                reasons.add(new Reason(ReasonCode.INVALID_FIELD, "VM ids blank or repeated: " + Intake.list(blankOrRepeated)));
            }
            List<String> unknown = r.getVmIds().stream().filter(v -> !v.isBlank() && facts.items().get(v) == null).toList();
            if (!unknown.isEmpty() && !hasPlan) {
                reasons.add(new Reason(ReasonCode.UNKNOWN_VM, "not in the inventory: " + Intake.list(unknown)));
            }
        }
        if (hasPlan && !hasVms) {
            if (r.getPlanId().isBlank()) {
                reasons.add(new Reason(ReasonCode.INVALID_FIELD, "planId is blank"));
            } else if (facts.plan() == null) {
                reasons.add(new Reason(ReasonCode.UNKNOWN_PLAN, "no recovery plan " + r.getPlanId() + " in the inventory"));
            } else if (facts.plan().getMemberCount() > Intake.MAX_VMS_PER_JOB) {
                reasons.add(new Reason(ReasonCode.INVALID_FIELD, "recovery plan " + r.getPlanId() + " has "
                        + facts.plan().getMemberCount() + " VMs; a job holds at most " + Intake.MAX_VMS_PER_JOB));
            } else if (facts.members().size() != facts.plan().getMemberCount() || facts.members().isEmpty()) {
                reasons.add(new Reason(ReasonCode.PLAN_INCOMPLETE, "recovery plan " + r.getPlanId() + " lists "
                        + facts.plan().getMemberCount() + " VMs but the inventory holds " + facts.members().size()));
            } else if (facts.members().stream().anyMatch(m -> m.getGroup() < 1 || m.getGroup() > facts.plan().getGroupCount())) {
                reasons.add(new Reason(ReasonCode.PLAN_INCOMPLETE, "recovery plan " + r.getPlanId()
                        + " has a VM outside its groups 1.." + facts.plan().getGroupCount()));
            }
        }
        CommitPolicyKind policy = r.getCommitPolicy().getKind();
        if (policy != CommitPolicyKind.MANUAL && r.getCommitPolicy().getDelaySeconds() < 0) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "commit delay must not be negative"));
        }
        if (r.getReprotect() != null && r.getReprotect().getProcessServer().isBlank()) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "reprotect needs a process server"));
        }
        return reasons;
    }

    // ================================================================== claims

    public Decision onClaimAnswer(Job job, VmJob stored, VmClaimAnswer answer, long now) {
        Decision d = new Decision(job, now);
        d.track(stored);
        VmJob vm = stored;
        if (vm.isFinished() || vm.claimAnswered()) {
            if (answer.getGranted() && !vm.claimed()) {
                d.claim(vm.vmId(), ClaimAction.RELEASE);
                d.audit(AuditKind.DECISION, vm.vmId(), null, null, "late claim released", "VM already " + vm.state());
            }
            return d;
        }
        vm = vm.withClaimAnswered(true).withClaimed(answer.getGranted());
        if (!answer.getGranted()) {
            vm = vm.withReason(new Reason(ReasonCode.VM_IN_ACTIVE_JOB, vm.vmId() + " is in active job " + answer.getHolderJobId()));
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, answer.getGranted() ? "VM claimed" : "VM claim refused",
                answer.getGranted() ? "" : "held by job " + answer.getHolderJobId());
        maybeFinishPreflight(d, vm);
        reconcile(d);
        return d;
    }

    // ================================================================== agent results

    public Decision onAzureResult(Job job, VmJob stored, AzureResult result, long now) {
        AzureResult r = Intake.bound(result);
        Decision d = new Decision(job, now);
        d.track(stored);
        Step step = stored.pending().get(r.getCommandId());
        if (step == null) {
            return stale(d, stored, r.getCommandId(), "Azure " + r.getCode());
        }
        d.audit(AuditKind.RESULT, stored.vmId(), r.getCommandId(), null, step + " " + r.getCode(), r.getArmCode() + " " + r.getMessage());
        VmJob vm = stored.withAnswered(r.getCommandId());
        if (r.getCode() == AzureResultCode.OK && r.getOutcome() != null && r.getOutcome().getExists()) {
            vm = vm.withAzureDiskIds(r.getOutcome().getManagedDiskIds()).withAzureNicIds(r.getOutcome().getNetworkInterfaceIds());
        }
        if (step == Step.CHECK_AZURE_VM) {
            vm = vm.withReasonsAdded(Preflight.azureReasons(vm.vmId(), vm.target(), r));
            maybeFinishPreflight(d, vm);
        } else if (r.getCode() == AzureResultCode.OK) {
            succeeded(d, vm, step);
        } else {
            failed(d, vm, step, new Reason(r.getCode() == AzureResultCode.TIMEOUT ? ReasonCode.STEP_TIMEOUT : ReasonCode.STEP_FAILED,
                    step + " failed: " + r.getCode() + " " + r.getArmCode() + " " + r.getMessage()));
        }
        reconcile(d);
        return d;
    }

    public Decision onVcenterResult(Job job, VmJob stored, VcenterResult result, long now) {
        VcenterResult r = Intake.bound(result);
        Decision d = new Decision(job, now);
        d.track(stored);
        Step step = stored.pending().get(r.getCommandId());
        if (step == null) {
            return stale(d, stored, r.getCommandId(), "vCenter " + r.getCode());
        }
        d.audit(AuditKind.RESULT, stored.vmId(), r.getCommandId(), null, step + " " + r.getCode(), r.getMessage());
        VmJob vm = stored.withAnswered(r.getCommandId());
        if (step == Step.CHECK_VCENTER) {
            vm = vm.withReasonsAdded(Preflight.vcenterReasons(vm.vmId(), vm.target(), r));
            maybeFinishPreflight(d, vm);
            reconcile(d);
            return d;
        }
        if (r.getCode() == VcenterResultCode.OK) {
            vm = readBack(vm, step, r);
        }
        if (r.getCode() == VcenterResultCode.OK && verified(vm, step)) {
            succeeded(d, vm, step);
        } else if (r.getCode() == VcenterResultCode.OK) {
            failed(d, vm, step, new Reason(ReasonCode.STEP_FAILED, step + " answered OK but the VM is not in the expected state: " + r.getOutcome()));
        } else {
            ReasonCode code = switch (r.getCode()) {
                case DISK_ATTACHED_ELSEWHERE -> ReasonCode.DISK_ATTACHED_ELSEWHERE;
                case TIMEOUT -> ReasonCode.STEP_TIMEOUT;
                case NOT_CONNECTED, AUTHENTICATION_FAILED, UNKNOWN_VCENTER -> ReasonCode.VCENTER_NOT_CONNECTED;
                default -> ReasonCode.STEP_FAILED;
            };
            failed(d, vm, step, new Reason(code, step + " failed: " + r.getCode() + " " + r.getMessage()));
        }
        reconcile(d);
        return d;
    }

    /** Power-on and attach are proven by the agent's read-back, which commit later relies on. */
    private static VmJob readBack(VmJob vm, Step step, VcenterResult r) {
        if (step == Step.POWER_ON_ON_PREMISES_VM) {
            return vm.withPoweredOnVerified(r.getOutcome() instanceof VmPowerState ps && ps.getPowerState() == PowerState.POWERED_ON);
        }
        if (step == Step.ATTACH_TO_ON_PREMISES_VM) {
            return vm.withDisksVerified(r.getOutcome() instanceof DisksChanged dc && dc.getDisks().containsAll(vm.target().replicaDisks()));
        }
        return vm;
    }

    private static boolean verified(VmJob vm, Step step) {
        return switch (step) {
            case POWER_ON_ON_PREMISES_VM -> vm.poweredOnVerified();
            case ATTACH_TO_ON_PREMISES_VM -> vm.disksVerified();
            default -> true;
        };
    }

    public Decision onReplicationResult(Job job, VmJob stored, ReplicationResult result, long now) {
        ReplicationResult r = Intake.bound(result);
        Decision d = new Decision(job, now);
        d.track(stored);
        Step step = stored.pending().get(r.getCommandId());
        if (step == null) {
            return stale(d, stored, r.getCommandId(), "replication " + r.getCode());
        }
        d.audit(AuditKind.RESULT, stored.vmId(), r.getCommandId(), null, step + " " + r.getCode(), r.getMessage());
        VmJob vm = stored.withAnswered(r.getCommandId());
        if (r.getCode() == ReplicationResultCode.OK) {
            succeeded(d, vm, step);
        } else if (r.getCode() == ReplicationResultCode.AGENT_NOT_REGISTERED && now < vm.reprotectUntil()) {
            // The on-premises VM's agent registers up to ~15 minutes after boot: wait, then ask again.
            long backoff = Math.min(settings.reprotectMaxBackoff().toMillis(),
                    settings.reprotectInitialBackoff().toMillis() << Math.min(vm.reprotectRefusals(), 16));
            vm = vm.withReprotectRefusals(vm.reprotectRefusals() + 1).withDeadline(Math.min(now + backoff, vm.reprotectUntil()));
            d.audit(AuditKind.DECISION, vm.vmId(), r.getCommandId(), null, "reprotect retry scheduled",
                    "agent not registered yet; next try at " + Instant.ofEpochMilli(vm.deadline()));
            d.update(vm);
        } else if (r.getCode() == ReplicationResultCode.AGENT_NOT_REGISTERED) {
            failed(d, vm, step, new Reason(ReasonCode.REPROTECT_AGENT_NOT_REGISTERED, "the agent of " + vm.vmId()
                    + " did not register within " + settings.reprotectWindow().toMinutes() + " minutes: " + r.getMessage()));
        } else {
            failed(d, vm, step, new Reason(ReasonCode.REPROTECT_FAILED, "reprotect failed: " + r.getCode() + " " + r.getMessage()));
        }
        reconcile(d);
        return d;
    }

    private Decision stale(Decision d, VmJob vm, String commandId, String what) {
        d.audit(AuditKind.STALE_RESULT, vm == null ? null : vm.vmId(), commandId, null, "stale result ignored",
                what + " for a command that is not pending");
        return d;
    }

    /** A result for a job or VM that doesn't exist (here) at all. */
    public Decision onUnknownResult(String jobId, String vmId, String commandId, String what, long now) {
        Decision d = new Decision(null, now);
        d.audits().add(new io.failback.messages.AuditRecord(Intake.safeId(jobId), Intake.quote(vmId),
                commandId == null ? null : Intake.quote(commandId), Instant.ofEpochMilli(now), "",
                AuditKind.STALE_RESULT, "result for unknown job or VM ignored", what));
        return d;
    }

    // ================================================================== step progression

    private void succeeded(Decision d, VmJob answered, Step step) {
        VmJob vm = answered.withAttempts(0).withDeadline(0);
        if (vm.state() == VmState.ROLLING_BACK) {
            continueRollback(d, vm.withCompensations(without(vm.compensations(), step)));
            return;
        }
        switch (step) {
            case SHUT_DOWN_AZURE_VM -> forward(d, vm, Step.POWER_OFF_ON_PREMISES_VM);
            case POWER_OFF_ON_PREMISES_VM -> forward(d, vm, Step.DETACH_FROM_MASTER_TARGET);
            case DETACH_FROM_MASTER_TARGET -> forward(d, vm, Step.ATTACH_TO_ON_PREMISES_VM);
            case ATTACH_TO_ON_PREMISES_VM -> {
                if (vm.target().windows()) {
                    forward(d, vm, Step.ENABLE_VMWARE_TOOLS);
                } else {
                    gateOrPowerOn(d, vm);
                }
            }
            case ENABLE_VMWARE_TOOLS -> gateOrPowerOn(d, vm);
            case POWER_ON_ON_PREMISES_VM -> {
                if (vm.cancelRequested()) {
                    startRollback(d, vm, vm.rollbackReason());
                } else {
                    d.audit(AuditKind.DECISION, vm.vmId(), null, null, "failed back, awaiting commit", "");
                    d.update(vm.withState(VmState.FAILED_BACK_AWAITING_COMMIT).withStep(Step.NONE));
                }
            }
            case DELETE_AZURE_VM -> {
                if (d.working().reprotectProcessServer() != null) {
                    vm = vm.withState(VmState.REPROTECTING).withReprotectUntil(d.now() + settings.reprotectWindow().toMillis());
                    d.update(send(d, vm, Step.REPROTECT));
                } else {
                    finish(d, vm, VmState.COMMITTED);
                }
            }
            case REPROTECT -> finish(d, vm, VmState.REPROTECTED);
            default -> throw new IllegalTransitionException("no success path for step " + step + " of " + vm);
        }
    }

    private static List<Step> without(List<Step> steps, Step step) {
        List<Step> fewer = new ArrayList<>(steps);
        fewer.remove(step);
        return fewer;
    }

    private void failed(Decision d, VmJob answered, Step step, Reason reason) {
        VmJob vm = answered.withAttempts(0).withDeadline(0);
        switch (vm.state()) {
            case ROLLING_BACK -> finish(d, vm.withReason(new Reason(ReasonCode.ROLLBACK_FAILED, "rollback stopped at " + step
                    + ": " + reason.message() + "; still to undo: " + vm.compensations())), VmState.FAILED);
            case COMMITTING -> finish(d, vm.withReason(new Reason(reason.code(), reason.message()
                    + "; the on-premises VM runs, the Azure VM is shut down but not deleted")), VmState.FAILED);
            case REPROTECTING -> finish(d, vm.withReason(reason), VmState.FAILED);
            case FAILING_BACK -> startRollback(d, vm, reason);
            default -> throw new IllegalTransitionException("step " + step + " can't fail in state " + vm.state() + " of " + vm);
        }
    }

    /** Records the undo of {@code step} before sending it: a command that times out has an unknown outcome. */
    private void forward(Decision d, VmJob vm, Step step) {
        if (vm.cancelRequested()) {
            startRollback(d, vm, vm.rollbackReason());
            return;
        }
        Step undo = switch (step) {
            case SHUT_DOWN_AZURE_VM -> Step.ROLLBACK_START_AZURE_VM;
            case DETACH_FROM_MASTER_TARGET -> Step.ROLLBACK_ATTACH_TO_MASTER_TARGET;
            case ATTACH_TO_ON_PREMISES_VM -> Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM;
            case POWER_ON_ON_PREMISES_VM -> Step.ROLLBACK_POWER_OFF;
            default -> null;
        };
        if (undo != null && !vm.compensations().contains(undo)) {
            List<Step> more = new ArrayList<>(vm.compensations());
            more.add(undo);
            vm = vm.withCompensations(more);
        }
        d.update(send(d, vm.withState(VmState.FAILING_BACK), step));
    }

    private void gateOrPowerOn(Decision d, VmJob vm) {
        Job j = d.working();
        if (vm.cancelRequested()) {
            startRollback(d, vm, vm.rollbackReason());
        } else if (j.currentGroup() >= vm.group() && (j.blockedAtGroup() == 0 || vm.group() <= j.blockedAtGroup())) {
            // VMs of one group are independent: a sibling's failure stops only the later groups
            forward(d, vm, Step.POWER_ON_ON_PREMISES_VM);
        } else if (j.blockedAtGroup() != 0 && vm.group() > j.blockedAtGroup()) {
            startRollback(d, vm, dependencyFailure(j.blockedAtGroup()));
        } else {
            d.update(vm.withState(VmState.WAITING_FOR_GROUP).withStep(Step.POWER_ON_ON_PREMISES_VM));
        }
    }

    private static Reason dependencyFailure(int group) {
        return new Reason(ReasonCode.DEPENDENCY_GROUP_FAILED, "a VM of boot group " + group
                + " did not fail back, so later groups do not power on");
    }

    private void startRollback(Decision d, VmJob vm, Reason reason) {
        vm = vm.withState(VmState.ROLLING_BACK).withCancelRequested(false);
        if (reason != null) {
            vm = vm.withReason(reason);
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "rollback started",
                (reason == null ? "" : reason.code() + ": " + reason.message()) + "; undo " + vm.compensations());
        continueRollback(d, vm);
    }

    private void continueRollback(Decision d, VmJob vm) {
        if (vm.compensations().isEmpty()) {
            finish(d, vm, VmState.ROLLED_BACK);
            return;
        }
        d.update(send(d, vm, vm.compensations().get(vm.compensations().size() - 1)));
    }

    private void finish(Decision d, VmJob vm, VmState state) {
        vm = vm.withState(state);
        if (state != VmState.FAILED) {
            vm = vm.withStep(Step.NONE);
        }
        vm = vm.withPending(Map.of()).withDeadline(0).withAttempts(0);
        if (vm.claimed()) {
            vm = vm.withClaimed(false);
            d.claim(vm.vmId(), ClaimAction.RELEASE);
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "VM " + state, vm.reasons().isEmpty() ? ""
                : vm.reasons().get(vm.reasons().size() - 1).code().toString());
        d.update(vm);
    }

    private void maybeFinishPreflight(Decision d, VmJob vm) {
        if (vm.state() != VmState.PREFLIGHT) {
            d.update(vm);
            return;
        }
        if (vm.claimAnswered() && vm.pending().isEmpty()) {
            vm = vm.withDeadline(0).withAttempts(0);
            if (vm.reasons().isEmpty()) {
                d.update(vm.withState(VmState.READY).withStep(Step.NONE));
            } else {
                finish(d, vm, VmState.REJECTED);
            }
        } else {
            d.update(vm.withStep(vm.pending().isEmpty() ? Step.CHECK_INVENTORY : vm.pending().values().iterator().next()));
        }
    }

    // ================================================================== commands

    /** {@code vm} with {@code step} sent: a new command id, pending, its deadline set. */
    private VmJob send(Decision d, VmJob vm, Step step) {
        int sequence = vm.sequence() + 1;
        String commandId = vm.jobId() + ":" + vm.vmId() + ":" + sequence + ":" + step;
        VmJob sent = vm.withSequence(sequence).withPending(commandId, step).withStep(step).withAttempts(1)
                .withDeadline(d.now() + timeoutOf(step).toMillis());
        emit(d, sent, commandId, step, "sent");
        return sent;
    }

    private void emit(Decision d, VmJob vm, String commandId, Step step, String verb) {
        Instant at = Instant.ofEpochMilli(d.now());
        Target t = vm.target();
        String jobId = vm.jobId();
        String vmId = vm.vmId();
        switch (step) {
            case CHECK_AZURE_VM -> d.azure(new AzureCommand(commandId, jobId, vmId, at, new ReadAzureVm(t.azureVmId())));
            case SHUT_DOWN_AZURE_VM -> d.azure(new AzureCommand(commandId, jobId, vmId, at, new ShutdownAzureVm(t.azureVmId())));
            case ROLLBACK_START_AZURE_VM -> d.azure(new AzureCommand(commandId, jobId, vmId, at, new StartAzureVm(t.azureVmId())));
            case DELETE_AZURE_VM -> d.azure(new AzureCommand(commandId, jobId, vmId, at, new DeleteAzureVm(t.azureVmId(), true, true,
                    vm.azureDiskIds(), vm.azureNicIds())));
            case CHECK_VCENTER -> vcenter(d, vm, commandId, at, new InspectMasterTarget(t.vCenter(), t.masterTarget(), t.replicaDisks()));
            case POWER_OFF_ON_PREMISES_VM, ROLLBACK_POWER_OFF -> vcenter(d, vm, commandId, at, new PowerOffVm(t.vCenter(), t.onPremisesVm()));
            case DETACH_FROM_MASTER_TARGET -> vcenter(d, vm, commandId, at, new DetachDisks(t.vCenter(), t.masterTarget(), t.replicaDisks()));
            case ATTACH_TO_ON_PREMISES_VM -> vcenter(d, vm, commandId, at, new AttachDisks(t.vCenter(), t.onPremisesVm(), t.replicaDisks()));
            case ENABLE_VMWARE_TOOLS -> vcenter(d, vm, commandId, at, new EnableVmwareTools(t.vCenter(), t.onPremisesVm()));
            case POWER_ON_ON_PREMISES_VM -> vcenter(d, vm, commandId, at, new PowerOnVm(t.vCenter(), t.onPremisesVm()));
            case ROLLBACK_DETACH_FROM_ON_PREMISES_VM -> vcenter(d, vm, commandId, at, new DetachDisks(t.vCenter(), t.onPremisesVm(), t.replicaDisks()));
            case ROLLBACK_ATTACH_TO_MASTER_TARGET -> vcenter(d, vm, commandId, at, new AttachDisks(t.vCenter(), t.masterTarget(), t.replicaDisks()));
            case REPROTECT -> d.replication(new ReplicationCommand(commandId, jobId, vmId, at, new Reprotect(t.processServer(), t.onPremisesVm())));
            default -> throw new IllegalTransitionException("step " + step + " has no command");
        }
        d.audit(AuditKind.COMMAND, vmId, commandId, null, step + " " + verb, "attempt " + vm.attempts());
    }

    private static void vcenter(Decision d, VmJob vm, String commandId, Instant at, Object operation) {
        d.vcenter(new VcenterCommand(commandId, vm.jobId(), vm.vmId(), at, operation));
    }

    private Duration timeoutOf(Step step) {
        return switch (step) {
            case CHECK_AZURE_VM, SHUT_DOWN_AZURE_VM, ROLLBACK_START_AZURE_VM, DELETE_AZURE_VM -> settings.azureStepTimeout();
            case REPROTECT -> settings.replicationStepTimeout();
            default -> settings.vcenterStepTimeout();
        };
    }

    // ================================================================== timers

    /** A VM's deadline passed: send its pending commands again (agents are idempotent), or give up. */
    public Decision onVmTimer(Job job, VmJob stored, long now) {
        Decision d = new Decision(job, now);
        d.track(stored);
        if (stored.deadline() == 0 || now < stored.deadline() || stored.isFinished()) {
            return d;
        }
        VmJob vm = stored;
        if (vm.pending().isEmpty() && vm.state() == VmState.REPROTECTING) {
            d.update(send(d, vm, Step.REPROTECT));
        } else if (vm.pending().isEmpty()) {
            d.update(vm.withDeadline(0));
        } else if (vm.attempts() < settings.maxAttempts() && !vm.cancelRequested()) {
            VmJob again = vm.withAttempts(vm.attempts() + 1)
                    .withDeadline(now + timeoutOf(vm.pending().values().iterator().next()).toMillis());
            again.pending().forEach((id, step) -> emit(d, again, id, step, "sent again"));
            d.update(again);
        } else {
            Map<String, Step> timedOut = vm.pending();
            vm = vm.withPending(Map.of());
            d.audit(AuditKind.DECISION, vm.vmId(), null, null, "step timed out", timedOut.values() + " after " + vm.attempts() + " attempt(s)");
            if (vm.state() == VmState.PREFLIGHT) {
                for (Step step : timedOut.values()) {
                    vm = vm.withReason(new Reason(step == Step.CHECK_VCENTER ? ReasonCode.VCENTER_NOT_CONNECTED : ReasonCode.STEP_TIMEOUT,
                            step + ": no answer from the agent after " + vm.attempts() + " attempt(s)"));
                }
                maybeFinishPreflight(d, vm);
            } else if (vm.cancelRequested()) {
                startRollback(d, vm, vm.rollbackReason());
            } else {
                Step step = timedOut.values().iterator().next();
                failed(d, vm, step, new Reason(step == Step.REPROTECT ? ReasonCode.REPROTECT_FAILED : ReasonCode.STEP_TIMEOUT,
                        step + ": no answer after " + vm.attempts() + " attempt(s)"));
            }
        }
        reconcile(d);
        return d;
    }

    /** The job's auto-commit or auto-rollback delay passed. */
    public Decision onJobTimer(Job job, long now) {
        Decision d = new Decision(job, now);
        Job j = d.working();
        if (j.timerAt() == 0 || now < j.timerAt() || j.state() != JobState.AWAITING_COMMIT) {
            return d;
        }
        d.setJob(j.withTimerAt(0));
        if (j.commitPolicy() == CommitPolicyKind.AUTO_COMMIT) {
            commit(d, "auto-commit");
        } else {
            Reason reason = new Reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback after " + j.commitDelaySeconds() + " s without commit");
            d.setJob(d.working().withState(JobState.ROLLING_BACK).withReason(reason));
            d.audit(AuditKind.DECISION, null, null, null, "auto-rollback", reason.message());
            d.followup(new Followup(Followup.Kind.ROLLBACK_ALL, 0, reason));
        }
        d.jobStatus();
        return d;
    }

    // ================================================================== control

    public Decision onControl(Job job, ControlCommand control, long now) {
        Decision d = new Decision(job, now);
        if (job == null) {
            d.auditFor(control.getJobId(), AuditKind.REFUSAL, control.getRequestedBy(), control.getAction() + " refused",
                    ReasonCode.UNKNOWN_JOB + ": no job " + control.getJobId());
            return d;
        }
        Job j = d.working();
        d.audit(AuditKind.CONTROL, null, null, control.getRequestedBy(), control.getAction() + " received", control.getControlId());
        if (control.getAction() == ControlAction.COMMIT) {
            if (j.state() == JobState.AWAITING_COMMIT) {
                commit(d, "commit by " + control.getRequestedBy());
                d.jobStatus();
            } else if (j.isFinished()) {
                refuse(d, control, ReasonCode.JOB_ALREADY_FINISHED, "job " + j.jobId() + " already ended " + j.state()
                        + (j.committed() ? " after its commit" : "") + "; this commit changes nothing");
            } else if (j.committed()) {
                refuse(d, control, ReasonCode.NOT_AWAITING_COMMIT, "job " + j.jobId() + " is already committed and "
                        + j.state() + "; this second commit changes nothing");
            } else {
                refuse(d, control, ReasonCode.NOT_AWAITING_COMMIT,
                        "job " + j.jobId() + " is " + j.state() + "; commit applies to a job awaiting commit");
            }
            return d;
        }
        if (j.committed()) {
            refuse(d, control, ReasonCode.CANCEL_AFTER_COMMIT, "job " + j.jobId()
                    + " is committed: its Azure VMs are being deleted, there is nothing to go back to");
        } else if (j.isFinished()) {
            refuse(d, control, ReasonCode.JOB_ALREADY_FINISHED, "job " + j.jobId() + " already ended " + j.state());
        } else if (j.cancelRequested() || j.state() == JobState.ROLLING_BACK) {
            d.audit(AuditKind.DECISION, null, null, control.getRequestedBy(), "cancel repeated", "already rolling back");
        } else {
            Reason reason = new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancelled by " + control.getRequestedBy());
            j = j.withCancelRequested(true).withTimerAt(0).withReason(reason);
            if (j.state() == JobState.PREFLIGHT) {
                d.followup(new Followup(Followup.Kind.CANCEL_ALL, 0, reason));
            } else {
                j = j.withState(JobState.ROLLING_BACK);
                d.followup(new Followup(Followup.Kind.ROLLBACK_ALL, 0, reason));
            }
            d.setJob(j);
            d.audit(AuditKind.DECISION, null, null, control.getRequestedBy(), "cancel accepted", "every VM not yet finished rolls back");
            d.jobStatus();
        }
        return d;
    }

    private static void refuse(Decision d, ControlCommand control, ReasonCode code, String message) {
        d.audit(AuditKind.REFUSAL, null, null, control.getRequestedBy(), control.getAction() + " refused", code + ": " + message);
        d.statuses().add(io.failback.messages.StatusEvent.newBuilder().setJobId(d.working().jobId())
                .setAt(Instant.ofEpochMilli(d.now()))
                .setJob(io.failback.messages.JobStatus.newBuilder(Decision.jobStatus(d.working()))
                        .setReasons(List.of(new io.failback.messages.Reason(code, message))).build()).build());
    }

    private static void commit(Decision d, String by) {
        d.setJob(d.working().withState(JobState.COMMITTING).withCommitted(true).withTimerAt(0));
        d.audit(AuditKind.DECISION, null, null, null, "commit accepted", by);
        d.followup(Followup.of(Followup.Kind.COMMIT_ALL));
    }

    // ================================================================== follow-ups, VM by VM

    public Decision onFollowup(Job job, VmJob stored, Followup f, long now) {
        Decision d = new Decision(job, now);
        d.track(stored);
        VmJob vm = stored;
        switch (f.kind()) {
            case START_ALL -> {
                if (vm.state() == VmState.READY) {
                    forward(d, vm, Step.SHUT_DOWN_AZURE_VM);
                }
            }
            case RELEASE_GROUP -> {
                if (vm.state() == VmState.WAITING_FOR_GROUP && vm.group() <= d.working().currentGroup()) {
                    forward(d, vm, Step.POWER_ON_ON_PREMISES_VM);
                }
            }
            case REJECT_READY -> {
                if (vm.state() == VmState.READY) {
                    finish(d, vm.withReason(f.reason()), VmState.REJECTED);
                }
            }
            case CANCEL_ALL -> {
                if (!vm.isFinished()) {
                    finish(d, vm.withReason(f.reason()), VmState.ROLLED_BACK);
                }
            }
            case ROLLBACK_ALL -> rollbackIfActive(d, vm, f.reason());
            case ROLLBACK_GROUPS_AFTER -> {
                if (vm.group() > f.group() && VmJob.beforePowerOn(vm.state())) {
                    rollbackIfActive(d, vm, f.reason());
                }
            }
            case COMMIT_ALL -> {
                if (vm.state() == VmState.FAILED_BACK_AWAITING_COMMIT) {
                    if (vm.poweredOnVerified() && vm.disksVerified()) {
                        d.update(send(d, vm.withState(VmState.COMMITTING).withCompensations(List.of()), Step.DELETE_AZURE_VM));
                    } else {
                        finish(d, vm.withReason(new Reason(ReasonCode.COMMIT_PRECONDITION_FAILED, "Azure VM kept: the on-premises VM "
                                + "was not verified powered on with its replica disks")), VmState.FAILED);
                    }
                }
            }
            default -> throw new IllegalTransitionException("unknown follow-up " + f);
        }
        reconcile(d);
        return d;
    }

    private void rollbackIfActive(Decision d, VmJob vm, Reason reason) {
        if (vm.isFinished() || vm.state() == VmState.ROLLING_BACK || vm.state() == VmState.COMMITTING
                || vm.state() == VmState.REPROTECTING) {
            return;
        }
        if (!vm.pending().isEmpty()) {
            // The step in flight has an unknown outcome until it answers or times out; roll back then.
            d.update(vm.withCancelRequested(true).withRollbackReason(reason));
        } else {
            startRollback(d, vm, reason);
        }
    }

    // ================================================================== the job as a whole

    /** Moves the job on once its VMs allow: preflight verdict, boot-group gate, awaiting commit, the end. */
    private void reconcile(Decision d) {
        Job j = d.working();
        JobState was = j.state();
        int groupWas = j.currentGroup();
        switch (j.state()) {
            case PREFLIGHT -> {
                if (j.count(VmState.PREFLIGHT) == 0 && !j.cancelRequested()) {
                    int rejected = j.count(VmState.REJECTED);
                    if (rejected > 0) {
                        j = j.withState(JobState.REJECTED).withReason(new Reason(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT,
                                rejected + " of " + j.totalVms() + " VM(s) failed preflight; nothing was changed"));
                        d.followup(new Followup(Followup.Kind.REJECT_READY, 0, new Reason(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT,
                                "this VM passed preflight, but " + rejected + " other VM(s) of the job did not")));
                    } else {
                        j = j.withState(JobState.RUNNING);
                        d.followup(Followup.of(Followup.Kind.START_ALL));
                    }
                } else if (j.cancelRequested() && active(j) == 0) {
                    j = j.withState(JobState.CANCELLED);
                }
            }
            case RUNNING, ROLLING_BACK -> {
                if (j.state() == JobState.RUNNING) {
                    j = gate(d, j);
                }
                if (active(j) == 0) {
                    if (j.count(VmState.FAILED_BACK_AWAITING_COMMIT) > 0) {
                        j = j.withState(JobState.AWAITING_COMMIT);
                        if (j.commitPolicy() != CommitPolicyKind.MANUAL) {
                            j = j.withTimerAt(d.now() + j.commitDelaySeconds() * 1000L);
                        }
                    } else {
                        j = j.withState(finalState(j));
                    }
                }
            }
            case AWAITING_COMMIT -> {
                if (j.count(VmState.FAILED_BACK_AWAITING_COMMIT) == 0 && active(j) == 0) {
                    j = j.withState(finalState(j));
                }
            }
            case COMMITTING, REPROTECTING -> {
                // a VM still awaiting commit is about to be committed by this commit's follow-up: not the end yet
                if (j.countOf(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING, VmState.REPROTECTING) == 0) {
                    j = j.withState(finalState(j));
                } else if (j.countOf(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING) == 0) {
                    j = j.withState(JobState.REPROTECTING);
                }
            }
            default -> {
                // finished jobs don't move
            }
        }
        d.setJob(j);
        if (j.state() != was || j.currentGroup() != groupWas) {
            if (j.state() != was) {
                d.audit(AuditKind.DECISION, null, null, null, "job " + j.state(), was + " -> " + j.state());
            }
            d.jobStatus();
        }
    }

    private static Job gate(Decision d, Job job) {
        Job j = job;
        while (j.blockedAtGroup() == 0 && j.currentGroup() <= j.groupCount()) {
            int i = j.currentGroup() - 1;
            if (j.groupFailed().get(i) > 0) {
                j = j.withBlockedAtGroup(j.currentGroup());
                if (j.currentGroup() < j.groupCount()) {
                    d.followup(new Followup(Followup.Kind.ROLLBACK_GROUPS_AFTER, j.currentGroup(), dependencyFailure(j.currentGroup())));
                }
            } else if (j.groupWaiting().get(i) == 0 && j.currentGroup() < j.groupCount()) {
                j = j.withCurrentGroup(j.currentGroup() + 1);
                d.audit(AuditKind.DECISION, null, null, null, "boot group " + j.currentGroup() + " may power on",
                        "every VM of group " + (j.currentGroup() - 1) + " is on");
                d.followup(new Followup(Followup.Kind.RELEASE_GROUP, j.currentGroup(), null));
            } else {
                break;
            }
        }
        return j;
    }

    private static int active(Job j) {
        return j.countOf(VmState.PREFLIGHT, VmState.READY, VmState.FAILING_BACK, VmState.WAITING_FOR_GROUP, VmState.ROLLING_BACK);
    }

    private static JobState finalState(Job j) {
        int ok = j.countOf(VmState.COMMITTED, VmState.REPROTECTED);
        int failed = j.count(VmState.FAILED);
        if (ok == j.totalVms()) {
            return JobState.COMPLETED;
        }
        if (ok > 0) {
            return JobState.PARTIALLY_COMPLETED;
        }
        if (failed == 0) {
            return j.cancelRequested() ? JobState.CANCELLED : JobState.ROLLED_BACK;
        }
        return JobState.FAILED;
    }
}
