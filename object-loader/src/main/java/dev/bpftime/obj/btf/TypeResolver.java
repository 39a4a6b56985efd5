package dev.bpftime.obj.btf;

/**
 * The second pass (kernel/bpf/btf.c btf_check_all_types): every type that refers to others is resolved by
 * a depth-first walk that finds missing types, loops and sizes, and every FUNC_PROTO is checked. The walk
 * is the kernel's, step for step, because which types it visits first decides some verdicts: a stack of at
 * most 32 types, a mode chosen by the first pointer or aggregate pushed, and the "sink" types where a
 * branch stops.
 */
final class TypeResolver extends TypeGraph {

    static final int MAX_RESOLVE_DEPTH = 32;

    private enum Mode { TBD, PTR, STRUCT_OR_ARRAY }

    private static final byte NOT_VISITED = 0;
    private static final byte VISITED = 1;
    private static final byte RESOLVED = 2;

    /** A type on the walk's stack; nextMember is where a struct or DATASEC continues after a push. */
    private static final class Vertex {
        int id;
        int nextMember;
    }

    private final VerifierEnv env;
    private final MemberCheck members;
    private final byte[] visitStates;
    private final Vertex[] stack = new Vertex[MAX_RESOLVE_DEPTH];
    private int top;
    private Mode mode = Mode.TBD;

    private TypeResolver(VerifierEnv env) {
        super(env.btf);
        this.env = env;
        this.members = new MemberCheck(env, this);
        this.visitStates = new byte[btf.typeCount()];
        for (int i = 0; i < stack.length; i++) {
            stack[i] = new Vertex();
        }
    }

    /** Resolves and checks all types; the tables it leaves are those of a verified blob. */
    static TypeGraph checkAll(VerifierEnv env) {
        TypeResolver r = new TypeResolver(env);
        r.run();
        return r;
    }

    private void run() {
        env.phase = VerifierEnv.Phase.CHECK_TYPE;
        for (int id = 1; id < btf.typeCount(); id++) {
            env.logTypeId = id;
            if (needsResolve(id) && !resolved(id)) {
                resolve(id);
            }
            if (is(id, BtfKind.FUNC_PROTO)) {
                checkFuncProto(id);
            }
        }
    }

    boolean resolved(long id) {
        return visitStates[(int) id] == RESOLVED;
    }

    /** env_type_is_resolve_sink(): whether the walk stops at {@code id} instead of pushing it. */
    private boolean sink(long id) {
        return switch (mode) {
            case TBD -> !needsResolve(id);
            case PTR -> !isModifier(id) && !is(id, BtfKind.PTR);
            case STRUCT_OR_ARRAY -> !isModifier(id) && !is(id, BtfKind.ARRAY) && !isStruct(id);
        };
    }

    /** env_stack_push(): 0, or E2BIG when the stack is full, or EEXIST when the type is on it (a loop). */
    private int push(long id) {
        if (top == MAX_RESOLVE_DEPTH) {
            return Errno.E2BIG;
        }
        if (visitStates[(int) id] != NOT_VISITED) {
            return Errno.EEXIST;
        }
        visitStates[(int) id] = VISITED;
        Vertex v = stack[top++];
        v.id = (int) id;
        v.nextMember = 0;
        if (mode == Mode.TBD) {
            if (is(id, BtfKind.PTR)) {
                mode = Mode.PTR;
            } else if (isStruct(id) || is(id, BtfKind.ARRAY)) {
                mode = Mode.STRUCT_OR_ARRAY;
            }
        }
        return 0;
    }

    private void popResolved(long resolvedId, long size) {
        int id = stack[--top].id;
        resolvedSizes[id] = (int) size;
        resolvedIds[id] = (int) resolvedId;
        visitStates[id] = RESOLVED;
    }

    /** btf_resolve(): walks from {@code id} until it and all it depends on are resolved. */
    void resolve(int id) {
        int savedLogTypeId = env.logTypeId;
        mode = Mode.TBD;
        push(id);
        int err = 0;
        while (err == 0 && top > 0) {
            Vertex v = stack[top - 1];
            env.logTypeId = v.id;
            err = step(v);
        }
        env.logTypeId = id;
        if (err == Errno.E2BIG) {
            throw env.type(Errno.E2BIG, id, "Exceeded max resolving depth:" + MAX_RESOLVE_DEPTH,
                    "types refer to each other more than " + MAX_RESOLVE_DEPTH + " deep from here");
        } else if (err == Errno.EEXIST) {
            throw env.type(Errno.EEXIST, id, "Loop detected", "a chain of type references from here comes back"
                    + " to a type it passed through");
        }
        if (!resolveValid(id)) {
            throw env.type(id, "Invalid resolve state", "the type did not resolve to what its kind needs");
        }
        env.logTypeId = savedLogTypeId;
    }

