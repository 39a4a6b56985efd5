/* The runtime directory and the connection to the service (service_socket.h). */
#include "service_socket.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int runtime_dir_path(char *out, uid_t uid)
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

int runtime_dir_private(const char *path, uid_t uid)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077) != 0)
		return -EPERM;
	return 0;
}

int service_socket_connect(const char *runtime_dir, struct ucred *peer)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(*peer);
	int fd, err;

	*peer = (struct ucred){ .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" SERVICE_SOCKET_NAME, runtime_dir) >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno == EINTR)
			continue;
		err = -errno;
		close(fd);
		return err;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, peer, &len) != 0 || peer->uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	return fd;
}
