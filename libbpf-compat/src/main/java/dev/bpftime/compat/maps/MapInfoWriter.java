package dev.bpftime.compat.maps;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.InfoWriter;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The map kind's answer to BPF_OBJ_GET_INFO_BY_FD: struct bpf_map_info of Linux 6.1
 * (include/uapi/linux/bpf.h) as bpf_map_get_info_by_fd() fills it. map_flags are the permanent ones
 * (bpf_map_flags_retain_permanent() drops the file-only BPF_F_RDONLY and BPF_F_WRONLY); nothing is
 * offloaded, so ifindex and the netns fields are 0.
 */
public final class MapInfoWriter implements InfoWriter {

    /** sizeof(struct bpf_map_info): ... btf_value_type_id at 72, padding, map_extra at 80. */
    static final int SIZE = 88;

    @Override
    public int infoSize() {
        return SIZE;
    }

    @Override
    public int write(BpfObject object, long infoAddress, int infoLen, Caller caller) throws BpfException {
        EmulatedMap m = (EmulatedMap) object;
        BpfMap map = m.map();
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, map.type().id());
        b.putInt(4, m.id());
        b.putInt(8, map.keySize());
        b.putInt(12, map.valueSize());
        b.putInt(16, map.maxEntries());
        b.putInt(20, map.attr().mapFlags() & ~(MapFlags.RDONLY | MapFlags.WRONLY));
        byte[] name = map.attr().name().getBytes(StandardCharsets.US_ASCII);
        b.put(24, name, 0, Math.min(name.length, 15));
        b.putInt(64, m.btfId());
        b.putInt(68, m.btfKeyTypeId());
        b.putInt(72, m.btfValueTypeId());
        byte[] out = new byte[infoLen];
        b.get(0, out);
        caller.write(infoAddress, out, "info");
        return infoLen;
    }
}
