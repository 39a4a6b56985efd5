package dev.bpftime.jit.x86;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Machine code under construction: a growable byte array, labels and the branch displacements that
 * wait for them.
 *
 * <p>Branches have a short (rel8) and a long (rel32) form. A backward branch knows its distance and takes
 * the short form when it fits. A forward branch does not know it yet, so the code is emitted in passes, as
 * the kernel's JIT does: the first pass makes every forward branch long; each later pass makes a forward
 * branch short when its distance in the pass before fits in a rel8. Code only shrinks from one pass to the
 * next, so an earlier distance bounds the later one and every pass's code is correct; the caller stops
 * when a pass takes the same forms as the one before ({@link #shortBranches}).
 */
public final class CodeBuffer {

    /** A displacement to patch: {@code target} minus the end of the field, or minus {@code base} when set. */
    private record Fixup(int at, int width, Label target, int branchId, Label base) {
    }

    private byte[] bytes = new byte[256];
    private int size;
    /** Each branch's distance in the previous pass, by branch number; null in the first pass. */
    private final int[] previousDistances;
    private int[] distances = new int[64];
    private final BitSet shortBranches = new BitSet();
    private int nextBranchId;
    private boolean longForwardBranch;
    private boolean overflowed;
    private BitSet forcedLong = new BitSet();
    private final List<Fixup> fixups = new ArrayList<>();

    /** The first pass: every forward branch long. */
    public CodeBuffer() {
        this(null, new BitSet());
    }

    /** A later pass, given {@link #branchDistances} of the one before. */
    public CodeBuffer(int[] previousDistances) {
        this(previousDistances, new BitSet());
    }

    /**
     * A later pass, given {@link #branchDistances} of the one before and the branches that must stay long
     * ({@link #forcedLong}): a branch whose short form could not reach once keeps the long form, so that
     * passes cannot alternate between a form that overflows and one that does not.
     */
    public CodeBuffer(int[] previousDistances, BitSet forcedLong) {
        this.previousDistances = previousDistances;
        this.forcedLong = (BitSet) forcedLong.clone();
    }

    public int position() {
        return size;
    }

    public void bind(Label label) {
        label.bind(size);
    }

    public void emit8(int b) {
        if (size == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[size++] = (byte) b;
    }

    public void emit16(int v) {
        emit8(v);
        emit8(v >> 8);
    }

    public void emit32(int v) {
        emit16(v);
        emit16(v >> 16);
    }

    public void emit64(long v) {
        emit32((int) v);
        emit32((int) (v >> 32));
    }

    /**
     * Decides the form of the next branch, whose short encoding is {@code shortLength} bytes long
     * including its rel8, and numbers it.
     */
    boolean nextBranchIsShort(Label target, int shortLength) {
        int id = nextBranchId++;
        boolean isShort;
        if (target.isBound()) {
            isShort = fitsByte(target.position() - (size + shortLength));
        } else {
            isShort = previousDistances != null && id < previousDistances.length && fitsByte(previousDistances[id])
                    && !forcedLong.get(id);
        }
        if (isShort) {
            shortBranches.set(id);
        } else if (!target.isBound()) {
            longForwardBranch = true;
        }
        return isShort;
    }

    /** Records that the rel8 or rel32 just emitted is the displacement of the branch numbered last. */
    void branchDisplacement(Label target, int width) {
        displacement(target, width, nextBranchId - 1);
    }

    /** Records that the rel32 just emitted is the displacement of a call, whose form never changes. */
    void callDisplacement(Label target) {
        displacement(target, 4, -1);
    }

    private void displacement(Label target, int width, int branchId) {
        int at = size - width;
        if (target.isBound()) {
            int distance = target.position() - size;
            patch(at, width, distance);
            recordDistance(branchId, distance);
        } else {
            fixups.add(new Fixup(at, width, target, branchId, null));
        }
    }

    /**
     * Emits 4 bytes holding {@code target - base}: a jump table entry, position-independent because both
     * labels are in this code. Patched by {@link #resolve}.
     */
    public void labelDelta(Label target, Label base) {
        fixups.add(new Fixup(size, 4, target, -1, base));
        emit32(0);
    }

    private void recordDistance(int branchId, int distance) {
        if (branchId < 0) {
            return;
        }
        if (branchId >= distances.length) {
            distances = Arrays.copyOf(distances, Math.max(branchId + 1, distances.length * 2));
        }
        distances[branchId] = distance;
    }

    /**
     * Patches every pending displacement; throws when a label was never bound. A short branch that cannot
     * reach marks the pass {@link #overflowed}: alignment padding can make a later pass's distance longer
     * than the one before, so such a pass is discarded and the next takes the long form.
     */
    public void resolve() {
        for (Fixup f : fixups) {
            if (!f.target.isBound()) {
                throw new IllegalStateException("branch at code offset " + f.at + " to a label never bound");
            }
            int distance = f.target.position() - (f.base != null ? f.base.position() : f.at + f.width);
            if (f.width == 1 && !fitsByte(distance)) {
                overflowed = true;
                forcedLong.set(f.branchId);
            } else {
                patch(f.at, f.width, distance);
            }
            recordDistance(f.branchId, distance);
        }
        fixups.clear();
    }

    /** The distance of every branch of this pass, by number, for the next pass. */
    public int[] branchDistances() {
        return Arrays.copyOf(distances, nextBranchId);
    }

    /** The branches that took or must take the long form after a short one overflowed, for the next pass. */
    public BitSet forcedLong() {
        return (BitSet) forcedLong.clone();
    }

    /** True when a short branch could not reach its target: this pass's code is unusable. */
    public boolean overflowed() {
        return overflowed;
    }

    /**
     * The length the next branch to {@code target} would take, without numbering it: {@code shortLength}
     * or {@code longLength} by the same rule as the branch itself.
     */
    public int peekBranchLength(Label target, int shortLength, int longLength) {
        int id = nextBranchId;
        boolean isShort = target.isBound() ? fitsByte(target.position() - (size + shortLength))
                : previousDistances != null && id < previousDistances.length && fitsByte(previousDistances[id])
                        && !forcedLong.get(id);
        return isShort ? shortLength : longLength;
    }

    /** True when a forward branch took the long form: a later pass might shorten it. */
    public boolean hasLongForwardBranch() {
        return longForwardBranch;
    }

    /** The numbers of the branches that took the short form. */
    public BitSet shortBranches() {
        return (BitSet) shortBranches.clone();
    }

    /**
     * Inserts bytes at {@code at}, moving what follows. Only for code that holds no fixup and no bound
     * label past {@code at} (the caller just emitted it, such as a compare); a label bound at {@code at}
     * then names the inserted bytes.
     */
    public void insert(int at, byte[] inserted) {
        for (Fixup f : fixups) {
            if (f.at >= at) {
                throw new IllegalStateException("insert at " + at + " would move the fixup at " + f.at);
            }
        }
        int moved = size - at;
        for (byte b : inserted) {
            emit8(b);
        }
        System.arraycopy(bytes, at, bytes, at + inserted.length, moved);
        System.arraycopy(inserted, 0, bytes, at, inserted.length);
    }

    /** Overwrites {@code width} (1, 4 or 8) little-endian bytes at {@code at}. */
    public void patch(int at, int width, long value) {
        for (int i = 0; i < width; i++) {
            bytes[at + i] = (byte) (value >> (8 * i));
        }
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    static boolean fitsByte(long v) {
        return v == (byte) v;
    }
}
