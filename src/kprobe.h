/* SPDX-License-Identifier: MIT */
/*
 * What this kernel's tun driver decides where kernels differ, learned from
 * how it behaves, never from its version: stable kernels take fixes at
 * different points (Debian's 6.12.117 and 7.3.2 have the one below, its
 * 6.1.192 does not).
 */
#ifndef TUNOWN_KPROBE_H
#define TUNOWN_KPROBE_H

#include <stdbool.h>

/*
 * Who may attach to a device with neither owner nor group: anyone who can
 * open /dev/net/tun, or, with the fix "tun: Require CAP_NET_ADMIN to attach
 * to an ownerless device", only a holder of CAP_NET_ADMIN.
 */
enum ownerless_rule {
	OWNERLESS_UNKNOWN,          /* not tested, or the test could not tell */
	OWNERLESS_ANYONE,
	OWNERLESS_CAPABILITY,
};

/*
 * Tests the rule on a throwaway ownerless tun device that no one else sees:
 * in a child, in a network namespace of its own (a user namespace of its
 * own as well when tunown may not make one alone), one fd creates it, a
 * second one, after every capability is dropped, attaches; EBUSY (its queue
 * is taken) means the permission check let it through, EPERM that it did not.
 * The device is not persistent: it goes with the child. here_ok: when no
 * namespace can be made, the test may be done in this network namespace
 * (the device is there for the child's lifetime only). Once per run; the
 * answer is kept.
 */
enum ownerless_rule kprobe_ownerless(bool here_ok);

/*
 * What add and apply say when they make a device without owner and group on
 * a kernel where only CAP_NET_ADMIN may attach to one; NULL on any other
 * kernel (the probe runs here, here_ok: the caller changes this namespace).
 */
const char *kprobe_ownerless_warning(const char *name, char *buf, size_t len);

/* "anyone", "capability", "unknown". */
const char *ownerless_rule_name(enum ownerless_rule r);

#endif
