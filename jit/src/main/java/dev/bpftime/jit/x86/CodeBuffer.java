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
 * the short form when it fits. A forward branch takes the short form unless an earlier pass found that it
 * does not fit: the caller emits the whole program, calls {@link #resolve}, and when that reports branches
 * that overflowed, emits it again into a fresh buffer built with those branches marked long. Marks only
 * grow, so the passes end, usually after one or two.
 */
public final class CodeBuffer {

    private record Fixup(int at, int width, Label target, int branchId) {
    }

    private byte[] bytes = new byte[256];
    private int size;
    private final BitSet longBranches;
    private int nextBranchId;
    private final List<Fixup> fixups = new ArrayList<>();

    /** A buffer whose forward branches numbered in {@code longBranches} take the long form. */
    public CodeBuffer(BitSet longBranches) {
        this.longBranches = (BitSet) longBranches.clone();
    }

    public CodeBuffer() {
        this(new BitSet());
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
        if (target.isBound()) {
            return fitsByte(target.position() - (size + shortLength));
        }
        return !longBranches.get(id);
    }

    /** Records that the {@code width} bytes ending at the current position hold the displacement to {@code target}. */
    void displacementTo(Label target, int width) {
        int at = size - width;
        int branchId = nextBranchId - 1;
        if (target.isBound()) {
            patch(at, width, target.position() - size);
        } else {
            fixups.add(new Fixup(at, width, target, branchId));
        }
    }

    /**
     * Patches every pending displacement. Returns false when a short branch cannot reach its target: then
     * the code must be emitted again into a buffer built with {@link #longBranches()}. Throws when a label
     * was never bound.
     */
    public boolean resolve() {
        boolean complete = true;
        for (Fixup f : fixups) {
            if (!f.target.isBound()) {
                throw new IllegalStateException("branch at code offset " + f.at + " to a label never bound");
            }
            int distance = f.target.position() - (f.at + f.width);
            if (f.width == 1 && !fitsByte(distance)) {
                longBranches.set(f.branchId);
                complete = false;
            } else {
                patch(f.at, f.width, distance);
            }
        }
        fixups.clear();
        return complete;
    }

    /** The branches that take the long form, including those {@link #resolve} found overflowing. */
    public BitSet longBranches() {
        return (BitSet) longBranches.clone();
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
