package io.failback.orchestrator.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.failback.messages.StatusEvent;
import io.failback.messages.VmClaim;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the orchestrator's topology, the same for production (through Spring Kafka's factory bean)
 * and for {@code TopologyTestDriver} tests. Three sub-topologies: the router, which takes what clients
 * write on any partition and forwards it keyed by job id; jobs, keyed by job id; and VM claims, keyed by
 * VM id. The inventory and recovery points are global stores every instance holds.
 */
public final class FailbackTopology {

    static final String TO_VCENTER = "to-vcenter-commands";
    static final String TO_AZURE = "to-azure-commands";
    static final String TO_REPLICATION = "to-replication-commands";
    static final String TO_CLAIMS = "to-vm-claims";
    static final String TO_STATUS = "to-status";
    static final String TO_AUDIT = "to-audit";
    static final String TO_JOB_STATE = "to-job-state";
    static final String TO_INPUTS = "to-inputs";

    private static final Serde<String> KEYS = Serdes.String();
    /** The default of {@code failback.orchestrator.ended-job-retention}. */
    static final Duration ENDED_JOB_RETENTION = Duration.ofDays(7);

    private FailbackTopology() {
    }

    public static Topology build(Orchestrator orchestrator, Duration tick) {
        return build(orchestrator, tick, ENDED_JOB_RETENTION);
    }

    /** The topology, an ended job's VM records kept until {@code endedJobRetention} after its request. */
    public static Topology build(Orchestrator orchestrator, Duration tick, Duration endedJobRetention) {
        Topology topology = new Topology();
        addTo(topology, orchestrator, tick, endedJobRetention);
        return topology;
    }

    /** Adds every node to {@code topology} (Spring's factory bean hands over an empty one). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void addTo(Topology topology, Orchestrator orchestrator, Duration tick, Duration endedJobRetention) {
        // in memory, loaded from their topics at each start: a 10,000-VM plan's request reads every member's record and
        // recovery points, and RocksDB's gets and iterators through JNI took about 170 ms of the stream thread for it
        topology.addGlobalStore(inMemory(StoreNames.INVENTORY, (Serde) Topics.INVENTORY.valueSerde()).withLoggingDisabled(),
                "inventory-source", KEYS.deserializer(), Topics.INVENTORY.valueSerde().deserializer(), Topics.INVENTORY.name(),
                "inventory-loader", () -> new GlobalStoreLoader<>(StoreNames.INVENTORY));
        topology.addGlobalStore(inMemory(StoreNames.RECOVERY_POINTS, (Serde) Topics.RECOVERY_POINTS.valueSerde()).withLoggingDisabled(),
                "recovery-points-source", KEYS.deserializer(), Topics.RECOVERY_POINTS.valueSerde().deserializer(),
                Topics.RECOVERY_POINTS.name(), "recovery-points-loader", () -> new GlobalStoreLoader<>(StoreNames.RECOVERY_POINTS));

        topology.addProcessor("router", () -> new InputRouter(orchestrator), signedSource(topology, Topics.REQUESTS),
                signedSource(topology, Topics.CONTROL));

        // the engine's results are read where they land: most on their job's partition (keyed by job id, as the
        // commands they answer), handled there at once; any other goes on to its job through the inputs topic
        String[] jobInputs = {source(topology, Topics.ORCHESTRATOR_INPUTS), source(topology, Topics.VCENTER_EVENTS),
                source(topology, Topics.AZURE_EVENTS), source(topology, Topics.VM_CLAIM_ANSWERS),
                source(topology, Topics.REPLICATION_EVENTS)};
        topology.addProcessor("jobs", () -> new JobProcessor(orchestrator, tick, endedJobRetention), jobInputs);
        sink(topology, TO_INPUTS, Topics.ORCHESTRATOR_INPUTS, "router", "jobs");
        // cached: a job header rewritten by each of its VMs' records within one commit reaches its changelog once
        topology.addStateStore(store(StoreNames.JOBS, StateSerde.JOB).withCachingEnabled(), "jobs");
        // not cached: a VM rarely changes twice in one commit, as its next result can only answer the command this
        // commit sends, so a cache would coalesce next to nothing and cost sorted-map lookups and evictions on every
        // read and write (KeyValueJobStore keeps the objects it reads and writes, and writes a VM once per record
        // handled; the deadlines of jobs and VMs it indexes in memory, from these two stores). In memory, changelogged
        // as before: every step of every VM writes here, and RocksDB's writes through JNI took a sixth of the stream
        // thread's CPU in a 10,000-VM preflight; what it holds is bounded, an ended job's VMs forgotten after the
        // retention (KeyValueJobStore#forgetEnded), and a restart restores it from the changelog
        topology.addStateStore(inMemory(StoreNames.JOB_VMS, StateSerde.VM_PROGRESS), "jobs");
        // what a VM learnt once (its target, its Azure ids: most of its bytes), apart, so a step doesn't rewrite it
        topology.addStateStore(inMemory(StoreNames.JOB_VM_FACTS, StateSerde.VM_FACTS), "jobs");
        // in memory (changelogged all the same): a few short-lived entries, not worth a RocksDB instance per task
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.JOB_WORK), KEYS, WorkSerde.WORK)
                .withCachingEnabled(), "jobs");
        sink(topology, TO_VCENTER, Topics.VCENTER_COMMANDS, "jobs");
        sink(topology, TO_AZURE, Topics.AZURE_COMMANDS, "jobs");
        sink(topology, TO_REPLICATION, Topics.REPLICATION_COMMANDS, "jobs");
        sink(topology, TO_CLAIMS, Topics.VM_CLAIMS, "jobs");
        // a status goes to both topics, one right after the other: encoded once
        Serializer<StatusEvent> statusOnce = new EncodedOnce<>(Topics.STATUS.valueSerde().serializer());
        topology.addSink(TO_STATUS, Topics.STATUS.name(), Topics.STATUS.keySerde().serializer(), statusOnce, "jobs", "router");
        sink(topology, TO_AUDIT, Topics.AUDIT, "jobs", "router");
        topology.addSink(TO_JOB_STATE, Topics.JOB_STATE.name(), Topics.JOB_STATE.keySerde().serializer(), statusOnce, BY_JOB,
                "jobs", "router");

        String claims = source(topology, Topics.VM_CLAIMS);
        topology.<String, VmClaim, String, Object>addProcessor("claims", ClaimProcessor::new, claims);
        // in memory (changelogged): a claim is deleted when its job releases it, so it holds at most the VMs in active jobs
        topology.addStateStore(inMemory(StoreNames.VM_CLAIMS, Serdes.String()), "claims");
        sink(topology, "to-vm-claim-answers", Topics.VM_CLAIM_ANSWERS, "claims");
    }

    /**
     * A job's job-state records on its job's partition ({@link Topics#jobStatePartition}), whatever their key: one
     * partition per job in a transaction, not one per VM key.
     */
    static final StreamPartitioner<String, StatusEvent> BY_JOB = (topic, key, value, partitions) -> value == null
            || value.getJobId() == null ? Optional.empty() : Optional.of(Set.of(Topics.jobStatePartition(value.getJobId(), partitions)));

