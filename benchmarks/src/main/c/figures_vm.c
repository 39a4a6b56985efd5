#include "figures.h"
#include "jit_image.h"
#include "vm_suite.h"

#include "bpftime_vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * The VM suite on three engines, one operation being one run of the program over its 64 KiB region:
 * native.vm.<p> the gcc build, bpftime.vm.jit.<p> the JIT image, bpftime.vm.interp.<p> the C
 * interpreter (libbpftime-vm.a, bounds checks off as for a verified program). Every run's r0 is
 * checked against the native result, so an engine that computes something else fails its figure.
 * An interpreter figure also reports the instructions one run executes, counted with the
 * interpreter's instruction limit (the smallest limit the run completes under).
 */

enum engine { ENGINE_NATIVE, ENGINE_JIT, ENGINE_INTERP };

static const char *const engine_names[] = { "native code", "JIT code", "the interpreter" };

struct vm_state {
	const struct vm_program *prog;
	enum engine engine;
	uint8_t *mem;
	uint64_t expected;
	struct bpftime_vm *vm;
	struct bpftime_jit_image *jit;
	bpftime_jit_fn jit_entry;
	double insns;
};

static void close_vm(void *state)
{
	struct vm_state *s = state;

	if (s->vm)
		bpftime_vm_destroy(s->vm);
	bpftime_jit_image_free(s->jit);
	if (s->mem)
		munmap(s->mem, VM_MEM_SIZE);
	free(s);
}

static int run_once(struct vm_state *s, uint64_t *result, char *why, size_t why_len)
{
	struct bpftime_vm_fault fault;
	int status;

	switch (s->engine) {
	case ENGINE_NATIVE:
		*result = s->prog->native(s->mem, VM_MEM_SIZE);
		return 0;
	case ENGINE_JIT:
		*result = s->jit_entry(s->mem, VM_MEM_SIZE);
		return 0;
	case ENGINE_INTERP:
		status = bpftime_vm_exec_ex(s->vm, s->mem, VM_MEM_SIZE, result, &fault);
		if (status == BPFTIME_VM_OK)
			return 0;
		bpftime_vm_fault_message(&fault, why, why_len);
		return -EFAULT;
	}
	return -EINVAL;
}

/* A VM that runs the code once with bounds checks and an instruction limit; NULL with why on failure. */
static struct bpftime_vm *load_vm(const struct vm_state *s, const uint8_t *code, size_t len, int counting, char *why,
				  size_t why_len)
{
	struct bpftime_vm *vm = bpftime_vm_create();
	char err[512] = "";
	int rc;

	if (!vm) {
		snprintf(why, why_len, "bpftime_vm_create: out of memory");
		return NULL;
	}
	rc = bpftime_vm_load(vm, code, len, err, sizeof(err));
	if (rc) {
		snprintf(why, why_len, "bpftime_vm_load of %s: %s: %s", s->prog->name, strerror(-rc), err);
		bpftime_vm_destroy(vm);
		return NULL;
	}
	if (counting) {
		bpftime_vm_set_bounds_check(vm, 1);
		bpftime_vm_add_region(vm, s->mem, VM_MEM_SIZE);
	}
	return vm;
}

/* Whether one run completes within `limit` instructions; -1 when it faults otherwise. */
static int completes_within(struct bpftime_vm *vm, uint8_t *mem, uint64_t limit, char *why, size_t why_len)
{
	struct bpftime_vm_fault fault;
	uint64_t result;
	int status;

	bpftime_vm_set_instruction_limit(vm, limit);
	status = bpftime_vm_exec_ex(vm, mem, VM_MEM_SIZE, &result, &fault);
	if (status == BPFTIME_VM_OK)
		return 1;
	if (status == BPFTIME_VM_E_INSTRUCTION_LIMIT)
		return 0;
	bpftime_vm_fault_message(&fault, why, why_len);
	return -1;
}

/* Executed instructions of one run: the least limit it completes under, by doubling then bisection. */
static int count_insns(struct vm_state *s, const uint8_t *code, size_t len, char *why, size_t why_len)
{
	struct bpftime_vm *vm = load_vm(s, code, len, 1, why, why_len);
	uint64_t low = 0, high = 1024; /* a run exceeds low and completes within high */
	int ok = 0;

	if (!vm)
		return -EINVAL;
	while ((ok = completes_within(vm, s->mem, high, why, why_len)) == 0 && high < (1ull << 40)) {
		low = high;
		high *= 2;
	}
	while (ok == 1 && high - low > 1) {
		uint64_t mid = low + (high - low) / 2;

		ok = completes_within(vm, s->mem, mid, why, why_len);
		if (ok == 1)
			high = mid;
		else if (ok == 0)
			low = mid, ok = 1;
	}
	bpftime_vm_destroy(vm);
	if (ok != 1) {
		if (ok == 0)
			snprintf(why, why_len, "%s runs more than 2^40 instructions", s->prog->name);
		return -EFAULT;
	}
	s->insns = (double)high;
	return 0;
}

