/* The engine's layout as generated code sees it (trampoline_fast.h). */
#include <stddef.h>
#include <string.h>

#include "probe_site.h"
#include "thread_state.h"
#include "trampoline_fast.h"

_Static_assert(offsetof(struct probe_thread, word) == 0, "the read-side word first");
_Static_assert(sizeof(struct shadow_entry) == 24, "struct shadow_entry: ret, slot | chained << 63, site");
_Static_assert(offsetof(struct shadow_entry, ret) == 0 && offsetof(struct shadow_entry, site) == 16,
	       "struct shadow_entry: ret, slot | chained << 63, site");

/* Bit-field allocation is the ABI's (System V: from the low bits), checked once rather than assumed. */
static int slot_word_as_expected(void)
{
	struct shadow_entry probe = { 0, 0x1234, 1, NULL };
	uint64_t words[3];
	memcpy(words, &probe, sizeof(words));
	return words[1] == (0x1234ull | 1ull << 63);
}

const struct trampoline_layout *probe_layout(void)
{
	static struct trampoline_layout layout;
	static int state; /* 0 unknown, 1 usable, -1 not */
	if (!state) {
		layout = (struct trampoline_layout){
			.thread_tp_offset = (int32_t)probe_thread_self_tp_offset(),
			.thread_depth = (int32_t)offsetof(struct probe_thread, depth),
			.thread_shadow = (int32_t)offsetof(struct probe_thread, shadow),
			.shadow_depth = SHADOW_DEPTH,
			.site_entry = (int32_t)offsetof(struct probe_site, entry),
			.site_ret_direct = (int32_t)offsetof(struct probe_site, ret_direct),
		};
		state = slot_word_as_expected() ? 1 : -1;
	}
	return state > 0 ? &layout : NULL;
}
