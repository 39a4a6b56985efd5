/*
 * The eBPF programs the probe tests attach, written as instructions, their maps (from the maps
 * module), their helper table, and the two engines: the interpreter (libbpftime-vm) and JIT images
 * that the Java side compiled with dev.bpftime.jit.JitCompiler from the same instructions
 * (ProbeEngineTest writes them; `probe_test dump DIR` gives it the instructions).
 */
#ifndef TEST_PROGS_H
#define TEST_PROGS_H

#include <stdint.h>

#include "bpftime_probe.h"

/* Keys of the counts map: each program counts its runs in its own slot. */
enum count_key { COUNT_RECORD = 0, COUNT_PLAIN = 1, COUNT_OVERRIDE = 2, COUNT_CLOBBER = 3, COUNT_ALT = 4,
		 COUNT_GPR = 5, COUNT_KEYS = 16 };

/* Slots of the record map's value: what the "record" program saw. */
enum record_slot { REC_DI, REC_SI, REC_DX, REC_CX, REC_R8, REC_R9, REC_IP, REC_SP, REC_AX, REC_BX, REC_BP,
		   REC_R12, REC_R13, REC_R14, REC_R15, REC_FLAGS, REC_COOKIE, REC_FUNC_IP, REC_SUM_AX, REC_SLOTS };

/* PROG_COUNT_GPR counts with an atomic add on the value's address, calling no helper; PROG_RECORD_DIRECT
 * records the registers of pt_regs and counts (COUNT_RECORD) the same way; PROG_EMPTY returns 0. As JIT
 * images they are given BPFTIME_PROBE_PROG_F_GPR_ONLY and _NO_HELPERS, as the agent gives programs that
 * call nothing: the engine's fast path without vector saves, and the trampoline's direct call. */
enum prog_id { PROG_COUNT, PROG_COUNT_ALT, PROG_RECORD, PROG_OVERRIDE, PROG_EMPTY, PROG_CLOBBER, PROG_COUNT_GPR,
	       PROG_RECORD_DIRECT, PROG_COUNT_ALL };

extern const char *const prog_names[PROG_COUNT_ALL];

/* Sets up maps and programs for the engine "interp" or "jit" (images read from dir). 0 or -errno. */
int progs_init(const char *engine, const char *dir);
/* Writes each program's instructions to dir/<name>.bpf. */
int progs_dump(const char *dir);

struct bpftime_probe_prog progs_get(enum prog_id id);

/* Both engines at once (the benchmark): interpreter always, JIT images when dir is not NULL. */
int progs_init_both(const char *dir);
struct bpftime_probe_prog progs_get_on(enum prog_id id, int jit);

uint64_t progs_count(enum count_key key);
int progs_cpu_avx512(void);
void progs_reset(void);
const uint64_t *progs_record(void);

#endif
