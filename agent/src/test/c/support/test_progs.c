#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpftime_jit_image.h"
#include "jit_image.h"
#include "bpftime_map.h"
#include "bpftime_vm.h"
#include "test_progs.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX_DW(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_DW(d, s, o) INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, i) INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define LD_MAP(d, idx) INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, idx), INSN(0, 0, 0, 0, 0)
#define CALL(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define ATOMIC_ADD_DW(d, s, o) INSN(BPF_STX | BPF_ATOMIC | BPF_DW, d, s, o, BPF_ADD)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define MAP_COUNTS 0
#define MAP_RECORD 1
#define HELPER_CLOBBER 200
#define HELPER_TABLE_SIZE 256

/* counts[key] += 1: 9 instructions, 10 slots */
#define COUNT(key)                                                                                     \
	ST_W(BPF_REG_10, -4, key), MOV64_REG(BPF_REG_2, BPF_REG_10), ADD64_IMM(BPF_REG_2, -4),        \
		LD_MAP(BPF_REG_1, MAP_COUNTS), CALL(BPF_FUNC_map_lookup_elem), JEQ_IMM(BPF_REG_0, 0, 2), \
		MOV64_IMM(BPF_REG_1, 1), ATOMIC_ADD_DW(BPF_REG_0, BPF_REG_1, 0)

#define REC(slot, field) LDX_DW(BPF_REG_1, BPF_REG_6, (int16_t)offsetof(struct bpftime_pt_regs, field)), \
	STX_DW(BPF_REG_7, BPF_REG_1, 8 * (slot))

static const struct bpf_insn prog_count[] = { COUNT(COUNT_PLAIN), MOV64_IMM(BPF_REG_0, 0), EXIT() };
static const struct bpf_insn prog_count_alt[] = { COUNT(COUNT_ALT), MOV64_IMM(BPF_REG_0, 0), EXIT() };
static const struct bpf_insn prog_record[] = {
	MOV64_REG(BPF_REG_6, BPF_REG_1),
	ST_W(BPF_REG_10, -4, 0), MOV64_REG(BPF_REG_2, BPF_REG_10), ADD64_IMM(BPF_REG_2, -4),
	LD_MAP(BPF_REG_1, MAP_RECORD), CALL(BPF_FUNC_map_lookup_elem),
	JEQ_IMM(BPF_REG_0, 0, 1 + 2 * 16 + 2 + 3 + 3), /* to the count when the lookup failed */
	MOV64_REG(BPF_REG_7, BPF_REG_0),
	REC(REC_DI, di), REC(REC_SI, si), REC(REC_DX, dx), REC(REC_CX, cx), REC(REC_R8, r8), REC(REC_R9, r9),
	REC(REC_IP, ip), REC(REC_SP, sp), REC(REC_AX, ax), REC(REC_BX, bx), REC(REC_BP, bp), REC(REC_R12, r12),
	REC(REC_R13, r13), REC(REC_R14, r14), REC(REC_R15, r15), REC(REC_FLAGS, flags),
	LDX_DW(BPF_REG_1, BPF_REG_6, (int16_t)offsetof(struct bpftime_pt_regs, ax)),
	ATOMIC_ADD_DW(BPF_REG_7, BPF_REG_1, 8 * REC_SUM_AX),
	MOV64_REG(BPF_REG_1, BPF_REG_6), CALL(BPF_FUNC_get_attach_cookie), STX_DW(BPF_REG_7, BPF_REG_0, 8 * REC_COOKIE),
	MOV64_REG(BPF_REG_1, BPF_REG_6), CALL(BPF_FUNC_get_func_ip), STX_DW(BPF_REG_7, BPF_REG_0, 8 * REC_FUNC_IP),
	COUNT(COUNT_RECORD),
	MOV64_IMM(BPF_REG_0, 0), EXIT(),
};
static const struct bpf_insn prog_override[] = {
	MOV64_REG(BPF_REG_6, BPF_REG_1),
	COUNT(COUNT_OVERRIDE),
	MOV64_REG(BPF_REG_1, BPF_REG_6), MOV64_IMM(BPF_REG_2, 42), CALL(BPF_FUNC_override_return),
	MOV64_IMM(BPF_REG_0, 0), EXIT(),
};
static const struct bpf_insn prog_empty[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };
/* counts[COUNT_GPR] += 1 through the value's address (lddw BPF_PSEUDO_MAP_VALUE): no helper call */
static const struct bpf_insn prog_count_gpr[] = {
	INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_VALUE, 0, MAP_COUNTS), INSN(0, 0, 0, 0, 8 * COUNT_GPR),
	MOV64_IMM(BPF_REG_2, 1), ATOMIC_ADD_DW(BPF_REG_1, BPF_REG_2, 0), MOV64_IMM(BPF_REG_0, 0), EXIT(),
};
/* the registers of pt_regs into the record through the value's address, then counts[COUNT_RECORD] += 1 */
static const struct bpf_insn prog_record_direct[] = {
	MOV64_REG(BPF_REG_6, BPF_REG_1),
	INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_7, BPF_PSEUDO_MAP_VALUE, 0, MAP_RECORD), INSN(0, 0, 0, 0, 0),
	REC(REC_DI, di), REC(REC_SI, si), REC(REC_DX, dx), REC(REC_CX, cx), REC(REC_R8, r8), REC(REC_R9, r9),
	REC(REC_IP, ip), REC(REC_SP, sp), REC(REC_AX, ax), REC(REC_BX, bx), REC(REC_BP, bp), REC(REC_R12, r12),
	REC(REC_R13, r13), REC(REC_R14, r14), REC(REC_R15, r15), REC(REC_FLAGS, flags),
	INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_VALUE, 0, MAP_COUNTS), INSN(0, 0, 0, 0, 8 * COUNT_RECORD),
	MOV64_IMM(BPF_REG_2, 1), ATOMIC_ADD_DW(BPF_REG_1, BPF_REG_2, 0), MOV64_IMM(BPF_REG_0, 0), EXIT(),
};
static const struct bpf_insn prog_clobber[] = {
	CALL(HELPER_CLOBBER), COUNT(COUNT_CLOBBER), MOV64_IMM(BPF_REG_0, 0), EXIT(),
};

