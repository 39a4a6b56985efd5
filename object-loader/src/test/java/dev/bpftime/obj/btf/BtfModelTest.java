package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding of every kind into its record, and the lookups, on a hand-written blob in both byte orders. */
class BtfModelTest {

    /** One type of every kind, with the ids the assertions use. */
    private static byte[] everyKind(ByteOrder order) {
        BtfBuilder b = new BtfBuilder(order);
        int intId = b.intType("int", 4, BtfType.Int.SIGNED, 32);                      // 1
        int ptr = b.ptr(intId);                                                        // 2
        int array = b.array(intId, intId, 3);                                          // 3
        int u8 = b.intType("unsigned char", 1, 0, 8);                                  // 4
        int inner = b.struct(BtfKind.UNION, "", 4, false, new BtfBuilder.M("x", intId, 0),
                new BtfBuilder.M("y", u8, 0));                                         // 5
        int flags = b.struct(BtfKind.STRUCT, "flags", 8, true,
                new BtfBuilder.M("lo", intId, (3L << 24) | 0), new BtfBuilder.M("hi", intId, (5L << 24) | 3),
                new BtfBuilder.M("", inner, 32));                                      // 6
        int enumId = b.enumType("color", 4, true, "RED", -1, "BLUE", 7);                // 7
        int fwd = b.type("later", BtfKind.FWD, 0, true, 0);                             // 8
        int typedef = b.ref(BtfKind.TYPEDEF, "flags_t", flags);                         // 9
        int vol = b.ref(BtfKind.VOLATILE, "", typedef);                                 // 10
        int cons = b.ref(BtfKind.CONST, "", vol);                                       // 11
        int restrict = b.ref(BtfKind.RESTRICT, "", ptr);                                // 12
        int proto = b.proto(intId, "a", ptr, "", 0);                                    // 13
        int func = b.func("f", proto, 1);                                               // 14
        int var = b.var("counter", cons, 1);                                            // 15
        int sec = b.datasec(".data", 8, var, 0, 8);                                     // 16
        int dbl = b.floatType("double", 8);                                             // 17
        int tag = b.declTag("hot", func, -1);                                           // 18
        int typeTag = b.ref(BtfKind.TYPE_TAG, "user", intId);                           // 19
        int big = b.enum64("big", 8, false, "HUGE", 0xfedcba9876543210L);              // 20
        int oldBits = b.intType("int3", 4, 0, 3);                                       // 21
        int old = b.struct(BtfKind.STRUCT, "old", 4, false, new BtfBuilder.M("b", oldBits, 5)); // 22
        int arrOfArr = b.array(array, intId, 2);                                        // 23
        assertEquals(23, arrOfArr);
        assertEquals(List.of(2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22),
                List.of(ptr, array, inner, flags, enumId, fwd, vol, cons, restrict, proto, func, var, sec, dbl, tag,
                        typeTag, big, old));
        return b.build();
    }

