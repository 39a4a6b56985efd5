#include "probe_programs.h"

#include "jit_image.h"
#include "bpftime_helpers.h"
#include "bpftime_vm.h"
#include "kernel_bpf.h"
#include "bench.h"
#include "bench_files.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }
#define LD_MAP(d, slot) INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, slot), INSN(0, 0, 0, 0, 0)
#define MOV_K(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_X(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_K(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define CALL(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define RETURN_0() MOV_K(BPF_REG_0, 0), EXIT()

/* lddw dst, &map[0] + off: the address of an array map's only value (BPF_PSEUDO_MAP_VALUE, which
 * the kernel allows on single-entry arrays, kernel/bpf/arraymap.c array_map_direct_value_addr). */
#define LD_MAP_VALUE(d, slot, off) INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, slot), INSN(0, 0, 0, 0, off)

/* count += 1, an atomic add on the value's address: no helper call, so a program counting its hits
 * costs what an empty one does plus the add, and runs on every path an empty program runs on. */
#define COUNT_HIT()                                                                                        \
	LD_MAP_VALUE(BPF_REG_1, PROBE_MAP_COUNTS, 0), MOV_K(BPF_REG_2, 1),                                  \
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_1, BPF_REG_2, 0, BPF_ADD)

static const struct bpf_insn prog_empty[] = { RETURN_0() };
static const struct bpf_insn prog_count[] = { COUNT_HIT(), RETURN_0() };
static const struct bpf_insn prog_count_tgid[] = {
	LD_MAP_VALUE(BPF_REG_1, PROBE_MAP_TGID, 0), INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_1, 0, 0),
	CALL(BPF_FUNC_get_current_pid_tgid), INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_0, 0, 0, 32),
	INSN(BPF_JMP | BPF_JNE | BPF_X, BPF_REG_0, BPF_REG_6, 4, 0),
	COUNT_HIT(),
	RETURN_0(),
};
#define HASH_UPDATE()                                                                                      \
	INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0), INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -16, 1), \
		LD_MAP(BPF_REG_1, PROBE_MAP_HASH), MOV_X(BPF_REG_2, BPF_REG_10), ADD_K(BPF_REG_2, -4),          \
		MOV_X(BPF_REG_3, BPF_REG_10), ADD_K(BPF_REG_3, -16), MOV_K(BPF_REG_4, BPF_ANY),               \
		CALL(BPF_FUNC_map_update_elem)
static const struct bpf_insn prog_hash_update[] = { HASH_UPDATE(), RETURN_0() };
static const struct bpf_insn prog_hash_update_count[] = { HASH_UPDATE(), COUNT_HIT(), RETURN_0() };
static const struct bpf_insn prog_pid_count[] = {
	CALL(BPF_FUNC_get_current_pid_tgid),
	INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
	LD_MAP(BPF_REG_1, PROBE_MAP_COUNTS), MOV_X(BPF_REG_2, BPF_REG_10), ADD_K(BPF_REG_2, -4),
	CALL(BPF_FUNC_map_lookup_elem),
	INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
	MOV_K(BPF_REG_1, 1),
	INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
	RETURN_0(),
};

static const struct {
	const struct bpf_insn *insns;
	uint32_t n;
} programs[PROBE_PROG_ALL] = {
#define P(a) { a, sizeof(a) / sizeof(a[0]) }
	[PROBE_PROG_EMPTY] = P(prog_empty),
	[PROBE_PROG_COUNT] = P(prog_count),
	[PROBE_PROG_COUNT_TGID] = P(prog_count_tgid),
	[PROBE_PROG_HASH_UPDATE] = P(prog_hash_update),
	[PROBE_PROG_HASH_UPDATE_COUNT] = P(prog_hash_update_count),
	[PROBE_PROG_PID_COUNT] = P(prog_pid_count),
#undef P
};

const char *const probe_prog_names[PROBE_PROG_ALL] = {
	[PROBE_PROG_EMPTY] = "probe_empty",
	[PROBE_PROG_COUNT] = "probe_count",
	[PROBE_PROG_COUNT_TGID] = "probe_count_tgid",
	[PROBE_PROG_HASH_UPDATE] = "probe_hash_update",
	[PROBE_PROG_HASH_UPDATE_COUNT] = "probe_hash_update_count",
	[PROBE_PROG_PID_COUNT] = "probe_pid_count",
};

const struct bpf_insn *probe_prog_insns(enum probe_prog p, uint32_t *count)
{
	*count = programs[p].n;
	return programs[p].insns;
}

int probe_prog_calls_helper(enum probe_prog p)
{
	for (uint32_t i = 0; i < programs[p].n; i++)
		if (programs[p].insns[i].code == (BPF_JMP | BPF_CALL))
			return 1;
	return 0;
}

