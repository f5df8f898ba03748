package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ConfigServerState;
import io.failback.messages.Consistency;
import io.failback.messages.FailbackRequest;
import io.failback.messages.OsType;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ProtectionState;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ReplicationDirection;
import io.failback.messages.ReplicationHealth;
import io.failback.messages.ReprotectOptions;
import io.failback.messages.ServerType;
import io.failback.messages.TargetHypervisor;

/** Test data mother: an inventory of protected VMs, plans, heartbeats and recovery points, read as the saga reads one. */
public final class Estate implements Inventory {

    public static final long T0 = 1_790_000_000_000L;

    public final Map<String, ProtectedItem> items = new LinkedHashMap<>();
    public final Map<String, RecoveryPlan> plans = new HashMap<>();
    public final Map<String, List<RecoveryPlanMember>> members = new HashMap<>();
    public final Map<String, ConfigServerHeartbeat> heartbeats = new HashMap<>();
    public final Map<String, List<RecoveryPoint>> points = new HashMap<>();

    public Estate() {
        heartbeats.put("cs-01", new ConfigServerHeartbeat("cs-01", ConfigServerState.RUNNING, true, Instant.ofEpochMilli(T0)));
    }

    /** A healthy, reprotected Linux VM with one crash- and one app-consistent point. */
    public Estate vm(String vmId) {
        return vm(vmId, b -> { });
    }

    public Estate vm(String vmId, Consumer<ProtectedItem.Builder> changes) {
        ProtectedItem.Builder b = ProtectedItem.newBuilder().setVmId(vmId).setVmName(vmId)
                .setProtectionState(ProtectionState.PROTECTED).setReplicationDirection(ReplicationDirection.AZURE_TO_ON_PREMISES)
                .setReplicationHealth(ReplicationHealth.OK)
                .setAzureVmId("/subscriptions/sub/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/" + vmId)
                .setAzureResourceGroup("rg-dr").setServerType(ServerType.VMWARE_VM).setOsType(OsType.LINUX)
                .setOsVersion("Ubuntu 22.04").setTargetHypervisor(TargetHypervisor.VMWARE_VCENTER).setVCenter("vc-east")
                .setMasterTarget("mt-01").setOnPremisesVm(vmId + "-onprem")
                .setReplicaDisks(List.of("[ds1] mt-01/" + vmId + "_0.vmdk", "[ds1] mt-01/" + vmId + "_1.vmdk"))
                .setConfigurationServer("cs-01").setProcessServer("ps-01");
        changes.accept(b);
        items.put(vmId, b.build());
        point(vmId, "crash-" + vmId, T0 - 10_000, Consistency.CRASH_CONSISTENT, null);
        point(vmId, "app-" + vmId, T0 - 600_000, Consistency.APP_CONSISTENT, null);
        return this;
    }

    public Estate windows(String vmId) {
        return vm(vmId, b -> b.setOsType(OsType.WINDOWS).setOsVersion("Windows Server 2019"));
    }

    public Estate noPoints(String vmId) {
        points.remove(vmId);
        return this;
    }

    public Estate point(String vmId, String pointId, long time, Consistency consistency, String consistencyId) {
        points.computeIfAbsent(vmId, v -> new ArrayList<>())
                .add(new RecoveryPoint(vmId, pointId, Instant.ofEpochMilli(time), consistency, consistencyId));
        return this;
    }

