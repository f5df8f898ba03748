package io.failback.orchestrator.saga;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.failback.messages.AlternateLocation;
import io.failback.messages.AuditKind;
import io.failback.messages.ClaimAction;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.OsType;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ReasonCode;
import io.failback.messages.ServerType;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;

/**
 * Intake of failback requests: a request becomes a job (validated against the inventory, its VMs grouped,
 * their recovery points chosen, their preflight checks sent), or is told apart as a repeat or a conflict,
 * or is refused before it becomes a job at all.
 */
final class Requests {

    /** What the inventory says about a request's VMs. */
    record RequestFacts(Map<String, ProtectedItem> items, RecoveryPlan plan, List<RecoveryPlanMember> members,
                        Map<String, ConfigServerHeartbeat> heartbeats, Map<String, List<RecoveryPoint>> points) {
    }

    private final SagaSettings settings;
    private final VmSaga vms;
    private final int vmsPerCall;

    Requests(SagaSettings settings, VmSaga vms, int vmsPerCall) {
        this.settings = settings;
        this.vms = vms;
        this.vmsPerCall = vmsPerCall;
    }

    /**
     * Everything the inventory knows about the VMs a request names, directly or through its plan. A plan that can't
     * become a job ({@link Intake#validate}: unknown, larger than a job, or its members not what its record says) is
     * refused on what was read of it, without reading a member more or any of its VMs. Before, every member the
     * inventory held was read, and each one's VM and recovery points, and only then was the plan refused: a request's
     * one call and transaction grew with whatever a producer had written for the plan, not with what a job can hold.
     */
    static RequestFacts factsFor(FailbackRequest request, Inventory inventory) {
        RecoveryPlan plan = null;
        List<RecoveryPlanMember> members = new ArrayList<>();
        Set<String> vmIds = new LinkedHashSet<>(request.getVmIds());
        if (request.getPlanId() != null) {
            plan = inventory.plan(request.getPlanId());
            if (plan == null || plan.getMemberCount() > Intake.MAX_VMS_PER_JOB) {
                return new RequestFacts(Map.of(), plan, List.of(), Map.of(), Map.of());
            }
            members.addAll(inventory.members(request.getPlanId(), Intake.MAX_VMS_PER_JOB + 1));
            if (members.size() != plan.getMemberCount()) {
                return new RequestFacts(Map.of(), plan, members, Map.of(), Map.of());
            }
            members.forEach(m -> vmIds.add(m.getVmId()));
        }
        Map<String, ProtectedItem> items = new HashMap<>();
        Map<String, ConfigServerHeartbeat> heartbeats = new HashMap<>();
        Map<String, List<RecoveryPoint>> points = new HashMap<>();
        Set<String> serversRead = new HashSet<>(); // a plan's VMs share a few configuration servers: each read once
        for (String vmId : vmIds) {
            ProtectedItem item = inventory.item(vmId);
            if (item == null) {
                continue;
            }
            items.put(vmId, item);
            if (serversRead.add(item.getConfigurationServer())) {
                ConfigServerHeartbeat heartbeat = inventory.heartbeat(item.getConfigurationServer());
                if (heartbeat != null) {
                    heartbeats.put(item.getConfigurationServer(), heartbeat);
                }
            }
            points.put(vmId, List.copyOf(inventory.recoveryPoints(vmId)));
        }
        return new RequestFacts(items, plan, members, heartbeats, points);
    }

