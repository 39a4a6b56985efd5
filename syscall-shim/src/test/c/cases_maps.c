/*
 * The map commands (kernel/bpf/syscall.c map_create, map_lookup_elem ... bpf_map_do_batch,
 * bpf_map_get_fd_by_id) called as libbpf's bpf.c calls them: creation rules, element commands on
 * hash and array maps, per-descriptor access (BPF_F_RDONLY / BPF_F_WRONLY), freeze, fd arrays (a
 * program's id in a PROG_ARRAY, perf event fds), batches, bad descriptors and bad pointers.
 * Element order of a hash walk differs between implementations, so hash walks print sorted keys.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>

static long fd_by_id(__u32 id, __u32 open_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	attr.open_flags = open_flags;
	return sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, offsetof(union bpf_attr, open_flags) + 4);
}

static __u32 map_id_of(int fd)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	__u32 id = 0, next;

	/* OBJ_GET_INFO_BY_FD for maps may not be there yet: find the id by walking and reopening */
	memset(&info, 0, sizeof(info));
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(BPF_MAP_GET_NEXT_ID, &attr, sizeof(attr)) != 0)
			return 0;
		next = attr.next_id;
		long other = fd_by_id(next, BPF_F_RDONLY);
		if (other >= 0) {
			/* same map if a key written through fd is seen through other: compare by a probe
			 * the caller placed (value_size 8 hash/array keyed 0) */
			__u32 k = 0;
			__u64 a = 0, b = 0;
			long ra = map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &a, 0);
			long rb = map_elem(BPF_MAP_LOOKUP_ELEM, (int)other, &k, &b, 0);
			close((int)other);
			if (ra == 0 && rb == 0 && a == b && a == 0x5eed5eed5eed5eedull)
				return next;
		}
		id = next;
	}
}

static void say(const char *name, long r)
{
	char buf[64];
	observe(name, "%s", outcome(r, errno, buf, sizeof(buf)));
}