    private int step(Vertex v) {
        BtfKind kind = BtfKind.of(btf.kind(v.id));
        return switch (kind) {
            case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> resolveModifier(v);
            case PTR -> resolvePtr(v);
            case STRUCT, UNION -> resolveStruct(v);
            case ARRAY -> resolveArray(v);
            case VAR -> resolveVar(v);
            case FUNC -> resolveFunc(v);
            case DECL_TAG -> resolveDeclTag(v);
            case DATASEC -> resolveDatasec(v);
            default -> throw env.basic(v.id, "Unsupported resolve", kind.logName() + " types are not resolved");
        };
    }

    private BtfException invalidTypeId(int id, long next) {
        String found = !exists(next) ? "a type id beyond the last type " + (btf.typeCount() - 1)
                : next == 0 ? "void" : BtfKind.of(btf.kind((int) next)).logName() + " [" + next + "]";
        return env.type(id, "Invalid type_id", "type " + next + ": actual " + found + " vs expected a type "
                + BtfKind.of(btf.kind(id)).logName() + " may refer to");
    }

    private int resolveModifier(Vertex v) {
        long next = btf.sizeOrType(v.id);
        if (!exists(next) || sourceOnly(next)) {
            throw invalidTypeId(v.id, next);
        }
        if (!sink(next) && !resolved(next)) {
            return push(next);
        }
        long sized = idSize(next);
        if (sized < 0) {
            if (resolved(next)) {
                next = resolvedId(next);
            }
            // "typedef void new_void", "const void", a forward declaration, a function type...
            if (next != 0 && !is(next, BtfKind.FWD) && !is(next, BtfKind.FUNC_PROTO)) {
                throw invalidTypeId(v.id, next);
            }
        } else {
            next = sized;
        }
        popResolved(next, 0);
        return 0;
    }

    private int resolvePtr(Vertex v) {
        long next = btf.sizeOrType(v.id);
        if (!exists(next) || sourceOnly(next)) {
            throw invalidTypeId(v.id, next);
        }
        if (!sink(next) && !resolved(next)) {
            return push(next);
        }
        // A modifier resolved while resolving an aggregate stopped at a pointer; go on from that pointer
        // so that it cannot lead back here.
        if (isModifier(next)) {
            long target = resolvedId(next);
            if (is(target, BtfKind.PTR) && !sink(target) && !resolved(target)) {
                return push(target);
            }
        }
        long sized = idSize(next);
        if (sized < 0) {
            if (resolved(next)) {
                next = resolvedId(next);
            }
            if (next != 0 && !is(next, BtfKind.FWD) && !is(next, BtfKind.FUNC_PROTO)) {
                throw invalidTypeId(v.id, next);
            }
        } else {
            next = sized;
        }
        popResolved(next, 0);
        return 0;
    }

    private int resolveVar(Vertex v) {
        long next = btf.sizeOrType(v.id);
        if (!exists(next) || sourceOnly(next)) {
            throw invalidTypeId(v.id, next);
        }
        if (!sink(next) && !resolved(next)) {
            return push(next);
        }
        if (isModifier(next)) {
            long target = resolvedId(next);
            if (is(target, BtfKind.PTR) && !sink(target) && !resolved(target)) {
                return push(target);
            }
        }
        // A variable needs a concrete type: no forward declaration or anything else of size zero.
        long sized = idSize(next);
        if (sized < 0) {
            throw invalidTypeId(v.id, next);
        }
        popResolved(sized, 0);
        return 0;
    }

