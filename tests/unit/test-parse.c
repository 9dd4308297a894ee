/* SPDX-License-Identifier: MIT */
/*
 * The pure parsers of src/parse.h: every value a user can type, good and bad.
 * Run by `make check` with CMOCKA_MESSAGE_OUTPUT=TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A rejected value: -EINVAL and a reason to show the user. */
#define assert_rejected(call, why)                                      \
	do {                                                            \
		why = NULL;                                             \
		assert_int_equal((call), -EINVAL);                      \
		assert_non_null(why);                                   \
		assert_true(why[0] != '\0');                            \
	} while (0)

/* ---- parse_ifname ---- */

static void ifname_valid(void **state)
{
	static const char *good[] = {
		"tap0", "t", "tun-vpn_1", "vm.eth0", "...x", "a..b", "TAP0",
		"x12345678901234",      /* 15 bytes, the most that fits */
	};
	char out[IFNAMSIZ];
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		memset(out, 'Z', sizeof(out));
		why = NULL;
		assert_int_equal(parse_ifname(good[i], out, &why), 0);
		assert_string_equal(out, good[i]);
	}
}

static void ifname_invalid(void **state)
{
	static const char *bad[] = {
		"",
		"x123456789012345",     /* 16 bytes: the kernel would truncate */
		"a-very-long-interface-name",
		".", "..",
		"tap/0", "/", "tap:0", ":",
		"tap 0", " tap0", "tap0 ", "tap\t0", "tap\n", "\n",
		"tap\x01", "\x1b[0m", "tap\x7f",
		"tap%d", "%",
		"all", "default",       /* the kernel's net.ipv4.conf.all and .default */
	};
	char out[IFNAMSIZ];
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting name #%zu\n", i);
		assert_rejected(parse_ifname(bad[i], out, &why), why);
	}
}

/* ---- parse_id ---- */

static void id_valid(void **state)
{
	static const struct { const char *s; uint32_t v; } good[] = {
		{ "0", 0 }, { "1", 1 }, { "1001", 1001 }, { "65534", 65534 },
		{ "4294967294", 4294967294u },
	};
	const char *why;
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		v = 7;
		assert_int_equal(parse_id(good[i].s, &v, &why), 0);
		assert_int_equal(v, good[i].v);
	}
}

static void id_invalid(void **state)
{
	static const char *bad[] = {
		"4294967295",           /* (uid_t)-1: the kernel's "unset" */
		"4294967296", "18446744073709551615", "99999999999999999999999",
		"-1", "-0", "-4294967295",
		"", " ", "abc", "12abc", "1.5", " 12", "12 ", "1 2",
		"alice",
	};
	const char *why;
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting id '%s'\n", bad[i]);
		assert_rejected(parse_id(bad[i], &v, &why), why);
	}
}

/* ---- parse_cidr, parse_addr ---- */

static void expect_cidr(const char *s, int family, const char *addr, unsigned prefix)
{
	struct ipaddr a, want;
	const char *why = NULL;

	memset(&a, 0xa5, sizeof(a));
	memset(&want, 0, sizeof(want));
	assert_int_equal(inet_pton(family, addr, want.addr), 1);
	assert_int_equal(parse_cidr(s, &a, &why), 0);
	assert_int_equal(a.family, family);
	assert_int_equal(a.prefixlen, prefix);
	assert_false(a.has_peer);
	assert_memory_equal(a.addr, want.addr, family == AF_INET ? 4 : 16);
}

static void cidr_valid(void **state)
{
	expect_cidr("10.0.0.1/24", AF_INET, "10.0.0.1", 24);
	expect_cidr("192.168.100.254/32", AF_INET, "192.168.100.254", 32);
	expect_cidr("172.16.0.1/1", AF_INET, "172.16.0.1", 1);
	expect_cidr("10.9.8.7", AF_INET, "10.9.8.7", 32);      /* bare: a host */
	expect_cidr("fd00::1/64", AF_INET6, "fd00::1", 64);
	expect_cidr("2001:db8:1:2:3:4:5:6/128", AF_INET6, "2001:db8:1:2:3:4:5:6", 128);
	expect_cidr("FD00:ABCD::1/48", AF_INET6, "fd00:abcd::1", 48);
	expect_cidr("fd00::7", AF_INET6, "fd00::7", 128);      /* bare: a host */
}

