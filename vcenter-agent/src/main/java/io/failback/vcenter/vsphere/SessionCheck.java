package io.failback.vcenter.vsphere;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The vcenter-agent's readiness check: one round trip on the session of every configured vCenter (logging in if needed). */
public final class SessionCheck {

    private SessionCheck() {
    }

    /** Each vCenter's name with "session ok"; throws naming every vCenter without a session, and why. */
    public static Map<String, Object> run(Collection<VsphereClient> vcenters) {
        Map<String, Object> ok = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (VsphereClient vcenter : vcenters) {
            try {
                vcenter.execute("health check", session -> {
                    session.ping();
                    return null;
                });
                ok.put(vcenter.name(), "session ok");
            } catch (VcenterFailure e) {
                failed.put(vcenter.name(), e.code() + ": " + e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("no session with " + failed);
        }
        if (ok.isEmpty()) {
            ok.put("vcenters", "none configured");
        }
        return ok;
    }
}
