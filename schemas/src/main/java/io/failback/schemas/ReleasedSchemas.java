package io.failback.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of every topic value schema, read from {@code released/} on the classpath
 * (listed in {@code released/index.txt}). Readers resolve old writers' data by fingerprint through it;
 * the build-time compatibility test checks each version against the current schema.
 */
public final class ReleasedSchemas {

    public static final String INDEX = "released/index.txt";

    /**
     * One released version of one record, e.g. {@code io.failback.messages.FailbackRequest} v1.
     *
     * @param readersFirst marked "readers-first" in the index: the version adds enum symbols or union branches
     *                     that versions released before it (which declare no enum default) can't read, so its
     *                     readers are deployed before its writers
     */
    public record Version(String fullName, int version, Schema schema, boolean readersFirst) {
        public long fingerprint() {
            return SchemaNormalization.parsingFingerprint64(schema);
        }
    }

    static {
        TrustedMessages.ensureTrusted();
    }

    private static final ReleasedSchemas INSTANCE = load();

    private final Map<String, List<Version>> byName;

    private ReleasedSchemas(Map<String, List<Version>> byName) {
        this.byName = byName;
    }

    public static ReleasedSchemas get() {
        return INSTANCE;
    }

    /** All released versions of a record, oldest first; empty when it was never released. */
    public List<Version> versionsOf(String fullName) {
        return byName.getOrDefault(fullName, List.of());
    }

    public Collection<String> names() {
        return byName.keySet();
    }

    /** A schema store answering the fingerprints of every released version of {@code fullName}. */
    public SchemaStore.Cache storeFor(String fullName) {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        versionsOf(fullName).forEach(v -> cache.addSchema(v.schema()));
        return cache;
    }

    private static ReleasedSchemas load() {
        Map<String, List<Version>> byName = new TreeMap<>();
        for (String line : read(INDEX).split("\n")) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] words = entry.split("\\s+");
            String path = words[0];
            boolean readersFirst = words.length > 1 && words[1].equals("readers-first");
            // released/<full name>/v<N>.avsc
            String[] parts = path.split("/");
            String fullName = parts[1];
            int version = Integer.parseInt(parts[2].replaceAll("^v|\\.avsc$", ""));
            Schema schema = new Schema.Parser().parse(read(path));
            if (!schema.getFullName().equals(fullName)) {
                throw new IllegalStateException(path + " holds " + schema.getFullName());
            }
            byName.computeIfAbsent(fullName, n -> new ArrayList<>()).add(new Version(fullName, version, schema, readersFirst));
        }
        byName.values().forEach(list -> list.sort((a, b) -> Integer.compare(a.version(), b.version())));
        return new ReleasedSchemas(byName);
    }

    private static String read(String resource) {
        try (InputStream in = ReleasedSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
