package dev.bpftime.compat.pin;

import dev.bpftime.compat.objects.BpfObject;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The emulated bpffs of this service's user, mounted at {@value #MOUNT}: pinned objects by path, each
 * pin holding one reference (kernel/bpf/inode.c bpf_mkobj_ops keeps the reference in the inode). It
 * lives as long as the service: a pin outlives the process that made it, and a service restart, like a
 * reboot for the kernel's bpffs, starts empty.
 *
 * <p>Only the mount's root directory exists: mkdir and rename are not intercepted yet. unlink removes a
 * pin (PinUnlink).
 */
public final class BpfFs {

    /** Where libbpf, bpftool and bpftrace expect bpffs. */
    public static final String MOUNT = "/sys/fs/bpf";

    private final TreeMap<String, BpfObject> pins = new TreeMap<>();

    /** Whether {@code normalized} is the mount's root or a directory in it. */
    public boolean isDirectory(String normalized) {
        return normalized.equals(MOUNT);
    }

    public boolean exists(String normalized) {
        return isDirectory(normalized) || pins.containsKey(normalized);
    }

    public Optional<BpfObject> get(String normalized) {
        return Optional.ofNullable(pins.get(normalized));
    }

    /** Adds a pin; the caller has already taken the reference it holds. */
    void put(String normalized, BpfObject object) {
        pins.put(normalized, object);
    }

    /** Takes a pin away; its reference now belongs to the caller. */
    BpfObject remove(String normalized) {
        return pins.remove(normalized);
    }

    public int size() {
        return pins.size();
    }

    /** Whether a path, normalized, is in the emulated mount (the root included). */
    public static boolean inMount(String normalized) {
        return normalized.equals(MOUNT) || normalized.startsWith(MOUNT + "/");
    }
}