int probe_programs_dump(const char *dir)
{
	for (int p = 0; p < PROBE_PROG_ALL; p++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.bpf", dir, probe_prog_names[p]);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(programs[p].insns, sizeof(struct bpf_insn), programs[p].n, f) != programs[p].n) {
			int err = errno;
			fprintf(stderr, "%s: %s\n", path, strerror(err));
			if (f)
				fclose(f);
			return -err;
		}
		if (fclose(f))
			return -errno;
	}
	return 0;
}

/* A copy of program p whose map references are replaced by link(slot). */
static struct bpf_insn *linked_copy(enum probe_prog p, uint64_t (*link)(const void *arg, uint32_t slot, int value),
				    const void *arg, int as_fd)
{
	uint32_t n = programs[p].n;
	struct bpf_insn *code = malloc(n * sizeof(*code));
	if (!code)
		return NULL;
	memcpy(code, programs[p].insns, n * sizeof(*code));
	for (uint32_t i = 0; i + 1 < n; i++) {
		if (code[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (code[i].src_reg == BPF_PSEUDO_MAP_FD || code[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
			int value = code[i].src_reg == BPF_PSEUDO_MAP_VALUE;
			uint64_t v = link(arg, (uint32_t)code[i].imm, value);
			if (as_fd) { /* the kernel: the fd, and for a value its offset in the second slot */
				code[i].imm = (int32_t)v;
			} else { /* the interpreter: the address, as a constant */
				v += value ? (uint64_t)(int64_t)code[i + 1].imm : 0;
				code[i].src_reg = 0;
				code[i].imm = (int32_t)(uint32_t)v;
				code[i + 1].imm = (int32_t)(uint32_t)(v >> 32);
			}
		}
		i++;
	}
	return code;
}

/* ---- the kernel ---- */

static uint64_t kernel_link(const void *arg, uint32_t slot, int value)
{
	(void)value;
	return (uint64_t)((const struct kernel_probe_maps *)arg)->fd[slot];
}

int kernel_probe_maps_create(struct kernel_probe_maps *m, char *why, size_t why_len)
{
	uint32_t key = 0;
	uint64_t value = (uint64_t)getpid();
	int err = 0;

	m->fd[PROBE_MAP_COUNTS] = kbpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	m->fd[PROBE_MAP_TGID] = kbpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	m->fd[PROBE_MAP_HASH] = kbpf_map_create(BPF_MAP_TYPE_HASH, 4, 8, PROBE_HASH_ENTRIES);
	for (int i = 0; i < PROBE_MAP_ALL; i++)
		if (m->fd[i] < 0)
			err = m->fd[i];
	if (err >= 0)
		err = kbpf_map_update(m->fd[PROBE_MAP_TGID], &key, &value, BPF_ANY);
	value = 0;
	if (err >= 0)
		err = kbpf_map_update(m->fd[PROBE_MAP_HASH], &key, &value, BPF_ANY);
	if (err < 0) {
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE/UPDATE_ELEM) of the probe maps: %s", strerror(-err));
		kernel_probe_maps_close(m);
		return err;
	}
	return 0;
}

void kernel_probe_maps_close(struct kernel_probe_maps *m)
{
	for (int i = 0; i < PROBE_MAP_ALL; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

int64_t kernel_probe_count(const struct kernel_probe_maps *m)
{
	union bpf_attr attr;
	uint32_t key = 0;
	uint64_t value = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)m->fd[PROBE_MAP_COUNTS];
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)&value;
	long r = kbpf(BPF_MAP_LOOKUP_ELEM, &attr, KBPF_MAP_ELEM_ATTR_SIZE);
	return r < 0 ? r : (int64_t)value;
}

int kernel_probe_prog_load(enum probe_prog p, int prog_type, const struct kernel_probe_maps *m, char *why,
			   size_t why_len)
{
	struct bpf_insn *code = linked_copy(p, kernel_link, m, 1);
	if (!code) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	int fd = kbpf_prog_load((enum bpf_prog_type)prog_type, code, programs[p].n, why, why_len);
	free(code);
	return fd;
}

/* ---- ours ---- */


static uint64_t helper_unknown(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return (uint64_t)-ENOSYS;
}

static uint64_t helper_map_lookup_elem(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r3, (void)r4, (void)r5;
	return (uint64_t)(uintptr_t)bpftime_map_lookup_elem((struct bpftime_map *)(uintptr_t)map,
							    (const void *)(uintptr_t)key);
}

static uint64_t helper_map_update_elem(uint64_t map, uint64_t key, uint64_t value, uint64_t flags, uint64_t r5)
{
	(void)r5;
	return (uint64_t)bpftime_map_update_elem((struct bpftime_map *)(uintptr_t)map, (const void *)(uintptr_t)key,
						 (const void *)(uintptr_t)value, flags);
}

static uint64_t helper_map_delete_elem(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r3, (void)r4, (void)r5;
	return (uint64_t)bpftime_map_delete_elem((struct bpftime_map *)(uintptr_t)map, (const void *)(uintptr_t)key);
}

/* The thread's ids, read once per thread: a helper must not make a syscall a tracepoint would see
 * (and the agent's helper caches them the same way, refreshed after fork). */
static __thread uint64_t pid_tgid;

static uint64_t helper_get_current_pid_tgid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	if (__builtin_expect(!pid_tgid, 0))
		pid_tgid = (uint64_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid);
	return pid_tgid;
}

/* Indexed by helper id (include/uapi/linux/bpf.h), as the agent's table is: every entry set, the
 * known ones over the default (hence the pragma). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
void *const probe_helpers[PROBE_HELPER_TABLE_SIZE] = {
	[0 ... PROBE_HELPER_TABLE_SIZE - 1] = (void *)helper_unknown,
	[BPF_FUNC_map_lookup_elem] = (void *)helper_map_lookup_elem,
	[BPF_FUNC_map_update_elem] = (void *)helper_map_update_elem,
	[BPF_FUNC_map_delete_elem] = (void *)helper_map_delete_elem,
	[BPF_FUNC_get_current_pid_tgid] = (void *)helper_get_current_pid_tgid,
};
#pragma GCC diagnostic pop

static void forget_ids(void)
{
	pid_tgid = 0;
}

static void forget_ids_after_fork(void)
{
	pthread_atfork(NULL, NULL, forget_ids);
}

/* Once per process: a figure's own child has other ids than the cached ones. */
static void helpers_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, forget_ids_after_fork);
}