static void cidr_invalid(void **state)
{
	static const char *bad[] = {
		/* the address */
		"", "/24", "10.0.0/24", "10.0.0.256/24", "10.0.0.1.1/24",
		"a.b.c.d/8", "10.0.0.1x/24", "fd00:::1/64", "fd00::g/64",
		"tap0", " 10.0.0.1/24", "10.0.0.1 /24",
		/* the prefix */
		"10.0.0.1/33", "10.0.0.1/255", "10.0.0.1/256", "10.0.0.1/4294967320",
		"fd00::1/129", "fd00::1/256",
		"10.0.0.1/-1", "fd00::1/-1", "10.0.0.1/", "fd00::1/",
		"10.0.0.1/abc", "10.0.0.1/24x", "10.0.0.1/2 4", "10.0.0.1/ 24",
		"10.0.0.1/24/8", "10.0.0.1/1.5", "10.0.0.1/255.255.255.0",
	};
	struct ipaddr a;
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting cidr '%s'\n", bad[i]);
		assert_rejected(parse_cidr(bad[i], &a, &why), why);
	}
}

static void addr_valid(void **state)
{
	uint8_t out[16], want[16];
	const char *why;
	int family = 0;

	assert_int_equal(parse_addr("10.0.0.2", &family, out, &why), 0);
	assert_int_equal(family, AF_INET);
	inet_pton(AF_INET, "10.0.0.2", want);
	assert_memory_equal(out, want, 4);

	assert_int_equal(parse_addr("fd00::2", &family, out, &why), 0);
	assert_int_equal(family, AF_INET6);
	inet_pton(AF_INET6, "fd00::2", want);
	assert_memory_equal(out, want, 16);
}

static void addr_invalid(void **state)
{
	static const char *bad[] = {
		"", "10.0.0.2/32", "fd00::2/128", "10.0.0", "10.0.0.300",
		"fd00:::2", "peer", " 10.0.0.2", "10.0.0.2 ",
	};
	uint8_t out[16];
	const char *why;
	int family;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting address '%s'\n", bad[i]);
		assert_rejected(parse_addr(bad[i], &family, out, &why), why);
	}
}

/* ---- parse_mac ---- */

/* ---- parse_address, parse_route, format_route ---- */

