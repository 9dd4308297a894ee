/* SPDX-License-Identifier: MIT */
/*
 * attach NAME [--tun|--tap] [--multi-queue] [--pi] [--vnet-hdr] [--queues N]
 *        [--carrier-off] [--hold]
 *
 * What an unprivileged program does to use a tunown device: open the tun
 * clone device ($TUNOWN_TUN_PATH, else /dev/net/tun) and TUNSETIFF by name.
 * Prints "ok" and exits 0, or prints the errno's name (EPERM, EBUSY, ...) and
 * exits 1. Without --tun or --tap the mode follows the name, as in tunown:
 * tun for "tun*", else tap. IFF_NO_PI is passed unless --pi.
 * --hold keeps the queue attached after "ok" until stdin reaches end of file
 * or the process is killed, for tests of busy devices. --queues N attaches N
 * fds (a multi-queue device's N queues); --carrier-off then turns the
 * carrier off (TUNSETCARRIER 0), as any holder may.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int fail(int err)
{
	const char *name = strerrorname_np(err);

	if (name)
		puts(name);
	else
		printf("E%d\n", err);
	return 1;
}

static int usage(void)
{
	fputs("usage: attach NAME [--tun|--tap] [--multi-queue] [--pi] "
	      "[--vnet-hdr] [--queues N] [--carrier-off] [--hold]\n", stderr);
	return 2;
}

static void wait_for_eof(void)
{
	char buf[64];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

int main(int argc, char **argv)
{
	const char *path = getenv("TUNOWN_TUN_PATH");
	struct ifreq ifr = { 0 };
	short type = 0, flags = IFF_NO_PI;
	int hold = 0, carrier_off = 0, queues = 1, fd[16];

	if (argc < 2 || argv[1][0] == '-')
		return usage();
	if (strlen(argv[1]) >= IFNAMSIZ) {
		fputs("attach: name over 15 bytes\n", stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--tun"))
			type = IFF_TUN;
		else if (!strcmp(a, "--tap"))
			type = IFF_TAP;
		else if (!strcmp(a, "--multi-queue"))
			flags |= IFF_MULTI_QUEUE;
		else if (!strcmp(a, "--pi"))
			flags &= ~IFF_NO_PI;
		else if (!strcmp(a, "--vnet-hdr"))
			flags |= IFF_VNET_HDR;
		else if (!strcmp(a, "--hold"))
			hold = 1;
		else if (!strcmp(a, "--carrier-off"))
			carrier_off = 1;
		else if (!strcmp(a, "--queues") && i + 1 < argc)
			queues = atoi(argv[++i]);
		else
			return usage();
	}
	if (!type)
		type = strncmp(argv[1], "tun", 3) ? IFF_TAP : IFF_TUN;
	if (queues < 1 || queues > (int)(sizeof(fd) / sizeof(fd[0])))
		return usage();

	for (int q = 0; q < queues; q++) {
		fd[q] = open(path && *path ? path : "/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd[q] < 0)
			return fail(errno);
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
		ifr.ifr_flags = type | flags;
		if (ioctl(fd[q], TUNSETIFF, &ifr) < 0)
			return fail(errno);
	}
	if (carrier_off) {
		int off = 0;
		if (ioctl(fd[0], TUNSETCARRIER, &off) < 0)
			return fail(errno);
	}

	puts("ok");
	fflush(stdout);
	if (hold)
		wait_for_eof();
	for (int q = 0; q < queues; q++)
		close(fd[q]);
	return 0;
}
