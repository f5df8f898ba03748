package io.failback.agent;

import java.util.List;

import io.failback.schemas.Topic;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * One agent, as the skeleton ({@link AgentKafka}) needs to know it: its name in dead letters, the topic it
 * reads commands from, the one it answers on, its dead-letter topic, and its handler. An agent declares one
 * such bean and imports {@link AgentKafka}; the rest (listener, idempotency, retry, dead letters) is shared.
 *
 * @param service     the service name written in the dead letters' headers
 */
public record AgentSpec<C extends SpecificRecord, R extends SpecificRecord>(String service, Topic<String, C> commands,
                                                                             Topic<String, R> results,
                                                                             Topic<byte[], byte[]> deadLetters,
                                                                             CommandHandler<C, R> handler) {

    /** The command envelope every orchestrator command carries, and the result envelope every answer does. */
    static final List<String> COMMAND_FIELDS = List.of(Envelope.COMMAND_ID, Envelope.JOB_ID, Envelope.VM_ID, Envelope.ISSUED_AT);
    static final List<String> RESULT_FIELDS = List.of(Envelope.COMMAND_ID, Envelope.JOB_ID, Envelope.VM_ID, Envelope.CODE);

    public AgentSpec {
        if (service == null || service.isBlank() || commands == null || results == null || deadLetters == null || handler == null) {
            throw new IllegalArgumentException("an agent needs a service name, its three topics and a handler");
        }
        requireFields(commands, COMMAND_FIELDS);
        requireFields(results, RESULT_FIELDS);
    }

    /** The command type, as the command topic's serde reads it. */
    @SuppressWarnings("unchecked")
    Class<C> commandType() {
        return ((io.failback.schemas.AvroSerde<C>) commands.valueSerde()).type();
    }

    @SuppressWarnings("unchecked")
    Class<R> resultType() {
        return ((io.failback.schemas.AvroSerde<R>) results.valueSerde()).type();
    }

    /** Fails at start-up, naming the field, when a topic's records lack the envelope the skeleton reads. */
    private static void requireFields(Topic<String, ?> topic, List<String> fields) {
        if (!(topic.valueSerde() instanceof io.failback.schemas.AvroSerde<?> serde)) {
            throw new IllegalArgumentException("topic " + topic.name() + " is not an Avro topic of the catalog");
        }
        Schema schema = SpecificData.get().getSchema(serde.type());
        for (String field : fields) {
            if (schema.getField(field) == null) {
                throw new IllegalArgumentException(schema.getName() + " on " + topic.name() + " has no field " + field
                        + ": the agent skeleton reads " + fields);
            }
        }
    }
}
