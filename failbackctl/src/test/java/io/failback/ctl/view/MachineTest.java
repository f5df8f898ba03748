package io.failback.ctl.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditKind;
import org.junit.jupiter.api.Test;

/** What scripts and spreadsheets get from {@code --output json|csv}: valid documents whatever the values hold. */
class MachineTest {

    @Test
    void shouldWriteJsonThatEscapesQuotesBackslashesAndControlCharacters() {
        // given values from outside, with every character JSON must escape
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("by", "a \"quoted\" \\ name\u0001");
        row.put("lines", "one\ntwo\u2028");
        row.put("at", Instant.parse("2024-05-01T10:00:00Z"));
        row.put("kind", AuditKind.DECISION);
        row.put("count", 3);
        row.put("none", null);
        row.put("list", List.of("x", 1));

        // when
        String json = Machine.json(List.of(row));

        // then
        assertThat(json).isEqualTo("[{\"by\":\"a \\\"quoted\\\" \\\\ name\\u0001\",\"lines\":\"one\\ntwo\\u2028\","
                + "\"at\":\"2024-05-01T10:00:00Z\",\"kind\":\"DECISION\",\"count\":3,\"none\":null,\"list\":[\"x\",1]}]");
    }

    @Test
    void shouldQuoteCsvCellsThatNeedItAndDefuseFormulas() {
        // given
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("a", "plain");
        row.put("b", "with, comma and \"quote\"");
        row.put("c", "=HYPERLINK(\"http://x\")");
        row.put("d", -5);
        row.put("e", "-12");
        row.put("f", List.of("R1: x", "R2: y"));

        // when
        List<String> lines = Machine.csv(List.of("a", "b", "c", "d", "e", "f", "g"), List.of(row));

        // then a spreadsheet reads the formula as text, numbers stay numbers, a missing column is empty
        assertThat(lines).containsExactly("a,b,c,d,e,f,g",
                "plain,\"with, comma and \"\"quote\"\"\",\"'=HYPERLINK(\"\"http://x\"\")\",-5,-12,R1: x; R2: y,");
    }
}
