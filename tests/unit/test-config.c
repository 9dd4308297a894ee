/* SPDX-License-Identifier: MIT */
/* The apply file parser: values, peer pairing, every error with FILE:LINE, defaults. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "parse.h"

struct fixture {
	struct config c;
	struct config_errors e;
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	config_init(&f->c);
	config_errors_init(&f->e);
	strcpy(f->dir, "/tmp/tunown-config-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;

	config_free(&f->c);
	config_errors_free(&f->e);
	assert_true(asprintf(&cmd, "rm -rf '%s'", f->dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* Parses TEXT as a file named "t.conf". */
static int parse(struct fixture *f, const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(in);
	int r = config_load_stream(&f->c, in, "t.conf", &f->e);
	fclose(in);
	return r;
}

/* Writes DIR/NAME and returns its path (static buffer). */
static const char *write_file(struct fixture *f, const char *name, const char *text)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	assert_int_equal(fclose(out), 0);
	return path;
}

/* Fails with every message when the error list lacks TEXT (whole line). */
static void assert_error(struct fixture *f, const char *text)
{
	for (size_t i = 0; i < f->e.n; i++)
		if (!strcmp(f->e.v[i].text, text))
			return;
	for (size_t i = 0; i < f->e.n; i++)
		print_message("  got: %s\n", f->e.v[i].text);
	fail_msg("no error '%s'", text);
}

/* One bad input, one error, exactly this text. */
static void assert_only_error(const char *input, const char *text)
{
	struct fixture *f;

	setup((void **)&f);
	assert_int_equal(parse(f, input), -EINVAL);
	assert_error(f, text);
	if (f->e.n != 1)
		fail_msg("%zu errors for '%s', wanted 1", f->e.n, input);
	teardown((void **)&f);
}

static void test_full_section(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	assert_int_equal(parse(f,
		"# a comment\n"
		"; another\n"
		"\n"
		"[tap0]\n"
		"mode = tap\n"
		"user = root\n"
		"group = 0\n"
		"address = 10.0.0.1/24\n"
		"address = fd00::1/64\n"
		"mtu = 9000   # jumbo\n"
		"mac = 02:00:00:00:00:01\n"
		"multi-queue = no\n"
		"vnet-hdr = yes\n"
		"pi = false\n"
		"up = 1\n"
		"netns = lab\n"), 0);
	assert_int_equal(f->e.n, 0);
	assert_int_equal(f->c.ndevs, 1);
	assert_int_equal(f->c.nfiles, 1);
	struct devspec *d = &f->c.devs[0];
	assert_string_equal(d->name, "tap0");
	assert_string_equal(d->file, "t.conf");
	assert_int_equal(d->line, 4);
	assert_int_equal(d->mode, MODE_TAP);
	assert_int_equal(d->uid, 0);
	assert_int_equal(d->gid, 0);
	assert_false(d->any_user);
	assert_int_equal(d->naddrs, 2);
	assert_string_equal(format_ipaddr(&d->addrs[0], buf, sizeof(buf)), "10.0.0.1/24");
	assert_string_equal(format_ipaddr(&d->addrs[1], buf, sizeof(buf)), "fd00::1/64");
	assert_int_equal(d->mtu, 9000);
	assert_true(d->has_mac);
	assert_string_equal(format_mac(d->mac, buf, sizeof(buf)), "02:00:00:00:00:01");
	assert_int_equal(d->multi_queue, 0);
	assert_int_equal(d->vnet_hdr, 1);
	assert_int_equal(d->pi, 0);
	assert_int_equal(d->up, 1);
	assert_string_equal(d->netns, "lab");
}

static void test_defaults_and_mode_from_name(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "[tun7]\r\nany-user = yes\r\n[ vm1 ]\ngroup=root\n"), 0);
	assert_int_equal(f->c.ndevs, 2);
	struct devspec *a = &f->c.devs[0], *b = &f->c.devs[1];
	assert_int_equal(a->mode, MODE_TUN);
	assert_true(a->any_user);
	assert_int_equal(a->uid, ID_NONE);
	assert_int_equal(a->gid, ID_NONE);
	assert_int_equal(a->multi_queue, -1);
	assert_int_equal(a->vnet_hdr, -1);
	assert_int_equal(a->pi, -1);
	assert_int_equal(a->up, -1);
	assert_int_equal(a->mtu, 0);
	assert_false(a->has_mac);
	assert_int_equal(a->naddrs, 0);
	assert_null(a->netns);
	assert_string_equal(b->name, "vm1");
	assert_int_equal(b->mode, MODE_TAP);
	assert_int_equal(b->line, 3);
	assert_int_equal(b->gid, 0);
}

