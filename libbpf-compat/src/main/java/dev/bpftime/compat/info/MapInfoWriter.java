package dev.bpftime.compat.info;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.InfoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The map kind's answer to BPF_OBJ_GET_INFO_BY_FD (kernel/bpf/syscall.c bpf_map_get_info_by_fd): the
 * caller's struct is not read, only written, its first info_len bytes. struct bpf_map_info (6.1): type 0,
 * id 4, key_size 8, value_size 12, max_entries 16, map_flags 20, name[16] 24, ifindex 40,
 * btf_vmlinux_value_type_id 44, netns_dev 48, netns_ino 56, btf_id 64, btf_key_type_id 68,
 * btf_value_type_id 72, pad 76, map_extra 80; then (Linux 6.18, signed programs) hash 88 and
 * hash_size 96: 104 bytes, the running kernel's size. No map here is offloaded: ifindex and the netns
 * fields stay 0. hash and hash_size are inputs: 6.18 reads them from the caller's struct and, for a
 * non-zero hash, writes the map's SHA-256 there (map_get_hash, arrays only); the service computes no
 * map hashes, so a non-zero hash is EINVAL here as for the kernel's other map types, and a hash_size
 * without a hash EINVAL as the kernel's.
 */
public final class MapInfoWriter implements InfoWriter {

    public static final int SIZE = 104;
    static final int HASH = 88;
    static final int HASH_SIZE = 96;

    @Override
    public int infoSize() {
        return SIZE;
    }

    @Override
    public int write(BpfObject object, long infoAddress, int infoLen, Caller caller) throws BpfException {
        if (!(object instanceof MapInfoSource map)) {
            throw new BpfException(Errno.EINVAL, object + " carries no map info");
        }
        ByteBuffer info = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        if (infoLen > HASH) {
            // bpf_map_get_info_by_fd copies the caller's struct in first: its hash fields are requests.
            ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(caller.read(infoAddress, infoLen, "info"), SIZE))
                    .order(ByteOrder.nativeOrder());
            if (in.getLong(HASH) != 0) {
                throw new BpfException(Errno.EINVAL, "info.hash: bpftime computes no map hashes (map_get_hash)");
            }
            if (in.getInt(HASH_SIZE) != 0) {
                throw new BpfException(Errno.EINVAL, "info.hash_size " + in.getInt(HASH_SIZE) + " without info.hash");
            }
        }
        info.putInt(0, map.mapType());
        info.putInt(4, object.id());
        info.putInt(8, map.keySize());
        info.putInt(12, map.valueSize());
        info.putInt(16, map.maxEntries());
        info.putInt(20, map.mapFlags());
        byte[] name = map.name().getBytes(StandardCharsets.ISO_8859_1);
        info.put(24, Arrays.copyOf(name, Math.min(name.length, 15)));
        info.putInt(44, map.btfVmlinuxValueTypeId());
        info.putInt(64, map.btfId());
        info.putInt(68, map.btfKeyTypeId());
        info.putInt(72, map.btfValueTypeId());
        info.putLong(80, map.mapExtra());
        caller.write(infoAddress, info.array(), 0, infoLen);
        return infoLen;
    }
}