    /**
     * A serializer that gives the bytes it made last again when handed the very same object again on the same thread:
     * the status and job-state sinks share one, and the processor forwards each status to the one and then the other.
     */
    static final class EncodedOnce<T> implements Serializer<T> {
        private final Serializer<T> encoder;
        private final ThreadLocal<Object[]> last = ThreadLocal.withInitial(() -> new Object[2]);

        EncodedOnce(Serializer<T> encoder) {
            this.encoder = encoder;
        }

        @Override
        public byte[] serialize(String topic, T value) {
            Object[] made = last.get();
            if (value != null && made[0] == value) {
                return (byte[]) made[1];
            }
            byte[] bytes = encoder.serialize(topic, value);
            made[0] = value;
            made[1] = bytes;
            return bytes;
        }
    }

    /** The Streams settings the topology relies on, whatever else the deployment sets. */
    public static Properties requiredConfig() {
        Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        // The saga decides each record against the stored state alone and never joins its inputs by timestamp, so a
        // job task takes whatever it has buffered: with the default (0) Kafka Streams 4.2 holds a task back while an
        // input partition's lag is not yet known, and formats a trace line per empty input partition per record
        // (a tenth of the stream thread's time in the benchmark).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // a dead letter keeps the record it could not read, up to what the catalog's dead-letter topics take
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_REQUEST_BYTES);
        return p;
    }

    private static <K, V> String source(Topology topology, Topic<K, V> topic) {
        String name = "from-" + topic.name();
        topology.addSource(name, topic.keySerde().deserializer(), topic.valueSerde().deserializer(), topic.name());
        return name;
    }

    /** A source whose values keep the bytes they were read from, for the router to verify their signature. */
    private static <K, V> String signedSource(Topology topology, Topic<K, V> topic) {
        String name = "from-" + topic.name();
        topology.addSource(name, topic.keySerde().deserializer(), RawValue.keeping(topic.valueSerde().deserializer()), topic.name());
        return name;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K, V> void sink(Topology topology, String name, Topic<K, V> topic, String... parents) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), (org.apache.kafka.common.serialization.Serializer) topic.valueSerde().serializer(), parents);
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> inMemory(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), KEYS, values);
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), KEYS, values);
    }
}