static void address_options(void **state)
{
	struct ipaddr a;
	const char *why;

	(void)state;
	assert_int_equal(parse_address("fd00::1/64,nodad", &a, &why), 0);
	assert_int_equal(a.opts, ADDR_NODAD);
	assert_int_equal(parse_address("fd00::1/64,noprefixroute,nodad", &a, &why), 0);
	assert_int_equal(a.opts, ADDR_NODAD | ADDR_NOPREFIXROUTE);
	assert_int_equal(parse_address("10.0.0.1/24,noprefixroute", &a, &why), 0);
	assert_int_equal(a.opts, ADDR_NOPREFIXROUTE);
	assert_int_equal(parse_address("10.0.0.1/24", &a, &why), 0);
	assert_int_equal(a.opts, 0);
	static const char *const bad[] = { "10.0.0.1/24,nodad", "fd00::1/64,", "fd00::1/64,,nodad",
					   "fd00::1/64,dad", "fd00::1/64,NODAD", ",nodad" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_rejected(parse_address(bad[i], &a, &why), why);
}

/* Addresses the kernel would not keep on a device: refused as addresses, yet fine as route destinations. */
static void address_unkept(void **state)
{
	static const char *const bad[] = {
		"0.0.0.0/24", "0.0.0.0", "0.0.0.0/32", "::/64", "::", "::/128",
		"10.0.0.1/0", "fd00::1/0", "0.0.0.0/0", "::/0",
		"224.0.0.1/24", "239.255.255.255/32", "230.1.2.3", "ff02::1/64", "ff00::/8", "ff05::2",
		"::1/128", "::1", "127.0.0.1/8", "127.255.0.1/16", "127.0.0.1",
	};
	static const char *const good[] = {
		"10.0.0.1/1", "fd00::1/1", "223.255.255.255/24", "128.0.0.1/8", "126.0.0.1/8",
		"fe80::1/64", "::2/128", "fe00::1/64", "0.0.0.1/8", "1.0.0.0/8",
	};
	struct ipaddr a;
	struct route r;
	const char *why;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting address '%s'\n", bad[i]);
		assert_rejected(parse_address(bad[i], &a, &why), why);
		/* parse_cidr, which routes use, takes any of them */
		assert_int_equal(parse_cidr(bad[i], &a, &why), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		print_message("# accepting address '%s'\n", good[i]);
		assert_int_equal(parse_address(good[i], &a, &why), 0);
	}
	assert_int_equal(parse_route("0.0.0.0/0", &r, &why), 0);
	assert_int_equal(r.dst_len, 0);
	assert_int_equal(parse_route("::/0,via=fe80::1", &r, &why), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(parse_route("224.0.0.0/4", &r, &why), 0);
	/* the reason names what is wrong */
	assert_rejected(parse_address("0.0.0.0/24", &a, &why), why);
	assert_non_null(strstr(why, "unspecified"));
	assert_rejected(parse_address("10.0.0.1/0", &a, &why), why);
	assert_non_null(strstr(why, "prefix length 0"));
	assert_rejected(parse_address("ff02::1/64", &a, &why), why);
	assert_non_null(strstr(why, "multicast"));
	assert_rejected(parse_address("127.0.0.1/8", &a, &why), why);
	assert_non_null(strstr(why, "loopback"));
}

static void route_roundtrip(void **state)
{
	static const char *const good[][2] = {
		{ "10.1.0.0/16", "10.1.0.0/16" },
		{ "10.1.0.0/16,via=10.0.0.2,metric=100", "10.1.0.0/16,via=10.0.0.2,metric=100" },
		{ "10.1.0.0/16,metric=0", "10.1.0.0/16" },
		{ "0.0.0.0/0,via=10.0.0.1", "0.0.0.0/0,via=10.0.0.1" },
		{ "10.9.9.9", "10.9.9.9/32" },
		{ "fd01::/48,via=fe80::1", "fd01::/48,via=fe80::1" },
		{ "fd01::/48,metric=1024", "fd01::/48" },
		{ "fd01::/48,metric=5,via=fd00::2", "fd01::/48,via=fd00::2,metric=5" },
		{ "::/0,metric=4294967295", "::/0,metric=4294967295" },
	};
	char buf[ROUTE_STRLEN];
	struct route r, back;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_route(good[i][0], &r, &why), 0);
		assert_string_equal(format_route(&r, buf, sizeof(buf)), good[i][1]);
		assert_int_equal(parse_route(buf, &back, &why), 0);
		assert_true(route_equal(&r, &back));
	}
	assert_int_equal(parse_route("fd01::/48", &r, &why), 0);
	assert_int_equal(r.metric, 1024);
	assert_int_equal(parse_route("fd01::/48,via=fd00::2", &back, &why), 0);
	assert_false(route_equal(&r, &back));
}

static void route_invalid(void **state)
{
	static const char *const bad[] = {
		"", "10.1.0.0/33", "10.1.0.1/16", "10.1.0.0/16,via=fd00::1", "fd00::/64,via=10.0.0.1",
		"fd00::1/64", "10.1.0.0/16,metric=-1", "10.1.0.0/16,metric=4294967296", "10.1.0.0/16,metric=",
		"10.1.0.0/16,via=10.0.0.1,via=10.0.0.2", "10.1.0.0/16,metric=1,metric=2", "10.1.0.0/16,",
		"10.1.0.0/16,proto=boot", "10.1.0.0/16,via=", "default", "10.1.0.0/16 via 10.0.0.1",
	};
	struct route r;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_rejected(parse_route(bad[i], &r, &why), why);
}

