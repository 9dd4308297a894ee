/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink through libnl. Reading: our own message callbacks parse
 * IFLA_LINKINFO/IFLA_INFO_DATA (libnl-route-3 keeps no tun attributes).
 * Writing: libnl-route-3 builds the link and address requests; every request
 * goes through request(), which waits for the kernel's answer and keeps its
 * extended-ack text.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "netlink.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct rt {
	struct nl_sock *sk;
	struct nl_cb *cb;
	char message[256];
};

/* What one request or dump is waiting for. */
struct wait {
	struct rt *nl;
	int error;                  /* 0 or -errno from the kernel */
	bool done;
	int (*valid)(struct nl_msg *msg, void *data);
	void *data;
	int stop;                   /* a callback's nonzero return */
	unsigned int seq;           /* the request's sequence number */
};

int rt_open(struct rt **out)
{
	struct rt *nl = calloc(1, sizeof(*nl));
	int one = 1, r;

	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->sk || !nl->cb) {
		r = -ENOMEM;
		goto fail;
	}
	r = nl_connect(nl->sk, NETLINK_ROUTE);
	if (r < 0) {
		r = -EPROTO;
		goto fail;
	}
	/* Ask for the kernel's reasons; an old kernel without them is fine. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	/* A buffer that holds any answer turns off libnl's MSG_PEEK, which read
	 * every answer twice; the kernel makes dump parts of at most 32 KiB. */
	nl_socket_set_msg_buf_size(nl->sk, 32768);
	/* Requests are small (a link change with alias, MTU, MAC and group is about
	 * 100 bytes); libnl's default of a page cost a 4 KiB calloc each. */
	nlmsg_set_default_size(512);
	*out = nl;
	return 0;
fail:
	rt_close(nl);
	return r;
}

void rt_close(struct rt *nl)
{
	if (!nl)
		return;
	if (nl->cb)
		nl_cb_put(nl->cb);
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

const char *rt_message(const struct rt *nl)
{
	return nl->message[0] ? nl->message : NULL;
}

void rt_set_message(struct rt *nl, const char *text)
{
	snprintf(nl->message, sizeof(nl->message), "%s", text ? text : "");
}

/* Keeps NLMSGERR_ATTR_MSG of an error message, if the kernel sent one. */
static void keep_ext_ack(struct rt *nl, struct nlmsgerr *e)
{
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (h->nlmsg_len < NLMSG_HDRLEN + off)
		return;
	struct nlattr *attrs = (struct nlattr *)((char *)e + off);
	int len = (int)(h->nlmsg_len - NLMSG_HDRLEN - off);
	struct nlattr *a;
	int rem;
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			nla_strlcpy(nl->message, a, sizeof(nl->message));
			/* The kernel's texts have no trailing period or newline, but be sure. */
			size_t n = strlen(nl->message);
			while (n && (nl->message[n - 1] == '\n' || nl->message[n - 1] == '.'))
				nl->message[--n] = '\0';
		}
	}
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct wait *w = arg;

	w->error = e->error;
	w->done = true;
	keep_ext_ack(w->nl, e);
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;
	w->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;

	if (!w->valid || w->stop)
		return NL_OK;
	w->stop = w->valid(msg, w->data);
	return NL_OK;
}

/*
 * Only the answers to the request in hand count. libnl's own check expects
 * one answer per number it handed out, so a request whose sending failed
 * would make every later answer a mismatch, and the rollback after that
 * failure would fail too.
 */
static int on_seq(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == w->seq ? NL_OK : NL_SKIP;
}

/* Sends msg (consumed) and reads until the kernel's ACK, error or end of dump. */
static int transact(struct rt *nl, struct nl_msg *msg, int (*valid)(struct nl_msg *, void *), void *data)
{
	struct wait w = { .nl = nl, .valid = valid, .data = data };
	int r;

	nl->message[0] = '\0';
	nl_cb_err(nl->cb, NL_CB_CUSTOM, on_error, &w);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &w);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &w);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &w);
	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq, &w);
	nl_complete_msg(nl->sk, msg);
	w.seq = nlmsg_hdr(msg)->nlmsg_seq;
	r = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return -EIO;
	while (!w.done) {
		r = nl_recvmsgs(nl->sk, nl->cb);
		if (r < 0 && !w.done)
			return r == -NLE_NOMEM ? -ENOMEM : -EIO;
	}
	if (w.error)
		return w.error;
	return w.stop;
}