static void test_peer_pairing(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	assert_int_equal(parse(f,
		"[tun0]\nuser = root\n"
		"address = 10.0.0.1/32\npeer = 10.0.0.2\n"
		"address = 10.0.1.1/24\n"
		"address = fd00::1/128\npeer = fd00::2\n"), 0);
	struct devspec *d = &f->c.devs[0];
	assert_int_equal(d->naddrs, 3);
	assert_true(d->addrs[0].has_peer);
	assert_false(d->addrs[1].has_peer);
	assert_true(d->addrs[2].has_peer);
	assert_string_equal(inet_ntop(AF_INET, d->addrs[0].peer, buf, sizeof(buf)), "10.0.0.2");
	assert_string_equal(inet_ntop(AF_INET6, d->addrs[2].peer, buf, sizeof(buf)), "fd00::2");
}

static void test_peer_errors(void **state)
{
	assert_only_error("[tun0]\nuser = root\npeer = 10.0.0.2\n",
		"t.conf:3: peer '10.0.0.2': no 'address' before it in this section to pair it with");
	assert_only_error("[tun0]\nuser = root\naddress = 10.0.0.1/32\npeer = fd00::2\n",
		"t.conf:4: peer 'fd00::2': an IPv6 peer for an IPv4 address "
		"(address '10.0.0.1/32' at line 3)");
	assert_only_error("[tun0]\nuser = root\naddress = fd00::1\npeer = 10.0.0.2\n",
		"t.conf:4: peer '10.0.0.2': an IPv4 peer for an IPv6 address "
		"(address 'fd00::1/128' at line 3)");
	assert_only_error("[tun0]\nuser = root\naddress = 10.0.0.1\npeer = 10.0.0.2\npeer = 10.0.0.3\n",
		"t.conf:5: peer '10.0.0.3': the address before it already has a peer; "
		"write a new 'address' first (address '10.0.0.1/32' at line 3)");
	assert_only_error("[tun0]\nuser = root\naddress = 10.0.0.1\npeer = 10.0.0.2/24\n",
		"t.conf:4: peer '10.0.0.2/24': not an IPv4 or IPv6 address "
		"(address '10.0.0.1/32' at line 3)");
	/* A peer never pairs with an address of the section before. */
	assert_only_error("[tun0]\nuser = root\naddress = 10.0.0.1\n[tun1]\nuser = root\npeer = 10.0.0.2\n",
		"t.conf:6: peer '10.0.0.2': no 'address' before it in this section to pair it with");
}

static void test_value_errors(void **state)
{
	assert_only_error("[tap0]\nuser = root\nmtu = 70000\n",
			  "t.conf:3: mtu '70000': outside 68..65535");
	assert_only_error("[tap0]\nuser = root\nmtu = big\n", "t.conf:3: mtu 'big': not a number");
	assert_only_error("[tap0]\nuser = root\nmac = 01:00:00:00:00:01\n",
		"t.conf:3: mac '01:00:00:00:00:01': a multicast address (the low bit of the first byte is set)");
	assert_only_error("[tap0]\nuser = root\nmode = tan\n", "t.conf:3: mode 'tan': not 'tun' or 'tap'");
	assert_only_error("[tap0]\nuser = root\nup = maybe\n",
		"t.conf:3: up 'maybe': not a boolean (yes/no, true/false, on/off, 1/0)");
	assert_only_error("[tap0]\nuser = root\nvnet-hdr = 2\n",
		"t.conf:3: vnet-hdr '2': not a boolean (yes/no, true/false, on/off, 1/0)");
	assert_only_error("[tap0]\nuser = no-such-user-tunown\n",
		"t.conf:2: user 'no-such-user-tunown': no such user (at boot a directory user, LDAP or SSSD, "
		"resolves only after nss-user-lookup.target: order the unit After= and Wants= it, as "
		"contrib/systemd/tunown.service does, or give the uid)");
	assert_only_error("[tap0]\ngroup = no-such-group-tunown\n",
		"t.conf:2: group 'no-such-group-tunown': no such group (at boot a directory group, LDAP or SSSD, "
		"resolves only after nss-user-lookup.target: order the unit After= and Wants= it, as "
		"contrib/systemd/tunown.service does, or give the gid)");
	assert_only_error("[tap0]\nuser = 4294967295\n",
		"t.conf:2: user '4294967295': outside 0..4294967294");
	assert_only_error("[tap0]\nuser = root\naddress = 10.0.0.1/33\n",
		"t.conf:3: address '10.0.0.1/33': prefix length over 32");
	assert_only_error("[tap0]\nuser = root\naddress = 10.0.0.1/24\naddress = 10.0.0.1/24\n",
		"t.conf:4: address '10.0.0.1/24': listed twice in this section (first at line 3)");
	assert_only_error("[tap0]\nuser = root\nnetns = a/b\n",
		"t.conf:3: netns 'a/b': contains '/', white space or a control character");
	assert_only_error("[tap0]\nuser = root\nmtu =\n", "t.conf:3: mtu: no value after '='");
	assert_only_error("[tap0]\nuser = root\nmtu = # nothing\n", "t.conf:3: mtu: no value after '='");
}

