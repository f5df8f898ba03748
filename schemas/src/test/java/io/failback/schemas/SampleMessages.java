package io.failback.schemas;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.*;
import org.apache.avro.specific.SpecificRecord;

/** Test data: one realistic value of every topic value type, and one per branch of every union. */
final class SampleMessages {

    static final java.time.Instant T = java.time.Instant.ofEpochMilli(1_790_000_000_000L);

    private SampleMessages() {
    }

    static FailbackRequest planRequest() {
        return FailbackRequest.newBuilder().setRequestId("req-1").setRequestedBy("ops@example.org").setRequestedAt(T)
                .setPlanId("plan-erp").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT)
                .setCommitPolicy(new CommitPolicy(CommitPolicyKind.AUTO_ROLLBACK, 600))
                .setReprotect(new ReprotectOptions("ps-01")).build();
    }

    static FailbackRequest vmRequest() {
        return FailbackRequest.newBuilder().setRequestId("req-2").setRequestedBy("ops").setRequestedAt(T)
                .setVmIds(List.of("vm-web01", "vm-db01")).build();
    }

    static ProtectedItem item() {
        return ProtectedItem.newBuilder().setVmId("vm-web01").setVmName("web01")
                .setProtectionState(ProtectionState.PROTECTED).setReplicationDirection(ReplicationDirection.AZURE_TO_ON_PREMISES)
                .setReplicationHealth(ReplicationHealth.OK)
                .setAzureVmId("/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/web01")
                .setAzureResourceGroup("rg-dr").setServerType(ServerType.VMWARE_VM).setOsType(OsType.WINDOWS)
                .setOsVersion("Windows Server 2019").setTargetHypervisor(TargetHypervisor.VMWARE_VCENTER)
                .setVCenter("vc-east").setMasterTarget("mt-win-01").setOnPremisesVm("web01")
                .setReplicaDisks(List.of("[datastore1] mt-win-01/web01_0.vmdk")).setReplicationGroup("rg-erp")
                .setProcessServer("ps-01").setConfigurationServer("cs-01").build();
    }

    static List<InventoryRecord> inventory() {
        return List.of(new InventoryRecord(item()), new InventoryRecord(new RecoveryPlan("plan-erp", "ERP", 3, 24)),
                new InventoryRecord(new RecoveryPlanMember("plan-erp", "vm-web01", 2)),
                new InventoryRecord(new ConfigServerHeartbeat("cs-01", ConfigServerState.RUNNING, true, T)),
                new InventoryRecord(new AgentRegistration("vm-web01", true, T)));
    }

    static List<VcenterCommand> vcenterCommands() {
        List<Object> ops = List.of(new CheckConnection("vc-east"),
                new InspectMasterTarget("vc-east", "mt-win-01", List.of("[datastore1] mt-win-01/web01_0.vmdk")),
                new PowerOffVm("vc-east", "web01"), new PowerOnVm("vc-east", "web01"),
                new DetachDisks("vc-east", "mt-win-01", List.of("[datastore1] mt-win-01/web01_0.vmdk")),
                new AttachDisks("vc-east", "web01", List.of("[datastore1] mt-win-01/web01_0.vmdk")),
                new EnableVmwareTools("vc-east", "web01"));
        List<VcenterCommand> out = new ArrayList<>();
        for (Object op : ops) {
            out.add(new VcenterCommand("cmd-" + out.size(), "job-1", "vm-web01", T, op));
        }
        return out;
    }

    static List<VcenterResult> vcenterResults() {
        List<Object> outcomes = new ArrayList<>(List.of(new ConnectionChecked(true, "6.0.0"),
                new MasterTargetInspected(true, 0, List.of("[datastore1] mt-win-01/web01_0.vmdk")),
                new VmPowerState(PowerState.POWERED_ON), new DisksChanged(List.of("[datastore1] a.vmdk")),
                new ToolsEnabled("tools.upgrade.policy")));
        outcomes.add(null);
        List<VcenterResult> out = new ArrayList<>();
        for (Object outcome : outcomes) {
            out.add(VcenterResult.newBuilder().setCommandId("cmd-1").setJobId("job-1").setVmId("vm-web01")
                    .setCode(outcome == null ? VcenterResultCode.DISK_ATTACHED_ELSEWHERE : VcenterResultCode.OK)
                    .setMessage(outcome == null ? "disk is attached to vm-other" : "")
                    .setCompletedAt(T).setOutcome(outcome).build());
        }
        return out;
    }

    static List<AzureCommand> azureCommands() {
        String id = item().getAzureVmId();
        List<Object> ops = List.of(new ReadAzureVm(id), new ShutdownAzureVm(id), new StartAzureVm(id),
                new DeleteAzureVm(id, true, false, List.of(id + "-osdisk", id + "-datadisk-0"), List.of(id + "-nic")));
        List<AzureCommand> out = new ArrayList<>();
        for (Object op : ops) {
            out.add(new AzureCommand("cmd-a" + out.size(), "job-1", "vm-web01", T, op));
        }
        return out;
    }

    static List<AzureResult> azureResults() {
        return List.of(
                AzureResult.newBuilder().setCommandId("cmd-a0").setJobId("job-1").setVmId("vm-web01")
                        .setCode(AzureResultCode.OK).setCompletedAt(T)
                        .setOutcome(new AzureVmState(true, "rg-dr", AzurePowerState.DEALLOCATED,
                                List.of("/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Compute/disks/web01_OsDisk_1"),
                                List.of("/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Network/networkInterfaces/web01-nic"))).build(),
                AzureResult.newBuilder().setCommandId("cmd-a1").setJobId("job-1").setVmId("vm-web01")
                        .setCode(AzureResultCode.THROTTLED).setArmCode("TooManyRequests")
                        .setMessage("retry after 10s").setCompletedAt(T).build());
    }

    static StatusEvent jobStatus() {
        return StatusEvent.newBuilder().setJobId("job-1").setAt(T).setJob(JobStatus.newBuilder()
                .setState(JobState.REJECTED).setRequestId("req-1").setRequestedBy("ops").setPlanId("plan-erp")
                .setRecoveryPoint(RecoveryPointKind.LATEST).setCommitPolicy(CommitPolicyKind.MANUAL)
                .setTotalVms(24).setGroupCount(3).setVmsDone(0).setVmsFailed(2)
                .setReasons(List.of(new Reason(ReasonCode.MASTER_TARGET_HAS_SNAPSHOTS, "mt-win-01 has 1 snapshot")))
                .build()).build();
    }

    static StatusEvent vmStatus() {
        return StatusEvent.newBuilder().setJobId("job-1").setAt(T).setVm(VmStatus.newBuilder().setVmId("vm-web01")
                .setGroup(2).setState(VmState.FAILING_BACK).setStep(Step.ATTACH_TO_ON_PREMISES_VM)
                .setRecoveryPoint(new ChosenRecoveryPoint("rp-9", T.minusSeconds(60), Consistency.APP_CONSISTENT, "cg-7", 60_000L))
                .build()).build();
    }

    /** Every sample, each type at least once and each union branch once. */
    static List<SpecificRecord> all() {
        List<SpecificRecord> all = new ArrayList<>();
        all.add(planRequest());
        all.add(vmRequest());
        all.add(new ControlCommand("ctl-1", "job-1", ControlAction.COMMIT, "ops", T));
        all.addAll(inventory());
        all.add(new RecoveryPoint("vm-web01", "rp-9", T, Consistency.APP_CONSISTENT, "cg-7"));
        all.add(new RecoveryPoint("vm-web01", "rp-10", T, Consistency.CRASH_CONSISTENT, null));
        all.addAll(vcenterCommands());
        all.addAll(vcenterResults());
        all.addAll(azureCommands());
        all.addAll(azureResults());
        all.add(new ReplicationCommand("cmd-r1", "job-1", "vm-web01", T, new Reprotect("ps-01", "web01")));
        all.add(new ReplicationResult("cmd-r1", "job-1", "vm-web01", ReplicationResultCode.AGENT_NOT_REGISTERED,
                "agent is not installed", T));
        all.add(jobStatus());
        all.add(vmStatus());
        all.add(new VmClaim("job-1", "vm-web01", ClaimAction.CLAIM));
        all.add(new VmClaimAnswer("job-2", "vm-web01", false, "job-1"));
        all.add(new OrchestratorInput(planRequest()));
        all.add(new OrchestratorInput(new ControlCommand("ctl-2", "job-1", ControlAction.CANCEL, "ops", T)));
        all.add(new AuditRecord("job-1", "vm-web01", "cmd-1", T, "ops", AuditKind.COMMAND, "SHUT_DOWN_AZURE_VM sent", ""));
        return all;
    }
}