    private int resolveArray(Vertex v) {
        int id = v.id;
        long index = btf.word(id, 1);
        if (noSizeOrMissing(index) || sourceOnly(index)) {
            throw env.type(id, "Invalid index", "index type " + index + ": actual " + describe(index)
                    + " vs expected an integer type");
        }
        if (!sink(index) && !resolved(index)) {
            return push(index);
        }
        long sizedIndex = idSize(index);
        if (sizedIndex < 0 || !is(sizedIndex, BtfKind.INT) || !intIsRegular(sizedIndex)) {
            throw env.type(id, "Invalid index", "index type " + index + ": actual " + describe(sizedIndex < 0 ? index
                    : sizedIndex) + " vs expected a whole u8/u16/u32/u64/u128 INT");
        }
        long elem = btf.word(id, 0);
        if (noSizeOrMissing(elem) || sourceOnly(elem)) {
            throw env.type(id, "Invalid elem", "element type " + elem + ": actual " + describe(elem)
                    + " vs expected a type with a size");
        }
        if (!sink(elem) && !resolved(elem)) {
            return push(elem);
        }
        long sizedElem = idSize(elem);
        if (sizedElem < 0) {
            throw env.type(id, "Invalid elem", "element type " + elem + " has no size");
        }
        long elemSize = lastSize;
        if (is(sizedElem, BtfKind.INT) && !intIsRegular(sizedElem)) {
            throw env.type(id, "Invalid array of int", "element type " + sizedElem + ": actual a bit-field INT vs"
                    + " expected a whole u8/u16/u32/u64/u128");
        }
        long nelems = btf.word(id, 2);
        if (nelems != 0 && elemSize > 0xffffffffL / nelems) {
            throw env.type(id, "Array size overflows U32_MAX", "size: actual " + nelems + " x " + elemSize
                    + " vs expected at most 4294967295");
        }
        popResolved(sizedElem, elemSize * nelems);
        return 0;
    }

    private int resolveStruct(Vertex v) {
        int id = v.id;
        // Check the member whose type was pushed last, now that it is resolved.
        if (v.nextMember > 0) {
            int last = v.nextMember - 1;
            long lastType = btf.word(id, 3 * last + 1);
            if (!resolved(lastType)) {
                throw new BtfException(Errno.EINVAL, "", "member " + last + " of type [" + id
                        + "] was not resolved (the kernel WARNs here)", id, btf.offset(id));
            }
            members.check(id, last, lastType);
        }
        for (int i = v.nextMember; i < btf.vlen(id); i++) {
            long type = btf.word(id, 3 * i + 1);
            if (noSizeOrMissing(type) || sourceOnly(type)) {
                throw env.member(id, i, type, "Invalid member", "type: actual " + describe(type)
                        + " vs expected a type with a size");
            }
            if (!sink(type) && !resolved(type)) {
                v.nextMember = i + 1;
                return push(type);
            }
            members.check(id, i, type);
        }
        popResolved(0, 0);
        return 0;
    }

    private int resolveFunc(Vertex v) {
        checkFunc(v.id);
        popResolved(btf.sizeOrType(v.id), 0);
        return 0;
    }

    /** btf_func_check(): a FUNC refers to a FUNC_PROTO whose arguments all have names. */
    private void checkFunc(int id) {
        long proto = btf.sizeOrType(id);
        if (!exists(proto) || !is(proto, BtfKind.FUNC_PROTO)) {
            throw invalidTypeId(id, proto);
        }
        if (env.object() && btf.vlen(id) == 2) {
            // libbpf names the anonymous arguments of extern functions before loading.
            return;
        }
        int n = btf.vlen((int) proto);
        for (int i = 0; i < n; i++) {
            if (btf.word((int) proto, 2 * i) == 0 && btf.word((int) proto, 2 * i + 1) != 0) {
                throw env.type(id, "Invalid arg#" + (i + 1), "argument " + (i + 1) + " of FUNC_PROTO [" + proto
                        + "]: actual anonymous vs expected a name");
            }
        }
    }

    private int resolveDeclTag(Vertex v) {
        int id = v.id;
        long next = btf.sizeOrType(id);
        if (!exists(next) || !(is(next, BtfKind.FUNC) || isStruct(next) || is(next, BtfKind.VAR)
                || is(next, BtfKind.TYPEDEF))) {
            throw env.type(id, "Invalid type_id", "tagged type " + next + ": actual " + describe(next)
                    + " vs expected a FUNC, STRUCT, UNION, VAR or TYPEDEF");
        }
        if (!sink(next) && !resolved(next)) {
            return push(next);
        }
        int component = (int) btf.word(id, 0);
        if (component != -1) {
            if (is(next, BtfKind.VAR) || is(next, BtfKind.TYPEDEF)) {
                throw env.type(id, "Invalid component_idx", "component_idx: actual " + component
                        + " vs expected -1 for a " + BtfKind.of(btf.kind((int) next)).logName());
            }
            int vlen = isStruct(next) ? btf.vlen((int) next) : btf.vlen((int) btf.sizeOrType((int) next));
            if (Integer.toUnsignedLong(component) >= vlen) {
                throw env.type(id, "Invalid component_idx", "component_idx: actual " + component
                        + " vs expected below " + vlen);
            }
        }
        popResolved(next, 0);
        return 0;
    }

