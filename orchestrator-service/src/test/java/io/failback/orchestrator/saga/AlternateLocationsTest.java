package io.failback.orchestrator.saga;

import java.util.List;
import java.util.Map;

import io.failback.messages.AlternateLocation;
import io.failback.messages.AttachDisks;
import io.failback.messages.AuditRecord;
import io.failback.messages.ControlAction;
import io.failback.messages.FailbackRequest;
import io.failback.messages.CreateVm;
import io.failback.messages.DestroyCreatedVm;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.JobState;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.PowerOnVm;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmAlternateLocation;
import io.failback.messages.VmCreated;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

import static io.failback.messages.Step.ATTACH_TO_ON_PREMISES_VM;
import static io.failback.messages.Step.CHECK_AZURE_VM;
import static io.failback.messages.Step.CHECK_VCENTER;
import static io.failback.messages.Step.CREATE_ON_PREMISES_VM;
import static io.failback.messages.Step.DELETE_AZURE_VM;
import static io.failback.messages.Step.DETACH_FROM_MASTER_TARGET;
import static io.failback.messages.Step.POWER_OFF_ON_PREMISES_VM;
import static io.failback.messages.Step.POWER_ON_ON_PREMISES_VM;
import static io.failback.messages.Step.PREPARE_FAILBACK;
import static io.failback.messages.Step.ROLLBACK_ATTACH_TO_MASTER_TARGET;
import static io.failback.messages.Step.ROLLBACK_DESTROY_CREATED_VM;
import static io.failback.messages.Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM;
import static io.failback.messages.Step.ROLLBACK_RESUME_REPLICATION;
import static io.failback.messages.Step.ROLLBACK_START_AZURE_VM;
import static io.failback.messages.Step.SHUT_DOWN_AZURE_VM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 4: alternate location recovery. A VM (and a physical server, only this way) fails back to a new
 * VM the vcenter-agent creates at a named place with the source's shape; the creation is idempotent and a rollback
 * deletes only the VM the failback created, after its disks went back to the master target.
 */
class AlternateLocationsTest {

    private static FailbackRequest.Builder requestAt(String jobId, String vmId, AlternateLocation location) {
        return Estate.request(jobId, vmId).setAlternateLocations(List.of(new VmAlternateLocation(vmId, location)));
    }

    private static <T> T command(World w, Step step, Class<T> type) {
        return type.cast(w.allCommands.stream().filter(s -> s.step() == step).findFirst().orElseThrow().operation());
    }

    private static void assertRefusedBeforeAnyChange(World w, String vmId, ReasonCode expected) {
        assertThat(w.vmState(vmId)).isEqualTo(VmState.REJECTED);
        assertThat(w.reasonCodes(vmId)).contains(expected);
        assertThat(w.stepsOf(vmId)).as("the Azure VM is never shut down, nothing is created")
                .doesNotContain(SHUT_DOWN_AZURE_VM, CREATE_ON_PREMISES_VM);
    }

