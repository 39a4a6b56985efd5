/*
 * The GPR-safe helpers (bpftime_helper_gpr_safe) really leave the vector state and errno alone: each
 * is called through the helper table from an assembly stub that first fills zmm0-31 and the opmasks
 * k1-7 (ymm0-15 or xmm0-15 on smaller CPUs), MXCSR and the x87 control word with a pattern, then
 * compares them after the call, and errno with a mark. The calls take each helper's paths: map hits,
 * misses, replacements, full maps and LRU eviction, a map of maps; reads that fault; perf and ring
 * buffer output until full, with wake-ups; a contended bpf_spin_lock; the hit-bound helpers with and
 * without a hit.
 *
 * Every helper marked GPR-safe must be in the exercise list below and called, so a new mark without
 * a test fails here. A self-check first makes sure the stub does see a clobber (glibc's memset, a
 * function writing errno).
 *
 * Usage: gpr_helpers_test. Prints one line per exercise; exit 0 when everything held.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpftime_helpers.h"
#include "bpftime_map.h"

struct vstate {
	uint8_t v[32][64]; /* zmm0-31; ymm0-15 or xmm0-15 in the low bytes of the first 16 */
	uint16_t k[8];     /* AVX-512 opmasks (k0 is not written) */
	uint32_t mxcsr;
	uint16_t fpu_cw;
	uint16_t pad;
};

enum vector_level { LEVEL_SSE, LEVEL_AVX, LEVEL_AVX512 };

/* uint64_t gpr_call_checked(fn, const uint64_t args[5], const struct vstate *pattern,
 *                           struct vstate *after, long level): fn(args...) between the two. */
uint64_t gpr_call_checked(void *fn, const uint64_t *args, const struct vstate *pattern, struct vstate *after,
			  long level);

/* rbx fn, r12 args, r13 pattern, r14 after, r15 level; the caller's MXCSR and x87 control word are
 * kept at (%rsp) and restored, so the C code around runs as usual. glibc picks EVEX string functions
 * on AVX-512 machines, which use zmm16-31 and the opmasks: those are checked there too. */
__asm__(".text\n"
	".globl gpr_call_checked\n"
	".type gpr_call_checked, @function\n"
	"gpr_call_checked:\n"
	"push %rbp\n mov %rsp, %rbp\n push %rbx\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"sub $8, %rsp\n"
	"mov %rdi, %rbx\n mov %rsi, %r12\n mov %rdx, %r13\n mov %rcx, %r14\n mov %r8, %r15\n"
	"stmxcsr (%rsp)\n fnstcw 4(%rsp)\n"
	"cmp $2, %r15\n jne 1f\n"
	".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"vmovdqu64 (\\i*64)(%r13), %zmm\\i\n .endr\n"
	".irp i,1,2,3,4,5,6,7\n kmovw (2048+\\i*2)(%r13), %k\\i\n .endr\n"
	"jmp 3f\n"
	"1: cmp $1, %r15\n jne 2f\n"
	".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n vmovdqu (\\i*64)(%r13), %ymm\\i\n .endr\n"
	"jmp 3f\n"
	"2:\n .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n movdqu (\\i*64)(%r13), %xmm\\i\n .endr\n"
	"3: ldmxcsr 2064(%r13)\n fldcw 2068(%r13)\n"
	"mov 0(%r12), %rdi\n mov 8(%r12), %rsi\n mov 16(%r12), %rdx\n mov 24(%r12), %rcx\n mov 32(%r12), %r8\n"
	"call *%rbx\n"
	"cmp $2, %r15\n jne 4f\n"
	".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"vmovdqu64 %zmm\\i, (\\i*64)(%r14)\n .endr\n"
	".irp i,1,2,3,4,5,6,7\n kmovw %k\\i, (2048+\\i*2)(%r14)\n .endr\n"
	"jmp 6f\n"
	"4: cmp $1, %r15\n jne 5f\n"
	".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n vmovdqu %ymm\\i, (\\i*64)(%r14)\n .endr\n"
	"jmp 6f\n"
	"5:\n .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n movdqu %xmm\\i, (\\i*64)(%r14)\n .endr\n"
	"6: stmxcsr 2064(%r14)\n fnstcw 2068(%r14)\n"
	"ldmxcsr (%rsp)\n fldcw 4(%rsp)\n"
	"test %r15, %r15\n jz 7f\n vzeroupper\n"
	"7: add $8, %rsp\n pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbx\n pop %rbp\n ret\n"
	".size gpr_call_checked, . - gpr_call_checked\n");