static void creation(void)
{
	union bpf_attr attr;

	EXPECT_CALL("maps.create.key_size_0", -1, EINVAL, map_create(BPF_MAP_TYPE_HASH, 0, 8, 4, 0, 0, NULL));
	EXPECT_CALL("maps.create.value_size_0", -1, EINVAL, map_create(BPF_MAP_TYPE_HASH, 4, 0, 4, 0, 0, NULL));
	EXPECT_CALL("maps.create.max_entries_0", -1, EINVAL, map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 0, 0, 0, NULL));
	EXPECT_CALL("maps.create.unknown_type", -1, EINVAL, map_create(9999, 4, 8, 4, 0, 0, NULL));
	EXPECT_CALL("maps.create.bad_name", -1, EINVAL, map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, "a-b"));
	EXPECT_CALL("maps.create.rdonly_and_wronly", -1, EINVAL,
		   map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, BPF_F_RDONLY | BPF_F_WRONLY, 0, NULL));
	EXPECT_CALL("maps.create.unknown_flag", -1, EINVAL, map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 1u << 20, 0, NULL));
	EXPECT_CALL("maps.create.array_key_8", -1, EINVAL, map_create(BPF_MAP_TYPE_ARRAY, 8, 8, 4, 0, 0, NULL));
	EXPECT_CALL("maps.create.ringbuf_not_pow2", -1, EINVAL,
		   map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4095, 0, 0, NULL));

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	attr.map_extra = 1;
	EXPECT_CALL("maps.create.map_extra", -1, EINVAL, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
	attr.map_extra = 0;
	attr.btf_key_type_id = 1;
	EXPECT_CALL("maps.create.btf_key_without_value", -1, EINVAL, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
	attr.btf_value_type_id = 2;
	attr.btf_fd = 99;
	EXPECT_CALL("maps.create.btf_fd_closed", -1, EBADF, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
	attr.btf_fd = 0; /* stdin: not BTF */
	EXPECT_CALL("maps.create.btf_fd_not_btf", -1, EINVAL, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
	attr.btf_key_type_id = 0;
	attr.btf_value_type_id = 0;
	attr.map_ifindex = 1;
	EXPECT_CALL("maps.create.ifindex_lo", -1, EOPNOTSUPP, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
	attr.map_ifindex = 0;
	attr.map_flags = BPF_F_NUMA_NODE;
	attr.numa_node = 200;
	EXPECT_CALL("maps.create.numa_200", -1, EINVAL, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
	attr.numa_node = 0;
	long fd = sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	EXPECT_CALL("maps.create.numa_0", 3, 0, fd);
	close((int)fd);
	/* a 15-character name, and unused bytes after the NUL of a shorter one, are fine */
	fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0, "abcdefghijklmno");
	EXPECT_CALL("maps.create.name_15", 3, 0, fd);
	close((int)fd);
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	memcpy(attr.map_name, "0123456789abcdef", 16);
	EXPECT_CALL("maps.create.name_16", -1, EINVAL, sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)));
}

static void hash_elements(void)
{
	__u32 k, next;
	__u64 v;
	long fd = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, "h");

	EXPECT_CALL("maps.hash.create", 3, 0, fd);
	k = 1;
	EXPECT_CALL("maps.hash.lookup_missing", -1, ENOENT, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	v = 100;
	EXPECT_CALL("maps.hash.update_any", 0, 0, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_ANY));
	v = 0;
	EXPECT_CALL("maps.hash.lookup", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	expect_long("maps.hash.lookup.value", 100, (long)v);
	EXPECT_CALL("maps.hash.update_noexist_existing", -1, EEXIST,
		   map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_NOEXIST));
	k = 2;
	EXPECT_CALL("maps.hash.update_exist_missing", -1, ENOENT, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_EXIST));
	EXPECT_CALL("maps.hash.update_lock_without_lock", -1, EINVAL,
		   map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_F_LOCK));
	EXPECT_CALL("maps.hash.update_flags_8", -1, EINVAL, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, 8));
	EXPECT_CALL("maps.hash.lookup_flags_2", -1, EINVAL, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 2));
	for (k = 2; k <= 4; k++) {
		v = k * 100;
		map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_NOEXIST);
	}
	k = 5;
	EXPECT_CALL("maps.hash.full", -1, E2BIG, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_NOEXIST));
	/* walk: every key once, then ENOENT */
	unsigned seen = 0;
	int steps = 0;
	long r = map_elem(BPF_MAP_GET_NEXT_KEY, fd, NULL, &next, 0);
	while (r == 0 && steps++ < 10) {
		seen |= 1u << next;
		k = next;
		r = map_elem(BPF_MAP_GET_NEXT_KEY, fd, &k, &next, 0);
	}
	observe("maps.hash.walk", "keys 0x%x, ended with %s after %d", seen, errno_name(errno), steps);
	k = 77;
	r = map_elem(BPF_MAP_GET_NEXT_KEY, fd, &k, &next, 0);
	observe("maps.hash.next_of_missing_is_first", "%s", r == 0 && next >= 1 && next <= 4 ? "yes" : "no");
	k = 3;
	EXPECT_CALL("maps.hash.delete", 0, 0, map_elem(BPF_MAP_DELETE_ELEM, fd, &k, NULL, 0));
	EXPECT_CALL("maps.hash.delete_again", -1, ENOENT, map_elem(BPF_MAP_DELETE_ELEM, fd, &k, NULL, 0));
	k = 4;
	v = 0;
	EXPECT_CALL("maps.hash.lookup_and_delete", 0, 0, map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, &v, 0));
	expect_long("maps.hash.lookup_and_delete.value", 400, (long)v);
	EXPECT_CALL("maps.hash.lookup_and_delete_missing", -1, ENOENT,
		   map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, &v, 0));
	/* bad pointers: a key on an unmapped page, a value in read-only memory */
	char *hole = page_before_hole();
	EXPECT_CALL("maps.hash.key_efault", -1, EFAULT,
		   map_elem(BPF_MAP_LOOKUP_ELEM, fd, hole + page_size() - 2, &v, 0));
	EXPECT_CALL("maps.hash.key_null", -1, EFAULT, map_elem(BPF_MAP_LOOKUP_ELEM, fd, NULL, &v, 0));
	k = 1;
	EXPECT_CALL("maps.hash.value_unwritable", -1, EFAULT,
		   map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, (void *)errno_name, 0));
	EXPECT_CALL("maps.hash.update_value_efault", -1, EFAULT,
		   map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, hole + page_size() - 4, 0));
	EXPECT_CALL("maps.hash.next_key_unwritable", -1, EFAULT,
		   map_elem(BPF_MAP_GET_NEXT_KEY, fd, NULL, (void *)errno_name, 0));
	munmap(hole, 2 * page_size());
	close((int)fd);
}

