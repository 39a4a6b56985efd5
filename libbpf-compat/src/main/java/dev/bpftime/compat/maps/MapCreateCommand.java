package dev.bpftime.compat.maps;

import static dev.bpftime.compat.attr.MapCreateAttr.BTF_FD;
import static dev.bpftime.compat.attr.MapCreateAttr.BTF_KEY_TYPE_ID;
import static dev.bpftime.compat.attr.MapCreateAttr.BTF_VALUE_TYPE_ID;
import static dev.bpftime.compat.attr.MapCreateAttr.BTF_VMLINUX_VALUE_TYPE_ID;
import static dev.bpftime.compat.attr.MapCreateAttr.EXCL_PROG_HASH;
import static dev.bpftime.compat.attr.MapCreateAttr.EXCL_PROG_HASH_SIZE;
import static dev.bpftime.compat.attr.MapCreateAttr.KEY_SIZE;
import static dev.bpftime.compat.attr.MapCreateAttr.INNER_MAP_FD;
import static dev.bpftime.compat.attr.MapCreateAttr.MAP_EXTRA;
import static dev.bpftime.compat.attr.MapCreateAttr.MAP_FLAGS;
import static dev.bpftime.compat.attr.MapCreateAttr.MAP_IFINDEX;
import static dev.bpftime.compat.attr.MapCreateAttr.MAP_NAME;
import static dev.bpftime.compat.attr.MapCreateAttr.MAP_TOKEN_FD;
import static dev.bpftime.compat.attr.MapCreateAttr.MAP_TYPE;
import static dev.bpftime.compat.attr.MapCreateAttr.MAX_ENTRIES;
import static dev.bpftime.compat.attr.MapCreateAttr.NUMA_NODE;
import static dev.bpftime.compat.attr.MapCreateAttr.VALUE_SIZE;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.BpfTokens;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapAttr;
import dev.bpftime.maps.MapException;
import dev.bpftime.maps.MapFactory;
import dev.bpftime.maps.MapFlags;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * BPF_MAP_CREATE in the order of map_create() (kernel/bpf/syscall.c, Linux 6.18): BPF_F_TOKEN_FD taken
 * out of map_flags, the BTF id rules, map_extra (bloom filters only), the file flags, the NUMA node,
 * the type's checks (map_alloc_check), the token, then allocation (the maps module, which also checks
 * the name as bpf_obj_name_cpy does), the BTF descriptor when type ids are given, and last the
 * exclusive program's hash. The creating descriptor is read-only or write-only when map_flags says
 * so; other descriptors of the map choose for themselves.
 */
public final class MapCreateCommand implements CommandHandler {

    private static final int HASH = 1;
    private static final int ARRAY = 2;
    private static final int STRUCT_OPS = 26;
    private static final int BLOOM_FILTER = 30;
    /** SHA256_DIGEST_SIZE: the only excl_prog_hash_size map_create() takes. */
    private static final int SHA256_SIZE = 32;
    /** One NUMA node here (nr_node_ids): any other node is EINVAL, as for an offline node. */
    private static final int NUMA_NODES = 1;

    private final ObjectTable objects;
    private final Supplier<MapFactory> factorySource;
    private MapFactory factory;

