package io.failback.vcenter;

import java.nio.file.Path;
import java.time.Duration;

import io.failback.sandbox.vcsim.Vcsim;

/** Test data: agent configuration entries for a running simulator. */
final class Servers {

    static final String TRUSTSTORE_PASSWORD = "changeit";

    private Servers() {
    }

    /** Verified TLS against the simulator's own certificate, written as a PKCS12 truststore. */
    static VcenterProperties.Server trusting(String name, Vcsim vcsim, Path dir, int maxConcurrent, Duration timeout) {
        Path store = vcsim.writeTrustStore(dir.resolve(name + "-truststore.p12"), TRUSTSTORE_PASSWORD.toCharArray());
        return new VcenterProperties.Server(name, vcsim.url().toString(), vcsim.username(), vcsim.password(),
                store.toString(), TRUSTSTORE_PASSWORD, "PKCS12", false, maxConcurrent, timeout, Duration.ofSeconds(5));
    }

    static VcenterProperties.Server trusting(String name, Vcsim vcsim, Path dir) {
        return trusting(name, vcsim, dir, 4, Duration.ofSeconds(20));
    }
}
