package io.failback.vcenter.vsphere;

/** Datastore paths ("[datastore1] dir/disk.vmdk") compared as vCenter means them, whatever the spacing. */
final class DiskPaths {

    private DiskPaths() {
    }

    static String normalize(String path) {
        String p = path.trim();
        int close = p.indexOf(']');
        if (p.startsWith("[") && close > 0) {
            return "[" + p.substring(1, close).trim() + "] " + p.substring(close + 1).trim();
        }
        return p;
    }
}