    /** A plan whose groups are given in boot order; every VM is added to the inventory if missing. */
    public Estate plan(String planId, List<List<String>> groups) {
        List<RecoveryPlanMember> list = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (String vm : groups.get(g)) {
                list.add(new RecoveryPlanMember(planId, vm, g + 1, null));
                if (!items.containsKey(vm)) {
                    vm(vm);
                }
            }
        }
        plans.put(planId, new RecoveryPlan(planId, planId, groups.size(), list.size()));
        members.put(planId, list);
        return this;
    }

    /** How many VMs' items and recovery points were read, and how many plan members: what a request cost. */
    public int itemsRead;
    public int pointListsRead;
    public int membersRead;

    @Override
    public ProtectedItem item(String vmId) {
        itemsRead++;
        return items.get(vmId);
    }

    @Override
    public RecoveryPlan plan(String planId) {
        return plans.get(planId);
    }

    @Override
    public List<RecoveryPlanMember> members(String planId, int limit) {
        List<RecoveryPlanMember> all = members.getOrDefault(planId, List.of());
        List<RecoveryPlanMember> read = all.subList(0, Math.min(limit, all.size()));
        membersRead += read.size();
        return read;
    }

    @Override
    public ConfigServerHeartbeat heartbeat(String configurationServer) {
        return heartbeats.get(configurationServer);
    }

    @Override
    public List<RecoveryPoint> recoveryPoints(String vmId) {
        pointListsRead++;
        return points.getOrDefault(vmId, List.of());
    }

    public static FailbackRequest.Builder request(String id, String... vmIds) {
        return FailbackRequest.newBuilder().setRequestId(id).setRequestedBy("ops@example.org")
                .setRequestedAt(Instant.ofEpochMilli(T0)).setVmIds(List.of(vmIds));
    }

    public static FailbackRequest.Builder planRequest(String id, String planId) {
        return FailbackRequest.newBuilder().setRequestId(id).setRequestedBy("ops@example.org")
                .setRequestedAt(Instant.ofEpochMilli(T0)).setPlanId(planId);
    }

    public static CommitPolicy policy(CommitPolicyKind kind, int seconds) {
        return new CommitPolicy(kind, seconds);
    }

    public static ReprotectOptions reprotect(String processServer) {
        return new ReprotectOptions(processServer);
    }

    public static RecoveryPointKind appConsistent() {
        return RecoveryPointKind.LATEST_APP_CONSISTENT;
    }

    // ------------------------------------------------------------------ issue 12, points

    /** The engine's retention pruned {@code pointId} of {@code vmId}: a tombstone reached the inventory. */
    public Estate expire(String vmId, String pointId) {
        points.getOrDefault(vmId, new ArrayList<>()).removeIf(p -> p.getPointId().equals(pointId));
        return this;
    }

    // ------------------------------------------------------------------ issue 12 items 3 and 5 (onprem)

    /** The on-premises VM's instance UUID the inventory gives for {@code vmId}. */
    public static String instanceUuid(String vmId) {
        return java.util.UUID.nameUUIDFromBytes(vmId.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The VM's protected item with its on-premises instance UUID and its disks' original layout: boot disk SCSI 0:0, the next 0:1. */
    public Estate onPremisesKnown(String vmId) {
        ProtectedItem item = items.get(vmId);
        List<io.failback.messages.DiskPlacement> layout = new ArrayList<>();
        for (int unit = 0; unit < item.getReplicaDisks().size(); unit++) {
            layout.add(new io.failback.messages.DiskPlacement(item.getReplicaDisks().get(unit), io.failback.messages.DiskControllerType.SCSI, 0, unit));
        }
        items.put(vmId, ProtectedItem.newBuilder(item).setOnPremisesInstanceUuid(instanceUuid(vmId)).setDiskLayout(layout).build());
        return this;
    }

    // ------------------------------------------------------------------ issue 12 item 4 (alr)

    /** The source machine's shape the inventory gives every item made by {@link #located}. */
    public static final io.failback.messages.MachineShape SHAPE =
            new io.failback.messages.MachineShape(4, 8192, io.failback.messages.Firmware.EFI, "rhel8_64Guest");

    /** A place to create a VM named {@code vmName}, in the item's vCenter. */
    public static io.failback.messages.AlternateLocation location(String vmName) {
        return io.failback.messages.AlternateLocation.newBuilder().setDatacenter("DC0").setCluster("DC0_C0")
                .setDatastore("LocalDS_0").setFolder("Recovered").setNetwork("VM Network").setVmName(vmName).build();
    }

    /** The VM's protected item with its source's shape (needed to create a VM for it) and its disks' layout. */
    public Estate located(String vmId) {
        if (!items.containsKey(vmId)) {
            vm(vmId);
        }
        onPremisesKnown(vmId);
        items.put(vmId, ProtectedItem.newBuilder(items.get(vmId)).setShape(SHAPE).build());
        return this;
    }

    /** A physical server (RHEL 8), its shape known. */
    public Estate physical(String vmId) {
        vm(vmId, b -> b.setServerType(io.failback.messages.ServerType.PHYSICAL_SERVER).setOsVersion("Red Hat Enterprise Linux 8.6"));
        return located(vmId);
    }

    /** Every member of the plan listed with the location of {@code locations} by VM, if any. */
    public Estate locatedInPlan(String planId, Map<String, io.failback.messages.AlternateLocation> locations) {
        members.put(planId, members.get(planId).stream().map(m -> RecoveryPlanMember.newBuilder(m)
                .setAlternateLocation(locations.get(m.getVmId())).build()).toList());
        return this;
    }
}
