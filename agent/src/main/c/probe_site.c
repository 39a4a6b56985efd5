/*
 * The site table and the patching protocol.
 *
 * Arming an inline site follows the kernel's text_poke_bp (arch/x86/kernel/alternative.c): write
 * int3 over the first byte and synchronise every CPU; from then on a thread reaching the site traps
 * and the SIGTRAP handler sends it to the trampoline (int3_trap.c). Wait until no thread can resume
 * between the old instructions (thread_quiesce.c), write the jump's tail, synchronise, write the
 * jump's first byte, synchronise. No thread ever fetches a half-written instruction: it sees the
 * old bytes, int3, or the whole jump. Disarming runs the same steps backwards with the old bytes.
 */
#include <errno.h>
#include <string.h>

#include "cpu_sync.h"
#include "proc_maps.h"
#include "probe_site.h"
#include "text_patch.h"
#include "thread_quiesce.h"

#define TABLE_SIZE 8192 /* open addressing; sites are never removed */
#define INT3 0xcc

static struct probe_site *table[TABLE_SIZE];
static unsigned nsites;

static unsigned hash(uintptr_t addr)
{
	return (unsigned)((addr * 0x9e3779b97f4a7c15ull) >> 51) & (TABLE_SIZE - 1);
}

struct probe_site *site_lookup(uintptr_t addr)
{
	for (unsigned i = hash(addr), n = 0; n < TABLE_SIZE; i = (i + 1) & (TABLE_SIZE - 1), n++) {
		struct probe_site *s = __atomic_load_n(&table[i], __ATOMIC_ACQUIRE);
		if (!s)
			return NULL;
		if (s->addr == addr)
			return s;
	}
	return NULL;
}

int site_publish(struct probe_site *site)
{
	for (unsigned i = hash(site->addr), n = 0; n < TABLE_SIZE; i = (i + 1) & (TABLE_SIZE - 1), n++) {
		struct probe_site *s = table[i];
		if (!s) {
			if (nsites + 1 >= TABLE_SIZE * 3 / 4)
				return -ENOSPC;
			nsites++;
			__atomic_store_n(&table[i], site, __ATOMIC_RELEASE);
			return 0;
		}
		if (s->addr == site->addr) {
			__atomic_store_n(&table[i], site, __ATOMIC_RELEASE);
			return 0;
		}
	}
	return -ENOSPC;
}

static void jump_bytes(const struct probe_site *s, uint8_t *out)
{
	int32_t rel = (int32_t)((int64_t)s->trampoline - (int64_t)(s->addr + 5));
	out[0] = 0xe9;
	memcpy(out + 1, &rel, 4);
	/* Bytes of displaced instructions after the jump are never reached (no branch targets them,
	 * probe_plan.c); int3 makes a mistake there loud instead of silent. */
	for (unsigned i = 5; i < s->patch_len; i++)
		out[i] = INT3;
}

int site_upgrade(struct probe_site *s)
{
	if (!s->upgrade)
		return s->mode == BPFTIME_PROBE_MODE_INLINE;
	if (!quiesce_check(s->upgrade))
		return 0;
	struct text_window w;
	int err = text_window_open(s->addr, s->patch_len, &w);
	if (err)
		return err;
	uint8_t jmp[SITE_MAX_PATCH];
	jump_bytes(s, jmp);
	text_write(s->addr + 1, jmp + 1, s->patch_len - 1);
	cpu_sync_cores();
	text_write_byte(s->addr, jmp[0]);
	cpu_sync_cores();
	text_window_close(&w);
	quiesce_end(s->upgrade);
	s->upgrade = NULL;
	s->mode = BPFTIME_PROBE_MODE_INLINE;
	return 1;
}

int site_arm(struct probe_site *s)
{
	struct text_window w;
	int err = text_window_open(s->addr, 1, &w);
	if (err)
		return err;
	text_write_byte(s->addr, INT3);
	cpu_sync_cores();
	text_window_close(&w);
	s->armed = 1;
	s->mode = BPFTIME_PROBE_MODE_INT3;
	if (!s->trampoline)
		return 0;
	/* The SIGTRAP handler sends hits to the trampoline meanwhile: correct, only slower. */
	if (quiesce_begin(s->addr + 1, s->addr + s->patch_len, &s->upgrade))
		return 0;
	site_upgrade(s);
	return 0;
}

/* Whether the code at the site is still what arming wrote: the library may have been unloaded and
 * other code mapped there, which must not be "restored". */
int site_intact(const struct probe_site *s)
{
	if (proc_maps_prot(s->addr) < 0 || proc_maps_prot(s->addr + s->patch_len - 1) < 0)
		return 0;
	if (s->mode != BPFTIME_PROBE_MODE_INLINE)
		return *(const volatile uint8_t *)s->addr == INT3;
	uint8_t jmp[SITE_MAX_PATCH];
	jump_bytes(s, jmp);
	return memcmp((const void *)s->addr, jmp, s->patch_len) == 0;
}

int site_disarm(struct probe_site *s)
{
	struct text_window w;
	if (!site_intact(s)) {
		/* nothing of ours left to remove */
		if (s->upgrade)
			quiesce_end(s->upgrade);
		s->upgrade = NULL;
		s->armed = 0;
		return 0;
	}
	int err = text_window_open(s->addr, s->patch_len, &w);
	if (err)
		return err;
	if (s->upgrade) {
		quiesce_end(s->upgrade);
		s->upgrade = NULL;
	}
	if (s->mode == BPFTIME_PROBE_MODE_INLINE) {
		text_write_byte(s->addr, INT3);
		cpu_sync_cores();
		text_write(s->addr + 1, s->orig + 1, s->patch_len - 1);
		cpu_sync_cores();
	}
	text_write_byte(s->addr, s->orig[0]);
	cpu_sync_cores();
	s->armed = 0;
	text_window_close(&w);
	return 0;
}
