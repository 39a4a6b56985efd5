package dev.bpftime.compat.prog;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.InfoWriter;

/** The program kind's answer to BPF_OBJ_GET_INFO_BY_FD. */
public final class ProgInfoWriter implements InfoWriter {

    @Override
    public int infoSize() {
        return ProgInfo.SIZE;
    }

    @Override
    public int write(BpfObject object, long infoAddress, int infoLen, Caller caller) throws BpfException {
        return ProgInfo.write((BpfProgram) object, infoAddress, infoLen, caller);
    }
}