    /** The VMs a request lists, or for a long list its size and digest: a summary stays small whatever the request. */
    private static String vmList(List<String> vmIds) {
        if (vmIds.size() <= Intake.QUOTED_ITEMS) {
            return vmIds.toString();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            vmIds.forEach(v -> sha.update((v + "\n").getBytes(StandardCharsets.UTF_8)));
            return "[" + vmIds.size() + " VMs, sha-256 " + HexFormat.of().formatHex(sha.digest(), 0, 8) + "]";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A summary of what a request asks, to tell a repeat (same) from a conflict (same id, other content). */
    static String summaryOf(FailbackRequest r) {
        return "vms=" + vmList(r.getVmIds()) + " plan=" + r.getPlanId() + " point=" + r.getRecoveryPoint() + " commit="
                + r.getCommitPolicy().getKind() + "/" + r.getCommitPolicy().getDelaySeconds() + " reprotect="
                + (r.getReprotect() == null ? "-" : r.getReprotect().getProcessServer());
    }

    /** A request refused before it became a job: status and audit only, nothing stored. */
    Decision onUnroutableRequest(FailbackRequest request, Reason reason, long now) {
        Job job = Job.requested(Intake.safeId(request.getRequestId()), Intake.quote(request.getRequestedBy()),
                request.getPlanId() == null ? null : Intake.quote(request.getPlanId()), null, request.getRecoveryPoint(),
                request.getCommitPolicy().getKind(), 0, null, 0).withState(JobState.REJECTED).withReason(reason);
        Decision d = new Decision(null, now);
        d.setJob(job);
        d.audit(AuditKind.REFUSAL, null, null, job.requestedBy(), "request refused", reason.code() + ": " + reason.message());
        d.jobStatus();
        return d;
    }

    /** A request whose id is already a job: the same job, never a second one. */
    Decision onRepeatedRequest(Job job, FailbackRequest request, long now) {
        Decision d = new Decision(job, now);
        if (summaryOf(request).equals(job.requestSummary())) {
            // a client's resend and a replay look alike: either way it is the same job, and the status says so by name
            Reason replayed = new Reason(ReasonCode.REPLAYED, "request " + request.getRequestId() + " is job " + job.jobId()
                    + ", now " + job.state() + "; this repeat changes nothing");
            d.audit(AuditKind.REQUEST, null, null, request.getRequestedBy(), "repeated request ignored",
                    replayed.code() + ": " + replayed.message());
            JobSaga.publishRefusal(d, replayed);
            return d;
        }
        d.audit(AuditKind.REFUSAL, null, null, request.getRequestedBy(), "conflicting request refused",
                ReasonCode.INVALID_FIELD + ": request id " + request.getRequestId()
                        + " is already job " + job.jobId() + " with other content (" + job.requestSummary() + ")");
        d.jobStatus();
        return d;
    }

    /** A new request: validated, then every VM enters preflight (claim, inventory rules, agent checks). */
    Decision onRequest(FailbackRequest request, RequestFacts facts, long now) {
        Job job = Job.requested(Orchestrator.jobIdOf(request), request.getRequestedBy(), request.getPlanId(), summaryOf(request),
                request.getRecoveryPoint(), request.getCommitPolicy().getKind(), request.getCommitPolicy().getDelaySeconds(),
                request.getReprotect() == null ? null : request.getReprotect().getProcessServer(), now);
        Decision d = new Decision(null, now);
        d.setJob(job);
        d.audit(AuditKind.REQUEST, null, null, request.getRequestedBy(), "request received", job.requestSummary());

        List<Reason> refusals = Intake.validate(request, facts);
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
        List<Integer> waiting = new ArrayList<>(Collections.nCopies(groupCount, 0));
        groupOf.values().forEach(g -> waiting.set(g - 1, waiting.get(g - 1) + 1));
        job = job.withGroupWaiting(waiting).withGroupFailed(Collections.nCopies(groupCount, 0));
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
        // a plan larger than one call's slice is stored whole now and starts its preflight slice by slice
        boolean sliced = vmIds.size() > vmsPerCall;
        Map<String, AlternateLocation> locations = AlternateLocations.index(request, facts.members());
        for (String vmId : vmIds) {
            ProtectedItem item = facts.items().get(vmId);
            VmJob vm = VmJob.start(job.jobId(), vmId, groupOf.get(vmId)).withReasonsAdded(Preflight.inventoryReasons(vmId, item,
                    item == null ? null : facts.heartbeats().get(item.getConfigurationServer()), now, settings));
            RecoveryPointChooser.Choice choice = choices.get(vmId);
            if (item != null && Intake.outOfBounds(item) == null) {
                String processServer = job.reprotectProcessServer() != null ? job.reprotectProcessServer() : item.getProcessServer();
                AlternateLocation location = locations.get(vmId);
                vm = vm.withReasonsAdded(AlternateLocations.reasons(vmId, item, location));
                vm = vm.withTarget(location != null
                        ? AlternateLocations.target(job.jobId(), vmId, item, location, processServer)
                        : new Target(item.getVCenter(), item.getMasterTarget(), item.getOnPremisesVm(),
                        List.copyOf(item.getReplicaDisks()), item.getAzureVmId(), item.getAzureResourceGroup(),
                        item.getOsType() == OsType.WINDOWS, processServer, item.getOnPremisesInstanceUuid(), item.getDiskLayout()));
                if (item.getServerType() == ServerType.PHYSICAL_SERVER) {
                    vm = vm.withTarget(vm.target().asPhysical());
                }
                if (choice.point() != null) {
                    vm = vm.withPoint(choice.point());
                } else if (choice.reason() != null) { // AFTER_SHUTDOWN chooses its point only after the shutdown
                    vm = vm.withReason(choice.reason());
                }
                vm = sliced ? vm : vms.startPreflight(d, vm);
            }
            if (sliced) {
                d.setJob(d.working().counting(null, vm)); // counted now, announced when its preflight starts
                d.put(vm);
            } else {
                d.claim(vmId, ClaimAction.CLAIM);
                VmOutput.store(d, vm);
            }
        }
        if (sliced) {
            // boot group by boot group, as a plan that fits one call (its VMs in group order) and as the start after the
            // preflight: each gate then serves the VMs first come, first served, whatever order their ids are stored in
            // (one pass per group a VM is in: each VM is claimed once)
            for (int group : new TreeSet<>(groupOf.values())) {
                d.followup(new Followup(Followup.Kind.START_PREFLIGHT, group, null));
            }
        }
        return d;
    }
}
