/* SPDX-License-Identifier: MIT */
/* Pure parsers and formatters: no I/O, no globals. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

static int fail(const char **why, const char *text)
{
	if (why)
		*why = text;
	return -EINVAL;
}

/*
 * Mirrors the kernel's dev_valid_name(), plus control characters, '%', and
 * the two names its per-device sysctl directories (net/ipv4/conf/NAME)
 * already use: TUNSETIFF refuses those with a bare EINVAL.
 */
int parse_ifname(const char *s, char out[IFNAMSIZ], const char **why)
{
	size_t len = strlen(s);

	if (len == 0)
		return fail(why, "empty name");
	if (len >= IFNAMSIZ)
		return fail(why, "longer than 15 bytes (the kernel would truncate it)");
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return fail(why, "'.' and '..' are not interface names");
	if (!strcmp(s, "all") || !strcmp(s, "default"))
		return fail(why, "reserved by the kernel ('all' and 'default' name its sysctl settings for every device, net.ipv4.conf.all and .default)");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '/' || *p == ':')
			return fail(why, "contains '/' or ':'");
		if (isspace(*p))
			return fail(why, "contains white space");
		if (*p < 0x20 || *p == 0x7f)
			return fail(why, "contains a control character");
		if (*p == '%')
			return fail(why, "contains '%' (the kernel reads it as a name template)");
	}
	memcpy(out, s, len + 1);
	return 0;
}

static int parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_id(const char *s, uint32_t *out, const char **why)
{
	unsigned long long v;

	if (parse_u64(s, ULLONG_MAX, &v) < 0)
		return fail(why, "not a number");
	if (v > 4294967294ULL)
		return fail(why, "outside 0..4294967294");
	*out = (uint32_t)v;
	return 0;
}

int parse_addr(const char *s, int *family, uint8_t out[16], const char **why)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return fail(why, "not an IPv4 or IPv6 address");
}

int parse_cidr(const char *s, struct ipaddr *out, const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long long plen;

	if (alen == 0 || alen >= sizeof(buf))
		return fail(why, "not an IPv4 or IPv6 address");
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (parse_addr(buf, &out->family, out->addr, why) < 0)
		return -EINVAL;
	unsigned max = out->family == AF_INET ? 32 : 128;
	if (!slash) {
		out->prefixlen = (uint8_t)max;
		return 0;
	}
	if (parse_u64(slash + 1, ULLONG_MAX, &plen) < 0)
		return fail(why, "prefix length is not a number");
	if (plen > max)
		return fail(why, out->family == AF_INET ? "prefix length over 32" : "prefix length over 128");
	out->prefixlen = (uint8_t)plen;
	return 0;
}

/* Splits "HEAD,opt,opt" at its first comma: HEAD into buf, *opts after it (NULL when none). */
static int split_opts(const char *s, char *buf, size_t len, const char **opts)
{
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	if (n >= len)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*opts = comma ? comma + 1 : NULL;
	return 0;
}

/* The next option of "a,b=c,..." into buf; *rest moves past it. 0, or -EINVAL for an empty or long one. */
static int next_opt(const char **rest, char *buf, size_t len)
{
	const char *s = *rest, *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*rest = comma ? comma + 1 : NULL;
	return 0;
}

/* Why the kernel would not keep a as a device's own address, or NULL. */
static const char *unkept(const struct ipaddr *a)
{
	static const uint8_t zero[16], loop6[16] = { [15] = 1 };

	if (a->prefixlen == 0)
		return "prefix length 0: a device's address needs a prefix of 1 or more (0.0.0.0/0 and ::/0 are default routes: give them as a route)";
	if (a->family == AF_INET) {
		if (!memcmp(a->addr, zero, 4))
			return "the unspecified address 0.0.0.0, which the kernel does not keep on a device";
		if (a->addr[0] == 127)
			return "a loopback address (127.0.0.0/8): it belongs on lo, and the kernel drops packets to it on other devices";
		if ((a->addr[0] & 0xf0) == 0xe0)
			return "a multicast address (224.0.0.0/4): a device joins a group, it does not have it as its address";
	} else {
		if (!memcmp(a->addr, zero, 16))
			return "the unspecified address ::, which the kernel refuses on a device";
		if (!memcmp(a->addr, loop6, 16))
			return "the loopback address ::1, which the kernel keeps only on lo";
		if (a->addr[0] == 0xff)
			return "a multicast address (ff00::/8), which the kernel refuses as a device's address";
	}
	return NULL;
}

