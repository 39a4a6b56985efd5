/*
 * Which descriptors are emulated BPF objects. An object fd is one end of a socketpair whose other
 * end the service holds, so the table is keyed by the socket's inode, not by the fd number: dup,
 * dup2, fork and fd reuse then need no bookkeeping here (a copy has the same inode, a reused
 * number has another). The later interposition of mmap, ioctl and epoll on our fds asks this table
 * (docs/PROTOCOL.md, "Seams").
 *
 * Sockfs inode numbers come from a counter (get_next_ino), so a stale entry of a closed object
 * cannot name a new socket until that counter wraps.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "shim.h"
#include "shim_wire.h"

struct entry {
	ino_t ino;
	uint32_t kind;
	uint32_t id;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set while this thread is in the table (before it locks, until it unlocked): a signal handler of this
 * thread that calls close() then must not wait for the lock its own thread holds. */
static __thread int in_table;
static struct entry *entries;
static size_t count, capacity;
/* Entries that are links or perf events: only a process that ever held one pays for close() checks. */
static size_t detachable;

static int socket_inode(int fd, ino_t *ino)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return -1;
	*ino = st.st_ino;
	return 0;
}

void shim_fdtable_add(int fd, uint32_t kind, uint32_t id)
{
	ino_t ino;

	if (socket_inode(fd, &ino) != 0)
		return;
	in_table = 1;
	pthread_mutex_lock(&table_lock);
	if (count == capacity) {
		size_t grown = capacity ? capacity * 2 : 64;
		struct entry *bigger = realloc(entries, grown * sizeof(*bigger));
		if (!bigger)
			goto out; /* only the seam loses this entry; the fd itself works */
		entries = bigger;
		capacity = grown;
	}
	entries[count++] = (struct entry){ .ino = ino, .kind = kind, .id = id };
	if (kind == WIRE_OBJ_LINK || kind == WIRE_OBJ_PERF_EVENT)
		__atomic_add_fetch(&detachable, 1, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&table_lock);
	in_table = 0;
}

int shim_fdtable_lookup(int fd, uint32_t *kind, uint32_t *id)
{
	int found = 0;
	ino_t ino;

	if (in_table || socket_inode(fd, &ino) != 0)
		return 0;
	in_table = 1;
	pthread_mutex_lock(&table_lock);
	for (size_t i = count; i-- > 0;) {
		if (entries[i].ino == ino) {
			*kind = entries[i].kind;
			*id = entries[i].id;
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&table_lock);
	in_table = 0;
	return found;
}

int shim_fdtable_any(void)
{
	return __atomic_load_n(&count, __ATOMIC_RELAXED) != 0;
}

int shim_fdtable_any_detachable(void)
{
	return __atomic_load_n(&detachable, __ATOMIC_ACQUIRE) != 0;
}
