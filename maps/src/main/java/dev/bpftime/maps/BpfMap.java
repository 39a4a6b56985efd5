package dev.bpftime.maps;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A map as a file descriptor sees it: one {@link MapObject} plus the access this view grants
 * (BPF_F_RDONLY / BPF_F_WRONLY at creation, the file flags of BPF_OBJ_GET later). Each method is
 * the bpf() command of the same name below fd lookup: permission and flag checks in the order of
 * kernel/bpf/syscall.c, then the native operation. A refusal is a {@link MapException} carrying
 * the kernel's errno; a missing key is an empty Optional (the syscall layer makes it ENOENT).
 * Keys and values are byte arrays of exactly {@link #keySize()} and {@link #sysValueSize()} bytes;
 * null stands for a NULL pointer in the attr (EFAULT where the kernel would read it).
 */
public final class BpfMap implements AutoCloseable {
    private static final int PAGE_SIZE = 4096;

    private final MapObject obj;
    private final boolean canRead;
    private final boolean canWrite;
    private final AtomicBoolean closed = new AtomicBoolean();

    BpfMap(MapObject obj, boolean canRead, boolean canWrite) {
        this.obj = obj;
        this.canRead = canRead;
        this.canWrite = canWrite;
    }

    /** A further view of the same map with the given access, as BPF_OBJ_GET with file_flags gives. */
    public BpfMap withAccess(boolean read, boolean write) {
        live();
        obj.retain();
        return new BpfMap(obj, read, write);
    }

    public MapType type() {
        return obj.type;
    }

    public MapAttr attr() {
        return obj.attr;
    }

    public int keySize() {
        return obj.attr.keySize();
    }

    public int valueSize() {
        return obj.attr.valueSize();
    }

    public int maxEntries() {
        return obj.attr.maxEntries();
    }

    /** Possible CPUs: the number of slots of a per-CPU value. */
    public int ncpus() {
        return obj.ncpus;
    }

    public boolean frozen() {
        return obj.frozen;
    }

    public int memfd() {
        return NativeMaps.bpftime_map_memfd(live());
    }

    /** The eventfd that wakes a ring or perf buffer's consumer; -1 for other types. */
    public int eventfd() {
        return NativeMaps.bpftime_map_eventfd(live());
    }

    /**
     * A perf buffer's wake-up rules, from its event's perf_event_attr (wakeup_events or, with the
     * watermark bit, wakeup_watermark); without this call every record wakes the consumer.
     */
    public void setPerfWakeup(int wakeupEvents, int wakeupWatermark, boolean watermark) {
        if (obj.type != MapType.PERF_BUFFER) {
            throw new IllegalStateException("map " + obj.describe() + " is a " + obj.type + ", not a perf buffer");
        }
        NativeMaps.bpftime_perfbuf_set_wakeup(live(), wakeupEvents, wakeupWatermark, watermark ? 1 : 0);
    }

    /**
     * bpf_perf_event_output() on this PERF_EVENT_ARRAY from a program's side: 0 or -errno
     * (bpftime_perfbuf.h), the record going to the perf buffer of the slot flags names.
     */
    public long perfEventOutput(long flags, byte[] data) {
        if (obj.type != MapType.PERF_EVENT_ARRAY) {
            return -Errno.EINVAL.code();
        }
        return NativeMaps.bpftime_perf_event_output(live(), flags, data, data.length);
    }

    /** bpf_ringbuf_output() on this RINGBUF from a program's side: 0 or -errno (bpftime_ringbuf.h). */
    public long ringbufOutput(byte[] data, long flags) {
        if (obj.type != MapType.RINGBUF) {
            return -Errno.EINVAL.code();
        }
        return NativeMaps.bpftime_ringbuf_output(live(), data, data.length, flags);
    }

    public long sharedMemorySize() {
        return obj.sharedMemorySize;
    }

    /** Live elements of a hash map (0 for other types), by walking its buckets: for diagnostics. */
    public int count() {
        return NativeMaps.bpftime_map_count(live());
    }

    /** Bytes of a value as bpf() passes it: every CPU's slot for per-CPU maps (bpf_map_value_size()). */
    public int sysValueSize() {
        if (obj.type.isPerCpu()) {
            return (int) MapAttrValidator.roundUp8(obj.attr.valueSizeUnsigned()) * obj.ncpus;
        }
        if (obj.type.isFdArray()) {
            return 4;
        }
        return obj.attr.valueSize();
    }

    Pointer handle() {
        return live();
    }

    private Pointer live() {
        if (closed.get() || !obj.live()) {
            throw new IllegalStateException("map " + obj.describe() + " is closed");
        }
        return obj.handle;
    }

    /**
     * __bpf_copy_key() (kernel/bpf/syscall.c): null stands for a NULL key pointer, which a map
     * with keys cannot read (EFAULT) and the only key a map without keys (RINGBUF) accepts
     * (any other pointer: EINVAL).
     */
    private void checkKey(byte[] key, String op) {
        if (key == null) {
            if (keySize() != 0) {
                throw new MapException(Errno.EFAULT, op + " on map " + obj.describe() + ": NULL key");
            }
            return;
        }
        if (keySize() == 0) {
            throw new MapException(Errno.EINVAL, op + " on map " + obj.describe()
                    + ": a key pointer for a map whose key_size is 0 (must be NULL)");
        }
        if (key.length != keySize()) {
            throw new IllegalArgumentException(op + " on map " + obj.describe() + ": key of " + key.length
                    + " bytes vs expected " + keySize());
        }
    }

    /** null stands for a NULL value pointer: EFAULT unless there is nothing to copy. */
    private void checkValue(byte[] value, String op) {
        if (value == null) {
            if (sysValueSize() != 0) {
                throw new MapException(Errno.EFAULT, op + " on map " + obj.describe() + ": NULL value");
            }
            return;
        }
        if (value.length != sysValueSize()) {
            throw new IllegalArgumentException(op + " on map " + obj.describe() + ": value of " + value.length
                    + " bytes vs expected " + sysValueSize());
        }
    }

    private MapException refused(int rc, String op) {
        return new MapException(rc, op + " on map " + obj.describe());
    }

    private void requireRead(String op) {
        if (!canRead) {
            throw new MapException(Errno.EPERM, op + " on map " + obj.describe() + ": this fd is write-only");
        }
    }

    /** map_get_sys_perms(): a frozen map is read-only to every fd. */
    private void requireWrite(String op) {
        if (!canWrite) {
            throw new MapException(Errno.EPERM, op + " on map " + obj.describe() + ": this fd is read-only");
        }
        if (obj.frozen) {
            throw new MapException(Errno.EPERM, op + " on map " + obj.describe() + ": the map is frozen");
        }
    }

    private void requireSpinLock(long flags, String op) {
        if ((flags & MapFlags.F_LOCK) != 0 && obj.attr.spinLockOffset() < 0) {
            throw new MapException(Errno.EINVAL, op + " on map " + obj.describe()
                    + ": BPF_F_LOCK on a value without bpf_spin_lock");
        }
    }

    /** BPF_MAP_LOOKUP_ELEM */
    public Optional<byte[]> lookup(byte[] key, long flags) {
        String op = "BPF_MAP_LOOKUP_ELEM";
        if ((flags & ~MapFlags.F_LOCK) != 0) {
            throw new MapException(Errno.EINVAL, op + ": flags 0x" + Long.toHexString(flags) + " (allowed: BPF_F_LOCK)");
        }
        requireRead(op);
        requireSpinLock(flags, op);
        checkKey(key, op);
        byte[] value = new byte[sysValueSize()];
        int rc = NativeMaps.bpftime_map_sys_lookup(live(), key, value, flags);
        if (rc == -Errno.ENOENT.code()) {
            return Optional.empty();
        }
        if (rc != 0) {
            throw refused(rc, op);
        }
        return Optional.of(value);
    }

    public Optional<byte[]> lookup(byte[] key) {
        return lookup(key, 0);
    }

    /** BPF_MAP_UPDATE_ELEM */
    public void update(byte[] key, byte[] value, long flags) {
        String op = "BPF_MAP_UPDATE_ELEM";
        obj.writeActive.incrementAndGet();
        try {
            requireWrite(op);
            requireSpinLock(flags, op);
            checkKey(key, op);
            checkValue(value, op);
            int rc;
            if (obj.type == MapType.PERF_EVENT_ARRAY) {
                synchronized (obj.perfSlotSetters) {
                    rc = NativeMaps.bpftime_map_sys_update(live(), key, value, flags);
                    if (rc == 0) {
                        obj.perfSlotSetters.put(index(key), this);
                    }
                }
            } else {
                rc = NativeMaps.bpftime_map_sys_update(live(), key, value, flags);
            }
            if (rc != 0) {
                throw refused(rc, op);
            }
        } finally {
            obj.writeActive.decrementAndGet();
        }
    }

    /**
     * BPF_MAP_UPDATE_ELEM of an ARRAY_OF_MAPS or HASH_OF_MAPS once the value's descriptor named
     * {@code inner}: the slot then holds inner's id (bpftime_map_of_maps_update in bpftime_map.h says
     * which errno comes from which check).
     */
    public void updateInner(byte[] key, BpfMap inner, long flags) {
        String op = "BPF_MAP_UPDATE_ELEM";
        obj.writeActive.incrementAndGet();
        try {
            requireWrite(op);
            requireSpinLock(flags, op);
            checkKey(key, op);
            if (!obj.type.isMapOfMaps()) {
                throw new MapException(Errno.EINVAL, op + " on map " + obj.describe() + ": not a map of maps");
            }
            int rc = NativeMaps.bpftime_map_of_maps_update(live(), key, inner.handle(), flags);
            if (rc != 0) {
                throw new MapException(rc, op + " on map " + obj.describe() + ": inner map " + inner.obj.describe()
                        + (rc == -Errno.EINVAL.code() ? " (does it match the inner map template?)" : ""));
            }
        } finally {
            obj.writeActive.decrementAndGet();
        }
    }

    /** The object id the service gave this map (written into its shared-memory header). */
    int innerIdForTests() {
        return NativeMaps.bpftime_map_object_id(live());
    }

    /** What a program's bpf_map_lookup_elem on a map of maps finds: the inner map's id, 0 for none. */
    public int innerId(byte[] key) {
        checkKey(key, "bpf_map_lookup_elem");
        return NativeMaps.bpftime_map_inner_id(live(), key);
    }

    /** The address of the value a program's bpf_map_lookup_elem finds, or 0 (not for maps of maps). */
    public long programLookup(byte[] key) {
        checkKey(key, "bpf_map_lookup_elem");
        return Pointer.nativeValue(NativeMaps.bpftime_map_lookup_elem(live(), key));
    }

    /** Where the object is mapped in this process and for how many bytes (for bounds-checked engines). */
    public long mappedAddress() {
        return Pointer.nativeValue(NativeMaps.bpftime_map_base(live()));
    }

    /** BPF_MAP_DELETE_ELEM: false when the key is not in the map. */
    public boolean delete(byte[] key) {
        String op = "BPF_MAP_DELETE_ELEM";
        obj.writeActive.incrementAndGet();
        try {
            requireWrite(op);
            checkKey(key, op);
            int rc;
            if (obj.type == MapType.PERF_EVENT_ARRAY) {
                synchronized (obj.perfSlotSetters) {
                    rc = NativeMaps.bpftime_map_sys_delete(live(), key);
                    obj.perfSlotSetters.remove(index(key));
                }
            } else {
                rc = NativeMaps.bpftime_map_sys_delete(live(), key);
            }
            if (rc == -Errno.ENOENT.code()) {
                return false;
            }
            if (rc != 0) {
                throw refused(rc, op);
            }
            return true;
        } finally {
            obj.writeActive.decrementAndGet();
        }
    }

    /** BPF_MAP_GET_NEXT_KEY: from null (or, for hash maps, a key not in the map) the first key. */
    public Optional<byte[]> nextKey(byte[] key) {
        String op = "BPF_MAP_GET_NEXT_KEY";
        requireRead(op);
        if (key != null) {
            checkKey(key, op);
        }
        byte[] next = new byte[keySize()];
        int rc = NativeMaps.bpftime_map_sys_get_next_key(live(), key, next);
        if (rc == -Errno.ENOENT.code()) {
            return Optional.empty();
        }
        if (rc != 0) {
            throw refused(rc, op);
        }
        return Optional.of(next);
    }

    /** BPF_MAP_LOOKUP_AND_DELETE_ELEM (hash maps; ENOTSUPP for others, as the kernel). */
    public Optional<byte[]> lookupAndDelete(byte[] key, long flags) {
        String op = "BPF_MAP_LOOKUP_AND_DELETE_ELEM";
        if ((flags & ~MapFlags.F_LOCK) != 0) {
            throw new MapException(Errno.EINVAL, op + ": flags 0x" + Long.toHexString(flags) + " (allowed: BPF_F_LOCK)");
        }
        obj.writeActive.incrementAndGet();
        try {
            if (!canRead || !canWrite || obj.frozen) {
                throw new MapException(Errno.EPERM, op + " on map " + obj.describe() + ": needs a readable and"
                        + " writable fd on a map that is not frozen");
            }
            requireSpinLock(flags, op);
            checkKey(key, op);
            byte[] value = new byte[sysValueSize()];
            int rc = NativeMaps.bpftime_map_sys_lookup_and_delete(live(), key, value, flags);
            if (rc == -Errno.ENOENT.code()) {
                return Optional.empty();
            }
            if (rc != 0) {
                throw refused(rc, op);
            }
            return Optional.of(value);
        } finally {
            obj.writeActive.decrementAndGet();
        }
    }

    /** The size of a batch cursor: a key for arrays, a u32 bucket index for hash maps. */
    public int batchCursorSize() {
        return obj.type.isHash() ? 4 : keySize();
    }

    /** Which batch commands the kernel's ops table of this type has (others: ENOTSUPP). */
    private boolean supportsBatch(boolean delete) {
        if (obj.type.isHash()) {
            return true;
        }
        return (obj.type.isArray() || obj.type == MapType.ARRAY_OF_MAPS) && !delete;
    }

    private void checkBatchFlags(long elemFlags, long flags, String op) {
        if ((elemFlags & ~MapFlags.F_LOCK) != 0) {
            throw new MapException(Errno.EINVAL, op + ": elem_flags 0x" + Long.toHexString(elemFlags)
                    + " (allowed: BPF_F_LOCK)");
        }
        requireSpinLock(elemFlags, op);
        if (flags != 0 && obj.type.isHash()) {
            throw new MapException(Errno.EINVAL, op + ": flags 0x" + Long.toHexString(flags) + " must be 0");
        }
    }

    /** BPF_MAP_LOOKUP_BATCH; inBatch null starts from the beginning. */
    public BatchResult lookupBatch(byte[] inBatch, int count, long elemFlags, long flags) {
        return lookupBatch(inBatch, count, elemFlags, flags, false);
    }

    /** BPF_MAP_LOOKUP_AND_DELETE_BATCH */
    public BatchResult lookupAndDeleteBatch(byte[] inBatch, int count, long elemFlags, long flags) {
        return lookupBatch(inBatch, count, elemFlags, flags, true);
    }

    private BatchResult lookupBatch(byte[] inBatch, int count, long elemFlags, long flags, boolean delete) {
        String op = delete ? "BPF_MAP_LOOKUP_AND_DELETE_BATCH" : "BPF_MAP_LOOKUP_BATCH";
        if (delete) {
            obj.writeActive.incrementAndGet();
        }
        try {
            requireRead(op);
            if (delete) {
                requireWrite(op);
            }
            if (!supportsBatch(delete)) {
                throw new MapException(Errno.ENOTSUPP, op + " on map " + obj.describe());
            }
            checkBatchFlags(elemFlags, flags, op);
            if (count == 0) {
                return new BatchResult(0, new byte[0], new byte[0], null, 0);
            }
            if (inBatch != null && inBatch.length != batchCursorSize()) {
                throw new IllegalArgumentException(op + ": in_batch of " + inBatch.length + " bytes vs expected "
                        + batchCursorSize());
            }
            // one call never returns more than the map holds, so a huge count needs no huge buffer;
            // one spare slot keeps the kernel's answer when count exceeds the map (ENOENT at the end)
            long elements = Math.min(Integer.toUnsignedLong(count), Integer.toUnsignedLong(maxEntries()) + 1);
            long keyBytes = elements * keySize();
            long valueBytes = elements * sysValueSize();
            if (keyBytes > Integer.MAX_VALUE - 8 || valueBytes > Integer.MAX_VALUE - 8) {
                throw new MapException(Errno.ENOMEM, op + ": " + elements + " elements need buffers beyond 2 GiB");
            }
            byte[] keys = new byte[(int) keyBytes];
            byte[] values = new byte[(int) valueBytes];
            byte[] out = new byte[batchCursorSize()];
            int[] n = {(int) elements};
            int rc = NativeMaps.bpftime_map_sys_lookup_batch(live(), inBatch, out, keys, values, n, elemFlags, flags,
                    delete ? 1 : 0);
            return new BatchResult(n[0], keys, values, n[0] > 0 || obj.type.isHash() ? out : null, -rc);
        } finally {
            if (delete) {
                obj.writeActive.decrementAndGet();
            }
        }
    }

    /** BPF_MAP_UPDATE_BATCH: `count` keys and values back to back. */
    public BatchResult updateBatch(byte[] keys, byte[] values, int count, long elemFlags) {
        String op = "BPF_MAP_UPDATE_BATCH";
        obj.writeActive.incrementAndGet();
        try {
            requireWrite(op);
            if (!supportsBatch(false)) {
                throw new MapException(Errno.ENOTSUPP, op + " on map " + obj.describe());
            }
            checkBatchFlags(elemFlags, 0, op);
            checkBatchBuffer(keys, count, keySize(), op, "keys");
            checkBatchBuffer(values, count, sysValueSize(), op, "values");
            int[] n = {count};
            int rc = NativeMaps.bpftime_map_sys_update_batch(live(), keys, values, n, elemFlags);
            return new BatchResult(count == 0 ? 0 : n[0], null, null, null, -rc);
        } finally {
            obj.writeActive.decrementAndGet();
        }
    }

    /** BPF_MAP_DELETE_BATCH (hash maps; ENOTSUPP for arrays, as the kernel). */
    public BatchResult deleteBatch(byte[] keys, int count, long elemFlags) {
        String op = "BPF_MAP_DELETE_BATCH";
        obj.writeActive.incrementAndGet();
        try {
            requireWrite(op);
            if (!supportsBatch(true)) {
                throw new MapException(Errno.ENOTSUPP, op + " on map " + obj.describe());
            }
            checkBatchFlags(elemFlags, 0, op);
            checkBatchBuffer(keys, count, keySize(), op, "keys");
            int[] n = {count};
            int rc = NativeMaps.bpftime_map_sys_delete_batch(live(), keys, n, elemFlags);
            return new BatchResult(count == 0 ? 0 : n[0], null, null, null, -rc);
        } finally {
            obj.writeActive.decrementAndGet();
        }
    }

    private static void checkBatchBuffer(byte[] buf, int count, int elemSize, String op, String what) {
        long need = Integer.toUnsignedLong(count) * elemSize;
        if (buf.length < need) {
            throw new IllegalArgumentException(op + ": " + what + " buffer of " + buf.length + " bytes vs expected "
                    + need + " for count " + Integer.toUnsignedLong(count));
        }
    }

    /** BPF_MAP_FREEZE: the syscall side may no longer write; programs still may. */
    public void freeze() {
        String op = "BPF_MAP_FREEZE";
        if (obj.attr.spinLockOffset() >= 0) {
            throw new MapException(Errno.ENOTSUPP, op + " on map " + obj.describe() + ": its value has special fields");
        }
        if (!canWrite || obj.frozen) {
            // map_get_sys_perms() drops write access of a frozen map, so a second freeze is EPERM
            throw new MapException(Errno.EPERM, op + " on map " + obj.describe()
                    + (canWrite ? ": already frozen" : ": this fd is read-only"));
        }
        synchronized (obj.freezeLock) {
            if (obj.writeActive.get() != 0) {
                throw new MapException(Errno.EBUSY, op + " on map " + obj.describe()
                        + ": a writable mapping or a write is active");
            }
            if (obj.frozen) {
                throw new MapException(Errno.EBUSY, op + " on map " + obj.describe() + ": already frozen");
            }
            obj.frozen = true;
        }
    }

    /** mmap with MAP_SHARED, the only kind a map fd accepts. */
    public List<MmapSegment> mmap(long pgoff, long length, boolean writable) {
        return mmap(pgoff, length, writable, true);
    }

    /**
     * What mmap(NULL, length, PROT_READ [| PROT_WRITE], MAP_SHARED or MAP_PRIVATE, fd, pgoff * 4096)
     * of this map's fd becomes, with the checks in the kernel's order: do_mmap() (mm/mmap.c) on the
     * fd's open mode, bpf_map_mmap() (kernel/bpf/syscall.c), then the type's map_mmap. The length
     * is rounded up to whole pages, as do_mmap() does. A writable mapping counts as an active
     * writer (it blocks freeze) until {@link #unmapped(boolean)}.
     */
    public List<MmapSegment> mmap(long pgoff, long length, boolean writable, boolean shared) {
        String op = "mmap of map " + obj.describe();
        if (length <= 0 || pgoff < 0) {
            throw new MapException(Errno.EINVAL, op + ": length " + length + " at page " + pgoff);
        }
        long pages = (length + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
        if (!canRead || (shared && writable && !canWrite)) {
            throw new MapException(Errno.EACCES, op + ": the fd is " + (canRead ? "read-only" : "write-only"));
        }
        // do_mmap() drops VM_SHARED from a shared mapping of a file not open for writing
        boolean sharedVma = shared && canWrite;
        if (obj.type == MapType.PERF_BUFFER) {
            if (!sharedVma) {
                throw new MapException(Errno.EINVAL, op + ": perf_mmap() needs MAP_SHARED");
            }
            return perfBufferSegments(pgoff, pages, writable);
        }
        if ((obj.type != MapType.ARRAY && obj.type != MapType.RINGBUF) || obj.attr.spinLockOffset() >= 0) {
            throw new MapException(Errno.ENOTSUPP, op + (obj.attr.spinLockOffset() >= 0
                    ? ": its value has special fields" : ": the type cannot be mapped"));
        }
        if (!sharedVma) {
            throw new MapException(Errno.EINVAL, op + ": not a shared mapping (MAP_PRIVATE, or a read-only fd)");
        }
        synchronized (obj.freezeLock) {
            if (writable && obj.frozen) {
                throw new MapException(Errno.EPERM, op + ": frozen, no writable mapping");
            }
            if (writable && (obj.attr.mapFlags() & MapFlags.RDONLY_PROG) != 0) {
                throw new MapException(Errno.EACCES, op + ": BPF_F_RDONLY_PROG, no writable mapping");
            }
            List<MmapSegment> segments = obj.type == MapType.ARRAY ? arraySegments(pgoff, pages, writable)
                    : ringbufSegments(pgoff, pages, writable);
            if (writable) {
                obj.writeActive.incrementAndGet();
            }
            return segments;
        }
    }

    /** The app unmapped a mapping obtained from {@link #mmap}. */
    public void unmapped(boolean writable) {
        if (writable && obj.type != MapType.PERF_BUFFER) {
            obj.writeActive.decrementAndGet();
        }
    }

    private List<MmapSegment> arraySegments(long pgoff, long length, boolean writable) {
        if ((obj.attr.mapFlags() & MapFlags.MMAPABLE) == 0) {
            throw new MapException(Errno.EINVAL, "mmap of map " + obj.describe() + ": not BPF_F_MMAPABLE");
        }
        long mappable = NativeMaps.bpftime_map_mmap_size(live());
        if (pgoff > mappable / PAGE_SIZE || pgoff * PAGE_SIZE + length > mappable) {
            throw new MapException(Errno.EINVAL, "mmap of map " + obj.describe() + ": pages " + pgoff + "+" + length
                    + " bytes vs " + mappable + " bytes of values");
        }
        long base = NativeMaps.bpftime_map_mmap_offset(live());
        return List.of(new MmapSegment(0, memfd(), base + pgoff * PAGE_SIZE, length, writable));
    }

    /** ringbuf_map_mmap_kern(): consumer page, producer page, data twice; only the consumer page writable. */
    private List<MmapSegment> ringbufSegments(long pgoff, long length, boolean writable) {
        long dataSize = obj.attr.maxEntriesUnsigned();
        if (writable && (pgoff != 0 || length != PAGE_SIZE)) {
            throw new MapException(Errno.EPERM, "mmap of ring buffer " + obj.describe()
                    + ": only the consumer page (offset 0, one page) may be writable");
        }
        long viewSize = 2L * PAGE_SIZE + 2 * dataSize;
        long start = Math.min(pgoff, viewSize / PAGE_SIZE + 1) * PAGE_SIZE;
        if (pgoff > viewSize / PAGE_SIZE || start + length > viewSize) {
            throw new MapException(Errno.EINVAL, "mmap of ring buffer " + obj.describe() + ": offset " + start
                    + " + " + length + " bytes vs " + viewSize);
        }
        int fd = memfd();
        // the app's view: consumer page, producer page, data, data again; each piece's memfd offset
        long[][] pieces = {
            {0, PAGE_SIZE, PAGE_SIZE},
            {PAGE_SIZE, PAGE_SIZE, 2L * PAGE_SIZE},
            {2L * PAGE_SIZE, dataSize, 3L * PAGE_SIZE},
            {2L * PAGE_SIZE + dataSize, dataSize, 3L * PAGE_SIZE},
        };
        List<MmapSegment> out = new ArrayList<>();
        for (long[] p : pieces) {
            long from = Math.max(start, p[0]);
            long to = Math.min(start + length, p[0] + p[1]);
            if (from < to) {
                out.add(new MmapSegment(from - start, fd, p[2] + (from - p[0]), to - from, writable));
            }
        }
        return out;
    }

    /** perf_mmap(): the user page and 2^n data pages, from offset 0. */
    private List<MmapSegment> perfBufferSegments(long pgoff, long length, boolean writable) {
        long expected = NativeMaps.bpftime_map_mmap_size(live());
        if (pgoff != 0 || length != expected) {
            throw new MapException(Errno.EINVAL, "mmap of perf buffer " + obj.describe() + ": offset "
                    + pgoff * PAGE_SIZE + ", " + length + " bytes vs offset 0, " + expected + " bytes");
        }
        return List.of(new MmapSegment(0, memfd(), NativeMaps.bpftime_map_mmap_offset(live()), length, writable));
    }

    /**
     * Closes this view (the kernel's struct file of one fd and its dups); the map is freed with its
     * last view. A PERF_EVENT_ARRAY loses the slots set through this view unless it was created
     * with BPF_F_PRESERVE_ELEMS (perf_event_fd_array_release(), kernel/bpf/arraymap.c).
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (obj.type == MapType.PERF_EVENT_ARRAY && (obj.attr.mapFlags() & MapFlags.PRESERVE_ELEMS) == 0) {
                synchronized (obj.perfSlotSetters) {
                    obj.perfSlotSetters.entrySet().removeIf(e -> {
                        if (e.getValue() != this) {
                            return false;
                        }
                        NativeMaps.bpftime_map_sys_delete(obj.handle, u32(e.getKey()));
                        return true;
                    });
                }
            }
            obj.release();
        }
    }

    private static int index(byte[] key) {
        return (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 24;
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    @Override
    public String toString() {
        return "BpfMap[" + obj.describe() + ", key " + keySize() + ", value " + valueSize() + ", max "
                + Integer.toUnsignedLong(maxEntries()) + (canRead ? ", r" : "") + (canWrite ? ", w" : "") + "]";
    }
}