int bpftime_probe_maps_create(struct bpftime_probe_maps *m, char *why, size_t why_len)
{
	uint32_t key = 0;
	uint64_t value = (uint64_t)getpid();
	int err = bpftime_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, -1, 1, 0, "counts", &m->map[PROBE_MAP_COUNTS]);
	if (!err)
		err = bpftime_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, -1, 2, 0, "tgid", &m->map[PROBE_MAP_TGID]);
	if (!err)
		err = bpftime_map_create(BPF_MAP_TYPE_HASH, 4, 8, PROBE_HASH_ENTRIES, 0, -1, 3, 0, "hash",
					 &m->map[PROBE_MAP_HASH]);
	if (!err)
		err = bpftime_map_sys_update(m->map[PROBE_MAP_TGID], &key, &value, BPF_ANY);
	value = 0;
	if (!err)
		err = bpftime_map_sys_update(m->map[PROBE_MAP_HASH], &key, &value, BPF_ANY);
	if (err) {
		snprintf(why, why_len, "bpftime_map_create/update of the probe maps: %s", strerror(-err));
		bpftime_probe_maps_close(m);
		return err;
	}
	return 0;
}

void bpftime_probe_maps_close(struct bpftime_probe_maps *m)
{
	for (int i = 0; i < PROBE_MAP_ALL; i++) {
		if (m->map[i])
			bpftime_map_close(m->map[i]);
		m->map[i] = NULL;
	}
}

uint64_t bpftime_probe_count(const struct bpftime_probe_maps *m)
{
	uint32_t key = 0;
	uint64_t value = 0;

	bpftime_map_sys_lookup(m->map[PROBE_MAP_COUNTS], &key, &value, 0);
	return value;
}

void bpftime_probe_count_reset(const struct bpftime_probe_maps *m)
{
	uint32_t key = 0;
	uint64_t zero = 0;

	bpftime_map_sys_update(m->map[PROBE_MAP_COUNTS], &key, &zero, BPF_ANY);
}

static int resolve_map(void *arg, uint32_t kind, int32_t key, uint64_t *address)
{
	const struct bpftime_probe_maps *m = arg;

	uint32_t zero = 0;

	if ((kind != BPFTIME_JIT_RELOC_MAP_FD && kind != BPFTIME_JIT_RELOC_MAP_VALUE) || key < 0 || key >= PROBE_MAP_ALL)
		return -ENOENT;
	*address = kind == BPFTIME_JIT_RELOC_MAP_FD ? (uintptr_t)m->map[key]
						    : (uintptr_t)bpftime_map_lookup_elem(m->map[key], &zero);
	return 0;
}

