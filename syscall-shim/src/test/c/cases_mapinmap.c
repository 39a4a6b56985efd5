/*
 * Maps of maps (BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_HASH_OF_MAPS) as libbpf's bpf.c calls them:
 * creation with inner_map_fd (array_of_map_alloc(), htab_of_map_alloc(), bpf_map_meta_alloc() in
 * kernel/bpf/map_in_map.c: which inner types are refused, errnos in the kernel's order), updates
 * with a map descriptor as value checked against the template (bpf_map_meta_equal(),
 * array_map_meta_equal()), lookups that give the inner map's id, delete, next key, the batch
 * commands, and lifetime: an inner map lives while a slot holds it, with no descriptor left.
 * Ids are global in the kernel, so only whether an id names the expected map is printed.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <time.h>

/* A descriptor is "ok" whatever its number: the numbers of this group are not the point. */
#define EXPECT_FD(name, want_errno, call) \
	do { \
		long r_ = (call); \
		int e_ = errno; \
		expect_ret(name, want_errno ? -1 : 0, want_errno, r_ >= 0 ? 0 : r_, e_); \
		if (r_ >= 0) \
			close((int)r_); \
	} while (0)

static long put(int outer, __u32 key, int inner_fd, __u64 flags)
{
	__u32 v = (__u32)inner_fd;
	return map_elem(BPF_MAP_UPDATE_ELEM, outer, &key, &v, flags);
}

static long get(int outer, __u32 key, __u32 *id)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, outer, &key, id, 0);
}

static __u32 id_of(int fd)
{
	struct bpf_map_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0 ? info.id : 0;
}

static long fd_by_id(__u32 id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	return sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, offsetof(union bpf_attr, open_flags) + 4);
}

/* Whether the map with this id is gone within 2 s: the kernel frees an outer map's slots in a work
 * item after its last reference (bpf_map_free_deferred), so the inner maps go a moment later. */
static const char *gone_soon(__u32 id)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 200; i++) {
		long fd = fd_by_id(id);
		if (fd < 0)
			return errno == ENOENT ? "gone" : errno_name(errno);
		close((int)fd);
		nanosleep(&pause, NULL);
	}
	return "alive";
}

static long array(__u32 max, __u32 flags)
{
	return map_create(BPF_MAP_TYPE_ARRAY, 4, 8, max, flags, 0, NULL);
}

/* Which inner map types the kernel accepts as template (map_meta_equal present, one level only). */
static void templates(void)
{
	static const struct {
		__u32 type, key, value, max;
		const char *name;
	} inner[] = {
		{ BPF_MAP_TYPE_HASH, 4, 8, 4, "hash" },
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, "array" },
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, "prog_array" },
		{ BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4, "perf_event_array" },
		{ BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, "percpu_hash" },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, "percpu_array" },
		{ BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 4, "cgroup_array" },
		{ BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, "lru_hash" },
		{ BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 4, "lru_percpu_hash" },
		{ BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, "ringbuf" },
	};
	char name[96];

	for (unsigned i = 0; i < sizeof(inner) / sizeof(inner[0]); i++) {
		long in = map_create(inner[i].type, inner[i].key, inner[i].value, inner[i].max, 0, 0, NULL);
		long aom = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)in, NULL);
		int aom_errno = errno;
		long hom = map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, (int)in, NULL);
		int hom_errno = errno;

		snprintf(name, sizeof(name), "mapinmap.template.%s.array_of_maps", inner[i].name);
		expect_ret(name, 0, inner[i].type == BPF_MAP_TYPE_PROG_ARRAY ? 524 : 0, aom < 0 ? aom : 0, aom_errno);
		snprintf(name, sizeof(name), "mapinmap.template.%s.hash_of_maps", inner[i].name);
		expect_ret(name, 0, inner[i].type == BPF_MAP_TYPE_PROG_ARRAY ? 524 : 0, hom < 0 ? hom : 0, hom_errno);
		if (aom >= 0) {
			snprintf(name, sizeof(name), "mapinmap.template.%s.nested", inner[i].name);
			EXPECT_FD(name, EINVAL, map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, (int)aom, NULL));
			close((int)aom);
		}
		if (hom >= 0)
			close((int)hom);
		close((int)in);
	}
}