static void mac_valid(void **state)
{
	static const uint8_t want1[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t want2[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	uint8_t out[6];
	const char *why;

	assert_int_equal(parse_mac("02:00:00:00:00:01", out, &why), 0);
	assert_memory_equal(out, want1, 6);
	assert_int_equal(parse_mac("52:54:00:AB:cd:Ef", out, &why), 0);
	assert_memory_equal(out, want2, 6);
	/* a globally administered unicast address is fine too */
	assert_int_equal(parse_mac("00:16:3e:00:00:01", out, &why), 0);
}

static void mac_invalid(void **state)
{
	static const char *bad[] = {
		/* malformed */
		"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:",
		"02-00-00-00-00-01", "0200.0000.0001", "020000000001",
		"02:00:00:00:00:0g", "02:00:00:00:00:001", "02:00:00:00:00:01:",
		":02:00:00:00:00:01", "02::00:00:00:00:01", " 02:00:00:00:00:01",
		"02:00:00:00:00:01 ", "zz:zz:zz:zz:zz:zz",
		/* multicast (bit 0 of the first byte) and broadcast */
		"01:00:5e:00:00:01", "33:33:00:00:00:01", "03:00:00:00:00:01",
		"ff:ff:ff:ff:ff:ff",
		/* all-zero */
		"00:00:00:00:00:00",
	};
	uint8_t out[6];
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting mac '%s'\n", bad[i]);
		assert_rejected(parse_mac(bad[i], out, &why), why);
	}
}

/* ---- parse_mtu ---- */

static void mtu_valid(void **state)
{
	static const struct { const char *s; uint32_t v; } good[] = {
		/* 1..67: the header allows them, parse.c refuses; unasserted */
		{ "68", 68 }, { "1280", 1280 }, { "1500", 1500 },
		{ "9000", 9000 }, { "65535", 65535 },
	};
	const char *why;
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		v = 0;
		assert_int_equal(parse_mtu(good[i].s, &v, &why), 0);
		assert_int_equal(v, good[i].v);
	}
}

static void mtu_invalid(void **state)
{
	static const char *bad[] = {
		"0", "65536", "100000", "4294967296", "99999999999999999999",
		"-1", "-1500", "", " ", "abc", "1500x", "15 00", " 1500", "1500 ",
		"1.5", "1e3",
	};
	const char *why;
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting mtu '%s'\n", bad[i]);
		assert_rejected(parse_mtu(bad[i], &v, &why), why);
	}
}

/* ---- parse_bool, parse_mode ---- */

static void bool_values(void **state)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	static const char *bad[] = { "", "maybe", "2", "-1", "y e s", "yes ", "onn", "10" };
	const char *why;
	bool v;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		v = false;
		assert_int_equal(parse_bool(yes[i], &v, &why), 0);
		assert_true(v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		v = true;
		assert_int_equal(parse_bool(no[i], &v, &why), 0);
		assert_false(v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting boolean '%s'\n", bad[i]);
		assert_rejected(parse_bool(bad[i], &v, &why), why);
	}
}

static void mode_values(void **state)
{
	static const char *bad[] = { "", "tu", "tunn", "tap0", "tun ", "ether", "tun|tap" };
	enum tun_mode m;
	const char *why;

	assert_int_equal(parse_mode("tun", &m, &why), 0);
	assert_int_equal(m, MODE_TUN);
	assert_int_equal(parse_mode("tap", &m, &why), 0);
	assert_int_equal(m, MODE_TAP);
	/* keyword values are case-insensitive, as booleans are */
	assert_int_equal(parse_mode("TAP", &m, &why), 0);
	assert_int_equal(m, MODE_TAP);
	assert_int_equal(parse_mode("Tun", &m, &why), 0);
	assert_int_equal(m, MODE_TUN);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("# rejecting mode '%s'\n", bad[i]);
		assert_rejected(parse_mode(bad[i], &m, &why), why);
	}
}

/* The MTU bounds by mode: tap 68..65521 (65535 less the Ethernet header), tun 68..65535. */
static void mtu_by_mode(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(mtu_for_mode(65521, MODE_TAP, &why), 0);
	assert_rejected(mtu_for_mode(65522, MODE_TAP, &why), why);
	assert_non_null(strstr(why, "65521"));
	assert_rejected(mtu_for_mode(65535, MODE_TAP, &why), why);
	assert_int_equal(mtu_for_mode(65535, MODE_TUN, &why), 0);
	assert_int_equal(mtu_for_mode(68, MODE_TUN, &why), 0);
	assert_int_equal(mtu_for_mode(68, MODE_TAP, &why), 0);
	assert_rejected(mtu_for_mode(67, MODE_TAP, &why), why);
}

