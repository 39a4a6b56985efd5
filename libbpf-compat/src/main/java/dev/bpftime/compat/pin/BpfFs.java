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
 * <p>Directories are made with mkdir (PinMkdir) and removed with rmdir, pins removed with unlink
 * (PinUnlink); rename is not intercepted. Each node has the attributes stat shows ({@link Node}), as the
 * kernel's inodes do.
 */
public final class BpfFs {

    /** Where libbpf, bpftool and bpftrace expect bpffs. */
    public static final String MOUNT = "/sys/fs/bpf";

    /** S_IFDIR and S_IFREG of include/uapi/linux/stat.h. */
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    /**
     * The root's mode: sticky and the owner's only, as systemd mounts bpffs (mode=700; bpf_fill_super
     * adds S_ISVTX). Only this service's user can reach the emulated mount anyway.
     */
    static final int ROOT_MODE = S_IFDIR | 01700;

    /**
     * What stat shows of a node. The root is inode 1 (bpf_fill_super gives the root of a simple
     * filesystem ino 1); pins count up from 2 and keep theirs for their life, as get_next_ino gives a
     * new inode its number once.
     */
    public record Node(long ino, int mode, int nlink, int uid, int gid, long mtimeNs, long ctimeNs) {
    }

    private record Pin(BpfObject object, Node node) {
    }

    private final TreeMap<String, Pin> pins = new TreeMap<>();
    /** Directories below the root, with their attributes (nlink is counted when asked). */
    private final TreeMap<String, Node> dirs = new TreeMap<>();
    private final int uid;
    private final int gid;
    private long nextIno = 2;
    /** Where the names are mirrored as empty files and folders, for opendir (null: nowhere). */
    private java.nio.file.Path mirror;
    private long rootChangedNs = now();

    /** A bpffs of this process's effective user. */
    public BpfFs() {
        this(dev.bpftime.compat.posix.LibC.geteuid(), dev.bpftime.compat.posix.LibC.getegid());
    }

    /** A bpffs whose nodes belong to uid and gid (the service's user: the pinning processes' fsuid). */
    public BpfFs(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    /**
     * Mirrors the names from now on into {@code dir} (emptied first), as empty files and folders: the shim
     * sends opendir of a folder of the mount there, so that readdir lists the pins (ls, find), whose
     * attributes the shim then asks for with stat. Best effort: a name that cannot be mirrored is only
     * missing from listings.
     */
    public void mirrorInto(java.nio.file.Path dir) {
        try {
            if (java.nio.file.Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(dir)) {
                    for (java.nio.file.Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.delete(p);
                    }
                }
            }
            java.nio.file.Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            mirror = dir;
        } catch (java.io.IOException e) {
            mirror = null;
        }
    }

    private void mirrored(String normalized, boolean add, boolean directory) {
        if (mirror == null) {
            return;
        }
        java.nio.file.Path p = mirror.resolve(normalized.substring(MOUNT.length() + 1));
        try {
            if (!add) {
                java.nio.file.Files.deleteIfExists(p);
            } else if (directory) {
                java.nio.file.Files.createDirectory(p);
            } else {
                java.nio.file.Files.createFile(p);
            }
        } catch (java.io.IOException e) {
            // only listings miss it: stat, get and unlink go to the pins themselves
        }
    }

    /** Whether {@code normalized} is the mount's root or a directory in it. */
    public boolean isDirectory(String normalized) {
        return normalized.equals(MOUNT) || dirs.containsKey(normalized);
    }

    public boolean exists(String normalized) {
        return isDirectory(normalized) || pins.containsKey(normalized);
    }

    /** Whether a directory holds anything (rmdir's ENOTEMPTY). */
    boolean hasEntries(String directory) {
        String prefix = directory + "/";
        String p = pins.ceilingKey(prefix);
        String d = dirs.ceilingKey(prefix);
        return p != null && p.startsWith(prefix) || d != null && d.startsWith(prefix);
    }

    /** "." and the parent's entry, and each subdirectory's "..", as simple_mkdir counts them. */
    private int links(String directory) {
        String prefix = directory + "/";
        int n = 2;
        for (String d : dirs.tailMap(prefix).keySet()) {
            if (!d.startsWith(prefix)) {
                break;
            }
            if (d.indexOf('/', prefix.length()) < 0) {
                n++;
            }
        }
        return n;
    }

    public Optional<BpfObject> get(String normalized) {
        return Optional.ofNullable(pins.get(normalized)).map(Pin::object);
    }

    /** The attributes of a node, if it exists. */
    public Optional<Node> node(String normalized) {
        if (normalized.equals(MOUNT)) {
            return Optional.of(new Node(1, ROOT_MODE, links(MOUNT), uid, gid, rootChangedNs, rootChangedNs));
        }
        Node dir = dirs.get(normalized);
        if (dir != null) {
            return Optional.of(new Node(dir.ino(), dir.mode(), links(normalized), dir.uid(), dir.gid(), dir.mtimeNs(),
                    dir.ctimeNs()));
        }
        return Optional.ofNullable(pins.get(normalized)).map(Pin::node);
    }

    /**
     * Adds a pin with its permission bits (bpf_obj_do_pin: 0600 less the pinning process's umask); the
     * caller has already taken the reference it holds.
     */
    void put(String normalized, BpfObject object, int permissions) {
        long t = now();
        pins.put(normalized, new Pin(object, new Node(nextIno++, S_IFREG | (permissions & 07777), 1, uid, gid, t, t)));
        changed(normalized, t);
        mirrored(normalized, true, false);
    }

    /** Adds a directory with its permission bits (bpf_mkdir: the mode mkdir got, less the umask). */
    void mkdir(String normalized, int permissions) {
        long t = now();
        dirs.put(normalized, new Node(nextIno++, S_IFDIR | (permissions & 07777), 2, uid, gid, t, t));
        changed(normalized, t);
        mirrored(normalized, true, true);
    }

    /** Removes an empty directory. */
    void rmdir(String normalized) {
        if (dirs.remove(normalized) != null) {
            changed(normalized, now());
            mirrored(normalized, false, true);
        }
    }

    /** A new or removed entry changes its directory's mtime and ctime. */
    private void changed(String entry, long t) {
        String parent = entry.substring(0, entry.lastIndexOf('/'));
        Node d = dirs.get(parent);
        if (d != null) {
            dirs.put(parent, new Node(d.ino(), d.mode(), d.nlink(), d.uid(), d.gid(), t, t));
        } else {
            rootChangedNs = t;
        }
    }

    /** Takes a pin away; its reference now belongs to the caller. */
    BpfObject remove(String normalized) {
        Pin p = pins.remove(normalized);
        if (p != null) {
            changed(normalized, now());
            mirrored(normalized, false, false);
        }
        return p == null ? null : p.object();
    }

    public int size() {
        return pins.size();
    }

    /** Whether a path, normalized, is in the emulated mount (the root included). */
    public static boolean inMount(String normalized) {
        return normalized.equals(MOUNT) || normalized.startsWith(MOUNT + "/");
    }

    private static long now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