static void array_elements(void)
{
	__u32 k;
	__u64 v;
	long fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0, "a");

	EXPECT_CALL("maps.array.create", 3, 0, fd);
	k = 2;
	v = 0xff;
	EXPECT_CALL("maps.array.lookup_zeroed", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	expect_long("maps.array.lookup_zeroed.value", 0, (long)v);
	v = 42;
	EXPECT_CALL("maps.array.update", 0, 0, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_ANY));
	EXPECT_CALL("maps.array.update_noexist", -1, EEXIST, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, BPF_NOEXIST));
	k = 4;
	EXPECT_CALL("maps.array.update_out_of_range", -1, E2BIG, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, 0));
	EXPECT_CALL("maps.array.lookup_out_of_range", -1, ENOENT, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	k = 1;
	EXPECT_CALL("maps.array.delete", -1, EINVAL, map_elem(BPF_MAP_DELETE_ELEM, fd, &k, NULL, 0));
	say("maps.array.lookup_and_delete", map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, &v, 0));
	__u32 next = 99;
	EXPECT_CALL("maps.array.next_of_null", 0, 0, map_elem(BPF_MAP_GET_NEXT_KEY, fd, NULL, &next, 0));
	expect_long("maps.array.next_of_null.key", 0, next);
	k = 3;
	EXPECT_CALL("maps.array.next_of_last", -1, ENOENT, map_elem(BPF_MAP_GET_NEXT_KEY, fd, &k, &next, 0));
	k = 9;
	EXPECT_CALL("maps.array.next_of_out_of_range", 0, 0, map_elem(BPF_MAP_GET_NEXT_KEY, fd, &k, &next, 0));
	expect_long("maps.array.next_of_out_of_range.key", 0, next);

	/* freeze: the syscall side may no longer write */
	EXPECT_CALL("maps.array.freeze", 0, 0, map_elem(BPF_MAP_FREEZE, fd, NULL, NULL, 0));
	k = 2;
	EXPECT_CALL("maps.array.update_frozen", -1, EPERM, map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, 0));
	EXPECT_CALL("maps.array.lookup_frozen", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	say("maps.array.freeze_again", map_elem(BPF_MAP_FREEZE, fd, NULL, NULL, 0));
	close((int)fd);
}

