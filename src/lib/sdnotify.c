#include "lib/common.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "lib/sdnotify.h"

enum sh_code sdnotify(const char *state, struct sh_error *err)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	size_t n;
	socklen_t len;
	ssize_t sent;
	int fd;

	if (!path || !*path)
		return SH_OK;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path))
		return sh_error_set(err, SH_EINVAL, "NOTIFY_SOCKET is not a socket path");
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace: no terminating NUL counted */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sh_error_set(err, SH_EIO, "sd_notify: socket: %s", strerror(errno));
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	close(fd);
	if (sent < 0)
		return sh_error_set(err, SH_EIO, "sd_notify: cannot send to %s: %s", path,
				    strerror(errno));
	return SH_OK;
}
