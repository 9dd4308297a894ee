/* SPDX-License-Identifier: MIT */
/*
 * The attach rules behind `tunown check`: given a device, the credentials of
 * the program that wants it and the flags it will pass, say whether TUNSETIFF
 * would succeed, and every reason why not, in the order the kernel decides.
 * Pure: no I/O. The command layer gathers the facts (creds.h) and prints.
 */
#ifndef TUNOWN_DIAGNOSE_H
#define TUNOWN_DIAGNOSE_H

#include <sys/types.h>

#include "holders.h"
#include "kprobe.h"
#include "types.h"

/* Where the process's user namespace sits against the one owning the device's netns. */
enum userns_rel {
	USERNS_SAME,                /* capabilities count as they are */
	USERNS_ANCESTOR,            /* they count too: a parent namespace */
	USERNS_OTHER,               /* a child or unrelated one: they do not */
};

/* The credentials that would meet TUNSETIFF. Ids as the kernel would compare them. */
struct creds {
	uint32_t uid, gid;          /* effective */
	const uint32_t *groups;     /* supplementary groups the process carries */
	size_t ngroups;
	const uint32_t *db_groups;  /* the user's groups in the group database */
	size_t n_db_groups;
	bool cap_net_admin;         /* CAP_NET_ADMIN in the effective set */
	bool cap_dac_override;      /* for opening the tun node against its mode */
	bool bset_net_admin;        /* CAP_NET_ADMIN in the bounding set */
	bool prm_net_admin;         /* in the permitted set: no_new_privs and a tracer
				     * cannot take away what the starter already has */
	bool no_new_privs;
	pid_t tracer;               /* TracerPid, 0: not traced */
	bool tracer_can_ptrace;     /* the tracer has CAP_SYS_PTRACE */
	enum userns_rel userns;
	bool other_netns;           /* in another network namespace than the device, which
				     * tunown could not enter to look the name up there */
	const char *netns_name;     /* the process's netns, for messages: its name under
				     * /run/netns, else "net:[4026...]" */
};

/* The tun clone device (/dev/net/tun). */
struct tun_node {
	const char *path;
	int open_err;               /* what opening it gave tunown: 0, -ENOENT, -ENODEV, ... */
	bool stat_ok;
	uint32_t mode, uid, gid;    /* st_mode, owner and group of the node */
	bool nodev;                 /* its mount is nodev */
	bool acl;                   /* it has an access ACL: mode bits alone do not decide */
};

/* The file capabilities of the program that will attach (--binary, or /proc/PID/exe). */
struct filecaps {
	const char *path;
	int err;                    /* reading the file failed: -ENOENT, ... */
	bool script;                /* starts with "#!": file capabilities are ignored */
	bool present;               /* has a security.capability xattr */
	bool net_admin;             /* cap_net_admin in the permitted set */
	bool net_admin_inh;         /* cap_net_admin only in the inheritable set */
	bool effective;             /* the effective bit */
	bool nosuid;                /* its mount is nosuid */
	const char *mountpoint;     /* that mount, for messages */
};


struct check_input {
	const char *name;
	const struct link *link;    /* NULL: no interface of that name */
	const char *const *similar; /* names close to it, when there is none */
	size_t nsimilar;
	const struct holder *holders;   /* the processes holding it (holders.h) */
	size_t nholders;

	const struct creds *creds;
	const char *user;           /* "alice (uid 1001)" for messages */
	const char *login;          /* "alice", or the uid: for commands in fixes */
	const char *owner;          /* "bob (uid 1002)", NULL when unset */
	const char *group;          /* "kvm (gid 1100)", NULL when unset */
	const char *group_arg;      /* "kvm", or the gid: for commands in fixes */
	const char *subject;        /* "alice", "process 1234 (qemu)", "you" */
	bool pid_mode;              /* checking a running process (--pid) */
	const char *proc_netns;     /* --pid in another network namespace: link was looked up
				     * there; the namespace's name for messages. NULL: here */
	bool here_too;              /* ... and this namespace has an interface of that name */
	bool self;                  /* checking the caller itself (neither --as nor --pid) */
	bool sees_all_holders;      /* read every process's fds (holders.h: none hidden) */

	const struct tun_node *node;
	const struct tun_node *vhost;   /* /dev/vhost-net, for tap devices; NULL: not looked at */
	const struct filecaps *binary;  /* NULL: no program named */
	bool exe;                   /* binary is /proc/PID/exe, already started */

	enum ownerless_rule ownerless;  /* this kernel's rule for a device without
				     * owner and group (kprobe.h) */

	enum tun_mode mode;         /* what the program asks; MODE_UNSET: the device's */
	int multi_queue;            /* -1: the device's */
};

enum level { LEVEL_FAIL, LEVEL_WARN, LEVEL_INFO };

#define FINDING_TEXT 320
#define MAX_FINDINGS 16

struct finding {
	const char *code;
	enum level level;
	char message[FINDING_TEXT];
	char fix[FINDING_TEXT];
};

struct verdict {
	bool ok;
	const char *cause;          /* the code that decides; "ok" */
	int err;                    /* what the attach would get: 0, -EPERM, -EINVAL, ... */
	const char *rule;           /* when ok: "owner", "group", "capability", ... */
	int flags;                  /* the TUNSETIFF flags to use */
	int req_flags;              /* the flags the program passes */
	/* What a probe with probe_cap (CAP_NET_ADMIN kept or not) should meet. */
	bool probe_cap;
	int probe_err;
	bool busy;                  /* a single-queue device already has its queue attached */
	bool exec_fails;            /* the program cannot even start */
	size_t n;
	struct finding f[MAX_FINDINGS];
};

void diagnose(const struct check_input *in, struct verdict *v);

/*
 * Weighs a real attempt (0 or -errno) against the prediction. When they
 * differ the kernel is right: a yes turned into EPERM on a device without
 * owner and group, where the kernel's rule for those is unknown, is
 * ownerless-needs-capability; a yes turned into EACCES/EPERM otherwise is
 * lsm-denied (an LSM or a device cgroup decided), any other difference
 * probe-disagrees;
 * the verdict follows the attempt. Returns whether they agreed.
 */
bool diagnose_probe(const struct check_input *in, struct verdict *v, int err);

/* Names a user may have meant: equal ignoring case, a prefix, or at most two edits away. */
bool name_similar(const char *want, const char *have);

/* The POSIX capability checks on a run of the program, for --binary. */
bool filecaps_grant(const struct creds *c, const struct filecaps *b);

/* "EPERM", "EINVAL", ... for the errno values TUNSETIFF and open give; "E<n>" else. */
const char *errno_name(int err, char *buf, size_t len);

#endif
