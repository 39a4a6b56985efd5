package dev.bpftime.jit;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.Register;
import java.util.EnumMap;
import java.util.Map;

/**
 * The plan of what the compiler emits for a group of instructions instead of one instruction at a time,
 * made once per compile (emission passes repeat, the plan does not change). Each group recovers what BPF
 * cannot say but x86-64 can, where gcc -O2 would use it:
 * <ul>
 *   <li>{@link Kind#LEA}: {@code rX = rA; rX += rB|imm} becomes one {@code lea rX, [rA + rB|imm]}.</li>
 *   <li>{@link Kind#FOLDED_ACCESS}: the same pair followed, before anything else touches rX, by a load or
 *       store through {@code [rX + off]} while rX is dead afterwards (or the load overwrites it): the pair
 *       disappears into the access's addressing mode, {@code [rA + rB + off]} (BPF has no indexed
 *       addressing; {@code mov (%rdi,%rax,8)} is what gcc's loops use).</li>
 *   <li>{@link Kind#SELECT}: a forward conditional jump over one to three ALU instructions that all write
 *       one register becomes a branchless computation into a scratch register and a {@code cmov} (BPF has
 *       no conditional move; on data-dependent conditions the branch mispredicts).</li>
 *   <li>{@link Kind#BRANCH_OVER_JUMP}: {@code if cond goto +1; ja L} becomes one {@code j!cond L}.</li>
 *   <li>{@link Kind#JUMP_TABLE}: a tree of compares of one register with constants, right after
 *       {@code r &= mask} bounds it to at most 256 values, becomes one indirect jump through a table
 *       (clang lowers a switch to such a tree because BPF has no indirect jump).</li>
 *   <li>{@link Kind#INLINE_LOOKUP}: {@code bpf_map_lookup_elem} on an ARRAY the loader described
 *       ({@link JitOptions#maps}) becomes the bound check and address computation, as the kernel's
 *       verifier does (array_map_gen_lookup).</li>
 * </ul>
 * A group never spans a jump target except at its first instruction, so every path into it runs it
 * whole; instructions a group absorbed are {@link Kind#ABSORBED} and emit nothing.
 */
final class Peepholes {

    enum Kind {
        NONE, ABSORBED, LEA, FOLDED_ACCESS, SELECT, BRANCH_OVER_JUMP, JUMP_TABLE, INLINE_LOOKUP
    }

    /** Jump tables cover at most this many values (a mask of at most 8 bits). */
    static final int MAX_TABLE = 256;
    /** A compare tree is worth a table from this many compares on. */
    static final int MIN_TREE_COMPARES = 3;
    /** SELECT converts at most this many skipped instructions: beyond, the branch is cheaper on average. */
    static final int MAX_SELECT = 3;
    /** How far after the pair FOLDED_ACCESS looks for the access. */
    private static final int FOLD_WINDOW = 4;
    /** BPF_FUNC_map_lookup_elem (include/uapi/linux/bpf.h). */
    static final int MAP_LOOKUP_ELEM = 1;

