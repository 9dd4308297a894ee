/* SPDX-License-Identifier: MIT */
/* The reader of /proc's and sysfs's small files (src/files.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "files.h"

static void whole_file(void **state)
{
	char buf[64];
	int n;

	(void)state;
	/* the kernel's own small file: what read(2) gives, NUL-terminated */
	n = file_read_at(AT_FDCWD, "/proc/self/comm", buf, sizeof(buf));
	assert_true(n > 1);
	assert_int_equal(buf[n - 1], '\n');
	assert_int_equal(buf[n], '\0');
	assert_int_equal(strlen(buf), n);
}

static void relative_and_cut(void **state)
{
	char dir[] = "/tmp/test-files-XXXXXX", buf[5];
	int d, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(d >= 0);
	fd = openat(d, "attr", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0x1002\n", 7), 7);
	close(fd);
	/* at most len - 1 bytes: the rest is never read, the buffer never overrun */
	assert_int_equal(file_read_at(d, "attr", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "0x10");
	/* an empty file is 0 bytes, an empty string */
	fd = openat(d, "empty", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	buf[0] = 'x';
	assert_int_equal(file_read_at(d, "empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* errors are -errno */
	assert_int_equal(file_read_at(d, "missing", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(file_read_at(d, ".", buf, sizeof(buf)), -EISDIR);
	assert_int_equal(file_read_at(d, "attr", buf, 0), -EINVAL);
	assert_int_equal(unlinkat(d, "attr", 0), 0);
	assert_int_equal(unlinkat(d, "empty", 0), 0);
	close(d);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_file),
		cmocka_unit_test(relative_and_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