/* map_create(): the type's alloc_check, then inner_map_fd, then allocation, then the name. */
static void creation(void)
{
	long in = array(4, 0);
	long prog = load_prog(prog_ret0, 2, NULL, NULL);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	EXPECT_FD("mapinmap.create.bad_fd", EBADF, map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, 999, NULL));
	EXPECT_FD("mapinmap.create.prog_fd", EINVAL,
		   map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)prog, NULL));
	EXPECT_FD("mapinmap.create.file_fd", EINVAL, map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, devnull, NULL));
	EXPECT_FD("mapinmap.create.value_8_bad_fd", EINVAL,
		  map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 8, 2, 0, 999, NULL));
	EXPECT_FD("mapinmap.create.hash_value_8_bad_fd", EINVAL,
		  map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 8, 2, 0, 999, NULL));
	EXPECT_FD("mapinmap.create.key_8", EINVAL, map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 8, 4, 2, 0, (int)in, NULL));
	EXPECT_FD("mapinmap.create.hash_key_0", EINVAL,
		   map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 0, 4, 2, 0, (int)in, NULL));
	EXPECT_FD("mapinmap.create.max_0", EINVAL, map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 0, 0, (int)in, NULL));
	EXPECT_FD("mapinmap.create.hash_max_0", EINVAL,
		   map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 0, 0, (int)in, NULL));
	EXPECT_FD("mapinmap.create.mmapable", EINVAL,
		  map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, BPF_F_MMAPABLE, (int)in, NULL));
	EXPECT_FD("mapinmap.create.inner_map_flag", EINVAL,
		  map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, BPF_F_INNER_MAP, (int)in, NULL));
	EXPECT_FD("mapinmap.create.no_prealloc", EINVAL,
		  map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, BPF_F_NO_PREALLOC, (int)in, NULL));
	EXPECT_FD("mapinmap.create.hash_no_prealloc", 0,
		  map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, BPF_F_NO_PREALLOC, (int)in, NULL));
	EXPECT_FD("mapinmap.create.rdonly_prog", EINVAL,
		  map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, BPF_F_RDONLY_PROG, (int)in, NULL));
	EXPECT_FD("mapinmap.create.hash_rdonly_prog", 0,
		  map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, BPF_F_RDONLY_PROG, (int)in, NULL));
	EXPECT_FD("mapinmap.create.hash_no_common_lru", EINVAL,
		  map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, BPF_F_NO_COMMON_LRU, (int)in, NULL));
	EXPECT_FD("mapinmap.create.bad_name_bad_fd", EBADF,
		  map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, 999, "a-b"));
	EXPECT_FD("mapinmap.create.bad_name", EINVAL,
		   map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)in, "a-b"));
	EXPECT_FD("mapinmap.create.named", 0, map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, (int)in, "outer.1"));
	/* other types ignore inner_map_fd */
	EXPECT_FD("mapinmap.create.array_ignores_inner_fd", 0, map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 999, NULL));
	close(devnull);
	close((int)prog);
	close((int)in);
}

static long hash_outer_for_freeze(int tmpl)
{
	return map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, tmpl, NULL);
}

