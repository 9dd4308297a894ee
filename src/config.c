/* SPDX-License-Identifier: MIT */
/* The apply file: a streaming parser that collects every error as FILE:LINE. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd-add.h"
#include "config.h"
#include "escape.h"
#include "ids.h"
#include "parse.h"
#include "routes.h"

enum key_id {
	K_MODE, K_USER, K_GROUP, K_ADDRESS, K_PEER, K_MTU, K_MAC, K_MULTI_QUEUE,
	K_VNET_HDR, K_PI, K_UP, K_ANY_USER, K_NETNS, K_ADOPT, K_ROUTE, K_COUNT
};

/* One looked-up name; files tend to repeat the same owner for every device. */
struct id_cache {
	char name[64];
	uint32_t id;
	int r;
	const char *why;
};

struct parser {
	struct config *c;
	struct config_errors *errs;
	const char *file;
	unsigned line;
	int nomem;
	bool in_section;
	bool section_ok;            /* the header named a valid device */
	unsigned section_line;
	size_t section_errors;      /* errors found before this section */
	unsigned key_line[K_COUNT]; /* where each key was last set in this section */
	unsigned failed;            /* keys of this section with a faulty line (FAILED_*) */
	unsigned last_addr_line;
	unsigned v6_line;           /* the first IPv6 address of this section */
	size_t bytes;               /* read from this file, up to CONFIG_MAX_SIZE */
	struct devspec cur;
	/* Room in cur.addrs and cur.routes, and the line of each (for "listed twice"). */
	size_t addr_cap, route_cap;
	unsigned *addr_line, *route_line;
	struct id_cache users, groups;
};

/*
 * Bits of parser.failed: 1 << key for a line of that key that had an error,
 * FAILED_UNKNOWN for a line whose key is not known (not key = value, an
 * unknown key, bytes that are not text): it may have been any key.
 */
#define FAILED_UNKNOWN (1u << K_COUNT)
#define KEY(k) (1u << (k))

typedef int (*key_setter)(struct parser *p, const char *value, const char **why);

struct key {
	const char *name;
	key_setter set;
	bool repeats;
};

/* Errors */

void config_errors_init(struct config_errors *e)
{
	memset(e, 0, sizeof(*e));
}

void config_errors_free(struct config_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	free(e->stopped);
	config_errors_init(e);
}

void config_errors_print(const struct config_errors *e, FILE *out)
{
	/* Values are quoted escaped already; file names are not. */
	for (size_t i = 0; i < e->n; i++) {
		escape_put(out, e->v[i].text, 0);
		putc('\n', out);
	}
	if (e->dropped)
		fprintf(out, "(%zu more errors not shown)\n", e->dropped);
	if (e->stopped) {
		escape_put(out, e->stopped, 0);
		putc('\n', out);
	}
}

