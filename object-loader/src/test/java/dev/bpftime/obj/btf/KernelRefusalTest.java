package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * One blob per refusal of the kernel's BTF verifier, with the errno and the log line kernel/bpf/btf.c gives
 * for it. When the test runs as root, each is also loaded into the kernel, which must answer the same and
 * write the same whole log (header, the types checked before, the refusal) as {@link Btf#load(byte[],
 * BtfVerifierLog)}.
 */
class KernelRefusalTest {

    private record Case(String name, Supplier<byte[]> blob, int errno, String logLine) {
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void refuse(String name, int errno, String logLine, Supplier<byte[]> blob) {
        CASES.add(new Case(name, blob, errno, logLine));
    }

    /** int [1], struct s { int x; } [2]. */
    private static BtfBuilder base() {
        BtfBuilder b = new BtfBuilder();
        b.intType("int", 4, 1, 32);
        b.struct(BtfKind.STRUCT, "s", 4, false, new BtfBuilder.M("x", 1, 0));
        return b;
    }

    private static byte[] patched(byte[] blob, Consumer<ByteBuffer> patch) {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        patch.accept(b);
        return blob;
    }

    private static byte[] header(Consumer<ByteBuffer> patch) {
        return patched(base().build(), patch);
    }

    private static byte[] one(Consumer<BtfBuilder> types) {
        BtfBuilder b = new BtfBuilder();
        types.accept(b);
        return b.build();
    }