static void array_of_maps(void)
{
	long tmpl = array(4, 0), same = array(4, 0), bigger = array(8, 0), inner_flag = array(4, BPF_F_INNER_MAP);
	long hash = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, NULL);
	long ro = array(4, BPF_F_RDONLY), ro_prog = array(4, BPF_F_RDONLY_PROG);
	long outer = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 3, 0, (int)tmpl, NULL);
	long ro_outer = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 3, BPF_F_RDONLY, (int)tmpl, NULL);
	long prog = load_prog(prog_ret0, 2, NULL, NULL);
	__u32 id = 0, key, next;

	EXPECT_CALL("mapinmap.array.update", 0, 0, put((int)outer, 0, (int)same, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_template_itself", 0, 0, put((int)outer, 2, (int)tmpl, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_bigger", -1, EINVAL, put((int)outer, 1, (int)bigger, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_inner_flag", -1, EINVAL, put((int)outer, 1, (int)inner_flag, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_hash", -1, EINVAL, put((int)outer, 1, (int)hash, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_rdonly_fd_map", 0, 0, put((int)outer, 1, (int)ro, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_rdonly_prog_map", -1, EINVAL, put((int)outer, 1, (int)ro_prog, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_noexist", -1, EINVAL, put((int)outer, 1, (int)same, BPF_NOEXIST));
	EXPECT_CALL("mapinmap.array.update_noexist_bad_fd", -1, EINVAL, put((int)outer, 1, 999, BPF_NOEXIST));
	EXPECT_CALL("mapinmap.array.update_index_3", -1, E2BIG, put((int)outer, 3, (int)same, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_index_3_bad_fd", -1, E2BIG, put((int)outer, 3, 999, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_bad_fd", -1, EBADF, put((int)outer, 1, 999, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_prog_fd", -1, EINVAL, put((int)outer, 1, (int)prog, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_itself", -1, EINVAL, put((int)outer, 1, (int)outer, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_lock", -1, EINVAL, put((int)outer, 1, (int)same, BPF_F_LOCK));
	EXPECT_CALL("mapinmap.array.update_rdonly_outer", -1, EPERM, put((int)ro_outer, 1, (int)same, BPF_ANY));
	EXPECT_CALL("mapinmap.array.update_null_value", -1, EFAULT,
		   map_elem(BPF_MAP_UPDATE_ELEM, (int)outer, &id, NULL, 0));

	EXPECT_CALL("mapinmap.array.lookup", 0, 0, get((int)outer, 0, &id));
	expect_str("mapinmap.array.lookup_is_inner_id", "yes", id == id_of((int)same) && id ? "yes" : "no");
	EXPECT_CALL("mapinmap.array.lookup_rdonly_map_slot", 0, 0, get((int)outer, 1, &id));
	expect_str("mapinmap.array.lookup_rdonly_is_its_id", "yes", id == id_of((int)ro) ? "yes" : "no");
	EXPECT_CALL("mapinmap.array.lookup_index_7", -1, ENOENT, get((int)outer, 7, &id));
	key = 0;
	EXPECT_CALL("mapinmap.array.lookup_lock", -1, EINVAL,
		   map_elem(BPF_MAP_LOOKUP_ELEM, (int)outer, &key, &id, BPF_F_LOCK));
	EXPECT_CALL("mapinmap.array.lookup_and_delete", -1, 524,
	       map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, (int)outer, &key, &id, 0));
	EXPECT_CALL("mapinmap.array.next_key_null", 0, 0, map_elem(BPF_MAP_GET_NEXT_KEY, (int)outer, NULL, &next, 0));
	expect_long("mapinmap.array.next_key_null_is", 0, next);
	key = 2;
	EXPECT_CALL("mapinmap.array.next_key_last", -1, ENOENT,
		   map_elem(BPF_MAP_GET_NEXT_KEY, (int)outer, &key, &next, 0));

	void *mapped = mmap(NULL, 4096, PROT_READ, MAP_SHARED, (int)outer, 0);
	expect_str("mapinmap.array.mmap", "ENOTSUPP", mapped == MAP_FAILED ? errno_name(errno) : "mapped");
	if (mapped != MAP_FAILED)
		munmap(mapped, 4096);
	union bpf_attr freeze;
	memset(&freeze, 0, sizeof(freeze));
	freeze.map_fd = (__u32)hash_outer_for_freeze((int)tmpl);
	EXPECT_CALL("mapinmap.hash.freeze", 0, 0, sys_bpf(BPF_MAP_FREEZE, &freeze, sizeof(freeze)));
	EXPECT_CALL("mapinmap.hash.update_frozen", -1, EPERM, put((int)freeze.map_fd, 1, (int)same, BPF_ANY));
	close((int)freeze.map_fd);
	key = 0;
	EXPECT_CALL("mapinmap.array.delete", 0, 0, map_elem(BPF_MAP_DELETE_ELEM, (int)outer, &key, NULL, 0));
	EXPECT_CALL("mapinmap.array.delete_again", -1, ENOENT,
		   map_elem(BPF_MAP_DELETE_ELEM, (int)outer, &key, NULL, 0));
	EXPECT_CALL("mapinmap.array.lookup_deleted", -1, ENOENT, get((int)outer, 0, &id));
	key = 3;
	EXPECT_CALL("mapinmap.array.delete_index_3", -1, E2BIG,
		   map_elem(BPF_MAP_DELETE_ELEM, (int)outer, &key, NULL, 0));

	/* BPF_F_INNER_MAP in the template: an ARRAY of any size with the same flags fits */
	long flexible = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)inner_flag, NULL);
	long big_flag = array(64, BPF_F_INNER_MAP);
	EXPECT_CALL("mapinmap.array.inner_flag_bigger", 0, 0, put((int)flexible, 0, (int)big_flag, BPF_ANY));
	EXPECT_CALL("mapinmap.array.inner_flag_plain", -1, EINVAL, put((int)flexible, 1, (int)same, BPF_ANY));
	/* non-ARRAY inner maps: max_entries is not part of the shape */
	long hash_outer = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)hash, NULL);
	long big_hash = map_create(BPF_MAP_TYPE_HASH, 4, 8, 64, 0, 0, NULL);
	long percpu = map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 0, NULL);
	long percpu_big = map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 64, 0, 0, NULL);
	long percpu_outer = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)percpu, NULL);
	EXPECT_CALL("mapinmap.array.hash_bigger", 0, 0, put((int)hash_outer, 0, (int)big_hash, BPF_ANY));
	EXPECT_CALL("mapinmap.array.percpu_array_bigger", 0, 0, put((int)percpu_outer, 0, (int)percpu_big, BPF_ANY));

	long fds[] = { tmpl, same, bigger, inner_flag, hash, ro, ro_prog, outer, ro_outer, prog, flexible, big_flag,
		       hash_outer, big_hash, percpu, percpu_big, percpu_outer };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close((int)fds[i]);
}