static void add_error(struct config_errors *e, int *nomem, const char *file, unsigned line,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_error(struct config_errors *e, int *nomem, const char *file, unsigned line,
		      const char *fmt, ...)
{
	char *msg = NULL, *text = NULL;
	va_list ap;

	if (e->n >= CONFIG_MAX_ERRORS) {
		e->dropped++;
		return;
	}
	if (!e->v) {
		e->v = calloc(CONFIG_MAX_ERRORS, sizeof(*e->v));
		if (!e->v)
			goto nomem;
	}
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		goto nomem;
	r = line ? asprintf(&text, "%s:%u: %s", file, line, msg)
		 : asprintf(&text, "%s: %s", file, msg);
	free(msg);
	if (r < 0)
		goto nomem;
	e->v[e->n].line = line;
	e->v[e->n].text = text;
	e->n++;
	return;
nomem:
	*nomem = -ENOMEM;
}

#define perr(p, line, ...) add_error((p)->errs, &(p)->nomem, (p)->file, (line), __VA_ARGS__)

/*
 * A value as messages show it: at most 52 bytes (cut before a character,
 * marked "..."), control bytes and quotes escaped, so that no input can
 * garble the terminal or the one-line format.
 */
#define QUOTE_SIZE 56

static const char *quote(const char *s, char buf[QUOTE_SIZE])
{
	return escape(s, buf, QUOTE_SIZE, ESCAPE_QUOTES);
}

/* Text checks */

static bool valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char *trim(char *s)
{
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Keys */

static int set_tristate(int *field, const char *v, const char **why)
{
	bool b;

	if (parse_bool(v, &b, why) < 0)
		return -EINVAL;
	*field = b;
	return 0;
}

static int lookup_id(struct id_cache *cache, const char *v, uint32_t *id, const char **why,
		     int (*resolve)(const char *, uint32_t *, const char **))
{
	size_t len = strlen(v);

	if (len < sizeof(cache->name) && cache->name[0] && !strcmp(cache->name, v)) {
		*why = cache->why;
		if (cache->r == 0)
			*id = cache->id;
		return cache->r;
	}
	int r = resolve(v, id, why);
	/* At boot, users from a directory (LDAP, SSSD) are not there before their service is. */
	if (r == -ENOENT)
		*why = resolve == resolve_user
			       ? "no such user (at boot a directory user, LDAP or SSSD, resolves only after nss-user-lookup.target: order the unit After= and Wants= it, as contrib/systemd/tunown.service does, or give the uid)"
			       : "no such group (at boot a directory group, LDAP or SSSD, resolves only after nss-user-lookup.target: order the unit After= and Wants= it, as contrib/systemd/tunown.service does, or give the gid)";
	if (len < sizeof(cache->name)) {
		memcpy(cache->name, v, len + 1);
		cache->r = r;
		cache->id = r == 0 ? *id : 0;
		cache->why = r == 0 ? NULL : *why;
	}
	return r;
}

static int set_mode(struct parser *p, const char *v, const char **why)
{
	return parse_mode(v, &p->cur.mode, why);
}

static int set_user(struct parser *p, const char *v, const char **why)
{
	return lookup_id(&p->users, v, &p->cur.uid, why, resolve_user);
}

static int set_group(struct parser *p, const char *v, const char **why)
{
	return lookup_id(&p->groups, v, &p->cur.gid, why, resolve_group);
}

/*
 * Makes room for one more item in *v (n items of size each, *cap of room) and
 * in *lines beside it, doubling from one: 0 or -ENOMEM. A kept section keeps
 * its arrays, so they start at the size most sections need, not with spare
 * room that a file of many one-address sections would pay for in each.
 */
static int make_room(void **v, size_t size, size_t n, size_t *cap, unsigned **lines)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 1;
	void *nv = realloc(*v, c * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	unsigned *nl = realloc(*lines, c * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	*lines = nl;
	*cap = c;
	return 0;
}

/* A repeated address is found at the section's end, once its peer is known (check_repeats). */
static int set_address(struct parser *p, const char *v, const char **why)
{
	struct ipaddr a;
	struct devspec *s = &p->cur;

	if (parse_address(v, &a, why) < 0)
		return -EINVAL;
	if (make_room((void **)&s->addrs, sizeof(*s->addrs), s->naddrs, &p->addr_cap, &p->addr_line) < 0)
		return -ENOMEM;
	p->addr_line[s->naddrs] = p->line;
	s->addrs[s->naddrs++] = a;
	p->last_addr_line = p->line;
	if (a.family == AF_INET6 && !p->v6_line)
		p->v6_line = p->line;
	return 0;
}

static int set_peer(struct parser *p, const char *v, const char **why)
{
	struct devspec *s = &p->cur;
	int family;
	uint8_t peer[16];

	if (parse_addr(v, &family, peer, why) < 0)
		return -EINVAL;
	if (!s->naddrs) {
		*why = "no 'address' before it in this section to pair it with";
		return -EINVAL;
	}
	struct ipaddr *a = &s->addrs[s->naddrs - 1];
	if (a->has_peer) {
		*why = "the address before it already has a peer; write a new 'address' first";
		return -EINVAL;
	}
	if (family != a->family) {
		*why = family == AF_INET ? "an IPv4 peer for an IPv6 address"
					 : "an IPv6 peer for an IPv4 address";
		return -EINVAL;
	}
	memcpy(a->peer, peer, sizeof(peer));
	a->has_peer = true;
	return 0;
}

static int set_route(struct parser *p, const char *v, const char **why)
{
	struct route r;
	struct devspec *s = &p->cur;

	if (parse_route(v, &r, why) < 0)
		return -EINVAL;
	if (make_room((void **)&s->routes, sizeof(*s->routes), s->nroutes, &p->route_cap, &p->route_line) < 0)
		return -ENOMEM;
	p->route_line[s->nroutes] = p->line;
	s->routes[s->nroutes++] = r;
	return 0;
}

static int set_mtu(struct parser *p, const char *v, const char **why)
{
	return parse_mtu(v, &p->cur.mtu, why);
}

static int set_mac(struct parser *p, const char *v, const char **why)
{
	if (parse_mac(v, p->cur.mac, why) < 0)
		return -EINVAL;
	p->cur.has_mac = true;
	return 0;
}

static int set_multi_queue(struct parser *p, const char *v, const char **why)
{
	return set_tristate(&p->cur.multi_queue, v, why);
}

static int set_vnet_hdr(struct parser *p, const char *v, const char **why)
{
	return set_tristate(&p->cur.vnet_hdr, v, why);
}

static int set_pi(struct parser *p, const char *v, const char **why)
{
	return set_tristate(&p->cur.pi, v, why);
}

static int set_up(struct parser *p, const char *v, const char **why)
{
	return set_tristate(&p->cur.up, v, why);
}

static int set_any_user(struct parser *p, const char *v, const char **why)
{
	return parse_bool(v, &p->cur.any_user, why);
}

static int set_adopt(struct parser *p, const char *v, const char **why)
{
	return parse_bool(v, &p->cur.adopt, why);
}

/* A file name under /run/netns, as `ip netns` accepts it. */
static int set_netns(struct parser *p, const char *v, const char **why)
{
	if (strlen(v) > NAME_MAX) {
		*why = "longer than 255 bytes";
		return -EINVAL;
	}
	if (!strcmp(v, ".") || !strcmp(v, "..")) {
		*why = "'.' and '..' are not namespace names";
		return -EINVAL;
	}
	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		if (*c == '/' || *c < 0x20 || *c == 0x7f || *c == ' ') {
			*why = "contains '/', white space or a control character";
			return -EINVAL;
		}
	}
	char *n = strdup(v);
	if (!n)
		return -ENOMEM;
	free(p->cur.netns);
	p->cur.netns = n;
	return 0;
}

static const struct key keys[K_COUNT] = {
	[K_MODE] = { "mode", set_mode, false },
	[K_USER] = { "user", set_user, false },
	[K_GROUP] = { "group", set_group, false },
	[K_ADDRESS] = { "address", set_address, true },
	[K_PEER] = { "peer", set_peer, true },
	[K_MTU] = { "mtu", set_mtu, false },
	[K_MAC] = { "mac", set_mac, false },
	[K_MULTI_QUEUE] = { "multi-queue", set_multi_queue, false },
	[K_VNET_HDR] = { "vnet-hdr", set_vnet_hdr, false },
	[K_PI] = { "pi", set_pi, false },
	[K_UP] = { "up", set_up, false },
	[K_ANY_USER] = { "any-user", set_any_user, false },
	[K_NETNS] = { "netns", set_netns, false },
	[K_ADOPT] = { "adopt", set_adopt, false },
	[K_ROUTE] = { "route", set_route, true },
};

/* Words people reach for that are too far from the key for an edit distance. */
static const struct { const char *word; enum key_id key; } aliases[] = {
	{ "owner", K_USER }, { "uid", K_USER }, { "gid", K_GROUP },
	{ "addr", K_ADDRESS }, { "ip", K_ADDRESS }, { "local", K_ADDRESS },
	{ "hwaddr", K_MAC }, { "lladdr", K_MAC }, { "ether", K_MAC },
	{ "type", K_MODE }, { "namespace", K_NETNS }, { "ownerless", K_ANY_USER },
};

/* The known key nearest to an unknown one, or NULL when none is close. */
static const char *suggest_key(const char *word)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (edit_distance(word, aliases[i].word) == 0)
			return keys[aliases[i].key].name;
	for (size_t i = 0; i < K_COUNT; i++) {
		size_t d = edit_distance(word, keys[i].name);
		if (d < best_d) {
			best_d = d;
			best = keys[i].name;
		}
	}
	if (best_d > 2 || best_d >= strlen(best) || best_d >= strlen(word))
		return NULL;
	return best;
}

static int find_key(const char *word)
{
	for (int i = 0; i < K_COUNT; i++)
		if (!strcmp(word, keys[i].name))
			return i;
	return -1;
}

/* Indexes of positions: the devices of a config, the addresses and routes of a section */

static uint32_t fnv(uint32_t h, const void *data, size_t n)
{
	for (const unsigned char *b = data; n--; b++)
		h = (h ^ *b) * 16777619u;
	return h;
}

#define FNV_START 2166136261u

/* Notes that the item at POS hashes to HASH: 0 or -ENOMEM. */
static int posindex_add(struct posindex *x, uint32_t hash, size_t pos)
{
	if ((x->n + 1) * 2 > x->size) {
		size_t size = x->size ? x->size * 2 : 64;
		struct posindex_slot *v = calloc(size, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < x->size; i++) {
			if (!x->slot[i].pos)
				continue;
			size_t j = x->slot[i].hash & (size - 1);
			while (v[j].pos)
				j = (j + 1) & (size - 1);
			v[j] = x->slot[i];
		}
		free(x->slot);
		x->slot = v;
		x->size = size;
	}
	size_t j = hash & (x->size - 1);
	while (x->slot[j].pos)
		j = (j + 1) & (x->size - 1);
	x->slot[j] = (struct posindex_slot){ .hash = hash, .pos = (uint32_t)pos + 1 };
	x->n++;
	return 0;
}

/* The next position noted with HASH, SIZE_MAX when there is none; *step starts at 0. */
static size_t posindex_next(const struct posindex *x, uint32_t hash, size_t *step)
{
	while (x->size) {
		const struct posindex_slot *sl = &x->slot[(hash + (*step)++) & (x->size - 1)];
		if (!sl->pos)
			return SIZE_MAX;
		if (sl->hash == hash)
			return sl->pos - 1;
	}
	return SIZE_MAX;
}

static uint32_t hash_dev(const struct devspec *s)
{
	const char *netns = s->netns ? s->netns : "";

	return fnv(fnv(FNV_START, s->name, strlen(s->name) + 1), netns, strlen(netns));
}

static bool same_dev(const struct devspec *a, const struct devspec *b)
{
	const char *na = a->netns ? a->netns : "", *nb = b->netns ? b->netns : "";

	return !strcmp(a->name, b->name) && !strcmp(na, nb);
}

static const struct devspec *find_dev(const struct config *c, const struct devspec *s)
{
	uint32_t h = hash_dev(s);
	size_t step = 0, i;

	while ((i = posindex_next(&c->index, h, &step)) != SIZE_MAX)
		if (same_dev(&c->devs[i], s))
			return &c->devs[i];
	return NULL;
}

const struct devspec *config_find(const struct config *c, const char *name, const char *netns)
{
	struct devspec key = { .netns = (char *)netns };

	if (strlen(name) >= sizeof(key.name))
		return NULL;
	memcpy(key.name, name, strlen(name) + 1);
	return find_dev(c, &key);
}

/* Takes over S's allocations. */
static int add_dev(struct config *c, struct devspec *s)
{
	if (c->ndevs >= UINT32_MAX - 1)
		return -ENOMEM;
	if (c->ndevs == c->devs_cap) {
		size_t cap = c->devs_cap ? c->devs_cap * 2 : 16;
		struct devspec *n = realloc(c->devs, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->devs = n;
		c->devs_cap = cap;
	}
	/* A duplicate is not indexed: the index keeps pointing at the first definition. */
	if (!find_dev(c, s) && posindex_add(&c->index, hash_dev(s), c->ndevs) < 0)
		return -ENOMEM;
	c->devs[c->ndevs++] = *s;
	devspec_init(s);
	return 0;
}

static uint32_t hash_addr(const struct ipaddr *a)
{
	size_t n = a->family == AF_INET ? 4 : 16;
	uint32_t h = fnv(FNV_START, &a->prefixlen, 1);

	h = fnv(h, a->addr, n);
	return a->has_peer ? fnv(h, a->peer, n) : h;
}

static uint32_t hash_route(const struct route *r)
{
	size_t n = r->family == AF_INET ? 4 : 16;
	uint32_t h = fnv(FNV_START, &r->dst_len, 1);

	h = fnv(fnv(h, r->dst, n), &r->metric, sizeof(r->metric));
	return r->has_gw ? fnv(h, r->gw, n) : h;
}

/*
 * An address or route listed twice in the section: found at its end (a peer
 * is part of an address, and comes after it), through an index, so that a
 * section of 200,000 addresses takes as long as reading them.
 */
static void check_repeats(struct parser *p)
{
	const struct devspec *s = &p->cur;
	struct posindex seen = { 0 };
	char buf[2 * IPADDR_STRLEN + 8];
	size_t step, j;

	for (size_t i = 0; i < s->naddrs && !p->nomem; i++) {
		uint32_t h = hash_addr(&s->addrs[i]);
		for (step = 0; (j = posindex_next(&seen, h, &step)) != SIZE_MAX;)
			if (ipaddr_equal(&s->addrs[j], &s->addrs[i]))
				break;
		if (j != SIZE_MAX)
			perr(p, p->addr_line[i], "address '%s': listed twice in this section (first at line %u)",
			     format_ipaddr_peer(&s->addrs[i], buf, sizeof(buf)), p->addr_line[j]);
		else if (posindex_add(&seen, h, i) < 0)
			p->nomem = -ENOMEM;
	}
	seen.n = 0;
	if (seen.size)
		memset(seen.slot, 0, seen.size * sizeof(*seen.slot));
	for (size_t i = 0; i < s->nroutes && !p->nomem; i++) {
		uint32_t h = hash_route(&s->routes[i]);
		for (step = 0; (j = posindex_next(&seen, h, &step)) != SIZE_MAX;)
			if (route_equal(&s->routes[j], &s->routes[i]))
				break;
		if (j != SIZE_MAX)
			perr(p, p->route_line[i], "route '%s': listed twice in this section (first at line %u)",
			     format_route(&s->routes[i], buf, sizeof(buf)), p->route_line[j]);
		else if (posindex_add(&seen, h, i) < 0)
			p->nomem = -ENOMEM;
	}
	free(seen.slot);
}

/* Sections */

/*
 * Whether the lines of the keys in MASK were all read without error: a check
 * across keys is made only then, so that one mistake is said once, not again
 * as what it leads to ("has no owner" after a faulty 'user' line).
 */
static bool sound(const struct parser *p, unsigned mask)
{
	return !(p->failed & (mask | FAILED_UNKNOWN));
}

static const struct ipaddr *first_v6(const struct devspec *s)
{
	for (size_t i = 0; i < s->naddrs; i++)
		if (s->addrs[i].family == AF_INET6)
			return &s->addrs[i];
	return NULL;
}

/* What the section's keys say together: refusals the kernel would make, found before it is asked. */
static void check_section(struct parser *p)
{
	struct devspec *s = &p->cur;
	char q[QUOTE_SIZE], q2[QUOTE_SIZE], addr[IPADDR_STRLEN];
	const struct devspec *other;
	const struct ipaddr *v6;
	const char *why;

	if (s->mode == MODE_UNSET)
		s->mode = mode_for_name(s->name);
	check_repeats(p);
	if (s->has_mac && s->mode == MODE_TUN && sound(p, KEY(K_MAC) | KEY(K_MODE)))
		perr(p, p->key_line[K_MAC],
		     "mac: a tun device has no MAC address (only tap devices do)");
	if (s->mtu && mtu_for_mode(s->mtu, s->mode, &why) < 0 && sound(p, KEY(K_MTU) | KEY(K_MODE)))
		perr(p, p->key_line[K_MTU], "mtu '%u': %s", s->mtu, why);
	if (s->mtu && s->mtu < IPV6_MIN_MTU && (v6 = first_v6(s)) && sound(p, KEY(K_MTU) | KEY(K_ADDRESS)))
		perr(p, p->key_line[K_MTU],
		     "mtu '%u': below 1280, the least IPv6 takes, and the section has the IPv6 address '%s' (line %u), "
		     "which the kernel would refuse: raise the MTU to 1280 or more, or remove the IPv6 addresses",
		     s->mtu, format_ipaddr(v6, addr, sizeof(addr)), p->v6_line);
	if (s->any_user && (s->uid != ID_NONE || s->gid != ID_NONE))
		perr(p, p->key_line[K_ANY_USER],
		     "any-user: conflicts with 'user'/'group' (any-user makes a device without owner)");
	/* A user or group that failed to resolve has had its error already. */
	if (!s->any_user && s->uid == ID_NONE && s->gid == ID_NONE &&
	    !p->key_line[K_USER] && !p->key_line[K_GROUP] && sound(p, KEY(K_ANY_USER)))
		perr(p, p->section_line,
		     "device '%s' has no owner: set 'user', 'group' or 'any-user = yes'",
		     quote(s->name, q));
	/* add's own rules have the last word, should they ever grow past the above. */
	if (p->errs->n + p->errs->dropped == p->section_errors && spec_finish(s, &why) < 0)
		perr(p, p->section_line, "device '%s': %s", quote(s->name, q), why);
	other = find_dev(p->c, s);
	if (other && other->netns)
		perr(p, p->section_line, "device '%s' in netns '%s' already defined at %s:%u",
		     quote(s->name, q), quote(other->netns, q2), other->file, other->line);
	else if (other)
		perr(p, p->section_line, "device '%s' already defined at %s:%u",
		     quote(s->name, q), other->file, other->line);
}

/*
 * Ends the section in hand: checks it and keeps the device, even one with
 * errors, so that a later duplicate of it is still found.
 */
static void end_section(struct parser *p)
{
	if (!p->in_section)
		return;
	if (p->section_ok) {
		check_section(p);
		if (!p->nomem && add_dev(p->c, &p->cur) < 0)
			p->nomem = -ENOMEM;
	}
	devspec_free(&p->cur);
	devspec_init(&p->cur);
	p->addr_cap = p->route_cap = 0;
	p->in_section = false;
}

static void begin_section(struct parser *p, char *line)
{
	char q[QUOTE_SIZE];
	char *close = strchr(line, ']');
	const char *why;

	end_section(p);
	p->in_section = true;
	p->section_ok = false;
	p->section_line = p->line;
	p->section_errors = p->errs->n + p->errs->dropped;
	p->last_addr_line = 0;
	p->v6_line = 0;
	p->failed = 0;
	memset(p->key_line, 0, sizeof(p->key_line));
	/* A comment may follow: "[tap0]  # vm1". */
	const char *rest = close ? close + 1 : NULL;
	while (rest && is_blank(*rest))
		rest++;
	if (!rest || (*rest && *rest != '#' && *rest != ';')) {
		perr(p, p->line, "section header '%s': expected '[NAME]', and after it nothing or a comment",
		     quote(line, q));
		return;
	}
	*close = '\0';
	char *name = trim(line + 1);
	if (parse_ifname(name, p->cur.name, &why) < 0) {
		perr(p, p->line, "device name '%s': %s", quote(name, q), why);
		return;
	}
	p->cur.file = p->file;
	p->cur.line = p->line;
	p->section_ok = true;
}

/* Strips a comment that starts after white space: "mtu = 9000  # jumbo". */
static void strip_comment(char *v)
{
	for (char *s = v; *s; s++) {
		if ((*s == '#' || *s == ';') && s > v && is_blank(s[-1])) {
			*s = '\0';
			return;
		}
	}
}

static void key_value(struct parser *p, char *line)
{
	char q[QUOTE_SIZE], addr[INET6_ADDRSTRLEN + 5];
	char *eq = strchr(line, '=');
	const char *why = NULL;

	if (!eq) {
		perr(p, p->line, "'%s': expected 'key = value', '[NAME]' or a comment",
		     quote(line, q));
		p->failed |= FAILED_UNKNOWN;
		return;
	}
	*eq = '\0';
	char *word = trim(line), *value = eq + 1;
	strip_comment(value);
	value = trim(value);
	if (!*word) {
		perr(p, p->line, "no key before '='");
		p->failed |= FAILED_UNKNOWN;
		return;
	}
	int k = find_key(word);
	if (k < 0) {
		const char *near = suggest_key(word);
		if (near)
			perr(p, p->line, "unknown key '%s' (did you mean '%s'?)", quote(word, q), near);
		else
			perr(p, p->line, "unknown key '%s' (keys: mode, user, group, address, peer, mtu, "
			     "mac, multi-queue, vnet-hdr, pi, up, any-user, netns, adopt, route)", quote(word, q));
		p->failed |= FAILED_UNKNOWN;
		return;
	}
	if (!p->in_section) {
		perr(p, p->line, "'%s' before any section: start a device with '[NAME]'", word);
		return;
	}
	if (!keys[k].repeats && p->key_line[k]) {
		perr(p, p->line, "%s '%s': already set at line %u (only 'address', 'peer' and 'route' repeat)",
		     word, quote(value, q), p->key_line[k]);
		p->failed |= KEY(k);
		return;
	}
	p->key_line[k] = p->line;
	if (!*value) {
		perr(p, p->line, "%s: no value after '='", word);
		p->failed |= KEY(k);
		return;
	}
	int r = keys[k].set(p, value, &why);
	if (r < 0)
		p->failed |= KEY(k);
	if (r == -ENOMEM)
		p->nomem = r;
	else if (r < 0 && k == K_PEER && p->cur.naddrs)
		perr(p, p->line, "peer '%s': %s (address '%s' at line %u)", quote(value, q), why,
		     format_ipaddr(&p->cur.addrs[p->cur.naddrs - 1], addr, sizeof(addr)),
		     p->last_addr_line);
	else if (r < 0)
		perr(p, p->line, "%s '%s': %s", word, quote(value, q), why);
}

/*
 * One line, as read: LEN bytes (newline removed), possibly cut short at
 * CONFIG_MAX_LINE when TOO_LONG.
 */
static void parse_line(struct parser *p, char *buf, size_t len, bool too_long)
{
	char *line;

	if (memchr(buf, '\0', len)) {
		perr(p, p->line, "contains a NUL byte (not a text file?)");
		goto skipped;
	}
	if (too_long) {
		perr(p, p->line, "longer than %d bytes", CONFIG_MAX_LINE);
		goto skipped;
	}
	if (!valid_utf8((const unsigned char *)buf, len)) {
		perr(p, p->line, "not valid UTF-8 text");
		goto skipped;
	}
	line = buf;
	/* The byte order mark some editors put first (U+FEFF, EF BB BF). */
	if (p->line == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
		line += 3;
	line = trim(line);
	if (!*line || *line == '#' || *line == ';')
		return;
	if (*line == '[')
		begin_section(p, line);
	else
		key_value(p, line);
	return;
skipped:
	/* Keys after a broken header must not land in the section before it;
	 * any other line may have been any key of the section in hand. */
	buf[len < CONFIG_MAX_LINE ? len : CONFIG_MAX_LINE] = '\0';
	if (*trim(buf) == '[') {
		end_section(p);
		p->in_section = true;
		p->section_ok = false;
		memset(p->key_line, 0, sizeof(p->key_line));
	} else {
		p->failed |= FAILED_UNKNOWN;
	}
}

enum read { READ_LINE, READ_END, READ_TOO_BIG };

/*
 * Reads one line into BUF (CONFIG_MAX_LINE + 1 bytes): a fixed buffer, so a
 * file of one endless line costs no memory. The rest of a long line is
 * skipped. READ_TOO_BIG once the file has given more than CONFIG_MAX_SIZE
 * bytes, so that no input (/dev/zero) keeps it reading.
 */
static enum read read_line(struct parser *p, FILE *f, char *buf, size_t *len, bool *too_long)
{
	size_t n = 0;
	int ch;

	*too_long = false;
	while ((ch = getc_unlocked(f)) != EOF && ch != '\n') {
		if (++p->bytes > CONFIG_MAX_SIZE)
			return READ_TOO_BIG;
		if (n < CONFIG_MAX_LINE)
			buf[n++] = (char)ch;
		else
			*too_long = true;
	}
	if (ch == EOF && n == 0 && !*too_long)
		return READ_END;
	if (ch == '\n' && ++p->bytes > CONFIG_MAX_SIZE)
		return READ_TOO_BIG;
	buf[n] = '\0';
	*len = n;
	return READ_LINE;
}

static void too_big(struct parser *p)
{
	perr(p, 0, "larger than %u MiB, the most a configuration file may have (not a tunown configuration?): not read further",
	     CONFIG_MAX_SIZE >> 20);
}

/* At CONFIG_MAX_ERRORS errors reading stops, and says where. */
static bool stop_here(struct parser *p)
{
	if (p->errs->n < CONFIG_MAX_ERRORS)
		return false;
	if (!p->errs->stopped && asprintf(&p->errs->stopped, "%s:%u: stopped after %d errors: the rest is not read",
					  p->file, p->line, CONFIG_MAX_ERRORS) < 0) {
		p->errs->stopped = NULL;
		p->nomem = -ENOMEM;
	}
	return true;
}

static void parse_stream(struct parser *p, FILE *f)
{
	char buf[CONFIG_MAX_LINE + 1];
	size_t len;
	bool too_long;
	enum read r;

	while (!p->nomem && !stop_here(p) && (r = read_line(p, f, buf, &len, &too_long)) != READ_END) {
		if (r == READ_TOO_BIG) {
			too_big(p);
			break;
		}
		if (p->line == UINT_MAX) {
			perr(p, p->line, "too many lines");
			break;
		}
		p->line++;
		parse_line(p, buf, len, too_long);
	}
	end_section(p);
}

/* Files */

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < c->ndevs; i++)
		devspec_free(&c->devs[i]);
	free(c->devs);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->index.slot);
	config_init(c);
}