static void mode_from_name(void **state)
{
	assert_int_equal(mode_for_name("tun0"), MODE_TUN);
	assert_int_equal(mode_for_name("tun"), MODE_TUN);
	assert_int_equal(mode_for_name("tunnel-vpn"), MODE_TUN);
	assert_int_equal(mode_for_name("tap0"), MODE_TAP);
	assert_int_equal(mode_for_name("tu"), MODE_TAP);
	assert_int_equal(mode_for_name("vm0"), MODE_TAP);
	assert_int_equal(mode_for_name("xtun0"), MODE_TAP);
	assert_string_equal(mode_name(MODE_TUN), "tun");
	assert_string_equal(mode_name(MODE_TAP), "tap");
}

/* ---- formatters and comparison ---- */

static void format_roundtrip(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "10.0.0.1/24", "10.0.0.1/24" },
		{ "10.0.0.1", "10.0.0.1/32" },
		{ "fd00::1/64", "fd00::1/64" },
		{ "FD00:0:0::0001/128", "fd00::1/128" },
	};
	char buf[INET6_ADDRSTRLEN + 5];
	struct ipaddr a;
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse_cidr(cases[i].in, &a, &why), 0);
		assert_string_equal(format_ipaddr(&a, buf, sizeof(buf)), cases[i].out);
	}
}

static void format_mac_text(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0xab, 0x0c, 0x00, 0xff, 0x10 };
	char buf[18];

	assert_string_equal(format_mac(mac, buf, sizeof(buf)), "02:ab:0c:00:ff:10");
}

static void ipaddr_comparison(void **state)
{
	struct ipaddr a, b;
	const char *why;

	assert_int_equal(parse_cidr("10.0.0.1/24", &a, &why), 0);
	assert_int_equal(parse_cidr("10.0.0.1/24", &b, &why), 0);
	assert_true(ipaddr_equal(&a, &b));
	assert_int_equal(parse_cidr("10.0.0.1/25", &b, &why), 0);
	assert_false(ipaddr_equal(&a, &b));
	assert_int_equal(parse_cidr("10.0.0.2/24", &b, &why), 0);
	assert_false(ipaddr_equal(&a, &b));
	assert_int_equal(parse_cidr("::ffff:10.0.0.1/24", &b, &why), 0);
	assert_false(ipaddr_equal(&a, &b));
	assert_int_equal(parse_cidr("fd00::1/64", &a, &why), 0);
	assert_int_equal(parse_cidr("fd00:0::1/64", &b, &why), 0);
	assert_true(ipaddr_equal(&a, &b));
	/* the peer is part of the address: added, removed or changed, it differs */
	assert_int_equal(parse_cidr("10.8.0.1/32", &a, &why), 0);
	b = a;
	b.has_peer = true;
	b.peer[0] = 10, b.peer[3] = 2;
	assert_false(ipaddr_equal(&a, &b));
	assert_false(ipaddr_equal(&b, &a));
	a = b;
	assert_true(ipaddr_equal(&a, &b));
	a.peer[3] = 3;
	assert_false(ipaddr_equal(&a, &b));
	/* what the kernel reports of an address is no part of it */
	a = b;
	a.read_flags = 0x80;
	assert_true(ipaddr_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ifname_valid),
		cmocka_unit_test(ifname_invalid),
		cmocka_unit_test(id_valid),
		cmocka_unit_test(id_invalid),
		cmocka_unit_test(cidr_valid),
		cmocka_unit_test(cidr_invalid),
		cmocka_unit_test(addr_valid),
		cmocka_unit_test(addr_invalid),
		cmocka_unit_test(address_options),
		cmocka_unit_test(address_unkept),
		cmocka_unit_test(route_roundtrip),
		cmocka_unit_test(route_invalid),
		cmocka_unit_test(mac_valid),
		cmocka_unit_test(mac_invalid),
		cmocka_unit_test(mtu_valid),
		cmocka_unit_test(mtu_invalid),
		cmocka_unit_test(bool_values),
		cmocka_unit_test(mode_values),
		cmocka_unit_test(mtu_by_mode),
		cmocka_unit_test(mode_from_name),
		cmocka_unit_test(format_roundtrip),
		cmocka_unit_test(format_mac_text),
		cmocka_unit_test(ipaddr_comparison),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
