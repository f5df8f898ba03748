package io.failback.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record on a failback topic that can't be read as the topic's value type. Services route these to
 * a dead-letter topic (the problem name goes into its headers) and carry on with the next record.
 */
public final class UnreadableRecordException extends SerializationException {

    /** What is wrong with the bytes. */
    public enum Problem {
        /** No bytes at all where a value is required. */
        EMPTY,
        /** The bytes don't start with Avro's single-object marker (C3 01). */
        NOT_SINGLE_OBJECT_ENCODED,
        /** The schema fingerprint is not one of the released versions of the topic's value type. */
        UNKNOWN_SCHEMA_FINGERPRINT,
        /** The header is fine but the datum is cut short or doesn't match its schema. */
        CORRUPT_DATUM,
        /**
         * More than {@link AvroSerde#MAX_RECORD_BYTES} bytes, or more items of zero encoded size in one
         * array or map than a real record holds: refused before anything is decoded.
         */
        TOO_LARGE,
        /** A string, bytes or block length, or an item count, that the bytes left in the record can't hold. */
        LENGTH_BEYOND_RECORD,
        /** Bytes after the one datum a record is. */
        TRAILING_BYTES
    }

    private final Problem problem;
    private final String topic;

    public UnreadableRecordException(Problem problem, String topic, String detail, Throwable cause) {
        super(problem + " on topic " + topic + ": " + detail, cause);
        this.problem = problem;
        this.topic = topic;
    }

    public Problem problem() {
        return problem;
    }

    public String topic() {
        return topic;
    }
}
