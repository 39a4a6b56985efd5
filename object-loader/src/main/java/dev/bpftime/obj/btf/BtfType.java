package dev.bpftime.obj.btf;

import java.util.List;

/**
 * One BTF type (include/uapi/linux/btf.h), a record per kind. Ids count from 1 in section order; id 0 is
 * {@link Void}. References to other types are ids, looked up with {@link Btf#type}. Names are "" when
 * anonymous.
 */
public sealed interface BtfType {

    int id();

    BtfKind kind();

    /** The type's name; "" for anonymous types and for kinds that have none (PTR, ARRAY, FUNC_PROTO...). */
    String name();

    /** A type that only qualifies or renames another one: TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG. */
    sealed interface Modifier extends BtfType permits Typedef, Volatile, Const, Restrict, TypeTag {
        /** The type it qualifies. */
        int type();
    }

    /** void: type id 0, which no type section contains. */
    record Void() implements BtfType {
        public int id() {
            return 0;
        }

        public BtfKind kind() {
            return BtfKind.UNKNOWN;
        }

        public String name() {
            return "void";
        }
    }

    /**
     * An integer of {@code size} bytes whose value is {@code bits} bits starting {@code bitOffset} bits in;
     * {@code encoding} is a mask of {@link #SIGNED}, {@link #CHAR}, {@link #BOOL}.
     */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean signed() {
            return (encoding & SIGNED) != 0;
        }
    }

    record Ptr(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }

        public String name() {
            return "";
        }
    }

    record Array(int id, int elementType, int indexType, long length) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }

        public String name() {
            return "";
        }
    }

    /**
     * A struct or union member at {@code bitOffset} bits from the start. {@code bitfieldSize} is its width
     * when the container's kind_flag encodes bit fields, else 0 (an old-style bit field is then an INT
     * type whose bits and bit offset say it; see {@link Btf#memberLayout}).
     */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {
        public boolean isBitfield() {
            return bitfieldSize != 0;
        }
    }

    /** STRUCT or UNION: {@code kindFlag} says the members' offsets encode bit-field sizes. */
    sealed interface Composite extends BtfType permits Struct, Union {
        long size();

        boolean kindFlag();

        List<Member> members();
    }

    record Struct(int id, String name, long size, boolean kindFlag, List<Member> members) implements Composite {
        public Struct {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    record Union(int id, String name, long size, boolean kindFlag, List<Member> members) implements Composite {
        public Union {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    /**
     * An enumerator. For ENUM the 32-bit value is sign-extended when the enum is signed, zero-extended
     * otherwise; for ENUM64 it is the 64 bits (print an unsigned one with Long.toUnsignedString).
     */
    record EnumValue(String name, long value) {
    }

    /** ENUM (values up to 32 bits); kind_flag marks a signed enum. */
    record Enum(int id, String name, int size, boolean signed, List<EnumValue> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return BtfKind.ENUM;
        }
    }

    /** ENUM64 (values up to 64 bits); kind_flag marks a signed enum. */
    record Enum64(int id, String name, int size, boolean signed, List<EnumValue> values) implements BtfType {
        public Enum64 {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return BtfKind.ENUM64;
        }
    }

    /** A forward declaration of a struct, or of a union when {@code union}. */
    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(int id, String name, int type) implements Modifier {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    record Volatile(int id, int type) implements Modifier {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }

        public String name() {
            return "";
        }
    }

    record Const(int id, int type) implements Modifier {
        public BtfKind kind() {
            return BtfKind.CONST;
        }

        public String name() {
            return "";
        }
    }

    record Restrict(int id, int type) implements Modifier {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }

        public String name() {
            return "";
        }
    }

    /** A type tag such as {@code __attribute__((btf_type_tag("user")))}; {@code attribute} is its kind_flag. */
    record TypeTag(int id, String name, int type, boolean attribute) implements Modifier {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }

    /** BTF_FUNC_STATIC, BTF_FUNC_GLOBAL, BTF_FUNC_EXTERN (the FUNC's vlen). */
    enum Linkage { STATIC, GLOBAL, EXTERN }

    /** A function; {@code type} is its FUNC_PROTO. */
    record Func(int id, String name, int type, Linkage linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** A parameter; the last one of a variadic prototype is anonymous with type 0. */
    record Param(String name, int type) {
    }

    record FuncProto(int id, int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }

        public String name() {
            return "";
        }

        public boolean variadic() {
            return !params.isEmpty() && params.get(params.size() - 1).type() == 0;
        }
    }

    /** A global variable; {@code linkage} is BTF_VAR_STATIC (0), GLOBAL_ALLOCATED (1) or GLOBAL_EXTERN (2). */
    record Var(int id, String name, int type, int linkage) implements BtfType {
        public static final int STATIC = 0;
        public static final int GLOBAL_ALLOCATED = 1;
        public static final int GLOBAL_EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** A variable of a DATASEC: a VAR (or, before libbpf's fix-ups, an extern FUNC) at an offset. */
    record VarSecinfo(int type, long offset, long size) {
    }

    /** An ELF data section (.data, .bss, .rodata, .maps...) and the variables in it. */
    record Datasec(int id, String name, long size, List<VarSecinfo> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }

        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /**
     * A declaration tag {@code name} on type {@code type}, or on its member or argument
     * {@code componentIndex} (-1 for the type itself); {@code attribute} is its kind_flag.
     */
    record DeclTag(int id, String name, int type, int componentIndex, boolean attribute) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