static const struct {
	const struct bpf_insn *insns;
	size_t n;
} programs[PROG_COUNT_ALL] = {
#define P(a) { a, sizeof(a) / sizeof(a[0]) }
	[PROG_COUNT] = P(prog_count), [PROG_COUNT_ALT] = P(prog_count_alt), [PROG_RECORD] = P(prog_record),
	[PROG_OVERRIDE] = P(prog_override), [PROG_EMPTY] = P(prog_empty), [PROG_CLOBBER] = P(prog_clobber),
	[PROG_COUNT_GPR] = P(prog_count_gpr), [PROG_RECORD_DIRECT] = P(prog_record_direct),
#undef P
};

const char *const prog_names[PROG_COUNT_ALL] = {
	[PROG_COUNT] = "count", [PROG_COUNT_ALT] = "count_alt", [PROG_RECORD] = "record",
	[PROG_OVERRIDE] = "override", [PROG_EMPTY] = "empty", [PROG_CLOBBER] = "clobber",
	[PROG_COUNT_GPR] = "count_gpr", [PROG_RECORD_DIRECT] = "record_direct",
};

static struct bpftime_map *maps[2];
static struct bpftime_probe_prog loaded[PROG_COUNT_ALL]; /* the engine progs_get gives */
static struct bpftime_probe_prog on_vm[PROG_COUNT_ALL], on_jit[PROG_COUNT_ALL];
static const void *helper_table[HELPER_TABLE_SIZE];

static uint64_t helper_lookup(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return (uintptr_t)bpftime_map_lookup_elem((struct bpftime_map *)(uintptr_t)map, (const void *)(uintptr_t)key);
}

static uint64_t helper_unknown(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return (uint64_t)-ENOSYS;
}

