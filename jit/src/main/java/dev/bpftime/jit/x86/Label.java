package dev.bpftime.jit.x86;

/** A position in a {@link CodeBuffer}, bound once; branches may refer to it before it is bound. */
public final class Label {
    private int position = -1;

    public boolean isBound() {
        return position >= 0;
    }

    /** The bound offset in the buffer. */
    public int position() {
        if (position < 0) {
            throw new IllegalStateException("label is not bound");
        }
        return position;
    }

    void bind(int at) {
        if (position >= 0) {
            throw new IllegalStateException("label bound twice: at " + position + " and " + at);
        }
        position = at;
    }
}
