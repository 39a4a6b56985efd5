/*
 * libbpf_mapinmap OBJECT: loads mapinmap.bpf.o with libbpf (its maps of maps created from BTF, their
 * initializers filled by libbpf), then runs its programs through bpf_prog_test_run_opts while the
 * slots change from user space: each program looks an inner map up in an outer map and increments
 * element 0 of it. One line per observation; the same lines against the kernel (as root) and under
 * the shim (as this user and as nobody). Exit 1 when libbpf cannot load the object.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void run(const char *what, struct bpf_object *obj, const char *prog, __u64 key)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &key, .ctx_size_in = sizeof(key));
	int fd = bpf_program__fd(bpf_object__find_program_by_name(obj, prog));

	if (bpf_prog_test_run_opts(fd, &opts) != 0)
		printf("%s: test run failed: %s\n", what, strerror(errno));
	else
		printf("%s: %u\n", what, opts.retval);
}

static __u32 id_of(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

static __u64 element0(int fd)
{
	__u32 zero = 0;
	__u64 v = 0;

	return bpf_map_lookup_elem(fd, &zero, &v) == 0 ? v : (__u64)-1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	__u32 zero = 0, key, id;
	__u64 v;

	if (argc < 2) {
		fprintf(stderr, "usage: %s mapinmap.bpf.o\n", argv[0]);
		return 2;
	}
	libbpf_set_print(silent);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		printf("load: %s\n", strerror(errno));
		return 1;
	}
	printf("load: ok\n");
	int a = bpf_object__find_map_fd_by_name(obj, "inner_a"), b = bpf_object__find_map_fd_by_name(obj, "inner_b");
	int outer_array = bpf_object__find_map_fd_by_name(obj, "outer_array");
	int outer_hash = bpf_object__find_map_fd_by_name(obj, "outer_hash");
	v = 10;
	bpf_map_update_elem(a, &zero, &v, BPF_ANY);
	v = 20;
	bpf_map_update_elem(b, &zero, &v, BPF_ANY);

	/* the initializers: outer_array = { inner_a, inner_b }, outer_hash = { [3] = inner_b } */
	key = 1;
	printf("initializer slot holds inner_b: %s\n",
	       bpf_map_lookup_elem(outer_array, &key, &id) == 0 && id == id_of(b) ? "yes" : "no");
	run("array key 0 (inner_a)", obj, "via_array", 0);
	run("array key 1 (inner_b)", obj, "via_array", 1);
	run("array key 5 (out of range)", obj, "via_array", 5);
	run("hash key 3 (inner_b)", obj, "via_hash", 3);
	run("hash key 0 (missing)", obj, "via_hash", 0);
	printf("inner_a after the runs: %llu\n", (unsigned long long)element0(a));

	/* slots changed after the programs were loaded */
	key = 0;
	printf("update array slot 0 to inner_b: %s\n", bpf_map_update_elem(outer_array, &key, &b, BPF_ANY) ? strerror(errno) : "ok");
	run("array key 0 (now inner_b)", obj, "via_array", 0);
	key = 1;
	printf("delete array slot 1: %s\n", bpf_map_delete_elem(outer_array, &key) ? strerror(errno) : "ok");
	run("array key 1 (deleted)", obj, "via_array", 1);

	/* a map made now, put into a slot, its only fd closed: the slot keeps it alive */
	int c = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner_c", 4, 8, 1, NULL);
	__u32 c_id = id_of(c);
	v = 100;
	bpf_map_update_elem(c, &zero, &v, BPF_ANY);
	key = 7;
	printf("update hash key 7 to a new map: %s\n", bpf_map_update_elem(outer_hash, &key, &c, BPF_NOEXIST) ? strerror(errno) : "ok");
	close(c);
	run("hash key 7 (new map, no fd left)", obj, "via_hash", 7);
	run("hash key 7 again", obj, "via_hash", 7);
	c = bpf_map_get_fd_by_id(c_id);
	printf("new map by id: %s, element 0: %llu\n", c >= 0 ? "found" : strerror(errno),
	       (unsigned long long)(c >= 0 ? element0(c) : 0));
	if (c >= 0)
		close(c);
	/* a map of another shape is refused */
	int d = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner_d", 4, 8, 2, NULL);
	key = 6;
	printf("update hash key 6 to a bigger array: %s\n",
	       bpf_map_update_elem(outer_hash, &key, &d, BPF_ANY) ? strerror(errno) : "ok");
	close(d);
	printf("inner_b after the runs: %llu\n", (unsigned long long)element0(b));
	bpf_object__close(obj);
	return 0;
}