    private int resolveDatasec(Vertex v) {
        int id = v.id;
        mode = Mode.TBD;
        for (int i = v.nextMember; i < btf.vlen(id); i++) {
            long var = btf.word(id, 3 * i);
            if (env.object() && exists(var) && is(var, BtfKind.FUNC) && btf.vlen((int) var) == 2) {
                // An extern function of .ksyms, which libbpf turns into a variable before loading.
                continue;
            }
            if (!exists(var) || !is(var, BtfKind.VAR)) {
                throw env.vsi(id, i, "Not a VAR kind member", "type: actual " + describe(var) + " vs expected a VAR");
            }
            if (!sink(var) && !resolved(var)) {
                v.nextMember = i + 1;
                return push(var);
            }
            long sized = idSize(btf.sizeOrType((int) var));
            if (sized < 0) {
                throw env.vsi(id, i, "Invalid type", "the VAR's type has no size");
            }
            long varSize = btf.word(id, 3 * i + 2);
            if (varSize < lastSize) {
                throw env.vsi(id, i, "Invalid size", "size: actual " + varSize + " vs expected at least " + lastSize
                        + " (the VAR's type size)");
            }
        }
        popResolved(0, 0);
        return 0;
    }

    /** btf_resolve_valid(): the final sanity check of a resolved type. */
    private boolean resolveValid(int id) {
        if (!resolved(id)) {
            return false;
        }
        if (isStruct(id) || is(id, BtfKind.DATASEC)) {
            return resolvedId(id) == 0 && resolvedSize(id) == 0;
        }
        if (is(id, BtfKind.DECL_TAG) || is(id, BtfKind.FUNC)) {
            return resolvedId(id) != 0 && resolvedSize(id) == 0;
        }
        if (isModifier(id) || is(id, BtfKind.PTR) || is(id, BtfKind.VAR)) {
            long target = resolvedId(id);
            return exists(target) && !isModifier(target) && !is(target, BtfKind.VAR) && !is(target, BtfKind.DATASEC);
        }
        if (is(id, BtfKind.ARRAY)) {
            long elem = idSize(btf.word(id, 0));
            return elem >= 0 && !isModifier(elem)
                    && ((btf.word(id, 2) * lastSize) & 0xffffffffL) == resolvedSize(id);
        }
        return false;
    }

    /** btf_func_proto_check(): the return and argument types exist, have sizes and are resolved. */
    private void checkFuncProto(int id) {
        long ret = btf.sizeOrType(id);
        if (ret != 0) {
            if (!exists(ret) || sourceOnly(ret)) {
                throw env.type(id, "Invalid return type", "return type " + ret + ": actual " + describe(ret)
                        + " vs expected a type with a size");
            }
            if (needsResolve(ret) && !resolved(ret)) {
                resolve((int) ret);
            }
            if (idSize(ret) < 0) {
                throw env.type(id, "Invalid return type", "return type " + ret + " has no size");
            }
        }
        int n = btf.vlen(id);
        if (n == 0) {
            return;
        }
        if (btf.word(id, 2 * (n - 1) + 1) == 0) {
            if (btf.word(id, 2 * (n - 1)) != 0) {
                throw env.type(id, "Invalid arg#" + n, "argument " + n + ": actual a named vararg vs expected the"
                        + " vararg marker (no name, type 0)");
            }
            n--;
        }
        for (int i = 0; i < n; i++) {
            long nameOff = btf.word(id, 2 * i);
            long type = btf.word(id, 2 * i + 1);
            String arg = "Invalid arg#" + (i + 1);
            if (!exists(type) || sourceOnly(type)) {
                throw env.type(id, arg, "argument " + (i + 1) + " type " + type + ": actual " + describe(type)
                        + " vs expected a type with a size");
            }
            if (nameOff != 0 && (!btf.nameOffsetValid(nameOff) || !Names.validIdentifier(btf, nameOff))) {
                throw env.type(id, arg, "argument " + (i + 1) + " name: actual " + (btf.nameOffsetValid(nameOff)
                        ? "\"" + btf.string(nameOff) + "\"" : "offset " + nameOff + " beyond str_len "
                        + btf.header.strLen()) + " vs expected a C identifier");
            }
            if (needsResolve(type) && !resolved(type)) {
                resolve((int) type);
            }
            if (idSize(type) < 0) {
                throw env.type(id, arg, "argument " + (i + 1) + " type " + type + " has no size");
            }
        }
    }

    /** "STRUCT [5]", "void", or "missing" for an id beyond the last type, for messages. */
    String describe(long id) {
        if (!exists(id)) {
            return "type " + id + " beyond the last type " + (btf.typeCount() - 1);
        }
        return id == 0 ? "void" : BtfKind.of(btf.kind((int) id)).logName() + " [" + id + "]";
    }
}