static void hash_of_maps(void)
{
	long tmpl = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, NULL);
	long a = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, NULL);
	long b = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, NULL);
	long other = map_create(BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, 0, NULL);
	long outer = map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, (int)tmpl, NULL);
	__u32 id = 0, key, next, n = 0;

	EXPECT_CALL("mapinmap.hash.update_noexist", 0, 0, put((int)outer, 10, (int)a, BPF_NOEXIST));
	EXPECT_CALL("mapinmap.hash.update_noexist_again", -1, EEXIST, put((int)outer, 10, (int)b, BPF_NOEXIST));
	EXPECT_CALL("mapinmap.hash.update_exist_missing", -1, ENOENT, put((int)outer, 11, (int)b, BPF_EXIST));
	EXPECT_CALL("mapinmap.hash.update_lock", -1, EINVAL, put((int)outer, 11, (int)b, BPF_F_LOCK));
	EXPECT_CALL("mapinmap.hash.update_lock_bad_fd", -1, EINVAL, put((int)outer, 11, 999, BPF_F_LOCK));
	EXPECT_CALL("mapinmap.hash.update_flags_8", -1, EINVAL, put((int)outer, 11, (int)b, 8));
	EXPECT_CALL("mapinmap.hash.update_flags_8_bad_fd", -1, EBADF, put((int)outer, 11, 999, 8));
	EXPECT_CALL("mapinmap.hash.update_exist_bad_fd", -1, EBADF, put((int)outer, 11, 999, BPF_EXIST));
	EXPECT_CALL("mapinmap.hash.update_lru", -1, EINVAL, put((int)outer, 11, (int)other, BPF_ANY));
	EXPECT_CALL("mapinmap.hash.update_second", 0, 0, put((int)outer, 11, (int)b, BPF_ANY));
	EXPECT_CALL("mapinmap.hash.update_full", -1, E2BIG, put((int)outer, 12, (int)b, BPF_ANY));
	EXPECT_CALL("mapinmap.hash.update_replace", 0, 0, put((int)outer, 10, (int)b, BPF_EXIST));
	EXPECT_CALL("mapinmap.hash.lookup", 0, 0, get((int)outer, 10, &id));
	expect_str("mapinmap.hash.lookup_is_replacement", "yes", id == id_of((int)b) && id ? "yes" : "no");
	EXPECT_CALL("mapinmap.hash.lookup_missing", -1, ENOENT, get((int)outer, 12, &id));
	key = 10;
	EXPECT_CALL("mapinmap.hash.lookup_and_delete", -1, 524,
	       map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, (int)outer, &key, &id, 0));
	for (long r = map_elem(BPF_MAP_GET_NEXT_KEY, (int)outer, NULL, &next, 0); r == 0 && n < 10;
	     r = map_elem(BPF_MAP_GET_NEXT_KEY, (int)outer, &key, &next, 0)) {
		key = next;
		n++;
	}
	expect_long("mapinmap.hash.walk_count", 2, n);
	key = 11;
	EXPECT_CALL("mapinmap.hash.delete", 0, 0, map_elem(BPF_MAP_DELETE_ELEM, (int)outer, &key, NULL, 0));
	EXPECT_CALL("mapinmap.hash.delete_again", -1, ENOENT, map_elem(BPF_MAP_DELETE_ELEM, (int)outer, &key, NULL, 0));
	long fds[] = { tmpl, a, b, other, outer };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close((int)fds[i]);
}

