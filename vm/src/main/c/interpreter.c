/*
 * The interpreter, built twice from one loop: without checks for verified programs, and with
 * bounds checks and an instruction budget for conformance and fuzz tests.
 */
#include <string.h>

#include "arith.h"
#include "bounds.h"
#include "vm_internal.h"

/* What a bpf-to-bpf call saves for its exit. */
struct call_frame {
    const struct bpf_insn *ret;    /* the instruction after the call */
    const struct bpftime_vm *prog; /* the program to return into (a tail call may switch programs) */
    uint64_t saved[4];             /* r6..r9 of the caller */
};

#define RUN_NAME bpftime_vm_run_fast
#define CHECKED 0
#include "interpreter_loop.inc"
#undef RUN_NAME
#undef CHECKED

#define RUN_NAME bpftime_vm_run_checked
#define CHECKED 1
#include "interpreter_loop.inc"
#undef RUN_NAME
#undef CHECKED
