package io.failback.agent;

import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The command topic's bounded Avro deserializer, made total for Spring Kafka's {@code ErrorHandlingDeserializer}
 * around it: a tombstone is no command, and whatever the bytes make the decoder throw, even an Error no real
 * command causes (an allocation or a depth), is the record's fault, raised as a named
 * {@link UnreadableRecordException} so that the record is dead-lettered at once instead of stopping the consumer.
 */
final class CommandDeserializer<C> implements Deserializer<C> {

    private final Deserializer<C> avro;

    CommandDeserializer(Deserializer<C> avro) {
        this.avro = avro;
    }

    @Override
    public C deserialize(String topic, byte[] data) {
        C command;
        try {
            command = avro.deserialize(topic, data);
        } catch (OutOfMemoryError e) {
            throw new UnreadableRecordException(Problem.TOO_LARGE, topic, "decoding needed more memory than there is", null);
        } catch (StackOverflowError e) {
            throw new UnreadableRecordException(Problem.CORRUPT_DATUM, topic, "decoding nested deeper than the stack", null);
        }
        if (command == null) {
            throw new UnreadableRecordException(Problem.EMPTY, topic, "a tombstone is no command", null);
        }
        return command;
    }

    @Override
    public C deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }
}