/* Keeps a copy of NAME for the devspecs and messages that point to it. */
static const char *keep_name(struct config *c, const char *name)
{
	char **n = realloc(c->files, (c->nfiles + 1) * sizeof(*n));

	if (!n)
		return NULL;
	c->files = n;
	n[c->nfiles] = strdup(name);
	if (!n[c->nfiles])
		return NULL;
	return n[c->nfiles++];
}

static int result(const struct config_errors *errs, size_t errors_before, int nomem)
{
	if (nomem)
		return nomem;
	return errs->n + errs->dropped > errors_before ? -EINVAL : 0;
}

/*
 * A section's own checks run at its end, after the errors of its later
 * lines: put the file's errors back in line order (stable, at most
 * CONFIG_MAX_ERRORS of them).
 */
static void sort_errors(struct config_errors *e, size_t from)
{
	for (size_t i = from + 1; i < e->n; i++) {
		struct config_error x = e->v[i];
		size_t j = i;
		for (; j > from && e->v[j - 1].line > x.line; j--)
			e->v[j] = e->v[j - 1];
		e->v[j] = x;
	}
}

int config_load_stream(struct config *c, FILE *f, const char *name, struct config_errors *errs)
{
	size_t before = errs->n + errs->dropped;
	struct parser p = { .c = c, .errs = errs };

	devspec_init(&p.cur);
	p.file = keep_name(c, name);
	if (!p.file)
		return -ENOMEM;
	size_t first = errs->n;
	struct stat st;
	/* A regular file that is too big is refused unread. */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)CONFIG_MAX_SIZE)
		too_big(&p);
	else
		parse_stream(&p, f);
	if (ferror(f))
		perr(&p, 0, "read error: %s", strerror(errno));
	sort_errors(errs, first);
	devspec_free(&p.cur);
	free(p.addr_line);
	free(p.route_line);
	return result(errs, before, p.nomem);
}

