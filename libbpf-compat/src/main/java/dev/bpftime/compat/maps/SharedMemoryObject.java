package dev.bpftime.compat.maps;

import dev.bpftime.maps.BpfMap;

/**
 * An object whose memory an app maps and waits on: a map (array, ring buffer) or, with the perf
 * commands, a perf event's buffer (MapType.PERF_BUFFER). mmap, munmap and the buffer descriptors of
 * {@link MapMemory} serve any of them.
 */
public interface SharedMemoryObject {

    /** The maps module's object, read-write: a descriptor's own access comes from its FileView. */
    BpfMap sharedMemory();
}