static void test_device_rules(void **state)
{
	assert_only_error("[tun0]\nuser = root\nmac = 02:00:00:00:00:01\n",
		"t.conf:3: mac: a tun device has no MAC address (only tap devices do)");
	/* The mode may come after the mac; the check waits for the section's end. */
	assert_only_error("[x0]\nuser = root\nmac = 02:00:00:00:00:01\nmode = tun\n",
		"t.conf:3: mac: a tun device has no MAC address (only tap devices do)");
	assert_only_error("[tap0]\nmtu = 1500\n",
		"t.conf:1: device 'tap0' has no owner: set 'user', 'group' or 'any-user = yes'");
	assert_only_error("[tap0]\nany-user = no\n",
		"t.conf:1: device 'tap0' has no owner: set 'user', 'group' or 'any-user = yes'");
	assert_only_error("[tap0]\nuser = root\nany-user = yes\n",
		"t.conf:3: any-user: conflicts with 'user'/'group' (any-user makes a device without owner)");
}

/* What the kernel would refuse, said while parsing: every one FILE:LINE. */
static void test_kernel_refusals(void **state)
{
	assert_only_error("[all]\nuser = root\n",
		"t.conf:1: device name 'all': reserved by the kernel ('all' and 'default' name its sysctl "
		"settings for every device, net.ipv4.conf.all and .default)");
	assert_only_error("[tap0]\nuser = root\n[default]\nuser = root\n",
		"t.conf:3: device name 'default': reserved by the kernel ('all' and 'default' name its sysctl "
		"settings for every device, net.ipv4.conf.all and .default)");
	assert_only_error("[tap0]\nuser = root\nmtu = 65535\n",
		"t.conf:3: mtu '65535': over 65521, the most a tap device takes (65535 less its 14-byte Ethernet header)");
	/* The mode may come after the MTU, and says the bound. */
	assert_only_error("[tun0]\nuser = root\nmtu = 65535\nmode = tap\n",
		"t.conf:3: mtu '65535': over 65521, the most a tap device takes (65535 less its 14-byte Ethernet header)");
	assert_only_error("[tap0]\nuser = root\nmtu = 1200\naddress = 10.0.0.1/24\naddress = fd00::1/64\naddress = fd00::2/64\n",
		"t.conf:3: mtu '1200': below 1280, the least IPv6 takes, and the section has the IPv6 address "
		"'fd00::1/64' (line 5), which the kernel would refuse: raise the MTU to 1280 or more, or remove "
		"the IPv6 addresses");
	assert_only_error("[tap0]\nuser = root\naddress = 0.0.0.0/24\n",
		"t.conf:3: address '0.0.0.0/24': the unspecified address 0.0.0.0, which the kernel does not keep on a device");
	assert_only_error("[tap0]\nuser = root\naddress = 10.9.9.9/0\n",
		"t.conf:3: address '10.9.9.9/0': prefix length 0: a device's address needs a prefix of 1 or more "
		"(0.0.0.0/0 and ::/0 are default routes: give them as a route)");
	assert_only_error("[tap0]\nuser = root\naddress = ff02::1/64\n",
		"t.conf:3: address 'ff02::1/64': a multicast address (ff00::/8), which the kernel refuses as a device's address");
	assert_only_error("[tap0]\nuser = root\naddress = ::1/128\n",
		"t.conf:3: address '::1/128': the loopback address ::1, which the kernel keeps only on lo");
}

static void test_kernel_accepts(void **state)
{
	struct fixture *f = *state;

	/* Default routes are fine; so is the most a tun device or a tap device takes, and 1280 with IPv6. */
	assert_int_equal(parse(f,
		"[tun0]\nuser = root\nmtu = 65535\naddress = 10.0.0.1/24\nroute = 0.0.0.0/0\nroute = ::/0\n"
		"[tap0]\nuser = root\nmtu = 65521\n"
		"[tap1]\nuser = root\nmtu = 1280\naddress = fd00::1/64\n"
		"[tap2]\nuser = root\nmtu = 1000\naddress = 10.0.0.1/24\n"
		"[x0]\nuser = root\nmode = TUN\nmtu = 65535\n"), 0);
	assert_int_equal(f->e.n, 0);
	assert_int_equal(f->c.ndevs, 5);
	assert_int_equal(f->c.devs[0].nroutes, 2);
	assert_int_equal(f->c.devs[0].routes[0].dst_len, 0);
	assert_int_equal(f->c.devs[4].mode, MODE_TUN);
}

