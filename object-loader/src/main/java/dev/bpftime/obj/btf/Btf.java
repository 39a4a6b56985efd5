package dev.bpftime.obj.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed and verified BTF: the header, the types by id (void at 0) and the string section, with the lookups
 * programs need: a type by id or by name and kind, what a chain of modifiers and typedefs leads to, the
 * size of a type, the layout of a member.
 */
public final class Btf {

    private static final int MAX_CHAIN = 64;

    private final byte[] raw;
    private final BtfHeader header;
    private final ByteOrder order;
    private final List<BtfType> types;
    private final RawBtf strings;
    private Map<String, List<BtfType>> byName;

    private Btf(byte[] raw, TypeGraph graph) {
        this.raw = raw;
        this.header = graph.btf.header;
        this.order = graph.btf.order();
        this.strings = graph.btf;
        this.types = Collections.unmodifiableList(TypeDecoder.decode(graph.btf));
    }

    /**
     * An object file's .BTF in either byte order, checked with the kernel's rules less those libbpf's
     * fix-ups take care of ({@link BtfValidator.Profile#OBJECT}).
     */
    public static Btf parse(byte[] data) {
        return parse(data, detectOrder(data), BtfValidator.Profile.OBJECT);
    }

    /** A blob for BPF_BTF_LOAD: in the host's byte order, checked exactly as the kernel checks it. */
    public static Btf load(byte[] data) {
        return parse(data, ByteOrder.nativeOrder(), BtfValidator.Profile.KERNEL);
    }

    /**
     * {@link #load(byte[])} writing the verifier log BPF_BTF_LOAD gives with a log level (kernel/bpf/btf.c):
     * on a refusal the log ends with it and the exception is thrown.
     */
    public static Btf load(byte[] data, BtfVerifierLog log) {
        byte[] copy = data.clone();
        return new Btf(copy, BtfValidator.verified(copy, ByteOrder.nativeOrder(), BtfValidator.Profile.KERNEL, log));
    }

    public static Btf parse(byte[] data, ByteOrder order, BtfValidator.Profile profile) {
        byte[] copy = data.clone();
        return new Btf(copy, BtfValidator.verified(copy, order, profile));
    }