/* Destroys every vector register a probed function might keep live, as library code using AVX or
 * AVX-512 would, and errno: the trampolines and the engine must have saved what matters. */
__attribute__((target("avx512f"))) static void clobber_avx512(void)
{
	__asm__ volatile("vpternlogd $0xff, %%zmm16, %%zmm16, %%zmm16\n\t"
			 "vpternlogd $0xff, %%zmm20, %%zmm20, %%zmm20\n\t"
			 "vpternlogd $0xff, %%zmm31, %%zmm31, %%zmm31\n\t"
			 "kxorw %%k0, %%k0, %%k1\n\t"
			 "kxorw %%k0, %%k0, %%k3\n\t"
			 ::: "xmm16", "xmm20", "xmm31", "k1", "k3");
}

static int has_avx, has_avx512;

static uint64_t helper_clobber(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	errno = EBADF; /* as a helper whose system call failed */
	if (has_avx512)
		clobber_avx512();
	if (has_avx)
		__asm__ volatile("vzeroall" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
				 "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	else
		__asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8"
				 ::: "xmm0", "xmm1", "xmm7", "xmm8");
	return 0;
}

static void detect_cpu(void)
{
	__builtin_cpu_init();
	has_avx = __builtin_cpu_supports("avx");
	has_avx512 = __builtin_cpu_supports("avx512f");
}

int progs_cpu_avx512(void)
{
	return has_avx512;
}

static void fill_helpers(void)
{
	for (int i = 0; i < HELPER_TABLE_SIZE; i++)
		helper_table[i] = (const void *)helper_unknown;
	helper_table[BPF_FUNC_map_lookup_elem] = (const void *)helper_lookup;
	helper_table[BPF_FUNC_override_return] = (const void *)bpftime_helper_override_return;
	helper_table[BPF_FUNC_get_func_ip] = (const void *)bpftime_helper_get_func_ip;
	helper_table[BPF_FUNC_get_attach_cookie] = (const void *)bpftime_helper_get_attach_cookie;
	helper_table[HELPER_CLOBBER] = (const void *)helper_clobber;
}

static int load_vm(enum prog_id id)
{
	size_t n = programs[id].n;
	struct bpf_insn *code = malloc(n * sizeof(*code));
	memcpy(code, programs[id].insns, n * sizeof(*code));
	/* What a loader does for the interpreter: lddw of a map reference becomes the map's address. */
	for (size_t i = 0; i + 1 < n; i++) {
		if (code[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    (code[i].src_reg == BPF_PSEUDO_MAP_FD || code[i].src_reg == BPF_PSEUDO_MAP_VALUE)) {
			uint32_t zero = 0;
			uint64_t addr = code[i].src_reg == BPF_PSEUDO_MAP_FD
						? (uintptr_t)maps[code[i].imm]
						: (uintptr_t)bpftime_map_lookup_elem(maps[code[i].imm], &zero) + code[i + 1].imm;
			code[i].src_reg = 0;
			code[i].imm = (int32_t)(uint32_t)addr;
			code[i + 1].imm = (int32_t)(uint32_t)(addr >> 32);
			i++;
		}
	}
	struct bpftime_vm *vm = bpftime_vm_create();
	char err[256] = "";
	for (int h = 0; h < HELPER_TABLE_SIZE; h++)
		if (helper_table[h] != (const void *)helper_unknown)
			bpftime_vm_register_helper(vm, h, (bpftime_helper_fn)helper_table[h]);
	int r = bpftime_vm_load(vm, code, n * sizeof(*code), err, sizeof(err));
	free(code);
	if (r) {
		fprintf(stderr, "load %s: %s\n", prog_names[id], err);
		return r;
	}
	on_vm[id].vm = vm;
	return 0;
}

static int resolve_map(void *arg, uint32_t kind, int32_t key, uint64_t *address)
{
	uint32_t zero = 0;
	if ((kind != BPFTIME_JIT_RELOC_MAP_FD && kind != BPFTIME_JIT_RELOC_MAP_VALUE) || key < 0 || key > 1)
		return -ENOENT;
	*address = kind == BPFTIME_JIT_RELOC_MAP_FD ? (uintptr_t)maps[key]
						    : (uintptr_t)bpftime_map_lookup_elem(maps[key], &zero);
	return 0;
}

/* The image ProbeEngineTest wrote for the program (dev.bpftime.jit.JitImageFile), read and linked by
 * the one reader of that format, benchmarks/src/main/c/jit_image.c. */
static int load_jit(enum prog_id id, const char *dir)
{
	char path[4096], why[512] = "";
	struct bpftime_jit_image *img;
	snprintf(path, sizeof(path), "%s/%s.jit", dir, prog_names[id]);
	int r = jit_image_file_load(path, helper_table, HELPER_TABLE_SIZE, resolve_map, NULL, &img, why, sizeof(why));
	if (r) {
		fprintf(stderr, "%s\n", why);
		return r;
	}
	on_jit[id].jit = bpftime_jit_image_entry(img);
	if (id == PROG_COUNT_GPR || id == PROG_RECORD_DIRECT || id == PROG_EMPTY)
		on_jit[id].flags = BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS;
	return 0;
}

static int make_maps(void)
{
	detect_cpu();
	fill_helpers();
	int r = bpftime_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, COUNT_KEYS, 0, -1, 1, 0, "counts", &maps[MAP_COUNTS]);
	if (!r)
		r = bpftime_map_create(BPF_MAP_TYPE_ARRAY, 4, 8 * REC_SLOTS, 1, 0, -1, 2, 0, "record", &maps[MAP_RECORD]);
	if (r)
		fprintf(stderr, "map create: %d\n", r);
	return r;
}