/* What editors and people write that is not an error: a BOM, a comment after a header, TAP. */
static void test_lenient(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
		"\xef\xbb\xbf[tap0]\nuser = root\nmode = TAP\nup = Yes\n"
		"[tap1] # vm1\nuser = root\n"
		"[tap2]\t; vm2\nuser = root\n"
		"[ tap3 ]#vm3\nuser = root\nmode = Tun\n"), 0);
	assert_int_equal(f->e.n, 0);
	assert_int_equal(f->c.ndevs, 4);
	assert_string_equal(f->c.devs[0].name, "tap0");
	assert_int_equal(f->c.devs[0].mode, MODE_TAP);
	assert_int_equal(f->c.devs[0].up, 1);
	assert_string_equal(f->c.devs[1].name, "tap1");
	assert_string_equal(f->c.devs[2].name, "tap2");
	assert_string_equal(f->c.devs[3].name, "tap3");
	assert_int_equal(f->c.devs[3].mode, MODE_TUN);
	/* A BOM anywhere but first is not skipped. */
	assert_only_error("[tap0]\nuser = root\n\xef\xbb\xbf# a comment\n",
		"t.conf:3: '\xef\xbb\xbf# a comment': expected 'key = value', '[NAME]' or a comment");
}

/* One mistake is said once: not again as the errors it leads to. */
static void test_no_knock_on(void **state)
{
	/* The owner's line is faulty: no "has no owner" after it. */
	assert_only_error("[tap0]\nusr = alice\n", "t.conf:2: unknown key 'usr' (did you mean 'user'?)");
	assert_only_error("[tap0]\nuser alice\n",
			  "t.conf:2: 'user alice': expected 'key = value', '[NAME]' or a comment");
	assert_only_error("[tap0]\nuser = nosuchuser\nmtu = 1500\n",
		"t.conf:2: user 'nosuchuser': no such user (at boot a directory user, LDAP or SSSD, "
		"resolves only after nss-user-lookup.target: order the unit After= and Wants= it, as "
		"contrib/systemd/tunown.service does, or give the uid)");
	assert_only_error("[tap0]\nany-user = maybe\n",
		"t.conf:2: any-user 'maybe': not a boolean (yes/no, true/false, on/off, 1/0)");
	/* A faulty mode: no "a tun device has no MAC" nor an MTU bound from the name's mode. */
	assert_only_error("[tun0]\nuser = root\nmode = tapp\nmac = 02:00:00:00:00:01\n",
			  "t.conf:3: mode 'tapp': not 'tun' or 'tap'");
	/* A faulty MTU: no IPv6 check with it. */
	assert_only_error("[tap0]\nuser = root\nmtu = 12abc\naddress = fd00::1/64\n",
			  "t.conf:3: mtu '12abc': not a number");
	/* But a mistake elsewhere does not hide an unrelated one. */
	struct fixture *f;
	setup((void **)&f);
	assert_int_equal(parse(f, "[tun0]\nmtu = big\nmac = 02:00:00:00:00:01\n"), -EINVAL);
	assert_error(f, "t.conf:2: mtu 'big': not a number");
	assert_error(f, "t.conf:3: mac: a tun device has no MAC address (only tap devices do)");
	assert_error(f, "t.conf:1: device 'tun0' has no owner: set 'user', 'group' or 'any-user = yes'");
	assert_int_equal(f->e.n, 3);
	teardown((void **)&f);
}

static void test_repeats(void **state)
{
	/* A peer is part of the address: the same pair twice is a repeat, another peer is not. */
	assert_only_error("[tun0]\nuser = root\naddress = 10.8.0.1/32\npeer = 10.8.0.2\n"
			  "address = 10.8.0.5/32\naddress = 10.8.0.1/32\npeer = 10.8.0.2\n",
			  "t.conf:6: address '10.8.0.1 peer 10.8.0.2/32': listed twice in this section (first at line 3)");
	assert_only_error("[tun0]\nuser = root\nroute = 10.1.0.0/16\nroute = 10.2.0.0/16\nroute = 10.1.0.0/16,metric=0\n",
			  "t.conf:5: route '10.1.0.0/16': listed twice in this section (first at line 3)");
	struct fixture *f;
	setup((void **)&f);
	assert_int_equal(parse(f, "[tun0]\nuser = root\naddress = 10.8.0.1/32\npeer = 10.8.0.2\n"
			      "address = 10.8.0.1/32\npeer = 10.8.0.3\naddress = 10.8.0.1/24\n"
			      "route = 10.1.0.0/16\nroute = 10.1.0.0/16,metric=5\n"), 0);
	assert_int_equal(f->c.devs[0].naddrs, 3);
	assert_int_equal(f->c.devs[0].nroutes, 2);
	teardown((void **)&f);
}

