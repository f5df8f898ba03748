package io.failback.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The project's {@code docker-compose.yml}, read as data so tests can hold it to the code: which
 * services it has and how they are built, and whether each environment key of a service is a real
 * configuration property of that service (Spring's relaxed binding of environment variables).
 */
public final class ComposeFile {

    private final Map<String, Object> root;

    private ComposeFile(Map<String, Object> root) {
        this.root = root;
    }

    /** Reads the compose file; fails on a file that isn't a YAML mapping with services. */
    public static ComposeFile read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = new Yaml().load(in);
            if (!(parsed instanceof Map<?, ?> map) || !(map.get("services") instanceof Map)) {
                throw new IllegalArgumentException(file + " is not a compose file with services");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) map;
            return new ComposeFile(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compose file of this checkout, found from the working directory of a module or of the root. */
    public static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docker-compose.yml");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) root.get("services");
    }

    public Map<String, Object> service(String name) {
        Map<String, Object> service = services().get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name + " in the compose file (has " + services().keySet() + ")");
        }
        return service;
    }

    /** A service's environment as a map, whichever of the two compose forms (map or KEY=VALUE list) it uses. */
    public Map<String, String> environment(String serviceName) {
        Object env = service(serviceName).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env instanceof List<?> list) {
            for (Object entry : list) {
                String s = String.valueOf(entry);
                int eq = s.indexOf('=');
                result.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return result;
    }

    /**
     * The environment keys of {@code serviceName} that bind to no configuration property the service has:
     * neither a property Spring Boot declares in the configuration metadata on this classpath nor one
     * of the service's own {@link ConfigurationProperties} records. Keys in {@code readByLibraries}
     * (environment variables a library reads itself, not through Spring) are accepted as they are.
     */
    public Set<String> unknownEnvironmentKeys(String serviceName, Set<String> readByLibraries, Class<?>... propertiesRecords) {
        List<Pattern> known = new ArrayList<>();
        for (String property : bootMetadataProperties()) {
            known.add(envPattern(property));
        }
        for (Class<?> type : propertiesRecords) {
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            if (annotation == null) {
                throw new IllegalArgumentException(type.getName() + " is not a @ConfigurationProperties class");
            }
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            List<String> names = new ArrayList<>();
            propertiesOf(prefix, type, names);
            names.forEach(n -> known.add(envPattern(n)));
        }
        Set<String> unknown = new TreeSet<>();
        for (String key : environment(serviceName).keySet()) {
            if (!readByLibraries.contains(key) && known.stream().noneMatch(p -> p.matcher(key).matches())) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** Property names of a record, kebab-case; {@code [*]} for list elements and {@code .*} for map keys. */
    static void propertiesOf(String prefix, Class<?> type, List<String> into) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + "." + kebab(c.getName());
            Class<?> raw = c.getType();
            if (raw.isRecord()) {
                propertiesOf(name, raw, into);
            } else if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
                Class<?> element = typeArgument(c.getGenericType(), 0);
                if (element != null && element.isRecord()) {
                    propertiesOf(name + "[*]", element, into);
                } else {
                    into.add(name);
                    into.add(name + "[*]");
                }
            } else if (Map.class.isAssignableFrom(raw)) {
                into.add(name + ".*");
            } else {
                into.add(name);
            }
        }
    }

    private static Class<?> typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[index] instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * The environment-variable form of a property name as Spring binds it: upper case, dots to
     * underscores, dashes dropped (or underscores), list indexes as {@code _N}; a map property takes any suffix.
     */
    static Pattern envPattern(String property) {
        StringBuilder regex = new StringBuilder();
        String p = property.toUpperCase(Locale.ROOT);
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (p.startsWith("[*]", i)) {
                regex.append("_[0-9]+");
                i += 2;
            } else if (p.startsWith(".*", i) && i + 2 == p.length()) {
                regex.append("_[A-Z0-9_]+");
                i += 1;
            } else if (ch == '.') {
                regex.append('_');
            } else if (ch == '-') {
                regex.append("_?"); // dropped, or (Spring's legacy form) an underscore
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Every property Spring Boot's jars on this classpath declare; map-typed ones as {@code name.*}. */
    static Set<String> bootMetadataProperties() {
        Set<String> names = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        try {
            for (URL url : Collections.list(ComposeFile.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonNode properties = json.readTree(in).path("properties");
                    for (JsonNode p : properties) {
                        String name = p.path("name").asString();
                        names.add(name);
                        if (p.path("type").asString("").startsWith("java.util.Map")) {
                            names.add(name + ".*");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
