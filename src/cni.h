/* SPDX-License-Identifier: MIT */
/*
 * tunown as a CNI plugin (CNI spec 1.0.0 and 1.1.0): run with CNI_COMMAND in
 * the environment and no arguments, it reads the network configuration on
 * stdin and makes, checks or removes one owned tun/tap device in CNI_NETNS.
 *   cni.c        the commands and the result
 *   cni-conf.c   the environment and the configuration, into struct cni_req
 *   cni-ipam.c   delegated IPAM plugins and the per-attachment state files
 * Errors travel as struct cni_err (the spec's error object) to one printer.
 */
#ifndef TUNOWN_CNI_H
#define TUNOWN_CNI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "types.h"

/* The spec's error codes, and tunown's own from 100 on. */
enum {
	CNI_ERR_VERSION = 1,        /* incompatible CNI version */
	CNI_ERR_FIELD = 2,          /* unsupported field in the network configuration */
	CNI_ERR_UNKNOWN = 3,        /* container unknown or does not exist */
	CNI_ERR_ENV = 4,            /* invalid necessary environment variables */
	CNI_ERR_IO = 5,             /* I/O failure */
	CNI_ERR_DECODE = 6,         /* failed to decode content */
	CNI_ERR_CONFIG = 7,         /* invalid network config */
	CNI_ERR_AGAIN = 11,         /* try again later */
	CNI_ERR_UNAVAILABLE = 50,   /* STATUS: the plugin is not available */
	CNI_ERR_FAILED = 100,       /* the kernel or the system refused a step */
	CNI_ERR_TAKEN = 101,        /* an interface of that name exists */
	CNI_ERR_NO_ID = 102,        /* the user or group does not exist */
	CNI_ERR_VALUE = 103,        /* a value the device refuses (MTU out of its range) */
	CNI_ERR_DIFFERS = 104,      /* CHECK: the device is not as configured */
};

struct cni_err {
	int code;
	char msg[512];
	char details[512];
};

/* Fills e and returns -1, for `return cni_fail(e, ...)`. */
int cni_fail(struct cni_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

enum cni_cmd { CNI_ADD, CNI_DEL, CNI_CHECK, CNI_VERSION, CNI_STATUS, CNI_GC };

/* One call: the environment and the configuration, checked. */
struct cni_req {
	enum cni_cmd cmd;
	const char *container_id, *netns, *ifname, *path;  /* from the environment */
	json_t *conf;               /* the whole configuration (owned) */
	const char *version;        /* its cniVersion */
	const char *network;        /* its name */
	struct devspec spec;        /* the device: name, owner, flags, MTU, MAC, addresses */
	struct route *routes;       /* malloc'd */
	size_t nroutes;
	const char *ipam_type;      /* NULL: no delegated IPAM */
	const char *bridge;         /* NULL: no bridge */
	json_t *prev;               /* prevResult, borrowed, or NULL */
};

/* Environment and stdin into r; 0 or -1 with e filled. VERSION needs no configuration. */
int cni_req_load(struct cni_req *r, struct cni_err *e);
void cni_req_free(struct cni_req *r);
/* Whether the configuration's cniVersion is at least major.minor. */
bool cni_version_at_least(const char *v, int major, int minor);
/* The versions whose result format tunown produces, newest last. */
extern const char *const cni_versions[];

/* Runs the delegated IPAM plugin for command ("ADD", "DEL", "CHECK", "STATUS") with the
 * configuration on stdin, in the namespace of home_fd (the runtime's, -1: this one),
 * for container_id/ifname. *result gets ADD's result. 0 or -1 with e filled. */
int cni_ipam(const struct cni_req *r, const char *command, const char *container_id, const char *ifname,
	     int home_fd, json_t **result, struct cni_err *e);

/* What ADD leaves for DEL and GC: where the device is, which device it is. */
struct cni_state {
	char netns[4096];
	char device[IFNAMSIZ];
	int ifindex;
	unsigned long long ns_dev, ns_ino;   /* the namespace file's identity */
};
int cni_state_write(const struct cni_req *r, const char *container_id, const char *ifname, const struct cni_state *s);
/* 0, -ENOENT when there is none, -errno. */
int cni_state_read(const struct cni_req *r, const char *container_id, const char *ifname, struct cni_state *s);
int cni_state_remove(const struct cni_req *r, const char *container_id, const char *ifname);
/* Calls fn for every attachment with state of this network. */
typedef int (*cni_state_fn)(const char *container_id, const char *ifname, void *data);
int cni_state_walk(const struct cni_req *r, cni_state_fn fn, void *data);

/* A route object of a configuration or a result ({"dst", "gw"}); where names it in messages. */
int cni_parse_route(json_t *o, struct route *rt, const char *where, struct cni_err *e);

int cni_main(void);

#endif
