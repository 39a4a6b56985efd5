/*
 * The per-user runtime directory, the same rule as the service's RuntimeDir (docs/PROTOCOL.md):
 *   $BPFTIME_RUNTIME_DIR if set, else $XDG_RUNTIME_DIR/bpftime when XDG_RUNTIME_DIR is a directory
 *   of this user, else /tmp/bpftime-<euid>.
 * It must be a real directory (not a symlink) owned by the effective uid with no group or other
 * access: anything else could be another user's trap, so the shim refuses it (EPERM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

static int owned_private_dir(const char *path, uid_t uid)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077) != 0)
		return -EPERM;
	return 0;
}

static int choose(char *out, uid_t uid)
{
	const char *explicit = getenv("BPFTIME_RUNTIME_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (explicit && *explicit)
		n = snprintf(out, PATH_MAX, "%s", explicit);
	else if (xdg && xdg[0] == '/' && lstat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid)
		n = snprintf(out, PATH_MAX, "%s/bpftime", xdg);
	else
		n = snprintf(out, PATH_MAX, "/tmp/bpftime-%u", (unsigned)uid);
	return n < PATH_MAX ? 0 : -ENAMETOOLONG;
}

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
	err = choose(out, uid);
	if (err)
		return err;
	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return -errno;
	err = owned_private_dir(out, uid);
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
