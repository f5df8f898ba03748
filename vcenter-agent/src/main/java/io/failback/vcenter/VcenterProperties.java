package io.failback.vcenter;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The vCenters this agent may act on ({@code failback.vcenter.vcenters[n]...}); commands name one by
 * its {@code name}, the vCenter field of the protected item. Defaults and meanings are in application.yml.
 */
@ConfigurationProperties("failback.vcenter")
public record VcenterProperties(@DefaultValue List<Server> vcenters) {

    /** One vCenter: where it is, who we are there, what we trust, and how hard we may push it. */
    public record Server(
            String name,
            String url,
            String username,
            String password,
            String truststorePath,
            String truststorePassword,
            @DefaultValue("PKCS12") String truststoreType,
            @DefaultValue("false") boolean insecure,
            @DefaultValue("4") int maxConcurrentOperations,
            @DefaultValue("60s") Duration operationTimeout,
            @DefaultValue("10s") Duration connectTimeout) {

        public Server {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("failback.vcenter.vcenters[].name is required");
            }
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("failback.vcenter.vcenters[" + name + "].url is required");
            }
            if (maxConcurrentOperations < 1) {
                throw new IllegalArgumentException("failback.vcenter.vcenters[" + name + "].max-concurrent-operations must be at least 1");
            }
        }

        /** Without the password and the truststore password. */
        @Override
        public String toString() {
            return "Server[name=" + name + ", url=" + url + ", username=" + username + ", truststorePath=" + truststorePath
                    + ", truststoreType=" + truststoreType + ", insecure=" + insecure + ", maxConcurrentOperations="
                    + maxConcurrentOperations + ", operationTimeout=" + operationTimeout + ", connectTimeout=" + connectTimeout + "]";
        }
    }
}
