package io.failback.schemas;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.*;
import io.failback.messages.state.PendingCommand;
import io.failback.messages.state.StoredJob;
import io.failback.messages.state.StoredTarget;
import io.failback.messages.state.StoredVmFacts;
import io.failback.messages.state.StoredVmJob;
import io.failback.messages.state.VmStateCount;
import org.apache.avro.specific.SpecificRecord;

/**
 * Test data: one realistic value of every topic value type and of the orchestrator's stored state, and one
 * per branch of every union.
 */
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
                .setVmIds(List.of("vm-web01", "vm-db01")).setAlternateLocations(List.of(new VmAlternateLocation("vm-db01", location()))).build();
    }

    /** issue 12 item 4 (alr) */
    static AlternateLocation location() {
        return AlternateLocation.newBuilder().setDatacenter("DC0").setCluster("DC0_C0").setDatastore("LocalDS_0")
                .setFolder("Recovered").setNetwork("VM Network").setVmName("db01-recovered").build();
    }

    static MachineShape shape() {
        return new MachineShape(4, 8192, Firmware.EFI, "windows9Server64Guest");
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
                .setProcessServer("ps-01").setConfigurationServer("cs-01").setShape(shape()).build();
    }

    static List<InventoryRecord> inventory() {
        return List.of(new InventoryRecord(item()), new InventoryRecord(new RecoveryPlan("plan-erp", "ERP", 3, 24)),
                new InventoryRecord(new RecoveryPlanMember("plan-erp", "vm-web01", 2, null)),
                new InventoryRecord(new RecoveryPlanMember("plan-erp", "vm-db01", 1, location())),
                new InventoryRecord(new ConfigServerHeartbeat("cs-01", ConfigServerState.RUNNING, true, T)),
                new InventoryRecord(new AgentRegistration("vm-web01", true, T)));
    }

    static List<VcenterCommand> vcenterCommands() {
        List<Object> ops = List.of(new CheckConnection("vc-east"),
                new InspectMasterTarget("vc-east", "mt-win-01", List.of("[datastore1] mt-win-01/web01_0.vmdk"),
                        new OnPremisesVmToCheck("web01", "5029c6a1-7c3e-4b7e-9f0a-1c2d3e4f5a6b", OsType.WINDOWS,
                                List.of(new DiskPlacement("[datastore1] mt-win-01/web01_0.vmdk", DiskControllerType.SCSI, 0, 0))), null),
                new InspectMasterTarget("vc-east", "mt-win-01", List.of("[datastore1] mt-win-01/db01_0.vmdk"), null,
                        new AlternateLocationToCheck(location(), "job-1/vm-db01")),
                new CreateVm(location(), shape(), "6a1b2c3d-0000-3000-8000-000000000001", "job-1/vm-db01",
                        List.of(new DiskPlacement("[datastore1] mt-win-01/db01_0.vmdk", DiskControllerType.SCSI, 0, 0))),
                new DestroyCreatedVm("vc-east", "6a1b2c3d-0000-3000-8000-000000000001", "job-1/vm-db01"),
                new PowerOffVm("vc-east", "web01", null), new PowerOnVm("vc-east", "web01", "5029c6a1-7c3e-4b7e-9f0a-1c2d3e4f5a6b"),
                new DetachDisks("vc-east", "mt-win-01", List.of("[datastore1] mt-win-01/web01_0.vmdk"), null),
                new AttachDisks("vc-east", "web01", List.of("[datastore1] mt-win-01/web01_0.vmdk"), "5029c6a1-7c3e-4b7e-9f0a-1c2d3e4f5a6b",
                        List.of(new DiskPlacement("[datastore1] mt-win-01/web01_0.vmdk", DiskControllerType.SCSI, 0, 0))),
                new EnableVmwareTools("vc-east", "web01", null));
        List<VcenterCommand> out = new ArrayList<>();
        for (Object op : ops) {
            out.add(new VcenterCommand("cmd-" + out.size(), "job-1", "vm-web01", T, op));
        }
        return out;
    }

    static List<VcenterResult> vcenterResults() {
        List<Object> outcomes = new ArrayList<>(List.of(new ConnectionChecked(true, "6.0.0"),
                new MasterTargetInspected(true, 0, List.of("[datastore1] mt-win-01/web01_0.vmdk"), OsType.WINDOWS,
                        "windows9Server64Guest", new OnPremisesVmInspected(true, "web01", true, List.of()),
                        List.of("folder Recovered: not found in datacenter DC0")),
                new VmCreated("db01-recovered", "6a1b2c3d-0000-3000-8000-000000000001", false), new CreatedVmDestroyed(true),
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

    /** A plan's job waiting for commit after one group failed, every field set. */
    static StoredJob storedJob() {
        return StoredJob.newBuilder().setJobId("job-1").setRequestedBy("ops@example.org").setPlanId("plan-erp")
                .setRequestSummary("vms=[] plan=plan-erp point=LATEST_APP_CONSISTENT commit=AUTO_ROLLBACK/600 reprotect=ps-01")
                .setPointKind(RecoveryPointKind.LATEST_APP_CONSISTENT).setCommitPolicy(CommitPolicyKind.AUTO_ROLLBACK)
                .setCommitDelaySeconds(600).setReprotectProcessServer("ps-01").setState(JobState.AWAITING_COMMIT)
                .setTotalVms(3).setGroupCount(2).setCurrentGroup(2).setGroupWaiting(List.of(0, 1)).setGroupFailed(List.of(1, 0))
                .setCounts(List.of(new VmStateCount(VmState.FAILED_BACK_AWAITING_COMMIT, 2), new VmStateCount(VmState.ROLLED_BACK, 1)))
                .setBlockedAtGroup(1).setTimerAt(1_790_000_600_000L).setCancelRequested(false).setCommitted(false)
                .setReasons(List.of(new Reason(ReasonCode.STEP_FAILED, "db01: power on failed")))
                .setCreatedAt(1_790_000_000_000L).build();
    }

    /** A request refused by validation: no plan, no reprotect, no groups. */
    static StoredJob storedRejectedJob() {
        return StoredJob.newBuilder(storedJob()).setJobId("req-2").setPlanId(null).setReprotectProcessServer(null)
                .setState(JobState.REJECTED).setTotalVms(0).setGroupCount(0).setCurrentGroup(1).setGroupWaiting(List.of())
                .setGroupFailed(List.of()).setCounts(List.of()).setBlockedAtGroup(0).setTimerAt(0)
                .setReasons(List.of(new Reason(ReasonCode.INVALID_FIELD, "vmIds: web01 is listed twice"))).build();
    }

    /** A VM rolling back after a cancel: target, recovery point, pending command and undo steps set. */
    static StoredVmJob storedVmJob() {
        return StoredVmJob.newBuilder().setJobId("job-1").setVmId("vm-web01").setGroup(2).setState(VmState.ROLLING_BACK)
                .setStep(Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM)
                .setTarget(new StoredTarget("vc-east", "mt-win-01", "web01", List.of("[datastore1] mt-win-01/web01_0.vmdk"),
                        "/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/web01", "rg-dr", true, "ps-01",
                        "5029c6a1-7c3e-4b7e-9f0a-1c2d3e4f5a6b", List.of(new DiskPlacement("[datastore1] mt-win-01/web01_0.vmdk", DiskControllerType.SCSI, 0, 0)),
                        location(), shape(), false))
                .setPoint(new ChosenRecoveryPoint("rp-9", T, Consistency.APP_CONSISTENT, "cg-7", 60_000L))
                .setReasons(List.of()).setPending(List.of(new PendingCommand("cmd-7", Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM)))
                .setClaimAnswered(true).setClaimed(true).setSequence(7).setAttempts(1).setDeadline(1_790_000_300_000L)
                .setCompensations(List.of(Step.ROLLBACK_START_AZURE_VM, Step.ROLLBACK_ATTACH_TO_MASTER_TARGET))
                .setCancelRequested(true).setRollbackReason(new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancelled by ops"))
                .setPoweredOnVerified(false).setDisksVerified(true).setReprotectUntil(0).setReprotectRefusals(0)
                .setAzureDiskIds(List.of("/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Compute/disks/web01-os"))
                .setAzureNicIds(List.of("/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Network/networkInterfaces/web01-nic"))
                .build();
    }

    /** A VM refused in preflight: not in the inventory, so no target and no recovery point. */
    static StoredVmJob storedRefusedVmJob() {
        return StoredVmJob.newBuilder(storedVmJob()).setVmId("vm-gone").setGroup(1).setState(VmState.REJECTED)
                .setStep(Step.CHECK_INVENTORY).setTarget(null).setPoint(null)
                .setReasons(List.of(new Reason(ReasonCode.NOT_IN_INVENTORY, "vm-gone is not a protected item")))
                .setPending(List.of()).setClaimed(false).setSequence(0).setAttempts(0).setDeadline(0).setCompensations(List.of())
                .setCancelRequested(false).setRollbackReason(null).setDisksVerified(false).setAzureDiskIds(List.of())
                .setAzureNicIds(List.of()).build();
    }

    /** Every sample, each type at least once and each union branch once. */
    static List<SpecificRecord> all() {
        List<SpecificRecord> all = new ArrayList<>();
        all.add(planRequest());
        all.add(vmRequest());
        all.add(new ControlCommand("ctl-1", "job-1", ControlAction.COMMIT, "ops", T, null));
        all.add(new ControlCommand("ctl-3", "job-1", ControlAction.RETRY, "ops", T, "vm-1"));
        all.addAll(inventory());
        all.add(new RecoveryPoint("vm-web01", "rp-9", T, Consistency.APP_CONSISTENT, "cg-7"));
        all.add(new RecoveryPoint("vm-web01", "rp-10", T, Consistency.CRASH_CONSISTENT, null));
        all.addAll(vcenterCommands());
        all.addAll(vcenterResults());
        all.addAll(azureCommands());
        all.addAll(azureResults());
        all.add(new ReplicationCommand("cmd-r1", "job-1", "vm-web01", T, new Reprotect("ps-01", "web01")));
        all.add(new ReplicationResult("cmd-r1", "job-1", "vm-web01", ReplicationResultCode.AGENT_NOT_REGISTERED,
                "agent is not installed", T, null));
        // issue 12, points: the engine's prepare and resume, and its answers
        all.add(new ReplicationCommand("cmd-r2", "job-1", "vm-web01", T, new PrepareFailback("vm-web01", "rp-9")));
        all.add(new ReplicationCommand("cmd-r3", "job-1", "vm-web01", T, new PrepareFailback("vm-web01", null)));
        all.add(new ReplicationCommand("cmd-r4", "job-1", "vm-web01", T, new ResumeReplication("vm-web01")));
        all.add(new ReplicationResult("cmd-r2", "job-1", "vm-web01", ReplicationResultCode.OK, "", T,
                new FailbackPrepared("rp-9", T, Consistency.APP_CONSISTENT)));
        all.add(new ReplicationResult("cmd-r2", "job-1", "vm-web01", ReplicationResultCode.POINT_EXPIRED,
                "rp-9 was pruned by retention", T, null));
        all.add(jobStatus());
        all.add(vmStatus());
        all.add(new VmClaim("job-1", "vm-web01", ClaimAction.CLAIM));
        all.add(new VmClaimAnswer("job-2", "vm-web01", false, "job-1"));
        all.add(new OrchestratorInput(planRequest(), null));
        all.add(new OrchestratorInput(new ControlCommand("ctl-2", "job-1", ControlAction.CANCEL, "ops", T, null), null));
        all.add(new AuditRecord("job-1", "vm-web01", "cmd-1", T, "ops", AuditKind.COMMAND, "SHUT_DOWN_AZURE_VM sent", ""));
        all.add(storedJob());
        all.add(storedRejectedJob());
        all.add(storedVmJob());
        all.add(storedRefusedVmJob());
        // issue 12 item 6: a VM whose rollback stopped at a step, kept for an operator's retry
        all.add(StoredVmJob.newBuilder(storedVmJob()).setVmId("vm-stuck").setState(VmState.NEEDS_ATTENTION)
                .setStep(Step.ROLLBACK_ATTACH_TO_MASTER_TARGET).setPending(List.of()).setAttempts(0).setDeadline(0)
                .setReasons(List.of(new Reason(ReasonCode.ROLLBACK_FAILED, "ROLLBACK_ATTACH_TO_MASTER_TARGET: no answer"))).build());
        // issue 13: a VM's facts, stored apart from it; and those of a VM whose Azure VM was not read yet
        StoredVmJob facts = storedVmJob();
        all.add(new StoredVmFacts(facts.getTarget(), facts.getAzureDiskIds(), facts.getAzureNicIds()));
        all.add(new StoredVmFacts(facts.getTarget(), List.of(), List.of()));
        return all;
    }
}
