package io.failback.vcenter.vsphere;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import io.failback.vcenter.VcenterProperties;

/**
 * The TLS trust for one vCenter: the JVM's default trust, or the configured truststore (PKCS12, JKS,
 * or PEM certificates), with host name verification; trusting anything only when {@code insecure} is set.
 */
final class Tls {

    private Tls() {
    }

    static SSLSocketFactory socketFactory(VcenterProperties.Server server) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(server), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for vCenter " + server.name() + ": " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(VcenterProperties.Server server) throws GeneralSecurityException {
        if (server.insecure()) {
            return new TrustManager[] {new TrustAnything()};
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(server.truststorePath() == null || server.truststorePath().isBlank() ? null : load(server));
        return factory.getTrustManagers();
    }

    static KeyStore load(VcenterProperties.Server server) throws GeneralSecurityException {
        Path path = Path.of(server.truststorePath());
        String type = server.truststoreType() == null ? "PKCS12" : server.truststoreType().toUpperCase(Locale.ROOT);
        try (InputStream in = Files.newInputStream(path)) {
            if (type.equals("PEM")) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("cert-" + i++, cert);
                }
                return store;
            }
            KeyStore store = KeyStore.getInstance(type);
            String password = server.truststorePassword();
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the truststore of vCenter " + server.name() + " at " + path
                    + ": " + e.getMessage(), e);
        }
    }

    /** Only with {@code insecure: true}: no chain and no host name check. */
    private static final class TrustAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // trusts anything by explicit configuration
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // trusts anything by explicit configuration
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // trusts anything by explicit configuration
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // trusts anything by explicit configuration
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // trusts anything by explicit configuration
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // trusts anything by explicit configuration
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
