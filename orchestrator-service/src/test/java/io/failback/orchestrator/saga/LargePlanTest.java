package io.failback.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.JobState;
import io.failback.orchestrator.streams.StateSerde;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

/**
 * A 10,000-VM plan, from request to awaiting commit: no record the orchestrator stores (the job, each
 * VM) or publishes (commands, claims, status, audit) grows with the size of the plan, so Kafka's
 * default 1 MB record limit is never near.
 */
class LargePlanTest {

    private static final int VMS = 10_000;
    private static final int LIMIT_BYTES = 4 * 1024;

    @Test
    void shouldKeepEveryStoredAndPublishedRecordSmallForA10000VmPlan() {
        List<List<String>> groups = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < VMS; i++) {
            groups.get(i * 3 / VMS).add(String.format("vm-%05d", i));
        }
        World w = new World(new Estate().plan("plan-big", groups));

        w.submit(Estate.planRequest("job-big", "plan-big").build());
        w.settle();

        Job job = w.job("job-big");
        assertThat(job.state()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(StateSerde.JOB.serializer().serialize("jobs", job).length).as("the job's record").isLessThan(LIMIT_BYTES);
        int largestVm = w.store.vmIds("job-big").stream()
                .mapToInt(vm -> StateSerde.VM.serializer().serialize("job-vms", w.vm("job-big", vm)).length).max().orElseThrow();
        assertThat(largestVm).as("the largest VM record").isLessThan(LIMIT_BYTES);
        assertThat(largest(Topics.VCENTER_COMMANDS, w.all.vcenterCommands)).isLessThan(LIMIT_BYTES);
        assertThat(largest(Topics.AZURE_COMMANDS, w.all.azureCommands)).isLessThan(LIMIT_BYTES);
        assertThat(largest(Topics.VM_CLAIMS, w.all.claims)).isLessThan(LIMIT_BYTES);
        assertThat(largest(Topics.STATUS, w.all.statuses)).isLessThan(LIMIT_BYTES);
        assertThat(largest(Topics.AUDIT, w.all.audits)).isLessThan(LIMIT_BYTES);
        assertThat(w.all.vcenterCommands).as("every VM went through its vCenter steps").hasSizeGreaterThan(4 * VMS);
    }

    private static <V> int largest(Topic<String, V> topic, List<V> records) {
        assertThat(records).as(topic.name()).isNotEmpty();
        return records.stream().mapToInt(r -> topic.valueSerde().serializer().serialize(topic.name(), r).length).max().orElseThrow();
    }
}