static long batch(int cmd, int fd, void *keys, void *values, __u32 *count)
{
	static __u64 out_batch;
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = (__u32)fd;
	attr.batch.out_batch = (__u64)(unsigned long)&out_batch;
	attr.batch.keys = (__u64)(unsigned long)keys;
	attr.batch.values = (__u64)(unsigned long)values;
	attr.batch.count = *count;
	r = sys_bpf(cmd, &attr, offsetof(union bpf_attr, batch.flags) + 8);
	*count = attr.batch.count;
	return r;
}

static void batches(void)
{
	static const struct {
		__u32 type;
		const char *name;
	} outers[] = { { BPF_MAP_TYPE_ARRAY_OF_MAPS, "array" }, { BPF_MAP_TYPE_HASH_OF_MAPS, "hash" } };
	char name[96];

	for (unsigned o = 0; o < 2; o++) {
		long tmpl = array(4, 0), bigger = array(8, 0);
		long outer = map_create(outers[o].type, 4, 4, 3, 0, (int)tmpl, NULL);
		__u32 keys[8] = { 0, 1, 2 }, values[8] = { (__u32)tmpl, (__u32)tmpl, (__u32)bigger }, count = 3;
		long r;

		r = batch(BPF_MAP_UPDATE_BATCH, (int)outer, keys, values, &count);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.update_third_mismatched", outers[o].name);
		EXPECT_CALL(name, -1, EINVAL, r);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.update_count", outers[o].name);
		expect_long(name, 2, count);
		memset(values, 0, sizeof(values));
		count = 8;
		r = batch(BPF_MAP_LOOKUP_BATCH, (int)outer, keys, values, &count);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.lookup", outers[o].name);
		EXPECT_CALL(name, -1, ENOENT, r);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.lookup_count", outers[o].name);
		expect_long(name, 2, count);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.lookup_ids", outers[o].name);
		expect_str(name, "yes", values[0] == id_of((int)tmpl) && values[1] == values[0] ? "yes" : "no");
		count = 1;
		keys[0] = 0;
		r = batch(BPF_MAP_DELETE_BATCH, (int)outer, keys, values, &count);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.delete", outers[o].name);
		EXPECT_CALL(name, outers[o].type == BPF_MAP_TYPE_HASH_OF_MAPS ? 0 : -1,
		       outers[o].type == BPF_MAP_TYPE_HASH_OF_MAPS ? 0 : 524, r);
		count = 8;
		r = batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, (int)outer, keys, values, &count);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.lookup_and_delete", outers[o].name);
		EXPECT_CALL(name, -1, outers[o].type == BPF_MAP_TYPE_HASH_OF_MAPS ? ENOENT : 524, r);
		snprintf(name, sizeof(name), "mapinmap.batch.%s.lookup_and_delete_count", outers[o].name);
		expect_long(name, outers[o].type == BPF_MAP_TYPE_HASH_OF_MAPS ? 1 : 8, count);
		close((int)tmpl);
		close((int)bigger);
		close((int)outer);
	}
}