static int open_engine(const char *name, enum engine engine, void **state, char *why, size_t why_len)
{
	char path[4096];
	uint8_t *code = NULL;
	size_t len = 0;
	uint64_t result;
	struct vm_state *s = calloc(1, sizeof(*s));
	int err = 0;

	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	s->engine = engine;
	s->prog = vm_program_find(name);
	s->mem = mmap(NULL, VM_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!s->prog || s->mem == MAP_FAILED) {
		snprintf(why, why_len, s->prog ? "mmap of the program's memory: %s" : "no program %s in vm_suite.c",
			 s->prog ? strerror(errno) : name);
		s->mem = NULL;
		close_vm(s);
		return -EINVAL;
	}
	s->prog->fill(s->mem, VM_MEM_SIZE);
	s->expected = s->prog->native(s->mem, VM_MEM_SIZE);
	if (engine == ENGINE_JIT) {
		err = vm_output_path(name, ".jit", path, sizeof(path));
		err = err ? err : jit_image_file_load(path, NULL, 0, NULL, NULL, &s->jit, why, why_len);
		if (!err)
			s->jit_entry = bpftime_jit_image_entry(s->jit);
	} else if (engine == ENGINE_INTERP) {
		err = vm_output_path(name, ".bin", path, sizeof(path));
		err = err ? err : vm_read_file(path, &code, &len, why, why_len);
		if (!err && !(s->vm = load_vm(s, code, len, 0, why, why_len)))
			err = -EINVAL;
		if (!err)
			err = count_insns(s, code, len, why, why_len);
		free(code);
	}
	if (err == -ENAMETOOLONG)
		snprintf(why, why_len, "the path of %s's build output is too long", name);
	if (!err && (err = run_once(s, &result, why, why_len)) == 0 && result != s->expected) {
		snprintf(why, why_len, "%s on %s: r0 actual %llu vs expected %llu (the same C compiled natively)", name,
			 engine_names[engine], (unsigned long long)result, (unsigned long long)s->expected);
		err = -EINVAL;
	}
	if (err) {
		close_vm(s);
		return err;
	}
	*state = s;
	return 0;
}

static int run_engine(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct vm_state *s = state;

	for (uint64_t i = 0; i < ops; i++) {
		uint64_t result;
		int err = run_once(s, &result, why, why_len);

		if (err)
			return err;
		if (result != s->expected) {
			snprintf(why, why_len, "%s on %s, run %llu: r0 actual %llu vs expected %llu", s->prog->name,
				 engine_names[s->engine], (unsigned long long)i, (unsigned long long)result,
				 (unsigned long long)s->expected);
			return -EINVAL;
		}
	}
	return 0;
}

static double executed_insns(void *state)
{
	return ((struct vm_state *)state)->insns;
}

#define VM_FIGURES(prog) \
	static int open_native_##prog(void **state, char *why, size_t why_len) \
	{ \
		return open_engine(#prog, ENGINE_NATIVE, state, why, why_len); \
	} \
	static int open_jit_##prog(void **state, char *why, size_t why_len) \
	{ \
		return open_engine(#prog, ENGINE_JIT, state, why, why_len); \
	} \
	static int open_interp_##prog(void **state, char *why, size_t why_len) \
	{ \
		return open_engine(#prog, ENGINE_INTERP, state, why, why_len); \
	} \
	const struct bench_figure fig_native_vm_##prog = { \
		.name = "native.vm." #prog, \
		.setup = open_native_##prog, \
		.run = run_engine, \
		.teardown = close_vm, \
	}; \
	const struct bench_figure fig_bpftime_vm_jit_##prog = { \
		.name = "bpftime.vm.jit." #prog, \
		.native = "native.vm." #prog, \
		.setup = open_jit_##prog, \
		.run = run_engine, \
		.teardown = close_vm, \
	}; \
	const struct bench_figure fig_bpftime_vm_interp_##prog = { \
		.name = "bpftime.vm.interp." #prog, \
		.native = "native.vm." #prog, \
		.setup = open_interp_##prog, \
		.run = run_engine, \
		.teardown = close_vm, \
		.insns_per_op = executed_insns, \
	}

VM_FIGURES(sieve);
VM_FIGURES(memcpy);
VM_FIGURES(strcmp);
VM_FIGURES(switch);
VM_FIGURES(log2);
VM_FIGURES(hash);
VM_FIGURES(arith);
