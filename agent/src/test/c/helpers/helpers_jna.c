/*
 * What the Java tests of the helpers call through JNA: run a program on the interpreter or a
 * linked JIT entry with the helper table and a hit, and a prog-id resolver for tail calls.
 */
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpftime_helpers.h"
#include "bpftime_vm.h"

#define API __attribute__((visibility("default")))
#define TEST_PROGS 64

static void *progs[TEST_PROGS];

static void *resolve(uint32_t id)
{
	return id < TEST_PROGS ? progs[id] : NULL;
}

/* Registers what prog id resolves to (a JIT tail-call entry or an interpreter VM). */
API void helpers_test_set_prog(uint32_t id, void *target)
{
	if (id < TEST_PROGS)
		progs[id] = target;
	bpftime_helpers_set_prog_resolver(resolve);
}

/* A VM with every helper of the table and the tail-call hook; NULL with a message on refusal. */
API struct bpftime_vm *helpers_test_vm_load(const void *code, size_t len, char *err, size_t err_len)
{
	struct bpftime_vm *vm = bpftime_vm_create();
	if (!vm) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	void *const *table = bpftime_helper_table();
	for (uint32_t id = 0; id < BPFTIME_HELPER_TABLE_SIZE; id++)
		bpftime_vm_register_helper(vm, id, (bpftime_helper_fn)table[id]);
	bpftime_vm_set_tail_call_hook(vm, (bpftime_tail_call_fn)bpftime_helpers_vm_tail_call, NULL);
	if (bpftime_vm_load(vm, code, len, err, err_len) < 0) {
		bpftime_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

/* Runs vm with ctx inside hit (may be NULL); the VM's status, r0 in *r0. */
API int helpers_test_vm_run(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, struct bpftime_hit *hit,
			    uint64_t *r0)
{
	struct bpftime_hit *prev = bpftime_hit_enter(hit);
	int status = bpftime_vm_exec(vm, ctx, ctx_len, r0);
	bpftime_hit_leave(prev);
	return status;
}

typedef uint64_t (*jit_entry)(void *ctx, uint64_t r2);

/* Runs a linked JIT image's entry with ctx inside hit (may be NULL); r0. */
API uint64_t helpers_test_jit_run(void *entry, void *ctx, struct bpftime_hit *hit)
{
	struct bpftime_hit *prev = bpftime_hit_enter(hit);
	uint64_t r0 = ((jit_entry)entry)(ctx, 0);
	bpftime_hit_leave(prev);
	return r0;
}

/* ---- the kernel as the oracle: a raw tracepoint program run by BPF_PROG_TEST_RUN on this thread ---- */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* A kernel array map of one element: its fd, or -errno. */
API int helpers_test_kernel_array(uint32_t value_size)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = value_size;
	a.max_entries = 1;
	long fd = sys_bpf(BPF_MAP_CREATE, &a);
	return fd < 0 ? -errno : (int)fd;
}

API int helpers_test_kernel_array_get(int fd, void *value)
{
	uint32_t key = 0;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)value;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) < 0 ? -errno : 0;
}

API int helpers_test_kernel_array_set(int fd, const void *value)
{
	uint32_t key = 0;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)value;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0 ? -errno : 0;
}

/*
 * The BTF the verifier wants for programs with callbacks ("missing btf func_info"): int, a prototype
 * int (void), and one static FUNC per subprogram (include/uapi/linux/btf.h). Returns the BTF fd.
 */
static int load_func_btf(uint32_t nfuncs)
{
	struct {
		struct btf_header h;
		uint32_t types[3 + 1 + 3 + 3 * 8];
		char strings[8 + 8 * 4];
	} b;
	memset(&b, 0, sizeof(b));
	uint32_t *t = b.types;
	*t++ = 1; /* "int" */
	*t++ = BTF_KIND_INT << 24;
	*t++ = 4;
	*t++ = BTF_INT_SIGNED << 24 | 32;
	*t++ = 0; /* the prototype: int (void) */
	*t++ = BTF_KIND_FUNC_PROTO << 24;
	*t++ = 1;
	memcpy(b.strings, "\0int\0", 5);
	uint32_t str = 5;
	for (uint32_t i = 0; i < nfuncs && i < 8; i++) {
		*t++ = str;
		*t++ = BTF_KIND_FUNC << 24; /* static linkage */
		*t++ = 2;
		str += (uint32_t)sprintf(b.strings + str, "f%u", i) + 1;
	}
	b.h.magic = BTF_MAGIC;
	b.h.version = BTF_VERSION;
	b.h.hdr_len = sizeof(b.h);
	b.h.type_off = 0;
	b.h.type_len = (uint32_t)((char *)t - (char *)b.types);
	b.h.str_off = b.h.type_len;
	b.h.str_len = str;
	char blob[sizeof(b)];
	memcpy(blob, &b.h, sizeof(b.h));
	memcpy(blob + sizeof(b.h), b.types, b.h.type_len);
	memcpy(blob + sizeof(b.h) + b.h.type_len, b.strings, str);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)blob;
	a.btf_size = sizeof(b.h) + b.h.type_len + str;
	long fd = sys_bpf(BPF_BTF_LOAD, &a);
	return fd < 0 ? -errno : (int)fd;
}

