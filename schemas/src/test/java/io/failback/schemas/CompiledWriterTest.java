package io.failback.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import io.failback.messages.ControlCommand;
import io.failback.schemas.fuzz.RecordFuzzer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled writer writes, for every type the services write (each topic's values and the stored state), the very
 * bytes Avro's own writer writes: for generated records, valid and hostile, with every union branch, enum symbol and
 * empty, long and non-ASCII value the fuzzer makes. Seed-fixed.
 */
class CompiledWriterTest {

    private static final long SEED = 20261201L;
    private static final int RECORDS_PER_TYPE = 300;

    static List<Class<? extends SpecificRecord>> types() {
        return RecordFuzzer.writtenTypes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldWriteTheBytesAvroWritesForEveryGeneratedRecord(Class<? extends SpecificRecord> type) throws IOException {
        // given the type's schema compiled, and Avro's writer of it
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        CompiledWriter<SpecificRecord> compiled = CompiledWriter.of(schema, model);
        @SuppressWarnings("unchecked")
        DatumWriter<SpecificRecord> avros = (DatumWriter<SpecificRecord>) model.createDatumWriter(schema);
        RecordFuzzer fuzzer = new RecordFuzzer(SEED + types().indexOf(type));

        // then every catalog type compiles (none is left to Avro's slower writer)
        assertThat(compiled).as(type.getSimpleName() + " compiled").isNotNull();
        // and each record, valid or hostile, is written byte for byte as Avro writes it, by the serde too
        AvroSerde<SpecificRecord> serde = serdeOf(type);
        for (int i = 0; i < RECORDS_PER_TYPE; i++) {
            SpecificRecord record = i % 3 == 2 ? fuzzer.hostile(type) : fuzzer.valid(type);
            byte[] expected = bytes(avros, record);
            assertThat(bytes(compiled, record)).as("record %d: %s", i, record).isEqualTo(expected);
            byte[] framed = serde.serialize("t", record);
            assertThat(java.util.Arrays.copyOfRange(framed, 10, framed.length)).as("record %d through the serde", i).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldLeaveARecordItCantWriteToAvrosWriterAndItsWords(Class<? extends SpecificRecord> type) {
        // given a record with its required fields left null
        SpecificRecord empty;
        try {
            empty = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        boolean anyRequired = empty.getSchema().getFields().stream().anyMatch(f -> !f.schema().isNullable());

        // then the serde refuses it with Avro's own reason, as before the writer was compiled
        if (anyRequired) {
            assertThatThrownBy(() -> serdeOf(type).serialize("t", empty))
                    .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                    .hasMessageContaining("cannot encode " + type.getSimpleName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shouldReadBackWhatItWrote(Class<? extends SpecificRecord> type) {
        AvroSerde<SpecificRecord> serde = serdeOf(type);
        RecordFuzzer fuzzer = new RecordFuzzer(SEED - types().indexOf(type));
        for (int i = 0; i < 50; i++) {
            SpecificRecord record = fuzzer.valid(type);
            assertThat(serde.deserialize("t", serde.serialize("t", record))).isEqualTo(record);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AvroSerde<SpecificRecord> serdeOf(Class<? extends SpecificRecord> type) {
        return (AvroSerde) AvroSerde.of(type);
    }

    private static byte[] bytes(DatumWriter<SpecificRecord> writer, SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static {
        ControlCommand.class.getName(); // the messages' classes load with their models (conversions registered)
    }
}
