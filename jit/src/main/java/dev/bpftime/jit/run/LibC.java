package dev.bpftime.jit.run;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The libc calls that map code: mmap(2), mprotect(2), munmap(2). Constants from Linux's mman headers. */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int PROT_EXEC = 0x4;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

    int mprotect(Pointer addr, long length, int prot) throws LastErrorException;

    int munmap(Pointer addr, long length) throws LastErrorException;
}
