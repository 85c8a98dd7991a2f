// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the crmod test guests.
 *
 * Mounts the basics, loads the boot modules, unpacks the shared disk, runs
 * the tests named on the kernel command line one by one and reports each on
 * a channel of its own (a second serial port), then packs the shared disk
 * and powers off. The host never has to grep the console for results.
 *
 * Kernel command line:
 *   crmod.tests=a,b,c       tests to run, from /tests/<name>
 *   crmod.results=/dev/X    the result channel (default /dev/ttyS1)
 *   crmod.timeout=N         seconds per test (default 300)
 *   crmod.hang=1            never power off (proves the host watchdog)
 *
 * Result channel protocol, one record per line:
 *   BOOTED <release>  |  BEGIN <test>  |  LOG <test> <line>
 *   RESULT <test> PASS|FAIL|SKIP [reason]  |  DONE
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TAINT_WARN_BIT 9
#define EXIT_SKIP 77

static FILE *results;
static char tests_arg[4096];
static char results_path[256] = "/dev/ttyS1";
static unsigned int test_timeout = 300;
static int hang;

static void console(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("crmod-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void record(const char *fmt, ...)
{
	va_list ap;

	if (!results)
		return;
	va_start(ap, fmt);
	vfprintf(results, fmt, ap);
	fputc('\n', results);
	fflush(results);
	va_end(ap);
}

static void parse_cmdline(void)
{
	char buf[8192], *tok, *save;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		console("cannot read /proc/cmdline");
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "crmod.tests=", 12))
			snprintf(tests_arg, sizeof(tests_arg), "%s", tok + 12);
		else if (!strncmp(tok, "crmod.results=", 14))
			snprintf(results_path, sizeof(results_path), "%s", tok + 14);
		else if (!strncmp(tok, "crmod.timeout=", 14))
			test_timeout = (unsigned int)strtoul(tok + 14, NULL, 10);
		else if (!strcmp(tok, "crmod.hang=1"))
			hang = 1;
	}
}

static void open_results(void)
{
	struct termios t;
	int fd = open(results_path, O_WRONLY | O_NOCTTY);

	if (fd < 0) {
		console("cannot open result channel %s: %s", results_path,
			strerror(errno));
		return;
	}
	/* raw: no \r inserted, nothing echoed back */
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	results = fdopen(fd, "w");
}

static int run(const char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Boot modules (the virtio disk) are in /lib/modules/boot, in load order. */
static void load_boot_modules(void)
{
	struct dirent **names;
	char path[512];
	int n, i;

	n = scandir("/lib/modules/boot", &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		int fd;

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "/lib/modules/boot/%s",
				 names[i]->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
				console("cannot load %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static int wait_for(const char *path, int seconds)
{
	struct stat st;
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (stat(path, &st) == 0)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* A fresh disk is all zeros: nothing to unpack. */
static int disk_is_blank(const char *path)
{
	char block[512];
	size_t i;
	int fd = open(path, O_RDONLY);
	ssize_t got = fd >= 0 ? read(fd, block, sizeof(block)) : -1;

	if (fd >= 0)
		close(fd);
	for (i = 0; got > 0 && i < (size_t)got; i++)
		if (block[i])
			return 0;
	return 1;
}

/* The shared disk holds a tar archive: unpacked to /shared, packed back. */
static void shared_disk(int pack)
{
	const char *const unpack[] = { "/bin/tar", "-xf", "/dev/vda", "-C",
				       "/shared", NULL };
	const char *const packit[] = { "/bin/tar", "-cf", "/dev/vda", "-C",
				       "/shared", ".", NULL };

	if (access("/dev/vda", F_OK) || (!pack && disk_is_blank("/dev/vda")))
		return;
	if (run(pack ? packit : unpack))
		console("cannot %s the shared disk", pack ? "write" : "read");
	sync();
}

static long tainted(void)
{
	long value = -1;
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	if (f) {
		if (fscanf(f, "%ld", &value) != 1)
			value = -1;
		fclose(f);
	}
	return value;
}

static void relay_log(const char *test, const char *log_path)
{
	char line[1024];
	FILE *f = fopen(log_path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		record("LOG %s %s", test, line);
	}
	fclose(f);
}

static void run_test(const char *name)
{
	char path[512], log_path[512];
	int status = 0, fd;
	time_t deadline = time(NULL) + test_timeout;
	long taint_before = tainted();
	pid_t pid, got;

	snprintf(path, sizeof(path), "/tests/%s", name);
	snprintf(log_path, sizeof(log_path), "/tmp/log-%s", name);
	record("BEGIN %s", name);
	console("test %s", name);
	if (access(path, X_OK)) {
		record("RESULT %s FAIL no such test %s", name, path);
		return;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		close(fd);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	/*
	 * Poll so that a test that hangs is killed and reported, not waited on;
	 * reap orphans meanwhile, as an init does (a killed process tree's
	 * zombies would hold their pids).
	 */
	for (;;) {
		int orphan_status;

		while ((got = waitpid(-1, &orphan_status, WNOHANG)) > 0 && got != pid)
			;
		if (got == pid) {
			status = orphan_status;
			break;
		}
		if (got < 0)
			break;
		if (time(NULL) > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			relay_log(name, log_path);
			record("RESULT %s FAIL timed out after %us", name,
			       test_timeout);
			return;
		}
		usleep(20000);
	}
	/* Reap whatever the test left behind in its session. */
	kill(-pid, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	relay_log(name, log_path);
	if (taint_before >= 0 && !(taint_before & (1L << TAINT_WARN_BIT)) &&
	    (tainted() & (1L << TAINT_WARN_BIT)))
		record("RESULT %s FAIL the kernel warned (taint W)", name);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		record("RESULT %s PASS", name);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIP)
		record("RESULT %s SKIP", name);
	else if (WIFEXITED(status))
		record("RESULT %s FAIL exit status %d", name,
		       WEXITSTATUS(status));
	else
		record("RESULT %s FAIL killed by signal %d", name,
		       WTERMSIG(status));
}

static void write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		console("cannot write %s", path);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	struct utsname u;
	char *name, *save;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	mkdir("/shared", 0755);
	mount("tmpfs", "/shared", "tmpfs", 0, NULL);
	/* Also set on the command line; this makes sure. */
	write_file("/proc/sys/kernel/panic_on_warn", "1");
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setenv("HOME", "/", 1);

	parse_cmdline();
	open_results();
	uname(&u);
	record("BOOTED %s %s", u.release, u.machine);

	load_boot_modules();
	if (wait_for("/dev/vda", 5) == 0)
		shared_disk(0);

	for (name = strtok_r(tests_arg, ",", &save); name;
	     name = strtok_r(NULL, ",", &save))
		run_test(name);

	shared_disk(1);
	record("DONE");
	if (hang) {
		console("crmod.hang=1: not powering off");
		for (;;)
			pause();
	}
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
