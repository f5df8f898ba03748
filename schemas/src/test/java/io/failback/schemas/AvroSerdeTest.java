package io.failback.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.RecoveryPointKind;
import io.failback.schemas.fuzz.RecordFuzzer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    static List<SpecificRecord> samples() {
        return SampleMessages.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRoundTripEveryMessageType(SpecificRecord sample) {
        AvroSerde serde = AvroSerde.of(sample.getClass());

        byte[] bytes = serde.serialize("t", sample);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserialize("t", bytes)).isEqualTo(sample);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldWriteExactlyAvrosSingleObjectEncodingWhateverCameBeforeOnTheThread(SpecificRecord sample) throws IOException {
        AvroSerde serde = AvroSerde.of(sample.getClass());
        byte[] avros = new BinaryMessageEncoder<>(org.apache.avro.specific.SpecificData.getForClass(sample.getClass()), sample.getSchema())
                .encode(sample).array();
        ControlCommand broken = new ControlCommand();

        byte[] first = serde.serialize("t", sample);
        assertThatThrownBy(() -> AvroSerde.of(ControlCommand.class).serialize("t", broken)) // its required fields are null
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
        byte[] afterAFailure = serde.serialize("t", sample);

        assertThat(first).isEqualTo(Arrays.copyOf(avros, first.length)).hasSize(avros.length);
        assertThat(afterAFailure).isEqualTo(first);
    }

    @Test
    void shouldCarryEveryTopicValueTypeInTheCatalogWithAReleasedSchema() {
        List<String> sampled = samples().stream().map(s -> s.getSchema().getFullName()).distinct().toList();
        List<String> catalogued = Topics.ALL.stream().filter(t -> t.valueSerde() instanceof AvroSerde)
                .map(t -> ((AvroSerde<?>) t.valueSerde()).type().getName()).toList();
        List<String> written = RecordFuzzer.writtenTypes().stream().map(Class::getName).toList();

        // the stored state is written with the same serde, released beside the topic values
        assertThat(written).containsAll(catalogued);
        assertThat(sampled).containsExactlyInAnyOrderElementsOf(written);
        assertThat(ReleasedSchemas.get().names()).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void shouldKeepTombstonesNull() {
        AvroSerde<FailbackRequest> serde = AvroSerde.of(FailbackRequest.class);

        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldNameEmptyBytes() {
        assertThatThrownBy(() -> AvroSerde.of(FailbackRequest.class).deserialize("failback.requests", new byte[0]))
                .isInstanceOfSatisfying(UnreadableRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(UnreadableRecordException.Problem.EMPTY);
                    assertThat(e.topic()).isEqualTo("failback.requests");
                });
    }

    @Test
    void shouldNameBytesThatAreNotSingleObjectEncoded() {
        byte[] json = "{\"requestId\":\"r\"}".getBytes();

        assertThatThrownBy(() -> AvroSerde.of(FailbackRequest.class).deserialize("t", json))
                .isInstanceOfSatisfying(UnreadableRecordException.class,
                        e -> assertThat(e.problem()).isEqualTo(UnreadableRecordException.Problem.NOT_SINGLE_OBJECT_ENCODED));
    }

    @Test
    void shouldNameAnotherTypesFingerprintAsUnknown() {
        byte[] control = AvroSerde.of(ControlCommand.class).serialize("t",
                new ControlCommand("c", "j", ControlAction.CANCEL, "ops", java.time.Instant.EPOCH, null));

        assertThatThrownBy(() -> AvroSerde.of(FailbackRequest.class).deserialize("failback.requests", control))
                .isInstanceOfSatisfying(UnreadableRecordException.class,
                        e -> assertThat(e.problem()).isEqualTo(UnreadableRecordException.Problem.UNKNOWN_SCHEMA_FINGERPRINT));
    }

    @Test
    void shouldNameTruncatedAndCorruptData() {
        AvroSerde<FailbackRequest> serde = AvroSerde.of(FailbackRequest.class);
        byte[] whole = serde.serialize("t", SampleMessages.planRequest());
        byte[] truncated = Arrays.copyOf(whole, whole.length - 13);
        byte[] garbage = whole.clone();
        Arrays.fill(garbage, 10, garbage.length, (byte) 0xFF);

        // The cut falls inside a string whose declared length now runs past the end.
        assertThatThrownBy(() -> serde.deserialize("t", truncated))
                .isInstanceOfSatisfying(UnreadableRecordException.class,
                        e -> assertThat(e.problem()).isEqualTo(UnreadableRecordException.Problem.LENGTH_BEYOND_RECORD));
        assertThatThrownBy(() -> serde.deserialize("t", garbage))
                .isInstanceOfSatisfying(UnreadableRecordException.class,
                        e -> assertThat(e.problem()).isEqualTo(UnreadableRecordException.Problem.CORRUPT_DATUM));
    }

    @Test
    void shouldReadDataWrittenWithAnOlderSchemaFillingDefaults() throws IOException {
        Schema v0 = requestV0();
        byte[] bytes = requestV0(v0, List.of("vm-a"));

        FailbackRequest read = AvroSerde.of(FailbackRequest.class, v0).deserialize("t", bytes);

        assertThat(read.getRequestId()).isEqualTo("req-old");
        assertThat(read.getVmIds()).containsExactly("vm-a");
        assertThat(read.getRecoveryPoint()).isEqualTo(RecoveryPointKind.LATEST);
        assertThat(read.getCommitPolicy().getKind()).isEqualTo(CommitPolicyKind.MANUAL);
        assertThat(read.getReprotect()).isNull();
    }

    @Test
    void shouldRefuseAnOlderSchemaThatWasNeverReleased() throws IOException {
        Schema v0 = requestV0();
        byte[] bytes = requestV0(v0, List.of());

        assertThatThrownBy(() -> AvroSerde.of(FailbackRequest.class).deserialize("t", bytes))
                .isInstanceOfSatisfying(UnreadableRecordException.class,
                        e -> assertThat(e.problem()).isEqualTo(UnreadableRecordException.Problem.UNKNOWN_SCHEMA_FINGERPRINT));
    }

    /** A FailbackRequest schema older than any released one. */
    private Schema requestV0() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/evolution/FailbackRequest-v0.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    /** A request for {@code vmIds} written with {@code v0}, single-object encoded. */
    private static byte[] requestV0(Schema v0, List<String> vmIds) throws IOException {
        GenericRecord old = new GenericData.Record(v0);
        old.put("requestId", "req-old");
        old.put("requestedBy", "ops");
        old.put("requestedAt", 5L);
        old.put("vmIds", vmIds);
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(old).array();
    }
}