_Static_assert(offsetof(struct vstate, k) == 2048 && offsetof(struct vstate, mxcsr) == 2064 &&
		       offsetof(struct vstate, fpu_cw) == 2068,
	       "the stub's offsets");

#define ERRNO_MARK 7919

static struct vstate pattern;
static long level;
static void *const *table;
static unsigned calls[BPFTIME_HELPER_TABLE_SIZE];
static int failures;

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* What the call changed of the pattern, or NULL. */
static const char *changed(const struct vstate *after)
{
	static char what[64];
	static const char *const names[] = { "xmm", "ymm", "zmm" };
	size_t width = level == LEVEL_AVX512 ? 64 : level == LEVEL_AVX ? 32 : 16;
	int regs = level == LEVEL_AVX512 ? 32 : 16;
	for (int r = 0; r < regs; r++)
		if (memcmp(after->v[r], pattern.v[r], width)) {
			snprintf(what, sizeof(what), "%s%d", names[level], r);
			return what;
		}
	for (int k = 1; k < 8 && level == LEVEL_AVX512; k++)
		if (after->k[k] != pattern.k[k]) {
			snprintf(what, sizeof(what), "k%d", k);
			return what;
		}
	if (after->mxcsr != pattern.mxcsr)
		return "mxcsr";
	if (after->fpu_cw != pattern.fpu_cw)
		return "the x87 control word";
	return NULL;
}

/* fn(r1..r5) in the filled state: its result, and whether it kept the state and errno. */
static uint64_t checked(void *fn, const char *name, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			uint64_t r5, int *kept)
{
	uint64_t args[5] = { r1, r2, r3, r4, r5 };
	struct vstate after;
	memset(&after, 0, sizeof(after));
	errno = ERRNO_MARK;
	uint64_t r0 = gpr_call_checked(fn, args, &pattern, &after, level);
	int e = errno;
	const char *what = changed(&after);
	*kept = !what && e == ERRNO_MARK;
	if (what && name)
		fail("%s: a helper changed %s", name, what);
	if (e != ERRNO_MARK && name)
		fail("%s: a helper changed errno to %d", name, e);
	return r0;
}

/* Helper id through the table, with its paths' results checked by the caller. */
static const char *current;
static char where[96];
static uint64_t call_at(int line, uint32_t id, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	int kept;
	calls[id]++;
	snprintf(where, sizeof(where), "%s, helper %u at line %d", current, id, line);
	return checked(table[id], where, r1, r2, r3, r4, r5, &kept);
}
#define call(...) call_at(__LINE__, __VA_ARGS__)