/* 200,000 addresses in one section: read through an index, not by comparing each with all before it. */
static void test_many_addresses(void **state)
{
	struct fixture *f = *state;
	char *text;
	size_t len;
	FILE *mem = open_memstream(&text, &len);

	fputs("[tap0]\nuser = root\n", mem);
	for (int i = 0; i < 200000; i++)
		fprintf(mem, "address = 10.%d.%d.%d/8\n", i >> 16, (i >> 8) & 255, i & 255);
	fputs("address = 10.0.0.7/8\n", mem);
	assert_int_equal(fclose(mem), 0);
	assert_int_equal(parse(f, text), -EINVAL);
	free(text);
	assert_int_equal(f->e.n, 1);
	assert_string_equal(f->e.v[0].text,
			    "t.conf:200003: address '10.0.0.7/8': listed twice in this section (first at line 10)");
}

/* No file may keep the parser reading: more than 16 MiB is an error, and reading stops. */
static void test_size_limit(void **state)
{
	struct fixture *f = *state;
	static const char want[] = "t.conf: larger than 16 MiB, the most a configuration file may have "
				   "(not a tunown configuration?): not read further";

	/* A stream of one endless line (what /dev/zero gives without the NULs). */
	size_t big = CONFIG_MAX_SIZE + 10;
	char *text = malloc(big);
	assert_non_null(text);
	memset(text, 'x', big);
	FILE *in = fmemopen(text, big, "r");
	assert_int_equal(config_load_stream(&f->c, in, "t.conf", &f->e), -EINVAL);
	fclose(in);
	assert_int_equal(f->e.n, 1);
	assert_string_equal(f->e.v[0].text, want);
	config_errors_free(&f->e);

	/* Exactly 16 MiB of comments is fine. */
	memset(text, '#', CONFIG_MAX_SIZE);
	for (size_t i = 1000; i < CONFIG_MAX_SIZE; i += 1000)
		text[i] = '\n';
	in = fmemopen(text, CONFIG_MAX_SIZE, "r");
	assert_int_equal(config_load_stream(&f->c, in, "t.conf", &f->e), 0);
	fclose(in);
	free(text);

	/* A regular file over the limit is refused unread; /dev/zero ends too. */
	char path[128];
	snprintf(path, sizeof(path), "%s/big.conf", f->dir);
	assert_int_equal(truncate(path, 0) == 0 || errno == ENOENT, 1);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	assert_int_equal(ftruncate(fileno(out), (off_t)CONFIG_MAX_SIZE + 1), 0);
	assert_int_equal(fclose(out), 0);
	char *paths[] = { path, "/dev/zero" };
	assert_int_equal(config_load(&f->c, paths, 2, &f->e), -EINVAL);
	assert_int_equal(f->e.n, 2);
	assert_non_null(strstr(f->e.v[0].text, "big.conf: larger than 16 MiB"));
	assert_string_equal(f->e.v[1].text, "/dev/zero: larger than 16 MiB, the most a configuration file may have "
			    "(not a tunown configuration?): not read further");
}

static void test_syntax_errors(void **state)
{
	assert_only_error("user = root\n[tap0]\nuser = root\n",
			  "t.conf:1: 'user' before any section: start a device with '[NAME]'");
	assert_only_error("[tap0]\nuser = root\nmtu 9000\n",
			  "t.conf:3: 'mtu 9000': expected 'key = value', '[NAME]' or a comment");
	assert_only_error("[tap0]\nuser = root\n= 9000\n", "t.conf:3: no key before '='");
	assert_only_error("[tap0] extra\nuser = root\n",
			  "t.conf:1: section header '[tap0] extra': expected '[NAME]', and after it nothing or a comment");
	assert_only_error("[tap0\nuser = root\n",
			  "t.conf:1: section header '[tap0': expected '[NAME]', and after it nothing or a comment");
	assert_only_error("[]\nuser = root\n", "t.conf:1: device name '': empty name");
	assert_only_error("[a-very-long-name0]\nuser = root\n",
		"t.conf:1: device name 'a-very-long-name0': longer than 15 bytes (the kernel would truncate it)");
	assert_only_error("[a/b]\nuser = root\n", "t.conf:1: device name 'a/b': contains '/' or ':'");
	assert_only_error("[a b]\nuser = root\n", "t.conf:1: device name 'a b': contains white space");
	assert_only_error("[tap0]\nuser = root\nmtu = 1500\nmtu = 9000\n",
		"t.conf:4: mtu '9000': already set at line 3 (only 'address', 'peer' and 'route' repeat)");
	assert_only_error("[tap0]\nuser = root\nuser = root\n",
		"t.conf:3: user 'root': already set at line 2 (only 'address', 'peer' and 'route' repeat)");
	/* Keys are case-sensitive, as add's options are. */
	assert_only_error("[tap0]\nuser = root\nMTU = 1500\n",
			  "t.conf:3: unknown key 'MTU' (did you mean 'mtu'?)");
}