/* bpf_map_info of an outer map: what bpftool map show prints. */
static void info(void)
{
	long tmpl = array(4, 0);
	long outer = map_create(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 7, BPF_F_NO_PREALLOC, (int)tmpl, "outer");
	struct bpf_map_info mi;
	union bpf_attr attr;

	memset(&mi, 0, sizeof(mi));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)outer;
	attr.info.info_len = sizeof(mi);
	attr.info.info = (__u64)(unsigned long)&mi;
	EXPECT_CALL("mapinmap.info", 0, 0, sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)));
	observe("mapinmap.info.fields", "type %u key %u value %u max %u flags 0x%x name %s", mi.type, mi.key_size,
		mi.value_size, mi.max_entries, mi.map_flags, mi.name);
	close((int)tmpl);
	close((int)outer);
}

/* Replaces every occurrence of from with to in line (in place, line has room for cap bytes). */
static void replace_all(char *line, size_t cap, const char *from, const char *to)
{
	char out[4096];
	size_t n = 0, fl = strlen(from), tl = strlen(to);

	for (const char *p = line; *p && n + tl + 1 < sizeof(out);) {
		if (fl && !strncmp(p, from, fl)) {
			memcpy(out + n, to, tl);
			n += tl;
			p += fl;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
	snprintf(line, cap, "%s", out);
}

/* bpftool's view of a map of maps (what `bpftool map show` and `map dump` print), with what differs by
 * nature made neutral: the outer id, the inner id in the dumped values, the kernel's memlock figure, and
 * the "pids" line only a kernel with BPF iterators gives. */
static void bpftool_view(void)
{
	static const char *const commands[] = { "map show id %u", "map dump id %u", "-j map dump id %u" };
	long tmpl = array(4, 0), inner = array(4, 0);
	long outer = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, (int)tmpl, "outer_shown");
	__u32 outer_id = id_of((int)outer), inner_id = id_of((int)inner);
	char cmd[128], line[4096], name[64], from[64];

	put((int)outer, 1, (int)inner, BPF_ANY);
	if (access("/usr/sbin/bpftool", X_OK) != 0) {
		observe("mapinmap.bpftool", "not installed");
		goto out;
	}
	for (unsigned c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		int n = 0;

		snprintf(cmd, sizeof(cmd), "/usr/sbin/bpftool ");
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), commands[c], outer_id);
		strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
		FILE *f = popen(cmd, "r");
		if (!f) {
			observe("mapinmap.bpftool", "popen: %s", errno_name(errno));
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			char *memlock = strstr(line, "  memlock ");
			line[strcspn(line, "\n")] = 0;
			if (!strncmp(line, "\tpids ", 6))
				continue;
			if (memlock)
				*memlock = 0;
			snprintf(from, sizeof(from), "%u:", outer_id);
			if (!strncmp(line, from, strlen(from)))
				replace_all(line, sizeof(line), from, "OUTER:");
			snprintf(from, sizeof(from), "%02x %02x %02x %02x", inner_id & 0xff, (inner_id >> 8) & 0xff,
				 (inner_id >> 16) & 0xff, inner_id >> 24);
			replace_all(line, sizeof(line), from, "INNER_ID");
			snprintf(from, sizeof(from), "\"0x%02x\",\"0x%02x\",\"0x%02x\",\"0x%02x\"", inner_id & 0xff,
				 (inner_id >> 8) & 0xff, (inner_id >> 16) & 0xff, inner_id >> 24);
			replace_all(line, sizeof(line), from, "INNER_ID");
			snprintf(name, sizeof(name), "mapinmap.bpftool.%u.%d", c, n++);
			observe(name, "%s", line);
		}
		snprintf(name, sizeof(name), "mapinmap.bpftool.%u.status", c);
		expect_long(name, 0, pclose(f));
	}
