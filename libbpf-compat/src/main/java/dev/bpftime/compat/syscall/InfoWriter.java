package dev.bpftime.compat.syscall;

import dev.bpftime.compat.objects.BpfObject;

/** One object kind's part of BPF_OBJ_GET_INFO_BY_FD: the size of its info struct and how to fill it. */
public interface InfoWriter {

    /** sizeof(struct bpf_*_info) of the emulated ABI. */
    int infoSize();

    /**
     * Reads the caller's first {@code infoLen} bytes of info (inputs such as buffer pointers), fills
     * them and writes them back; returns the info_len to report.
     */
    int write(BpfObject object, long infoAddress, int infoLen, Caller caller) throws BpfException;
}
