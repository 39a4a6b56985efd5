/*
 * The maps, perf buffers and programs the service sent, by id. Written by the control thread only,
 * read by probe hits (tail calls look programs up) without locks: an entry is published with a
 * release store once complete and never changed or freed afterwards, so a reader sees nothing or
 * the whole object. Ids index a table directly (the service hands them out from 1 upwards).
 * What the service frees is freed here too, and when the service goes away everything is
 * (objects_release_all), each once no thread can be running a program any more.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpftime_helpers.h"
#include "bpftime_jit_image.h"
#include "bpftime_map.h"
#include "bpftime_vm.h"
#include "control.h"
#include "control_read_section.h"

#define MAX_ID 65536u

int agent_no_jit;

static struct bpftime_map **maps;
static struct agent_prog **progs;
static struct agent_prog **all_progs; /* what progs held, for freeing after unpublishing */

static void *table(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int ensure_tables(void)
{
	if (!maps)
		maps = table(MAX_ID * sizeof(*maps));
	if (!progs)
		progs = table(MAX_ID * sizeof(*progs));
	if (!all_progs)
		all_progs = table(MAX_ID * sizeof(*all_progs));
	/* before the first program: what the GPR-safe helpers must not do inside one */
	bpftime_helpers_init();
	/* bpf_map_lookup_elem on a map of maps finds inner maps here by id */
	bpftime_helpers_set_map_resolver(objects_map);
	return maps && progs && all_progs ? 0 : -ENOMEM;
}

/* Called by bpf_map_lookup_elem on a map of maps, a GPR-safe helper (bpftime_helper_gpr_safe). */
__attribute__((target("general-regs-only"))) struct bpftime_map *objects_map(uint32_t id)
{
	return maps && id < MAX_ID ? __atomic_load_n(&maps[id], __ATOMIC_ACQUIRE) : NULL;
}

struct agent_prog *objects_prog(uint32_t id)
{
	return progs && id < MAX_ID ? __atomic_load_n(&progs[id], __ATOMIC_ACQUIRE) : NULL;
}

/* The maps library needs a memfd only to map it (bpftime_map_open); holding it after would cost the
 * process a descriptor per map: 500 maps would not fit above the application's descriptors under
 * the usual limit of 1024. */
static void opened_map(int memfd)
{
	close(memfd);
}

int objects_add_map(uint32_t id, int memfd, int eventfd)
{
	struct bpftime_map *m;
	int err = ensure_tables();

	if (!err && id >= MAX_ID)
		err = -ERANGE;
	if (!err && objects_map(id)) {
		/* a forked child already has it: these copies are not needed */
		close(memfd);
		if (eventfd >= 0)
			close(eventfd);
		return 0;
	}
	if (!err)
		err = bpftime_map_open(memfd, eventfd, &m);
	if (err) {
		agent_log("map %u: cannot open it: %s", id, strerror(-err));
		close(memfd);
		if (eventfd >= 0)
			close(eventfd);
		return err;
	}
	opened_map(memfd);
	__atomic_store_n(&maps[id], m, __ATOMIC_RELEASE);
	return 0;
}

/* A perf buffer registers itself with the maps library at open: bpftime_perf_event_output finds it
 * by the id a PERF_EVENT_ARRAY slot holds. Kept open for the process's life. */
#define MAX_PERF_BUFFERS 4096
static struct {
	uint32_t id;
	struct bpftime_map *map;
} perf_buffers[MAX_PERF_BUFFERS];
static unsigned nperf;

int objects_add_perf_buffer(uint32_t id, int memfd, int eventfd)
{
	struct bpftime_map *m;
	int err;

	for (unsigned i = 0; i < nperf; i++)
		if (perf_buffers[i].id == id) {
			close(memfd);
			close(eventfd);
			return 0;
		}
	if (nperf == MAX_PERF_BUFFERS)
		err = -ENOSPC;
	else
		err = bpftime_map_open(memfd, eventfd, &m);
	if (err) {
		agent_log("perf buffer %u: cannot open it: %s", id, strerror(-err));
		close(memfd);
		close(eventfd);
		return err;
	}
	opened_map(memfd);
	perf_buffers[nperf].id = id;
	perf_buffers[nperf].map = m;
	nperf++;
	return 0;
}

/* The memfd was closed once mapped (opened_map); the eventfd stays, for the helpers' wake-ups. */
static void close_map(struct bpftime_map *m)
{
	int eventfd = bpftime_map_eventfd(m);

	bpftime_map_close(m);
	if (eventfd >= 0)
		close(eventfd);
}

static void free_prog(struct agent_prog *p)
{
	if (p->image)
		bpftime_jit_image_free(p->image);
	if (p->vm)
		bpftime_vm_destroy(p->vm);
	free(p);
}

/* Its attachments are gone (the service detaches before it frees): once unpublished, only a thread
 * already inside it (a tail call) can reach it, and a grace period waits for those. */
void objects_free_prog(uint32_t id)
{
	struct agent_prog *p = id < MAX_ID && all_progs ? all_progs[id] : NULL;

	if (!p)
		return;
	__atomic_store_n(&progs[id], NULL, __ATOMIC_RELEASE);
	read_section_synchronize();
	all_progs[id] = NULL;
	free_prog(p);
	agent_log("program %u freed", id);
}

/* The programs that used it are freed already; a program that reached it through a map of maps
 * (its slot emptied before the service freed it) may still be running: the grace period waits. */
void objects_free_map(uint32_t id)
{
	struct bpftime_map *m = objects_map(id);

	if (!m)
		return;
	__atomic_store_n(&maps[id], NULL, __ATOMIC_RELEASE);
	read_section_synchronize();
	close_map(m);
	agent_log("map %u freed", id);
}

/* A program may be writing into it through a PERF_EVENT_ARRAY slot emptied a moment ago. */
void objects_free_perf_buffer(uint32_t id)
{
	for (unsigned i = 0; i < nperf; i++) {
		if (perf_buffers[i].id != id)
			continue;
		read_section_synchronize();
		close_map(perf_buffers[i].map);
		perf_buffers[i] = perf_buffers[--nperf];
		return;
	}
}

void objects_release_all(void)
{
	unsigned released = 0;

	if (!maps || !progs)
		return;
	/* Unpublished first (no tail call finds them), freed once no thread runs a program: the
	 * attachments are gone already, so a grace period covers every program still running. */
	for (uint32_t id = 0; id < MAX_ID; id++) {
		if (maps[id] || progs[id])
			released++;
		__atomic_store_n(&progs[id], NULL, __ATOMIC_RELEASE);
	}
	if (!released && !nperf)
		return;
	read_section_synchronize();
	for (uint32_t id = 0; id < MAX_ID; id++) {
		struct agent_prog *p = all_progs[id];
		struct bpftime_map *m = maps[id];
		if (p) {
			all_progs[id] = NULL;
			free_prog(p);
		}
		if (m) {
			maps[id] = NULL;
			close_map(m);
		}
	}
	for (unsigned i = 0; i < nperf; i++)
		close_map(perf_buffers[i].map);
	nperf = 0;
	agent_log("released %u maps and programs and every perf buffer", released);
}

/* What a lddw of a map stands for in this process: the map's handle, or its value's address (array
 * maps: BPF_PSEUDO_MAP_VALUE, array_map_direct_value_addr in kernel/bpf/arraymap.c). */
static int map_address(uint32_t kind, int32_t id, uint64_t *address)
{
	struct bpftime_map *m = objects_map((uint32_t)id);
	uint32_t zero = 0;

	if (!m)
		return -ENOENT;
	if (kind == BPFTIME_JIT_RELOC_MAP_FD || kind == BPFTIME_JIT_RELOC_MAP_IDX) {
		*address = (uintptr_t)m;
		return 0;
	}
	void *value = bpftime_map_lookup_elem(m, &zero);
	if (!value)
		return -ENOENT;
	*address = (uintptr_t)value;
	return 0;
}

static int resolve(void *arg, uint32_t kind, int32_t key, uint64_t *address)
{
	return map_address(kind, key, address);
}

static const struct bpftime_vm *vm_tail_call(void *cookie, uint64_t prog_array, uint32_t index)
{
	struct agent_prog *p = objects_prog(bpftime_fd_array_get((struct bpftime_map *)(uintptr_t)prog_array, index));
	return p ? p->vm : NULL;
}

/* The interpreter takes the instructions with each map reference replaced by its address. */
static int load_vm(struct agent_prog *p, const uint8_t *insns, size_t slots)
{
	uint8_t *code = malloc(slots * 8);
	char err[256];
	int rc = 0;

	if (!code)
		return -ENOMEM;
	memcpy(code, insns, slots * 8);
	for (size_t i = 0; i + 1 < slots && !rc; i++) {
		uint8_t *in = code + i * 8;
		if (in[0] != 0x18)
			continue;
		int src = in[1] >> 4;
		if (src == 1 || src == 2) {
			int32_t id, off;
			uint64_t address = 0;
			memcpy(&id, in + 4, 4);
			memcpy(&off, in + 12, 4);
			rc = map_address(src == 1 ? BPFTIME_JIT_RELOC_MAP_FD : BPFTIME_JIT_RELOC_MAP_VALUE, id, &address);
			if (src == 2)
				address += (uint32_t)off;
			in[1] &= 0x0f;
			uint32_t lo = (uint32_t)address, hi = (uint32_t)(address >> 32);
			memcpy(in + 4, &lo, 4);
			memcpy(in + 12, &hi, 4);
		}
		i++;
	}
	p->vm = rc ? NULL : bpftime_vm_create();
	if (!rc && !p->vm)
		rc = -ENOMEM;
	void *const *helpers = bpftime_helper_table();
	for (uint32_t id = 0; !rc && id < BPFTIME_HELPER_TABLE_SIZE; id++)
		if (helpers[id])
			bpftime_vm_register_helper(p->vm, id, (bpftime_helper_fn)helpers[id]);
	if (!rc) {
		bpftime_vm_set_tail_call_hook(p->vm, vm_tail_call, NULL);
		rc = bpftime_vm_load(p->vm, code, slots * 8, err, sizeof(err));
		if (rc)
			agent_log("program %u: the interpreter refused it: %s", p->id, err);
	}
	free(code);
	return rc;
}

int objects_add_prog(const struct agent_msg *m, const uint8_t *payload)
{
	size_t slots = m->a[1], code_len = m->a[2];
	size_t insn_bytes = slots * 8;
	struct agent_prog *p;
	int err = ensure_tables();

	if (err)
		return err;
	if (m->id >= MAX_ID || insn_bytes > m->payload_len || code_len > m->payload_len - insn_bytes ||
	    (m->payload_len - insn_bytes - code_len) % sizeof(struct agent_reloc) != 0) {
		agent_log("program %u: malformed message (%zu slots, %zu code bytes, payload %u)", m->id, slots,
			  code_len, m->payload_len);
		return -EPROTO;
	}
	if (objects_prog(m->id))
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->id = m->id;
	p->type = (uint32_t)m->a[0];
	p->calls_nothing = 1;
	for (size_t i = 0; i < slots; i++)
		if (payload[i * 8] == 0x85) /* BPF_JMP | BPF_CALL (include/uapi/linux/bpf.h) */
			p->calls_nothing = 0;
	p->gpr_only = bpftime_helpers_prog_gpr_only(payload, slots);
	if (code_len && !agent_no_jit) {
		const struct agent_reloc *r = (const void *)(payload + insn_bytes + code_len);
		size_t nrelocs = (m->payload_len - insn_bytes - code_len) / sizeof(*r);
		struct bpftime_jit_reloc *relocs = calloc(nrelocs ? nrelocs : 1, sizeof(*relocs));
		if (!relocs)
			err = -ENOMEM;
		for (size_t i = 0; !err && i < nrelocs; i++) {
			struct agent_reloc one;
			memcpy(&one, r + i, sizeof(one));
			relocs[i] = (struct bpftime_jit_reloc){ one.offset, one.kind, one.key, one.addend };
		}
		if (!err)
			err = bpftime_jit_image_load(payload + insn_bytes, code_len, m->a[3], relocs, nrelocs,
						     bpftime_helper_table(), BPFTIME_HELPER_TABLE_SIZE, resolve, NULL,
						     &p->image);
		free(relocs);
		if (!err) {
			p->entry = bpftime_jit_image_entry(p->image);
			p->tail_call_entry = (uint8_t *)(void *)p->entry - m->a[3] + m->a[4];
			p->frames = m->flags ? m->flags : 8; /* unknown: the most, so never too many */
		} else {
			agent_log("program %u: cannot link its JIT image (%s): interpreting it", p->id, strerror(-err));
		}
	} else if (!code_len) {
		agent_log("program %u: the JIT refused it at load: interpreting it", p->id);
	} else {
		agent_log("program %u: BPFTIME_NO_JIT=1: interpreting it", p->id);
	}
	if (!p->entry) {
		err = load_vm(p, payload, slots);
		if (err) {
			free(p);
			return err;
		}
	}
	all_progs[p->id] = p;
	__atomic_store_n(&progs[p->id], p, __ATOMIC_RELEASE);
	return 0;
}
