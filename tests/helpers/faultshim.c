/* SPDX-License-Identifier: MIT */
/*
 * faultshim.so, an LD_PRELOAD shim for the fault-injection tests: it counts
 * the requests tunown makes of the kernel, ioctl()s on the tun clone device
 * (/dev/net/tun, c 10:200) and sends on netlink sockets, and makes exactly
 * one of them fail without reaching the kernel.
 *
 *   TUNOWN_FAULT_AT=N        fail the Nth request (1-based); unset or 0: only count
 *   TUNOWN_FAULT_ERRNO=EIO   the errno it fails with, a name or a number (default EIO)
 *   TUNOWN_FAULT_LOG=FILE    append one line per request: "N ioctl TUNSETOWNER",
 *                            "N netlink RTM_NEWADDR", with " FAULT" on the failed one
 *   TUNOWN_FAULT_SIGNAL=TERM instead of failing the Nth request, raise SIGTERM
 *                            (or INT, HUP) just before it and then make it: an
 *                            interrupt that lands exactly there
 *
 * Requests are counted across the whole process, so a test runs a command
 * once to count and then once per N.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static long fault_at;
static int fault_errno = EIO;
static long seen;
static int fault_signal;

static int parse_errno(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end && n > 0 && n < 4096)
		return (int)n;
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);
		if (name && !strcmp(name, s))
			return e;
	}
	return EIO;
}

__attribute__((constructor)) static void faultshim_init(void)
{
	const char *at = getenv("TUNOWN_FAULT_AT");
	const char *e = getenv("TUNOWN_FAULT_ERRNO");

	if (at)
		fault_at = strtol(at, NULL, 10);
	if (e && *e)
		fault_errno = parse_errno(e);
	e = getenv("TUNOWN_FAULT_SIGNAL");
	if (e && *e)
		fault_signal = !strcmp(e, "INT") ? SIGINT : !strcmp(e, "HUP") ? SIGHUP : SIGTERM;
}

static void note(const char *kind, const char *what, bool fault)
{
	const char *path = getenv("TUNOWN_FAULT_LOG");
	char line[128];
	int fd, n;

	if (!path || !*path)
		return;
	n = snprintf(line, sizeof(line), "%ld %s %s%s\n", seen, kind, what, fault ? " FAULT" : "");
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* a test without its log fails on its own */
	}
	close(fd);
}

/* Counts one request; true when it is the one to fail. */
static bool hit(const char *kind, const char *what)
{
	bool fault = ++seen == fault_at;

	note(kind, what, fault);
	if (fault && fault_signal) {
		raise(fault_signal);    /* delivered now, or when tunown unblocks it */
		return false;
	}
	return fault;
}

static bool is_tun(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 10 &&
	       minor(st.st_rdev) == 200;
}

static bool is_netlink(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_NETLINK;
}

static const char *ioctl_name(unsigned long req, char *buf, size_t len)
{
	switch (req) {
	case TUNSETIFF: return "TUNSETIFF";
	case TUNSETOWNER: return "TUNSETOWNER";
	case TUNSETGROUP: return "TUNSETGROUP";
	case TUNSETPERSIST: return "TUNSETPERSIST";
	case TUNGETIFF: return "TUNGETIFF";
	case TUNGETFEATURES: return "TUNGETFEATURES";
	case TUNSETQUEUE: return "TUNSETQUEUE";
	}
	snprintf(buf, len, "0x%lx", req);
	return buf;
}

static const char *nl_name(const void *buf, size_t len, char *out, size_t outlen)
{
	static const char *const names[] = {
		[RTM_NEWLINK] = "RTM_NEWLINK", [RTM_DELLINK] = "RTM_DELLINK",
		[RTM_GETLINK] = "RTM_GETLINK", [RTM_SETLINK] = "RTM_SETLINK",
		[RTM_NEWADDR] = "RTM_NEWADDR", [RTM_DELADDR] = "RTM_DELADDR",
		[RTM_GETADDR] = "RTM_GETADDR",
	};
	struct nlmsghdr h;

	if (len < sizeof(h))
		return "?";
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_type < sizeof(names) / sizeof(names[0]) && names[h.nlmsg_type])
		return names[h.nlmsg_type];
	snprintf(out, outlen, "type %u", h.nlmsg_type);
	return out;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;
	char buf[32];

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (is_tun(fd) && hit("ioctl", ioctl_name(req, buf, sizeof(buf)))) {
		errno = fault_errno;
		return -1;
	}
	return real(fd, req, arg);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	char buf[32];

	if (!real)
		real = (ssize_t (*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
	if (is_netlink(fd) && msg->msg_iovlen &&
	    hit("netlink", nl_name(msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, buf, sizeof(buf)))) {
		errno = fault_errno;
		return -1;
	}
	return real(fd, msg, flags);
}

ssize_t sendto(int fd, const void *data, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	char buf[32];

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, int, const struct sockaddr *, socklen_t))
			dlsym(RTLD_NEXT, "sendto");
	if (is_netlink(fd) && hit("netlink", nl_name(data, len, buf, sizeof(buf)))) {
		errno = fault_errno;
		return -1;
	}
	return real(fd, data, len, flags, to, tolen);
}

ssize_t send(int fd, const void *data, size_t len, int flags)
{
	return sendto(fd, data, len, flags, NULL, 0);
}