static int request(struct rt *nl, struct nl_msg *msg)
{
	return transact(nl, msg, NULL, NULL);
}

/* Reading links. */

static void parse_tun(struct link *l, struct nlattr *data)
{
	struct nlattr *t[IFLA_TUN_MAX + 1];

	if (nla_parse_nested(t, IFLA_TUN_MAX, data, NULL) < 0 || !t[IFLA_TUN_TYPE])
		return;
	l->is_tun = true;
	l->mode = nla_get_u8(t[IFLA_TUN_TYPE]) == 1 ? MODE_TUN : MODE_TAP;
	l->owner = t[IFLA_TUN_OWNER] ? nla_get_u32(t[IFLA_TUN_OWNER]) : ID_NONE;
	l->group = t[IFLA_TUN_GROUP] ? nla_get_u32(t[IFLA_TUN_GROUP]) : ID_NONE;
	l->pi = t[IFLA_TUN_PI] && nla_get_u8(t[IFLA_TUN_PI]);
	l->vnet_hdr = t[IFLA_TUN_VNET_HDR] && nla_get_u8(t[IFLA_TUN_VNET_HDR]);
	l->persist = t[IFLA_TUN_PERSIST] && nla_get_u8(t[IFLA_TUN_PERSIST]);
	l->multi_queue = t[IFLA_TUN_MULTI_QUEUE] && nla_get_u8(t[IFLA_TUN_MULTI_QUEUE]);
	l->queues = t[IFLA_TUN_NUM_QUEUES] ? nla_get_u32(t[IFLA_TUN_NUM_QUEUES]) : 0;
	l->disabled_queues = t[IFLA_TUN_NUM_DISABLED_QUEUES] ?
			     nla_get_u32(t[IFLA_TUN_NUM_DISABLED_QUEUES]) : 0;
}

static int parse_link(struct nl_msg *msg, struct link *l)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return -EPROTO;
	struct ifinfomsg *ifi = nlmsg_data(h);
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->up = ifi->ifi_flags & IFF_UP;
	l->carrier = ifi->ifi_flags & IFF_LOWER_UP;
	l->owner = l->group = ID_NONE;
	if (tb[IFLA_IFNAME])
		nla_strlcpy(l->name, tb[IFLA_IFNAME], sizeof(l->name));
	if (tb[IFLA_MTU])
		l->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MIN_MTU])
		l->min_mtu = nla_get_u32(tb[IFLA_MIN_MTU]);
	if (tb[IFLA_MAX_MTU])
		l->max_mtu = nla_get_u32(tb[IFLA_MAX_MTU]);
	if (tb[IFLA_GROUP])
		l->netdev_group = nla_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_CARRIER])
		l->carrier = nla_get_u8(tb[IFLA_CARRIER]);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
		l->has_mac = true;
		memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
	}
	if (tb[IFLA_IFALIAS]) {
		char alias[64];
		nla_strlcpy(alias, tb[IFLA_IFALIAS], sizeof(alias));
		l->managed = !strcmp(alias, TUNOWN_ALIAS);
	}
	if (tb[IFLA_LINKINFO]) {
		struct nlattr *li[IFLA_INFO_MAX + 1];
		if (nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0) {
			if (li[IFLA_INFO_KIND])
				nla_strlcpy(l->kind, li[IFLA_INFO_KIND], sizeof(l->kind));
			if (!strcmp(l->kind, "tun") && li[IFLA_INFO_DATA])
				parse_tun(l, li[IFLA_INFO_DATA]);
			/* The kernel counts queues of multi-queue devices only; a
			 * single-queue one has its carrier on exactly while attached. */
			if (l->is_tun && !l->multi_queue)
				l->queues = l->carrier;
		}
	}
	return 0;
}