static void test_unknown_key_suggestions(void **state)
{
	assert_only_error("[tap0]\nuser = root\nadress = 10.0.0.1\n",
			  "t.conf:3: unknown key 'adress' (did you mean 'address'?)");
	assert_only_error("[tap0]\nuser = root\nmultiqueue = yes\n",
			  "t.conf:3: unknown key 'multiqueue' (did you mean 'multi-queue'?)");
	assert_only_error("[tap0]\nuser = root\nvnet_hdr = yes\n",
			  "t.conf:3: unknown key 'vnet_hdr' (did you mean 'vnet-hdr'?)");
	assert_only_error("[tap0]\nusr = root\nany-user = yes\n",
			  "t.conf:2: unknown key 'usr' (did you mean 'user'?)");
	assert_only_error("[tap0]\nowner = root\nany-user = yes\n",
			  "t.conf:2: unknown key 'owner' (did you mean 'user'?)");
	assert_only_error("[tap0]\nuser = root\nhwaddr = 02:00:00:00:00:01\n",
			  "t.conf:3: unknown key 'hwaddr' (did you mean 'mac'?)");
	assert_only_error("[tap0]\nuser = root\npersist = yes\n",
		"t.conf:3: unknown key 'persist' (keys: mode, user, group, address, peer, mtu, mac, "
		"multi-queue, vnet-hdr, pi, up, any-user, netns, adopt, route)");
	/* Two letters are not close to a two-letter key. */
	assert_only_error("[tap0]\nuser = root\nxy = 1\n",
		"t.conf:3: unknown key 'xy' (keys: mode, user, group, address, peer, mtu, mac, "
		"multi-queue, vnet-hdr, pi, up, any-user, netns, adopt, route)");
}

static void test_bad_bytes(void **state)
{
	struct fixture *f = *state;
	char *text;
	size_t len;
	FILE *mem = open_memstream(&text, &len);

	assert_non_null(mem);
	fputs("[tap0]\nuser = root\n", mem);
	fputs("address = 10.0.0.1\n", mem);
	fwrite("mtu = 1500\0x\n", 1, 13, mem);             /* line 4: a NUL byte */
	fputs("netns = \xff\xfe\n", mem);                   /* line 5: not UTF-8 */
	fputs("netns = \xc0\xaf\n", mem);                   /* line 6: overlong '/' */
	for (int i = 0; i < 5000; i++)                      /* line 7: too long */
		fputc('x', mem);
	fputs("\nmtu = 9\x01\n", mem);                      /* line 8: a control byte */
	fputs("[tap\xc3\xa4" "1]\nuser = root\n", mem);        /* line 9: UTF-8 is fine */
	fputs("[\xff]\nuser = nosuchuser-\xff\n", mem);     /* lines 11, 12 */
	fputs("[tap2]\nuser = root\n", mem);                /* line 13 */
	assert_int_equal(fclose(mem), 0);

	FILE *in = fmemopen(text, len, "r");
	assert_int_equal(config_load_stream(&f->c, in, "t.conf", &f->e), -EINVAL);
	fclose(in);
	free(text);
	assert_error(f, "t.conf:4: contains a NUL byte (not a text file?)");
	assert_error(f, "t.conf:5: not valid UTF-8 text");
	assert_error(f, "t.conf:6: not valid UTF-8 text");
	assert_error(f, "t.conf:7: longer than 1024 bytes");
	assert_error(f, "t.conf:8: mtu '9\\x01': not a number");
	assert_error(f, "t.conf:11: not valid UTF-8 text");
	assert_error(f, "t.conf:12: not valid UTF-8 text");
	assert_int_equal(f->e.n, 7);
	assert_int_equal(f->c.ndevs, 3);
	assert_int_equal(f->c.devs[0].naddrs, 1);
	assert_string_equal(f->c.devs[1].name, "tap\xc3\xa4" "1");
	assert_string_equal(f->c.devs[2].name, "tap2");
	assert_int_equal(f->c.devs[2].line, 13);
}

static void test_long_value_quoted_short(void **state)
{
	struct fixture *f = *state;
	char text[400];

	snprintf(text, sizeof(text), "[tap0]\nuser = root\nmode = %0200d\n", 7);
	assert_int_equal(parse(f, text), -EINVAL);
	assert_int_equal(f->e.n, 1);
	assert_non_null(strstr(f->e.v[0].text, "mode '000000"));
	assert_non_null(strstr(f->e.v[0].text, "...': not 'tun' or 'tap'"));
	assert_true(strlen(f->e.v[0].text) < 100);
}

