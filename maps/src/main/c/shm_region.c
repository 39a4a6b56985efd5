/*
 * Each map object lives in its own memfd: the service, the agents and the app map it; the kernel
 * frees it when the last fd and the last mapping are gone, so a creator that dies leaves nothing
 * behind unless someone still references the object.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shm_region.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

int shm_create(const char *name, uint64_t size, int *fd_out)
{
	char fullname[64];
	snprintf(fullname, sizeof(fullname), "bpftime:%s", name && *name ? name : "map");
	int fd = memfd_create(fullname, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL);
	if (fd < 0 && errno == EINVAL) /* kernels before 6.3 do not know MFD_NOEXEC_SEAL */
		fd = memfd_create(fullname, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	int err = 0;
	if (fchmod(fd, 0600) != 0 || ftruncate(fd, (off_t)size) != 0) {
		err = errno == EFBIG || errno == EINVAL ? -ENOMEM : -errno;
		goto fail;
	}
	/* tmpfs allocates every page now or fails: ENOSPC/ENOMEM become the kernel's -ENOMEM */
	if (fallocate(fd, 0, 0, (off_t)size) != 0) {
		err = (errno == ENOSPC || errno == ENOMEM || errno == EFBIG) ? -ENOMEM : -errno;
		goto fail;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		err = -errno;
		goto fail;
	}
	*fd_out = fd;
	return 0;
fail:
	close(fd);
	return err;
}

int64_t shm_size(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return st.st_size;
}

void *shm_map(int fd, uint64_t off, uint64_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	return p == MAP_FAILED ? NULL : p;
}

void *shm_map_double(int fd, uint64_t head_off, uint64_t head_len, uint64_t data_off, uint64_t data_len)
{
	uint64_t total = head_len + 2 * data_len;
	uint8_t *area = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		return NULL;
	if (mmap(area, head_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, (off_t)head_off) == MAP_FAILED ||
	    mmap(area + head_len, data_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, (off_t)data_off) ==
		    MAP_FAILED ||
	    mmap(area + head_len + data_len, data_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)data_off) == MAP_FAILED) {
		int saved = errno;
		munmap(area, total);
		errno = saved;
		return NULL;
	}
	return area;
}
