/*
 * The per-user runtime directory, the same rule as the service's RuntimeDir and the agent's
 * (native-support's service_socket.h; docs/PROTOCOL.md): the shim creates it 0700 when missing, then
 * it must be a real directory owned by the effective uid with no group or other access: anything
 * else could be another user's trap, so the shim refuses it (EPERM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "service_socket.h"
#include "shim.h"

int shim_runtime_dir(char *out)
{
	static char cached[PATH_MAX];
	static int have;
	uid_t uid = geteuid();
	int err;

	/* Cached once good; the environment of a running process does not change our answer. */
	if (__atomic_load_n(&have, __ATOMIC_ACQUIRE)) {
		memcpy(out, cached, PATH_MAX);
		return 0;
	}
	err = runtime_dir_path(out, uid);
	if (err)
		return err;
	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return -errno;
	err = runtime_dir_private(out, uid);
	if (err)
		return err;
	memcpy(cached, out, PATH_MAX);
	__atomic_store_n(&have, 1, __ATOMIC_RELEASE);
	return 0;
}

long shim_env_ms(const char *name, long fallback)
{
	const char *v = getenv(name);
	char *end;
	long ms;

	if (!v || !*v)
		return fallback;
	ms = strtol(v, &end, 10);
	return *end == '\0' && ms > 0 ? ms : fallback;
}
