package io.failback.sandbox.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.failback.schemas.Acls.Principal;

/**
 * The sandbox's mutual-TLS identities: a certificate authority of its own and, issued by it with the JDK's
 * {@code keytool}, one PKCS12 keystore per {@link Principal} (CN = the principal's name, SAN localhost and
 * 127.0.0.1), plus a truststore holding only the authority. Each store has its own random password, kept in
 * this object only: never logged, never in a service's printed environment ({@link #toString()} leaves them out).
 * Made once per sandbox: a keytool call is a JVM start.
 */
public final class KafkaSecurity {

    static final String STORE_TYPE = "PKCS12";
    private static final String CA = "failback-sandbox-ca";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Path truststore;
    private final String truststorePassword;
    private final Map<Principal, String> keystorePasswords;

    private KafkaSecurity(Path directory, Path truststore, String truststorePassword, Map<Principal, String> keystorePasswords) {
        this.directory = directory;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
        this.keystorePasswords = keystorePasswords;
    }

    /** Issues a new authority and every principal's keystore into {@code directory} (replacing what was there). */
    public static KafkaSecurity issue(Path directory) {
        try {
            Files.createDirectories(directory);
            String caPassword = password();
            Path ca = directory.resolve("ca.p12");
            Files.deleteIfExists(ca);
            keytool(caPassword, "-genkeypair", "-alias", CA, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-sigalg", "SHA256withECDSA", "-dname", "CN=failback sandbox CA, O=failback", "-ext", "bc:c",
                    "-validity", "30", "-storetype", STORE_TYPE, "-keystore", ca.toString());
            KeyStore caStore = load(ca, caPassword);
            Certificate caCertificate = caStore.getCertificate(CA);

            String truststorePassword = password();
            Path truststore = directory.resolve("truststore.p12");
            KeyStore trust = KeyStore.getInstance(STORE_TYPE);
            trust.load(null, null);
            trust.setCertificateEntry(CA, caCertificate);
            store(trust, truststore, truststorePassword);

            // keytool signs with a key of the same keystore: each principal gets a copy of the authority's to sign in, in
            // parallel, and then a store of its own holding only its key and chain
            Map<Principal, String> passwords = new EnumMap<>(Principal.class);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> issued = new ArrayList<>();
                for (Principal p : Principal.values()) {
                    String keystorePassword = password();
                    passwords.put(p, keystorePassword);
                    issued.add(pool.submit(() -> {
                        issue(directory, ca, caPassword, p, keystorePassword);
                        return null;
                    }));
                }
                for (Future<?> f : issued) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("could not issue the Kafka principals' certificates: " + e.getCause().getMessage(), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("keytool did not issue the Kafka principals' certificates within 5 minutes", e);
            } finally {
                pool.shutdownNow();
            }
            return new KafkaSecurity(directory, truststore, truststorePassword, Map.copyOf(passwords));
        } catch (IOException e) {
            throw new UncheckedIOException("could not make the sandbox's Kafka certificates in " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make the sandbox's Kafka certificates in " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the sandbox's Kafka certificates", e);
        }
    }

    private static void issue(Path directory, Path ca, String caPassword, Principal principal, String keystorePassword)
            throws IOException, GeneralSecurityException {
        Path scratch = directory.resolve(principal.cn() + "-signing.p12");
        Files.copy(ca, scratch, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            keytool(caPassword, "-genkeypair", "-alias", principal.cn(), "-keyalg", "EC", "-groupname", "secp256r1",
                    "-sigalg", "SHA256withECDSA", "-dname", "CN=" + principal.cn() + ", O=failback",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-signer", CA, "-validity", "30",
                    "-storetype", STORE_TYPE, "-keystore", scratch.toString());
            KeyStore signed = load(scratch, caPassword);
            Key key = signed.getKey(principal.cn(), caPassword.toCharArray());
            Certificate[] chain = signed.getCertificateChain(principal.cn());
            KeyStore own = KeyStore.getInstance(STORE_TYPE);
            own.load(null, null);
            own.setKeyEntry(principal.cn(), key, keystorePassword.toCharArray(), chain);
            store(own, keystoreOf(directory, principal), keystorePassword);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /** A principal's keystore: its key and its certificate chain up to the authority. */
    public Path keystore(Principal principal) {
        return keystoreOf(directory, principal);
    }

    public Path truststore() {
        return truststore;
    }

    /** The TLS settings of a Kafka client that authenticates as {@code principal} and verifies the broker's certificate. */
    public Map<String, Object> clientProperties(Principal principal) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", STORE_TYPE);
        p.put("ssl.keystore.location", keystore(principal).toString());
        p.put("ssl.keystore.password", keystorePasswords.get(principal));
        p.put("ssl.key.password", keystorePasswords.get(principal));
        p.put("ssl.truststore.type", STORE_TYPE);
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", truststorePassword);
        p.put("ssl.endpoint.identification.algorithm", "https");
        return p;
    }

    /** The same settings as Spring Boot's environment variables ({@code spring.kafka.security.*}, {@code spring.kafka.ssl.*}). */
    public Map<String, String> springEnvironment(Principal principal) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPRING_KAFKA_SECURITY_PROTOCOL", "SSL");
        env.put("SPRING_KAFKA_SSL_KEY_STORE_TYPE", STORE_TYPE);
        env.put("SPRING_KAFKA_SSL_KEY_STORE_LOCATION", keystore(principal).toUri().toString());
        env.put("SPRING_KAFKA_SSL_KEY_STORE_PASSWORD", keystorePasswords.get(principal));
        env.put("SPRING_KAFKA_SSL_KEY_PASSWORD", keystorePasswords.get(principal));
        env.put("SPRING_KAFKA_SSL_TRUST_STORE_TYPE", STORE_TYPE);
        env.put("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", truststore.toUri().toString());
        env.put("SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD", truststorePassword);
        env.put("SPRING_KAFKA_PROPERTIES_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https");
        return env;
    }

    /**
     * Writes a principal's client settings, with {@code bootstrap.servers}, as a {@code .properties} file readable by
     * its owner only (it holds the keystore's password): what {@code failbackctl --kafka-config} and Kafka's own tools take.
     */
    public Path writeClientProperties(Principal principal, String bootstrapServers, Path file) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        clientProperties(principal).forEach((k, v) -> p.put(k, String.valueOf(v)));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, ownerOnly(file));
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "Kafka client settings of " + principal.kafkaPrincipal() + "; holds store passwords");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** The broker's listener settings for {@code SSL} everywhere, client certificates required, names mapped from their CN. */
    Map<String, String> brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ssl.keystore.type", STORE_TYPE);
        p.put("ssl.keystore.location", keystore(Principal.BROKER).toString());
        p.put("ssl.keystore.password", keystorePasswords.get(Principal.BROKER));
        p.put("ssl.key.password", keystorePasswords.get(Principal.BROKER));
        p.put("ssl.truststore.type", STORE_TYPE);
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", truststorePassword);
        p.put("ssl.client.auth", "required");
        p.put("ssl.endpoint.identification.algorithm", "https");
        p.put("ssl.principal.mapping.rules", PRINCIPAL_MAPPING_RULES);
        return p;
    }

    /** {@code CN=orchestrator,O=failback} is {@code User:orchestrator}; any other name stays whole, and is granted nothing. */
    public static final String PRINCIPAL_MAPPING_RULES = "RULE:^CN=([a-z0-9-]+),O=failback$/$1/,DEFAULT";

    /** Every store password this sandbox made: none may appear in a log or a topic. */
    public Map<String, String> secrets() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("Kafka truststore password", truststorePassword);
        keystorePasswords.forEach((p, pw) -> s.put("Kafka keystore password of " + p.cn(), pw));
        return s;
    }

    @Override
    public String toString() {
        return "KafkaSecurity[" + directory + "]";
    }

    private static Path keystoreOf(Path directory, Principal principal) {
        return directory.resolve(principal.cn() + ".p12");
    }

    private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly(Path file) {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new java.nio.file.attribute.FileAttribute<?>[] {
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))};
        }
        return new java.nio.file.attribute.FileAttribute<?>[0];
    }

    private static void keytool(String storePassword, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        // passwords by environment, never on a command line that ps shows
        cmd.addAll(List.of("-storepass:env", "FAILBACK_KEYTOOL_STOREPASS"));
        if (List.of(args).contains("-signer")) {
            cmd.addAll(List.of("-signerkeypass:env", "FAILBACK_KEYTOOL_STOREPASS"));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().put("FAILBACK_KEYTOOL_STOREPASS", storePassword);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(STORE_TYPE);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    private static void store(KeyStore ks, Path file, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }

    private static String password() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
