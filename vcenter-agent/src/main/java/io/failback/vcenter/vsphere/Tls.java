package io.failback.vcenter.vsphere;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
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
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
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
            return server.insecure() ? context.getSocketFactory() : new HostChecking(context.getSocketFactory());
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

    /**
     * Sockets that check the server's host name during the handshake themselves. HttpsURLConnection
     * would otherwise rely on the JVM-wide default HostnameVerifier, which any library may replace
     * (yavijava's own trust-all mode installs one that accepts every name).
     */
    static final class HostChecking extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        HostChecking(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket checked(Socket socket) {
            if (socket instanceof SSLSocket ssl) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return checked(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return checked(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return checked(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return checked(delegate.createSocket(address, port, localAddress, localPort));
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