static void access_per_fd(void)
{
	__u32 k = 0;
	__u64 v = 0x5eed5eed5eed5eedull;
	long rw, ro, wo, again;
	__u32 id;

	ro = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, BPF_F_RDONLY, 0, "ro");
	EXPECT_CALL("maps.access.create_rdonly", 3, 0, ro);
	EXPECT_CALL("maps.access.rdonly_update", -1, EPERM, map_elem(BPF_MAP_UPDATE_ELEM, ro, &k, &v, 0));
	EXPECT_CALL("maps.access.rdonly_lookup", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, ro, &k, &v, 0));
	EXPECT_CALL("maps.access.rdonly_freeze", -1, EPERM, map_elem(BPF_MAP_FREEZE, ro, NULL, NULL, 0));
	close((int)ro);

	wo = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, BPF_F_WRONLY, 0, "wo");
	EXPECT_CALL("maps.access.create_wronly", 3, 0, wo);
	v = 0x5eed5eed5eed5eedull;
	EXPECT_CALL("maps.access.wronly_update", 0, 0, map_elem(BPF_MAP_UPDATE_ELEM, wo, &k, &v, 0));
	EXPECT_CALL("maps.access.wronly_lookup", -1, EPERM, map_elem(BPF_MAP_LOOKUP_ELEM, wo, &k, &v, 0));
	__u32 next;
	EXPECT_CALL("maps.access.wronly_next_key", -1, EPERM, map_elem(BPF_MAP_GET_NEXT_KEY, wo, NULL, &next, 0));
	close((int)wo);

	rw = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0, "rw");
	v = 0x5eed5eed5eed5eedull;
	map_elem(BPF_MAP_UPDATE_ELEM, rw, &k, &v, 0);
	id = map_id_of((int)rw);
	expect_long("maps.access.id_found_by_walk", 1, id != 0);
	again = fd_by_id(id, BPF_F_RDONLY);
	EXPECT_CALL("maps.access.fd_by_id_rdonly", 4, 0, again);
	EXPECT_CALL("maps.access.by_id_rdonly_update", -1, EPERM, map_elem(BPF_MAP_UPDATE_ELEM, again, &k, &v, 0));
	close((int)again);
	again = fd_by_id(id, BPF_F_WRONLY);
	EXPECT_CALL("maps.access.by_id_wronly_lookup", -1, EPERM, map_elem(BPF_MAP_LOOKUP_ELEM, again, &k, &v, 0));
	close((int)again);
	again = fd_by_id(id, 0);
	v = 7;
	EXPECT_CALL("maps.access.by_id_rw_update", 0, 0, map_elem(BPF_MAP_UPDATE_ELEM, again, &k, &v, 0));
	v = 0;
	map_elem(BPF_MAP_LOOKUP_ELEM, rw, &k, &v, 0);
	expect_long("maps.access.same_map", 7, (long)v);
	close((int)again);
	EXPECT_CALL("maps.access.fd_by_id_both", -1, EINVAL, fd_by_id(id, BPF_F_RDONLY | BPF_F_WRONLY));
	EXPECT_CALL("maps.access.fd_by_id_bad_flag", -1, EINVAL, fd_by_id(id, 1));
	EXPECT_CALL("maps.access.fd_by_id_0", -1, ENOENT, fd_by_id(0, 0));
	close((int)rw);
	EXPECT_CALL("maps.access.fd_by_id_closed", -1, ENOENT, fd_by_id(id, 0));
}

static void bad_fds(void)
{
	__u32 k = 0;
	__u64 v;
	int pipefd[2];

	EXPECT_CALL("maps.fd.closed", -1, EBADF, map_elem(BPF_MAP_LOOKUP_ELEM, 99, &k, &v, 0));
	EXPECT_CALL("maps.fd.negative", -1, EBADF, map_elem(BPF_MAP_UPDATE_ELEM, -1, &k, &v, 0));
	if (pipe(pipefd) != 0)
		exit(2);
	EXPECT_CALL("maps.fd.pipe", -1, EINVAL, map_elem(BPF_MAP_LOOKUP_ELEM, pipefd[0], &k, &v, 0));
	EXPECT_CALL("maps.fd.pipe_freeze", -1, EINVAL, map_elem(BPF_MAP_FREEZE, pipefd[0], NULL, NULL, 0));
	close(pipefd[0]);
	close(pipefd[1]);
	long prog = load_prog(prog_ret0, 2, "p", NULL);
	EXPECT_CALL("maps.fd.prog_load", 3, 0, prog);
	EXPECT_CALL("maps.fd.prog_as_map", -1, EINVAL, map_elem(BPF_MAP_LOOKUP_ELEM, prog, &k, &v, 0));
	close((int)prog);
}