static int load_path(struct config *c, const char *path, struct config_errors *errs)
{
	int nomem = 0;
	struct stat st;

	if (errs->stopped)
		return 0;
	if (!strcmp(path, "-"))
		return config_load_stream(c, stdin, "<stdin>", errs);
	FILE *f = fopen(path, "re");
	if (!f) {
		add_error(errs, &nomem, path, 0, "cannot open: %s", strerror(errno));
		return nomem ? nomem : -EINVAL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		add_error(errs, &nomem, path, 0, "is a directory, not a file");
		return nomem ? nomem : -EINVAL;
	}
	int r = config_load_stream(c, f, path, errs);
	fclose(f);
	return r;
}

static int is_conf_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int config_load_defaults(struct config *c, const char *conf, const char *dir,
			 struct config_errors *errs)
{
	size_t before = errs->n + errs->dropped;
	struct dirent **names = NULL;
	int nomem = 0, r = 0;

	if (access(conf, F_OK) == 0 || errno != ENOENT)
		r = load_path(c, conf, errs);
	if (r == -ENOMEM)
		return r;
	int n = scandir(dir, &names, is_conf_name, by_name);
	if (n < 0 && errno != ENOENT && errno != ENOTDIR)
		add_error(errs, &nomem, dir, 0, "cannot read the directory: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		char *path = NULL;
		if (!nomem && asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			nomem = -ENOMEM;
		if (!nomem && load_path(c, path, errs) == -ENOMEM)
			nomem = -ENOMEM;
		free(path);
		free(names[i]);
	}
	free(names);
	return result(errs, before, nomem);
}

int config_load(struct config *c, char *const *paths, size_t npaths, struct config_errors *errs)
{
	size_t before = errs->n + errs->dropped;

	if (!paths)
		return config_load_defaults(c, CONFIG_DEFAULT_FILE, CONFIG_DEFAULT_DIR, errs);
	for (size_t i = 0; i < npaths; i++)
		if (load_path(c, paths[i], errs) == -ENOMEM)
			return -ENOMEM;
	return result(errs, before, 0);
}
