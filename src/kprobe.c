/* SPDX-License-Identifier: MIT */
/* Probes of this kernel's tun rules (kprobe.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kprobe.h"
#include "tun.h"

/* What the child reports: the second attach's error, or why there was none. */
enum { PROBE_ATTACHED, PROBE_NO_NS, PROBE_NO_DEVICE, PROBE_NO_DROP };

struct probe_result {
	int stage;
	int err;
};

static void throwaway_name(char name[IFNAMSIZ])
{
	unsigned int v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	snprintf(name, IFNAMSIZ, "tunown%08x", v);
}

static int drop_all_caps(void)
{
	cap_t none = cap_init();
	int r;

	if (!none)
		return -ENOMEM;
	r = cap_set_proc(none) < 0 ? -errno : 0;
	cap_free(none);
	return r;
}

static struct probe_result ownerless_child(bool here_ok)
{
	struct probe_result res = { PROBE_NO_NS, 0 };
	char name[IFNAMSIZ];
	int maker, taker, r;

	if (unshare(CLONE_NEWNET) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0 && !here_ok) {
		res.err = -errno;
		return res;
	}
	res.stage = PROBE_NO_DEVICE;
	throwaway_name(name);
	if ((r = tun_open(&maker)) < 0 || (r = tun_open(&taker)) < 0) {
		res.err = r;
		return res;
	}
	/* Neither owner nor group, not persistent: the device is maker's queue. */
	if ((r = tun_attach(maker, name, IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL)) < 0) {
		res.err = r;
		return res;
	}
	res.stage = PROBE_NO_DROP;
	if ((r = drop_all_caps()) < 0) {
		res.err = r;
		return res;
	}
	res.stage = PROBE_ATTACHED;
	res.err = tun_attach(taker, name, IFF_TUN | IFF_NO_PI);
	return res;
}

enum ownerless_rule kprobe_ownerless(bool here_ok)
{
	static enum ownerless_rule rule = OWNERLESS_UNKNOWN;
	static bool done;
	struct probe_result res = { -1, 0 };
	int pfd[2];
	pid_t pid;

	if (done)
		return rule;
	done = true;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return rule;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		res = ownerless_child(here_ok);
		_exit(write(pfd[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return rule;
	}
	ssize_t n = read(pfd[0], &res, sizeof(res));
	close(pfd[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	/* EBUSY: past the permission check, stopped only by maker's queue. */
	if (n == sizeof(res) && res.stage == PROBE_ATTACHED)
		rule = res.err == -EBUSY || res.err == 0 ? OWNERLESS_ANYONE :
		       res.err == -EPERM ? OWNERLESS_CAPABILITY : OWNERLESS_UNKNOWN;
	return rule;
}

const char *kprobe_ownerless_warning(const char *name, char *buf, size_t len)
{
	if (kprobe_ownerless(true) != OWNERLESS_CAPABILITY)
		return NULL;
	snprintf(buf, len, "warning: '%s' has neither owner nor group, and this kernel lets only "
		 "CAP_NET_ADMIN attach to such a device: programs without it get EPERM (give it "
		 "an owner or a group to let a user in; 'tunown check %s --as USER' tells)", name, name);
	return buf;
}

const char *ownerless_rule_name(enum ownerless_rule r)
{
	return r == OWNERLESS_ANYONE ? "anyone" : r == OWNERLESS_CAPABILITY ? "capability" : "unknown";
}
