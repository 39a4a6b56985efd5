/* Messages for the statuses of execution, in the project's "at instruction N: ..." form. */
#include <inttypes.h>
#include <stdio.h>

#include "vm_internal.h"

int bpftime_vm_fault_message(const struct bpftime_vm_fault *fault, char *buf, size_t len)
{
    char where[64] = "";
    if (fault->tail_calls > 0) {
        snprintf(where, sizeof(where), " of the program reached by tail call %" PRIu32, fault->tail_calls);
    }
    switch (fault->status) {
    case BPFTIME_VM_OK:
        return snprintf(buf, len, "no fault");
    case BPFTIME_VM_E_NOT_LOADED:
        return snprintf(buf, len, "no program loaded");
    case BPFTIME_VM_E_LOAD_OUT_OF_BOUNDS:
    case BPFTIME_VM_E_STORE_OUT_OF_BOUNDS:
        return snprintf(buf, len,
                        "at instruction %" PRIu32 "%s: %" PRIu32 "-byte %s at 0x%" PRIx64
                        " out of bounds: actual address outside vs expected inside the stack frames, the context "
                        "or a registered region",
                        fault->pc, where, fault->size,
                        fault->status == BPFTIME_VM_E_LOAD_OUT_OF_BOUNDS ? "load" : "store", fault->addr);
    case BPFTIME_VM_E_CALL_DEPTH:
        return snprintf(buf, len, "at instruction %" PRIu32 "%s: call stack too deep: actual %d frames vs expected "
                        "at most %d", fault->pc, where, BPFTIME_VM_MAX_FRAMES + 1, BPFTIME_VM_MAX_FRAMES);
    case BPFTIME_VM_E_UNKNOWN_HELPER:
        return snprintf(buf, len, "at instruction %" PRIu32 "%s: call of unknown helper: actual id %" PRIu64
                        " vs expected a registered helper", fault->pc, where, fault->addr);
    case BPFTIME_VM_E_INSTRUCTION_LIMIT:
        return snprintf(buf, len, "at instruction %" PRIu32 "%s: instruction limit reached", fault->pc, where);
    case BPFTIME_VM_E_INVALID_INSTRUCTION:
        return snprintf(buf, len, "at instruction %" PRIu32 "%s: invalid instruction", fault->pc, where);
    default:
        return snprintf(buf, len, "unknown status %" PRId32, fault->status);
    }
}
