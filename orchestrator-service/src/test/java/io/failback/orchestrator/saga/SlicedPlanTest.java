package io.failback.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.failback.messages.ClaimAction;
import io.failback.messages.ControlAction;
import io.failback.messages.JobState;
import io.failback.messages.Step;
import io.failback.messages.VmClaim;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

/**
 * A plan larger than one call's slice of VMs: its preflight and each job-wide follow-up are worked off a slice
 * per call, so the first commands leave with the request and no call (no transaction) grows with the plan, while
 * every VM still gets each step once and in the order the job decided.
 */
class SlicedPlanTest {

    private static final int SLICE = 100;
    private static final int VMS = 250;

    private static World largePlan() {
        return largePlan(SLICE);
    }

    /** Three boot groups of a third each, in the store's order: group 3's VMs come last. */
    private static World largePlan(int slice) {
        List<List<String>> groups = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < VMS; i++) {
            groups.get(i * 3 / VMS).add(String.format("vm-%03d", i));
        }
        return new World(new Estate().plan("plan-big", groups), slice);
    }

    @Test
    void shouldSendTheFirstSliceOfALargePlansPreflightWithTheRequestAndTheRestSliceBySlice() {
        World w = largePlan();

        Outbox request = w.submit(Estate.planRequest("job-1", "plan-big").build());

        assertThat(request.claims).as("claims sent with the request").hasSize(SLICE);
        assertThat(request.azureCommands).as("Azure checks sent with the request").hasSize(SLICE);
        assertThat(request.vcenterCommands).as("vCenter checks sent with the request").hasSize(SLICE);
        assertThat(w.job("job-1").totalVms()).isEqualTo(VMS);
        assertThat(w.job("job-1").state()).isEqualTo(JobState.PREFLIGHT);

        w.workOn();
        w.workOn();
        w.workOn();

        assertThat(w.store.work).as("nothing left after three slices").isEmpty();
        assertThat(w.all.claims.stream().map(VmClaim::getVmId).distinct()).as("each VM claimed once").hasSize(VMS);
        assertThat(w.all.claims).hasSize(VMS);
        assertThat(w.allCommands.stream().filter(s -> s.step() == Step.CHECK_AZURE_VM).map(World.Sent::vmId).distinct())
                .hasSize(VMS);
        assertThat(w.allCommands).as("two checks per VM, nothing else yet").hasSize(2 * VMS);
    }

    @Test
    void shouldFailBackEveryVmOfALargePlanWithNoCallTouchingMoreThanASlice() {
        World w = largePlan();

        w.failBack(Estate.planRequest("job-1", "plan-big").build());

        assertThat(w.job("job-1").state()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(w.job("job-1").count(VmState.FAILED_BACK_AWAITING_COMMIT)).isEqualTo(VMS);
        Map<String, List<Step>> steps = w.allCommands.stream().collect(Collectors.groupingBy(World.Sent::vmId,
                Collectors.mapping(World.Sent::step, Collectors.toList())));
        assertThat(steps).hasSize(VMS);
        assertThat(steps.values()).as("every VM went through its steps once each, in order")
                .allSatisfy(s -> assertThat(s).containsExactlyElementsOf(FailbackSagaTest.LINUX_FORWARD));
        // a call handles one VM's answer, plus at most one slice of a follow-up that answer set off
        assertThat(w.calls).allSatisfy(call -> assertThat(vmsCommanded(call)).isLessThanOrEqualTo(SLICE + 1));
        assertThat(w.store.work).isEmpty();
    }

    @Test
    void shouldDecideNothingForAVmOfAnotherGroupThatAGroupsFollowUpPassesOverUndecided() {
        // given a three-group plan run to its end, looked at after every call: each VM in each state it goes through
        World w = largePlan();
        VmSaga saga = new VmSaga(w.settings, new JobSaga(io.failback.schemas.signing.Roster.empty()));
        List<Followup> groupWork = Stream.of(Followup.Kind.START_PREFLIGHT, Followup.Kind.START_ALL, Followup.Kind.COMMIT_ALL)
                .flatMap(kind -> IntStream.rangeClosed(1, 3).mapToObj(group -> new Followup(kind, group, null))).toList();
        Set<String> seen = new java.util.HashSet<>();
        int[] passedOver = {0};
        w.afterEachCall = () -> {
            Job job = w.store.job("job-1");
            if (job == null) {
                return;
            }
            for (String vmId : w.store.vmIds("job-1")) {
                VmJob vm = w.store.vm("job-1", vmId);
                for (Followup f : groupWork) {
                    // when a group's follow-up would pass over the VM without deciding
                    if (!f.passesOver(vm) || !seen.add(job.state() + "/" + job.currentGroup() + "/" + vm.state() + "/" + vm.group() + "/" + f)) {
                        continue;
                    }
                    passedOver[0]++;
                    // then deciding it changes nothing: no VM, job, command, claim, status, audit or further work
                    Decision d = saga.onFollowup(job, vm, f, w.now);
                    assertThat(d.vms()).as(f + " for " + vm).isEmpty();
                    assertThat(d.jobChanged()).as(f + " for " + vm).isFalse();
                    assertThat(d.outbox().isEmpty()).as(f + " for " + vm).isTrue();
                    assertThat(d.followups()).as(f + " for " + vm).isEmpty();
                }
            }
        };

        w.failBack(Estate.planRequest("job-1", "plan-big").build());
        w.control("job-1", ControlAction.COMMIT);
        w.settle();

        assertThat(w.job("job-1").state()).isEqualTo(JobState.COMPLETED);
        assertThat(passedOver[0]).as("distinct job, VM and follow-up states looked at").isGreaterThan(100);
        // and a follow-up of every group, or of a kind not bound to its group, passes over none
        VmJob any = w.store.vm("job-1", "vm-000");
        assertThat(Stream.of(Followup.Kind.values()).map(kind -> new Followup(kind, 0, null))).noneMatch(f -> f.passesOver(any));
        assertThat(Stream.of(Followup.Kind.RELEASE_GROUP, Followup.Kind.ROLLBACK_GROUPS_AFTER, Followup.Kind.REPOINT_GROUP)
                .map(kind -> new Followup(kind, 3, null))).noneMatch(f -> f.passesOver(any));
    }

    @Test
    void shouldPowerOnABootGroupWithTheDecisionThatReleasesItThoughItsVmsComeLastInTheStore() {
        World w = largePlan();

        w.failBack(Estate.planRequest("job-1", "plan-big").build());

        // group 3 (vm-167 to vm-249) follows 167 VMs of the groups before: passed over, they don't take up the slice
        Outbox release = w.calls.stream().filter(c -> c.audits.stream().anyMatch(a -> "boot group 3 may power on".equals(a.getAction())))
                .findFirst().orElseThrow();
        assertThat(release.vcenterCommands.stream().map(c -> c.getVmId()))
                .as("every VM of group 3 powered on by the call that released it")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(167, VMS).mapToObj(i -> String.format("vm-%03d", i)).toList());
        Outbox running = w.calls.stream().filter(c -> c.audits.stream().anyMatch(a -> "job RUNNING".equals(a.getAction())))
                .findFirst().orElseThrow();
        assertThat(running.azureCommands).as("a slice of Azure shutdowns with the end of the preflight").hasSize(SLICE);
    }

    @Test
    void shouldFailBackEveryVmWhenAFollowUpPassesOverMoreVmsThanOneCallLooksAt() {
        int slice = 10; // a call looks at 100 VMs at most: group 3's release finds its VMs in a later call
        World w = largePlan(slice);

        w.failBack(Estate.planRequest("job-1", "plan-big").build());

        assertThat(w.job("job-1").state()).isEqualTo(JobState.AWAITING_COMMIT);
        Map<String, List<Step>> steps = w.allCommands.stream().collect(Collectors.groupingBy(World.Sent::vmId,
                Collectors.mapping(World.Sent::step, Collectors.toList())));
        assertThat(steps).hasSize(VMS);
        assertThat(steps.values()).allSatisfy(s -> assertThat(s).containsExactlyElementsOf(FailbackSagaTest.LINUX_FORWARD));
        assertThat(w.calls).allSatisfy(call -> assertThat(vmsCommanded(call)).isLessThanOrEqualTo(slice + 1));
        assertThat(w.store.work).isEmpty();
    }

    @Test
    void shouldCheckAndDeleteALargePlanBootGroupByBootGroupWhateverOrderItsVmIdsAreStoredIn() {
        // stored in id order "a" (group 2), "b" (group 1), "c" (group 3): group 1's VMs come after group 2's
        String[] prefixes = {"vm-b-", "vm-a-", "vm-c-"};
        List<List<String>> groups = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < VMS; i++) {
            int g = i * 3 / VMS;
            groups.get(g).add(String.format("%s%03d", prefixes[g], i));
        }
        World w = new World(new Estate().plan("plan-big", groups), SLICE);

        w.failBack(Estate.planRequest("job-1", "plan-big").build());
        w.control("job-1", ControlAction.COMMIT);
        w.settle();

        assertThat(w.job("job-1").state()).isEqualTo(JobState.COMPLETED);
        // the first VMs checked are the first shut down, and the first powered on the first to have their Azure VM deleted
        assertThat(groupsInTheOrderSent(w, Step.CHECK_AZURE_VM)).containsExactly("vm-b-", "vm-a-", "vm-c-");
        assertThat(groupsInTheOrderSent(w, Step.SHUT_DOWN_AZURE_VM)).containsExactly("vm-b-", "vm-a-", "vm-c-");
        assertThat(groupsInTheOrderSent(w, Step.DELETE_AZURE_VM)).containsExactly("vm-b-", "vm-a-", "vm-c-");
        assertThat(w.all.claims.stream().filter(c -> c.getAction() == ClaimAction.CLAIM)).as("each VM claimed once").hasSize(VMS);
    }

    /** The groups (their VM ids' prefixes) in the order their VMs were sent {@code step}: a group twice if they interleaved. */
    private static List<String> groupsInTheOrderSent(World w, Step step) {
        List<String> runs = new ArrayList<>();
        w.allCommands.stream().filter(s -> s.step() == step).map(s -> s.vmId().substring(0, 5)).forEach(g -> {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(g)) {
                runs.add(g);
            }
        });
        return runs;
    }

    @Test
    void shouldCancelALargePlanDuringItsSlicedPreflightWithEveryVmStoppedAndNoClaimKept() {
        World w = largePlan();
        w.submit(Estate.planRequest("job-1", "plan-big").build());

        w.control("job-1", ControlAction.CANCEL);
        w.settle();

        assertThat(w.job("job-1").state()).isEqualTo(JobState.CANCELLED);
        assertThat(w.job("job-1").count(VmState.ROLLED_BACK)).isEqualTo(VMS);
        assertThat(w.allCommands.stream().map(World.Sent::step).collect(Collectors.toSet()))
                .as("nothing changed: preflight checks only").isEqualTo(Set.of(Step.CHECK_AZURE_VM, Step.CHECK_VCENTER));
        assertThat(w.claimHolders).as("every claim released").isEmpty();
        assertThat(w.all.claims.stream().filter(c -> c.getAction() == ClaimAction.CLAIM)).hasSize(VMS);
        assertThat(w.store.work).isEmpty();
    }

    private static long vmsCommanded(Outbox call) {
        Function<Stream<String>, Long> distinct = ids -> ids.distinct().count();
        return distinct.apply(Stream.of(call.azureCommands.stream().map(c -> c.getVmId()),
                call.vcenterCommands.stream().map(c -> c.getVmId()),
                call.replicationCommands.stream().map(c -> c.getVmId())).flatMap(s -> s));
    }
}