static void test_all_errors_collected(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
		"mtu = 1\n"
		"[tap0]\n"
		"user = root\n"
		"mtu = 1\n"
		"bogus\n"
		"[tap0]\n"
		"group = root\n"
		"[tun0]\n"
		"mac = 02:00:00:00:00:01\n"
		"mtu = 0\n"), -EINVAL);
	assert_error(f, "t.conf:1: 'mtu' before any section: start a device with '[NAME]'");
	assert_error(f, "t.conf:4: mtu '1': outside 68..65535");
	assert_error(f, "t.conf:5: 'bogus': expected 'key = value', '[NAME]' or a comment");
	assert_error(f, "t.conf:6: device 'tap0' already defined at t.conf:2");
	assert_error(f, "t.conf:9: mac: a tun device has no MAC address (only tap devices do)");
	assert_error(f, "t.conf:8: device 'tun0' has no owner: set 'user', 'group' or 'any-user = yes'");
	assert_error(f, "t.conf:10: mtu '0': outside 68..65535");
	assert_int_equal(f->e.n, 7);
	/* In line order, though a section's own checks run at its end. */
	for (size_t i = 1; i < f->e.n; i++)
		assert_true(f->e.v[i - 1].line < f->e.v[i].line);
}

static void test_error_cap(void **state)
{
	struct fixture *f = *state;
	char *text;
	size_t len;
	FILE *mem = open_memstream(&text, &len);

	for (int i = 0; i < 150; i++)
		fputs("bad\n", mem);
	fclose(mem);
	assert_int_equal(parse(f, text), -EINVAL);
	free(text);
	/* Reading stops at the hundredth error, and says so. */
	assert_int_equal(f->e.n, CONFIG_MAX_ERRORS);
	assert_int_equal(f->e.dropped, 0);
	assert_int_equal(f->e.v[99].line, 100);
	assert_string_equal(f->e.stopped, "t.conf:100: stopped after 100 errors: the rest is not read");

	mem = open_memstream(&text, &len);
	config_errors_print(&f->e, mem);
	fclose(mem);
	assert_non_null(strstr(text, "t.conf:1: 'bad': expected"));
	assert_non_null(strstr(text, "\nt.conf:100: stopped after 100 errors: the rest is not read\n"));
	free(text);

	/* A later file is not read at all. */
	const char *later = write_file(f, "later.conf", "bad\n");
	char *paths[] = { (char *)later };
	assert_int_equal(config_load(&f->c, paths, 1, &f->e), 0);
	assert_int_equal(f->e.n, CONFIG_MAX_ERRORS);
}

static void test_same_name_other_netns(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
		"[tap0]\nuser = root\n"
		"[tap0]\nuser = root\nnetns = a\n"
		"[tap0]\nuser = root\nnetns = b\n"
		"[tap0]\nuser = root\nnetns = a\n"), -EINVAL);
	assert_error(f, "t.conf:9: device 'tap0' in netns 'a' already defined at t.conf:3");
	assert_int_equal(f->e.n, 1);
	assert_int_equal(f->c.ndevs, 4);

	/* A third definition still names the first. */
	assert_int_equal(parse(f, "[tap0]\nuser = root\n"), -EINVAL);
	assert_error(f, "t.conf:1: device 'tap0' already defined at t.conf:1");
	assert_int_equal(parse(f, "\n[tap0]\nuser = root\n"), -EINVAL);
	assert_int_equal(f->e.n, 3);
	assert_string_equal(f->e.v[2].text, "t.conf:2: device 'tap0' already defined at t.conf:1");
}

static void test_duplicate_across_files(void **state)
{
	struct fixture *f = *state;
	char a[256], b[256], want[700];

	strcpy(a, write_file(f, "a.conf", "[tap0]\nuser = root\n[tap1]\nuser = root\n"));
	strcpy(b, write_file(f, "b.conf", "# second\n[tap2]\nuser = root\n\n[tap1]\ngroup = root\n"));
	char *paths[] = { a, b };
	assert_int_equal(config_load(&f->c, paths, 2, &f->e), -EINVAL);
	snprintf(want, sizeof(want), "%s:5: device 'tap1' already defined at %s:3", b, a);
	assert_error(f, want);
	assert_int_equal(f->e.n, 1);
	assert_int_equal(f->c.nfiles, 2);
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	char path[256], want[300];

	snprintf(path, sizeof(path), "%s/none.conf", f->dir);
	char *paths[] = { path, f->dir };
	assert_int_equal(config_load(&f->c, paths, 2, &f->e), -EINVAL);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	assert_error(f, want);
	snprintf(want, sizeof(want), "%s: is a directory, not a file", f->dir);
	assert_error(f, want);
	assert_int_equal(f->e.v[0].line, 0);
}

