// SPDX-License-Identifier: GPL-2.0
/*
 * crmod-bench: runs in a test guest. For each size, starts a process that
 * touches that many MiB of anonymous memory, then times `crctl checkpoint`
 * to tmpfs, `crctl restart --detach`, and `dd` writing the same bytes to
 * tmpfs, each RUNS times; checks every restored process's memory; prints a
 * table and one JSON line per size (medians and spread in seconds).
 *
 * Usage: crmod-bench RUNS MiB...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IMAGE "/tmp/bench.cr"
#define DD_OUT "/tmp/bench.dd"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "crmod-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The benchmarked process: touch, say ready, wait for a byte, verify. */
static void target(size_t mib)
{
	size_t len = mib << 20, i;
	uint64_t *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	if (mem == MAP_FAILED)
		die("mmap");
	for (i = 0; i < len / 8; i++)
		mem[i] = i * 0x9e3779b97f4a7c15ULL;
	if (write(1, "R", 1) != 1)
		_exit(1);
	while (read(0, &c, 1) != 1)
		;
	for (i = 0; i < len / 8; i++)
		if (mem[i] != i * 0x9e3779b97f4a7c15ULL)
			break;
	c = i == len / 8 ? 'P' : 'F';
	_exit(write(1, &c, 1) == 1 ? 0 : 1);
}

/* Run argv with stdin/stdout as given; return its wall time in seconds. */
static double timed_run(char *const argv[], int in, int out)
{
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (in >= 0)
			dup2(in, 0);
		if (out >= 0)
			dup2(out, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "crmod-bench: %s failed (status %#x)\n", argv[0],
			status);
		exit(1);
	}
	return now() - t0;
}

static char expect_byte(int fd, char want, const char *what)
{
	char c = 0;

	if (read(fd, &c, 1) != 1 || c != want) {
		fprintf(stderr, "crmod-bench: %s: got '%c', expected '%c'\n",
			what, c, want);
		exit(1);
	}
	return c;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat_s {
	double median, min, max;
};

static struct stat_s summarize(double *v, int n)
{
	struct stat_s s;

	qsort(v, n, sizeof(*v), cmp_double);
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

static void one_run(size_t mib, double *ck, double *rs, double *dd)
{
	int to_target[2], from_target[2];
	char pidbuf[32], count[32];
	pid_t pid;

	if (pipe(to_target) || pipe(from_target))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(to_target[0], 0);
		dup2(from_target[1], 1);
		close(to_target[1]);
		close(from_target[0]);
		/* Only stdio: crmod refuses fds it cannot restore. */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		target(mib);
	}
	expect_byte(from_target[0], 'R', "target ready");
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	{
		char *argv[] = { "crctl", "checkpoint", pidbuf, "-o", IMAGE,
				 "--kill", NULL };

		*ck = timed_run(argv, -1, -1);
	}
	waitpid(pid, NULL, 0);
	{
		char *argv[] = { "crctl", "restart", "--detach", IMAGE, NULL };
		char c;

		/* The restored process takes crctl's stdin and stdout. */
		*rs = timed_run(argv, to_target[0], from_target[1]);
		do {	/* crctl --detach printed the new pid first */
			if (read(from_target[0], &c, 1) != 1)
				die("read");
		} while (c != '\n');
	}
	if (write(to_target[1], "x", 1) != 1)
		die("write");
	expect_byte(from_target[0], 'P', "restored memory check");
	close(to_target[0]);
	close(to_target[1]);
	close(from_target[0]);
	close(from_target[1]);
	unlink(IMAGE);

	snprintf(count, sizeof(count), "count=%zu", mib);
	{
		char *argv[] = { "dd", "if=/dev/zero", "of=" DD_OUT, "bs=1M",
				 count, "conv=fsync", NULL };

		*dd = timed_run(argv, -1, open("/dev/null", O_WRONLY));
	}
	unlink(DD_OUT);
}

int main(int argc, char **argv)
{
	int runs, i, a;

	if (argc < 3 || (runs = atoi(argv[1])) < 1 || runs > 100) {
		fprintf(stderr, "usage: crmod-bench RUNS MiB...\n");
		return 1;
	}
	signal(SIGCHLD, SIG_DFL);
	printf("%8s %16s %16s %16s %8s\n", "MiB", "checkpoint s", "restart s",
	       "dd to tmpfs s", "ck/dd");
	for (a = 2; a < argc; a++) {
		size_t mib = strtoul(argv[a], NULL, 10);
		double ck[100], rs[100], dd[100];
		struct stat_s c, r, d;

		for (i = 0; i < runs; i++)
			one_run(mib, &ck[i], &rs[i], &dd[i]);
		c = summarize(ck, runs);
		r = summarize(rs, runs);
		d = summarize(dd, runs);
		printf("%8zu %16.4f %16.4f %16.4f %8.2f\n", mib, c.median,
		       r.median, d.median, c.median / d.median);
		printf("JSON {\"mib\": %zu, \"runs\": %d, "
		       "\"crmod_checkpoint_s\": %.6f, \"crmod_restart_s\": %.6f, \"dd_s\": %.6f, "
		       "\"spread\": {\"crmod_checkpoint_s\": [%.6f, %.6f], "
		       "\"crmod_restart_s\": [%.6f, %.6f], \"dd_s\": [%.6f, %.6f]}}\n",
		       mib, runs, c.median, r.median, d.median, c.min, c.max,
		       r.min, r.max, d.min, d.max);
		fflush(stdout);
	}
	return 0;
}
