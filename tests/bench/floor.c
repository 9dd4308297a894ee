/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's floor: the same work as `tunown apply` of the benchmark's
 * file, with only the system calls it cannot do without, and no library.
 *
 *   floor add PREFIX N UID    creates the taps PREFIX0..PREFIX<N-1>, owned by
 *                             UID, each with the address 10.(i/256).(i%256).1/24,
 *                             up: per device open, TUNSETIFF, TUNSETOWNER,
 *                             TUNSETPERSIST, close, SIOCGIFINDEX, and one
 *                             sendmsg of RTM_NEWADDR + RTM_NEWLINK (up) with
 *                             one answer to read
 *   floor del PREFIX N GROUP  moves those devices into the netdev group GROUP
 *                             (requests packed into few sendmsg calls) and
 *                             deletes the group with one RTM_DELLINK
 *
 * Exit status 0 when every step worked; otherwise the failing step on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int nl;
static uint32_t seq;

static void die(const char *what, const char *name, int err)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, name, strerror(err));
	exit(1);
}

/* Appends an attribute to the message h (room is the caller's business). */
static void put(struct nlmsghdr *h, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct nlmsghdr *start(char *at, unsigned short type, unsigned short flags, size_t body)
{
	struct nlmsghdr *h = (struct nlmsghdr *)at;

	memset(at, 0, NLMSG_SPACE(body));
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++seq;
	return h;
}

/* Reads answers until the one to sequence number last; any error ends the run. */
static void wait_ack(uint32_t last, const char *name)
{
	char buf[8192];

	for (;;) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv for", name, errno);
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error)
				die("netlink request for", name, -e->error);
			if (h->nlmsg_seq == last)
				return;
		}
	}
}

static void send_all(const char *buf, size_t len, const char *name)
{
	if (send(nl, buf, len, 0) != (ssize_t)len)
		die("send for", name, errno);
}

static void add(const char *prefix, int n, uid_t uid)
{
	char buf[512];

	for (int i = 0; i < n; i++) {
		struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL };
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s%d", prefix, i);
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			die("open /dev/net/tun for", ifr.ifr_name, errno);
		if (ioctl(fd, TUNSETIFF, &ifr) < 0)
			die("TUNSETIFF", ifr.ifr_name, errno);
		if (ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0)
			die("TUNSETOWNER", ifr.ifr_name, errno);
		if (ioctl(fd, TUNSETPERSIST, 1UL) < 0)
			die("TUNSETPERSIST", ifr.ifr_name, errno);
		close(fd);
		if (ioctl(nl, SIOCGIFINDEX, &ifr) < 0)
			die("SIOCGIFINDEX", ifr.ifr_name, errno);

		/* The address without an answer unless it fails; then the link up, answered. */
		struct nlmsghdr *h = start(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
		struct ifaddrmsg *ifa = NLMSG_DATA(h);
		ifa->ifa_family = AF_INET;
		ifa->ifa_prefixlen = 24;
		ifa->ifa_index = (unsigned)ifr.ifr_ifindex;
		uint8_t a[4] = { 10, (uint8_t)(i / 256), (uint8_t)(i % 256), 1 };
		put(h, IFA_LOCAL, a, 4);
		put(h, IFA_ADDRESS, a, 4);
		size_t len = NLMSG_ALIGN(h->nlmsg_len);

		h = start(buf + len, RTM_NEWLINK, NLM_F_ACK, sizeof(struct ifinfomsg));
		struct ifinfomsg *ifi = NLMSG_DATA(h);
		ifi->ifi_index = ifr.ifr_ifindex;
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
		len += NLMSG_ALIGN(h->nlmsg_len);
		send_all(buf, len, ifr.ifr_name);
		wait_ack(seq, ifr.ifr_name);
	}
}

static void del(const char *prefix, int n, uint32_t group)
{
	static char buf[60 * 1024];
	size_t len = 0;
	char name[IFNAMSIZ];

	/* Unanswered moves, packed; the group delete's answer says they all went through. */
	for (int i = 0; i < n; i++) {
		struct nlmsghdr *h = start(buf + len, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		put(h, IFLA_IFNAME, name, strlen(name) + 1);
		put(h, IFLA_GROUP, &group, sizeof(group));
		len += NLMSG_ALIGN(h->nlmsg_len);
		if (len > sizeof(buf) - 256) {
			send_all(buf, len, name);
			len = 0;
		}
	}
	struct nlmsghdr *h = start(buf + len, RTM_DELLINK, NLM_F_ACK, sizeof(struct ifinfomsg));
	put(h, IFLA_GROUP, &group, sizeof(group));
	len += NLMSG_ALIGN(h->nlmsg_len);
	send_all(buf, len, "group");
	wait_ack(seq, "the group delete");
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (argc != 5 || (strcmp(argv[1], "add") && strcmp(argv[1], "del"))) {
		fprintf(stderr, "usage: floor add PREFIX N UID | floor del PREFIX N GROUP\n");
		return 2;
	}
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0 || connect(nl, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink", "socket", errno);
	if (!strcmp(argv[1], "add"))
		add(argv[2], atoi(argv[3]), (uid_t)strtoul(argv[4], NULL, 10));
	else
		del(argv[2], atoi(argv[3]), (uint32_t)strtoul(argv[4], NULL, 10));
	return 0;
}