int progs_init(const char *engine, const char *dir)
{
	int r = make_maps();
	if (r)
		return r;
	int jit = strcmp(engine, "jit") == 0;
	if (!jit && strcmp(engine, "interp")) {
		fprintf(stderr, "engine: actual %s vs expected interp or jit\n", engine);
		return -EINVAL;
	}
	for (int i = 0; i < PROG_COUNT_ALL; i++)
		if ((r = jit ? load_jit(i, dir) : load_vm(i)))
			return r;
	memcpy(loaded, jit ? on_jit : on_vm, sizeof(loaded));
	return 0;
}

int progs_init_both(const char *dir)
{
	int r = make_maps();
	for (int i = 0; i < PROG_COUNT_ALL && !r; i++)
		r = load_vm(i);
	for (int i = 0; i < PROG_COUNT_ALL && !r && dir; i++)
		r = load_jit(i, dir);
	return r;
}

struct bpftime_probe_prog progs_get_on(enum prog_id id, int jit)
{
	return jit ? on_jit[id] : on_vm[id];
}

int progs_dump(const char *dir)
{
	for (int i = 0; i < PROG_COUNT_ALL; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.bpf", dir, prog_names[i]);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(programs[i].insns, sizeof(struct bpf_insn), programs[i].n, f) != programs[i].n) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return -1;
		}
		fclose(f);
	}
	return 0;
}

struct bpftime_probe_prog progs_get(enum prog_id id)
{
	return loaded[id];
}

uint64_t progs_count(enum count_key key)
{
	uint32_t k = key;
	uint64_t v = 0;
	bpftime_map_sys_lookup(maps[MAP_COUNTS], &k, &v, 0);
	return v;
}

const uint64_t *progs_record(void)
{
	uint32_t k = 0;
	return bpftime_map_lookup_elem(maps[MAP_RECORD], &k);
}

void progs_reset(void)
{
	uint64_t zero[REC_SLOTS] = { 0 };
	for (uint32_t k = 0; k < COUNT_KEYS; k++)
		bpftime_map_sys_update(maps[MAP_COUNTS], &k, zero, 0);
	uint32_t k = 0;
	bpftime_map_sys_update(maps[MAP_RECORD], &k, zero, 0);
}
