package io.failback.orchestrator.saga;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import io.failback.messages.AlternateLocation;
import io.failback.messages.AlternateLocationToCheck;
import io.failback.messages.FailbackRequest;
import io.failback.messages.MachineShape;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.ServerType;
import io.failback.messages.VmAlternateLocation;
import io.failback.schemas.LogSafe;

/**
 * Alternate location recovery (issue 12 item 4, ASR's ALR): a VM failed back to a new VM that the vcenter-agent
 * creates at a named place with the source's shape, the only way a physical server fails back. The rules: where a
 * location comes from (the request over the plan member), what it must hold, and the identity of the VM it
 * creates, derived from the job and VM so that a re-sent creation finds the VM it made and a rollback deletes
 * only that VM.
 */
final class AlternateLocations {

    /** Characters of one name or path in a location: vCenter's names are at most 80, paths a few of them. */
    static final int MAX_CHARS = 256;
    /** vSphere's own maxima for a VM (vSphere 8: 768 vCPUs, 24 TB). */
    static final int MAX_CPUS = 768;
    static final int MAX_MEMORY_MB = 24 * 1024 * 1024;

    private AlternateLocations() {
    }

    /** Why the request's locations are out of bounds (added to the request's refusal; nothing is stored). */
    static void bounds(FailbackRequest r, List<String> problems) {
        List<VmAlternateLocation> all = r.getAlternateLocations();
        if (all.size() > Intake.MAX_VMS_PER_JOB) {
            problems.add("alternateLocations lists " + all.size() + " VMs; a request holds at most " + Intake.MAX_VMS_PER_JOB);
            return;
        }
        Set<String> seen = new HashSet<>();
        for (VmAlternateLocation each : all) {
            if (!Intake.isName(each.getVmId())) {
                problems.add("alternateLocations: vmId must be 1 to 128 printable characters without space or '/' (got '"
                        + Intake.quote(each.getVmId()) + "')");
            } else if (!seen.add(each.getVmId())) {
                problems.add("alternateLocations: " + each.getVmId() + " is given twice");
            } else {
                String problem = problem(each.getLocation());
                if (problem != null) {
                    problems.add("alternateLocations[" + each.getVmId() + "]: " + problem);
                }
            }
            if (problems.size() >= Intake.QUOTED_ITEMS) {
                return;
            }
        }
    }

    /** Why a request's locations name VMs it doesn't fail back; empty when each is one of its VMs. */
    static List<Reason> validate(FailbackRequest r, List<RecoveryPlanMember> members) {
        Set<String> vms = new HashSet<>(r.getVmIds());
        members.forEach(m -> vms.add(m.getVmId()));
        List<String> strangers = r.getAlternateLocations().stream().map(VmAlternateLocation::getVmId)
                .filter(v -> !vms.contains(v)).toList();
        return strangers.isEmpty() ? List.of() : List.of(new Reason(ReasonCode.INVALID_FIELD,
                "alternateLocations names VMs the request doesn't fail back: " + Intake.list(strangers)));
    }

    /**
     * Each VM's location: the request's, else its plan member's (the first named, as written); a VM absent fails back to
     * its original VM. Indexed once per request, as a plan of 10,000 VMs looked up one by one would read 10^8 names.
     */
    static Map<String, AlternateLocation> index(FailbackRequest r, List<RecoveryPlanMember> members) {
        Map<String, AlternateLocation> index = new HashMap<>();
        for (VmAlternateLocation each : r.getAlternateLocations()) {
            if (!index.containsKey(each.getVmId())) {
                index.put(each.getVmId(), each.getLocation());
            }
        }
        for (RecoveryPlanMember m : members) {
            if (!index.containsKey(m.getVmId())) {
                index.put(m.getVmId(), m.getAlternateLocation());
            }
        }
        return index;
    }

    /** The preflight reasons of a VM's location, before anything is asked of vCenter. */
    static List<Reason> reasons(String vmId, ProtectedItem item, AlternateLocation location) {
        if (location == null) {
            return item.getServerType() == ServerType.PHYSICAL_SERVER
                    ? List.of(new Reason(ReasonCode.ALTERNATE_LOCATION_REQUIRED, vmId + " is a physical server: it fails back only "
                    + "to a new VM; name where to create it (datacenter, cluster or host, datastore, VM name) in the request or "
                    + "its plan member"))
                    : List.of();
        }
        List<Reason> reasons = new ArrayList<>();
        String problem = problem(location);
        if (problem != null) { // from a plan member: the request's were checked at intake
            reasons.add(new Reason(ReasonCode.ALTERNATE_LOCATION_INVALID, vmId + ": " + problem));
        } else if (location.getVCenter() != null && !location.getVCenter().equals(item.getVCenter())) {
            reasons.add(new Reason(ReasonCode.ALTERNATE_LOCATION_INVALID, vmId + ": the replica disks are on master target "
                    + item.getMasterTarget() + " in vCenter " + item.getVCenter() + "; the new VM must be created in that vCenter, not "
                    + Intake.quote(location.getVCenter())));
        }
        MachineShape shape = item.getShape();
        if (shape == null) {
            reasons.add(new Reason(ReasonCode.SOURCE_SHAPE_UNKNOWN, vmId + ": the inventory doesn't give the source's CPUs, "
                    + "memory, firmware and guest id, so no VM can be created for it"));
        } else if (shape.getNumCpus() < 1 || shape.getNumCpus() > MAX_CPUS || shape.getMemoryMb() < 4
                || shape.getMemoryMb() > MAX_MEMORY_MB || !plain(shape.getGuestId(), 64)) {
            reasons.add(new Reason(ReasonCode.SOURCE_SHAPE_UNKNOWN, vmId + ": the inventory's shape of the source is out of "
                    + "bounds (" + shape.getNumCpus() + " CPUs, " + shape.getMemoryMb() + " MB, guest id '"
                    + Intake.quote(shape.getGuestId()) + "')"));
        }
        return reasons;
    }

