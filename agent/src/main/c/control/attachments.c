/*
 * The attachments the service sent: each installs its program at a uprobe or uretprobe (the probe
 * engine, bpftime_probe.h) or at a syscall tracepoint (syscall_tracepoints.c). Only the control
 * thread touches this table.
 *
 * A uprobe names a file and an offset, as the kernel's uprobe PMU does, and the kernel puts it into
 * every mapping of that file, present or future (kernel/events/uprobes.c, uprobe_mmap). Here an
 * attachment whose file is not mapped waits, and each time the dynamic loader mapped or unmapped
 * objects (dl_watch.c) attachments_remap installs the waiting ones whose file is now mapped, forgets
 * the installed ones whose file went away (nothing is written to the unmapped place: the engine sees
 * its patch is gone), and moves those whose file came back elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bpftime_probe.h"
#include "control.h"
#include "proc_maps.h"

#define MAX_ATTACHMENTS 4096

struct attachment {
	uint32_t id;
	uint32_t hook;
	int engine_id;          /* the engine's id: bpftime_probe_attach's (-1 while the file is not mapped),
				   or bpftime_tracepoint_attach's */
	uint16_t *semaphore;    /* USDT: the counter this attachment holds up */
	int confirmed;
	/* uprobes: what installs it again when its file is mapped again */
	const struct agent_prog *prog;
	char *path;
	uint32_t flags;
	uint64_t offset, ref_ctr, cookie;
	uintptr_t address;      /* where the engine installed it */
};

static struct attachment table[MAX_ATTACHMENTS];
static unsigned count;

