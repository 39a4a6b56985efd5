/*
 * Copies of map values. A value with a struct bpf_spin_lock is copied around the lock word, as the
 * kernel's copy_map_value() skips special fields, and a copy handed to user space has the lock
 * word zeroed (check_and_init_map_value()). BPF_F_LOCK copies hold the value's lock
 * (copy_map_value_locked(), kernel/bpf/helpers.c).
 */
#include "bpftime_gpr_only.h"
#include "bpftime_spin_lock.h"
#include "map_internal.h"

void value_copy(const struct bpftime_map *m, void *dst, const void *src)
{
	if (m->spin_lock_off < 0) {
		bpftime_gpr_copy(dst, src, m->value_size);
		return;
	}
	uint32_t off = (uint32_t)m->spin_lock_off, end = off + 4;
	bpftime_gpr_copy(dst, src, off);
	bpftime_gpr_copy((uint8_t *)dst + end, (const uint8_t *)src + end, m->value_size - end);
}

void value_copy_locked(const struct bpftime_map *m, void *dst, const void *src, bool lock_src)
{
	void *lock = (uint8_t *)(lock_src ? (void *)src : dst) + m->spin_lock_off;
	bpftime_bpf_spin_lock(lock);
	value_copy(m, dst, src);
	bpftime_bpf_spin_unlock(lock);
}

void value_zero_special(const struct bpftime_map *m, void *dst)
{
	if (m->spin_lock_off >= 0)
		memset((uint8_t *)dst + m->spin_lock_off, 0, 4);
}
