// SPDX-License-Identifier: GPL-2.0
/* What cr-target and cr-state share: see cr_common.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <asm/prctl.h>
#include <cpuid.h>
#endif

#include "cr_common.h"

const char *mode;
char ready_path[PATH_MAX];
pid_t pid0, ppid0;
int selftest;		/* 1: verify at once; 2: corrupt, then verify */
unsigned int timeout_s = 60;
struct timespec start_mono;
char work_dir[PATH_MAX / 2] = "/tmp";

char fails[4000];
size_t fails_len;
int failures;

/* All output through write(2): no stdio buffer, no malloc (memory mode checks sbrk). */
void out(const char *fmt, ...)
{
	static char line[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	for (int done = 0; done < n;) {
		ssize_t w = write(1, line + done, (size_t)(n - done));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		done += (int)w;
	}
}

/* One difference; all of them end up on the FAIL line. */
void mismatch(const char *fmt, ...)
{
	va_list ap;
	int n;

	failures++;
	if (fails_len + 8 >= sizeof(fails))
		return;
	if (fails_len) {
		memcpy(fails + fails_len, "; ", 2);
		fails_len += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(fails + fails_len, sizeof(fails) - fails_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		fails_len += (size_t)n;
	if (fails_len >= sizeof(fails))
		fails_len = sizeof(fails) - 1;
	fails[fails_len] = 0;
	/* the verdict is one line */
	for (char *p = fails; *p; p++)
		if (*p == '\n')
			*p = ' ';
}


int finish(void)
{
	if (failures) {
		out("FAIL %s: %s\n", mode, fails);
		return 1;
	}
	out("PASS %s\n", mode);
	return 0;
}

void die(const char *what)
{
	out("FAIL %s: setup: %s: %s\n", mode, what, strerror(errno));
	exit(1);
}

pid_t raw_getpid(void)
{
	return (pid_t)syscall(SYS_getpid);
}

pid_t raw_getppid(void)
{
	return (pid_t)syscall(SYS_getppid);
}

double mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double start_seconds(void)
{
	return (double)start_mono.tv_sec + (double)start_mono.tv_nsec / 1e9;
}

int restarted(void)
{
	return raw_getpid() != pid0 || raw_getppid() != ppid0;
}

void timeout_fail(void)
{
	out("FAIL %s: timeout: not restarted within %u s (pid %d)\n", mode,
	    timeout_s, (int)pid0);
	exit(2);
}

int timed_out(void)
{
	/* after a restart in another boot, the monotonic clock means nothing */
	return timeout_s && !restarted() &&
	       mono_now() - start_seconds() > (double)timeout_s;
}

void say_restarted(void)
{
	if (selftest)
		out("selftest: verifying in the same process (pid %d)\n", (int)pid0);
	else
		out("restarted: pid %d -> %d (ppid %d -> %d)\n", (int)pid0,
		    (int)raw_getpid(), (int)ppid0, (int)raw_getppid());
}

void announce_ready(void)
{
	char tmp[PATH_MAX + 8], buf[32];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", ready_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(tmp);
	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid0);
	if (write(fd, buf, (size_t)n) != n || close(fd))
		die(tmp);
	if (rename(tmp, ready_path))
		die(ready_path);
}

void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* Sleep in short steps until restarted (or, in selftest, not at all). */
void wait_restart(long step_ms)
{
	while (!selftest && !restarted()) {
		if (timed_out())
			timeout_fail();
		sleep_ms(step_ms);
	}
	say_restarted();
}

uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void fill(void *p, size_t bytes, uint64_t seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < bytes; i += 8) {
		uint64_t v = mix64(seed ^ (i / 8));

		memcpy(b + i, &v, bytes - i < 8 ? bytes - i : 8);
	}
}

/*
 * Offset of the first byte that differs from fill()'s pattern, or -1; base:
 * where p is in the filled range (a multiple of 8).
 */
long check_at(const void *p, size_t bytes, uint64_t seed, size_t base)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < bytes; i += 8) {
		uint64_t v = mix64(seed ^ ((base + i) / 8));
		size_t n = bytes - i < 8 ? bytes - i : 8;

		if (memcmp(b + i, &v, n)) {
			for (size_t k = 0; k < n; k++)
				if (b[i + k] != ((unsigned char *)&v)[k])
					return (long)(i + k);
		}
	}
	return -1;
}

long check(const void *p, size_t bytes, uint64_t seed)
{
	return check_at(p, bytes, seed, 0);
}

uint8_t pattern_byte(size_t i, uint64_t seed)
{
	uint64_t v = mix64(seed ^ (i / 8));

	return ((unsigned char *)&v)[i % 8];
}

void expect_pattern(const char *what, const void *p, size_t bytes,
			   uint64_t seed)
{
	long at = check(p, bytes, seed);

	EXPECT(at < 0, "%s: byte %ld is 0x%02x, expected 0x%02x", what, at,
	       at < 0 ? 0 : ((const unsigned char *)p)[at],
	       at < 0 ? 0 : pattern_byte((size_t)at, seed));
}

long first_nonzero(const void *p, size_t bytes)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < bytes; i++)
		if (b[i])
			return (long)i;
	return -1;
}

/* Whole file into buf (NUL-terminated); its length, or -1. */
long read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	return (long)len;
}

void write_file_atomic(const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	size_t len = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return;
	}
	close(fd);
	rename(tmp, path);
}

void xreadlink(const char *path, char *buf, size_t size)
{
	ssize_t n = readlink(path, buf, size - 1);

	buf[n < 0 ? 0 : n] = 0;
}

int cr_main(int argc, char **argv, const struct cr_mode *modes, size_t n,
	    const char *usage)
{
	const char *env;

	clock_gettime(CLOCK_MONOTONIC, &start_mono);
	pid0 = raw_getpid();
	ppid0 = raw_getppid();
	env = getenv("CR_TARGET_TIMEOUT");
	if (env)
		timeout_s = (unsigned int)strtoul(env, NULL, 10);
	env = getenv("CR_TARGET_SELFTEST");
	if (env && *env)
		selftest = strcmp(env, "corrupt") == 0 ? 2 : 1;
	env = getenv("CR_TARGET_DIR");
	if (env && *env)
		snprintf(work_dir, sizeof(work_dir), "%s", env);
	for (size_t i = 0; argc >= 3 && i < n; i++) {
		if (strcmp(argv[1], modes[i].name))
			continue;
		mode = modes[i].name;
		/* absolute: files mode changes its cwd */
		if (argv[2][0] == '/' || !getcwd(ready_path, sizeof(ready_path) / 2))
			snprintf(ready_path, sizeof(ready_path), "%s", argv[2]);
		else
			snprintf(ready_path + strlen(ready_path),
				 sizeof(ready_path) - strlen(ready_path), "/%.*s",
				 (int)(sizeof(ready_path) / 2 - 2), argv[2]);
		return modes[i].run(argc - 3, argv + 3);
	}
	out("%s\n", usage);
	return 2;
}
