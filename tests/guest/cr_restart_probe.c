// SPDX-License-Identifier: GPL-2.0
/*
 * Calls CRCTL_IOC_RESTART itself on an image the module must refuse, then
 * proves that the refusal left it as it was: its memory, pid, descriptors
 * and their offsets, signal state, cwd and mappings.
 *
 *   cr-restart-probe [--pause] [--status FILE] IMAGE
 *
 * --status FILE: the module's status fd (where a failure past the point of
 * no return is told before the caller is killed), as crctl restart has.
 * --pause: first wait for one byte (or EOF) on stdin: a probe to checkpoint
 * there, and restart with a caller that runs this same executable.
 *
 * Prints "refused: errno N (NAME): <the module's reason>" and then
 * "INTACT" (exit 0), or "NOT INTACT: <what changed>" (exit 1). Exit 3 when
 * the ioctl does not refuse the way it must (ENOTTY: no restart in this
 * module; success: impossible for a refused image), 2 on usage or setup
 * errors.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/crmod.h>

#define DEVICE "/dev/" CRMOD_DEVICE_NAME
#define HEAP_BYTES (1u << 20)
#define MARK_FD 42

static unsigned char static_area[256 * 1024];
static int changes;

static void changed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void changed(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("changed: ");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	changes++;
}

static unsigned char pat(size_t i, unsigned int seed)
{
	return (unsigned char)((i * 2654435761u) >> 13 ^ seed);
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pat(i, seed);
}

static void expect_fill(const char *what, const unsigned char *p, size_t n,
			unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pat(i, seed)) {
			changed("%s: byte %zu is 0x%02x, was 0x%02x", what, i, p[i],
				pat(i, seed));
			return;
		}
}

/* "fd target offset flags" per open descriptor; the listing's own left out */
static void fd_table(char *buf, size_t size, int skip_offset_of)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fds[256], n = 0;
	size_t len = 0;

	buf[0] = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && n < 256)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			fds[n++] = atoi(e->d_name);
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && fds[k - 1] > fds[k]; k--) {
			int t = fds[k];

			fds[k] = fds[k - 1];
			fds[k - 1] = t;
		}
	for (int i = 0; i < n && len < size; i++) {
		char link[64], target[PATH_MAX] = "";
		long long off = fds[i] == skip_offset_of ? -2 : (long long)lseek(fds[i], 0, SEEK_CUR);
		ssize_t t;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[i]);
		t = readlink(link, target, sizeof(target) - 1);
		target[t < 0 ? 0 : t] = 0;
		len += (size_t)snprintf(buf + len, size - len, "%d %s %lld %#x %#x\n", fds[i],
					target, off, fcntl(fds[i], F_GETFL),
					fcntl(fds[i], F_GETFD));
	}
}

static void read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fd);
}

static void first_diff(const char *what, const char *a, const char *b)
{
	size_t i = 0;

	if (!strcmp(a, b))
		return;
	while (a[i] && a[i] == b[i])
		i++;
	while (i > 0 && a[i - 1] != '\n')
		i--;
	changed("%s: was \"%.*s\", now \"%.*s\"", what, (int)strcspn(a + i, "\n"), a + i,
		(int)strcspn(b + i, "\n"), b + i);
}

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

