/* SPDX-License-Identifier: MIT */
/*
 * oldkernel.so, an LD_PRELOAD shim that makes today's kernel look like one
 * before Linux 4.12 to the process it is loaded into (make check-oldkernel):
 *
 *   - rtnetlink answers lose what newer kernels add to a link: IFLA_INFO_DATA
 *     of kind "tun" (4.16), IFLA_MIN_MTU and IFLA_MAX_MTU (4.19); every length
 *     that holds them (the nested IFLA_LINKINFO, nlmsg_len, what recv returns)
 *     shrinks with them. Alternative names (5.5) stay: the kernel underneath
 *     still resolves them, and a tool blind to them would be wrong, not old;
 *   - setsockopt(NETLINK_EXT_ACK) fails with ENOPROTOOPT (4.12), and an error
 *     answer carries no NLMSGERR_ATTR_* (no kernel text);
 *   - getsockopt(SO_NETNS_COOKIE) fails with ENOPROTOOPT (5.14);
 *   - uname() says the release is 4.11.0 (what tunown decides by it: privs.c).
 *
 * Answers are rewritten in place, in the caller's buffer, on recv, recvfrom
 * and recvmsg (the first iovec: rtnetlink answers fit one) of NETLINK_ROUTE
 * sockets.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static bool is_rtnetlink(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 || v != AF_NETLINK)
		return false;
	len = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == NETLINK_ROUTE;
}

/* Removes the attribute at a (of len bytes, aligned) from a buffer ending at end; the bytes removed. */
static size_t cut(char *a, size_t len, char *end)
{
	memmove(a, a + len, (size_t)(end - (a + len)));
	return len;
}

/* In IFLA_LINKINFO at li: drops IFLA_INFO_DATA when the kind is "tun". The bytes removed. */
static size_t strip_linkinfo(struct nlattr *li, char *end)
{
	char *p = (char *)li + NLA_HDRLEN, *stop = (char *)li + NLA_ALIGN(li->nla_len);
	bool tun = false;
	size_t removed = 0;

	for (char *q = p; q + NLA_HDRLEN <= stop;) {
		struct nlattr *a = (struct nlattr *)q;
		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == IFLA_INFO_KIND && a->nla_len >= NLA_HDRLEN + 4 &&
		    !memcmp(q + NLA_HDRLEN, "tun", 4))
			tun = true;
		q += NLA_ALIGN(a->nla_len);
	}
	if (!tun)
		return 0;
	while (p + NLA_HDRLEN <= stop) {
		struct nlattr *a = (struct nlattr *)p;
		size_t alen = NLA_ALIGN(a->nla_len);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == IFLA_INFO_DATA) {
			cut(p, alen, end);
			end -= alen;
			stop -= alen;
			removed += alen;
			continue;
		}
		p += alen;
	}
	li->nla_len = (uint16_t)(li->nla_len - removed);
	return removed;
}

/* One RTM_NEWLINK at h, whose buffer ends at end: the bytes removed. */
static size_t strip_link(struct nlmsghdr *h, char *end)
{
	char *p;
	char *stop = (char *)h + NLMSG_ALIGN(h->nlmsg_len);
	size_t removed = 0;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return 0;
	p = (char *)h + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(struct ifinfomsg)));
	while (p + NLA_HDRLEN <= stop) {
		struct nlattr *a = (struct nlattr *)p;
		size_t alen = NLA_ALIGN(a->nla_len), n;
		if (a->nla_len < NLA_HDRLEN)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case IFLA_MIN_MTU:
		case IFLA_MAX_MTU:
			cut(p, alen, end);
			end -= alen;
			stop -= alen;
			removed += alen;
			continue;
		case IFLA_LINKINFO:
			n = strip_linkinfo(a, end);
			end -= n;
			stop -= n;
			removed += n;
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	h->nlmsg_len = (uint32_t)(h->nlmsg_len - removed);
	return removed;
}

/* An error answer without its extended-ack attributes. The bytes removed. */
static size_t strip_error(struct nlmsghdr *h, char *end)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t keep;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return 0;
	keep = NLMSG_LENGTH(sizeof(*e));
	if (!(h->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
		keep += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (keep >= h->nlmsg_len)
		return 0;
	size_t removed = NLMSG_ALIGN(h->nlmsg_len) - NLMSG_ALIGN(keep);
	cut((char *)h + NLMSG_ALIGN(keep), removed, end);
	h->nlmsg_len = (uint32_t)keep;
	h->nlmsg_flags &= (uint16_t)~NLM_F_ACK_TLVS;
	return removed;
}

/* Rewrites the answers in buf[0..len): the new length. */
static size_t rewrite(char *buf, size_t len)
{
	char *end = buf + len;

	for (char *p = buf; p + NLMSG_HDRLEN <= end;) {
		struct nlmsghdr *h = (struct nlmsghdr *)p;
		size_t n = 0;
		if (h->nlmsg_len < NLMSG_HDRLEN || p + h->nlmsg_len > end)
			break;
		if (h->nlmsg_type == RTM_NEWLINK)
			n = strip_link(h, end);
		else if (h->nlmsg_type == NLMSG_ERROR)
			n = strip_error(h, end);
		end -= n;
		p += NLMSG_ALIGN(h->nlmsg_len);
	}
	return (size_t)(end - buf);
}

/* A received length: rewritten when all of it is in the buffer (else the caller sees a truncation anyway). */
static ssize_t received(int fd, void *buf, size_t cap, ssize_t got)
{
	if (got <= 0 || (size_t)got > cap || !is_rtnetlink(fd))
		return got;
	return (ssize_t)rewrite(buf, (size_t)got);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	static ssize_t (*real)(int, void *, size_t, int, struct sockaddr *, socklen_t *);

	if (!real)
		real = dlsym(RTLD_NEXT, "recvfrom");
	return received(fd, buf, len, real(fd, buf, len, flags, from, fromlen));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	static ssize_t (*real)(int, void *, size_t, int);

	if (!real)
		real = dlsym(RTLD_NEXT, "recv");
	return received(fd, buf, len, real(fd, buf, len, flags));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);

	if (!real)
		real = dlsym(RTLD_NEXT, "recvmsg");
	ssize_t got = real(fd, msg, flags);
	if (got <= 0 || msg->msg_iovlen < 1)
		return got;
	return received(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, got);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	static int (*real)(int, int, int, const void *, socklen_t);

	if (!real)
		real = dlsym(RTLD_NEXT, "setsockopt");
	if (level == SOL_NETLINK && name == NETLINK_EXT_ACK) {
		errno = ENOPROTOOPT;
		return -1;
	}
	return real(fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (!real)
		real = dlsym(RTLD_NEXT, "getsockopt");
	if (level == SOL_SOCKET && name == SO_NETNS_COOKIE) {
		errno = ENOPROTOOPT;
		return -1;
	}
	return real(fd, level, name, val, len);
}

int uname(struct utsname *u)
{
	static int (*real)(struct utsname *);

	if (!real)
		real = dlsym(RTLD_NEXT, "uname");
	int r = real(u);
	if (r == 0)
		snprintf(u->release, sizeof(u->release), "4.11.0");
	return r;
}
