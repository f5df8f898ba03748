package io.failback.orchestrator.streams;

import java.util.function.BiFunction;
import java.util.function.Function;

import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.VmJob;
import io.failback.schemas.AvroSerde;
import io.failback.schemas.LogSafe;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import io.failback.messages.state.StoredJob;
import io.failback.messages.state.StoredVmFacts;
import io.failback.messages.state.StoredVmJob;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes for the saga's own state in the changelogged stores. The stored form is the Avro state
 * schema (state.avdl) in single-object encoding, read through the bounded {@link AvroSerde}; records
 * stored as JSON by the version before that schema are still read ({@link LegacyStateJson}), and
 * rewritten as Avro the next time the saga stores them. A record that is neither is refused with an
 * {@link UnreadableRecordException} naming the problem.
 */
public final class StateSerde {

    /** A job header as stored: written as Avro, read from Avro or the previous version's JSON. */
    static final Serde<StoredJob> STORED_JOB = readingLegacy(AvroSerde.of(StoredJob.class), LegacyStateJson::job);
    /** A VM's part of a job as stored, likewise. */
    static final Serde<StoredVmJob> STORED_VM = readingLegacy(AvroSerde.of(StoredVmJob.class), LegacyStateJson::vm);

    public static final Serde<Job> JOB = mapped("Job", STORED_JOB, StoredStateMapping::toStored, StoredStateMapping::fromStored);
    public static final Serde<VmJob> VM = mapped("VmJob", STORED_VM, StoredStateMapping::toStored, StoredStateMapping::fromStored);
    /**
     * The job-vms store's: a VM written without its facts, which the job-vm-facts store keeps ({@link #VM_FACTS}), and
     * read as it was written (a record from before that split has them).
     */
    static final Serde<VmJob> VM_PROGRESS = mapped("VmJob", STORED_VM, StoredStateMapping::toStoredProgress, StoredStateMapping::fromStored);
    /** The job-vm-facts store's: what a VM learnt once (where it fails back, its Azure ids). */
    static final Serde<StoredVmFacts> VM_FACTS = AvroSerde.of(StoredVmFacts.class);

    private StateSerde() {
    }

    private static <A extends SpecificRecord> Serde<A> readingLegacy(AvroSerde<A> avro, BiFunction<String, byte[], A> legacy) {
        // Avro's single-object encoding starts with C3 01 and that JSON with '{', so the first byte tells them apart.
        Deserializer<A> de = (topic, bytes) -> bytes != null && LegacyStateJson.isLegacy(bytes)
                ? legacy.apply(topic, bytes) : avro.deserialize(topic, bytes);
        return Serdes.serdeFrom(avro, de);
    }

    private static <T, A> Serde<T> mapped(String what, Serde<A> stored, Function<T, A> toStored, Function<A, T> fromStored) {
        Serializer<T> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                // the encoder refuses a required field left null, naming it
                return stored.serializer().serialize(topic, toStored.apply(value));
            } catch (RuntimeException e) {
                throw new SerializationException("cannot store " + what + ": " + e.getMessage(), e);
            }
        };
        Deserializer<T> de = (topic, bytes) -> {
            A record = stored.deserializer().deserialize(topic, bytes);
            try {
                return record == null ? null : fromStored.apply(record);
            } catch (RuntimeException e) {
                throw new UnreadableRecordException(Problem.CORRUPT_DATUM, topic,
                        "stored " + what + " that no saga could have made: " + LogSafe.of(e.getMessage()), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
