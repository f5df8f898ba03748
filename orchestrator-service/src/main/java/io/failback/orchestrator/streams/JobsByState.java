package io.failback.orchestrator.streams;

import java.util.EnumMap;
import java.util.Map;

import io.failback.messages.JobState;
import io.failback.orchestrator.saga.Job;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Counts the jobs this instance's active stores hold, by state: the truth behind the jobs-by-state gauge. */
public final class JobsByState {

    private JobsByState() {
    }

    /** The counts over every job store partition this instance runs; throws while the stores are not queryable. */
    public static Map<JobState, Long> count(KafkaStreams streams) {
        ReadOnlyKeyValueStore<String, Job> jobs = streams.store(StoreQueryParameters.fromNameAndType(StoreNames.JOBS,
                QueryableStoreTypes.<String, Job>keyValueStore()));
        Map<JobState, Long> counts = new EnumMap<>(JobState.class);
        try (KeyValueIterator<String, Job> all = jobs.all()) {
            all.forEachRemaining(kv -> counts.merge(kv.value.state(), 1L, Long::sum));
        }
        return counts;
    }
}
