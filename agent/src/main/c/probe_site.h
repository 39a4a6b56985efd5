/*
 * A probe site: one probed instruction address, the programs attached there, and how it is patched.
 * Sites and their code are never freed (a thread may be anywhere in a trampoline at any time); only
 * program lists are replaced and freed after a grace period. The same address probed again reuses
 * its site when the code there is unchanged.
 */
#ifndef BPFTIME_PROBE_SITE_H
#define BPFTIME_PROBE_SITE_H

#include <stdint.h>

#include "bpftime_probe.h"
#include "x86_insn.h"

#define SITE_MAX_PATCH 16

struct probe_attachment {
	int id;
	uint32_t kind;
	struct bpftime_probe_prog prog;
	uint64_t cookie;
};

/* An immutable array of attachments, replaced as a whole (read-copy-update). */
struct prog_list {
	uint32_t n;
	uint16_t gpr_only;   /* every program is a JIT image with BPFTIME_PROBE_PROG_F_GPR_ONLY (or _NO_HELPERS) */
	uint16_t no_helpers; /* every program is a JIT image with BPFTIME_PROBE_PROG_F_NO_HELPERS */
	struct probe_attachment a[];
};

struct probe_site {
	uintptr_t addr;
	struct prog_list *entry;     /* read by hits with __atomic loads */
	struct prog_list *ret;
	uint64_t misses;
	/* The entry trampoline's hint: 1 when the entry programs are GPR-only (or none), so the hit
	 * may skip saving vector registers. probe_entry_hit_gpr checks the list it runs again. */
	uint8_t gpr_only;
	/* The entry trampoline's direct program: the site's one entry program when it is a JIT image
	 * with BPFTIME_PROBE_PROG_F_NO_HELPERS and the site has no return program, else NULL. Read
	 * inside the thread's read section, like the lists it is derived from. */
	bpftime_jit_fn direct;
	/* In the entry trampoline of a function's first instruction: where a function entered by a
	 * call returns to (uretprobe.h); 0 when there is none. */
	uintptr_t return_point;
	uintptr_t return_point_fast; /* the same for the uretprobe entry fast path (trampoline_fast.h) */
	/* The return trampolines' direct program: the site's one return program when it is a JIT
	 * image with BPFTIME_PROBE_PROG_F_NO_HELPERS, else NULL (trampoline_fast.h). */
	bpftime_jit_fn ret_direct;
	/* The byte in the entry trampoline's memory that sends hits to its uretprobe fast path: 1 while
	 * the site has return programs and no entry program; 0 when there is no such byte. */
	uintptr_t return_only_flag;

	uint8_t orig[SITE_MAX_PATCH]; /* the code at addr before any patch */
	uint8_t patch_len;            /* bytes the jump displaces (inline), 1 (int3) */
	uint8_t mode;                 /* enum bpftime_probe_mode while armed */
	uint8_t armed;
	uint8_t at_function_start;    /* override_return may skip the function */
	uint8_t emulate;              /* int3: the first instruction is a branch run by x86_emulate */
	uint8_t flags;                /* BPFTIME_PROBE_F_* it was planned with */
	struct x86_insn first;        /* the first instruction, decoded from orig */
	uintptr_t trampoline;         /* the entry trampoline, 0 when no jump fits (int3 only) */
	uintptr_t xol;                /* int3: the moved first instruction and a jump back */
	struct quiesce *upgrade;      /* armed with int3, the jump waits for threads to leave */
	char why_int3[64];
};

/* The site at addr, for the SIGTRAP handler: lock-free, async-signal-safe. */
struct probe_site *site_lookup(uintptr_t addr);
/* Publishes a site (replacing an older one at the same address). Engine lock held. */
int site_publish(struct probe_site *site);

/*
 * Patching. Engine lock held. Arming writes int3 at once (the site works from then on); a site with
 * a trampoline gets its jump when no thread can be inside the displaced bytes: at once when that is
 * already known, else by a later site_upgrade.
 */
int site_arm(struct probe_site *site);
/* 1 when the site has its jump now, 0 when it still waits, -errno. */
int site_upgrade(struct probe_site *site);
int site_disarm(struct probe_site *site);
/* Whether an armed site's patch is still in place (its library may have been unloaded since). */
int site_intact(const struct probe_site *site);

#endif