    /** @param factory made at the first BPF_MAP_CREATE: it loads the maps module's native library */
    public MapCreateCommand(ObjectTable objects, Supplier<MapFactory> factory) {
        this.objects = objects;
        this.factorySource = factory;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int type = attr.u32(MAP_TYPE);
        // taken out before any check of map_flags, so that no type's flag mask sees it
        boolean tokenFlag = (attr.u32(MAP_FLAGS) & BpfTokens.F_TOKEN_FD) != 0;
        int flags = attr.u32(MAP_FLAGS) & ~BpfTokens.F_TOKEN_FD;
        if (attr.u32(BTF_VMLINUX_VALUE_TYPE_ID) != 0) {
            if (type != STRUCT_OPS || attr.u32(BTF_KEY_TYPE_ID) != 0 || attr.u32(BTF_VALUE_TYPE_ID) != 0) {
                throw new BpfException(Errno.EINVAL, "btf_vmlinux_value_type_id is for struct_ops maps only");
            }
        } else if (attr.u32(BTF_KEY_TYPE_ID) != 0 && attr.u32(BTF_VALUE_TYPE_ID) == 0) {
            throw new BpfException(Errno.EINVAL, "btf_key_type_id without btf_value_type_id");
        }
        if (type != BLOOM_FILTER && attr.u64(MAP_EXTRA) != 0) {
            throw new BpfException(Errno.EINVAL, "map_extra 0x" + Long.toHexString(attr.u64(MAP_EXTRA))
                    + " vs expected 0 for map_type " + Integer.toUnsignedString(type));
        }
        if ((flags & MapFlags.RDONLY) != 0 && (flags & MapFlags.WRONLY) != 0) {
            throw new BpfException(Errno.EINVAL, "map_flags has both BPF_F_RDONLY and BPF_F_WRONLY");
        }
        if ((flags & MapFlags.NUMA_NODE) != 0 && Integer.toUnsignedLong(attr.u32(NUMA_NODE)) >= NUMA_NODES) {
            throw new BpfException(Errno.EINVAL, "numa_node " + Integer.toUnsignedString(attr.u32(NUMA_NODE))
                    + " vs " + NUMA_NODES + " node(s)");
        }
        MapAttr mapAttr = new MapAttr(type, attr.u32(KEY_SIZE), attr.u32(VALUE_SIZE), attr.u32(MAX_ENTRIES), flags,
                -1, nameOf(attr.bytes(MAP_NAME)));
        if (factory == null) {
            factory = factorySource.get();
        }
        try {
            // the name is checked after allocation (bpf_obj_name_cpy), so not here
            factory.check(mapAttr.withName(""));
        } catch (MapException e) {
            throw MapFds.refused(e);
        }
        if (tokenFlag) {
            throw BpfTokens.refused(caller, attr.u32(MAP_TOKEN_FD), "map_token_fd");
        }
        if (attr.u32(MAP_IFINDEX) != 0) {
            throw offloadRefused(type, attr.u32(MAP_IFINDEX));
        }
        EmulatedMap object = objects.register(new EmulatedMap());
        try {
            BpfMap created = factory.create(mapAttr, object.id(),
                    () -> InnerMaps.named(caller, attr.u32(INNER_MAP_FD), "inner_map_fd").map());
            object.attach(created.withAccess(true, true));
            created.close();
        } catch (MapException e) {
            object.release();
            throw MapFds.refused(e);
        }
        try {
            if (attr.u32(BTF_KEY_TYPE_ID) != 0 || attr.u32(BTF_VALUE_TYPE_ID) != 0) {
                BpfObject btf = checkBtf(caller, attr.u32(BTF_FD));
                btf.retain();
                object.setBtf(btf, attr.u32(BTF_KEY_TYPE_ID), attr.u32(BTF_VALUE_TYPE_ID));
                // map_check_btf() ends in the type's map_check_btf: map_check_no_btf() for perf event
                // and cgroup arrays (kernel/bpf/arraymap.c) and stack traces (stackmap.c); a PROG_ARRAY has none
                dev.bpftime.maps.MapType t = object.map().type();
                if (attr.u32(BTF_VALUE_TYPE_ID) != 0 && (t == dev.bpftime.maps.MapType.PERF_EVENT_ARRAY
                        || t == dev.bpftime.maps.MapType.CGROUP_ARRAY || t == dev.bpftime.maps.MapType.STACK_TRACE)) {
                    throw new BpfException(Errno.ENOTSUPP, object.map().type() + " takes no BTF key or value types");
                }
            }
            checkExclusiveProgHash(attr, caller, object);
        } catch (BpfException e) {
            object.release();
            throw e;
        }
        MapView view = object.openView((flags & MapFlags.WRONLY) == 0, (flags & MapFlags.RDONLY) == 0);
        return Outcome.newFd(object, view);
    }

    /**
     * Linux 6.18's exclusive maps: a hash must be SHA256_DIGEST_SIZE bytes and readable, a size without a
     * hash is EINVAL. The program check is at PROG_LOAD (StructuralCheck, check_map_prog_compatibility).
     */
    private static void checkExclusiveProgHash(Attr attr, Caller caller, EmulatedMap object) throws BpfException {
        long hash = attr.u64(EXCL_PROG_HASH);
        int size = attr.u32(EXCL_PROG_HASH_SIZE);
        if (hash != 0) {
            if (size != SHA256_SIZE) {
                throw new BpfException(Errno.EINVAL, "excl_prog_hash_size: actual " + Integer.toUnsignedString(size)
                        + " vs expected " + SHA256_SIZE + " (SHA-256)");
            }
            object.setExclusiveProgHash(caller.read(hash, SHA256_SIZE, "excl_prog_hash"));
        } else if (size != 0) {
            throw new BpfException(Errno.EINVAL, "excl_prog_hash_size " + Integer.toUnsignedString(size)
                    + " without excl_prog_hash");
        }
    }

    /**
     * bpf_map_offload_map_alloc() (kernel/bpf/offload.c): only HASH and ARRAY may be offloaded
     * (EINVAL); an index with no interface is EINVAL (bpf_dev_offload_check(NULL)); an interface
     * exists but none here offloads BPF (no ndo_bpf): EOPNOTSUPP.
     */
    private static BpfException offloadRefused(int type, int ifindex) {
        boolean exists;
        try {
            exists = ifindex > 0 && java.net.NetworkInterface.getByIndex(ifindex) != null;
        } catch (java.net.SocketException e) {
            exists = false;
        }
        if ((type == HASH || type == ARRAY) && exists) {
            return new BpfException(Errno.EOPNOTSUPP, "map_ifindex " + ifindex + ": the device does not offload BPF");
        }
        return new BpfException(Errno.EINVAL, "map_ifindex " + Integer.toUnsignedString(ifindex)
                + ": no offload for this map type or no such device");
    }

    /**
     * btf_get_by_fd(): no descriptor EBADF, not a BTF object EINVAL. The types are not checked against
     * key_size and value_size yet (map_check_btf()); without a BTF object there is no spin lock.
     */
    private static BpfObject checkBtf(Caller caller, int fd) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "btf_fd " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || o.object().kind() != ObjectKind.BTF) {
            throw new BpfException(Errno.EINVAL, "btf_fd " + fd + " is not a BTF object");
        }
        return o.object();
    }

    /**
     * The name as given; the maps module refuses a bad one after allocation, where the kernel's
     * bpf_obj_name_cpy() runs. Bytes after the first NUL are ignored, as there.
     */
    private static String nameOf(byte[] field) {
        int n = 0;
        while (n < field.length && field[n] != 0) {
            n++;
        }
        return new String(field, 0, n, StandardCharsets.ISO_8859_1);
    }
}