#define P(x) ((uint64_t)(uintptr_t)(x))
#define EXPECT(cond)                                                                                           \
	do {                                                                                                   \
		if (!(cond))                                                                                   \
			fail("%s: expected " #cond " (line %d)", current, __LINE__);                           \
	} while (0)

static struct bpftime_map *map(uint32_t type, uint32_t key, uint32_t value, uint32_t max, uint32_t flags,
			       int32_t lock_off, uint32_t id, uint32_t cpu)
{
	struct bpftime_map *m = NULL;
	int err = bpftime_map_create(type, key, value, max, flags, lock_off, id, cpu, "gpr", &m);
	if (err) {
		fprintf(stderr, "map type %u: cannot create it: %s\n", type, strerror(-err));
		exit(2);
	}
	return m;
}

/* ---- the exercises ---- */

static void arrays(void)
{
	/* 12-byte values: the copy loops' word and byte tails */
	uint8_t value[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	for (int percpu = 0; percpu < 2; percpu++) {
		struct bpftime_map *m = map(percpu ? BPF_MAP_TYPE_PERCPU_ARRAY : BPF_MAP_TYPE_ARRAY, 4, 12, 4, 0, -1, 1, 0);
		uint32_t in = 2, out = 9;
		EXPECT(call(2, P(m), P(&in), P(value), BPF_ANY, 0) == 0);
		uint8_t *v = (uint8_t *)(uintptr_t)call(1, P(m), P(&in), 0, 0, 0);
		EXPECT(v && memcmp(v, value, 12) == 0);
		EXPECT(call(1, P(m), P(&out), 0, 0, 0) == 0);
		EXPECT(call(2, P(m), P(&out), P(value), BPF_ANY, 0) == (uint64_t)-E2BIG);
		EXPECT(call(2, P(m), P(&in), P(value), BPF_NOEXIST, 0) == (uint64_t)-EEXIST);
		EXPECT(call(3, P(m), P(&in), 0, 0, 0) == (uint64_t)-EINVAL);
		if (percpu) {
			EXPECT(call(195, P(m), P(&in), 0, 0, 0) != 0);
			EXPECT(call(195, P(m), P(&in), 100000, 0, 0) == 0);
		}
		bpftime_map_close(m);
	}
}

/* Every hash type with 12-byte keys (the word-and-byte key compare) and 4-byte ones, max 2 entries. */
static void hashes(void)
{
	static const uint32_t types[] = { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_LRU_HASH,
					  BPF_MAP_TYPE_LRU_PERCPU_HASH };
	uint64_t value[2] = { 0x1111, 0x2222 };
	for (unsigned t = 0; t < 4; t++) {
		for (uint32_t ks = 4; ks <= 12; ks += 8) {
			int lru = types[t] == BPF_MAP_TYPE_LRU_HASH || types[t] == BPF_MAP_TYPE_LRU_PERCPU_HASH;
			int percpu = types[t] == BPF_MAP_TYPE_PERCPU_HASH || types[t] == BPF_MAP_TYPE_LRU_PERCPU_HASH;
			struct bpftime_map *m = map(types[t], ks, 16, 2, 0, -1, 2, 0);
			uint8_t k1[12] = { 1 }, k2[12] = { 2 }, k3[12] = { 3 };
			EXPECT(call(1, P(m), P(k1), 0, 0, 0) == 0);
			EXPECT(call(2, P(m), P(k1), P(value), BPF_NOEXIST, 0) == 0);
			EXPECT(call(2, P(m), P(k1), P(value), BPF_ANY, 0) == 0); /* a replacement */
			EXPECT(call(2, P(m), P(k1), P(value), BPF_NOEXIST, 0) == (uint64_t)-EEXIST);
			EXPECT(call(2, P(m), P(k2), P(value), BPF_ANY, 0) == 0);
			uint64_t full = call(2, P(m), P(k3), P(value), BPF_ANY, 0);
			EXPECT(lru ? full == 0 : full == (uint64_t)-E2BIG); /* LRU: an eviction */
			uint64_t *v = (uint64_t *)(uintptr_t)call(1, P(m), P(k2), 0, 0, 0);
			EXPECT(lru || (v && v[0] == 0x1111 && v[1] == 0x2222));
			if (percpu) {
				EXPECT(call(195, P(m), P(k1), 0, 0, 0) != 0 || lru);
				EXPECT(call(195, P(m), P(k1), 100000, 0, 0) == 0);
			}
			EXPECT(call(3, P(m), P(k3), 0, 0, 0) == (lru ? 0 : (uint64_t)-ENOENT));
			EXPECT(call(3, P(m), P(k3), 0, 0, 0) == (uint64_t)-ENOENT);
			bpftime_map_close(m);
		}
	}
}

/* What the agent's objects_map is to bpf_map_lookup_elem on a map of maps: built GPR-only as it is. */
static struct bpftime_map *inner_map;
__attribute__((target("general-regs-only"))) static struct bpftime_map *resolve_inner(uint32_t id)
{
	return id == 5 ? inner_map : NULL;
}

static void maps_of_maps(void)
{
	struct bpftime_map *outer = map(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, -1, 4, 0);
	inner_map = map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, -1, 5, 0);
	uint32_t zero = 0, one = 1;
	if (bpftime_map_set_inner_template(outer, inner_map) || bpftime_map_of_maps_update(outer, &zero, inner_map, 0)) {
		fail("%s: cannot fill the map of maps", current);
		return;
	}
	bpftime_helpers_set_map_resolver(resolve_inner);
	EXPECT(call(1, P(outer), P(&zero), 0, 0, 0) == P(inner_map));
	EXPECT(call(1, P(outer), P(&one), 0, 0, 0) == 0);
	bpftime_helpers_set_map_resolver(NULL);
	bpftime_map_close(outer);
	bpftime_map_close(inner_map);
}

static uint32_t *held_lock;

static void *hold_lock(void *arg)
{
	__atomic_store_n(held_lock, (uint32_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	*(volatile int *)arg = 1;
	usleep(30000); /* the waiter spins, yields, then naps */
	__atomic_store_n(held_lock, 0, __ATOMIC_RELEASE);
	return NULL;
}

static void spin_locks(void)
{
	struct bpftime_map *m = map(BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0, 0, 3, 0);
	uint32_t zero = 0;
	uint32_t *v = (uint32_t *)(uintptr_t)call(1, P(m), P(&zero), 0, 0, 0);
	EXPECT(call(93, P(v), 0, 0, 0, 0) == 0);
	EXPECT(*v != 0);
	EXPECT(call(94, P(v), 0, 0, 0, 0) == 0);
	EXPECT(*v == 0);
	uint8_t value[16] = { 9 };
	EXPECT(call(2, P(m), P(&zero), P(value), BPF_F_LOCK, 0) == 0);
	/* contended: another thread holds it */
	pthread_t t;
	volatile int started = 0;
	held_lock = v;
	pthread_create(&t, NULL, hold_lock, (void *)&started);
	while (!started)
		sched_yield();
	EXPECT(call(93, P(v), 0, 0, 0, 0) == 0);
	EXPECT(call(94, P(v), 0, 0, 0, 0) == 0);
	pthread_join(t, NULL);
	bpftime_map_close(m);
}

static void probe_reads(void)
{
	static const char src[40] = "a string longer than one word";
	char dst[40];
	uint64_t kernel = 0xffffffff81000000ull;
	char *unmapped = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped + 4096, 4096);
	/* a string running into the unmapped page */
	memset(unmapped, 'x', 4096);
	for (uint32_t id = 0; id < 3; id++) {
		uint32_t plain = (uint32_t[]){ 4, 112, 113 }[id], str = (uint32_t[]){ 45, 114, 115 }[id];
		EXPECT(call(plain, P(dst), sizeof(src), P(src), 0, 0) == 0 && memcmp(dst, src, 40) == 0);
		EXPECT(call(plain, P(dst), 16, P(unmapped) + 4090, 0, 0) == (uint64_t)-EFAULT);
		EXPECT(call(plain, P(dst), 8, kernel, 0, 0) == (uint64_t)-EFAULT);
		EXPECT(call(str, P(dst), sizeof(dst), P(src), 0, 0) == strlen(src) + 1);
		EXPECT(call(str, P(dst), 5, P(src), 0, 0) == 5 && dst[4] == 0);
		EXPECT(call(str, P(dst), sizeof(dst), P(unmapped) + 4090, 0, 0) == (uint64_t)-EFAULT);
		EXPECT(call(str, P(dst), sizeof(dst), kernel, 0, 0) == (uint64_t)-EFAULT);
		EXPECT(call(str, P(dst), 0, P(src), 0, 0) == 0);
	}
	char out[16] = { 0 };
	EXPECT(call(36, P(out), P(src), 8, 0, 0) == 0 && memcmp(out, src, 8) == 0);
	EXPECT(call(36, P(src), P(out), 8, 0, 0) == (uint64_t)-EFAULT); /* read-only */
	munmap(unmapped, 4096);
}

static void task(void)
{
	uint64_t a = call(5, 0, 0, 0, 0, 0), b = call(5, 0, 0, 0, 0, 0);
	EXPECT(a && b >= a);
	EXPECT(call(125, 0, 0, 0, 0, 0) >= a);
	EXPECT(call(160, 0, 0, 0, 0, 0) != 0);
	EXPECT(call(7, 0, 0, 0, 0, 0) != call(7, 0, 0, 0, 0, 0) || call(7, 0, 0, 0, 0, 0) != call(7, 0, 0, 0, 0, 0));
	EXPECT(call(8, 0, 0, 0, 0, 0) < bpftime_possible_cpus());
	EXPECT(call(14, 0, 0, 0, 0, 0) == ((uint64_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid)));
	EXPECT(call(15, 0, 0, 0, 0, 0) == ((uint64_t)getgid() << 32 | getuid()));
	char comm[16], want[16] = { 0 };
	prctl(PR_GET_NAME, want);
	EXPECT(call(16, P(comm), sizeof(comm), 0, 0, 0) == 0 && strcmp(comm, want) == 0);
	EXPECT(call(16, P(comm), 3, 0, 0, 0) == 0 && comm[2] == 0 && strncmp(comm, want, 2) == 0);
	EXPECT(call(16, P(comm), 0, 0, 0, 0) == (uint64_t)-EINVAL);
	EXPECT(call(182, P("abcdefghij"), 10, P("abcdefghiX"), 0, 0) == 1);
	EXPECT(call(182, P("abc"), 4, P("abc"), 0, 0) == 0);
}

static void perf_output(void)
{
	uint32_t cpu = bpftime_current_cpu_slot(), ncpus = bpftime_possible_cpus();
	struct bpftime_map *pb = map(BPFTIME_OBJ_PERF_BUFFER, 0, 0, 1, 0, -1, 41, cpu);
	struct bpftime_map *arr = map(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, ncpus, 0, -1, 42, 0);
	uint32_t id = 41;
	if (bpftime_map_sys_update(arr, &cpu, &id, 0)) {
		fail("%s: cannot fill the perf event array", current);
		return;
	}
	uint8_t data[100] = { 1 };
	EXPECT(call(25, 0, P(arr), BPF_F_CURRENT_CPU, P(data), 13) == 0);
	uint64_t rc = 0;
	for (int i = 0; i < 100 && rc == 0; i++)
		rc = call(25, 0, P(arr), BPF_F_CURRENT_CPU, P(data), sizeof(data));
	EXPECT(rc == (uint64_t)-ENOSPC);
	EXPECT(call(25, 0, P(arr), ncpus + 1, P(data), 8) == (uint64_t)-E2BIG);
	bpftime_map_close(arr);
	bpftime_map_close(pb);
}

static void ring_output(void)
{
	struct bpftime_map *rb = map(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, -1, 43, 0);
	uint8_t data[100] = { 2 };
	EXPECT(call(130, P(rb), P(data), 13, 0, 0) == 0);
	EXPECT(call(130, P(rb), P(data), 13, BPF_RB_FORCE_WAKEUP, 0) == 0);
	void *r = (void *)(uintptr_t)call(131, P(rb), 24, 0, 0, 0);
	EXPECT(r != NULL);
	EXPECT(call(132, P(r), 0, 0, 0, 0) == 0);
	r = (void *)(uintptr_t)call(131, P(rb), 24, 0, 0, 0);
	EXPECT(r != NULL);
	EXPECT(call(133, P(r), BPF_RB_NO_WAKEUP, 0, 0, 0) == 0);
	EXPECT(call(134, P(rb), BPF_RB_AVAIL_DATA, 0, 0, 0) > 0);
	uint64_t rc = 0;
	for (int i = 0; i < 100 && rc == 0; i++)
		rc = call(130, P(rb), P(data), sizeof(data), 0, 0);
	EXPECT(rc == (uint64_t)-EAGAIN);
	for (int i = 0; i < 200 && r; i++) {
		r = (void *)(uintptr_t)call(131, P(rb), 24, 0, 0, 0);
		if (r)
			call(132, P(r), BPF_RB_NO_WAKEUP, 0, 0, 0);
	}
	EXPECT(r == NULL);
	bpftime_map_close(rb);
}

static void hit_bound(void)
{
	uint64_t regs[21] = { 0 }, v = 0;
	regs[BPFTIME_REG_DI] = 11;
	regs[BPFTIME_REG_AX] = 22;
	/* without a hit */
	EXPECT(call(173, 0, 0, 0, 0, 0) == 0);
	EXPECT(call(183, 0, 0, P(&v), 0, 0) == (uint64_t)-EINVAL);
	EXPECT(call(58, P(regs), 5, 0, 0, 0) == (uint64_t)-EINVAL);
	struct bpftime_hit hit = { .regs = regs, .func_ip = 0x1234, .cookie = 77, .func_arg_cnt = 2,
				   .flags = BPFTIME_HIT_RETURN | BPFTIME_HIT_CAN_OVERRIDE };
	struct bpftime_hit *prev = bpftime_hit_enter(&hit);
	EXPECT(call(173, P(regs), 0, 0, 0, 0) == 0x1234);
	EXPECT(call(174, P(regs), 0, 0, 0, 0) == 77);
	EXPECT(call(183, P(regs), 0, P(&v), 0, 0) == 0 && v == 11);
	EXPECT(call(183, P(regs), 2, P(&v), 0, 0) == (uint64_t)-EINVAL);
	EXPECT(call(184, P(regs), P(&v), 0, 0, 0) == 0 && v == 22);
	EXPECT(call(185, P(regs), 0, 0, 0, 0) == 2);
	EXPECT(call(58, P(regs), 5, 0, 0, 0) == 0 && hit.override && regs[BPFTIME_REG_AX] == 5);
	hit.flags = 0;
	EXPECT(call(184, P(regs), P(&v), 0, 0, 0) == (uint64_t)-EOPNOTSUPP);
	EXPECT(call(58, P(regs), 5, 0, 0, 0) == (uint64_t)-EINVAL);
	bpftime_hit_leave(prev);
}

/* The exercise list: which helper ids each covers (a safe id in none of them fails). */
static const struct exercise {
	const char *name;
	void (*run)(void);
	uint32_t ids[12];
} exercises[] = {
	{ "arrays", arrays, { 1, 2, 3, 195 } },
	{ "hashes", hashes, { 1, 2, 3, 195 } },
	{ "maps_of_maps", maps_of_maps, { 1 } },
	{ "spin_locks", spin_locks, { 93, 94 } },
	{ "probe_reads", probe_reads, { 4, 112, 113, 45, 114, 115, 36 } },
	{ "task", task, { 5, 125, 160, 7, 8, 14, 15, 16, 182 } },
	{ "perf_output", perf_output, { 25 } },
	{ "ring_output", ring_output, { 130, 131, 132, 133, 134 } },
	{ "hit_bound", hit_bound, { 173, 174, 183, 184, 185, 58 } },
};

/* ---- the stub's self-check: it must see what an unsafe function does ---- */

static uint64_t libc_memset(uint64_t dst, uint64_t c, uint64_t n, uint64_t r4, uint64_t r5)
{
	memset((void *)(uintptr_t)dst, (int)c, n);
	return 0;
}

static uint64_t sets_errno(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	errno = EINTR;
	return 0;
}

static int self_check(void)
{
	static char buf[8192];
	int kept_memset, kept_errno;
	void *fn = (void *)libc_memset;
	__asm__ volatile("" : "+r"(fn)); /* a real call of glibc's memset, not an inlined store loop */
	checked(fn, NULL, (uint64_t)(uintptr_t)buf, 0x5a, sizeof(buf), 0, 0, &kept_memset);
	checked((void *)sets_errno, NULL, 0, 0, 0, 0, 0, &kept_errno);
	if (kept_memset || kept_errno) {
		printf("FAIL self-check: the stub did not see %s\n",
		       kept_memset ? "glibc's memset use a vector register" : "errno change");
		return 0;
	}
	printf("ok self-check: the stub sees glibc's memset and an errno write\n");
	return 1;
}

int main(void)
{
	/* one CPU: perf_event_output writes the buffer of the CPU it runs on */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	bpftime_helpers_init();
	table = bpftime_helper_table();
	__builtin_cpu_init();
	level = __builtin_cpu_supports("avx512f") ? LEVEL_AVX512 : __builtin_cpu_supports("avx") ? LEVEL_AVX : LEVEL_SSE;
	for (int r = 0; r < 32; r++)
		for (int i = 0; i < 64; i++)
			pattern.v[r][i] = (uint8_t)(0xa5 ^ (r * 37 + i * 11));
	for (int k = 0; k < 8; k++)
		pattern.k[k] = (uint16_t)(0x9c3b * (k + 1));
	pattern.mxcsr = 0x1f80 | 0x6000; /* every exception masked, rounding toward zero */
	pattern.fpu_cw = 0x037f | 0x0c00;
	printf("registers checked: %s, mxcsr, x87 control word; errno\n",
	       level == LEVEL_AVX512 ? "zmm0-31, k1-7" : level == LEVEL_AVX ? "ymm0-15" : "xmm0-15");
	if (!self_check())
		return 1;

	for (size_t e = 0; e < sizeof(exercises) / sizeof(exercises[0]); e++) {
		int before = failures;
		current = exercises[e].name;
		exercises[e].run();
		printf("%s %s\n", failures == before ? "ok" : "FAIL", current);
	}
	unsigned safe = 0;
	for (uint32_t id = 0; id < BPFTIME_HELPER_TABLE_SIZE; id++) {
		int listed = 0;
		for (size_t e = 0; e < sizeof(exercises) / sizeof(exercises[0]); e++)
			for (int k = 0; k < 12 && exercises[e].ids[k]; k++)
				listed |= exercises[e].ids[k] == id;
		if (!bpftime_helper_gpr_safe(id)) {
			if (calls[id] || listed)
				printf("FAIL helper %u is exercised here but not marked GPR-safe\n", id), failures++;
			continue;
		}
		safe++;
		if (!listed || !calls[id])
			printf("FAIL helper %u is marked GPR-safe but %s\n", id,
			       listed ? "never called" : "in no exercise"), failures++;
	}
	printf("%u GPR-safe helpers, %d failures\n", safe, failures);
	return failures ? 1 : 0;
}