    static {
        int typeLen = 16 + 24; // int (16 bytes) + struct with one member (24)
        refuse("no header", Errno.EINVAL, "hdr_len not found", () -> new byte[4]);
        refuse("header beyond the blob", Errno.EINVAL, "btf_header not found", () -> header(b -> b.putInt(4, 1000)));
        refuse("unknown header bytes", Errno.E2BIG, "Unsupported btf_header", () -> {
            byte[] blob = base().build();
            byte[] longer = new byte[blob.length + 4];
            System.arraycopy(blob, 0, longer, 0, 24);
            System.arraycopy(blob, 24, longer, 28, blob.length - 24);
            longer[25] = 1;
            return patched(longer, b -> b.putInt(4, 28));
        });
        refuse("magic", Errno.EINVAL, "Invalid magic", () -> header(b -> b.putShort(0, (short) 0x9feb)));
        refuse("version", Errno.ENOTSUPP, "Unsupported version", () -> header(b -> b.put(2, (byte) 2)));
        refuse("flags", Errno.ENOTSUPP, "Unsupported flags", () -> header(b -> b.put(3, (byte) 1)));
        refuse("header only", Errno.EINVAL, "No data", () -> Arrays.copyOf(base().build(), 24));
        refuse("gap before the types", Errno.EINVAL, "Unsupported section found", () -> header(b -> b.putInt(8, 4)));
        refuse("overlapping sections", Errno.EINVAL, "Section overlap found", () -> header(b -> b.putInt(16, typeLen - 4)));
        refuse("sections too long", Errno.EINVAL, "Total section length too long", () -> header(b -> b.putInt(20, 1000)));
        refuse("section beyond the blob", Errno.EINVAL, "Invalid section offset", () -> header(b -> b.putInt(16, 1000)));
        refuse("bytes after the strings", Errno.EINVAL, "Unsupported section found",
                () -> Arrays.copyOf(base().build(), base().build().length + 4));
        refuse("strings before types", Errno.EINVAL, "String section is not at the end", () -> {
            byte[] blob = base().build();
            int strLen = blob.length - 24 - typeLen;
            byte[] swapped = blob.clone();
            System.arraycopy(blob, 24 + typeLen, swapped, 24, strLen);
            System.arraycopy(blob, 24, swapped, 24 + strLen, typeLen);
            return patched(swapped, b -> b.putInt(8, strLen).putInt(16, 0));
        });
        refuse("first string byte", Errno.EINVAL, "Invalid string section",
                () -> header(b -> b.put(24 + typeLen, (byte) 'a')));
        refuse("last string byte", Errno.EINVAL, "Invalid string section", () -> {
            byte[] blob = base().build();
            blob[blob.length - 1] = 'z';
            return blob;
        });
        refuse("unaligned type_off", Errno.EINVAL, "Unaligned type_off", () -> {
            byte[] strings = {0, 'a', 0};
            ByteBuffer b = ByteBuffer.allocate(24 + 3).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(3).putInt(0).putInt(0).putInt(3)
                    .put(strings);
            return b.array();
        });
        refuse("no types", Errno.EINVAL, "No type found", () -> {
            ByteBuffer b = ByteBuffer.allocate(24 + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(4).putInt(0).putInt(0).putInt(4);
            return b.array();
        });
        refuse("cut type", Errno.EINVAL, "[1] meta_left:8 meta_needed:12", () -> {
            ByteBuffer b = ByteBuffer.allocate(24 + 8 + 3).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(8).putInt(8).putInt(3);
            b.putInt(1).putInt(1 << 24).put(new byte[] {0, 'a', 0});
            return b.array();
        });
        refuse("info bits", Errno.EINVAL, "[1] Invalid btf_info:1010000", () -> header(b -> b.putInt(28, 0x01010000)));
        refuse("kind 0", Errno.EINVAL, "[1] Invalid kind:0", () -> header(b -> b.putInt(28, 0)));
        refuse("kind 20", Errno.EINVAL, "[2] Invalid kind:20", () -> header(b -> b.putInt(44, (20 << 24) | 1)));
        refuse("name offset", Errno.EINVAL, "[1] Invalid name_offset:999", () -> header(b -> b.putInt(24, 999)));
        refuse("int cut", Errno.EINVAL, "[1] INT int meta_left:0 meta_needed:4", () -> {
            BtfBuilder b = new BtfBuilder();
            b.type("int", BtfKind.INT, 0, false, 4);
            return b.build();
        });
        refuse("int vlen", Errno.EINVAL, "[1] INT int size=4 bits_offset=0 nr_bits=32 encoding=SIGNED vlen != 0",
                () -> one(b -> b.type("int", BtfKind.INT, 1, false, 4, 0x01000020)));
        refuse("int kind_flag", Errno.EINVAL,
                "[1] INT int size=4 bits_offset=0 nr_bits=32 encoding=SIGNED Invalid btf_info kind_flag",
                () -> one(b -> b.type("int", BtfKind.INT, 0, true, 4, 0x01000020)));
        refuse("int data", Errno.EINVAL, "[1] INT int Invalid int_data:10000020",
                () -> one(b -> b.type("int", BtfKind.INT, 0, false, 4, 0x10000020)));
        refuse("int too wide", Errno.EINVAL, "[1] INT int size=16 bits_offset=8 nr_bits=128 encoding=(none) nr_bits"
                + " exceeds 128", () -> one(b -> b.type("int", BtfKind.INT, 0, false, 16, (8 << 16) | 128)));
        refuse("int wider than its size", Errno.EINVAL, "[1] INT int size=2 bits_offset=0 nr_bits=32 encoding=SIGNED"
                + " nr_bits exceeds type_size", () -> one(b -> b.intType("int", 2, 1, 32)));
        refuse("int encoding", Errno.ENOTSUPP, "[1] INT int size=4 bits_offset=0 nr_bits=32 encoding=UNKN Unsupported"
                + " encoding", () -> one(b -> b.intType("int", 4, 3, 32)));
        refuse("named pointer", Errno.EINVAL, "[2] PTR p type_id=1 Invalid name", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.ref(BtfKind.PTR, "p", 1);
        }));
        refuse("anonymous typedef", Errno.EINVAL, "[2] TYPEDEF (anon) type_id=1 Invalid name", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.ref(BtfKind.TYPEDEF, "", 1);
        }));
        refuse("typedef name", Errno.EINVAL, "[2] TYPEDEF 9lives type_id=1 Invalid name", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.ref(BtfKind.TYPEDEF, "9lives", 1);
        }));
        refuse("typedef of a missing type", Errno.EINVAL, "[2] TYPEDEF t type_id=3 Invalid type_id", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.ref(BtfKind.TYPEDEF, "t", 3);
        }));
        refuse("type id beyond BTF_MAX_TYPE", Errno.EINVAL, "[1] CONST (anon) type_id=1048576 Invalid type_id",
                () -> one(b -> b.ref(BtfKind.CONST, "", 0x100000)));
        refuse("fwd with a type", Errno.EINVAL, "[1] FWD f struct type != 0",
                () -> one(b -> b.type("f", BtfKind.FWD, 0, false, 1)));
        refuse("array size", Errno.EINVAL, "[2] ARRAY (anon) type_id=1 index_type_id=1 nr_elems=2 size != 0",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.type("", BtfKind.ARRAY, 0, false, 4, 1, 1, 2);
                }));
        refuse("array of void", Errno.EINVAL, "[2] ARRAY (anon) type_id=0 index_type_id=1 nr_elems=2 Invalid elem",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.array(0, 1, 2);
                }));
        refuse("array of bit fields", Errno.EINVAL, "[3] ARRAY (anon) type_id=2 index_type_id=1 nr_elems=2 Invalid"
                + " array of int", () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.intType("int3", 1, 0, 3);
                    b.array(2, 1, 2);
                }));
        refuse("array too big", Errno.EINVAL, "[2] ARRAY (anon) type_id=1 index_type_id=1 nr_elems=2147483648 Array"
                + " size overflows U32_MAX", () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.array(1, 1, 0x80000000L);
                }));
        refuse("member name", Errno.EINVAL, "\tb-c type_id=1 bits_offset=0 Invalid name", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.struct(BtfKind.STRUCT, "s", 4, false, new BtfBuilder.M("b-c", 1, 0));
        }));
        refuse("member order", Errno.EINVAL, "\tb type_id=1 bits_offset=0 Invalid member bits_offset", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.struct(BtfKind.STRUCT, "s", 8, false, new BtfBuilder.M("a", 1, 32), new BtfBuilder.M("b", 1, 0));
        }));
        refuse("union member offset", Errno.EINVAL, "\ta type_id=1 bits_offset=8 Invalid member bits_offset",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.struct(BtfKind.UNION, "u", 8, false, new BtfBuilder.M("a", 1, 8));
                }));
        refuse("member beyond the struct", Errno.EINVAL, "\ta type_id=1 bits_offset=64 Member bits_offset exceeds its"
                + " struct size", () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.struct(BtfKind.STRUCT, "s", 4, false, new BtfBuilder.M("a", 1, 64));
                }));
        refuse("member overflows the struct", Errno.EINVAL, "\tx type_id=1 bits_offset=0 Member exceeds struct_size",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.struct(BtfKind.STRUCT, "s", 2, false, new BtfBuilder.M("x", 1, 0));
                }));
        refuse("bit field wider than its int", Errno.EINVAL, "\tx type_id=1 bitfield_size=33 bits_offset=0 Invalid"
                + " member bitfield_size", () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.struct(BtfKind.STRUCT, "s", 8, true, new BtfBuilder.M("x", 1, 33L << 24));
                }));
        refuse("pointer member unaligned", Errno.EINVAL, "\tp type_id=2 bits_offset=4 Member is not byte aligned",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.ptr(1);
                    b.struct(BtfKind.STRUCT, "s", 16, false, new BtfBuilder.M("p", 2, 4));
                }));
        refuse("member of a function type", Errno.EINVAL, "\tf type_id=1 bits_offset=0 Invalid member", () -> one(b -> {
            b.proto(0);
            b.struct(BtfKind.STRUCT, "s", 8, false, new BtfBuilder.M("f", 1, 0));
        }));
        refuse("enum size", Errno.EINVAL, "[1] ENUM e size=3 vlen=1 Unexpected size",
                () -> one(b -> b.enumType("e", 3, false, "A", 1)));
        refuse("anonymous enumerator", Errno.EINVAL, "[1] ENUM e size=4 vlen=1 Invalid name",
                () -> one(b -> b.enumType("e", 4, false, "", 1)));
        refuse("enumerator name offset", Errno.EINVAL, "\tInvalid name_offset:4096", () -> one(b -> {
            b.type("e", BtfKind.ENUM, 1, false, 4, 4096, 1);
        }));
        refuse("extern function", Errno.EINVAL, "[2] FUNC f type_id=1 Invalid func linkage", () -> one(b -> {
            b.proto(0);
            b.func("f", 1, 2);
        }));
        refuse("function of an int", Errno.EINVAL, "[2] FUNC f type_id=1 Invalid type_id", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.func("f", 1, 0);
        }));
        refuse("anonymous argument", Errno.EINVAL, "[3] FUNC f type_id=2 Invalid arg#1", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.proto(0, "", 1);
            b.func("f", 2, 0);
        }));
        refuse("named vararg", Errno.EINVAL, "[1] FUNC_PROTO (anon) return=0 args=(vararg) Invalid arg#1",
                () -> one(b -> b.proto(0, "va", 0)));
        refuse("return of a function proto", Errno.EINVAL, "[2] FUNC_PROTO (anon) return=1 args=(void) Invalid return"
                + " type", () -> one(b -> {
                    b.proto(0);
                    b.proto(1);
                }));
        refuse("extern variable", Errno.EINVAL, "[2] VAR v type_id=1 linkage=2 Linkage not supported", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.var("v", 1, 2);
        }));
        refuse("variable of a forward declaration", Errno.EINVAL, "[2] VAR v type_id=1 linkage=0 Invalid type_id",
                () -> one(b -> {
                    b.type("s", BtfKind.FWD, 0, false, 0);
                    b.var("v", 1, 0);
                }));
        refuse("datasec size 0", Errno.EINVAL, "[3] DATASEC .data size=0 vlen=1 size == 0", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.var("v", 1, 1);
            b.datasec(".data", 0, 2, 0, 4);
        }));
        refuse("datasec of an int", Errno.EINVAL, "\t type_id=1 offset=0 size=4 Not a VAR kind member", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.datasec(".data", 4, 1, 0, 4);
        }));
        refuse("datasec overlap", Errno.EINVAL, "\t type_id=2 offset=2 size=4 Invalid offset", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.var("v", 1, 1);
            b.datasec(".data", 8, 2, 0, 4, 2, 2, 4);
        }));
        refuse("datasec variable too small", Errno.EINVAL, "\t type_id=2 offset=0 size=2 Invalid size", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.var("v", 1, 1);
            b.datasec(".data", 8, 2, 0, 2);
        }));
        refuse("datasec name", Errno.EINVAL, "[3] DATASEC \u007f size=4 vlen=1 Invalid name", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.var("v", 1, 1);
            b.datasec("\u007f", 4, 2, 0, 4);
        }));
        refuse("float size", Errno.EINVAL, "[1] FLOAT f size=3 Invalid type_size", () -> one(b -> b.floatType("f", 3)));
        refuse("decl tag value", Errno.EINVAL, "[2] DECL_TAG (anon) type=1 component_idx=-1 Invalid value",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.declTag("", 1, -1);
                }));
        refuse("decl tag component", Errno.EINVAL, "[3] DECL_TAG t type=2 component_idx=1 Invalid component_idx",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.struct(BtfKind.STRUCT, "s", 4, false, new BtfBuilder.M("x", 1, 0));
                    b.declTag("t", 2, 1);
                }));
        refuse("decl tag on an int", Errno.EINVAL, "[2] DECL_TAG t type=1 component_idx=-1 Invalid type_id",
                () -> one(b -> {
                    b.intType("int", 4, 1, 32);
                    b.declTag("t", 1, -1);
                }));
        refuse("loop", Errno.EEXIST, "[1] TYPEDEF a type_id=2 Loop detected", () -> one(b -> {
            b.ref(BtfKind.TYPEDEF, "a", 2);
            b.ref(BtfKind.TYPEDEF, "b", 1);
        }));
        refuse("struct containing itself", Errno.EEXIST, "[1] STRUCT s size=4 vlen=1 Loop detected", () -> one(b -> {
            b.struct(BtfKind.STRUCT, "s", 4, false, new BtfBuilder.M("self", 1, 0));
        }));
        refuse("too deep", Errno.E2BIG, "[2] CONST (anon) type_id=3 Exceeded max resolving depth:32", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            for (int i = 0; i < 40; i++) {
                b.ref(BtfKind.CONST, "", i == 39 ? 1 : b.typeCount() + 2);
            }
        }));
        refuse("type tag after const", Errno.EINVAL, "Type tags don't precede modifiers", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.ref(BtfKind.TYPE_TAG, "user", 1);
            b.ref(BtfKind.CONST, "", 2);
        }));
        refuse("anonymous type tag", Errno.EINVAL, "[2] TYPE_TAG (anon) type_id=1 Invalid name", () -> one(b -> {
            b.intType("int", 4, 1, 32);
            b.ref(BtfKind.TYPE_TAG, "", 1);
        }));
        refuse("too large", Errno.E2BIG, "", () -> new byte[BtfValidator.MAX_SIZE + 1]);
    }

    @Test
    void eachRefusalHasTheKernelsErrnoAndLogLine() {
        List<String> failures = new ArrayList<>();
        for (Case c : CASES) {
            BtfException e = assertThrows(BtfException.class, () -> Btf.load(c.blob().get()), c.name());
            String last = lastLine(e.kernelLog());
            if (e.errno() != c.errno() || !last.equals(c.logLine())) {
                failures.add(c.name() + ": ours " + e.errno() + " '" + last + "' vs expected " + c.errno() + " '"
                        + c.logLine() + "'");
            }
            assertTrue(e.getMessage().startsWith("BTF") && e.getMessage().contains(Errno.name(c.errno())),
                    e.getMessage());
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theKernelRefusesEachTheSameWay() {
        String reason = KernelBtfLoad.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, reason);
        KernelBtfLoad kernel = KernelBtfLoad.open();
        List<String> failures = new ArrayList<>();
        for (Case c : CASES) {
            byte[] blob = c.blob().get();
            KernelBtfLoad.Result r = kernel.load(blob, c.errno() != Errno.E2BIG || !c.logLine().isEmpty());
            String last = r.lastLogLine();
            if (r.errno() != c.errno() || (!c.logLine().isEmpty() && !last.equals(lastLine(c.logLine())))) {
                failures.add(c.name() + ": kernel " + r.errno() + " '" + last + "' vs table " + c.errno() + " '"
                        + c.logLine() + "'");
            }
            if (!c.logLine().isEmpty()) {
                BtfVerifierLog ours = new BtfVerifierLog();
                assertThrows(BtfException.class, () -> Btf.load(blob, ours), c.name());
                String difference = LogDiff.firstDifference(r.log(), ours.text());
                if (difference != null) {
                    failures.add(c.name() + ": whole log differs at " + difference);
                }
            }
        }
        System.out.printf("BTF refusal table: %d cases checked against the kernel, %d differ%n", CASES.size(),
                failures.size());
        assertEquals(List.of(), failures);
    }

    @Test
    void objectsMayHaveWhatLibbpfFixesUp() {
        byte[] externs = one(b -> {
            b.intType("int", 4, 1, 32);
            b.var("v", 1, 2);
            b.datasec(".data", 0, 2, 0, 4);
            b.proto(0, "", 1);
            b.func("f", 4, 2);
        });
        assertThrows(BtfException.class, () -> Btf.load(externs));
        Btf btf = Btf.parse(externs);
        assertEquals(BtfType.Linkage.EXTERN, btf.type(5, BtfType.Func.class).linkage());
        assertEquals(0, btf.type(3, BtfType.Datasec.class).size());
    }

    private static String lastLine(String log) {
        String[] lines = log.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