static struct attachment *find(uint32_t id)
{
	for (unsigned i = 0; i < count; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

static int uprobes_on_files;
/* Engine ids of probes whose file was unmapped or moved: detached after the loading thread left. */
static int stale[MAX_ATTACHMENTS];
static unsigned nstale;

int attachments_on_files(void)
{
	return __atomic_load_n(&uprobes_on_files, __ATOMIC_RELAXED);
}

static int install_uprobe(struct attachment *a)
{
	struct bpftime_probe_spec spec = {
		.kind = (a->flags & AGENT_MSG_F_EXIT) ? BPFTIME_PROBE_RETURN : BPFTIME_PROBE_ENTRY,
		.path = a->path, .offset = a->offset,
	};
	struct bpftime_probe_prog prog = { .jit = a->prog->entry, .vm = a->prog->vm };
	if (a->prog->calls_nothing)
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS;
	else if (a->prog->gpr_only)
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY;
	struct bpftime_probe_info info;
	uint16_t *semaphore = NULL;
	int err = 0, id;

	if (a->ref_ctr) {
		semaphore = usdt_semaphore(a->path, a->ref_ctr, &err);
		if (!semaphore) {
			if (err != -ENOENT)
				agent_log("attachment %u: USDT semaphore at offset %#llx of %s not found: %s", a->id,
					  (unsigned long long)a->ref_ctr, a->path, strerror(-err));
			return err;
		}
	}
	id = bpftime_probe_attach(&spec, prog, a->cookie);
	if (id < 0)
		return id;
	a->engine_id = id;
	a->address = bpftime_probe_info(id, &info) == 0 ? (uintptr_t)info.address : 0;
	a->semaphore = semaphore;
	if (semaphore)
		__atomic_add_fetch(semaphore, 1, __ATOMIC_RELAXED);
	return 0;
}

/* The engine forgets the probe; the semaphore is written only where it is still mapped writable
 * (a library unloaded behind our back must not be written). */
static void uninstall_uprobe(struct attachment *a)
{
	if (a->engine_id >= 0)
		bpftime_probe_detach(a->engine_id);
	if (a->semaphore) {
		int prot = proc_maps_prot((uintptr_t)a->semaphore);
		if (prot >= 0 && (prot & PROT_WRITE) && !(prot & PROC_MAPS_SHARED))
			__atomic_sub_fetch(a->semaphore, 1, __ATOMIC_RELAXED);
	}
	a->engine_id = -1;
	a->semaphore = NULL;
}

static void log_installed(const struct attachment *a)
{
	agent_log("attachment %u of program %u installed (hook %u, %s%s%#llx%s)", a->id, a->prog->id, a->hook,
		  a->path ? a->path : "", a->path ? "+" : "nr ", (unsigned long long)a->offset,
		  (a->flags & AGENT_MSG_F_EXIT) ? ", exit" : "");
}

int attachments_add(const struct agent_msg *m, const char *path)
{
	struct attachment *a = find(m->id);
	const struct agent_prog *p = objects_prog((uint32_t)m->a[0]);
	int err;

	if (a) {
		a->confirmed = 1; /* inherited across fork: already installed */
		return 0;
	}
	if (!p) {
		agent_log("attachment %u: program %llu unknown", m->id, (unsigned long long)m->a[0]);
		return -ENOENT;
	}
	if (count == MAX_ATTACHMENTS)
		return -ENOSPC;
	a = &table[count];
	*a = (struct attachment){ .id = m->id, .hook = (uint32_t)m->a[1], .engine_id = -1, .confirmed = 1,
				  .prog = p, .flags = m->flags, .offset = m->a[2], .ref_ctr = m->a[3], .cookie = m->a[4] };
	switch (a->hook) {
	case AGENT_HOOK_UPROBE:
		if (path && !(a->path = strdup(path)))
			err = -ENOMEM;
		else if (!path)
			err = -EINVAL;
		else
			err = install_uprobe(a);
		if (err == -ENOENT) {
			agent_log("attachment %u of program %u waits for %s to be mapped", m->id, p->id, path);
			err = 0;
		} else if (err == 0) {
			log_installed(a);
		}
		if (err == 0) {
			__atomic_add_fetch(&uprobes_on_files, 1, __ATOMIC_RELAXED);
			dl_watch_start();
		}
		break;
	case AGENT_HOOK_SYSCALL_TRACEPOINT:
	case AGENT_HOOK_RAW_SYSCALL:
		a->engine_id = syscall_tp_add(p, a->hook == AGENT_HOOK_RAW_SYSCALL, (int)m->a[2],
					      (m->flags & AGENT_MSG_F_EXIT) != 0, m->a[4]);
		err = a->engine_id < 0 ? a->engine_id : 0;
		if (err == 0)
			log_installed(a);
		break;
	default:
		err = -EINVAL;
	}
	if (err) {
		agent_log("attachment %u of program %u (hook %u, %s%s%#llx): not installed: %s", m->id, p->id, a->hook,
			  path ? path : "", path ? "+" : "nr ", (unsigned long long)m->a[2], strerror(-err));
		free(a->path);
		return err;
	}
	count++;
	return 0;
}

long attachments_remap(void)
{
	for (unsigned i = 0; i < count; i++) {
		struct attachment *a = &table[i];
		uintptr_t now;
		int err;

		if (a->hook != AGENT_HOOK_UPROBE)
			continue;
		int mapped = proc_maps_resolve(a->path, a->offset, &now) == 0;
		if (a->engine_id >= 0) {
			if (mapped && now == a->address)
				continue;
			/* unmapped (dlclose), or mapped again elsewhere: what we wrote there is gone */
			if (nstale < MAX_ATTACHMENTS)
				stale[nstale++] = a->engine_id;
			a->engine_id = -1;
			a->semaphore = NULL;
			if (!mapped)
				agent_log("attachment %u: %s was unmapped; waits for it to be mapped again", a->id, a->path);
		}
		if (!mapped)
			continue;
		err = install_uprobe(a);
		if (err == 0)
			log_installed(a);
		else if (err != -ENOENT)
			agent_log("attachment %u of program %u (%s+%#llx): not installed: %s", a->id, a->prog->id, a->path,
				  (unsigned long long)a->offset, strerror(-err));
	}
	return 0;
}

void attachments_release_stale(pid_t loading_thread)
{
	while (nstale)
		bpftime_probe_detach_parked(stale[--nstale], loading_thread);
}

static void uninstall(struct attachment *a)
{
	if (a->hook == AGENT_HOOK_UPROBE) {
		uninstall_uprobe(a);
		free(a->path);
		__atomic_sub_fetch(&uprobes_on_files, 1, __ATOMIC_RELAXED);
	} else {
		syscall_tp_remove(a->engine_id);
	}
	agent_log("attachment %u removed", a->id);
	*a = table[--count];
}

int attachments_remove(uint32_t id)
{
	struct attachment *a = find(id);

	if (!a)
		return -ENOENT;
	uninstall(a);
	return 0;
}

void attachments_remove_all(void)
{
	while (count)
		uninstall(&table[count - 1]);
}

void attachments_unconfirm_all(void)
{
	for (unsigned i = 0; i < count; i++)
		table[i].confirmed = 0;
}

void attachments_remove_unconfirmed(void)
{
	for (unsigned i = count; i-- > 0;)
		if (!table[i].confirmed)
			uninstall(&table[i]);
}