    @Test
    void shouldCreateANewVmWithTheSourcesShapeAndFailBackToItInsteadOfTheOriginal() {
        // given a VM whose request names an alternate location
        World w = new World(new Estate().located("a"));

        // when it fails back
        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        // then a VM is created after the point is applied, in place of powering the original off
        assertThat(w.stepsOf("a")).containsExactly(CHECK_AZURE_VM, CHECK_VCENTER, SHUT_DOWN_AZURE_VM, PREPARE_FAILBACK,
                CREATE_ON_PREMISES_VM, DETACH_FROM_MASTER_TARGET, ATTACH_TO_ON_PREMISES_VM, POWER_ON_ON_PREMISES_VM);
        assertThat(w.stepsOf("a")).doesNotContain(POWER_OFF_ON_PREMISES_VM);
        CreateVm create = command(w, CREATE_ON_PREMISES_VM, CreateVm.class);
        assertThat(create.getShape()).isEqualTo(Estate.SHAPE);
        assertThat(create.getLocation().getVmName()).isEqualTo("a-recovered");
        assertThat(create.getLocation().getVCenter()).as("the item's vCenter, where the replica disks are")
                .isEqualTo(w.estate.item("a").getVCenter());
        assertThat(create.getLayout()).containsExactlyElementsOf(w.estate.item("a").getDiskLayout());
        assertThat(create.getCreatedFor()).isEqualTo("job-1/a");
        // and the disks go to the new VM at their original places, and it is powered on, found by its UUID
        AttachDisks attach = command(w, ATTACH_TO_ON_PREMISES_VM, AttachDisks.class);
        assertThat(attach.getVm()).isEqualTo("a-recovered");
        assertThat(attach.getInstanceUuid()).isEqualTo(create.getInstanceUuid());
        assertThat(attach.getLayout()).containsExactlyElementsOf(w.estate.item("a").getDiskLayout());
        assertThat(command(w, POWER_ON_ON_PREMISES_VM, PowerOnVm.class).getInstanceUuid()).isEqualTo(create.getInstanceUuid());
        assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        // and the audit says which VM was created where
        assertThat(w.all.audits).extracting(AuditRecord::getAction).contains("VM created");
    }

    @Test
    void shouldAskVcenterAboutTheLocationAtPreflightInsteadOfTheOriginalVm() {
        World w = new World(new Estate().located("a"));

        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        InspectMasterTarget asked = command(w, CHECK_VCENTER, InspectMasterTarget.class);
        assertThat(asked.getOnPremisesVm()).isNull();
        assertThat(asked.getAlternateLocation().getLocation().getFolder()).isEqualTo("Recovered");
        assertThat(asked.getAlternateLocation().getCreatedFor()).isEqualTo("job-1/a");
    }

    @Test
    void shouldRefuseAtPreflightWhenVcenterNamesProblemsWithTheLocation() {
        // given vCenter has no such folder, and a VM of that name already exists
        World w = new World(new Estate().located("a"));
        w.agents = s -> s.step() == CHECK_VCENTER ? VcenterResult.newBuilder((VcenterResult) World.ok(s))
                .setOutcome(MasterTargetInspected.newBuilder(World.inspection((InspectMasterTarget) s.operation()))
                        .setAlternateLocationProblems(List.of("folder Recovered: not found in datacenter DC0",
                                "a VM named a-recovered already exists in folder Recovered")).build()).build() : World.ok(s);

        // when it fails back
        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        // then it is refused with both problems named, and nothing changed
        assertRefusedBeforeAnyChange(w, "a", ReasonCode.ALTERNATE_LOCATION_INVALID);
        assertThat(w.lastStatus("a").getReasons().get(0).getMessage()).contains("folder Recovered: not found")
                .contains("already exists");
        assertThat(w.jobState()).isEqualTo(JobState.REJECTED);
    }

    @Test
    void shouldRefuseAPhysicalServerThatNamesNoLocation() {
        World w = new World(new Estate().physical("p"));

        w.failBack(Estate.request("job-1", "p").build());

        assertRefusedBeforeAnyChange(w, "p", ReasonCode.ALTERNATE_LOCATION_REQUIRED);
        assertThat(w.reasonCodes("p")).as("no on-premises VM is looked for: a physical server has none")
                .containsExactly(ReasonCode.ALTERNATE_LOCATION_REQUIRED);
        assertThat(command(w, CHECK_VCENTER, InspectMasterTarget.class).getOnPremisesVm()).isNull();
        assertThat(w.lastStatus("p").getReasons().get(0).getMessage()).contains("physical server");
    }