    @Test
    void decodesEveryKindInBothByteOrders() {
        Btf le = Btf.load(everyKind(ByteOrder.LITTLE_ENDIAN));
        Btf be = Btf.parse(everyKind(ByteOrder.BIG_ENDIAN));
        assertEquals(ByteOrder.BIG_ENDIAN, be.order());
        assertEquals(le.types(), be.types());
        Btf btf = le;
        assertEquals(24, btf.typeCount());
        assertEquals(new BtfType.Void(), btf.type(0));
        assertEquals(new BtfType.Int(1, "int", 4, BtfType.Int.SIGNED, 0, 32), btf.type(1));
        assertTrue(((BtfType.Int) btf.type(1)).signed());
        assertEquals(new BtfType.Ptr(2, 1), btf.type(2));
        assertEquals(new BtfType.Array(3, 1, 1, 3), btf.type(3));
        BtfType.Struct flags = btf.type(6, BtfType.Struct.class);
        assertEquals(List.of(new BtfType.Member("lo", 1, 0, 3), new BtfType.Member("hi", 1, 3, 5),
                new BtfType.Member("", 5, 32, 0)), flags.members());
        assertTrue(flags.kindFlag());
        assertEquals(List.of(new BtfType.EnumValue("RED", -1), new BtfType.EnumValue("BLUE", 7)),
                btf.type(7, BtfType.Enum.class).values());
        assertEquals(new BtfType.Fwd(8, "later", true), btf.type(8));
        assertEquals(new BtfType.Typedef(9, "flags_t", 6), btf.type(9));
        assertEquals(new BtfType.Volatile(10, 9), btf.type(10));
        assertEquals(new BtfType.Const(11, 10), btf.type(11));
        assertEquals(new BtfType.Restrict(12, 2), btf.type(12));
        BtfType.FuncProto proto = btf.type(13, BtfType.FuncProto.class);
        assertEquals(List.of(new BtfType.Param("a", 2), new BtfType.Param("", 0)), proto.params());
        assertTrue(proto.variadic());
        assertEquals(new BtfType.Func(14, "f", 13, BtfType.Linkage.GLOBAL), btf.type(14));
        assertEquals(new BtfType.Var(15, "counter", 11, BtfType.Var.GLOBAL_ALLOCATED), btf.type(15));
        assertEquals(new BtfType.Datasec(16, ".data", 8, List.of(new BtfType.VarSecinfo(15, 0, 8))), btf.type(16));
        assertEquals(new BtfType.Float(17, "double", 8), btf.type(17));
        assertEquals(new BtfType.DeclTag(18, "hot", 14, -1, false), btf.type(18));
        assertEquals(new BtfType.TypeTag(19, "user", 1, false), btf.type(19));
        assertEquals(List.of(new BtfType.EnumValue("HUGE", 0xfedcba9876543210L)), btf.type(20, BtfType.Enum64.class).values());
    }

    @Test
    void resolvesSizesMembersAndNames() {
        Btf btf = Btf.load(everyKind(ByteOrder.LITTLE_ENDIAN));
        assertEquals(btf.type(6), btf.resolve(11));
        assertEquals(btf.type(1), btf.resolve(19));
        assertEquals(btf.type(2), btf.resolve(12));
        assertEquals(btf.type(0), btf.resolve(0));
        assertEquals(8, btf.sizeOf(15));
        assertEquals(8, btf.sizeOf(12));
        assertEquals(12, btf.sizeOf(3));
        assertEquals(24, btf.sizeOf(23));
        assertEquals(8, btf.sizeOf(20));
        for (int noSize : new int[] {0, 8, 13, 14, 18}) {
            BtfException e = assertThrows(BtfException.class, () -> btf.sizeOf(noSize));
            assertTrue(e.getMessage().contains("has no size"), e.getMessage());
        }

        BtfType.Struct flags = btf.type(6, BtfType.Struct.class);
        assertEquals(new Btf.MemberLayout(3, 5, true), btf.memberLayout(flags, flags.members().get(1)));
        assertEquals(new Btf.MemberLayout(32, 32, false), btf.memberLayout(flags, flags.members().get(2)));
        BtfType.Struct old = btf.type(22, BtfType.Struct.class);
        assertEquals(new Btf.MemberLayout(5, 3, true), btf.memberLayout(old, old.members().get(0)));
        Btf.FieldPath y = btf.member(9, "y").orElseThrow();
        assertEquals(32, y.bitOffset());
        assertEquals(List.of("", "y"), y.path().stream().map(BtfType.Member::name).toList());
        assertFalse(btf.member(6, "nothing").isPresent());
        assertThrows(BtfException.class, () -> btf.member(1, "x"));

        assertEquals(btf.type(14), btf.find("f", BtfKind.FUNC).orElseThrow());
        assertFalse(btf.find("f", BtfKind.VAR).isPresent());
        assertEquals(btf.type(7), btf.find("color", BtfType.Enum.class).orElseThrow());
        assertEquals(List.of(btf.type(19)), btf.findAll("user"));
        assertEquals("int", btf.string(1));
        assertEquals("", btf.string(0));
    }

    @Test
    void badIdsAndKindsAreBtfExceptions() {
        Btf btf = Btf.load(everyKind(ByteOrder.LITTLE_ENDIAN));
        BtfException e = assertThrows(BtfException.class, () -> btf.type(24));
        assertEquals("BTF: type id: actual 24 vs expected 0..23 (EINVAL)", e.getMessage());
        e = assertThrows(BtfException.class, () -> btf.type(1, BtfType.Struct.class));
        assertTrue(e.getMessage().contains("actual INT vs expected Struct"), e.getMessage());
        assertThrows(BtfException.class, () -> btf.string(1 << 20));
    }
}