static void fd_arrays(void)
{
	__u32 k = 0, v, id;
	long pa = map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, 0, "progs");
	long prog = load_prog(prog_ret0, 2, "tail", NULL);
	long other = map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, NULL);
	int pipefd[2];

	EXPECT_CALL("maps.prog_array.create", 3, 0, pa);
	EXPECT_CALL("maps.prog_array.prog", 4, 0, prog);
	v = (__u32)prog;
	EXPECT_CALL("maps.prog_array.update", 0, 0, map_elem(BPF_MAP_UPDATE_ELEM, pa, &k, &v, 0));
	id = 0;
	EXPECT_CALL("maps.prog_array.lookup", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, pa, &k, &id, 0));
	expect_long("maps.prog_array.lookup_is_prog_id", 1, id == (__u32)prog_id_of((int)prog));
	EXPECT_CALL("maps.prog_array.update_exist_flag", -1, EINVAL,
		   map_elem(BPF_MAP_UPDATE_ELEM, pa, &k, &v, BPF_EXIST));
	k = 9;
	EXPECT_CALL("maps.prog_array.update_out_of_range", -1, E2BIG, map_elem(BPF_MAP_UPDATE_ELEM, pa, &k, &v, 0));
	k = 1;
	v = 99;
	EXPECT_CALL("maps.prog_array.update_closed_fd", -1, EBADF, map_elem(BPF_MAP_UPDATE_ELEM, pa, &k, &v, 0));
	v = (__u32)other;
	EXPECT_CALL("maps.prog_array.update_map_fd", -1, EINVAL, map_elem(BPF_MAP_UPDATE_ELEM, pa, &k, &v, 0));
	EXPECT_CALL("maps.prog_array.lookup_empty", -1, ENOENT, map_elem(BPF_MAP_LOOKUP_ELEM, pa, &k, &id, 0));
	/* the slot keeps the program: closing its fd does not empty it */
	close((int)prog);
	k = 0;
	EXPECT_CALL("maps.prog_array.lookup_after_prog_close", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, pa, &k, &id, 0));
	EXPECT_CALL("maps.prog_array.delete", 0, 0, map_elem(BPF_MAP_DELETE_ELEM, pa, &k, NULL, 0));
	EXPECT_CALL("maps.prog_array.delete_again", -1, ENOENT, map_elem(BPF_MAP_DELETE_ELEM, pa, &k, NULL, 0));
	EXPECT_CALL("maps.prog_array.freed_prog_gone", -1, ENOENT,
		   ({ union bpf_attr a; memset(&a, 0, sizeof(a)); a.prog_id = id;
		      sys_bpf(BPF_PROG_GET_FD_BY_ID, &a, sizeof(a)); }));
	close((int)pa);
	close((int)other);

	long pe = map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0, 0, "events");
	EXPECT_CALL("maps.perf_array.create", 3, 0, pe);
	if (pipe(pipefd) != 0)
		exit(2);
	k = 0;
	v = (__u32)pipefd[0];
	EXPECT_CALL("maps.perf_array.update_pipe", -1, EBADF, map_elem(BPF_MAP_UPDATE_ELEM, pe, &k, &v, 0));
	v = 99;
	EXPECT_CALL("maps.perf_array.update_closed", -1, EBADF, map_elem(BPF_MAP_UPDATE_ELEM, pe, &k, &v, 0));
	EXPECT_CALL("maps.perf_array.lookup", -1, 524, map_elem(BPF_MAP_LOOKUP_ELEM, pe, &k, &v, 0));
	EXPECT_CALL("maps.perf_array.delete_empty", -1, ENOENT, map_elem(BPF_MAP_DELETE_ELEM, pe, &k, NULL, 0));
	close(pipefd[0]);
	close(pipefd[1]);
	close((int)pe);
}

static long batch(int cmd, int fd, void *in, void *out, void *keys, void *values, __u32 *count, __u64 elem_flags)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = fd;
	attr.batch.in_batch = (__u64)(unsigned long)in;
	attr.batch.out_batch = (__u64)(unsigned long)out;
	attr.batch.keys = (__u64)(unsigned long)keys;
	attr.batch.values = (__u64)(unsigned long)values;
	attr.batch.count = *count;
	attr.batch.elem_flags = elem_flags;
	r = sys_bpf(cmd, &attr, offsetof(union bpf_attr, batch.flags) + 8);
	*count = attr.batch.count;
	return r;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;
	return x < y ? -1 : x > y;
}

