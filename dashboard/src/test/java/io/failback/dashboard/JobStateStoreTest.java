package io.failback.dashboard;

import static io.failback.dashboard.Statuses.job;
import static io.failback.dashboard.Statuses.vm;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.JobState;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

class JobStateStoreTest {

    private final JobStateStore store = new JobStateStore();

    @Test
    void shouldKeepTheLatestStatusOfEachJobAndEachOfItsVms() {
        // given a job's table entries, a VM updated twice
        store.apply(Topics.jobStateKey("j1"), job("j1", JobState.RUNNING, 2, 0, 0));
        store.apply(Topics.vmStateKey("j1", "vm-a"), vm("j1", "vm-a", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));
        store.apply(Topics.vmStateKey("j1", "vm-a"), vm("j1", "vm-a", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE));

        // then the job and the VM show their latest status
        assertThat(store.job("j1")).hasValueSatisfying(j -> assertThat(j.status().getState()).isEqualTo(JobState.RUNNING));
        assertThat(store.vm("j1", "vm-a")).hasValueSatisfying(v -> assertThat(v.getState()).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT));
        assertThat(store.jobs(0, 50).totalItems()).isEqualTo(1);
    }

    @Test
    void shouldForgetAVmAndAJobOnTheirTombstones() {
        store.apply(Topics.jobStateKey("j1"), job("j1", JobState.COMPLETED, 1, 1, 0));
        store.apply(Topics.vmStateKey("j1", "vm-a"), vm("j1", "vm-a", 1, VmState.COMMITTED, Step.NONE));

        store.apply(Topics.vmStateKey("j1", "vm-a"), null);
        assertThat(store.vm("j1", "vm-a")).isEmpty();

        store.apply(Topics.jobStateKey("j1"), null);
        assertThat(store.job("j1")).isEmpty();
    }

    @Test
    void shouldPageAndFilterTenThousandVmsInBootOrder() {
        // given a plan of 10,000 VMs in 4 groups, every third one failed
        for (int i = 0; i < 10_000; i++) {
            String id = String.format("vm-%05d", i);
            store.apply(Topics.vmStateKey("big", id), vm("big", id, 4 - i % 4,
                    i % 3 == 0 ? VmState.FAILED : VmState.FAILING_BACK, Step.ATTACH_TO_ON_PREMISES_VM));
        }

        // when the second page of group 1's failed VMs is asked for
        JobStateStore.Page<VmStatus> page = store.vms("big", new JobStateStore.VmFilter(VmState.FAILED, 1), 1, 100);

        // then it holds 100 of them in VM id order, after the first 100
        assertThat(page.totalItems()).isEqualTo((int) java.util.stream.IntStream.range(0, 10_000).filter(i -> 4 - i % 4 == 1 && i % 3 == 0).count());
        assertThat(page.items()).hasSize(100).allSatisfy(v -> {
            assertThat(v.getGroup()).isEqualTo(1);
            assertThat(v.getState()).isEqualTo(VmState.FAILED);
        });
        List<String> ids = page.items().stream().map(VmStatus::getVmId).toList();
        assertThat(ids).isSorted();
        assertThat(store.vms("big", new JobStateStore.VmFilter(VmState.FAILED, 1), 0, 100).items().get(99).getVmId()).isLessThan(ids.get(0));
    }

    @Test
    void shouldCountEachGroupsDoneAndFailedVms() {
        store.apply("vm/j/a", vm("j", "a", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE));
        store.apply("vm/j/b", vm("j", "b", 1, VmState.REJECTED, Step.NONE));
        store.apply("vm/j/c", vm("j", "c", 2, VmState.WAITING_FOR_GROUP, Step.NONE));
        store.apply("vm/j/d", vm("j", "d", 2, VmState.REPROTECTED, Step.NONE));

        assertThat(store.groups("j")).containsExactly(new JobStateStore.GroupProgress(1, 2, 1, 1), new JobStateStore.GroupProgress(2, 2, 1, 0));
    }

    @Test
    void shouldTellListenersWhichJobAndWhichVmChanged() {
        List<String> heard = new ArrayList<>();
        store.addListener(new JobStateStore.Listener() {
            @Override
            public void jobChanged(String jobId) {
                heard.add("job " + jobId);
            }

            @Override
            public void vmChanged(String jobId, String vmId) {
                heard.add("vm " + jobId + " " + vmId);
            }
        });

        store.apply(Topics.jobStateKey("j1"), job("j1", JobState.RUNNING, 1, 0, 0));
        store.apply(Topics.vmStateKey("j1", "vm-a"), vm("j1", "vm-a", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));

        assertThat(heard).containsExactly("job j1", "vm j1 vm-a");
    }
}