    /** The order whose magic the blob starts with; the host's when neither matches (the check then refuses). */
    static ByteOrder detectOrder(byte[] data) {
        if (data.length >= 2) {
            for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                if (Short.toUnsignedInt(ByteBuffer.wrap(data, 0, 2).order(o).getShort()) == BtfHeader.MAGIC) {
                    return o;
                }
            }
        }
        return ByteOrder.nativeOrder();
    }

    public ByteOrder order() {
        return order;
    }

    public BtfHeader header() {
        return header;
    }

    /** The blob as given. */
    public byte[] raw() {
        return raw.clone();
    }

    /** All types by id: index 0 is void. */
    public List<BtfType> types() {
        return types;
    }

    /** Number of type ids, void included (the highest id is one less). */
    public int typeCount() {
        return types.size();
    }

    /** The type with this id; a BtfException (EINVAL) for an id no type has. */
    public BtfType type(long id) {
        if (id < 0 || id >= types.size()) {
            throw new BtfException(Errno.EINVAL, "", "type id: actual " + id + " vs expected 0.." + (types.size() - 1),
                    0, -1);
        }
        return types.get((int) id);
    }

    /** The type with this id, which must be of class {@code kind}. */
    public <T extends BtfType> T type(long id, Class<T> kind) {
        BtfType t = type(id);
        if (!kind.isInstance(t)) {
            throw new BtfException(Errno.EINVAL, "", "type [" + id + "]: actual " + t.kind().logName() + " vs expected "
                    + kind.getSimpleName(), (int) id, -1);
        }
        return kind.cast(t);
    }

    /** Byte offset of type {@code id}'s struct btf_type in the blob (id 1 and up). */
    int typeOffset(int id) {
        return strings.offset(id);
    }

    /** Whether {@code offset} starts a string of the string section. */
    public boolean isStringOffset(long offset) {
        return offset >= 0 && offset < header.strLen();
    }

    /** The string at {@code offset} of the string section (UTF-8); BtfException when out of range. */
    public String string(long offset) {
        if (!isStringOffset(offset)) {
            throw new BtfException(Errno.EINVAL, "", "string offset: actual " + offset + " vs expected below str_len "
                    + header.strLen(), 0, -1);
        }
        return strings.utf8(offset);
    }

    /** What type {@code id} is after skipping modifiers and typedefs (void stays void). */
    public BtfType resolve(long id) {
        BtfType t = type(id);
        for (int i = 0; t instanceof BtfType.Modifier m; i++) {
            if (i == MAX_CHAIN) {
                throw new BtfException(Errno.ELOOP, "", "type [" + id + "]: more than " + MAX_CHAIN + " modifiers",
                        (int) id, -1);
            }
            t = type(m.type());
        }
        return t;
    }

    /**
     * The size in bytes of type {@code id} (libbpf's btf__resolve_size): through modifiers, typedefs and
     * variables; arrays multiply. BtfException for types without a size (void, FWD, FUNC, FUNC_PROTO...).
     */
    public long sizeOf(long id) {
        long count = 1;
        BtfType t = type(id);
        for (int i = 0; i <= MAX_CHAIN; i++) {
            if (t instanceof BtfType.Modifier m) {
                t = type(m.type());
            } else if (t instanceof BtfType.Var v) {
                t = type(v.type());
            } else if (t instanceof BtfType.Array a) {
                count *= a.length();
                t = type(a.elementType());
            } else {
                long size = switch (t.kind()) {
                    case INT -> ((BtfType.Int) t).size();
                    case PTR -> 8;
                    case STRUCT, UNION -> ((BtfType.Composite) t).size();
                    case ENUM -> ((BtfType.Enum) t).size();
                    case ENUM64 -> ((BtfType.Enum64) t).size();
                    case FLOAT -> ((BtfType.Float) t).size();
                    case DATASEC -> ((BtfType.Datasec) t).size();
                    default -> throw new BtfException(Errno.EINVAL, "", "type [" + id + "] leads to "
                            + (t.id() == 0 ? "void" : t.kind().logName() + " [" + t.id() + "]") + ", which has no size",
                            (int) id, -1);
                };
                return count * size;
            }
        }
        throw new BtfException(Errno.ELOOP, "", "type [" + id + "]: more than " + MAX_CHAIN + " nested types", (int) id,
                -1);
    }

    /** All types named {@code name}, in id order. */
    public List<BtfType> findAll(String name) {
        if (byName == null) {
            Map<String, List<BtfType>> map = new HashMap<>();
            for (BtfType t : types.subList(1, types.size())) {
                if (!t.name().isEmpty()) {
                    map.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(t);
                }
            }
            byName = map;
        }
        return byName.getOrDefault(name, List.of());
    }

    /** The first type named {@code name} of this kind (btf_find_by_name_kind). */
    public Optional<BtfType> find(String name, BtfKind kind) {
        return findAll(name).stream().filter(t -> t.kind() == kind).findFirst();
    }

    /** The first type named {@code name} of this class, e.g. {@code find("task_struct", BtfType.Struct.class)}. */
    public <T extends BtfType> Optional<T> find(String name, Class<T> kind) {
        return findAll(name).stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    /**
     * Where a member's bits are: its bit offset in the container and its width in bits. With kind_flag the
     * member says its bit-field width; without, an INT member (through modifiers) may still be a bit field
     * by its own bits and bit offset; any other member is the whole of its type.
     */
    public record MemberLayout(long bitOffset, long bitSize, boolean bitfield) {
        public long byteOffset() {
            return bitOffset / 8;
        }
    }

    public MemberLayout memberLayout(BtfType.Composite container, BtfType.Member member) {
        if (member.isBitfield()) {
            return new MemberLayout(member.bitOffset(), member.bitfieldSize(), true);
        }
        BtfType t = resolve(member.type());
        if (!container.kindFlag() && t instanceof BtfType.Int i
                && (i.bitOffset() != 0 || i.bits() != 8L * i.size())) {
            return new MemberLayout(member.bitOffset() + i.bitOffset(), i.bits(), true);
        }
        return new MemberLayout(member.bitOffset(), 8 * sizeOf(member.type()), false);
    }

    /** A member found by name, with its offset from the start of the outermost container. */
    public record FieldPath(List<BtfType.Member> path, long bitOffset) {
        public BtfType.Member member() {
            return path.get(path.size() - 1);
        }
    }

    /**
     * The member called {@code name} of struct or union {@code id}, looking into anonymous struct and union
     * members as C does; the offset adds up the path.
     */
    public Optional<FieldPath> member(long id, String name) {
        BtfType t = resolve(id);
        if (!(t instanceof BtfType.Composite c)) {
            throw new BtfException(Errno.EINVAL, "", "type [" + id + "]: actual " + t.kind().logName()
                    + " vs expected a STRUCT or UNION", (int) id, -1);
        }
        return member(c, name, new ArrayList<>(), 0, 0);
    }

    private Optional<FieldPath> member(BtfType.Composite c, String name, List<BtfType.Member> path, long base,
                                      int depth) {
        if (depth > MAX_CHAIN) {
            return Optional.empty();
        }
        for (BtfType.Member m : c.members()) {
            path.add(m);
            if (m.name().equals(name)) {
                return Optional.of(new FieldPath(List.copyOf(path), base + m.bitOffset()));
            }
            if (m.name().isEmpty() && resolve(m.type()) instanceof BtfType.Composite inner) {
                Optional<FieldPath> found = member(inner, name, path, base + m.bitOffset(), depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
            path.remove(path.size() - 1);
        }
        return Optional.empty();
    }
}