int main(int argc, char **argv)
{
	static char fds0[16384], fds1[16384], maps0[65536], maps1[65536];
	char error[CRMOD_ERROR_LEN + 1], cwd0[PATH_MAX], cwd1[PATH_MAX];
	unsigned char stack_area[16 * 1024];
	unsigned char *heap = malloc(HEAP_BYTES);
	struct crmod_restart_args args;
	struct sigaction sa, sa1;
	sigset_t mask0, mask1;
	pid_t pid0 = getpid(), ppid0 = getppid();
	int dev, img, mark, r, err, status = -1;
	size_t elen;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "--pause")) {
		char byte;

		if (read(0, &byte, 1) < 0)
			return 2;
		printf("pause over: pid %d\n", getpid());
		pid0 = getpid();
		ppid0 = getppid();
		argv++;
		argc--;
	}
	if (argc == 4 && !strcmp(argv[1], "--status")) {
		status = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (status < 0) {
			perror(argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: cr-restart-probe [--pause] [--status FILE] IMAGE\n");
		return 2;
	}
	if (!heap)
		return 2;
	fill(static_area, sizeof(static_area), 0x11);
	fill(stack_area, sizeof(stack_area), 0x22);
	fill(heap, HEAP_BYTES, 0x33);
	/* a descriptor of our own, with an offset, at a number of our own */
	mark = open("/proc/self/exe", O_RDONLY);
	if (mark < 0 || dup2(mark, MARK_FD) != MARK_FD || lseek(MARK_FD, 777, SEEK_SET) != 777) {
		perror("cr-restart-probe: setup");
		return 2;
	}
	close(mark);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&mask0);
	sigaddset(&mask0, SIGUSR2);
	sigprocmask(SIG_SETMASK, &mask0, NULL);
	if (!getcwd(cwd0, sizeof(cwd0)))
		cwd0[0] = 0;

	dev = open(DEVICE, O_RDWR | O_CLOEXEC);
	img = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (dev < 0 || img < 0) {
		printf("cannot open %s: %s\n", dev < 0 ? DEVICE : argv[1], strerror(errno));
		return 2;
	}
	fd_table(fds0, sizeof(fds0), img);
	read_all("/proc/self/maps", maps0, sizeof(maps0));
	memset(error, 0x7f, sizeof(error));
	error[CRMOD_ERROR_LEN] = 0;
	memset(&args, 0, sizeof(args));
	args.fd = img;
	args.status_fd = status;
	args.error = (uint64_t)(uintptr_t)error;

	r = ioctl(dev, CRCTL_IOC_RESTART, &args);
	err = errno;
	/* before any output moves stdout's offset */
	fd_table(fds1, sizeof(fds1), img);
	read_all("/proc/self/maps", maps1, sizeof(maps1));

	if (r == 0) {
		printf("CRCTL_IOC_RESTART returned 0 to the caller: it must refuse this image or not return\n");
		return 3;
	}
	if (err == ENOTTY) {
		printf("CRCTL_IOC_RESTART: ENOTTY: this module has no restart\n");
		return 3;
	}
	elen = strnlen(error, CRMOD_ERROR_LEN);
	printf("refused: errno %d (%s): %.*s\n", err, strerrorname_np(err) ?
	       strerrorname_np(err) : "?", (int)elen, error);
	if (elen == 0 || elen == CRMOD_ERROR_LEN)
		changed("the module's reason is %s", elen ? "not NUL-terminated" : "empty");
	if (memchr(error, '\n', elen))
		changed("the module's reason is more than one line");

	expect_fill("static memory", static_area, sizeof(static_area), 0x11);
	expect_fill("stack memory", stack_area, sizeof(stack_area), 0x22);
	expect_fill("heap memory", heap, HEAP_BYTES, 0x33);
	if (getpid() != pid0 || getppid() != ppid0)
		changed("pid %d ppid %d, were %d %d", getpid(), getppid(), pid0, ppid0);
	first_diff("descriptors", fds0, fds1);
	first_diff("/proc/self/maps", maps0, maps1);
	memset(&sa1, 0, sizeof(sa1));
	sigaction(SIGUSR1, NULL, &sa1);
	if (sa1.sa_handler != on_usr1)
		changed("SIGUSR1 handler");
	sigemptyset(&mask1);
	sigprocmask(SIG_BLOCK, NULL, &mask1);
	if (sigismember(&mask1, SIGUSR2) != 1 || sigismember(&mask1, SIGUSR1) != 0)
		changed("blocked signals");
	raise(SIGUSR1);
	if (usr1 != 1)
		changed("SIGUSR1 handler ran %d times", (int)usr1);
	if (!getcwd(cwd1, sizeof(cwd1)) || strcmp(cwd0, cwd1))
		changed("cwd %s, was %s", cwd1, cwd0);
	{
		off_t pos = lseek(img, 0, SEEK_CUR);

		/* informative: the module may read the image at its own offset */
		printf("image fd offset after the refusal: %lld\n", (long long)pos);
	}
	if (changes) {
		printf("NOT INTACT: %d changes\n", changes);
		return 1;
	}
	printf("INTACT\n");
	return 0;
}
