package io.failback.dashboard;

import static io.failback.dashboard.Statuses.job;
import static io.failback.dashboard.Statuses.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.failback.messages.JobState;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

class LiveUpdatesTest {

    /** An emitter that keeps what would go to the browser: each event's name and data, as text. */
    static final class Recorded extends SseEmitter {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void send(SseEventBuilder builder) throws IOException {
            StringBuilder text = new StringBuilder();
            builder.build().forEach(part -> text.append(part.getData()));
            events.add(text.toString());
        }
    }

    private final JobStateStore store = new JobStateStore();
    private final LiveUpdates live = new LiveUpdates(store, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofSeconds(30));

    @AfterEach
    void close() {
        live.close();
    }

    @Test
    void shouldSendAPageOfTenThousandVmsOnlyItsOwnRowsAndTheGroupsWhenEveryVmChanges() {
        // given a job of 10,000 VMs, and a page open on the first 100 of them
        store.apply(Topics.jobStateKey("big"), job("big", JobState.RUNNING, 10_000, 0, 0));
        List<String> ids = IntStream.range(0, 10_000).mapToObj(i -> String.format("vm-%05d", i)).toList();
        ids.forEach(id -> store.apply(Topics.vmStateKey("big", id), vm("big", id, 1 + Integer.parseInt(id.substring(3)) % 4,
                VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM)));
        Recorded page = new Recorded();
        live.job(page, "big", Set.copyOf(ids.subList(0, 100)));
        await().atMost(Duration.ofSeconds(30)).until(() -> page.events.size() == 101);
        page.events.clear();

        // when every VM fails back
        ids.forEach(id -> store.apply(Topics.vmStateKey("big", id), vm("big", id, 1 + Integer.parseInt(id.substring(3)) % 4,
                VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE)));

        // then the page hears its own 100 rows once each, and the groups' counts, never the other 9,900 VMs
        await().atMost(Duration.ofSeconds(30)).until(() -> page.events.stream().filter(e -> e.contains("\"vmId\"")).count() == 100
                && page.events.stream().anyMatch(e -> e.contains("\"groups\"") && e.contains("\"done\":2500")));
        assertThat(page.events.stream().filter(e -> e.contains("\"vmId\"")).map(e -> e.replaceAll("(?s).*\"vmId\":\"([^\"]+)\".*", "$1"))
                .collect(Collectors.toSet())).isEqualTo(Set.copyOf(ids.subList(0, 100)));
        assertThat(page.events).allSatisfy(e -> assertThat(e).hasSizeLessThan(2_000));
        assertThat(page.events.stream().filter(e -> e.contains("\"groups\"")).count()).as("progress coalesced per tick").isLessThan(50);
    }

    @Test
    void shouldTellTheJobsListOfAJobThatAppearsAfterItOpened() {
        Recorded list = new Recorded();
        live.jobs(list);

        store.apply(Topics.jobStateKey("new-job"), job("new-job", JobState.PREFLIGHT, 3, 0, 0));

        await().atMost(Duration.ofSeconds(30)).until(() -> list.events.stream().anyMatch(e -> e.contains("\"jobId\":\"new-job\"")
                && e.contains("\"state\":\"PREFLIGHT\"") && e.contains("\"requestedBy\":\"ops-alice\"")));
    }

}
