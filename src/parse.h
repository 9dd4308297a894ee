/* SPDX-License-Identifier: MIT */
/*
 * Pure parsers for what users type: interface names, ids, addresses, MACs,
 * numbers, booleans. No I/O. Each returns 0, or -EINVAL and points *why at a
 * static text that says what is wrong ("prefix length over 32").
 */
#ifndef TUNOWN_PARSE_H
#define TUNOWN_PARSE_H

#include <netinet/in.h>

#include "types.h"

/* Room for "ADDR/PREFIX". */
#define IPADDR_STRLEN (INET6_ADDRSTRLEN + 5)
#define MAC_STRLEN 18

int parse_ifname(const char *s, char out[IFNAMSIZ], const char **why);
/* A numeric uid/gid: 0..4294967294 (2^32-1 is the kernel's "unset"). */
int parse_id(const char *s, uint32_t *out, const char **why);
/* "ADDR/PREFIX" or a bare ADDR (host prefix), IPv4 or IPv6; any address and prefix (routes take 0.0.0.0/0). */
int parse_cidr(const char *s, struct ipaddr *out, const char **why);
/*
 * An address as add and the file take it: CIDR[,nodad][,noprefixroute], and
 * one the kernel keeps as a device's own: not prefix 0, not the unspecified
 * address, not loopback (127.0.0.0/8, ::1), not multicast (224.0.0.0/4, ff00::/8).
 */
int parse_address(const char *s, struct ipaddr *out, const char **why);
/*
 * A route: DEST[/LEN][,via=GATEWAY][,metric=N]. DEST must have no host bits
 * past LEN, the gateway the family of DEST; the metric defaults to the
 * kernel's (0 for IPv4, 1024 for IPv6).
 */
int parse_route(const char *s, struct route *out, const char **why);
/* The same syntax back ("10.1.0.0/16,via=10.0.0.2"; a default metric is left out): no space in it. */
#define ROUTE_STRLEN (2 * INET6_ADDRSTRLEN + 32)
char *format_route(const struct route *r, char *buf, size_t len);
/* Same family, destination, gateway and metric. */
bool route_equal(const struct route *a, const struct route *b);
/* A bare address; *family is set to AF_INET or AF_INET6. */
int parse_addr(const char *s, int *family, uint8_t out[16], const char **why);
/* xx:xx:xx:xx:xx:xx, unicast and not all-zero. */
int parse_mac(const char *s, uint8_t out[6], const char **why);
/* A decimal MTU, 68..65535 here; the device's own bounds are checked later. */
int parse_mtu(const char *s, uint32_t *out, const char **why);
/* The MTU bounds of a new tun or tap device (drivers/net/tun.c: 68, and 65535 less the link header). */
void tun_mtu_bounds(enum tun_mode m, uint32_t *min, uint32_t *max);
/* 0 when a device of mode m takes mtu; -EINVAL with *why otherwise. */
int mtu_for_mode(uint32_t mtu, enum tun_mode m, const char **why);
/* Below this MTU the kernel turns IPv6 off on a device and drops or refuses its addresses. */
#define IPV6_MIN_MTU 1280
/* yes/no/true/false/on/off/1/0. */
int parse_bool(const char *s, bool *out, const char **why);
/* "tun" or "tap", in any case. */
int parse_mode(const char *s, enum tun_mode *out, const char **why);

/* The mode a name implies when none is given: tun for "tun*", else tap. */
enum tun_mode mode_for_name(const char *name);
const char *mode_name(enum tun_mode m);

/* Formatters; buf must hold INET6_ADDRSTRLEN + 5 / 18 bytes. */
char *format_ipaddr(const struct ipaddr *a, char *buf, size_t len);
/* "10.0.0.1/24", or "10.0.0.1 peer 10.0.0.2/32" as ip shows a point-to-point address; len: 2 * IPADDR_STRLEN. */
char *format_ipaddr_peer(const struct ipaddr *a, char *buf, size_t len);
char *format_mac(const uint8_t mac[6], char *buf, size_t len);

/*
 * Levenshtein distance between two words, case folded and '_' taken for '-',
 * for "did you mean" hints; SIZE_MAX when either is longer than
 * EDIT_DISTANCE_MAX bytes.
 */
#define EDIT_DISTANCE_MAX 32
size_t edit_distance(const char *a, const char *b);

/* Two addresses are the same when family, address, prefix and peer (or its absence) match. */
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);

#endif