struct link_walk {
	link_fn fn;
	void *data;
	struct link *out;
};

static int on_link(struct nl_msg *msg, void *arg)
{
	struct link_walk *lw = arg;
	struct link l;

	if (parse_link(msg, &l) < 0)
		return 0;
	if (lw->out) {
		*lw->out = l;
		return 0;
	}
	return lw->fn(&l, lw->data);
}

static struct nl_msg *getlink_msg(int flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, flags);

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int rt_links(struct rt *nl, link_fn fn, void *data)
{
	struct link_walk lw = { .fn = fn, .data = data };
	struct nl_msg *msg = getlink_msg(NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, on_link, &lw);
}

static int get_link(struct rt *nl, const char *name, int ifindex, struct link *out)
{
	struct link_walk lw = { .out = out };
	struct nl_msg *msg = getlink_msg(0);
	int r;

	if (!msg)
		return -ENOMEM;
	out->ifindex = 0;
	((struct ifinfomsg *)nlmsg_data(nlmsg_hdr(msg)))->ifi_index = ifindex;
	if (name && nla_put_string(msg, IFLA_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	r = transact(nl, msg, on_link, &lw);
	if (r == 0 && out->ifindex == 0)
		r = -ENODEV;
	return r;
}

int rt_link_by_name(struct rt *nl, const char *name, struct link *out)
{
	return get_link(nl, name, 0, out);
}

int rt_link_by_index(struct rt *nl, int ifindex, struct link *out)
{
	return get_link(nl, NULL, ifindex, out);
}

int rt_ifindex(struct rt *nl, const char *name)
{
	struct ifreq ifr = { 0 };

	/* Interface ioctls work on any socket: the netlink one saves opening another. */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(nl_socket_get_fd(nl->sk), SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	return ifr.ifr_ifindex;
}

/* Reading addresses. */

struct addr_walk {
	int ifindex;
	addr_fn fn;
	void *data;
};

static int on_addr(struct nl_msg *msg, void *arg)
{
	struct addr_walk *aw = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFA_MAX + 1];
	struct ipaddr a = { 0 };

	if (h->nlmsg_type != RTM_NEWADDR || nlmsg_parse(h, sizeof(struct ifaddrmsg), tb, IFA_MAX, NULL) < 0)
		return 0;
	struct ifaddrmsg *ifa = nlmsg_data(h);
	if (aw->ifindex && (int)ifa->ifa_index != aw->ifindex)
		return 0;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	size_t n = ifa->ifa_family == AF_INET ? 4 : 16;
	/* IFA_LOCAL is ours when present; IFA_ADDRESS is then the peer. */
	struct nlattr *local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!local || (size_t)nla_len(local) < n)
		return 0;
	a.family = ifa->ifa_family;
	a.prefixlen = ifa->ifa_prefixlen;
	memcpy(a.addr, nla_data(local), n);
	if (tb[IFA_LOCAL] && tb[IFA_ADDRESS] && (size_t)nla_len(tb[IFA_ADDRESS]) >= n &&
	    memcmp(nla_data(tb[IFA_LOCAL]), nla_data(tb[IFA_ADDRESS]), n)) {
		a.has_peer = true;
		memcpy(a.peer, nla_data(tb[IFA_ADDRESS]), n);
	}
	return aw->fn((int)ifa->ifa_index, &a, aw->data);
}

int rt_addrs(struct rt *nl, int ifindex, addr_fn fn, void *data)
{
	struct addr_walk aw = { .ifindex = ifindex, .fn = fn, .data = data };
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);

	if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return transact(nl, msg, on_addr, &aw);
}

/* Writing. */

