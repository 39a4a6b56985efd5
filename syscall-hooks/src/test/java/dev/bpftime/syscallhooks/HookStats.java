package dev.bpftime.syscallhooks;

/** struct bpftime_syscall_hooks_stats as the recorder logs it. */
record HookStats(long objectsScanned, long sitesFound, long jmp8, long displaced, long left, long traps) {

    static HookStats of(RecorderLog.Event e) {
        long[] v = e.values();
        return new HookStats(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    long rewritten() {
        return jmp8 + displaced;
    }
}
