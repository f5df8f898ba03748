package io.failback.sandbox.arm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The emulator's TLS identity: a self-signed certificate for {@code localhost} and {@code 127.0.0.1},
 * made at start with the JDK's {@code keytool} (the JDK has no public API to issue certificates), and
 * a truststore holding only that certificate for clients to verify the server with. The private key's
 * password is random and never leaves this process; the truststore's password guards only a public certificate.
 */
record SelfSignedTls(SSLContext serverContext, Path truststore, String truststorePassword) {

    static final String ALIAS = "arm-emulator";
    static final String STORE_TYPE = "PKCS12";

    static SelfSignedTls create(Path directory, String truststorePassword) throws IOException, GeneralSecurityException {
        Files.createDirectories(directory);
        char[] keyPassword = UUID.randomUUID().toString().toCharArray();
        Path keystorePath = directory.resolve("arm-emulator-key.p12");
        Files.deleteIfExists(keystorePath);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost, O=failback sandbox", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "30", "-storetype", STORE_TYPE, "-keystore", keystorePath.toString(),
                "-storepass:env", "ARM_EMULATOR_KEY_PASSWORD"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE);
        process.environment().put("ARM_EMULATOR_KEY_PASSWORD", new String(keyPassword));
        Process started = process.start();
        String output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!started.waitFor(60, TimeUnit.SECONDS) || started.exitValue() != 0) {
                throw new IOException("keytool could not make the emulator's certificate: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the emulator's certificate", e);
        }
        KeyStore keys = KeyStore.getInstance(STORE_TYPE);
        try (InputStream in = Files.newInputStream(keystorePath)) {
            keys.load(in, keyPassword);
        }
        Certificate certificate = keys.getCertificate(ALIAS);
        KeyStore trust = KeyStore.getInstance(STORE_TYPE);
        trust.load(null, null);
        trust.setCertificateEntry(ALIAS, certificate);
        Path truststore = directory.resolve("arm-emulator-truststore.p12");
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trust.store(out, truststorePassword.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyPassword);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new SelfSignedTls(context, truststore, truststorePassword);
    }

    /** Without the truststore's password, so that printing this never prints a password. */
    @Override
    public String toString() {
        return "SelfSignedTls[truststore=" + truststore + "]";
    }

    /** A client context that trusts exactly the emulator's certificate. */
    SSLContext clientContext() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(STORE_TYPE);
        try (InputStream in = Files.newInputStream(truststore)) {
            trust.load(in, truststorePassword.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
