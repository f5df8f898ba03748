package io.failback.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The README's topic table is the catalog: same topics, order, partitions and cleanup policies. */
class ReadmeTopicTableTest {

    @Test
    void shouldListEveryCatalogTopicAsTheCatalogDeclaresIt() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(l -> l.startsWith("| `failback."))
                .collect(Collectors.toList());

        assertThat(rows).hasSize(Topics.ALL.size());
        for (int i = 0; i < rows.size(); i++) {
            Topic<?, ?> topic = Topics.ALL.get(i);
            String[] cells = rows.get(i).split("\\|");
            assertThat(cells[1].trim()).isEqualTo("`" + topic.name() + "`");
            assertThat(cells[3].trim()).as(topic.name()).isEqualTo(Integer.toString(topic.partitions()));
            assertThat(cells[4].trim()).as(topic.name()).isEqualTo(topic.cleanupPolicy().configValue());
        }
    }
}
