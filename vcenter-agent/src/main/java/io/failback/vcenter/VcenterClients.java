package io.failback.vcenter;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.failback.vcenter.vsphere.VsphereClient;

/** One {@link VsphereClient} per configured vCenter, found by name (case-insensitive, as host names are). */
public final class VcenterClients implements AutoCloseable {

    private final Map<String, VsphereClient> byName = new LinkedHashMap<>();

    public VcenterClients(VcenterProperties properties) {
        for (VcenterProperties.Server server : properties.vcenters()) {
            String key = server.name().toLowerCase(Locale.ROOT);
            if (byName.containsKey(key)) {
                throw new IllegalArgumentException("vCenter " + server.name() + " is configured twice");
            }
            byName.put(key, new VsphereClient(server));
        }
    }

    public Optional<VsphereClient> get(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
    }

    public Collection<VsphereClient> all() {
        return byName.values();
    }

    @Override
    public void close() {
        byName.values().forEach(VsphereClient::close);
    }
}