    @Test
    void shouldFailAPhysicalServerBackToANewVmAtItsPlanMembersLocation() {
        // given a plan whose physical server member names a location, next to an ordinary VM
        Estate estate = new Estate().physical("p").vm("a").plan("plan-1", List.of(List.of("p", "a")))
                .locatedInPlan("plan-1", Map.of("p", Estate.location("p-vm")));
        World w = new World(estate);

        // when the plan fails back
        w.failBack(Estate.planRequest("job-1", "plan-1").build());

        // then the server gets a new VM and the ordinary VM its original one
        assertThat(w.stepsOf("p")).contains(CREATE_ON_PREMISES_VM).doesNotContain(POWER_OFF_ON_PREMISES_VM);
        assertThat(command(w, CREATE_ON_PREMISES_VM, CreateVm.class).getLocation().getVmName()).isEqualTo("p-vm");
        assertThat(w.stepsOf("a")).contains(POWER_OFF_ON_PREMISES_VM).doesNotContain(CREATE_ON_PREMISES_VM);
        assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
    }

    @Test
    void shouldLetTheRequestsLocationOverrideThePlanMembers() {
        Estate estate = new Estate().located("a").plan("plan-1", List.of(List.of("a")))
                .locatedInPlan("plan-1", Map.of("a", Estate.location("from-plan")));
        World w = new World(estate);

        w.failBack(Estate.planRequest("job-1", "plan-1")
                .setAlternateLocations(List.of(new VmAlternateLocation("a", Estate.location("from-request")))).build());

        assertThat(command(w, CREATE_ON_PREMISES_VM, CreateVm.class).getLocation().getVmName()).isEqualTo("from-request");
    }

    @Test
    void shouldRefuseALocationWithoutTheSourcesShape() {
        World w = new World(new Estate().vm("a"));

        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        assertRefusedBeforeAnyChange(w, "a", ReasonCode.SOURCE_SHAPE_UNKNOWN);
    }

    @Test
    void shouldRefuseALocationInAnotherVcenterThanTheReplicaDisks() {
        World w = new World(new Estate().located("a"));

        w.failBack(requestAt("job-1", "a", AlternateLocation.newBuilder(Estate.location("a-recovered")).setVCenter("vc-west").build())
                .build());

        assertRefusedBeforeAnyChange(w, "a", ReasonCode.ALTERNATE_LOCATION_INVALID);
        assertThat(w.lastStatus("a").getReasons().get(0).getMessage()).contains("vc-west");
    }

    @Test
    void shouldRefuseARequestWhoseLocationNamesAVmItDoesntFailBack() {
        World w = new World(new Estate().located("a").located("b"));

        w.failBack(Estate.request("job-1", "a")
                .setAlternateLocations(List.of(new VmAlternateLocation("b", Estate.location("b-recovered")))).build());

        assertThat(w.jobState()).isEqualTo(JobState.REJECTED);
        assertThat(w.lastJobStatus("job-1").getReasons()).extracting(r -> r.getCode()).contains(ReasonCode.INVALID_FIELD);
        assertThat(w.allCommands).isEmpty();
    }

    @Test
    void shouldRefuseAnOutOfBoundsLocationAndStoreNothing() {
        // given a location without a cluster or host, and one whose VM name holds an escape sequence
        World w = new World(new Estate().located("a"));
        AlternateLocation noCompute = AlternateLocation.newBuilder(Estate.location("x")).setCluster(null).build();
        AlternateLocation hostile = Estate.location("evil\u001b[2J");

        // when each is requested
        Outbox first = w.submit(requestAt("job-1", "a", noCompute).build());
        Outbox second = w.submit(requestAt("job-2", "a", hostile).build());

        // then both are refused by name, nothing stored and nothing sent
        assertThat(first.statuses.get(0).getJob().getReasons().get(0).getMessage()).contains("cluster, a host or both");
        assertThat(second.statuses.get(0).getJob().getReasons().get(0).getMessage()).contains("without control characters");
        assertThat(w.job("job-1")).isNull();
        assertThat(w.job("job-2")).isNull();
        assertThat(w.allCommands).isEmpty();
    }