/* Loads code as a BPF_PROG_TYPE_RAW_TRACEPOINT program and runs it once with ctx (u64 arguments):
 * 0 with the program's 32-bit r0 in *retval, or -errno with the verifier's log in log. With
 * nfuncs > 1, func_starts gives each subprogram's first slot (callbacks need BTF func info). */
API int helpers_test_kernel_run(const void *code, size_t len, const void *ctx, uint32_t ctx_len, uint32_t *retval,
				char *log, uint32_t log_len, const uint32_t *func_starts, uint32_t nfuncs)
{
	union bpf_attr a;
	struct bpf_func_info info[8];
	int btf = -1;
	memset(&a, 0, sizeof(a));
	if (nfuncs > 1) {
		btf = load_func_btf(nfuncs);
		if (btf < 0)
			return btf;
		for (uint32_t i = 0; i < nfuncs && i < 8; i++) {
			info[i].insn_off = func_starts[i];
			info[i].type_id = 3 + i;
		}
		a.prog_btf_fd = (uint32_t)btf;
		a.func_info_rec_size = sizeof(info[0]);
		a.func_info = (uintptr_t)info;
		a.func_info_cnt = nfuncs;
	}
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uintptr_t)code;
	a.insn_cnt = (uint32_t)(len / 8);
	a.license = (uintptr_t) "GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = log_len;
	a.log_level = 1;
	long fd = sys_bpf(BPF_PROG_LOAD, &a);
	int load_errno = errno;
	if (btf >= 0)
		close(btf);
	if (fd < 0)
		return -load_errno;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	a.test.ctx_in = (uintptr_t)ctx;
	a.test.ctx_size_in = ctx_len;
	long rc = sys_bpf(BPF_PROG_TEST_RUN, &a);
	int err = rc < 0 ? -errno : 0;
	*retval = a.test.retval;
	close((int)fd);
	return err;
}

API int helpers_test_close(int fd)
{
	return close(fd);
}

/* A frozen read-only array of one element holding bytes: what ARG_PTR_TO_CONST_STR must point into
 * (bpf_snprintf's format, bpf_strncmp's second string). Its fd, or -errno. */
API int helpers_test_kernel_rodata(const void *bytes, uint32_t size)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = size;
	a.max_entries = 1;
	a.map_flags = BPF_F_RDONLY_PROG;
	long fd = sys_bpf(BPF_MAP_CREATE, &a);
	if (fd < 0)
		return -errno;
	int rc = helpers_test_kernel_array_set((int)fd, bytes);
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	if (rc == 0 && sys_bpf(BPF_MAP_FREEZE, &a) < 0)
		rc = -errno;
	if (rc < 0) {
		close((int)fd);
		return rc;
	}
	return (int)fd;
}

/* A kernel BPF_MAP_TYPE_CGROUP_ARRAY of max_entries slots: its fd, or -errno. */
API int helpers_test_kernel_cgroup_array(uint32_t max_entries)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_CGROUP_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = max_entries;
	long fd = sys_bpf(BPF_MAP_CREATE, &a);
	return fd < 0 ? -errno : (int)fd;
}

/* Puts the cgroup v2 directory dir in slot index of a kernel CGROUP_ARRAY: 0 or -errno. */
API int helpers_test_kernel_cgroup_set(int map_fd, uint32_t index, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uintptr_t)&index;
	a.value = (uintptr_t)&fd;
	int rc = sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0 ? -errno : 0;
	close(fd);
	return rc;
}
