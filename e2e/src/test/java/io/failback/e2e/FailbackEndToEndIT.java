package io.failback.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.demo.Vsphere;
import io.failback.messages.CommitPolicy;
import io.failback.messages.Consistency;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.AlternateLocation;
import io.failback.messages.ControlAction;
import io.failback.messages.JobState;
import io.failback.messages.Reason;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmAlternateLocation;
import io.failback.messages.VmStatus;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.Acls.Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end: the three services as their own processes on a real broker, with the vCenter
 * simulator, the ARM emulator and the replication simulator, every outcome read back from the simulator
 * (through the vSphere API) and from the emulator.
 */
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailbackEndToEndIT {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path work;

    private static FailbackSandbox sandbox;
    private static JobWatch watch;
    private static EstateSpec estate;

    @BeforeAll
    static void startEverything() {
        estate = new EstateSpec.Builder()
                .plan("plan-orders", "Orders", 6, "mt-01", 3)
                .blockedPlan()
                .plan("plan-cancel", "Cancel me", 6, "mt-03", 2)
                .single("autorb-01", false, "mt-04", false)
                .single("full-01", true, "mt-05", true)
                // issue 12: a replication group failed back on its common app-consistent point, and AFTER_SHUTDOWN
                .plan("plan-apps", "Apps", 6, "mt-06", 1)
                .single("final-01", false, "mt-07", false)
                .single("gone-01", false, "mt-08", false)
                // issue 12 item 4: physical servers, failed back to new VMs at an alternate location
                .physical("phys-01", "mt-09")
                .physical("phys-02", "mt-09")
                .build();
        // agents register well after the plan's last power-on, so reprotect is refused at first and retried
        FailbackSandbox.Options options = FailbackSandbox.Options.demo(work, estate).withAgentRegistrationDelay(Duration.ofSeconds(20));
        sandbox = FailbackSandbox.start(options, line -> System.out.println("sandbox: " + line));
        watch = new JobWatch(sandbox.client(Principal.OPERATOR)).signedBy(sandbox.operators());
    }

    @AfterAll
    static void stopEverything() {
        if (watch != null) {
            watch.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldFailAPlanBackGroupByGroupCommitAndReprotectOnceTheAgentsRegister() {
        watch.submit(JobWatch.plan("e2e-orders", "plan-orders").setReprotect(JobWatch.reprotect("ps-01")).build());

        assertThat(watch.await("e2e-orders", JOB_TIMEOUT, Set.of(JobState.AWAITING_COMMIT, JobState.FAILED, JobState.REJECTED,
                JobState.ROLLED_BACK, JobState.PARTIALLY_COMPLETED))).isEqualTo(JobState.AWAITING_COMMIT);
        Map<String, VmStatus> vms = watch.vms("e2e-orders");
        assertThat(vms).hasSize(6);
        vms.values().forEach(vm -> {
            assertThat(vm.getState()).as(vm.getVmId()).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(vm.getRecoveryPoint()).as(vm.getVmId() + " recovery point").isNotNull();
            assertAppliedAsChosen(vm);
        });
        for (VmSpec vm : estate.members("plan-orders")) {
            assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        }

        // committed at once, before the agents can have registered (the slower vSphere reads follow; commit changes no vCenter state)
        watch.control("e2e-orders", ControlAction.COMMIT);

        for (VmSpec vm : estate.members("plan-orders")) {
            Vsphere.VmFacts onPrem = sandbox.vsphere().vm(vm.onPremisesVm());
            assertThat(onPrem.powerState()).as(vm.onPremisesVm()).isEqualTo("poweredOn");
            assertThat(onPrem.diskFiles()).as(vm.onPremisesVm()).containsExactlyInAnyOrderElementsOf(vm.replicaDisks());
            assertThat(onPrem.diskPlaces()).as(vm.onPremisesVm() + " disks at their original places").containsExactlyInAnyOrderElementsOf(
                    vm.originalLayout().stream().map(p -> p.getDisk() + " at SCSI " + p.getBusNumber() + ":" + p.getUnitNumber()).toList());
        }
        assertThat(sandbox.vsphere().vm("mt-01").diskFiles()).as("the master target keeps no replica disk").isEmpty();
        assertThat(sandbox.vsphere().vm("mt-01-win").diskFiles()).as("the Windows master target keeps no replica disk").isEmpty();

        assertThat(watch.await("e2e-orders", JOB_TIMEOUT, Set.of(JobState.COMPLETED, JobState.PARTIALLY_COMPLETED, JobState.FAILED)))
                .isEqualTo(JobState.COMPLETED);
        watch.vms("e2e-orders").values().forEach(vm -> assertThat(vm.getState()).as(vm.getVmId()).isEqualTo(VmState.REPROTECTED));
        for (VmSpec vm : estate.members("plan-orders")) {
            assertThat(sandbox.arm().vm(estate.azureVmId(vm))).as(vm.vmId() + " deleted from Azure").isEmpty();
        }
        assertThat(watch.audit("e2e-orders")).as("reprotect asked again while the agents had not registered")
                .anySatisfy(a -> assertThat(a.getAction()).isEqualTo("reprotect retry scheduled"));
    }

    @Test
    void shouldRefuseAPlanThatFailsPreflightWithEveryVmsReasons() {
        watch.submit(JobWatch.plan("e2e-blocked", "plan-blocked").build());

        assertThat(watch.await("e2e-blocked", JOB_TIMEOUT, Set.of(JobState.REJECTED, JobState.AWAITING_COMMIT, JobState.FAILED)))
                .isEqualTo(JobState.REJECTED);
        Map<String, VmStatus> vms = watch.vms("e2e-blocked");
        assertThat(codes(vms.get("blocked-01"))).contains(ReasonCode.MASTER_TARGET_HAS_SNAPSHOTS);
        assertThat(codes(vms.get("blocked-02"))).contains(ReasonCode.MASTER_TARGET_HAS_SNAPSHOTS, ReasonCode.NO_RECOVERY_POINT);
        for (VmSpec vm : estate.members("plan-blocked")) {
            assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).as("nothing changed").isEqualTo(ArmPowerState.RUNNING);
            assertThat(sandbox.vsphere().vm(vm.onPremisesVm()).diskFiles()).isEmpty();
        }
        assertThat(sandbox.vsphere().vm("mt-02").diskFiles()).hasSize(2);
        assertThat(sandbox.vsphere().vm("mt-02-win").diskFiles()).hasSize(2);
    }

    // issue 12 item 3: a VM without room for its disks at their original places was rolled back after the attach
    // failed; the preflight now finds it before anything changes
    @Test
    void shouldRefuseAtPreflightAVmWhoseOnPremisesVmHasNoRoomForItsDisksAtTheirPlaces() {
        VmSpec vm = estate.vm("full-01");
        watch.submit(JobWatch.vms("e2e-full", "full-01").build());

        assertThat(watch.await("e2e-full", JOB_TIMEOUT, Set.of(JobState.REJECTED, JobState.ROLLED_BACK, JobState.FAILED, JobState.AWAITING_COMMIT)))
                .as("%s", watch.vms("e2e-full")).isEqualTo(JobState.REJECTED);
        VmStatus status = watch.vms("e2e-full").get("full-01");
        assertThat(codes(status)).containsExactly(ReasonCode.NO_ROOM_FOR_REPLICA_DISKS);
        assertThat(status.getReasons().get(0).getMessage()).contains("SCSI 0:0 is taken by");
        assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(sandbox.vsphere().vm(vm.masterTarget()).diskFiles()).containsExactlyInAnyOrderElementsOf(vm.replicaDisks());
        assertThat(sandbox.vsphere().vm(vm.onPremisesVm()).diskFiles()).hasSize(60).doesNotContainAnyElementsOf(vm.replicaDisks());
    }

    @Test
    void shouldRefuseAtPreflightAVmWhoseOnPremisesVmWasDeletedWhileItsAzureVmKeepsRunning() {
        // given an administrator deleted the on-premises VM
        VmSpec vm = estate.vm("gone-01");
        sandbox.vsphere().destroy(vm.onPremisesVm());

        // when it is failed back
        watch.submit(JobWatch.vms("e2e-gone", "gone-01").build());

        // then the preflight refuses it by name, and the Azure VM was never shut down
        assertThat(watch.await("e2e-gone", JOB_TIMEOUT, Set.of(JobState.REJECTED, JobState.ROLLED_BACK, JobState.FAILED, JobState.AWAITING_COMMIT)))
                .as("%s", watch.vms("e2e-gone")).isEqualTo(JobState.REJECTED);
        VmStatus status = watch.vms("e2e-gone").get("gone-01");
        assertThat(codes(status)).containsExactly(ReasonCode.ON_PREMISES_VM_NOT_FOUND);
        assertThat(status.getReasons().get(0).getMessage()).contains(vm.onPremisesInstanceUuid());
        assertThat(watch.history("e2e-gone", "gone-01")).extracting(VmStatus::getStep).doesNotContain(Step.SHUT_DOWN_AZURE_VM);
        assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(sandbox.vsphere().vm(vm.masterTarget()).diskFiles()).containsExactlyInAnyOrderElementsOf(vm.replicaDisks());
    }

    @Test
    void shouldRollBackEveryStartedVmWhenAPlanIsCancelledMidway() {
        watch.submit(JobWatch.plan("e2e-cancel", "plan-cancel").build());
        watch.awaitJob("e2e-cancel", JOB_TIMEOUT, j -> j != null && j.getState() == JobState.RUNNING
                && watch.vms("e2e-cancel").values().stream().anyMatch(v -> v.getStep() == Step.POWER_ON_ON_PREMISES_VM
                        || v.getState() == VmState.WAITING_FOR_GROUP), "running with a VM through its steps");

        watch.control("e2e-cancel", ControlAction.CANCEL);

        assertThat(watch.await("e2e-cancel", JOB_TIMEOUT, Set.of(JobState.CANCELLED, JobState.ROLLED_BACK, JobState.FAILED, JobState.AWAITING_COMMIT)))
                .as("%s %s", watch.job("e2e-cancel"), watch.vms("e2e-cancel")).isIn(JobState.CANCELLED, JobState.ROLLED_BACK);
        for (VmSpec vm : estate.members("plan-cancel")) {
            assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).as(vm.vmId()).isEqualTo(ArmPowerState.RUNNING);
            assertThat(sandbox.vsphere().vm(vm.onPremisesVm()).diskFiles()).as(vm.onPremisesVm()).isEmpty();
        }
        assertThat(sandbox.vsphere().vm("mt-03").diskFiles().size() + sandbox.vsphere().vm("mt-03-win").diskFiles().size()).isEqualTo(12);
    }

    @Test
    void shouldRollBackByItselfUnderTheAutoRollbackPolicy() {
        VmSpec vm = estate.vm("autorb-01");
        watch.submit(JobWatch.vms("e2e-autorb", "autorb-01").setCommitPolicy(new CommitPolicy(CommitPolicyKind.AUTO_ROLLBACK, 5)).build());

        assertThat(watch.await("e2e-autorb", JOB_TIMEOUT, Set.of(JobState.ROLLED_BACK, JobState.COMPLETED, JobState.FAILED, JobState.REJECTED)))
                .isEqualTo(JobState.ROLLED_BACK);
        assertThat(watch.history("e2e-autorb", "autorb-01")).extracting(VmStatus::getState).contains(VmState.FAILED_BACK_AWAITING_COMMIT);
        assertThat(codes(watch.vms("e2e-autorb").get("autorb-01"))).contains(ReasonCode.AUTO_ROLLBACK);
        assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(sandbox.vsphere().vm("mt-04").diskFiles()).containsExactlyInAnyOrderElementsOf(vm.replicaDisks());
        assertThat(sandbox.vsphere().vm(vm.onPremisesVm()).powerState()).isEqualTo("poweredOff");
    }

    @Test
    void shouldRollAReplicationGroupToItsCommonAppConsistentPointBeforeDetachingItsDisks() {
        List<String> group = estate.members("plan-apps").stream().filter(v -> v.replicationGroup() != null).map(VmSpec::vmId).toList();
        assertThat(group).hasSize(3);
        watch.submit(JobWatch.vms("e2e-group", group.toArray(String[]::new))
                .setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

        assertThat(watch.await("e2e-group", JOB_TIMEOUT, Set.of(JobState.AWAITING_COMMIT, JobState.FAILED, JobState.REJECTED,
                JobState.ROLLED_BACK))).as("%s", watch.vms("e2e-group")).isEqualTo(JobState.AWAITING_COMMIT);
        Map<String, VmStatus> vms = watch.vms("e2e-group");
        vms.values().forEach(FailbackEndToEndIT::assertAppliedAsChosen);
        assertThat(vms.values()).extracting(vm -> vm.getAppliedPoint().getConsistencyId()).doesNotContainNull().containsOnly(
                vms.get(group.get(0)).getAppliedPoint().getConsistencyId());
        assertThat(vms.values()).extracting(vm -> sandbox.replication().appliedPoint(vm.getVmId()).getConsistency())
                .containsOnly(Consistency.APP_CONSISTENT);
    }

    @Test
    void shouldFailBackToAFinalPointTakenAfterTheShutdownWithZeroDataLoss() {
        watch.submit(JobWatch.vms("e2e-final", "final-01").setRecoveryPoint(RecoveryPointKind.AFTER_SHUTDOWN).build());

        assertThat(watch.await("e2e-final", JOB_TIMEOUT, Set.of(JobState.AWAITING_COMMIT, JobState.FAILED, JobState.REJECTED,
                JobState.ROLLED_BACK))).as("%s", watch.vms("e2e-final")).isEqualTo(JobState.AWAITING_COMMIT);
        VmStatus vm = watch.vms("e2e-final").get("final-01");
        RecoveryPoint applied = sandbox.replication().appliedPoint("final-01");
        assertThat(applied).as("the engine's final point").isNotNull();
        assertThat(vm.getAppliedPoint().getPointId()).isEqualTo(applied.getPointId());
        assertThat(vm.getAppliedPoint().getDataLossWindowMillis()).as("data lost").isZero();
        assertThat(watch.history("e2e-final", "final-01")).extracting(VmStatus::getStep).contains(Step.PREPARE_FINAL_POINT);
    }

    @Test
    void shouldFailAPhysicalServerBackToANewVmWithItsDisksAtTheirOriginalUnitsOnlyWhenALocationIsNamed() {
        VmSpec vm = estate.vm("phys-01");
        // given a request that names no location: refused, nothing changed
        watch.submit(JobWatch.vms("e2e-phys-nowhere", "phys-01").build());
        assertThat(watch.await("e2e-phys-nowhere", JOB_TIMEOUT, Set.of(JobState.REJECTED, JobState.AWAITING_COMMIT, JobState.FAILED)))
                .isEqualTo(JobState.REJECTED);
        assertThat(codes(watch.vms("e2e-phys-nowhere").get("phys-01"))).containsExactly(ReasonCode.ALTERNATE_LOCATION_REQUIRED);
        assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);

        // when it is failed back to a new VM in the simulator's cluster
        watch.submit(JobWatch.vms("e2e-phys", "phys-01").setAlternateLocations(List.of(new VmAlternateLocation("phys-01",
                location("phys-01-vm")))).build());

        // then the VM is created with the server's shape, its disks at their original units, and powered on
        assertThat(watch.await("e2e-phys", JOB_TIMEOUT, Set.of(JobState.AWAITING_COMMIT, JobState.FAILED, JobState.REJECTED,
                JobState.ROLLED_BACK))).as("%s", watch.vms("e2e-phys")).isEqualTo(JobState.AWAITING_COMMIT);
        Vsphere.VmFacts created = sandbox.vsphere().vm("phys-01-vm");
        assertThat(created.powerState()).isEqualTo("poweredOn");
        assertThat(created.diskFiles()).containsExactlyInAnyOrderElementsOf(vm.replicaDisks());
        assertThat(created.diskPlaces()).as("disks at their original places").containsExactlyInAnyOrderElementsOf(
                vm.originalLayout().stream().map(p -> p.getDisk() + " at SCSI " + p.getBusNumber() + ":" + p.getUnitNumber()).toList());
        assertThat(watch.audit("e2e-phys")).anySatisfy(a -> assertThat(a.getAction()).isEqualTo("VM created"));
        assertAppliedAsChosen(watch.vms("e2e-phys").get("phys-01"));

        // and on commit the Azure VM is deleted, the new VM kept
        watch.control("e2e-phys", ControlAction.COMMIT);
        assertThat(watch.await("e2e-phys", JOB_TIMEOUT, Set.of(JobState.COMPLETED, JobState.PARTIALLY_COMPLETED, JobState.FAILED)))
                .isEqualTo(JobState.COMPLETED);
        assertThat(sandbox.arm().vm(estate.azureVmId(vm))).isEmpty();
        assertThat(sandbox.vsphere().vm("phys-01-vm").powerState()).isEqualTo("poweredOn");
    }

    @Test
    void shouldDestroyOnlyTheVmItCreatedAfterGivingTheDisksBackWhenAnAlternateLocationFailbackIsCancelled() {
        VmSpec vm = estate.vm("phys-02");
        watch.submit(JobWatch.vms("e2e-phys-cancel", "phys-02").setAlternateLocations(List.of(new VmAlternateLocation("phys-02",
                location("phys-02-vm")))).build());
        assertThat(watch.await("e2e-phys-cancel", JOB_TIMEOUT, Set.of(JobState.AWAITING_COMMIT, JobState.FAILED, JobState.REJECTED,
                JobState.ROLLED_BACK))).as("%s", watch.vms("e2e-phys-cancel")).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(sandbox.vsphere().exists("phys-02-vm")).isTrue();

        // when the operator cancels
        watch.control("e2e-phys-cancel", ControlAction.CANCEL);

        // then the disks are back on the master target, the created VM is gone, and the Azure VM runs again
        assertThat(watch.await("e2e-phys-cancel", JOB_TIMEOUT, Set.of(JobState.ROLLED_BACK, JobState.CANCELLED, JobState.FAILED,
                JobState.NEEDS_ATTENTION))).as("%s", watch.vms("e2e-phys-cancel")).isIn(JobState.ROLLED_BACK, JobState.CANCELLED);
        assertThat(sandbox.vsphere().vm(vm.masterTarget()).diskFiles()).containsAll(vm.replicaDisks());
        assertThat(sandbox.vsphere().exists("phys-02-vm")).as("the VM the failback created").isFalse();
        assertThat(sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(watch.history("e2e-phys-cancel", "phys-02")).extracting(VmStatus::getStep).contains(Step.ROLLBACK_DESTROY_CREATED_VM);
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: after every other test of this class has run its jobs
    void shouldLeaveNoSecretInAnyLogOrTopic() {
        // given every job of this class has run through every service, with the sandbox's generated secrets
        Map<String, String> secrets = sandbox.secrets();

        // when every service log and every record of every topic is searched for them
        List<String> found = SecretScan.findings(secrets, sandbox.logs(), sandbox.client(Principal.ADMIN));

        // then none appears anywhere, in clear or in base64, and the scan did read the run's records
        assertThat(found).as("secrets %s found", SecretScan.describe(secrets)).isEmpty();
        assertThat(SecretScan.recordsIn(sandbox.client(Principal.ADMIN))).isGreaterThan(100);
        // and the same scan does find a planted canary, in a log line and in a record's header
        assertThat(SecretScan.findings(Map.of("canary", SecretScan.plantCanary(work, sandbox.client(Principal.ADMIN), "c4n4ry-s3cr3t")),
                work.resolve("canary-logs"), sandbox.client(Principal.ADMIN)))
                .contains("canary in log canary.log").anyMatch(f -> f.startsWith("canary on topic e2e.canary"));
    }

    /** A place in the simulator's default inventory for a new VM named {@code vmName}. */
    private static AlternateLocation location(String vmName) {
        return AlternateLocation.newBuilder().setDatacenter("DC0").setCluster("DC0_C0").setDatastore("LocalDS_0")
                .setNetwork("VM Network").setVmName(vmName).build();
    }

    /** The point the engine rolled the VM's disks to is the one chosen for it, as the status and the simulator say. */
    private static void assertAppliedAsChosen(VmStatus vm) {
        assertThat(vm.getAppliedPoint()).as(vm.getVmId() + " applied point").isNotNull();
        assertThat(vm.getAppliedPoint().getPointId()).as(vm.getVmId()).isEqualTo(vm.getRecoveryPoint().getPointId());
        assertThat(sandbox.replication().appliedPoint(vm.getVmId()).getPointId()).as(vm.getVmId() + " in the simulator")
                .isEqualTo(vm.getRecoveryPoint().getPointId());
    }

    private static List<ReasonCode> codes(VmStatus vm) {
        assertThat(vm).isNotNull();
        return vm.getReasons().stream().map(Reason::getCode).toList();
    }
}