static void batches(void)
{
	__u32 keys[16], count, out, i;
	__u64 values[16];
	long fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0, 0, "ab");
	long r;

	for (i = 0; i < 8; i++) {
		keys[i] = i;
		values[i] = 1000 + i;
	}
	count = 8;
	r = batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values, &count, 0);
	EXPECT_CALL("maps.batch.array_update", 0, 0, r);
	expect_long("maps.batch.array_update.count", 8, count);
	keys[2] = 20;
	count = 4;
	r = batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values, &count, 0);
	EXPECT_CALL("maps.batch.array_update_out_of_range", -1, E2BIG, r);
	expect_long("maps.batch.array_update_out_of_range.count", 2, count);
	memset(keys, 0, sizeof(keys));
	memset(values, 0, sizeof(values));
	count = 3;
	r = batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, &out, keys, values, &count, 0);
	EXPECT_CALL("maps.batch.array_lookup_first", 0, 0, r);
	observe("maps.batch.array_lookup_first.got", "count %u out %u keys %u %u %u values %llu %llu %llu", count, out,
		keys[0], keys[1], keys[2], (unsigned long long)values[0], (unsigned long long)values[1],
		(unsigned long long)values[2]);
	count = 10;
	r = batch(BPF_MAP_LOOKUP_BATCH, fd, &out, &out, keys, values, &count, 0);
	say("maps.batch.array_lookup_rest", r);
	observe("maps.batch.array_lookup_rest.got", "count %u out %u first key %u last value %llu", count, out, keys[0],
		(unsigned long long)values[count ? count - 1 : 0]);
	count = 0;
	EXPECT_CALL("maps.batch.array_lookup_count_0", 0, 0,
		   batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, &out, keys, values, &count, 0));
	count = 2;
	EXPECT_CALL("maps.batch.array_lookup_and_delete", -1, 524,
		   batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL, &out, keys, values, &count, 0));
	count = 2;
	EXPECT_CALL("maps.batch.array_delete", -1, 524,
		   batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys, NULL, &count, 0));
	count = 2;
	EXPECT_CALL("maps.batch.array_lookup_bad_elem_flags", -1, EINVAL,
		   batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, &out, keys, values, &count, 8));
	count = 2;
	EXPECT_CALL("maps.batch.array_lookup_keys_unwritable", -1, EFAULT,
		   batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, &out, (void *)errno_name, values, &count, 0));
	close((int)fd);

	fd = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, "hb");
	for (i = 0; i < 10; i++) {
		keys[i] = 100 + i;
		values[i] = i;
	}
	count = 10;
	r = batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values, &count, 0);
	EXPECT_CALL("maps.batch.hash_update", 0, 0, r);
	/* elem_flags takes BPF_F_LOCK only; count is left as it was */
	count = 3;
	r = batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values, &count, BPF_NOEXIST);
	EXPECT_CALL("maps.batch.hash_update_elem_flags_noexist", -1, EINVAL, r);
	expect_long("maps.batch.hash_update_elem_flags_noexist.count", 3, count);
	/* two keys readable, the third on an unmapped page: two updates done, then EFAULT */
	char *hole = page_before_hole();
	__u32 *edge = (__u32 *)(hole + page_size() - 8);
	edge[0] = 200;
	edge[1] = 201;
	count = 5;
	r = batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, edge, values, &count, 0);
	EXPECT_CALL("maps.batch.hash_update_keys_fault", -1, EFAULT, r);
	expect_long("maps.batch.hash_update_keys_fault.count", 2, count);
	count = 5;
	r = batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, edge, NULL, &count, 0);
	EXPECT_CALL("maps.batch.hash_delete_keys_fault", -1, EFAULT, r);
	expect_long("maps.batch.hash_delete_keys_fault.count", 2, count);
	munmap(hole, 2 * page_size());
	/* all at once: count above the map's size ends the walk with ENOENT */
	memset(keys, 0, sizeof(keys));
	count = 16;
	r = batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, &out, keys, values, &count, 0);
	say("maps.batch.hash_lookup_all", r);
	qsort(keys, count, sizeof(keys[0]), cmp_u32);
	observe("maps.batch.hash_lookup_all.got", "count %u keys %u..%u", count, keys[0], keys[count ? count - 1 : 0]);
	keys[0] = 100;
	keys[1] = 101;
	keys[2] = 555;
	count = 3;
	r = batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys, NULL, &count, 0);
	EXPECT_CALL("maps.batch.hash_delete_missing", -1, ENOENT, r);
	expect_long("maps.batch.hash_delete_missing.count", 2, count);
	count = 16;
	r = batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL, &out, keys, values, &count, 0);
	say("maps.batch.hash_lookup_and_delete_all", r);
	observe("maps.batch.hash_lookup_and_delete_all.count", "%u", count);
	__u32 next;
	EXPECT_CALL("maps.batch.hash_empty_after", -1, ENOENT, map_elem(BPF_MAP_GET_NEXT_KEY, fd, NULL, &next, 0));
	close((int)fd);
}

