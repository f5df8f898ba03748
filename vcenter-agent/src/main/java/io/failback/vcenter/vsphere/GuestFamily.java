package io.failback.vcenter.vsphere;

import java.util.List;
import java.util.Locale;

import io.failback.messages.OsType;

/**
 * A VM's OS family from its configured guest id (config.guestId), which vCenter has without VMware Tools
 * running: the preflight compares the master target's with the protected VM's.
 */
final class GuestFamily {

    /** Guest id prefixes of Linux distributions that don't say "linux" in their id. */
    private static final List<String> LINUX = List.of("rhel", "centos", "ubuntu", "debian", "sles", "suse", "opensuse",
            "fedora", "oracle", "asianux", "coreos", "photon", "amazonlinux", "mandrake", "mandriva", "turbolinux", "redhat",
            "genericlinux", "vmwarephoton", "rockylinux", "almalinux");

    private GuestFamily() {
    }

    /** WINDOWS, LINUX, or null when the guest id says neither (e.g. otherGuest64, freebsd64Guest). */
    static OsType of(String guestId) {
        String id = guestId == null ? "" : guestId.toLowerCase(Locale.ROOT);
        if (id.startsWith("win")) {
            return OsType.WINDOWS;
        }
        if (id.contains("linux") || LINUX.stream().anyMatch(id::startsWith)) {
            return OsType.LINUX;
        }
        return null;
    }
}
