/*
 * mmap and waits on map descriptors, as libbpf's ring_buffer__add and bpf_map__initial_value users
 * do them: a BPF_F_MMAPABLE array shared between the mapping and the syscall side (array_map_mmap),
 * the mmap checks in the kernel's order (do_mmap on the fd's access, bpf_map_mmap, the type's
 * map_mmap), a writable mapping blocking BPF_MAP_FREEZE until it is unmapped (map->writecnt), a
 * ring buffer's consumer and producer pages (ringbuf_map_mmap_kern), and epoll/poll on an empty
 * ring (not readable, as ringbuf_map_poll_kern says).
 */
#include "bpf_case.h"

#include <poll.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/mman.h>

/* mmap's outcome as a return value: 0 for a mapping, -1 with errno for MAP_FAILED */
static long map_result(void *p)
{
	return p == MAP_FAILED ? -1 : 0;
}

static void arrays(void)
{
	long page = page_size();
	__u32 k;
	__u64 v;
	long fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 512, BPF_F_MMAPABLE, 0, NULL);
	__u64 *p;

	EXPECT_CALL("mmap.array.create", 3, 0, fd);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_CALL("mmap.array.map_rw", 0, 0, map_result(p));
	if (p == MAP_FAILED)
		return;
	p[3] = 77;
	k = 3;
	v = 0;
	EXPECT_CALL("mmap.array.lookup_sees_store", 0, 0, map_elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0));
	expect_long("mmap.array.lookup_sees_store.value", 77, (long)v);
	k = 5;
	v = 99;
	map_elem(BPF_MAP_UPDATE_ELEM, fd, &k, &v, 0);
	expect_long("mmap.array.mapping_sees_update", 99, (long)p[5]);
	EXPECT_CALL("mmap.array.freeze_while_writable_mapping", -1, EBUSY, map_elem(BPF_MAP_FREEZE, fd, NULL, NULL, 0));
	EXPECT_CALL("mmap.array.munmap", 0, 0, munmap(p, page));
	EXPECT_CALL("mmap.array.freeze_after_munmap", 0, 0, map_elem(BPF_MAP_FREEZE, fd, NULL, NULL, 0));
	EXPECT_CALL("mmap.array.frozen_map_rw", -1, EPERM,
	       map_result(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_CALL("mmap.array.frozen_map_ro", 0, 0, map_result(p));
	if (p != MAP_FAILED) {
		expect_long("mmap.array.frozen_map_ro.value", 77, (long)p[3]);
		munmap(p, page);
	}
	EXPECT_CALL("mmap.array.private", -1, EINVAL, map_result(mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0)));
	EXPECT_CALL("mmap.array.past_values", -1, EINVAL,
		   map_result(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page)));
	EXPECT_CALL("mmap.array.two_pages", -1, EINVAL, map_result(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0)));
	close((int)fd);

	fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 512, 0, 0, NULL);
	EXPECT_CALL("mmap.array.not_mmapable", -1, EINVAL, map_result(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0)));
	close((int)fd);
	fd = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, NULL);
	EXPECT_CALL("mmap.hash", -1, 524, map_result(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0)));
	close((int)fd);

	fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1024, BPF_F_MMAPABLE | BPF_F_RDONLY, 0, NULL);
	EXPECT_CALL("mmap.array.rdonly_fd_rw", -1, EACCES,
	       map_result(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page);
	{
		char buf[64];
		observe("mmap.array.rdonly_fd_ro_page1", "%s", outcome(map_result(p), errno, buf, sizeof(buf)));
	}
	if (p != MAP_FAILED)
		munmap(p, page);
	close((int)fd);

	long prog = load_prog(prog_ret0, 2, "m", NULL);
	EXPECT_CALL("mmap.prog_fd", -1, ENODEV, map_result(mmap(NULL, page, PROT_READ, MAP_SHARED, prog, 0)));
	close((int)prog);
}

static void ring(void)
{
	long page = page_size();
	long fd = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, 0, NULL);
	unsigned long *cons, *prod;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, got[4];
	struct pollfd pfd;
	int ep;

	EXPECT_CALL("mmap.ring.create", 3, 0, fd);
	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_CALL("mmap.ring.consumer_page", 0, 0, map_result(cons));
	prod = mmap(NULL, page + 2 * 4096, PROT_READ, MAP_SHARED, fd, page);
	EXPECT_CALL("mmap.ring.producer_and_data", 0, 0, map_result(prod));
	if (cons != MAP_FAILED && prod != MAP_FAILED)
		observe("mmap.ring.positions", "consumer %lu producer %lu", cons[0], prod[0]);
	EXPECT_CALL("mmap.ring.producer_writable", -1, EPERM,
	       map_result(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page)));
	EXPECT_CALL("mmap.ring.consumer_two_pages_writable", -1, EPERM,
	       map_result(mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
	EXPECT_CALL("mmap.ring.too_long", -1, EINVAL,
	       map_result(mmap(NULL, page + 3 * 4096, PROT_READ, MAP_SHARED, fd, page)));

	ep = epoll_create1(EPOLL_CLOEXEC);
	EXPECT_CALL("mmap.ring.epoll_add", 0, 0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	EXPECT_CALL("mmap.ring.epoll_add_twice", -1, EEXIST, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	EXPECT_CALL("mmap.ring.epoll_wait_empty", 0, 0, epoll_wait(ep, got, 4, 0));
	EXPECT_CALL("mmap.ring.epoll_wait_empty_again", 0, 0, epoll_wait(ep, got, 4, 10));
	EXPECT_CALL("mmap.ring.epoll_del", 0, 0, epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
	EXPECT_CALL("mmap.ring.epoll_del_again", -1, ENOENT, epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
	close(ep);
	pfd.fd = (int)fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	EXPECT_CALL("mmap.ring.poll_empty", 0, 0, poll(&pfd, 1, 0));
	expect_long("mmap.ring.poll_keeps_fd", fd, pfd.fd);
	if (cons != MAP_FAILED)
		munmap(cons, page);
	if (prod != MAP_FAILED)
		munmap(prod, page + 2 * 4096);
	close((int)fd);
}

int cases_mmap(void)
{
	int open_before = open_descriptors_above(2);

	arrays();
	ring();
	expect_long("mmap.no_descriptor_left", open_before, open_descriptors_above(2));
	return 0;
}