static int change_msg(int ifindex, const struct linkchange *c, struct nl_msg **msg)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *ch = rtnl_link_alloc();
	struct nl_addr *mac = NULL;
	int r = -ENOMEM;

	*msg = NULL;
	if (!orig || !ch)
		goto out;
	rtnl_link_set_ifindex(orig, ifindex);
	if (c->mtu)
		rtnl_link_set_mtu(ch, c->mtu);
	if (c->mac) {
		mac = nl_addr_build(AF_LLC, c->mac, 6);
		if (!mac)
			goto out;
		rtnl_link_set_addr(ch, mac);
	}
	if (c->alias)
		rtnl_link_set_ifalias(ch, c->alias);
	if (c->up == 1)
		rtnl_link_set_flags(ch, IFF_UP);
	else if (c->up == 0)
		rtnl_link_unset_flags(ch, IFF_UP);
	if (c->set_group)
		rtnl_link_set_group(ch, c->group);
	if (rtnl_link_build_change_request(orig, ch, 0, msg) == 0)
		r = 0;
out:
	nl_addr_put(mac);
	rtnl_link_put(orig);
	rtnl_link_put(ch);
	return r;
}

int rt_change_link(struct rt *nl, int ifindex, const struct linkchange *c)
{
	struct nl_msg *msg;
	int r = change_msg(ifindex, c, &msg);

	return r < 0 ? r : request(nl, msg);
}

static struct rtnl_addr *build_addr(int ifindex, const struct ipaddr *a)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	size_t n = a->family == AF_INET ? 4 : 16;
	struct nl_addr *local = nl_addr_build(a->family, a->addr, n);
	struct nl_addr *peer = a->has_peer ? nl_addr_build(a->family, a->peer, n) : NULL;

	if (!ra || !local || (a->has_peer && !peer))
		goto fail;
	rtnl_addr_set_ifindex(ra, ifindex);
	nl_addr_set_prefixlen(local, a->prefixlen);
	if (rtnl_addr_set_local(ra, local) < 0)
		goto fail;
	if (peer) {
		nl_addr_set_prefixlen(peer, a->prefixlen);
		if (rtnl_addr_set_peer(ra, peer) < 0)
			goto fail;
	}
	rtnl_addr_set_prefixlen(ra, a->prefixlen);
	nl_addr_put(local);
	nl_addr_put(peer);
	return ra;
fail:
	nl_addr_put(local);
	nl_addr_put(peer);
	rtnl_addr_put(ra);
	return NULL;
}

/*
 * libnl-route-3 takes a peer for IPv4 only (rtnl_addr_set_peer refuses other
 * families), so a point-to-point IPv6 address is built here: IFA_LOCAL is
 * ours, IFA_ADDRESS the peer, as the kernel reads them.
 */
static struct nl_msg *addr6_peer_msg(int type, int flags, int ifindex, const struct ipaddr *a)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = a->prefixlen, .ifa_index = (unsigned)ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, IFA_LOCAL, 16, a->addr) < 0 || nla_put(msg, IFA_ADDRESS, 16, a->peer) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int addr_msg(int ifindex, const struct ipaddr *a, bool add, struct nl_msg **msg)
{
	int r;

	*msg = NULL;
	if (a->family == AF_INET6 && a->has_peer) {
		*msg = add ? addr6_peer_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a)
			   : addr6_peer_msg(RTM_DELADDR, 0, ifindex, a);
		return *msg ? 0 : -ENOMEM;
	}
	struct rtnl_addr *ra = build_addr(ifindex, a);
	if (!ra)
		return -ENOMEM;
	r = add ? rtnl_addr_build_add_request(ra, NLM_F_CREATE | NLM_F_EXCL, msg)
		: rtnl_addr_build_delete_request(ra, 0, msg);
	rtnl_addr_put(ra);
	return r < 0 ? -ENOMEM : 0;
}

static int addr_request(struct rt *nl, int ifindex, const struct ipaddr *a, bool add)
{
	struct nl_msg *msg;
	int r = addr_msg(ifindex, a, add, &msg);

	return r < 0 ? r : request(nl, msg);
}

/* What a batch of requests sent together is waiting for. */
struct wait_many {
	struct rt *nl;
	unsigned int first;         /* sequence number of the first request */
	size_t n;
	bool done;                  /* the last request is answered */
	int error;                  /* the first failure's -errno */
	size_t failed;              /* and its index */
};