static void test_default_set(void **state)
{
	struct fixture *f = *state;
	char conf[256], dir[256];

	snprintf(conf, sizeof(conf), "%s/tunown.conf", f->dir);
	snprintf(dir, sizeof(dir), "%s/tunown.d", f->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	write_file(f, "tunown.conf", "[main0]\nuser = root\n");
	write_file(f, "tunown.d/20-b.conf", "[b0]\nuser = root\n");
	write_file(f, "tunown.d/10-a.conf", "[a0]\nuser = root\n");
	write_file(f, "tunown.d/30-c.conf.bak", "[c0]\nuser = root\n");
	write_file(f, "tunown.d/.hidden.conf", "[h0]\nuser = root\n");
	write_file(f, "tunown.d/README", "not a config\n");

	assert_int_equal(config_load_defaults(&f->c, conf, dir, &f->e), 0);
	assert_int_equal(f->c.ndevs, 3);
	assert_int_equal(f->c.nfiles, 3);
	assert_string_equal(f->c.devs[0].name, "main0");
	assert_string_equal(f->c.devs[1].name, "a0");
	assert_string_equal(f->c.devs[2].name, "b0");
	assert_non_null(strstr(f->c.devs[1].file, "/tunown.d/10-a.conf"));

	/* Without the main file, the directory alone. */
	config_free(&f->c);
	assert_int_equal(unlink(conf), 0);
	assert_int_equal(config_load_defaults(&f->c, conf, dir, &f->e), 0);
	assert_int_equal(f->c.ndevs, 2);
	assert_int_equal(f->c.nfiles, 2);
}

static void test_default_set_empty(void **state)
{
	struct fixture *f = *state;
	char conf[256], dir[256];

	snprintf(conf, sizeof(conf), "%s/tunown.conf", f->dir);
	snprintf(dir, sizeof(dir), "%s/tunown.d", f->dir);
	assert_int_equal(config_load_defaults(&f->c, conf, dir, &f->e), 0);
	assert_int_equal(f->c.ndevs, 0);
	assert_int_equal(f->c.nfiles, 0);
	assert_int_equal(f->e.n, 0);

	/* An empty directory is no config either. */
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(config_load_defaults(&f->c, conf, dir, &f->e), 0);
	assert_int_equal(f->c.nfiles, 0);

	/* A duplicate between the main file and the directory is found. */
	write_file(f, "tunown.conf", "[tap0]\nuser = root\n");
	write_file(f, "tunown.d/x.conf", "\n[tap0]\nuser = root\n");
	assert_int_equal(config_load_defaults(&f->c, conf, dir, &f->e), -EINVAL);
	char want[600];
	snprintf(want, sizeof(want), "%s/x.conf:2: device 'tap0' already defined at %s:1", dir, conf);
	assert_error(f, want);
}

static void test_stdin(void **state)
{
	struct fixture *f = *state;
	const char *path = write_file(f, "in.conf", "[tap0]\nuser = root\nmtu = 1\n");

	assert_non_null(freopen(path, "r", stdin));
	char *paths[] = { "-" };
	assert_int_equal(config_load(&f->c, paths, 1, &f->e), -EINVAL);
	assert_error(f, "<stdin>:3: mtu '1': outside 68..65535");
	assert_int_equal(f->c.ndevs, 1);
	assert_string_equal(f->c.devs[0].file, "<stdin>");
}

static void test_many_devices(void **state)
{
	struct fixture *f = *state;
	char path[256];

	snprintf(path, sizeof(path), "%s/many.conf", f->dir);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	for (int i = 0; i < 4000; i++)
		fprintf(out, "[tap%d]\nuser = root\ngroup = root\naddress = 10.%d.%d.1/24\nup = yes\n\n",
			i, i / 256, i % 256);
	assert_int_equal(fclose(out), 0);

	char *paths[] = { path };
	assert_int_equal(config_load(&f->c, paths, 1, &f->e), 0);
	assert_int_equal(f->c.ndevs, 4000);
	struct devspec *last = &f->c.devs[3999];
	assert_string_equal(last->name, "tap3999");
	assert_int_equal(last->line, 3999 * 6 + 1);
	assert_int_equal(last->naddrs, 1);
	assert_int_equal(last->addrs[0].addr[1], 3999 / 256);
	assert_int_equal(last->addrs[0].addr[2], 3999 % 256);
	assert_int_equal(last->up, 1);

	/* The same file twice: every device is a duplicate, and the index finds
	 * each, until reading stops at the hundredth. */
	config_free(&f->c);
	char *twice[] = { path, path };
	assert_int_equal(config_load(&f->c, twice, 2, &f->e), -EINVAL);
	assert_int_equal(f->e.n, CONFIG_MAX_ERRORS);
	for (size_t i = 0; i < f->e.n; i++)
		assert_non_null(strstr(f->e.v[i].text, "already defined at"));
	assert_non_null(f->e.stopped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_and_mode_from_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_pairing, setup, teardown),
		cmocka_unit_test(test_peer_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_device_rules),
		cmocka_unit_test(test_kernel_refusals),
		cmocka_unit_test_setup_teardown(test_kernel_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lenient, setup, teardown),
		cmocka_unit_test(test_no_knock_on),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test_setup_teardown(test_many_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_limit, setup, teardown),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_unknown_key_suggestions),
		cmocka_unit_test_setup_teardown(test_bad_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_value_quoted_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_errors_collected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_name_other_netns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_set_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_devices, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
