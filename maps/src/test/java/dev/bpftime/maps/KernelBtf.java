package dev.bpftime.maps;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A BTF object loaded into the kernel (BPF_BTF_LOAD) that describes a map's key as an integer and
 * its value as a struct holding a struct bpf_spin_lock: what a kernel map needs before it accepts
 * BPF_F_LOCK. Encoding: include/uapi/linux/btf.h.
 */
final class KernelBtf implements AutoCloseable {
    private static final int BPF_BTF_LOAD = 18;
    private static final int KIND_INT = 1;
    private static final int KIND_STRUCT = 4;
    private static final int INT_SIGNED = 1;

    private final int fd;
    private final int keyTypeId;
    private final int valueTypeId;

    private KernelBtf(int fd, int keyTypeId, int valueTypeId) {
        this.fd = fd;
        this.keyTypeId = keyTypeId;
        this.valueTypeId = valueTypeId;
    }

    int fd() {
        return fd;
    }

    int keyTypeId() {
        return keyTypeId;
    }

    int valueTypeId() {
        return valueTypeId;
    }

    /**
     * Types: [1] the key, an integer of keySize bytes; [2] struct bpf_spin_lock { u32 val; };
     * [3] struct value of valueSize bytes with its lock at lockOffset; [4] u32 for the lock's member.
     */
    static KernelBtf spinLockValue(int keySize, int valueSize, int lockOffset) {
        Strings str = new Strings();
        ByteBuffer types = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        // [1] key
        types.putInt(str.add("key_t")).putInt(KIND_INT << 24).putInt(keySize).putInt(INT_SIGNED << 24 | keySize * 8);
        // [2] struct bpf_spin_lock, found by the kernel by its name (btf_find_struct_field())
        types.putInt(str.add("bpf_spin_lock")).putInt(KIND_STRUCT << 24 | 1).putInt(4);
        types.putInt(str.add("val")).putInt(4).putInt(0);
        // [3] the value
        types.putInt(str.add("value_t")).putInt(KIND_STRUCT << 24 | 1).putInt(valueSize);
        types.putInt(str.add("lock")).putInt(2).putInt(lockOffset * 8);
        // [4] u32
        types.putInt(str.add("u32")).putInt(KIND_INT << 24).putInt(4).putInt(32);
        byte[] strings = str.bytes();
        int typeLen = types.position();
        ByteBuffer blob = ByteBuffer.allocate(24 + typeLen + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        blob.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24);
        blob.putInt(0).putInt(typeLen).putInt(typeLen).putInt(strings.length);
        blob.put(types.array(), 0, typeLen).put(strings);
        return load(blob.array(), 1, 3);
    }

    private static KernelBtf load(byte[] blob, int keyTypeId, int valueTypeId) {
        Memory data = KernelBpf.buffer(blob, blob.length);
        Memory log = new Memory(4096);
        log.clear();
        Memory attr = new Memory(KernelBpf.ATTR_SIZE);
        attr.clear();
        attr.setLong(0, Pointer.nativeValue(data));
        attr.setLong(8, Pointer.nativeValue(log));
        attr.setInt(16, blob.length);
        attr.setInt(20, 4096);
        attr.setInt(24, 1);
        long rc = KernelBpf.bpf(BPF_BTF_LOAD, attr);
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_BTF_LOAD: " + log.getString(0).trim());
        }
        return new KernelBtf((int) rc, keyTypeId, valueTypeId);
    }

    @Override
    public void close() {
        Libc.close(fd);
    }

    /** The string section: offset 0 is the empty name. */
    private static final class Strings {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Strings() {
            out.write(0);
        }

        int add(String s) {
            int off = out.size();
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
            return off;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
