package io.failback.agent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import io.failback.schemas.Topic;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The envelope fields every command and result record carries (checked by {@link AgentSpec} at start-up),
 * read by name so that one skeleton serves every agent's generated types, which share no Java interface.
 */
final class Envelope {

    static final String COMMAND_ID = "commandId";
    static final String JOB_ID = "jobId";
    static final String VM_ID = "vmId";
    static final String ISSUED_AT = "issuedAt";
    static final String CODE = "code";

    private Envelope() {
    }

    static String get(SpecificRecord record, String field) {
        Object value = record.get(record.getSchema().getField(field).pos());
        return value == null ? null : value.toString();
    }

    /**
     * The command's content apart from its send time, as a digest: what a re-sent command (same id, new
     * issuedAt) shares with the first, and what an id reused for another operation does not.
     */
    static <C extends SpecificRecord> String fingerprint(Topic<String, C> topic, C command) {
        Schema schema = command.getSchema();
        C unsent = SpecificData.getForClass(command.getClass()).deepCopy(schema, command);
        unsent.put(schema.getField(ISSUED_AT).pos(), Instant.EPOCH);
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), unsent);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
