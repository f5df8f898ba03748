package io.failback.ctl.kafka;

import java.time.Duration;
import java.util.Properties;

/**
 * How to reach the broker: the bootstrap servers, extra client properties (security) and how long to
 * wait for the broker before saying it can't be reached.
 */
public record ClientSettings(String bootstrapServers, Properties extra, Duration timeout) {

    /** The extra properties, then the bootstrap servers, then {@code overrides}. */
    Properties with(Properties overrides) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", "failbackctl");
        p.putAll(overrides);
        return p;
    }

    /** The property names only: the values of a client config file include store passwords. */
    @Override
    public String toString() {
        return "ClientSettings[bootstrapServers=" + bootstrapServers + ", extra=" + new java.util.TreeSet<>(extra.stringPropertyNames())
                + ", timeout=" + timeout + "]";
    }
}
