package io.failback.orchestrator.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.failback.messages.*;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.failback.messages.Step.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FailbackSagaTest {

    static final List<Step> LINUX_FORWARD = List.of(CHECK_AZURE_VM, CHECK_VCENTER, SHUT_DOWN_AZURE_VM, PREPARE_FAILBACK,
            POWER_OFF_ON_PREMISES_VM, DETACH_FROM_MASTER_TARGET, ATTACH_TO_ON_PREMISES_VM, POWER_ON_ON_PREMISES_VM);

    @Nested
    class HappyPath {

        @Test
        void shouldFailBackAWindowsVmStepByStepAndDeleteTheAzureVmOnlyOnCommit() {
            World w = new World(new Estate().windows("web01"));

            w.failBack(Estate.request("job-1", "web01").build());

            assertThat(w.stepsOf("web01")).containsExactly(CHECK_AZURE_VM, CHECK_VCENTER, SHUT_DOWN_AZURE_VM, PREPARE_FAILBACK,
                    POWER_OFF_ON_PREMISES_VM, DETACH_FROM_MASTER_TARGET, ATTACH_TO_ON_PREMISES_VM, ENABLE_VMWARE_TOOLS,
                    POWER_ON_ON_PREMISES_VM);
            assertThat(w.vmState("web01")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);

            w.control("job-1", ControlAction.COMMIT);
            w.settle();

            assertThat(w.stepsOf("web01")).endsWith(POWER_ON_ON_PREMISES_VM, DELETE_AZURE_VM);
            assertThat(w.vmState("web01")).isEqualTo(VmState.COMMITTED);
            assertThat(w.jobState()).isEqualTo(JobState.COMPLETED);
            assertThat(w.claimHolders).isEmpty();
        }

        @Test
        void shouldNameInTheDeleteTheDisksAndInterfacesThePreflightReadSoAnInterruptedDeleteCanFinish() {
            World w = new World(new Estate().vm("db01"));

            w.failBack(Estate.request("job-1", "db01").build());
            w.control("job-1", ControlAction.COMMIT);
            w.settle();

            DeleteAzureVm delete = (DeleteAzureVm) w.allCommands.stream().filter(s -> s.step() == DELETE_AZURE_VM)
                    .findFirst().orElseThrow().operation();
            assertThat(delete.getManagedDiskIds()).containsExactlyElementsOf(World.azureDisksOf("db01"));
            assertThat(delete.getNetworkInterfaceIds()).containsExactly(World.azureNicOf("db01"));
            assertThat(delete.getDeleteDisks()).isTrue();
            assertThat(delete.getDeleteNetworkInterfaces()).isTrue();
        }

        @Test
        void shouldSkipVmwareToolsForLinuxAndSendEachCommandToTheRightPlaces() {
            World w = new World(new Estate().vm("db01"));

            w.failBack(Estate.request("job-1", "db01").build());

            assertThat(w.stepsOf("db01")).containsExactlyElementsOf(LINUX_FORWARD);
            DetachDisks detach = (DetachDisks) w.allCommands.stream().filter(s -> s.step() == DETACH_FROM_MASTER_TARGET)
                    .findFirst().orElseThrow().operation();
            AttachDisks attach = (AttachDisks) w.allCommands.stream().filter(s -> s.step() == ATTACH_TO_ON_PREMISES_VM)
                    .findFirst().orElseThrow().operation();
            assertThat(detach.getVm()).isEqualTo("mt-01");
            assertThat(attach.getVm()).isEqualTo("db01-onprem");
            assertThat(attach.getDisks()).containsExactlyElementsOf(detach.getDisks())
                    .containsExactly("[ds1] mt-01/db01_0.vmdk", "[ds1] mt-01/db01_1.vmdk");
        }

        @Test
        void shouldAuditEveryCommandResultAndDecision() {
            World w = new World(new Estate().vm("db01"));

            w.failBack(Estate.request("job-1", "db01").build());

            List<AuditRecord> audits = w.all.audits;
            assertThat(audits).allMatch(a -> a.getJobId().equals("job-1") && a.getRequestedBy().equals("ops@example.org"));
            w.allCommands.forEach(c -> {
                assertThat(audits).anyMatch(a -> a.getKind() == AuditKind.COMMAND && c.commandId().equals(a.getCommandId()));
                assertThat(audits).anyMatch(a -> a.getKind() == AuditKind.RESULT && c.commandId().equals(a.getCommandId()));
            });
            assertThat(audits).anyMatch(a -> a.getKind() == AuditKind.REQUEST)
                    .anyMatch(a -> a.getKind() == AuditKind.DECISION && a.getAction().equals("job AWAITING_COMMIT"));
        }

        @Test
        void shouldTellTheOperatorOfAVmsPreflightItsStartAReasonFoundAndItsEnd() {
            // given a VM that passes preflight and one whose Azure VM was deleted, in one job
            World w = new World(new Estate().vm("ok").vm("gone"));
            w.agents = s -> s.step() == CHECK_AZURE_VM && s.vmId().equals("gone") ? World.result(s, AzureResultCode.NOT_FOUND) : World.ok(s);

            // when the job is requested and every agent answers
            w.submit(Estate.request("job-1", "ok", "gone").build());
            w.settle();

            // then each VM's status told its preflight's start and end, not which of its checks or its claim came back
            assertThat(statesOf(w, "ok")).containsExactly(VmState.PREFLIGHT, VmState.READY, VmState.REJECTED);
            assertThat(statesOf(w, "gone")).startsWith(VmState.PREFLIGHT).endsWith(VmState.REJECTED);
            // and a reason found while its other check was still out was told at once, with the step it came from
            List<VmStatus> gone = vmStatuses(w, "gone");
            assertThat(gone.subList(1, gone.size())).allSatisfy(status -> assertThat(status.getReasons())
                    .extracting(io.failback.messages.Reason::getCode).containsExactly(ReasonCode.AZURE_VM_DELETED));
            assertThat(gone.get(0).getReasons()).isEmpty();
        }

        private static List<VmStatus> vmStatuses(World w, String vmId) {
            return w.all.statuses.stream().map(StatusEvent::getVm)
                    .filter(vm -> vm != null && vm.getVmId().equals(vmId)).toList();
        }

        private static List<VmState> statesOf(World w, String vmId) {
            return vmStatuses(w, vmId).stream().map(VmStatus::getState).toList();
        }

        @Test
        void shouldRecordEachCompensationBeforeTheStepItUndoes() {
            World w = new World(new Estate().windows("db01"));
            java.util.Map<Step, List<Step>> undoWhenSent = new java.util.EnumMap<>(Step.class);
            // the agents see the stored VM right after the command was sent, before any answer
            w.agents = s -> {
                undoWhenSent.put(s.step(), w.vm("job-1", "db01").compensations());
                return World.ok(s);
            };

            w.failBack(Estate.request("job-1", "db01").build());

            assertThat(undoWhenSent.get(SHUT_DOWN_AZURE_VM)).containsExactly(ROLLBACK_START_AZURE_VM);
            assertThat(undoWhenSent.get(PREPARE_FAILBACK)).containsExactly(ROLLBACK_START_AZURE_VM, ROLLBACK_RESUME_REPLICATION);
            assertThat(undoWhenSent.get(POWER_OFF_ON_PREMISES_VM)).containsExactly(ROLLBACK_START_AZURE_VM, ROLLBACK_RESUME_REPLICATION);
            assertThat(undoWhenSent.get(DETACH_FROM_MASTER_TARGET)).containsExactly(ROLLBACK_START_AZURE_VM, ROLLBACK_RESUME_REPLICATION,
                    ROLLBACK_ATTACH_TO_MASTER_TARGET);
            assertThat(undoWhenSent.get(ATTACH_TO_ON_PREMISES_VM)).containsExactly(ROLLBACK_START_AZURE_VM, ROLLBACK_RESUME_REPLICATION,
                    ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_DETACH_FROM_ON_PREMISES_VM);
            assertThat(undoWhenSent.get(POWER_ON_ON_PREMISES_VM)).containsExactly(ROLLBACK_START_AZURE_VM, ROLLBACK_RESUME_REPLICATION,
                    ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_POWER_OFF);
        }
    }

    @Nested
    class RequestValidation {

        @Test
        void shouldRefuseAnEmptyRequest() {
            World w = new World(new Estate());

            w.submit(Estate.request("job-1").build());

            assertRejected(w, "job-1", ReasonCode.EMPTY_REQUEST);
        }

        @Test
        void shouldRefuseVmsAndPlanTogetherAndNameTheField() {
            World w = new World(new Estate().plan("p", List.of(List.of("a"))));

            w.submit(Estate.request("job-1", "a").setPlanId("p").build());

            assertRejected(w, "job-1", ReasonCode.INVALID_FIELD);
        }

        @Test
        void shouldRefuseUnknownVmsNamingEachOne() {
            World w = new World(new Estate().vm("a"));

            w.submit(Estate.request("job-1", "a", "ghost1", "ghost2").build());

            assertRejected(w, "job-1", ReasonCode.UNKNOWN_VM);
            assertThat(w.lastJobStatus("job-1").getReasons().get(0).getMessage()).contains("ghost1", "ghost2");
        }

        @Test
        void shouldRefuseAnUnknownPlanAndAnIncompletePlan() {
            Estate estate = new Estate().plan("p", List.of(List.of("a", "b")));
            estate.members.get("p").remove(1); // compaction or a lost record: the header says 2, one is there
            World w = new World(estate);

            w.submit(Estate.planRequest("job-1", "nope").build());
            w.submit(Estate.planRequest("job-2", "p").build());

            assertRejected(w, "job-1", ReasonCode.UNKNOWN_PLAN);
            assertRejected(w, "job-2", ReasonCode.PLAN_INCOMPLETE);
        }

        @Test
        void shouldRefuseAPlanLargerThanAJobOnItsRecordAloneReadingNoneOfItsVms() {
            Estate estate = new Estate().plan("huge", List.of(List.of("a", "b")));
            estate.plans.put("huge", new RecoveryPlan("huge", "huge", 1, Intake.MAX_VMS_PER_JOB + 1));
            World w = new World(estate);
            estate.itemsRead = 0;

            w.submit(Estate.planRequest("job-1", "huge").build());

            assertRejected(w, "job-1", ReasonCode.INVALID_FIELD);
            assertThat(w.lastJobStatus("job-1").getReasons().get(0).getMessage()).contains("10001 VMs", "at most 10000");
            assertThat(estate.membersRead).as("members read").isZero();
            assertThat(estate.itemsRead).as("VMs read").isZero();
            assertThat(estate.pointListsRead).as("recovery points read").isZero();
        }

        @Test
        void shouldRefuseAPlanWhoseInventoryHoldsMoreMembersThanAJobAfterReadingOneMoreThanAJobHolds() {
            // its record says 2, the inventory topic was given 20,000 members for it (a hostile or broken producer)
            List<String> many = java.util.stream.IntStream.range(0, 2 * Intake.MAX_VMS_PER_JOB).mapToObj(i -> "vm-" + i).toList();
            Estate estate = new Estate().plan("padded", List.of(many));
            estate.plans.put("padded", new RecoveryPlan("padded", "padded", 1, 2));
            World w = new World(estate);
            estate.itemsRead = 0;

            w.submit(Estate.planRequest("job-1", "padded").build());

            assertRejected(w, "job-1", ReasonCode.PLAN_INCOMPLETE);
            assertThat(w.lastJobStatus("job-1").getReasons().get(0).getMessage())
                    .contains("lists 2 VMs but the inventory holds more than 10000");
            assertThat(estate.membersRead).as("members read").isEqualTo(Intake.MAX_VMS_PER_JOB + 1);
            assertThat(estate.itemsRead).as("VMs read").isZero();
            assertThat(estate.pointListsRead).as("recovery points read").isZero();
        }

        @Test
        void shouldReadEachVmOfAPlanThatCanBeAJobOnce() {
            Estate estate = new Estate().plan("p", List.of(List.of("a", "b"), List.of("c")));
            World w = new World(estate);
            estate.itemsRead = 0;

            w.submit(Estate.planRequest("job-1", "p").build());

            assertThat(w.job("job-1").state()).isEqualTo(JobState.PREFLIGHT);
            assertThat(estate.membersRead).as("members read").isEqualTo(3);
            assertThat(estate.pointListsRead).as("recovery points read, once per VM").isEqualTo(3);
        }

        @Test
        void shouldRefuseRepeatedVmIdsAndABlankRequester() {
            World w = new World(new Estate().vm("a"));

            w.submit(Estate.request("job-1", "a", "a").build());
            Outbox blank = w.submit(Estate.request("job-2", "a").setRequestedBy(" ").build());

            assertThat(w.job("job-1").reasons()).extracting(Reason::code).containsExactly(ReasonCode.INVALID_FIELD);
            // a blank requester is refused with the other field bounds, before anything is stored
            assertThat(w.job("job-2")).isNull();
            assertThat(blank.statuses.get(0).getJob().getReasons()).singleElement()
                    .satisfies(r -> assertThat(r.getMessage()).contains("requestedBy is empty"));
        }

        private void assertRejected(World w, String jobId, ReasonCode code) {
            assertThat(w.job(jobId).state()).isEqualTo(JobState.REJECTED);
            assertThat(w.lastJobStatus(jobId).getState()).isEqualTo(JobState.REJECTED);
            assertThat(w.lastJobStatus(jobId).getReasons()).extracting(io.failback.messages.Reason::getCode).contains(code);
            assertThat(w.allCommands).noneMatch(c -> c.jobId().equals(jobId));
            assertThat(w.all.audits).anyMatch(a -> a.getJobId().equals(jobId) && a.getKind() == AuditKind.REFUSAL);
        }
    }

    @Nested
    class Bounds {

        @Test
        void shouldRefuseOversizeAndControlCharacterFieldsNamingEachAndStoreNothing() {
            World w = new World(new Estate().vm("a"));

            Outbox out = w.submit(Estate.request("job-1", "a", "b".repeat(450_000))
                    .setRequestedBy("mallory\n2026-11-30 ERROR forged line").build());

            assertThat(w.job("job-1")).as("nothing stored").isNull();
            assertThat(out.statuses).singleElement().satisfies(s -> {
                assertThat(s.getJob().getState()).isEqualTo(JobState.REJECTED);
                assertThat(s.getJob().getReasons()).singleElement().satisfies(r -> {
                    assertThat(r.getCode()).isEqualTo(ReasonCode.INVALID_FIELD);
                    assertThat(r.getMessage()).contains("requestedBy", "vmIds").doesNotContain("\n").hasSizeLessThan(2_000);
                });
                assertThat(s.getJob().getRequestedBy()).doesNotContain("\n");
            });
            assertThat(w.allCommands).isEmpty();
            assertThat(w.claimHolders).isEmpty();
        }

        @Test
        void shouldRefuseMoreVmsThanAJobHoldsAndNumbersOutOfRange() {
            World w = new World(new Estate().vm("a"));
            List<String> many = java.util.stream.IntStream.rangeClosed(0, Intake.MAX_VMS_PER_JOB).mapToObj(i -> "vm-" + i).toList();

            Outbox tooMany = w.submit(Estate.request("job-1").setVmIds(many).build());
            Outbox badDelay = w.submit(Estate.request("job-2", "a").setCommitPolicy(
                    new io.failback.messages.CommitPolicy(io.failback.messages.CommitPolicyKind.AUTO_COMMIT, -5)).build());
            Outbox badServer = w.submit(Estate.request("job-3", "a").setReprotect(new io.failback.messages.ReprotectOptions("ps 01/x")).build());

            assertThat(tooMany.statuses.get(0).getJob().getReasons().get(0).getMessage()).contains("10001 VMs", "at most 10000");
            assertThat(badDelay.statuses.get(0).getJob().getReasons().get(0).getMessage()).contains("delaySeconds", "-5");
            assertThat(badServer.statuses.get(0).getJob().getReasons().get(0).getMessage()).contains("processServer");
            assertThat(List.of(tooMany, badDelay, badServer)).allSatisfy(o -> assertThat(o.statuses.get(0).getJob().getReasons().get(0)
                    .getCode()).isEqualTo(ReasonCode.INVALID_FIELD));
            assertThat(w.store.jobs).isEmpty();
        }

        @Test
        void shouldEscapeAnInvalidRequestIdInTheRefusalsKeyAndText() {
            World w = new World(new Estate().vm("a"));

            Outbox out = w.submit(Estate.request("job\u001b[31m\nX", "a").build());

            assertThat(out.statuses).singleElement().satisfies(s -> {
                assertThat(s.getJobId()).isEqualTo("job\\u001b[31m\\nX");
                assertThat(s.getJob().getReasons().get(0).getMessage()).contains("requestId").doesNotContain("\u001b", "\n");
            });
            assertThat(out.audits).allMatch(a -> a.getJobId().equals("job\\u001b[31m\\nX"));
        }

        @Test
        void shouldRefuseAControlCommandWithAHostileJobIdByAuditOnly() {
            World w = new World(new Estate().vm("a"));
            w.failBack(Estate.request("job-1", "a").build());

            Outbox out = w.control(new io.failback.messages.ControlCommand("c-1", "job-1\nforged", ControlAction.COMMIT,
                    "ops", java.time.Instant.EPOCH, null));

            assertThat(out.audits).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AuditKind.REFUSAL);
                assertThat(a.getJobId()).isEqualTo("job-1\\nforged");
                assertThat(a.getDetail()).startsWith("INVALID_FIELD").contains("jobId");
            });
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        }

        @Test
        void shouldCutAnAgentsHugeMessageBeforeItReachesStateStatusOrAudit() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == ATTACH_TO_ON_PREMISES_VM
                    ? VcenterResult.newBuilder((VcenterResult) World.result(s, io.failback.messages.VcenterResultCode.TASK_FAILED))
                            .setMessage("boom\n" + "x".repeat(900_000)).build()
                    : World.ok(s);

            w.failBack(Estate.request("job-1", "a").build());

            assertThat(w.vm("job-1", "a").reasons()).isNotEmpty().allSatisfy(r -> assertThat(r.message()).hasSizeLessThan(2_000)
                    .doesNotContain("\n"));
            assertThat(w.all.audits).allSatisfy(a -> assertThat(a.getDetail()).hasSizeLessThan(2_000));
            assertThat(w.all.statuses).allSatisfy(s -> assertThat(s.toString()).hasSizeLessThan(4_000));
        }

        @Test
        void shouldRefuseAVmWhoseInventoryRecordIsOutOfBoundsWithoutStoringIt() {
            World w = new World(new Estate().vm("a", i -> i.setOsVersion("Windows\n" + "y".repeat(200_000))));

            w.failBack(Estate.request("job-1", "a").build());

            assertThat(w.reasonCodes("a")).contains(ReasonCode.INVALID_FIELD);
            assertThat(w.vm("job-1", "a").target()).isNull();
            assertThat(w.allCommands).noneMatch(c -> c.step() == SHUT_DOWN_AZURE_VM);
        }
    }

    @Nested
    class PreflightRules {

        static Stream<Arguments> inventoryRules() {
            return Stream.of(
                    arguments("rule 2: protection disabled", (Consumer<ProtectedItem.Builder>) b -> b.setProtectionState(ProtectionState.PROTECTION_DISABLED), ReasonCode.NOT_PROTECTED),
                    arguments("rule 2: reprotect running", (Consumer<ProtectedItem.Builder>) b -> b.setProtectionState(ProtectionState.REPROTECTING), ReasonCode.REPROTECT_NOT_COMPLETED),
                    arguments("rule 2: replicating to Azure", (Consumer<ProtectedItem.Builder>) b -> b.setReplicationDirection(ReplicationDirection.ON_PREMISES_TO_AZURE), ReasonCode.REPROTECT_NOT_COMPLETED),
                    arguments("rule 2: health critical", (Consumer<ProtectedItem.Builder>) b -> b.setReplicationHealth(ReplicationHealth.CRITICAL), ReasonCode.REPLICATION_UNHEALTHY),
                    arguments("rule 3: migrated", (Consumer<ProtectedItem.Builder>) b -> b.setMigrationCompleted(true), ReasonCode.MIGRATION_COMPLETED),
                    arguments("rule 4: physical 2008 R2", (Consumer<ProtectedItem.Builder>) b -> b.setServerType(ServerType.PHYSICAL_SERVER).setOsType(OsType.WINDOWS).setOsVersion("Windows Server 2008 R2 SP1"), ReasonCode.UNSUPPORTED_PHYSICAL_OS),
                    arguments("rule 5: Hyper-V target", (Consumer<ProtectedItem.Builder>) b -> b.setTargetHypervisor(TargetHypervisor.HYPER_V), ReasonCode.HYPER_V_TARGET),
                    arguments("rule 7: unknown configuration server", (Consumer<ProtectedItem.Builder>) b -> b.setConfigurationServer("cs-gone"), ReasonCode.CONFIG_SERVER_NOT_CONNECTED));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("inventoryRules")
        void shouldRejectAVmThatBreaksAnInventoryRuleBeforeAnythingChanges(String rule, Consumer<ProtectedItem.Builder> change,
                                                                          ReasonCode expected) {
            World w = new World(new Estate().vm("a", change));

            w.failBack(Estate.request("job-1", "a").build());

            assertRejectedWithNothingChanged(w, "a", expected);
        }

        @Test
        void shouldAllowAPhysicalServerOnANewerWindows() {
            // a physical server fails back to a new VM only (issue 12 item 4): the request names where
            World w = new World(new Estate().vm("a", b -> b.setServerType(ServerType.PHYSICAL_SERVER).setOsType(OsType.WINDOWS)
                    .setOsVersion("Windows Server 2012 R2").setMasterTarget("mt-win-01")).located("a"));

            w.failBack(Estate.request("job-1", "a").setAlternateLocations(List.of(
                    new io.failback.messages.VmAlternateLocation("a", Estate.location("a-vm")))).build());

            assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }

        @Test
        void shouldRejectWhenTheConfigurationServerIsStoppedOrItsHeartbeatIsStale() {
            Estate stopped = new Estate().vm("a");
            stopped.heartbeats.put("cs-01", new ConfigServerHeartbeat("cs-01", ConfigServerState.STOPPED, false, Instant.ofEpochMilli(Estate.T0)));
            Estate stale = new Estate().vm("a");
            stale.heartbeats.put("cs-01", new ConfigServerHeartbeat("cs-01", ConfigServerState.RUNNING, true,
                    Instant.ofEpochMilli(Estate.T0 - Duration.ofMinutes(6).toMillis())));

            for (Estate estate : List.of(stopped, stale)) {
                World w = new World(estate);
                w.failBack(Estate.request("job-1", "a").build());
                assertRejectedWithNothingChanged(w, "a", ReasonCode.CONFIG_SERVER_NOT_CONNECTED);
            }
        }

        @Test
        void shouldRejectWhenTheAzureVmWasDeletedOrMoved() {
            World deleted = new World(new Estate().vm("a"));
            deleted.agents = s -> s.step() == CHECK_AZURE_VM ? World.result(s, AzureResultCode.NOT_FOUND) : World.ok(s);
            World moved = new World(new Estate().vm("a"));
            moved.agents = s -> s.step() == CHECK_AZURE_VM ? AzureResult.newBuilder((AzureResult) World.ok(s))
                    .setOutcome(new AzureVmState(true, "rg-elsewhere", AzurePowerState.RUNNING, List.of(), List.of())).build() : World.ok(s);

            deleted.submit(Estate.request("job-1", "a").build());
            deleted.settle();
            moved.submit(Estate.request("job-1", "a").build());
            moved.settle();

            assertRejectedWithNothingChanged(deleted, "a", ReasonCode.AZURE_VM_DELETED);
            assertRejectedWithNothingChanged(moved, "a", ReasonCode.AZURE_VM_MOVED);
        }

        @Test
        void shouldRejectWhenVcenterIsNotConnected() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == CHECK_VCENTER ? World.result(s, VcenterResultCode.NOT_CONNECTED) : World.ok(s);

            w.failBack(Estate.request("job-1", "a").build());

            assertRejectedWithNothingChanged(w, "a", ReasonCode.VCENTER_NOT_CONNECTED);
        }

        @Test
        void shouldRejectWhenTheMasterTargetHasSnapshots() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == CHECK_VCENTER ? VcenterResult.newBuilder((VcenterResult) World.ok(s))
                    .setOutcome(MasterTargetInspected.newBuilder(World.inspection((InspectMasterTarget) s.operation())).setSnapshotCount(2).build()).build()
                    : World.ok(s);

            w.failBack(Estate.request("job-1", "a").build());

            assertRejectedWithNothingChanged(w, "a", ReasonCode.MASTER_TARGET_HAS_SNAPSHOTS);
        }

        @Test
        void shouldRejectAVmWithoutRecoveryPointAndAPlanUntilEveryVmHasOne() {
            World w = new World(new Estate().plan("p", List.of(List.of("a", "b"))).noPoints("b"));

            w.failBack(Estate.planRequest("job-1", "p").build());

            assertThat(w.reasonCodes("b")).containsExactly(ReasonCode.NO_RECOVERY_POINT);
            assertThat(w.vmState("a")).isEqualTo(VmState.REJECTED);
            assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT);
            assertThat(w.jobState()).isEqualTo(JobState.REJECTED);
            assertThat(w.stepsOf("a")).containsExactly(CHECK_AZURE_VM, CHECK_VCENTER);
        }

        @Test
        void shouldReportEveryFailingVmOfAPlanWithEveryReason() {
            Estate estate = new Estate().plan("p", List.of(List.of("ok1", "twice"), List.of("ghost-free", "nopoint")))
                    .vm("twice", b -> b.setMigrationCompleted(true).setTargetHypervisor(TargetHypervisor.HYPER_V))
                    .noPoints("nopoint");
            estate.items.remove("ghost-free");
            World w = new World(estate);
            w.agents = s -> s.vmId().equals("twice") && s.step() == CHECK_VCENTER
                    ? World.result(s, VcenterResultCode.NOT_CONNECTED) : World.ok(s);

            w.failBack(Estate.planRequest("job-1", "p").build());

            assertThat(w.lastStatus("twice").getReasons()).extracting(io.failback.messages.Reason::getCode)
                    .containsExactlyInAnyOrder(ReasonCode.MIGRATION_COMPLETED, ReasonCode.HYPER_V_TARGET, ReasonCode.VCENTER_NOT_CONNECTED);
            assertThat(w.lastStatus("ghost-free").getReasons()).extracting(io.failback.messages.Reason::getCode)
                    .containsExactly(ReasonCode.NOT_IN_INVENTORY);
            assertThat(w.lastStatus("nopoint").getReasons()).extracting(io.failback.messages.Reason::getCode)
                    .containsExactly(ReasonCode.NO_RECOVERY_POINT);
            assertThat(w.lastJobStatus("job-1").getState()).isEqualTo(JobState.REJECTED);
            assertThat(w.lastJobStatus("job-1").getReasons().get(0).getMessage()).startsWith("3 of 4 VM(s) failed preflight");
            assertThat(w.allCommands).allMatch(c -> c.step() == CHECK_AZURE_VM || c.step() == CHECK_VCENTER);
            assertThat(w.claimHolders).isEmpty();
        }

        private void assertRejectedWithNothingChanged(World w, String vmId, ReasonCode expected) {
            assertThat(w.vm("job-1", vmId).state()).isEqualTo(VmState.REJECTED);
            assertThat(w.vm("job-1", vmId).reasons()).extracting(Reason::code).contains(expected);
            assertThat(w.jobState()).isEqualTo(JobState.REJECTED);
            assertThat(w.allCommands).allMatch(c -> c.step() == CHECK_AZURE_VM || c.step() == CHECK_VCENTER);
            assertThat(w.claimHolders).isEmpty();
        }
    }

    @Nested
    class RecoveryPoints {

        @Test
        void shouldTakeEachVmsOwnLatestPointForLatestEvenInAReplicationGroup() {
            Estate e = new Estate().vm("a", b -> b.setReplicationGroup("rg1")).vm("b", b -> b.setReplicationGroup("rg1"));
            e.point("b", "b-newest", Estate.T0 - 1_000, Consistency.CRASH_CONSISTENT, null);
            World w = new World(e);

            w.failBack(Estate.request("job-1", "a", "b").build());

            assertThat(w.vm("job-1", "a").point().pointId()).isEqualTo("crash-a");
            assertThat(w.vm("job-1", "b").point().pointId()).isEqualTo("b-newest");
            assertThat(w.lastStatus("b").getRecoveryPoint().getDataLossWindowMillis()).isEqualTo(1_000L);
        }

        @Test
        void shouldTakeALoneVmsLatestAppConsistentPointAndReportTheDataLossWindow() {
            Estate e = new Estate().vm("a");
            e.point("a", "app-newer", Estate.T0 - 120_000, Consistency.APP_CONSISTENT, null);
            World w = new World(e);

            w.failBack(Estate.request("job-1", "a").setRecoveryPoint(Estate.appConsistent()).build());

            ChosenRecoveryPoint p = w.lastStatus("a").getRecoveryPoint();
            assertThat(p.getPointId()).isEqualTo("app-newer");
            assertThat(p.getConsistency()).isEqualTo(Consistency.APP_CONSISTENT);
            assertThat(p.getDataLossWindowMillis()).isEqualTo(120_000L);
        }

        @Test
        void shouldTakeTheLatestAppConsistentPointThatAllVmsOfAReplicationGroupShare() {
            Estate e = new Estate().vm("a", b -> b.setReplicationGroup("rg1")).vm("b", b -> b.setReplicationGroup("rg1"))
                    .point("a", "a-c1", Estate.T0 - 300_000, Consistency.APP_CONSISTENT, "c1")
                    .point("b", "b-c1", Estate.T0 - 299_000, Consistency.APP_CONSISTENT, "c1")
                    .point("a", "a-c2", Estate.T0 - 60_000, Consistency.APP_CONSISTENT, "c2"); // b has no c2 yet
            World w = new World(e);

            w.failBack(Estate.request("job-1", "a", "b").setRecoveryPoint(Estate.appConsistent()).build());

            assertThat(w.vm("job-1", "a").point().pointId()).isEqualTo("a-c1");
            assertThat(w.vm("job-1", "b").point().pointId()).isEqualTo("b-c1");
            assertThat(w.vm("job-1", "a").point().dataLossWindowMillis()).isEqualTo(300_000L);
        }

        @Test
        void shouldRejectAReplicationGroupWithoutACommonAppConsistentPoint() {
            Estate e = new Estate().vm("a", b -> b.setReplicationGroup("rg1")).vm("b", b -> b.setReplicationGroup("rg1"))
                    .point("a", "a-c1", Estate.T0 - 300_000, Consistency.APP_CONSISTENT, "c1")
                    .point("b", "b-c2", Estate.T0 - 200_000, Consistency.APP_CONSISTENT, "c2");
            World w = new World(e);

            w.failBack(Estate.request("job-1", "a", "b").setRecoveryPoint(Estate.appConsistent()).build());

            assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.NO_COMMON_APP_CONSISTENT_POINT);
            assertThat(w.reasonCodes("b")).containsExactly(ReasonCode.NO_COMMON_APP_CONSISTENT_POINT);
            assertThat(w.jobState()).isEqualTo(JobState.REJECTED);
        }
    }

    @Nested
    class PlanGroups {

        @Test
        void shouldStartTheVmsInBootGroupOrderOncePreflightPassesWhateverTheirIds() {
            World w = new World(new Estate().plan("p", List.of(List.of("z1", "z2"), List.of("a1"), List.of("m1"))));

            w.failBack(Estate.planRequest("job-1", "p").build());

            // group 1 first: its Azure VMs shut down and its disks moved before the later groups', so it is back soonest
            List<String> shutdowns = w.allCommands.stream().filter(s -> s.step() == SHUT_DOWN_AZURE_VM).map(World.Sent::vmId).toList();
            assertThat(shutdowns).hasSize(4);
            assertThat(shutdowns.subList(0, 2)).containsExactlyInAnyOrder("z1", "z2");
            assertThat(shutdowns.subList(2, 4)).containsExactly("a1", "m1");
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        }

        @Test
        void shouldPowerOnGroupTwoOnlyAfterEveryVmOfGroupOneIsOn() {
            World w = new World(new Estate().plan("p", List.of(List.of("g1a", "g1b"), List.of("g2a"))));
            // group 1's second VM holds its power-on until the test releases it
            w.agents = s -> s.vmId().equals("g1b") && s.step() == POWER_ON_ON_PREMISES_VM ? null : World.ok(s);

            w.failBack(Estate.planRequest("job-1", "p").build());

            assertThat(w.vmState("g2a")).isEqualTo(VmState.WAITING_FOR_GROUP);
            assertThat(w.vm("job-1", "g2a").compensations()).contains(ROLLBACK_DETACH_FROM_ON_PREMISES_VM);
            assertThat(w.stepsOf("g2a")).doesNotContain(POWER_ON_ON_PREMISES_VM);
            assertThat(w.lastJobStatus("job-1").getCurrentGroup()).isEqualTo(1);

            World.Sent held = w.outstanding.stream().filter(s -> s.vmId().equals("g1b")).findFirst().orElseThrow();
            w.outstanding.remove(held);
            w.agents = World::ok;
            w.deliver(World.ok(held));
            w.settle();

            assertThat(w.stepsOf("g2a")).endsWith(POWER_ON_ON_PREMISES_VM);
            assertThat(w.lastJobStatus("job-1").getCurrentGroup()).isEqualTo(2);
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        }

        @Test
        void shouldPowerOnAVmWhoseGroupSiblingFailedBeforeItsAttachWasAnsweredAndEndPartiallyCompletedOnCommit() {
            // found by the fault suite: a frozen vCenter timed out a VM's attach while its group sibling's attach was
            // still running; when that one finished, it waited for its own, blocked group for ever, half-way; and a
            // commit then ended the job ROLLED_BACK as soon as the first VM (rolled back) was looked at, deletes running
            World w = new World(new Estate().plan("p", List.of(List.of("g1a", "g1b"), List.of("g2a"))));
            w.agents = s -> s.vmId().equals("g1b") && s.step() == ATTACH_TO_ON_PREMISES_VM ? null
                    : s.vmId().equals("g1a") && s.step() == ATTACH_TO_ON_PREMISES_VM ? World.result(s, VcenterResultCode.TASK_FAILED)
                    : World.ok(s);
            w.failBack(Estate.planRequest("job-1", "p").build());
            assertThat(w.vmState("g1a")).isEqualTo(VmState.ROLLED_BACK);

            w.agents = World::ok; // the late attach of g1b comes back
            w.settle();

            assertThat(w.vmState("g1b")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(w.stepsOf("g1b")).contains(POWER_ON_ON_PREMISES_VM);
            assertThat(w.vmState("g2a")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);

            w.control("job-1", ControlAction.COMMIT);
            assertThat(w.jobState()).as("deletes in flight").isEqualTo(JobState.COMMITTING);
            w.settle();

            assertThat(w.vmState("g1b")).isEqualTo(VmState.COMMITTED);
            assertThat(w.jobState()).isEqualTo(JobState.PARTIALLY_COMPLETED);
        }

        @Test
        void shouldRollBackLaterGroupsWhenAVmOfAnEarlierGroupFails() {
            World w = new World(new Estate().plan("p", List.of(List.of("g1a", "g1b"), List.of("g2a"))));
            w.agents = s -> s.vmId().equals("g1b") && s.step() == ATTACH_TO_ON_PREMISES_VM
                    ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);

            w.failBack(Estate.planRequest("job-1", "p").build());

            assertThat(w.vmState("g1a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(w.vmState("g1b")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.vmState("g2a")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.reasonCodes("g2a")).containsExactly(ReasonCode.DEPENDENCY_GROUP_FAILED);
            assertThat(w.stepsOf("g2a")).doesNotContain(POWER_ON_ON_PREMISES_VM).endsWith(ROLLBACK_START_AZURE_VM);
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);

            w.control("job-1", ControlAction.COMMIT);
            w.settle();

            assertThat(w.stepsOf("g1a")).endsWith(DELETE_AZURE_VM);
            assertThat(w.stepsOf("g1b")).doesNotContain(DELETE_AZURE_VM);
            assertThat(w.jobState()).isEqualTo(JobState.PARTIALLY_COMPLETED);
        }
    }

    @Nested
    class Rollback {

        static Stream<Arguments> failingSteps() {
            return Stream.of(
                    arguments(SHUT_DOWN_AZURE_VM, List.of(ROLLBACK_START_AZURE_VM)),
                    arguments(POWER_OFF_ON_PREMISES_VM, List.of(ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM)),
                    arguments(DETACH_FROM_MASTER_TARGET, List.of(ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM)),
                    arguments(ATTACH_TO_ON_PREMISES_VM, List.of(ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM)),
                    arguments(ENABLE_VMWARE_TOOLS, List.of(ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM)),
                    arguments(POWER_ON_ON_PREMISES_VM, List.of(ROLLBACK_POWER_OFF, ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM)));
        }

        @ParameterizedTest(name = "failure at {0}")
        @MethodSource("failingSteps")
        void shouldUndoEveryStepDoneSoFarInReverseOrderSoTheWorkloadRunsInAzure(Step failing, List<Step> undo) {
            World w = new World(new Estate().windows("a"));
            w.agents = s -> s.step() == failing ? World.result(s, failing == SHUT_DOWN_AZURE_VM
                    ? AzureResultCode.SERVER_ERROR : VcenterResultCode.TASK_FAILED) : World.ok(s);

            w.failBack(Estate.request("job-1", "a").build());

            List<Step> steps = w.stepsOf("a");
            assertThat(steps.subList(steps.indexOf(failing) + 1, steps.size())).containsExactlyElementsOf(undo);
            assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.STEP_FAILED);
            assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
            assertThat(steps).doesNotContain(DELETE_AZURE_VM);
            assertThat(w.claimHolders).isEmpty();
        }

        @Test
        void shouldNameADiskAttachedElsewhere() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == ATTACH_TO_ON_PREMISES_VM ? World.result(s, VcenterResultCode.DISK_ATTACHED_ELSEWHERE) : World.ok(s);

            w.failBack(Estate.request("job-1", "a").build());

            assertThat(w.lastStatus("a").getReasons()).extracting(io.failback.messages.Reason::getCode)
                    .containsExactly(ReasonCode.DISK_ATTACHED_ELSEWHERE);
            assertThat(w.lastStatus("a").getState()).isEqualTo(VmState.ROLLED_BACK);
        }

        @Test
        void shouldStopAndReportWhenARollbackStepFails() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == ATTACH_TO_ON_PREMISES_VM || s.step() == ROLLBACK_ATTACH_TO_MASTER_TARGET
                    ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);

            w.failBack(Estate.request("job-1", "a").build());

            // issue 12 item 6: a stopped rollback waits for an operator's retry (was FAILED, with no way to resume)
            VmJob vm = w.vm("job-1", "a");
            assertThat(vm.state()).isEqualTo(VmState.NEEDS_ATTENTION);
            assertThat(vm.reasons()).extracting(Reason::code).containsExactly(ReasonCode.STEP_FAILED, ReasonCode.ROLLBACK_FAILED);
            assertThat(vm.reasons().get(1).message()).contains("ROLLBACK_ATTACH_TO_MASTER_TARGET", "ROLLBACK_START_AZURE_VM");
            assertThat(w.jobState()).isEqualTo(JobState.NEEDS_ATTENTION);
        }
    }

    @Nested
    class Timeouts {

        @Test
        void shouldSendAnUnansweredCommandAgainWithTheSameIdThenFailTheStepAndRollBack() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == DETACH_FROM_MASTER_TARGET ? null : World.ok(s);
            w.failBack(Estate.request("job-1", "a").build());
            String detachId = w.vm("job-1", "a").pending().keySet().iterator().next();

            w.advance(Duration.ofMinutes(1));
            assertThat(w.commandsPerId().get(detachId)).isEqualTo(1);
            w.advance(Duration.ofMinutes(1).plusSeconds(1));
            w.advance(Duration.ofMinutes(2).plusSeconds(1));
            assertThat(w.commandsPerId().get(detachId)).isEqualTo(3);

            w.advance(Duration.ofMinutes(2).plusSeconds(1));
            w.settle();

            assertThat(w.commandsPerId().get(detachId)).isEqualTo(3);
            VmJob vm = w.vm("job-1", "a");
            assertThat(vm.reasons()).extracting(Reason::code).containsExactly(ReasonCode.STEP_TIMEOUT);
            assertThat(vm.state()).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.stepsOf("a")).endsWith(DETACH_FROM_MASTER_TARGET, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
        }

        @Test
        void shouldAuditAndIgnoreAStaleOrDuplicateResult() {
            World w = new World(new Estate().vm("a"));
            w.failBack(Estate.request("job-1", "a").build());
            World.Sent shutdown = w.allCommands.stream().filter(s -> s.step() == SHUT_DOWN_AZURE_VM).findFirst().orElseThrow();
            int commandsBefore = w.allCommands.size();

            Outbox out = w.deliver(World.ok(shutdown));

            assertThat(out.audits).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AuditKind.STALE_RESULT);
                assertThat(a.getCommandId()).isEqualTo(shutdown.commandId());
            });
            assertThat(out.statuses).isEmpty();
            assertThat(w.allCommands).hasSize(commandsBefore);
        }
    }

    @Nested
    class CancelAndCommitPolicies {

        @Test
        void shouldRollBackEveryVmOnCancelInTheMiddleOfAPlanWaitingForTheStepInFlight() {
            World w = new World(new Estate().plan("p", List.of(List.of("a", "b"))));
            w.agents = s -> s.vmId().equals("b") && s.step() == DETACH_FROM_MASTER_TARGET ? null : World.ok(s);
            w.failBack(Estate.planRequest("job-1", "p").build());
            assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);

            w.control("job-1", ControlAction.CANCEL);
            assertThat(w.vmState("b")).isEqualTo(VmState.FAILING_BACK); // detach still in flight
            w.agents = World::ok;
            w.settle();

            assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.vmState("b")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.stepsOf("b")).endsWith(DETACH_FROM_MASTER_TARGET, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
            assertThat(w.reasonCodes("b")).containsExactly(ReasonCode.CANCELLED_BY_OPERATOR);
            assertThat(w.jobState()).isEqualTo(JobState.CANCELLED);
            assertThat(w.allCommands).noneMatch(c -> c.step() == DELETE_AZURE_VM);
        }

        @Test
        void shouldCancelDuringPreflightWithoutTouchingAnything() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> null;
            w.submit(Estate.request("job-1", "a").build());

            w.control("job-1", ControlAction.CANCEL);
            w.agents = World::ok;
            w.settle();

            assertThat(w.jobState()).isEqualTo(JobState.CANCELLED);
            assertThat(w.allCommands).allMatch(c -> c.step() == CHECK_AZURE_VM || c.step() == CHECK_VCENTER);
            assertThat(w.claimHolders).isEmpty();
        }

        @Test
        void shouldRefuseCancelAfterCommitWithAReason() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == DELETE_AZURE_VM ? null : World.ok(s);
            w.failBack(Estate.request("job-1", "a").build());
            w.control("job-1", ControlAction.COMMIT);
            w.settle();

            Outbox out = w.control("job-1", ControlAction.CANCEL);

            assertThat(out.statuses).singleElement().satisfies(s -> assertThat(s.getJob().getReasons())
                    .extracting(io.failback.messages.Reason::getCode).containsExactly(ReasonCode.CANCEL_AFTER_COMMIT));
            assertThat(out.audits).anyMatch(a -> a.getKind() == AuditKind.REFUSAL);
            assertThat(w.jobState()).isEqualTo(JobState.COMMITTING);
        }

        @Test
        void shouldRefuseCommitBeforeTheJobAwaitsIt() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == SHUT_DOWN_AZURE_VM ? null : World.ok(s);
            w.failBack(Estate.request("job-1", "a").build());

            Outbox out = w.control("job-1", ControlAction.COMMIT);

            assertThat(out.statuses.get(0).getJob().getReasons().get(0).getCode()).isEqualTo(ReasonCode.NOT_AWAITING_COMMIT);
            assertThat(w.allCommands).noneMatch(c -> c.step() == DELETE_AZURE_VM);
        }

        @Test
        void shouldAnswerASecondCommitWhileCommittingByNameAndSendNoSecondDelete() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == DELETE_AZURE_VM ? null : World.ok(s);
            w.failBack(Estate.request("job-1", "a").build());
            w.control("job-1", ControlAction.COMMIT);
            w.settle();

            Outbox out = w.control("job-1", ControlAction.COMMIT);

            assertThat(out.statuses).singleElement().satisfies(s -> assertThat(s.getJob().getReasons()).singleElement()
                    .satisfies(r -> {
                        assertThat(r.getCode()).isEqualTo(ReasonCode.NOT_AWAITING_COMMIT);
                        assertThat(r.getMessage()).contains("already committed", "COMMITTING");
                    }));
            assertThat(out.audits).anyMatch(a -> a.getKind() == AuditKind.REFUSAL && a.getDetail().startsWith("NOT_AWAITING_COMMIT"));
            assertThat(out.azureCommands).isEmpty();
            assertThat(w.allCommands).filteredOn(c -> c.step() == DELETE_AZURE_VM).hasSize(1);
        }

        @Test
        void shouldAnswerACommitAfterCompletionAsAlreadyFinished() {
            World w = new World(new Estate().vm("a"));
            w.failBack(Estate.request("job-1", "a").build());
            w.control("job-1", ControlAction.COMMIT);
            w.settle();
            assertThat(w.jobState()).isEqualTo(JobState.COMPLETED);

            Outbox out = w.control("job-1", ControlAction.COMMIT);

            assertThat(out.statuses).singleElement().satisfies(s -> assertThat(s.getJob().getReasons()).singleElement()
                    .satisfies(r -> {
                        assertThat(r.getCode()).isEqualTo(ReasonCode.JOB_ALREADY_FINISHED);
                        assertThat(r.getMessage()).contains("COMPLETED after its commit");
                    }));
            assertThat(out.audits).anyMatch(a -> a.getKind() == AuditKind.REFUSAL);
            assertThat(out.azureCommands).isEmpty();
            assertThat(w.jobState()).isEqualTo(JobState.COMPLETED);
        }

        @Test
        void shouldNotDeleteAnythingUnderManualCommitUntilCommitArrives() {
            World w = new World(new Estate().vm("a"));
            w.failBack(Estate.request("job-1", "a").build());

            w.advance(Duration.ofDays(1));
            w.settle();

            assertThat(w.allCommands).noneMatch(c -> c.step() == DELETE_AZURE_VM);
            assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        }

        @Test
        void shouldCommitByItselfAfterTheAutoCommitDelay() {
            World w = new World(new Estate().vm("a"));
            w.failBack(Estate.request("job-1", "a").setCommitPolicy(Estate.policy(CommitPolicyKind.AUTO_COMMIT, 300)).build());

            w.advance(Duration.ofSeconds(299));
            assertThat(w.allCommands).noneMatch(c -> c.step() == DELETE_AZURE_VM);
            w.advance(Duration.ofSeconds(1));
            w.settle();

            assertThat(w.stepsOf("a")).endsWith(DELETE_AZURE_VM);
            assertThat(w.jobState()).isEqualTo(JobState.COMPLETED);
        }

        @Test
        void shouldCommitAtOnceWhenTheAutoCommitDelayIsZeroWithoutWaitingForTheTimers() {
            World w = new World(new Estate().vm("a").windows("b"));
            w.failBack(Estate.request("job-1", "a", "b").setCommitPolicy(Estate.policy(CommitPolicyKind.AUTO_COMMIT, 0)).build());

            // no time passed and no timer fired: the last VM's power-on answer itself let the commit go
            assertThat(w.stepsOf("a")).endsWith(POWER_ON_ON_PREMISES_VM, DELETE_AZURE_VM);
            assertThat(w.stepsOf("b")).endsWith(DELETE_AZURE_VM);
            assertThat(w.jobState()).isEqualTo(JobState.COMPLETED);
            // the operator saw the job await its commit, then commit, in that order, and the trail names the approver
            List<JobState> seen = w.all.statuses.stream().filter(e -> e.getJob() != null).map(e -> e.getJob().getState()).toList();
            assertThat(seen).containsSubsequence(JobState.RUNNING, JobState.AWAITING_COMMIT, JobState.COMMITTING, JobState.COMPLETED);
            assertThat(w.all.audits).anyMatch(a -> a.getAction().equals("commit accepted") && a.getDetail().equals("auto-commit"));
        }

        @Test
        void shouldRollBackAtOnceWhenTheAutoRollbackDelayIsZero() {
            World w = new World(new Estate().vm("a"));
            w.failBack(Estate.request("job-1", "a").setCommitPolicy(Estate.policy(CommitPolicyKind.AUTO_ROLLBACK, 0)).build());

            assertThat(w.stepsOf("a")).endsWith(POWER_ON_ON_PREMISES_VM, ROLLBACK_POWER_OFF, ROLLBACK_DETACH_FROM_ON_PREMISES_VM,
                    ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
            assertThat(w.stepsOf("a")).doesNotContain(DELETE_AZURE_VM);
            assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.AUTO_ROLLBACK);
            assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
        }

        @Test
        void shouldRollBackByItselfAfterTheAutoRollbackDelay() {
            World w = new World(new Estate().windows("a"));
            w.failBack(Estate.request("job-1", "a").setCommitPolicy(Estate.policy(CommitPolicyKind.AUTO_ROLLBACK, 60)).build());

            w.advance(Duration.ofSeconds(60));
            w.settle();

            assertThat(w.stepsOf("a")).endsWith(POWER_ON_ON_PREMISES_VM, ROLLBACK_POWER_OFF, ROLLBACK_DETACH_FROM_ON_PREMISES_VM,
                    ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
            assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.AUTO_ROLLBACK);
            assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
        }
    }

    @Nested
    class Reprotect {

        @Test
        void shouldRetryReprotectWhileTheAgentIsNotRegisteredThenSucceed() {
            World w = new World(new Estate().vm("a"));
            int[] refusals = {0};
            w.agents = s -> s.step() == REPROTECT && refusals[0]++ < 3
                    ? World.result(s, ReplicationResultCode.AGENT_NOT_REGISTERED) : World.ok(s);
            w.failBack(Estate.request("job-1", "a").setReprotect(Estate.reprotect("ps-02"))
                    .setCommitPolicy(Estate.policy(CommitPolicyKind.AUTO_COMMIT, 0)).build());
            w.advance(Duration.ZERO);
            w.settle();
            assertThat(w.vmState("a")).isEqualTo(VmState.REPROTECTING);

            for (int i = 0; i < 3; i++) {
                w.advance(Duration.ofMinutes(2));
                w.settle();
            }

            assertThat(w.stepsOf("a").stream().filter(s -> s == REPROTECT)).hasSize(4);
            assertThat(((io.failback.messages.Reprotect) w.allCommands.get(w.allCommands.size() - 1).operation())
                    .getProcessServer()).isEqualTo("ps-02");
            assertThat(w.vmState("a")).isEqualTo(VmState.REPROTECTED);
            assertThat(w.vm("job-1", "a").reasons()).isEmpty();
            assertThat(w.jobState()).isEqualTo(JobState.COMPLETED);
        }

        @Test
        void shouldGiveUpReprotectWhenTheAgentNeverRegistersWithinTheWindow() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == REPROTECT ? World.result(s, ReplicationResultCode.AGENT_NOT_REGISTERED) : World.ok(s);
            w.failBack(Estate.request("job-1", "a").setReprotect(Estate.reprotect("ps-01"))
                    .setCommitPolicy(Estate.policy(CommitPolicyKind.AUTO_COMMIT, 0)).build());
            w.advance(Duration.ZERO);
            w.settle();

            for (int minute = 0; minute < 25; minute++) {
                w.advance(Duration.ofMinutes(1));
                w.settle();
            }

            VmJob vm = w.vm("job-1", "a");
            assertThat(vm.state()).isEqualTo(VmState.FAILED);
            assertThat(vm.reasons()).extracting(Reason::code).containsExactly(ReasonCode.REPROTECT_AGENT_NOT_REGISTERED);
            long tries = w.stepsOf("a").stream().filter(s -> s == REPROTECT).count();
            assertThat(tries).isBetween(8L, 20L);
            assertThat(w.jobState()).isEqualTo(JobState.FAILED);
        }
    }

    @Nested
    class DuplicatesAndConflicts {

        @Test
        void shouldTreatARepeatedRequestIdAsTheSameJob() {
            World w = new World(new Estate().vm("a"));
            FailbackRequest request = Estate.request("job-1", "a").build();
            w.failBack(request);
            int commands = w.allCommands.size();

            Outbox again = w.submit(request);

            assertThat(w.allCommands).hasSize(commands);
            assertThat(again.statuses).singleElement().satisfies(s -> assertThat(s.getJob().getState()).isEqualTo(JobState.AWAITING_COMMIT));
            assertThat(again.audits).singleElement().satisfies(a -> assertThat(a.getAction()).isEqualTo("repeated request ignored"));
        }

        @Test
        void shouldRefuseAConflictingRequestWithTheSameId() {
            World w = new World(new Estate().vm("a").vm("b"));
            w.submit(Estate.request("job-1", "a").build());

            Outbox conflict = w.submit(Estate.request("job-1", "b").build());

            assertThat(conflict.audits).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AuditKind.REFUSAL);
                assertThat(a.getDetail()).contains("INVALID_FIELD", "other content");
            });
            assertThat(conflict.claims).isEmpty();
        }

        @Test
        void shouldRejectAVmAlreadyInAnActiveJobNamingThatJob() {
            World w = new World(new Estate().vm("a").vm("b"));
            w.agents = s -> s.jobId().equals("job-1") && s.step() == SHUT_DOWN_AZURE_VM ? null : World.ok(s);
            w.failBack(Estate.request("job-1", "a").build());

            w.failBack(Estate.request("job-2", "b", "a").build());

            assertThat(w.vm("job-2", "a").reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(ReasonCode.VM_IN_ACTIVE_JOB);
                assertThat(r.message()).contains("job-1");
            });
            assertThat(w.job("job-2").state()).isEqualTo(JobState.REJECTED);
            assertThat(w.claimHolders).containsOnly(java.util.Map.entry("a", "job-1"));
            assertThat(w.allCommands).noneMatch(c -> c.jobId().equals("job-2") && c.step() == SHUT_DOWN_AZURE_VM);
        }

        @Test
        void shouldLetAVmJoinANewJobOnceItsJobHasFinished() {
            World w = new World(new Estate().vm("a"));
            w.agents = s -> s.step() == SHUT_DOWN_AZURE_VM ? World.result(s, AzureResultCode.CONFLICT) : World.ok(s);
            w.failBack(Estate.request("job-1", "a").build());
            assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);

            w.agents = World::ok;
            w.failBack(Estate.request("job-2", "a").build());

            assertThat(w.job("job-2").state()).isEqualTo(JobState.AWAITING_COMMIT);
        }
    }
}