static int many_seq(struct nl_msg *msg, void *arg)
{
	struct wait_many *w = arg;

	return nlmsg_hdr(msg)->nlmsg_seq - w->first < w->n ? NL_OK : NL_SKIP;
}

static int many_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct wait_many *w = arg;
	size_t idx = e->msg.nlmsg_seq - w->first;

	/* The kernel answers in order: the first error is the one to report. */
	if (e->error && !w->error) {
		w->error = e->error;
		w->failed = idx;
		keep_ext_ack(w->nl, e);
	}
	if (idx + 1 < w->n)
		return NL_OK;
	w->done = true;
	return NL_STOP;
}

static int many_ack(struct nl_msg *msg, void *arg)
{
	struct wait_many *w = arg;

	w->done = true;
	return NL_STOP;
}

/*
 * Sends msgs[0..n) (consumed) in one sendmsg and reads every answer. The
 * kernel runs them one after the other whatever each one's outcome; the
 * first failure is returned, with its index in *failed.
 */
static int transact_many(struct rt *nl, struct nl_msg **msgs, size_t n, size_t *failed)
{
	struct wait_many w = { .nl = nl, .n = n };
	size_t len = 0, off = 0;
	char *buf = NULL;
	int r = 0;

	nl->message[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		nl_complete_msg(nl->sk, msgs[i]);
		/* Only the last asks for an ACK: a failure is answered either way,
		 * and the kernel answers in order, so the last answer ends the batch. */
		if (i + 1 < n)
			nlmsg_hdr(msgs[i])->nlmsg_flags &= ~NLM_F_ACK;
		len += NLMSG_ALIGN(nlmsg_hdr(msgs[i])->nlmsg_len);
	}
	w.first = nlmsg_hdr(msgs[0])->nlmsg_seq;
	buf = calloc(1, len);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct nlmsghdr *h = nlmsg_hdr(msgs[i]);
		memcpy(buf + off, h, h->nlmsg_len);
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	nl_cb_err(nl->cb, NL_CB_CUSTOM, many_error, &w);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, many_ack, &w);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, many_ack, &w);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, many_seq, &w);
	if (nl_sendto(nl->sk, buf, len) < 0) {
		r = -EIO;
		goto out;
	}
	while (!w.done) {
		r = nl_recvmsgs(nl->sk, nl->cb);
		if (r < 0 && !w.done) {
			r = r == -NLE_NOMEM ? -ENOMEM : -EIO;
			goto out;
		}
	}
	r = w.error;
	*failed = w.failed;
out:
	free(buf);
	for (size_t i = 0; i < n; i++)
		nlmsg_free(msgs[i]);
	return r;
}

int rt_setup_link(struct rt *nl, int ifindex, const struct linkchange *c,
		  const struct ipaddr *addrs, size_t naddrs, size_t *failed)
{
	struct nl_msg **msgs = calloc(naddrs + 1, sizeof(*msgs));
	int r;

	*failed = 0;
	if (!msgs)
		return -ENOMEM;
	r = change_msg(ifindex, c, &msgs[0]);
	for (size_t i = 0; r == 0 && i < naddrs; i++)
		r = addr_msg(ifindex, &addrs[i], true, &msgs[i + 1]);
	if (r == 0) {
		r = transact_many(nl, msgs, naddrs + 1, failed);
	} else {
		for (size_t i = 0; i <= naddrs; i++)
			nlmsg_free(msgs[i]);
	}
	free(msgs);
	return r;
}

int rt_add_addr(struct rt *nl, int ifindex, const struct ipaddr *a)
{
	return addr_request(nl, ifindex, a, true);
}

int rt_del_addr(struct rt *nl, int ifindex, const struct ipaddr *a)
{
	return addr_request(nl, ifindex, a, false);
}

static int dellink(struct rt *nl, int ifindex, bool by_group, uint32_t group)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (by_group && nla_put_u32(msg, IFLA_GROUP, group) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return request(nl, msg);
}

int rt_del_link(struct rt *nl, int ifindex)
{
	return dellink(nl, ifindex, false, 0);
}

int rt_del_group(struct rt *nl, uint32_t group)
{
	return dellink(nl, 0, true, group);
}