static int jit_load(enum probe_prog p, const struct bpftime_probe_maps *m, void *const *helpers, uint32_t nhelpers,
		    probe_jit_fn *out, char *why, size_t why_len)
{
	char path[4096];
	struct bpftime_jit_image *img;
	int err = vm_output_path(probe_prog_names[p], ".jit", path, sizeof(path));

	if (err) {
		snprintf(why, why_len, "the path of %s.jit: %s", probe_prog_names[p], strerror(-err));
		return err;
	}
	err = jit_image_file_load(path, helpers, nhelpers, resolve_map, (void *)m, &img, why, why_len);
	if (!err)
		*out = (probe_jit_fn)bpftime_jit_image_entry(img);
	return err;
}

int bpftime_probe_jit_load(enum probe_prog p, const struct bpftime_probe_maps *m, probe_jit_fn *out, char *why,
			   size_t why_len)
{
	helpers_init();
	return jit_load(p, m, probe_helpers, PROBE_HELPER_TABLE_SIZE, out, why, why_len);
}

int bpftime_probe_jit_load_agent_helpers(enum probe_prog p, const struct bpftime_probe_maps *m, probe_jit_fn *out,
					 char *why, size_t why_len)
{
	bpftime_helpers_init();
	return jit_load(p, m, bpftime_helper_table(), BPFTIME_HELPER_TABLE_SIZE, out, why, why_len);
}

int probe_prog_agent_gpr_only(enum probe_prog p)
{
	return bpftime_helpers_prog_gpr_only(programs[p].insns, programs[p].n);
}

static uint64_t vm_link(const void *arg, uint32_t slot, int value)
{
	struct bpftime_map *map = ((const struct bpftime_probe_maps *)arg)->map[slot];
	uint32_t key = 0;

	return value ? (uintptr_t)bpftime_map_lookup_elem(map, &key) : (uintptr_t)map;
}

struct bpftime_vm *bpftime_probe_vm_load(enum probe_prog p, const struct bpftime_probe_maps *m, char *why,
					 size_t why_len)
{
	struct bpf_insn *code = linked_copy(p, vm_link, m, 0);
	struct bpftime_vm *vm = code ? bpftime_vm_create() : NULL;
	if (!vm) {
		free(code);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	helpers_init();
	for (int h = 0; h < PROBE_HELPER_TABLE_SIZE; h++)
		if (probe_helpers[h] != (void *)helper_unknown)
			bpftime_vm_register_helper(vm, (uint32_t)h, (bpftime_helper_fn)probe_helpers[h]);
	int err = bpftime_vm_load(vm, code, programs[p].n * sizeof(*code), why, why_len);
	free(code);
	if (err) {
		bpftime_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

void *const *probe_probe_helpers(void)
{
	helpers_init();
	return probe_helpers;
}

/* ---- what every probe figure holds and checks ---- */

void probe_figure_state_init(struct probe_figure_state *p)
{
	memset(p, 0, sizeof(*p));
	p->prog_fd = p->event_fd = -1;
	for (int i = 0; i < PROBE_MAP_ALL; i++)
		p->kmaps.fd[i] = -1;
}

void probe_figure_state_close(struct probe_figure_state *p)
{
	if (p->event_fd >= 0)
		close(p->event_fd);
	if (p->prog_fd >= 0)
		close(p->prog_fd);
	p->prog_fd = p->event_fd = -1;
	kernel_probe_maps_close(&p->kmaps);
	bpftime_probe_maps_close(&p->maps);
}

void *probe_figure_alloc(size_t size, int kernel, const char *what, char *why, size_t why_len, int *err)
{
	void *s;

	*err = kernel ? probe_figure_kernel_allowed(what, why, why_len) : 0;
	if (*err)
		return NULL;
	if (!(s = calloc(1, size))) {
		snprintf(why, why_len, "out of memory");
		*err = -ENOMEM;
	}
	return s;
}

int probe_figure_kernel_allowed(const char *what, char *why, size_t why_len)
{
	if (geteuid() == 0)
		return 0;
	snprintf(why, why_len, "the kernel's %s with BPF need root; euid is %u", what, (unsigned)geteuid());
	return BENCH_SKIP;
}

int64_t probe_figure_hits(const struct probe_figure_state *p, int kernel)
{
	return kernel ? kernel_probe_count(&p->kmaps) : (int64_t)bpftime_probe_count(&p->maps);
}

int probe_figure_check_hits(int64_t before, int64_t after, uint64_t calls, char *why, size_t why_len)
{
	if (before >= 0 && after >= 0 && (uint64_t)(after - before) == calls)
		return 0;
	snprintf(why, why_len, "hits counted by the program: actual %lld vs expected %llu calls",
		 (long long)(after - before), (unsigned long long)calls);
	return -EIO;
}
