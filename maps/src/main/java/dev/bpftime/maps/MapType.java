package dev.bpftime.maps;

import java.util.Arrays;
import java.util.Optional;

/** The map types this runtime implements, with their numbers in enum bpf_map_type. */
public enum MapType {
    HASH(1),
    ARRAY(2),
    PROG_ARRAY(3),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    /** Stacks of bpf_get_stackid by id (stack_trace_map_ops, kernel/bpf/stackmap.c). */
    STACK_TRACE(7),
    /** Slots of cgroup directories (cgroup_array_map_ops, kernel/bpf/arraymap.c) for bpf_current_task_under_cgroup. */
    CGROUP_ARRAY(8),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    /** Slots of inner maps (array_of_maps_map_ops, kernel/bpf/arraymap.c); the slot holds the inner map's id. */
    ARRAY_OF_MAPS(12),
    /** A HASH of inner maps (htab_of_maps_map_ops, kernel/bpf/hashtab.c); the value is the inner map's id. */
    HASH_OF_MAPS(13),
    RINGBUF(27),
    /** Not a BPF map: the per-CPU buffer behind a perf event fd, kept in shared memory the same way. */
    PERF_BUFFER(0x10001);

    private final int id;

    MapType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static Optional<MapType> of(int id) {
        return Arrays.stream(values()).filter(t -> t.id == id).findFirst();
    }

    public boolean isHash() {
        return this == HASH || this == PERCPU_HASH || this == LRU_HASH || this == LRU_PERCPU_HASH
                || this == HASH_OF_MAPS;
    }

    /** A map whose values are other maps (bpf_map_type__is_map_in_map in libbpf). */
    public boolean isMapOfMaps() {
        return this == ARRAY_OF_MAPS || this == HASH_OF_MAPS;
    }

    public boolean isArray() {
        return this == ARRAY || this == PERCPU_ARRAY;
    }

    public boolean isFdArray() {
        return this == PROG_ARRAY || this == PERF_EVENT_ARRAY || this == CGROUP_ARRAY;
    }

    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == LRU_PERCPU_HASH || this == PERCPU_ARRAY;
    }

    public boolean isLru() {
        return this == LRU_HASH || this == LRU_PERCPU_HASH;
    }
}
