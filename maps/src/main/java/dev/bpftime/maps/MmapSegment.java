package dev.bpftime.maps;

/**
 * One piece of what an app's mmap of a map fd becomes: map {@code length} bytes of the memfd from
 * {@code memfdOffset}, at {@code addressOffset} from the start of the app's mapping.
 */
public record MmapSegment(long addressOffset, int memfd, long memfdOffset, long length, boolean writable) {
}