out:
	close((int)tmpl);
	close((int)inner);
	close((int)outer);
}

/* An inner map lives while a slot holds it (bpf_map_fd_get_ptr's bpf_map_inc), with no fd left. */
static void lifetime(void)
{
	for (__u32 type = BPF_MAP_TYPE_ARRAY_OF_MAPS; type <= BPF_MAP_TYPE_HASH_OF_MAPS; type++) {
		const char *t = type == BPF_MAP_TYPE_ARRAY_OF_MAPS ? "array" : "hash";
		char name[96];
		long tmpl = array(4, 0);
		long outer = map_create(type, 4, 4, 4, 0, (int)tmpl, NULL);
		long inner = array(4, 0), second = array(4, 0);
		__u32 inner_id = id_of((int)inner), second_id = id_of((int)second), outer_id = id_of((int)outer), got = 0;
		__u32 key = 1;
		__u64 value = 0x1122334455667788ull, back = 0;

		/* the template is copied: the outer map does not need it afterwards */
		close((int)tmpl);
		map_elem(BPF_MAP_UPDATE_ELEM, (int)inner, &(__u32){ 0 }, &value, 0);
		snprintf(name, sizeof(name), "mapinmap.life.%s.insert", t);
		EXPECT_CALL(name, 0, 0, put((int)outer, key, (int)inner, BPF_ANY));
		close((int)inner);
		long again = fd_by_id(inner_id);
		snprintf(name, sizeof(name), "mapinmap.life.%s.found_by_id_without_fds", t);
		expect_str(name, "yes", again >= 0 ? "yes" : "no");
		snprintf(name, sizeof(name), "mapinmap.life.%s.value_kept", t);
		map_elem(BPF_MAP_LOOKUP_ELEM, (int)again, &(__u32){ 0 }, &back, 0);
		expect_str(name, "yes", back == value ? "yes" : "no");
		if (again >= 0)
			close((int)again);
		snprintf(name, sizeof(name), "mapinmap.life.%s.still_found", t);
		again = fd_by_id(inner_id);
		expect_str(name, "yes", again >= 0 ? "yes" : "no");
		if (again >= 0)
			close((int)again);
		/* overwriting a slot releases the map it held (an ARRAY_OF_MAPS takes BPF_ANY only) */
		snprintf(name, sizeof(name), "mapinmap.life.%s.overwrite", t);
		EXPECT_CALL(name, 0, 0, put((int)outer, key, (int)second, BPF_ANY));
		snprintf(name, sizeof(name), "mapinmap.life.%s.overwritten_gone", t);
		expect_str(name, "gone", gone_soon(inner_id));
		get((int)outer, key, &got);
		snprintf(name, sizeof(name), "mapinmap.life.%s.slot_holds_second", t);
		expect_str(name, "yes", got == second_id ? "yes" : "no");
		close((int)second);
		/* deleting the slot frees the map it held */
		snprintf(name, sizeof(name), "mapinmap.life.%s.delete", t);
		EXPECT_CALL(name, 0, 0, map_elem(BPF_MAP_DELETE_ELEM, (int)outer, &key, NULL, 0));
		snprintf(name, sizeof(name), "mapinmap.life.%s.deleted_gone", t);
		expect_str(name, "gone", gone_soon(second_id));
		/* the outer map's last reference frees what its slots held */
		long third = array(4, 0);
		__u32 third_id = id_of((int)third);
		put((int)outer, 2, (int)third, BPF_ANY);
		close((int)third);
		close((int)outer);
		snprintf(name, sizeof(name), "mapinmap.life.%s.outer_gone", t);
		expect_str(name, "gone", gone_soon(outer_id));
		snprintf(name, sizeof(name), "mapinmap.life.%s.held_gone_with_outer", t);
		expect_str(name, "gone", gone_soon(third_id));
	}
}

int cases_mapinmap(void)
{
	templates();
	creation();
	array_of_maps();
	hash_of_maps();
	batches();
	info();
	bpftool_view();
	lifetime();
	return case_failures;
}