static void ringbuf(void)
{
	__u32 k = 0;
	__u64 v = 0;
	long fd = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, 0, "rb");

	EXPECT_CALL("maps.ringbuf.create", 3, 0, fd);
	say("maps.ringbuf.lookup_null", map_elem(BPF_MAP_LOOKUP_ELEM, fd, NULL, &v, 0));
	say("maps.ringbuf.lookup_key", map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	say("maps.ringbuf.update", map_elem(BPF_MAP_UPDATE_ELEM, fd, NULL, &v, 0));
	say("maps.ringbuf.delete", map_elem(BPF_MAP_DELETE_ELEM, fd, NULL, NULL, 0));
	say("maps.ringbuf.next_key", map_elem(BPF_MAP_GET_NEXT_KEY, fd, NULL, &k, 0));
	close((int)fd);
}

static void info(void)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	long fd = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, BPF_F_NO_PREALLOC | BPF_F_RDONLY, 0, "infomap");
	long r;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = offsetof(struct bpf_map_info, map_extra) + 8; /* Linux 6.1's struct */
	attr.info.info = (__u64)(unsigned long)&info;
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
	EXPECT_CALL("maps.info", 0, 0, r);
	observe("maps.info.fields", "len %u type %u key %u value %u max %u flags 0x%x name '%s' id %s btf %u",
		attr.info.info_len, info.type, info.key_size, info.value_size, info.max_entries, info.map_flags,
		info.name, info.id ? "set" : "0", info.btf_id);
	close((int)fd);
}

/* r1 = map reference (ld_imm64 with src, imm = fd, second imm = off); r0 = 0; exit */
static long load_with_map(int src, int fd, int off)
{
	struct bpf_insn insns[4] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 1, .src_reg = src, .imm = fd },
		{ .imm = off },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	return load_prog(insns, 4, "usesmap", NULL);
}

static __u32 info_map_id(int fd)
{
	struct bpf_map_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = offsetof(struct bpf_map_info, map_extra) + 8;
	attr.info.info = (__u64)(unsigned long)&info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0 ? info.id : 0;
}