    @Test
    void shouldDestroyOnlyTheCreatedVmAfterItsDisksWentBackWhenTheFailbackRollsBack() {
        // given the power-on of the new VM fails
        World w = new World(new Estate().located("a"));
        w.agents = s -> s.step() == POWER_ON_ON_PREMISES_VM ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);

        // when it fails back
        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        // then the rollback detaches the disks and gives them back to the master target before destroying the new VM
        List<Step> steps = w.stepsOf("a");
        assertThat(steps.subList(steps.indexOf(POWER_ON_ON_PREMISES_VM) + 1, steps.size())).containsExactly(
                Step.ROLLBACK_POWER_OFF, ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET,
                ROLLBACK_DESTROY_CREATED_VM, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
        DestroyCreatedVm destroy = command(w, ROLLBACK_DESTROY_CREATED_VM, DestroyCreatedVm.class);
        assertThat(destroy.getInstanceUuid()).isEqualTo(command(w, CREATE_ON_PREMISES_VM, CreateVm.class).getInstanceUuid());
        assertThat(destroy.getCreatedFor()).isEqualTo("job-1/a");
        assertThat(steps).doesNotContain(DELETE_AZURE_VM);
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
    }

    @Test
    void shouldNeverDestroyAnythingWhenTheFailbackToTheOriginalVmRollsBack() {
        World w = new World(new Estate().vm("a"));
        w.agents = s -> s.step() == POWER_ON_ON_PREMISES_VM ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);

        w.failBack(Estate.request("job-1", "a").build());

        assertThat(w.stepsOf("a")).doesNotContain(ROLLBACK_DESTROY_CREATED_VM);
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
    }

    @Test
    void shouldUseTheInstanceUuidVcenterGaveTheNewVmForEveryLaterStep() {
        // given vCenter doesn't keep the instance UUID asked for (it was taken)
        World w = new World(new Estate().located("a"));
        String given = "42a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b";
        w.agents = s -> s.step() == CREATE_ON_PREMISES_VM ? VcenterResult.newBuilder((VcenterResult) World.ok(s))
                .setOutcome(new VmCreated("a-recovered", given, false)).build() : World.ok(s);

        // when it fails back
        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        // then the attach and the power-on find the VM under the UUID vCenter gave it
        assertThat(command(w, ATTACH_TO_ON_PREMISES_VM, AttachDisks.class).getInstanceUuid()).isEqualTo(given);
        assertThat(command(w, POWER_ON_ON_PREMISES_VM, PowerOnVm.class).getInstanceUuid()).isEqualTo(given);
        assertThat(w.vm("job-1", "a").target().onPremisesInstanceUuid()).isEqualTo(given);
    }

    @Test
    void shouldRollBackWhenTheCreationAnswersWithoutTheVmItMade() {
        // given an agent that answers OK to the creation but names no VM
        World w = new World(new Estate().located("a"));
        w.agents = s -> s.step() == CREATE_ON_PREMISES_VM
                ? VcenterResult.newBuilder((VcenterResult) World.ok(s)).setOutcome(null).build() : World.ok(s);

        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        // then no disk is detached from the master target, and the VM rolls back with the reason named
        assertThat(w.stepsOf("a")).doesNotContain(DETACH_FROM_MASTER_TARGET);
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.STEP_FAILED);
    }

    @Test
    void shouldCommitAnAlternateLocationVmLikeAnyOther() {
        World w = new World(new Estate().located("a"));
        w.failBack(requestAt("job-1", "a", Estate.location("a-recovered")).build());

        w.control("job-1", ControlAction.COMMIT);
        w.settle();

        assertThat(w.stepsOf("a")).contains(DELETE_AZURE_VM).doesNotContain(ROLLBACK_DESTROY_CREATED_VM);
        assertThat(w.vmState("a")).isEqualTo(VmState.COMMITTED);
    }
}
