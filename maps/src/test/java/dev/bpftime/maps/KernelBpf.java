package dev.bpftime.maps;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * The kernel's own maps through the real bpf() syscall (x86-64 number 321), the oracle of the
 * differential tests. Needs CAP_BPF (root); {@link #available()} says whether it works here.
 * union bpf_attr offsets are those of include/uapi/linux/bpf.h.
 */
final class KernelBpf implements AutoCloseable {
    static final int SYS_BPF = 321;
    static final int BPF_MAP_CREATE = 0;
    static final int BPF_MAP_LOOKUP_ELEM = 1;
    static final int BPF_MAP_UPDATE_ELEM = 2;
    static final int BPF_MAP_DELETE_ELEM = 3;
    static final int BPF_MAP_GET_NEXT_KEY = 4;
    static final int BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21;
    static final int BPF_MAP_FREEZE = 22;
    static final int BPF_MAP_LOOKUP_BATCH = 24;
    static final int BPF_MAP_LOOKUP_AND_DELETE_BATCH = 25;
    static final int BPF_MAP_UPDATE_BATCH = 26;
    static final int BPF_MAP_DELETE_BATCH = 27;
    static final int BPF_MAP_GET_FD_BY_ID = 14;
    static final int BPF_OBJ_GET_INFO_BY_FD = 15;
    static final int ATTR_SIZE = 128;

    static {
        Native.register(KernelBpf.class, NativeLibrary.getInstance("c"));
    }

    private static native long syscall(long number, long cmd, Pointer attr, long size) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    final int fd;
    final int keySize;
    final int valueSize;

    private KernelBpf(int fd, int keySize, int valueSize) {
        this.fd = fd;
        this.keySize = keySize;
        this.valueSize = valueSize;
    }

    /** Whether bpf(BPF_MAP_CREATE) of a small array works here (root, BPF enabled), and if not why. */
    static Optional<String> unavailableReason() {
        try {
            KernelBpf k = create(MapAttr.of(MapType.ARRAY, 4, 4, 1, 0), 4);
            k.close();
            return Optional.empty();
        } catch (MapException e) {
            return Optional.of("kernel bpf() map creation fails here: " + e.getMessage());
        } catch (UnsatisfiedLinkError e) {
            return Optional.of("no libc syscall() through JNA: " + e.getMessage());
        }
    }

    /** Runs one bpf() command; returns its result, or -errno. */
    static long bpf(int cmd, Memory attr) {
        try {
            return syscall(SYS_BPF, cmd, attr, ATTR_SIZE);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    static KernelBpf create(MapAttr a, int sysValueSize) {
        if (a.spinLockOffset() >= 0) {
            try (KernelBtf btf = KernelBtf.spinLockValue(a.keySize(), a.valueSize(), a.spinLockOffset())) {
                return create(a, sysValueSize, btf);
            }
        }
        return create(a, sysValueSize, null);
    }

    /** BPF_MAP_CREATE, with the key and value types of `btf` when not null (the map keeps its own reference). */
    static KernelBpf create(MapAttr a, int sysValueSize, KernelBtf btf) {
        Memory attr = zeroed();
        attr.setInt(0, a.mapType());
        attr.setInt(4, a.keySize());
        attr.setInt(8, a.valueSize());
        attr.setInt(12, a.maxEntries());
        attr.setInt(16, a.mapFlags());
        byte[] name = a.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        attr.write(28, name, 0, Math.min(name.length, 16));
        if (btf != null) {
            attr.setInt(48, btf.fd());
            attr.setInt(52, btf.keyTypeId());
            attr.setInt(56, btf.valueTypeId());
        }
        long rc = bpf(BPF_MAP_CREATE, attr);
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_MAP_CREATE");
        }
        return new KernelBpf((int) rc, a.keySize(), sysValueSize);
    }

    /** BPF_MAP_CREATE of an ARRAY_OF_MAPS or HASH_OF_MAPS whose inner map template is the kernel map `innerFd`. */
    static KernelBpf createOuter(MapAttr a, int innerFd) {
        Memory attr = zeroed();
        attr.setInt(0, a.mapType());
        attr.setInt(4, a.keySize());
        attr.setInt(8, a.valueSize());
        attr.setInt(12, a.maxEntries());
        attr.setInt(16, a.mapFlags());
        attr.setInt(20, innerFd);
        long rc = bpf(BPF_MAP_CREATE, attr);
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_MAP_CREATE of a map of maps");
        }
        return new KernelBpf((int) rc, a.keySize(), 4);
    }

    /** The errno of BPF_MAP_CREATE with these attributes (0 when it succeeds; the map is closed). */
    static int createErrno(MapAttr a) {
        try {
            create(a, 0).close();
            return 0;
        } catch (MapException e) {
            return e.errno();
        }
    }

    /** The map's kernel id (struct bpf_map_info.id, BPF_OBJ_GET_INFO_BY_FD). */
    int id() {
        return objectId(fd);
    }

    /** The id of the map or program behind `fd` (bpf_map_info and bpf_prog_info both start {type, id}). */
    static int objectId(int fd) {
        Memory info = buffer(null, 8);
        Memory attr = zeroed();
        attr.setInt(0, fd);
        attr.setInt(4, 8);
        attr.setLong(8, Pointer.nativeValue(info));
        long rc = bpf(BPF_OBJ_GET_INFO_BY_FD, attr);
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_OBJ_GET_INFO_BY_FD of fd " + fd);
        }
        return info.getInt(4);
    }

    /** A further fd on the same kernel map with open_flags BPF_F_RDONLY / BPF_F_WRONLY (BPF_MAP_GET_FD_BY_ID). */
    KernelBpf reopen(int openFlags) {
        Memory attr = zeroed();
        attr.setInt(0, id());
        attr.setInt(8, openFlags);
        long rc = bpf(BPF_MAP_GET_FD_BY_ID, attr);
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_MAP_GET_FD_BY_ID with open_flags " + openFlags);
        }
        return new KernelBpf((int) rc, keySize, valueSize);
    }

    /** The errno of mmap(NULL, length, prot, flags, fd, pgoff * 4096), 0 when it maps (then unmapped). */
    int mmapErrno(long pgoff, long length, boolean writable, boolean shared) {
        try {
            Pointer p = Libc.mmap(length, writable, shared, fd, pgoff * 4096);
            Libc.munmap(p, length);
            return 0;
        } catch (com.sun.jna.LastErrorException e) {
            return e.getErrorCode();
        }
    }

    private static Memory zeroed() {
        Memory m = new Memory(ATTR_SIZE);
        m.clear();
        return m;
    }

    static Memory buffer(byte[] content, int size) {
        Memory m = new Memory(Math.max(size, 1));
        m.clear();
        if (content != null) {
            m.write(0, content, 0, content.length);
        }
        return m;
    }

    private Memory elemAttr(Memory key, Memory value, long flags) {
        Memory attr = zeroed();
        attr.setInt(0, fd);
        attr.setLong(8, key == null ? 0 : Pointer.nativeValue(key));
        attr.setLong(16, value == null ? 0 : Pointer.nativeValue(value));
        attr.setLong(24, flags);
        return attr;
    }

    /** value or -errno wrapped: errno in [0] when the lookup failed. */
    Result lookup(byte[] key, long flags) {
        Memory k = key == null ? null : buffer(key, keySize);
        Memory v = buffer(null, valueSize);
        long rc = bpf(BPF_MAP_LOOKUP_ELEM, elemAttr(k, v, flags));
        return rc < 0 ? Result.error(rc) : Result.of(v.getByteArray(0, valueSize));
    }

    /** Lookup into a buffer that starts as `initial`; returns the buffer after the call. */
    byte[] lookupInto(byte[] key, byte[] initial) {
        Memory v = buffer(initial, initial.length);
        bpf(BPF_MAP_LOOKUP_ELEM, elemAttr(buffer(key, keySize), v, 0));
        return v.getByteArray(0, initial.length);
    }

    /** A null key or value is a NULL pointer in the attr. */
    int update(byte[] key, byte[] value, long flags) {
        return (int) -Math.min(0, bpf(BPF_MAP_UPDATE_ELEM, elemAttr(key == null ? null : buffer(key, keySize),
                value == null ? null : buffer(value, valueSize), flags)));
    }

    int delete(byte[] key) {
        return (int) -Math.min(0, bpf(BPF_MAP_DELETE_ELEM, elemAttr(key == null ? null : buffer(key, keySize), null, 0)));
    }

    Result nextKey(byte[] key) {
        Memory next = buffer(null, keySize);
        long rc = bpf(BPF_MAP_GET_NEXT_KEY, elemAttr(key == null ? null : buffer(key, keySize), next, 0));
        return rc < 0 ? Result.error(rc) : Result.of(next.getByteArray(0, keySize));
    }

    Result lookupAndDelete(byte[] key, long flags) {
        Memory v = buffer(null, valueSize);
        long rc = bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM, elemAttr(key == null ? null : buffer(key, keySize), v, flags));
        return rc < 0 ? Result.error(rc) : Result.of(v.getByteArray(0, valueSize));
    }

    int freeze() {
        Memory attr = zeroed();
        attr.setInt(0, fd);
        return (int) -Math.min(0, bpf(BPF_MAP_FREEZE, attr));
    }

    /** A batch command; cursorSize is 4 for hash maps, key_size for arrays. */
    BatchResult batch(int cmd, byte[] inBatch, int cursorSize, byte[] keys, byte[] values, int count, long elemFlags,
            long flags) {
        Memory in = inBatch == null ? null : buffer(inBatch, cursorSize);
        Memory out = buffer(null, cursorSize);
        Memory k = buffer(keys, Math.max(keys == null ? 1 : keys.length, count * keySize));
        Memory v = buffer(values, Math.max(values == null ? 1 : values.length, count * valueSize));
        Memory attr = zeroed();
        attr.setLong(0, in == null ? 0 : Pointer.nativeValue(in));
        attr.setLong(8, Pointer.nativeValue(out));
        attr.setLong(16, Pointer.nativeValue(k));
        attr.setLong(24, Pointer.nativeValue(v));
        attr.setInt(32, count);
        attr.setInt(36, fd);
        attr.setLong(40, elemFlags);
        attr.setLong(48, flags);
        long rc = bpf(cmd, attr);
        int n = attr.getInt(32);
        return new BatchResult(n, k.getByteArray(0, Math.max(0, n) * keySize), v.getByteArray(0, Math.max(0, n) * valueSize),
                out.getByteArray(0, cursorSize), (int) -Math.min(0, rc));
    }

    @Override
    public void close() {
        close(fd);
    }

    /** A value or an errno. */
    record Result(byte[] value, int errno) {
        static Result of(byte[] v) {
            return new Result(v, 0);
        }

        static Result error(long rc) {
            return new Result(null, (int) -rc);
        }

        boolean ok() {
            return errno == 0;
        }
    }
}