static void programs_hold_maps(void)
{
	long hash = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, "used");
	long one = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, "one");
	long two = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0, "two");
	__u32 id = info_map_id((int)hash), ids[4] = { 0 };
	struct bpf_prog_info pinfo;
	union bpf_attr attr;
	long prog;

	prog = load_with_map(BPF_PSEUDO_MAP_FD, (int)hash, 0);
	EXPECT_CALL("maps.prog.map_fd", 6, 0, prog);
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.nr_map_ids = 4;
	pinfo.map_ids = (__u64)(unsigned long)ids;
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)prog;
	attr.info.info_len = sizeof(pinfo);
	attr.info.info = (__u64)(unsigned long)&pinfo;
	EXPECT_CALL("maps.prog.info", 0, 0, sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)));
	expect_long("maps.prog.info.nr_map_ids", 1, pinfo.nr_map_ids);
	expect_long("maps.prog.info.map_id_is_the_maps", 1, ids[0] == id && id != 0);
	close((int)hash);
	long again = fd_by_id(id, 0);
	EXPECT_CALL("maps.prog.map_alive_while_prog_holds_it", 3, 0, again);
	close((int)again);
	close((int)prog);
	/* the kernel frees a program (and puts its maps) after an RCU grace period: wait for it */
	int freed = 0;
	for (int i = 0; i < 400 && !freed; i++) {
		again = fd_by_id(id, 0);
		if (again < 0 && errno == ENOENT)
			freed = 1;
		else if (again >= 0)
			close((int)again);
		usleep(5000);
	}
	expect_long("maps.prog.map_freed_with_prog", 1, freed);

	EXPECT_CALL("maps.prog.map_value", 3, 0, prog = load_with_map(BPF_PSEUDO_MAP_VALUE, (int)one, 4));
	close((int)prog);
	EXPECT_CALL("maps.prog.map_value_past_value", -1, EINVAL, load_with_map(BPF_PSEUDO_MAP_VALUE, (int)one, 8));
	EXPECT_CALL("maps.prog.map_value_two_entries", -1, 524, load_with_map(BPF_PSEUDO_MAP_VALUE, (int)two, 0));
	hash = map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, NULL);
	EXPECT_CALL("maps.prog.map_value_hash", -1, EINVAL, load_with_map(BPF_PSEUDO_MAP_VALUE, (int)hash, 0));
	EXPECT_CALL("maps.prog.map_fd_closed", -1, EBADF, load_with_map(BPF_PSEUDO_MAP_FD, 99, 0));
	close((int)hash);
	close((int)one);
	close((int)two);
}

/* A pinned map reopened with BPF_OBJ_GET carries the access of file_flags (bpf_obj_get_user). */
static void pinned_access(void)
{
	char path[64];
	union bpf_attr attr;
	__u32 k = 0;
	__u64 v = 1;
	long fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, "pinned"), ro;

	snprintf(path, sizeof(path), "/sys/fs/bpf/bpftime_maps_%d", getpid());
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	attr.bpf_fd = (__u32)fd;
	EXPECT_CALL("maps.pin", 0, 0, sys_bpf(BPF_OBJ_PIN, &attr, sizeof(attr)));
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	attr.file_flags = BPF_F_RDONLY;
	ro = sys_bpf(BPF_OBJ_GET, &attr, sizeof(attr));
	EXPECT_CALL("maps.pin.get_rdonly", 4, 0, ro);
	EXPECT_CALL("maps.pin.rdonly_update", -1, EPERM, map_elem(BPF_MAP_UPDATE_ELEM, ro, &k, &v, 0));
	EXPECT_CALL("maps.pin.rdonly_lookup", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, ro, &k, &v, 0));
	close((int)ro);
	attr.file_flags = BPF_F_WRONLY;
	ro = sys_bpf(BPF_OBJ_GET, &attr, sizeof(attr));
	EXPECT_CALL("maps.pin.wronly_lookup", -1, EPERM, map_elem(BPF_MAP_LOOKUP_ELEM, ro, &k, &v, 0));
	EXPECT_CALL("maps.pin.wronly_update", 0, 0, map_elem(BPF_MAP_UPDATE_ELEM, ro, &k, &v, 0));
	close((int)ro);
	close((int)fd);
	/* under the shim the unlink is not emulated yet (cases_pin.c): the pin ends with the service */
	unlink(path);
}

static void ids(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = 0x7fffffffu;
	EXPECT_CALL("maps.ids.next_from_int_max", -1, EINVAL, sys_bpf(BPF_MAP_GET_NEXT_ID, &attr, sizeof(attr)));
	memset(&attr, 0, sizeof(attr));
	attr.start_id = 0x7ffffffeu;
	EXPECT_CALL("maps.ids.next_past_last", -1, ENOENT, sys_bpf(BPF_MAP_GET_NEXT_ID, &attr, sizeof(attr)));
}

int cases_maps(void)
{
	int open_before = open_descriptors_above(2);

	creation();
	hash_elements();
	array_elements();
	access_per_fd();
	bad_fds();
	fd_arrays();
	batches();
	ringbuf();
	info();
	programs_hold_maps();
	pinned_access();
	ids();
	cases_cgroup_array();
	cases_prog_bind_map();
	cases_fdinfo();
	expect_long("maps.no_descriptor_left", open_before, open_descriptors_above(2));
	return 0;
}
