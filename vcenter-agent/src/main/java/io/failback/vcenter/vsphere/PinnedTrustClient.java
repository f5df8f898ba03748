package io.failback.vcenter.vsphere;

import java.net.MalformedURLException;
import java.rmi.RemoteException;

import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import com.vmware.vim25.ws.WSClient;

/**
 * yavijava's SOAP client with this vCenter's own TLS socket factory. yavijava caches one SSL context
 * for the whole JVM (the first trust manager wins), which would let one vCenter's truststore decide
 * for all; the factory travels in the trust-manager argument because the superclass constructor asks
 * for it before this class's fields exist.
 */
final class PinnedTrustClient extends WSClient {

    PinnedTrustClient(String url, SSLSocketFactory factory) throws MalformedURLException, RemoteException {
        super(url, false, new Carrier(factory));
    }

    @Override
    protected SSLSocketFactory getCustomTrustManagerSocketFactory(TrustManager trustManager) {
        return ((Carrier) trustManager).factory;
    }

    private static final class Carrier implements TrustManager {
        private final SSLSocketFactory factory;

        private Carrier(SSLSocketFactory factory) {
            this.factory = factory;
        }
    }
}
