/* SPDX-License-Identifier: MIT */
/* The CNI environment and network configuration, checked into struct cni_req. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-add.h"
#include "cni.h"
#include "device.h"
#include "ids.h"
#include "parse.h"

const char *const cni_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL };

int cni_fail(struct cni_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

bool cni_version_at_least(const char *v, int major, int minor)
{
	int a = 0, b = 0;

	if (!v || sscanf(v, "%d.%d", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

static bool version_known(const char *v)
{
	for (size_t i = 0; cni_versions[i]; i++)
		if (!strcmp(cni_versions[i], v))
			return true;
	return false;
}

/* The spec's names (container ids, network names): letters, digits, '_', '.', '-', starting with a letter or digit. */
static bool spec_name(const char *s)
{
	if (!isalnum((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static const struct {
	const char *name;
	enum cni_cmd cmd;
	bool needs_container, needs_ifname, needs_netns;
} commands[] = {
	{ "ADD", CNI_ADD, true, true, true },
	{ "DEL", CNI_DEL, true, true, false },
	{ "CHECK", CNI_CHECK, true, true, true },
	{ "VERSION", CNI_VERSION, false, false, false },
	{ "STATUS", CNI_STATUS, false, false, false },
	{ "GC", CNI_GC, false, false, false },
};

static int load_env(struct cni_req *r, struct cni_err *e)
{
	const char *cmd = getenv("CNI_COMMAND");
	size_t i;

	if (!cmd)
		cmd = "";
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, cmd))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return cni_fail(e, CNI_ERR_ENV, "CNI_COMMAND '%s': not one of ADD, DEL, CHECK, VERSION, STATUS, GC", cmd);
	r->cmd = commands[i].cmd;
	r->container_id = getenv("CNI_CONTAINERID");
	r->ifname = getenv("CNI_IFNAME");
	r->netns = getenv("CNI_NETNS");
	r->path = getenv("CNI_PATH");
	if (commands[i].needs_container && (!r->container_id || !*r->container_id))
		return cni_fail(e, CNI_ERR_ENV, "CNI_CONTAINERID is not set (%s needs it)", cmd);
	if (r->container_id && *r->container_id && !spec_name(r->container_id))
		return cni_fail(e, CNI_ERR_ENV, "CNI_CONTAINERID '%s': only letters, digits, '_', '.' and '-', "
				"starting with a letter or digit", r->container_id);
	if (commands[i].needs_ifname) {
		char name[IFNAMSIZ];
		const char *why;
		if (!r->ifname || !*r->ifname)
			return cni_fail(e, CNI_ERR_ENV, "CNI_IFNAME is not set (%s needs it)", cmd);
		if (parse_ifname(r->ifname, name, &why) < 0)
			return cni_fail(e, CNI_ERR_ENV, "CNI_IFNAME '%s': %s", r->ifname, why);
	}
	if (commands[i].needs_netns && (!r->netns || !*r->netns))
		return cni_fail(e, CNI_ERR_ENV, "CNI_NETNS is not set (%s needs the container's network namespace)", cmd);
	if (r->cmd != CNI_VERSION && r->netns && *r->netns && r->netns[0] != '/')
		return cni_fail(e, CNI_ERR_ENV, "CNI_NETNS '%s': not an absolute path to a network namespace file", r->netns);
	return 0;
}

/* ---- values ------------------------------------------------------------------ */

static int want_type(json_t *v, json_type t, const char *key, const char *what, struct cni_err *e)
{
	if (json_typeof(v) != t)
		return cni_fail(e, CNI_ERR_CONFIG, "'%s': must be %s", key, what);
	return 0;
}

static int get_bool(json_t *v, const char *key, int *out, struct cni_err *e)
{
	if (!json_is_boolean(v))
		return cni_fail(e, CNI_ERR_CONFIG, "'%s': must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* A user or group: a name, or a number (as a JSON number or a string of digits). */
static int get_id(json_t *v, const char *key, bool user, uint32_t *out, struct cni_err *e)
{
	char num[24];
	const char *s, *why;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) >= (json_int_t)ID_NONE)
			return cni_fail(e, CNI_ERR_CONFIG, "'%s': %lld is not a %s id (0..4294967294)", key,
					(long long)json_integer_value(v), user ? "user" : "group");
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		s = num;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return cni_fail(e, CNI_ERR_CONFIG, "'%s': must be a name or a number", key);
	}
	int r = user ? resolve_user(s, out, &why) : resolve_group(s, out, &why);
	if (r < 0)
		return cni_fail(e, r == -ENOENT ? CNI_ERR_NO_ID : CNI_ERR_CONFIG, "%s '%s': %s",
				user ? "user" : "group", s, why);
	return 0;
}

static int add_address(struct devspec *s, const char *cidr, const char *peer, const char *where, struct cni_err *e)
{
	struct ipaddr a;
	const char *why;

	if (parse_cidr(cidr, &a, &why) < 0)
		return cni_fail(e, CNI_ERR_CONFIG, "address '%s'%s: %s", cidr, where, why);
	if (spec_add_address(s, &a) < 0)
		return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
	if (peer && spec_set_peer(s, peer, &why) < 0)
		return cni_fail(e, CNI_ERR_CONFIG, "peer '%s' of address '%s': %s", peer, cidr, why);
	return 0;
}

/* "addresses": ["10.0.0.1/24", {"address": "10.1.0.1/32", "peer": "10.1.0.2"}] */
static int get_addresses(json_t *v, struct devspec *s, struct cni_err *e)
{
	size_t i;
	json_t *a;

	if (want_type(v, JSON_ARRAY, "addresses", "an array of CIDRs", e))
		return -1;
	json_array_foreach(v, i, a) {
		if (json_is_string(a)) {
			if (add_address(s, json_string_value(a), NULL, "", e))
				return -1;
			continue;
		}
		json_t *addr = json_object_get(a, "address"), *peer = json_object_get(a, "peer");
		const char *k;
		json_t *x;
		if (!json_is_object(a) || !json_is_string(addr) || (peer && !json_is_string(peer)))
			return cni_fail(e, CNI_ERR_CONFIG, "'addresses'[%zu]: must be a CIDR or "
					"{\"address\": CIDR, \"peer\": ADDRESS}", i);
		json_object_foreach(a, k, x)
			if (strcmp(k, "address") && strcmp(k, "peer"))
				return cni_fail(e, CNI_ERR_FIELD, "unknown key '%s' in 'addresses'[%zu] (known: address, peer)", k, i);
		if (add_address(s, json_string_value(addr), peer ? json_string_value(peer) : NULL, "", e))
			return -1;
	}
	return 0;
}

int cni_parse_route(json_t *o, struct route *rt, const char *where, struct cni_err *e)
{
	json_t *dst = json_object_get(o, "dst"), *gw = json_object_get(o, "gw");
	struct ipaddr net;
	const char *why;
	int family;

	memset(rt, 0, sizeof(*rt));
	if (!json_is_object(o) || !json_is_string(dst) || (gw && !json_is_string(gw)))
		return cni_fail(e, CNI_ERR_CONFIG, "%s: a route is {\"dst\": CIDR, \"gw\": ADDRESS}", where);
	if (parse_cidr(json_string_value(dst), &net, &why) < 0)
		return cni_fail(e, CNI_ERR_CONFIG, "route dst '%s' (%s): %s", json_string_value(dst), where, why);
	/* The kernel wants the network, not a host in it: 10.0.0.5/8 is 10.0.0.0/8. */
	for (unsigned b = net.prefixlen; b < (net.family == AF_INET ? 32u : 128u); b++)
		net.addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	rt->family = net.family;
	rt->dst_len = net.prefixlen;
	memcpy(rt->dst, net.addr, sizeof(rt->dst));
	rt->metric = net.family == AF_INET ? 0 : 1024;
	if (gw) {
		if (parse_addr(json_string_value(gw), &family, rt->gw, &why) < 0)
			return cni_fail(e, CNI_ERR_CONFIG, "route gw '%s' (%s): %s", json_string_value(gw), where, why);
		if (family != rt->family)
			return cni_fail(e, CNI_ERR_CONFIG, "route gw '%s' (%s): not of the family of dst '%s'",
					json_string_value(gw), where, json_string_value(dst));
		rt->has_gw = true;
	}
	return 0;
}

static int get_routes(json_t *v, struct cni_req *r, struct cni_err *e)
{
	size_t i;
	json_t *o;
	char where[32];

	if (want_type(v, JSON_ARRAY, "routes", "an array of routes", e))
		return -1;
	r->routes = calloc(json_array_size(v) + 1, sizeof(*r->routes));
	if (!r->routes)
		return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
	json_array_foreach(v, i, o) {
		snprintf(where, sizeof(where), "'routes'[%zu]", i);
		if (cni_parse_route(o, &r->routes[r->nroutes], where, e))
			return -1;
		r->nroutes++;
	}
	return 0;
}

/* ---- the configuration -------------------------------------------------------- */

/* Keys of the spec and of runtimes: read where needed, or ignored. */
static const char *const spec_keys[] = {
	"cniVersion", "name", "type", "ipam", "dns", "prevResult", "runtimeConfig", "args",
	"capabilities", "cni.dev/valid-attachments", "cni.dev/attachments", "disableCheck", "disableGC",
	NULL,
};

#define OWN_KEYS "mode, user, group, anyUser, multiQueue, vnetHdr, pi, mtu, mac, addresses, routes, bridge, ifName"

static int own_key(struct cni_req *r, const char *k, json_t *v, struct cni_err *e)
{
	struct devspec *s = &r->spec;
	const char *why;

	if (!strcmp(k, "mode")) {
		if (want_type(v, JSON_STRING, k, "\"tap\" or \"tun\"", e))
			return -1;
		if (parse_mode(json_string_value(v), &s->mode, &why) < 0)
			return cni_fail(e, CNI_ERR_CONFIG, "mode '%s': %s", json_string_value(v), why);
	} else if (!strcmp(k, "user") || !strcmp(k, "group")) {
		/* DEL and GC must work after the user is gone from the database. */
		if (r->cmd != CNI_ADD && r->cmd != CNI_CHECK)
			return 0;
		return get_id(v, k, k[0] == 'u', k[0] == 'u' ? &s->uid : &s->gid, e);
	} else if (!strcmp(k, "anyUser")) {
		int b = 0;
		if (get_bool(v, k, &b, e))
			return -1;
		s->any_user = b;
	} else if (!strcmp(k, "multiQueue")) {
		return get_bool(v, k, &s->multi_queue, e);
	} else if (!strcmp(k, "vnetHdr")) {
		return get_bool(v, k, &s->vnet_hdr, e);
	} else if (!strcmp(k, "pi")) {
		return get_bool(v, k, &s->pi, e);
	} else if (!strcmp(k, "mtu")) {
		char num[24];
		if (!json_is_integer(v))
			return cni_fail(e, CNI_ERR_CONFIG, "'mtu': must be a number");
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		if (parse_mtu(num, &s->mtu, &why) < 0)
			return cni_fail(e, CNI_ERR_VALUE, "MTU '%s': %s", num, why);
	} else if (!strcmp(k, "mac")) {
		if (want_type(v, JSON_STRING, k, "a MAC address (xx:xx:xx:xx:xx:xx)", e))
			return -1;
		if (parse_mac(json_string_value(v), s->mac, &why) < 0)
			return cni_fail(e, CNI_ERR_CONFIG, "MAC '%s': %s", json_string_value(v), why);
		s->has_mac = true;
	} else if (!strcmp(k, "addresses")) {
		return get_addresses(v, s, e);
	} else if (!strcmp(k, "routes")) {
		return get_routes(v, r, e);
	} else if (!strcmp(k, "bridge")) {
		char name[IFNAMSIZ];
		if (want_type(v, JSON_STRING, k, "an interface name", e))
			return -1;
		if (parse_ifname(json_string_value(v), name, &why) < 0)
			return cni_fail(e, CNI_ERR_CONFIG, "bridge '%s': %s", json_string_value(v), why);
		r->bridge = json_string_value(v);
	} else if (!strcmp(k, "ifName")) {
		if (want_type(v, JSON_STRING, k, "an interface name", e))
			return -1;
		if (parse_ifname(json_string_value(v), s->name, &why) < 0)
			return cni_fail(e, CNI_ERR_CONFIG, "ifName '%s': %s", json_string_value(v), why);
	} else {
		return 1;
	}
	return 0;
}

static bool is_spec_key(const char *k)
{
	for (size_t i = 0; spec_keys[i]; i++)
		if (!strcmp(spec_keys[i], k))
			return true;
	return false;
}

/* CNI_ARGS: "IgnoreUnknown=1;K8S_POD_NAME=x;MAC=...;IP=...;IFNAME=..." in any order. */
static int load_args(struct cni_req *r, struct cni_err *e)
{
	const char *env = getenv("CNI_ARGS");
	char *copy, *save = NULL, *unknown = NULL;
	bool ignore = false;
	const char *why;
	int rc = 0;

	if (!env || !*env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
	for (char *kv = strtok_r(copy, ";", &save); kv && !rc; kv = strtok_r(NULL, ";", &save)) {
		char *v = strchr(kv, '=');
		if (!v) {
			rc = cni_fail(e, CNI_ERR_ENV, "CNI_ARGS '%s': '%s' is not KEY=VALUE", env, kv);
			break;
		}
		*v++ = '\0';
		if (!strcmp(kv, "IgnoreUnknown")) {
			ignore = !strcmp(v, "1") || !strcasecmp(v, "true");
		} else if (!strcmp(kv, "MAC")) {
			if (parse_mac(v, r->spec.mac, &why) < 0)
				rc = cni_fail(e, CNI_ERR_ENV, "CNI_ARGS MAC '%s': %s", v, why);
			r->spec.has_mac = true;
		} else if (!strcmp(kv, "IP")) {
			char *save2 = NULL;
			for (char *ip = strtok_r(v, ",", &save2); ip && !rc; ip = strtok_r(NULL, ",", &save2))
				rc = add_address(&r->spec, ip, NULL, " (CNI_ARGS IP)", e);
		} else if (!strcmp(kv, "IFNAME")) {
			if (parse_ifname(v, r->spec.name, &why) < 0)
				rc = cni_fail(e, CNI_ERR_ENV, "CNI_ARGS IFNAME '%s': %s", v, why);
		} else if (strncmp(kv, "K8S_POD_", 8) && !unknown) {
			unknown = strdup(kv);
		}
	}
	if (!rc && unknown && !ignore)
		rc = cni_fail(e, CNI_ERR_ENV, "CNI_ARGS: unknown key '%s' (known: MAC, IP, IFNAME, K8S_POD_*; "
			      "IgnoreUnknown=1 ignores the others)", unknown);
	free(unknown);
	free(copy);
	return rc;
}

/* runtimeConfig.mac (the "mac" capability) wins over CNI_ARGS and the key. */
static int load_runtime(struct cni_req *r, struct cni_err *e)
{
	json_t *rc = json_object_get(r->conf, "runtimeConfig");
	json_t *mac = json_object_get(rc, "mac");
	const char *why;

	if (!mac)
		return 0;
	if (!json_is_string(mac) || parse_mac(json_string_value(mac), r->spec.mac, &why) < 0)
		return cni_fail(e, CNI_ERR_CONFIG, "runtimeConfig.mac: %s", json_is_string(mac) ? why : "must be a string");
	r->spec.has_mac = true;
	return 0;
}

static int load_conf(struct cni_req *r, struct cni_err *e)
{
	json_error_t je;
	const char *k;
	json_t *v;

	r->conf = json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
	if (!r->conf)
		return cni_fail(e, CNI_ERR_DECODE, "the network configuration on stdin is not JSON: %s (line %d, column %d)",
				je.text, je.line, je.column);
	if (!json_is_object(r->conf))
		return cni_fail(e, CNI_ERR_DECODE, "the network configuration on stdin is not a JSON object");
	v = json_object_get(r->conf, "cniVersion");
	if (!json_is_string(v))
		return cni_fail(e, CNI_ERR_CONFIG, "'cniVersion' is missing or not a string");
	r->version = json_string_value(v);
	if (!version_known(r->version))
		return cni_fail(e, CNI_ERR_VERSION, "cniVersion '%s': tunown speaks 0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0",
				r->version);
	v = json_object_get(r->conf, "name");
	if (!json_is_string(v) || !spec_name(json_string_value(v)))
		return cni_fail(e, CNI_ERR_CONFIG, "'name' (the network's name) is missing, or not letters, digits, '_', '.', '-'");
	r->network = json_string_value(v);
	v = json_object_get(r->conf, "type");
	if (!json_is_string(v))
		return cni_fail(e, CNI_ERR_CONFIG, "'type' is missing or not a string");
	if ((r->cmd == CNI_CHECK && !cni_version_at_least(r->version, 0, 4)) ||
	    ((r->cmd == CNI_GC || r->cmd == CNI_STATUS) && !cni_version_at_least(r->version, 1, 1)))
		return cni_fail(e, CNI_ERR_VERSION, "cniVersion '%s' has no %s", r->version, getenv("CNI_COMMAND"));
	json_object_foreach(r->conf, k, v) {
		int rc = own_key(r, k, v, e);
		if (rc < 0)
			return -1;
		if (rc > 0 && !is_spec_key(k))
			return cni_fail(e, CNI_ERR_FIELD, "unknown key '%s' in the tunown configuration (known: " OWN_KEYS ")", k);
	}
	v = json_object_get(r->conf, "ipam");
	if (v && json_object_size(v)) {
		json_t *t = json_object_get(v, "type");
		if (!json_is_object(v) || !json_is_string(t) || !spec_name(json_string_value(t)))
			return cni_fail(e, CNI_ERR_CONFIG, "'ipam' must be an object with the IPAM plugin's 'type'");
		r->ipam_type = json_string_value(t);
	}
	r->prev = json_object_get(r->conf, "prevResult");
	if (r->prev && !json_is_object(r->prev))
		return cni_fail(e, CNI_ERR_DECODE, "'prevResult' is not an object");
	return 0;
}

/* What spec_finish checks for add, said with the configuration's keys. */
static int finish(struct cni_req *r, struct cni_err *e)
{
	struct devspec *s = &r->spec;

	if (!s->name[0])
		ifname_copy(s->name, r->ifname);
	if (s->uid == ID_NONE && s->gid == ID_NONE && !s->any_user)
		return cni_fail(e, CNI_ERR_CONFIG, "'%s' needs an owner: give \"user\" or \"group\" "
				"(or \"anyUser\": true for a device every user may attach)", s->name);
	if (s->any_user && (s->uid != ID_NONE || s->gid != ID_NONE))
		return cni_fail(e, CNI_ERR_CONFIG, "\"anyUser\" means no owner and no group: drop it or drop \"user\"/\"group\"");
	if (s->has_mac && devspec_mode(s) == MODE_TUN)
		return cni_fail(e, CNI_ERR_CONFIG, "'%s' is a tun device, which has no MAC address (\"mac\" is for tap)", s->name);
	if (r->bridge && devspec_mode(s) == MODE_TUN)
		return cni_fail(e, CNI_ERR_CONFIG, "'%s' is a tun device, which cannot be a bridge port (\"bridge\" is for tap)", s->name);
	return 0;
}

int cni_req_load(struct cni_req *r, struct cni_err *e)
{
	memset(r, 0, sizeof(*r));
	devspec_init(&r->spec);
	if (load_env(r, e))
		return -1;
	if (r->cmd == CNI_VERSION)
		return 0;
	if (load_conf(r, e) || load_args(r, e) || load_runtime(r, e))
		return -1;
	if (r->cmd == CNI_ADD || r->cmd == CNI_CHECK)
		return finish(r, e);
	if (r->cmd == CNI_DEL && !r->spec.name[0])
		ifname_copy(r->spec.name, r->ifname);
	return 0;
}

void cni_req_free(struct cni_req *r)
{
	devspec_free(&r->spec);
	free(r->routes);
	json_decref(r->conf);
}
