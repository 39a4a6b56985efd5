package dev.bpftime.compat.btf;

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
 * The BTF kind's answer to BPF_OBJ_GET_INFO_BY_FD (kernel/bpf/btf.c btf_get_info_by_fd). struct
 * bpf_btf_info: btf (u64 pointer) at 0, btf_size 8, id 12, name (u64 pointer) 16, name_len 24,
 * kernel_btf 28; 32 bytes. The blob is copied up to the caller's btf_size and btf_size set to the
 * whole size; name and name_len come together (EINVAL otherwise); a name buffer too short gets a
 * truncated, terminated name and the call ENOSPC, with the info still written.
 */
public final class BtfInfoWriter implements InfoWriter {

    public static final int SIZE = 32;
    private static final int BTF = 0;
    private static final int BTF_SIZE = 8;
    private static final int ID = 12;
    private static final int NAME = 16;
    private static final int NAME_LEN = 24;
    private static final int KERNEL_BTF = 28;

    @Override
    public int infoSize() {
        return SIZE;
    }

    @Override
    public int write(BpfObject object, long infoAddress, int infoLen, Caller caller) throws BpfException {
        BtfObject btf = (BtfObject) object;
        ByteBuffer info = ByteBuffer.wrap(Arrays.copyOf(caller.read(infoAddress, infoLen, "info"), SIZE))
                .order(ByteOrder.nativeOrder());
        info.putInt(ID, btf.id());
        byte[] raw = btf.raw();
        long userBuf = info.getLong(BTF);
        int copy = (int) Math.min(raw.length, Integer.toUnsignedLong(info.getInt(BTF_SIZE)));
        if (copy > 0) {
            caller.write(userBuf, raw, 0, copy);
        }
        info.putInt(BTF_SIZE, raw.length);
        info.putInt(KERNEL_BTF, btf.kernelBtf() ? 1 : 0);
        long nameBuf = info.getLong(NAME);
        long nameLen = Integer.toUnsignedLong(info.getInt(NAME_LEN));
        if ((nameBuf == 0) != (nameLen == 0)) {
            throw new BpfException(Errno.EINVAL, "info.name and info.name_len: both or neither");
        }
        byte[] name = btf.name().getBytes(StandardCharsets.UTF_8);
        info.putInt(NAME_LEN, name.length);
        boolean shortName = false;
        if (nameBuf != 0) {
            if (nameLen >= name.length + 1L) {
                caller.write(nameBuf, Arrays.copyOf(name, name.length + 1), "info.name");
            } else {
                byte[] cut = Arrays.copyOf(name, (int) nameLen);
                cut[(int) nameLen - 1] = 0;
                caller.write(nameBuf, cut, "info.name");
                shortName = true;
            }
        }
        caller.write(infoAddress, info.array(), 0, infoLen);
        if (shortName) {
            throw new BpfException(Errno.ENOSPC, "info.name_len " + nameLen + " < " + (name.length + 1));
        }
        return infoLen;
    }
}
