package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.AzureVmState;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ConfigServerState;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ProtectionState;
import io.failback.messages.ReasonCode;
import io.failback.messages.ReplicationDirection;
import io.failback.messages.ReplicationHealth;
import io.failback.messages.ServerType;
import io.failback.messages.TargetHypervisor;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;

/**
 * The nine preflight rules of the failback procedure (DESIGN.md section 3). Rules 1 to 5 and 7 are
 * read from the inventory; 3 is completed by the azure-agent's view of the VM, 6 and 8 by the
 * vcenter-agent's, 9 by {@link RecoveryPointChooser}. Each broken rule is one named reason.
 */
public final class Preflight {

    private Preflight() {
    }

    /** Rules 1, 2, 3 (inventory part), 4, 5 and 7. */
    public static List<Reason> inventoryReasons(String vmId, ProtectedItem item, ConfigServerHeartbeat heartbeat,
                                                long now, SagaSettings settings) {
        List<Reason> reasons = new ArrayList<>();
        if (item == null) {
            reasons.add(new Reason(ReasonCode.NOT_IN_INVENTORY,
                    vmId + " is not in the configuration server database"));
            return reasons;
        }
        String outOfBounds = Intake.outOfBounds(item);
        if (outOfBounds != null) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "the inventory's record of " + vmId + " is out of bounds: " + outOfBounds));
            return reasons;
        }
        if (item.getProtectionState() == ProtectionState.REPROTECTING) {
            reasons.add(new Reason(ReasonCode.REPROTECT_NOT_COMPLETED, vmId + " is still being reprotected"));
        } else if (item.getProtectionState() != ProtectionState.PROTECTED) {
            reasons.add(new Reason(ReasonCode.NOT_PROTECTED, vmId + " is " + item.getProtectionState()
                    + "; it must be protected to fail back"));
        }
        if (item.getReplicationDirection() != ReplicationDirection.AZURE_TO_ON_PREMISES) {
            reasons.add(new Reason(ReasonCode.REPROTECT_NOT_COMPLETED, vmId + " replicates "
                    + item.getReplicationDirection() + "; reprotect it from Azure to on-premises first"));
        }
        if (item.getReplicationHealth() != ReplicationHealth.OK) {
            reasons.add(new Reason(ReasonCode.REPLICATION_UNHEALTHY, vmId + " replication health is "
                    + item.getReplicationHealth()));
        }
        if (item.getMigrationCompleted()) {
            reasons.add(new Reason(ReasonCode.MIGRATION_COMPLETED, vmId + " was migrated; a migrated VM can't fail back"));
        }
        if (item.getServerType() == ServerType.PHYSICAL_SERVER && isWindows2008R2(item.getOsVersion())) {
            reasons.add(new Reason(ReasonCode.UNSUPPORTED_PHYSICAL_OS, vmId
                    + " is a physical server running " + item.getOsVersion() + ", which can't fail back"));
        }
        if (item.getTargetHypervisor() != TargetHypervisor.VMWARE_VCENTER) {
            reasons.add(new Reason(ReasonCode.HYPER_V_TARGET, vmId
                    + " targets " + item.getTargetHypervisor() + "; a failed-over VMware VM fails back to vCenter only"));
        }
        String cs = item.getConfigurationServer();
        if (heartbeat == null) {
            reasons.add(new Reason(ReasonCode.CONFIG_SERVER_NOT_CONNECTED,
                    "configuration server " + cs + " has sent no heartbeat"));
        } else if (heartbeat.getState() != ConfigServerState.RUNNING || !heartbeat.getConnected()) {
            reasons.add(new Reason(ReasonCode.CONFIG_SERVER_NOT_CONNECTED, "configuration server " + cs + " is "
                    + heartbeat.getState() + (heartbeat.getConnected() ? "" : " and not connected")));
        } else if (now - heartbeat.getAt().toEpochMilli() > settings.heartbeatMaxAge().toMillis()) {
            reasons.add(new Reason(ReasonCode.CONFIG_SERVER_NOT_CONNECTED, "configuration server " + cs
                    + " last heartbeat is " + (now - heartbeat.getAt().toEpochMilli()) / 1000 + " s old"));
        }
        return reasons;
    }

    static boolean isWindows2008R2(String osVersion) {
        return osVersion != null && osVersion.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").contains("2008 r2");
    }

    /** Rule 3, the Azure part: the VM still exists, in the resource group it was failed over into. */
    public static List<Reason> azureReasons(String vmId, Target target, AzureResult result) {
        AzureVmState vm = result.getOutcome();
        if (result.getCode() == AzureResultCode.NOT_FOUND || (result.getCode() == AzureResultCode.OK && vm != null && !vm.getExists())) {
            return List.of(new Reason(ReasonCode.AZURE_VM_DELETED, vmId + ": Azure VM " + target.azureVmId() + " no longer exists"));
        }
        if (result.getCode() != AzureResultCode.OK || vm == null) {
            return List.of(new Reason(ReasonCode.STEP_FAILED, vmId + ": Azure VM check failed: " + result.getCode()
                    + " " + result.getArmCode() + " " + result.getMessage()));
        }
        if (!vm.getResourceGroup().equalsIgnoreCase(target.azureResourceGroup())) {
            return List.of(new Reason(ReasonCode.AZURE_VM_MOVED, vmId + ": Azure VM was moved from resource group "
                    + target.azureResourceGroup() + " to " + vm.getResourceGroup()));
        }
        return List.of();
    }

    /** Rules 6 and 8: vCenter reachable, master target present, without snapshots, holding the replica disks. */
    public static List<Reason> vcenterReasons(String vmId, Target target, VcenterResult result) {
        VcenterResultCode code = result.getCode();
        switch (code) {
            case NOT_CONNECTED, TIMEOUT, AUTHENTICATION_FAILED, UNKNOWN_VCENTER -> {
                return List.of(new Reason(ReasonCode.VCENTER_NOT_CONNECTED, "vCenter " + target.vCenter()
                        + " is not usable (" + code + "): " + result.getMessage()));
            }
            case NOT_FOUND -> {
                return List.of(new Reason(ReasonCode.MASTER_TARGET_NOT_FOUND, "master target " + target.masterTarget()
                        + " not found in vCenter " + target.vCenter()));
            }
            case OK -> {
                // checked below
            }
            default -> {
                return List.of(new Reason(ReasonCode.STEP_FAILED, vmId + ": master target check failed: " + code
                        + " " + result.getMessage()));
            }
        }
        if (!(result.getOutcome() instanceof MasterTargetInspected mt)) {
            return List.of(new Reason(ReasonCode.STEP_FAILED, vmId + ": master target check answered without an inspection"));
        }
        List<Reason> reasons = new ArrayList<>();
        if (!mt.getExists()) {
            reasons.add(new Reason(ReasonCode.MASTER_TARGET_NOT_FOUND, "master target " + target.masterTarget()
                    + " not found in vCenter " + target.vCenter()));
            reasons.addAll(OnPremisesChecks.onPremisesVmReasons(vmId, target, mt));
            return reasons;
        }
        if (mt.getSnapshotCount() > 0) {
            reasons.add(new Reason(ReasonCode.MASTER_TARGET_HAS_SNAPSHOTS, "master target " + target.masterTarget()
                    + " has " + mt.getSnapshotCount() + " snapshot(s); remove them before failback"));
        }
        List<String> missing = target.replicaDisks().stream().filter(d -> !mt.getAttachedReplicaDisks().contains(d)).toList();
        if (!missing.isEmpty()) {
            reasons.add(new Reason(ReasonCode.REPLICA_DISKS_NOT_ON_MASTER_TARGET, vmId + ": replica disk(s) " + missing
                    + " are not attached to master target " + target.masterTarget()));
        }
        reasons.addAll(OnPremisesChecks.reasons(vmId, target, mt));
        return reasons;
    }
}