    /** The target of a VM failed back to {@code location}: the VM to create there, named and identified. */
    static Target target(String jobId, String vmId, ProtectedItem item, AlternateLocation location, String processServer) {
        AlternateLocation in = AlternateLocation.newBuilder(location).setVCenter(item.getVCenter()).build();
        return new Target(item.getVCenter(), item.getMasterTarget(), location.getVmName(), List.copyOf(item.getReplicaDisks()),
                item.getAzureVmId(), item.getAzureResourceGroup(), item.getOsType() == io.failback.messages.OsType.WINDOWS,
                processServer, instanceUuid(jobId, vmId), item.getDiskLayout(), in, item.getShape(),
                item.getServerType() == ServerType.PHYSICAL_SERVER);
    }

    /**
     * The instance UUID the new VM is created with: the same for every command of this job and VM, so a re-sent
     * creation finds the VM the first one made.
     */
    static String instanceUuid(String jobId, String vmId) {
        return UUID.nameUUIDFromBytes(("failback/" + jobId + "/" + vmId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The mark the new VM carries: only a VM with it is ever deleted by a rollback. */
    static String createdFor(VmJob vm) {
        return vm.jobId() + "/" + vm.vmId();
    }

    /** What the preflight asks of vCenter about the location; null for a failback to the original VM. */
    static AlternateLocationToCheck question(VmJob vm) {
        return vm.target().alternate() ? new AlternateLocationToCheck(vm.target().alternateLocation(), createdFor(vm)) : null;
    }

    /** The preflight reasons from vCenter's answer about the location. */
    static List<Reason> inspected(String vmId, Target target, List<String> problems) {
        return problems.isEmpty() ? List.of() : List.of(new Reason(ReasonCode.ALTERNATE_LOCATION_INVALID, vmId
                + ": can't create " + target.onPremisesVm() + " at the alternate location: " + String.join("; ", problems)));
    }

    /** Audits the VM a creation made or found, where it is and under which instance UUID. */
    static void auditCreated(Decision d, VmJob vm, Reply r, io.failback.messages.Step step) {
        if (step == io.failback.messages.Step.CREATE_ON_PREMISES_VM && r.ok()
                && r.outcome() instanceof io.failback.messages.VmCreated created) {
            AlternateLocation l = vm.target().alternateLocation();
            d.audit(io.failback.messages.AuditKind.DECISION, vm.vmId(), r.commandId(), null,
                    created.getAlreadyExisted() ? "created VM found" : "VM created",
                    created.getName() + " (instance UUID " + created.getInstanceUuid() + ") in " + l.getDatacenter() + "/"
                            + (l.getCluster() != null ? l.getCluster() : l.getHost()) + " on " + l.getDatastore()
                            + (created.getAlreadyExisted() ? ", made by an earlier attempt of this failback" : ""));
        }
    }

    /** What is wrong with a location's fields; null when it is well formed. */
    static String problem(AlternateLocation l) {
        if (l.getCluster() == null && l.getHost() == null) {
            return "name a cluster, a host or both";
        }
        for (String field : new String[] {l.getDatacenter(), l.getDatastore(), l.getVmName()}) {
            if (field == null || field.isBlank()) {
                return "datacenter, datastore and vmName must be given";
            }
        }
        List<String> all = java.util.Arrays.asList(l.getVCenter(), l.getDatacenter(), l.getCluster(), l.getHost(),
                l.getResourcePool(), l.getDatastore(), l.getFolder(), l.getNetwork(), l.getVmName());
        return all.stream().filter(Objects::nonNull).filter(v -> !plain(v, MAX_CHARS)).findFirst()
                .map(v -> "each name must be 1 to " + MAX_CHARS + " characters without control characters (got '"
                        + Intake.quote(v) + "')")
                .orElse(null);
    }

    private static boolean plain(String value, int max) {
        return value != null && !value.isEmpty() && value.length() <= max && LogSafe.isPlain(value);
    }
}