    private final ProgramAnalysis program;
    private final Kind[] kind;
    /** FOLDED_ACCESS: the index of the pair's mov; SELECT: the join (the jump's target). */
    private final int[] link;
    /** JUMP_TABLE: the instruction each value of the register leads to. */
    private final int[][] tables;
    /** INLINE_LOOKUP: the map reference in r1 ({@link MapReferences}) and its descriptor. */
    private final long[] lookupMap;
    private final JitOptions.MapDescriptor[] lookupDescriptor;
    /** Instructions that need a label though no jump names them (jump table entries). */
    final boolean[] needsLabel;
    /** Targets of backward jumps: the heads of loops, which the compiler aligns (JitCompiler.LOOP_ALIGNMENT). */
    final boolean[] loopHead;
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);

    Peepholes(ProgramAnalysis program, JitOptions options) {
        this.program = program;
        int n = program.insns.size();
        kind = new Kind[n];
        java.util.Arrays.fill(kind, Kind.NONE);
        link = new int[n];
        tables = new int[n][];
        lookupMap = new long[n];
        lookupDescriptor = new JitOptions.MapDescriptor[n];
        needsLabel = new boolean[n + 1];
        loopHead = new boolean[n + 1];
        for (int i = 0; i < n; i++) {
            if (program.insn(i).isBranch() && program.target(i) <= i) {
                loopHead[program.target(i)] = true;
            }
        }
        Liveness liveness = new Liveness(program);
        MapReferences maps = needsMapReferences(program, options) ? new MapReferences(program) : null;
        // Jump tables first: their entries become jump targets the other groups must not absorb.
        for (int i = 0; i < n; i++) {
            if (!(maps != null && planLookup(i, maps, options))) {
                planJumpTable(i);
            }
        }
        for (int i = 0; i < n; i++) {
            if (kind[i] == Kind.NONE && !planSelect(i) && !planBranchOverJump(i)) {
                planAddress(i, liveness);
            }
        }
    }

    Kind kind(int index) {
        return kind[index];
    }

    /** For FOLDED_ACCESS: the pair's first instruction; for SELECT: the join. */
    int link(int index) {
        return link[index];
    }

    int[] table(int index) {
        return tables[index];
    }

    long lookupMap(int index) {
        return lookupMap[index];
    }

    JitOptions.MapDescriptor lookupDescriptor(int index) {
        return lookupDescriptor[index];
    }

    /** How many groups of each kind the plan holds (tests check the fuzz programs exercise each). */
    Map<Kind, Integer> counts() {
        return Map.copyOf(counts);
    }

    private void claim(int index, Kind k) {
        kind[index] = k;
        if (k != Kind.ABSORBED) {
            counts.merge(k, 1, Integer::sum);
        }
    }

    /** Reached by a jump: a jump of the program, or an entry of a jump table. */
    private boolean isTarget(int index) {
        return program.jumpTarget[index] || needsLabel[index];
    }

    private boolean free(int index) {
        return index < program.insns.size() && kind[index] == Kind.NONE;
    }

    // ---- inline map lookups ----

    private static boolean needsMapReferences(ProgramAnalysis program, JitOptions options) {
        return options.maps() != JitOptions.MapDescriptors.NONE && program.helperIds.contains(MAP_LOOKUP_ELEM);
    }

    private boolean planLookup(int i, MapReferences maps, JitOptions options) {
        Instruction insn = program.insn(i);
        if (!insn.isHelperCall() || insn.imm32() != MAP_LOOKUP_ELEM || options.unwindHelper() == MAP_LOOKUP_ELEM) {
            return false;
        }
        long ref = maps.before(i, Register.R1);
        if (ref == MapReferences.NONE) {
            return false;
        }
        JitOptions.MapDescriptor d = options.maps().describe(MapReferences.kindOf(ref), MapReferences.keyOf(ref))
                .orElse(null);
        if (d == null || !InlineLookupEmitter.canInline(d)) {
            return false;
        }
        lookupMap[i] = ref;
        lookupDescriptor[i] = d;
        claim(i, Kind.INLINE_LOOKUP);
        return true;
    }

    // ---- jump tables ----

    private boolean planJumpTable(int root) {
        Instruction insn = program.insn(root);
        if (root == 0 || !isConditionalImm(insn) || isTarget(root) || !free(root)
                || program.subprogramOf[root - 1] != program.subprogramOf[root]) {
            return false;
        }
        Instruction mask = program.insn(root - 1);
        if (!mask.cls().isAlu() || mask.opcode().aluOp() != AluOp.AND || mask.opcode().isRegisterSource()
                || mask.dst() != insn.dst() || mask.imm32() < 0 || mask.imm32() >= MAX_TABLE) {
            return false;
        }
        Register r = insn.dst();
        int size = Integer.highestOneBit(mask.imm32()) * 2;
        if (size == 0) {
            return false;
        }
        if (treeCompares(root, r) < MIN_TREE_COMPARES) {
            return false;
        }
        int[] leaves = new int[size];
        java.util.BitSet compares = new java.util.BitSet();
        for (int v = 0; v < size; v++) {
            int leaf = walk(root, r, v & mask.imm32(), compares);
            // A leaf that is another table's dispatch would run it without that table's mask.
            if (leaf < 0 || kind[leaf] == Kind.JUMP_TABLE) {
                return false;
            }
            leaves[v] = leaf;
        }
        if (compares.cardinality() < MIN_TREE_COMPARES) {
            return false;
        }
        for (int leaf : leaves) {
            needsLabel[leaf] = true;
        }
        tables[root] = leaves;
        claim(root, Kind.JUMP_TABLE);
        return true;
    }

    /** The compares of {@code r} with constants reachable from {@code root} through compares and ja (at most 64). */
    private int treeCompares(int root, Register r) {
        java.util.BitSet seen = new java.util.BitSet();
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        work.add(root);
        int compares = 0;
        while (!work.isEmpty() && seen.cardinality() < 64) {
            int pc = work.poll();
            if (seen.get(pc)) {
                continue;
            }
            seen.set(pc);
            Instruction insn = program.insn(pc);
            if (insn.opcode().jumpOp() == JumpOp.JA && insn.isBranch()) {
                work.add(program.target(pc));
            } else if (isConditionalImm(insn) && insn.dst() == r) {
                compares++;
                work.add(program.target(pc));
                work.add(pc + 1);
            }
        }
        return compares;
    }

    private static boolean isConditionalImm(Instruction insn) {
        JumpOp op = insn.opcode().jumpOp();
        return op != null && op.isConditional() && !insn.opcode().isRegisterSource();
    }

    /**
     * Where the compare tree from {@code root} leads when {@code r} holds {@code value}: the first
     * instruction that is neither a compare of {@code r} with a constant nor a ja; -1 when the walk does
     * not end within the bound (a loop of jumps).
     */
    private int walk(int root, Register r, long value, java.util.BitSet compares) {
        int pc = root;
        for (int steps = 0; steps < 64; steps++) {
            Instruction insn = program.insn(pc);
            JumpOp op = insn.opcode().jumpOp();
            if (op == JumpOp.JA && insn.isBranch()) {
                pc = program.target(pc);
            } else if (isConditionalImm(insn) && insn.dst() == r) {
                compares.set(pc);
                pc = JumpModel.taken(op, insn.cls() == InstructionClass.JMP32, value, insn.imm32())
                        ? program.target(pc) : pc + 1;
            } else {
                return pc;
            }
        }
        return -1;
    }

    // ---- select ----

    private boolean planSelect(int i) {
        Instruction jump = program.insn(i);
        JumpOp op = jump.opcode().jumpOp();
        if (op == null || !op.isConditional() || !free(i)) {
            return false;
        }
        int join = program.target(i);
        int skipped = join - i - 1;
        if (skipped < 1 || skipped > MAX_SELECT) {
            return false;
        }
        Register d = program.insn(i + 1).dst();
        for (int j = i + 1; j < join; j++) {
            Instruction insn = program.insn(j);
            if (isTarget(j) || !free(j) || !PeepholeEmitter.selectable(insn) || insn.dst() != d) {
                return false;
            }
        }
        link[i] = join;
        claim(i, Kind.SELECT);
        for (int j = i + 1; j < join; j++) {
            claim(j, Kind.ABSORBED);
        }
        return true;
    }

    // ---- conditional jump over a jump ----

    private boolean planBranchOverJump(int i) {
        Instruction jump = program.insn(i);
        JumpOp op = jump.opcode().jumpOp();
        if (op == null || !op.isConditional() || !free(i) || !free(i + 1) || isTarget(i + 1)
                || program.target(i) != i + 2) {
            return false;
        }
        Instruction next = program.insn(i + 1);
        if (next.opcode().jumpOp() != JumpOp.JA || !next.isBranch()) {
            return false;
        }
        claim(i, Kind.BRANCH_OVER_JUMP);
        claim(i + 1, Kind.ABSORBED);
        return true;
    }

    // ---- address arithmetic ----

    /** {@code rX = rA} (64-bit register move) followed by {@code rX += rB|imm} (64-bit). */
    private boolean planAddress(int i, Liveness liveness) {
        if (!free(i) || !free(i + 1) || isTarget(i + 1)) {
            return false;
        }
        Instruction mov = program.insn(i);
        Instruction add = program.insn(i + 1);
        if (!isMov64(mov) || mov.dst() == mov.src() || add.cls() != InstructionClass.ALU64
                || add.opcode().aluOp() != AluOp.ADD || add.dst() != mov.dst()) {
            return false;
        }
        Register x = mov.dst();
        int touched = Liveness.bit(x) | Liveness.bit(mov.src())
                | (add.opcode().isRegisterSource() ? Liveness.bit(add.src()) : 0);
        for (int j = i + 2; j < Math.min(i + 2 + FOLD_WINDOW, program.insns.size()); j++) {
            Instruction insn = program.insn(j);
            if (isTarget(j) || !free(j)) {
                break;
            }
            if (accessesThrough(insn, x) && displacementFits(add, insn)
                    && (ProgramAnalysis.writtenRegister(insn) == x || !liveness.liveAfter(j, x))) {
                link[j] = i;
                claim(i, Kind.ABSORBED);
                claim(i + 1, Kind.ABSORBED);
                claim(j, Kind.FOLDED_ACCESS);
                return true;
            }
            boolean plain = insn.cls().isAlu() || insn.cls() == InstructionClass.LDX
                    || insn.cls() == InstructionClass.ST || insn.isLoadImm64()
                    || (insn.cls() == InstructionClass.STX && insn.opcode().mode() == Mode.MEM);
            if (!plain || ((Liveness.uses(insn) | Liveness.defines(insn)) & Liveness.bit(x)) != 0
                    || (Liveness.defines(insn) & touched) != 0) {
                break;
            }
        }
        claim(i, Kind.LEA);
        claim(i + 1, Kind.ABSORBED);
        return true;
    }

    private static boolean isMov64(Instruction insn) {
        return insn.cls() == InstructionClass.ALU64 && insn.opcode().aluOp() == AluOp.MOV
                && insn.opcode().isRegisterSource() && insn.offset() == 0;
    }

    /** A plain load or store whose address is {@code x + off} and which reads x only as that address. */
    private static boolean accessesThrough(Instruction insn, Register x) {
        InstructionClass cls = insn.cls();
        Mode mode = insn.opcode().mode();
        if (cls == InstructionClass.LDX && (mode == Mode.MEM || mode == Mode.MEMSX)) {
            return insn.src() == x;
        }
        if (cls == InstructionClass.ST && mode == Mode.MEM) {
            return insn.dst() == x;
        }
        if (cls == InstructionClass.STX && mode == Mode.MEM) {
            return insn.dst() == x && insn.src() != x;
        }
        return false;
    }

    /** For an immediate add, the immediate plus the access's offset must be one 32-bit displacement. */
    private static boolean displacementFits(Instruction add, Instruction access) {
        if (add.opcode().isRegisterSource()) {
            return true;
        }
        long disp = (long) add.imm32() + access.offset();
        return disp == (int) disp;
    }
}