int parse_address(const char *s, struct ipaddr *out, const char **why)
{
	char head[INET6_ADDRSTRLEN + 8], opt[32];
	const char *opts, *bad;

	if (split_opts(s, head, sizeof(head), &opts) < 0)
		return fail(why, "not an IPv4 or IPv6 address");
	if (parse_cidr(head, out, why) < 0)
		return -EINVAL;
	if ((bad = unkept(out)))
		return fail(why, bad);
	while (opts) {
		if (next_opt(&opts, opt, sizeof(opt)) < 0)
			return fail(why, "an empty or overlong option after ',' (options: nodad, noprefixroute)");
		if (!strcmp(opt, "nodad")) {
			if (out->family != AF_INET6)
				return fail(why, "nodad is for IPv6 addresses (IPv4 has no duplicate address detection)");
			out->opts |= ADDR_NODAD;
		} else if (!strcmp(opt, "noprefixroute")) {
			out->opts |= ADDR_NOPREFIXROUTE;
		} else {
			return fail(why, "unknown option after ',' (options: nodad, noprefixroute)");
		}
	}
	return 0;
}

/* True when a has bits set past its first len bits. */
static bool host_bits(const uint8_t *a, unsigned len, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned keep = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * (unsigned)i : 0;
		uint8_t mask = keep ? (uint8_t)(0xff << (8 - keep)) : 0;
		if (a[i] & (uint8_t)~mask)
			return true;
	}
	return false;
}

int parse_route(const char *s, struct route *out, const char **why)
{
	char head[INET6_ADDRSTRLEN + 8], opt[INET6_ADDRSTRLEN + 8];
	const char *opts;
	struct ipaddr dst;
	bool has_metric = false;
	unsigned long long metric;

	memset(out, 0, sizeof(*out));
	if (split_opts(s, head, sizeof(head), &opts) < 0)
		return fail(why, "not an IPv4 or IPv6 prefix");
	if (parse_cidr(head, &dst, why) < 0)
		return -EINVAL;
	size_t n = dst.family == AF_INET ? 4 : 16;
	if (host_bits(dst.addr, dst.prefixlen, n))
		return fail(why, "has bits set past its prefix length (a route names a network: clear the host part)");
	out->family = dst.family;
	out->dst_len = dst.prefixlen;
	memcpy(out->dst, dst.addr, n);
	while (opts) {
		if (next_opt(&opts, opt, sizeof(opt)) < 0)
			return fail(why, "an empty or overlong option after ',' (options: via=GATEWAY, metric=N)");
		if (!strncmp(opt, "via=", 4)) {
			int family;
			if (out->has_gw)
				return fail(why, "via= given twice");
			if (parse_addr(opt + 4, &family, out->gw, why) < 0)
				return fail(why, "via=: the gateway is not an IPv4 or IPv6 address");
			if (family != out->family)
				return fail(why, family == AF_INET ? "via=: an IPv4 gateway for an IPv6 route"
								   : "via=: an IPv6 gateway for an IPv4 route");
			out->has_gw = true;
		} else if (!strncmp(opt, "metric=", 7)) {
			if (has_metric)
				return fail(why, "metric= given twice");
			if (parse_u64(opt + 7, 4294967295ULL, &metric) < 0)
				return fail(why, "metric=: not a number in 0..4294967295");
			out->metric = (uint32_t)metric;
			has_metric = true;
		} else {
			return fail(why, "unknown option after ',' (options: via=GATEWAY, metric=N)");
		}
	}
	if (!has_metric)
		out->metric = out->family == AF_INET ? 0 : 1024;
	return 0;
}

char *format_route(const struct route *r, char *buf, size_t len)
{
	struct ipaddr dst = { .family = r->family, .prefixlen = r->dst_len };
	char gw[INET6_ADDRSTRLEN];
	size_t n;

	memcpy(dst.addr, r->dst, sizeof(dst.addr));
	format_ipaddr(&dst, buf, len);
	n = strlen(buf);
	if (r->has_gw && inet_ntop(r->family, r->gw, gw, sizeof(gw)))
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, ",via=%s", gw);
	if (n < len && r->metric != (r->family == AF_INET ? 0u : 1024u))
		snprintf(buf + n, len - n, ",metric=%u", r->metric);
	return buf;
}

