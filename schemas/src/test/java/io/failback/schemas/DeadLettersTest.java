package io.failback.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    @Test
    void shouldKeepKeyAndValueByteForByteAndBoundTheMessageHeader() {
        // given a record whose error message quotes 200 KB of hostile text
        byte[] key = {0, (byte) 0xFF, '\n', 'k'};
        byte[] value = new byte[300_000];
        Arrays.fill(value, (byte) 0xC3);
        String hostile = "line one\nline two \u001b[31mred\u001b[0m \u202Eevil\u202C \u0000".repeat(5_000);
        UnreadableRecordException error = new UnreadableRecordException(UnreadableRecordException.Problem.CORRUPT_DATUM,
                "failback.requests", hostile, null);

        // when it is dead-lettered
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of(Topics.ORCHESTRATOR_DLT, "orchestrator", "failback.requests",
                3, 42L, key, value, error);

        // then the record is kept exactly, and the message header is one short, escaped line
        assertThat(dead.topic()).isEqualTo(Topics.ORCHESTRATOR_DLT.name());
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(value);
        assertThat(header(dead, DeadLetterHeaders.PROBLEM)).isEqualTo("CORRUPT_DATUM");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("42");
        String message = header(dead, DeadLetterHeaders.MESSAGE);
        assertThat(message).startsWith("CORRUPT_DATUM on topic failback.requests: line one\\nline two \\u001b[31mred")
                .endsWith("chars)");
        assertThat(message).doesNotContainPattern("[\\p{Cntrl}\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]");
        int headerBytes = 0;
        for (Header h : dead.headers()) {
            headerBytes += h.key().length() + h.value().length;
        }
        assertThat(headerBytes).isLessThan(8 * DeadLetters.MAX_MESSAGE_CHARS);
    }

    @Test
    void shouldNameTheProblemFoundInTheCauseChainAndEscapeTheMessage() {
        // given an unreadable record wrapped by the framework that met it
        UnreadableRecordException error = new UnreadableRecordException(UnreadableRecordException.Problem.TOO_LARGE,
                "failback.control", "2000000 bytes", null);

        // when it is dead-lettered
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of(Topics.ORCHESTRATOR_DLT, "orchestrator", "failback.control",
                0, 7L, null, new byte[0], new IllegalStateException("listener failed\r\nforged: line", error));

        // then the problem is the record's, and the message can't forge a line
        assertThat(dead.key()).isNull();
        assertThat(header(dead, DeadLetterHeaders.PROBLEM)).isEqualTo("TOO_LARGE");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).isEqualTo("listener failed\\r\\nforged: line");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