bool route_equal(const struct route *a, const struct route *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->dst_len == b->dst_len && !memcmp(a->dst, b->dst, n) &&
	       a->has_gw == b->has_gw && (!a->has_gw || !memcmp(a->gw, b->gw, n)) && a->metric == b->metric;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t out[6], const char **why)
{
	uint8_t mac[6];

	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)s[0]);
		int lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);
		if (hi < 0 || lo < 0)
			return fail(why, "not six hex bytes like 02:00:00:00:00:01");
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return fail(why, "not six hex bytes like 02:00:00:00:00:01");
	}
	if (*s)
		return fail(why, "not six hex bytes like 02:00:00:00:00:01");
	if (mac[0] & 1)
		return fail(why, "a multicast address (the low bit of the first byte is set)");
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return fail(why, "all zero");
	memcpy(out, mac, 6);
	return 0;
}

int parse_mtu(const char *s, uint32_t *out, const char **why)
{
	unsigned long long v;

	if (parse_u64(s, ULLONG_MAX, &v) < 0)
		return fail(why, "not a number");
	if (v < 68 || v > 65535)
		return fail(why, "outside 68..65535");
	*out = (uint32_t)v;
	return 0;
}

void tun_mtu_bounds(enum tun_mode m, uint32_t *min, uint32_t *max)
{
	*min = 68;
	*max = m == MODE_TAP ? 65535 - 14 : 65535;
}

int mtu_for_mode(uint32_t mtu, enum tun_mode m, const char **why)
{
	uint32_t min, max;

	tun_mtu_bounds(m, &min, &max);
	if (mtu > max)
		return fail(why, m == MODE_TAP ? "over 65521, the most a tap device takes (65535 less its 14-byte Ethernet header)"
					      : "over 65535, the most a tun device takes");
	if (mtu < min)
		return fail(why, "under 68, the least a tun or tap device takes");
	return 0;
}

int parse_bool(const char *s, bool *out, const char **why)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return fail(why, "not a boolean (yes/no, true/false, on/off, 1/0)");
}

int parse_mode(const char *s, enum tun_mode *out, const char **why)
{
	if (!strcasecmp(s, "tun"))
		*out = MODE_TUN;
	else if (!strcasecmp(s, "tap"))
		*out = MODE_TAP;
	else
		return fail(why, "not 'tun' or 'tap'");
	return 0;
}

enum tun_mode mode_for_name(const char *name)
{
	return strncmp(name, "tun", 3) ? MODE_TAP : MODE_TUN;
}

const char *mode_name(enum tun_mode m)
{
	return m == MODE_TUN ? "tun" : m == MODE_TAP ? "tap" : "unknown";
}

char *format_ipaddr(const struct ipaddr *a, char *buf, size_t len)
{
	char txt[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, txt, sizeof(txt)))
		snprintf(txt, sizeof(txt), "?");
	snprintf(buf, len, "%s/%u", txt, a->prefixlen);
	return buf;
}

char *format_mac(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/* Case folded, and '_' taken for '-': "Multi_Queue" is one step from nothing. */
static char fold(char c)
{
	return c == '_' ? '-' : (char)tolower((unsigned char)c);
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[EDIT_DISTANCE_MAX + 1];

	if (la > EDIT_DISTANCE_MAX || lb > EDIT_DISTANCE_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = diag + (fold(a[i - 1]) != fold(b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = row[j];
			row[j] = best;
		}
	}
	return row[lb];
}

char *format_ipaddr_peer(const struct ipaddr *a, char *buf, size_t len)
{
	struct ipaddr peer = *a;

	format_ipaddr(a, buf, len);
	if (!a->has_peer)
		return buf;
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	memcpy(peer.addr, a->peer, sizeof(peer.addr));
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, " peer ");
	n = strlen(buf);
	format_ipaddr(&peer, buf + n, len - n);
	return buf;
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	/* The peer is part of an address: the same local address with another peer is another address. */
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       !memcmp(a->addr, b->addr, n) && a->has_peer == b->has_peer &&
	       (!a->has_peer || !memcmp(a->peer, b->peer, n));
}

void devspec_init(struct devspec *s)
{
	memset(s, 0, sizeof(*s));
	s->uid = ID_NONE;
	s->gid = ID_NONE;
	s->multi_queue = -1;
	s->vnet_hdr = -1;
	s->pi = -1;
	s->up = -1;
}

void devspec_free(struct devspec *s)
{
	free(s->addrs);
	free(s->routes);
	free(s->netns);
	s->addrs = NULL;
	s->routes = NULL;
	s->netns = NULL;
	s->naddrs = 0;
	s->nroutes = 0;
}
