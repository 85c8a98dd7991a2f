// SPDX-License-Identifier: GPL-2.0
/*
 * cr-state: processes holding the kinds of state crmod 0.3 learned to keep
 * (open file descriptions, directory and O_PATH fds, FIFOs, deleted files,
 * memfds, shared memory, file locks, timers, process attributes, madvise
 * flags) and the kinds it refuses. Like cr-target (cr_common.h): set up,
 * say ready, be checkpointed and restarted, check, print PASS or FAIL.
 *
 *   cr-state MODE READYFILE [ARGS]
 *     ofds | dirfd | opath | fifo | unlinked | memfd | sharedanon | locks |
 *     attrs | madvise | timers | cgroup | kernelview | mix (a little of each)
 *     sharedmem KIND  (anon | memfd) memory shared with its parent, which
 *                     checkpoint refuses until the parent lets go
 *     refuse KIND     set up KIND, which checkpoint must refuse, and wait
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/aio_abi.h>
#include <linux/filter.h>
#include <linux/ioprio.h>
#include <linux/seccomp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cr_common.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

static char path_buf[PATH_MAX + 64];

/* A path in the work folder, in a static buffer of its own per slot. */
static const char *wpath(int slot, const char *name)
{
	static char paths[8][PATH_MAX];

	snprintf(paths[slot], sizeof(paths[slot]), "%s/crstate-%s-%s", work_dir,
		 mode, name);
	return paths[slot];
}

static int xopen(const char *path, int flags, mode_t m)
{
	int fd = open(path, flags, m);

	if (fd < 0)
		die(path);
	return fd;
}

/* Moves fd to number to (closing what was there), returns to. */
static int at_fd(int fd, int to)
{
	if (fd == to)
		return to;
	if (dup2(fd, to) < 0)
		die("dup2");
	close(fd);
	return to;
}

static void write_all(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die("write");
}

static void pwrite_pattern(int fd, off_t at, size_t len, uint64_t seed)
{
	unsigned char *buf = malloc(len);

	if (!buf)
		die("malloc");
	fill(buf, len, seed);
	if (pwrite(fd, buf, len, at) != (ssize_t)len)
		die("pwrite");
	free(buf);
}

/* The file at fd from at holds fill(seed) for len bytes. */
static void expect_file_pattern(const char *what, int fd, off_t at, size_t len,
				uint64_t seed)
{
	unsigned char *buf = malloc(len);
	ssize_t n;

	if (!buf)
		die("malloc");
	n = pread(fd, buf, len, at);
	EXPECT(n == (ssize_t)len, "%s: read %zd of %zu bytes", what, n, len);
	if (n == (ssize_t)len)
		expect_pattern(what, buf, len, seed);
	free(buf);
}

/* The kernel's O_LARGEFILE, which F_GETFL shows and 64-bit glibc calls 0. */
#if defined(__x86_64__)
#define KERNEL_O_LARGEFILE 0100000
#else
#define KERNEL_O_LARGEFILE 0200000
#endif

static int getfl(int fd)
{
	return fcntl(fd, F_GETFL) & ~KERNEL_O_LARGEFILE;
}

static void expect_flags(const char *what, int fd, int want)
{
	int got = getfl(fd);

	EXPECT(got == want, "%s: flags %#o, expected %#o", what, got, want);
}

static void expect_pos(const char *what, int fd, off_t want)
{
	off_t got = lseek(fd, 0, SEEK_CUR);

	EXPECT(got == want, "%s: position %lld, expected %lld", what,
	       (long long)got, (long long)want);
}

/* ---- ofds: open file descriptions, shared and not -------------------- */

static int mode_ofds(int argc, char **argv)
{
	const char *file = wpath(0, "file"), *node = wpath(1, "null");
	int a, b, c, ap, pr, pw, pw2, dn, dz, nd;
	char proc[64], buf[16];
	struct stat st;

	(void)argc;
	(void)argv;
	unlink(node);
	if (mknod(node, S_IFCHR | 0700, makedev(1, 3)))
		die("mknod");
	a = at_fd(xopen(file, O_RDWR | O_CREAT | O_TRUNC, 0644), 10);
	pwrite_pattern(a, 0, 8192, 1);
	b = at_fd(dup(a), 11);				/* shares a's position */
	c = at_fd(xopen(file, O_RDONLY, 0), 12);	/* a position of its own */
	ap = at_fd(xopen(file, O_WRONLY | O_APPEND, 0), 13);
	lseek(a, 1000, SEEK_SET);
	lseek(c, 3000, SEEK_SET);
	{
		int p[2];

		if (pipe(p))
			die("pipe");
		pr = at_fd(p[0], 14);
		pw = at_fd(p[1], 15);
	}
	fcntl(pw, F_SETFL, O_NONBLOCK);
	/* a second open file description of the write end, blocking */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pw);
	pw2 = at_fd(xopen(proc, O_WRONLY, 0), 16);
	write_all(pw, "abc", 3);
	dn = at_fd(xopen("/dev/null", O_WRONLY, 0), 17);
	dz = at_fd(xopen("/dev/zero", O_RDONLY, 0), 18);
	nd = at_fd(xopen(node, O_RDWR, 0), 19);
	announce_ready();
	wait_restart(50);

	expect_pos("dup'ed fds, first", a, 1000);
	expect_pos("dup'ed fds, second", b, 1000);
	lseek(b, 2500, SEEK_SET);
	expect_pos("a dup'ed fd after its twin moved", a, 2500);
	expect_pos("the file opened again", c, 3000);
	expect_flags("the O_APPEND open", ap, O_WRONLY | O_APPEND);
	write_all(ap, "x", 1);
	EXPECT(fstat(a, &st) == 0 && st.st_size == 8193,
	       "O_APPEND: the file is %lld bytes, expected 8193", (long long)st.st_size);
	expect_file_pattern("the file's content", c, 0, 8192, 1);
	expect_flags("the pipe's write end", pw, O_WRONLY | O_NONBLOCK);
	expect_flags("its second open file description", pw2, O_WRONLY);
	expect_flags("the pipe's read end", pr, O_RDONLY);
	write_all(pw2, "de", 2);
	EXPECT(read(pr, buf, sizeof(buf)) == 5 && !memcmp(buf, "abcde", 5),
	       "the pipe does not carry abc then de");
	expect_flags("/dev/null", dn, O_WRONLY);
	EXPECT(read(dz, buf, 4) == 4 && !memcmp(buf, "\0\0\0\0", 4), "/dev/zero reads no zeros");
	EXPECT(fstat(nd, &st) == 0 && st.st_mode == (S_IFCHR | 0700) &&
	       st.st_rdev == makedev(1, 3),
	       "the device node %s: mode %#o rdev %u:%u, expected 020700 1:3", node,
	       st.st_mode, major(st.st_rdev), minor(st.st_rdev));
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- dirfd: a directory read half-way ------------------------------- */

#define DIR_FILES 40

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Names getdents64 gives, one per line into out, at most max entries. */
static int read_names(int fd, char *out, size_t size, int max)
{
	char buf[512];
	size_t len = strlen(out);
	int n = 0;

	while (n < max) {
		long got = syscall(SYS_getdents64, fd, buf, max == 1 ? 40 : sizeof(buf));

		if (got <= 0)
			break;
		for (long at = 0; at < got;) {
			struct linux_dirent64 *d = (void *)(buf + at);

			len += (size_t)snprintf(out + len, size - len, "%s\n", d->d_name);
			n++;
			at += d->d_reclen;
		}
	}
	return n;
}

static int mode_dirfd(int argc, char **argv)
{
	static char first[4096], rest[4096], all[8192], want[8192];
	const char *dir = wpath(0, "dir");
	int fd, again, sub;

	(void)argc;
	(void)argv;
	mkdir(dir, 0755);
	for (int i = 0; i < DIR_FILES; i++) {
		snprintf(path_buf, sizeof(path_buf), "%s/entry-%02d", dir, i);
		close(xopen(path_buf, O_WRONLY | O_CREAT, 0644));
	}
	fd = at_fd(xopen(dir, O_RDONLY | O_DIRECTORY, 0), 20);
	/* one small getdents at a time: stop with part of it read */
	for (int i = 0; i < 10; i++)
		read_names(fd, first, sizeof(first), 1);
	announce_ready();
	wait_restart(50);

	read_names(fd, rest, sizeof(rest), 1 << 20);
	again = xopen(dir, O_RDONLY | O_DIRECTORY, 0);
	read_names(again, all, sizeof(all), 1 << 20);
	snprintf(want, sizeof(want), "%s%s", first, rest);
	if (selftest == 2)
		rest[0] = 0;
	EXPECT(!strcmp(want, all), "the directory read on from where it was gives [%s], then [%s]; all of it is [%s]",
	       first, rest, all);
	sub = openat(fd, "entry-07", O_RDONLY);
	EXPECT(sub >= 0, "openat() relative to the directory fd: %s", strerror(errno));
	expect_flags("the directory fd", fd, O_RDONLY | O_DIRECTORY);
	return finish();
}

/* ---- opath: O_PATH fds, a symlink's own --------------------------------- */

static int mode_opath(int argc, char **argv)
{
	const char *file = wpath(0, "file"), *link = wpath(1, "link");
	int pf, pl, pd;
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	(void)argc;
	(void)argv;
	close(xopen(file, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	unlink(link);
	if (symlink(file, link))
		die("symlink");
	pf = at_fd(xopen(file, O_PATH, 0), 21);
	pl = at_fd(xopen(link, O_PATH | O_NOFOLLOW, 0), 22);
	pd = at_fd(xopen(work_dir, O_PATH | O_DIRECTORY, 0), 23);
	announce_ready();
	wait_restart(50);

	expect_flags("O_PATH of a file", pf, O_PATH);
	expect_flags("O_PATH|O_NOFOLLOW of a symlink", pl, O_PATH | O_NOFOLLOW);
	EXPECT(fstatat(pf, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode),
	       "the O_PATH fd is no longer on the regular file");
	EXPECT(fstatat(pl, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISLNK(st.st_mode), "the O_PATH fd is no longer on the symlink itself");
	n = readlinkat(pl, "", target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = 0;
	EXPECT(!strcmp(target, file), "the symlink reads \"%s\", expected \"%s\"",
	       target, file);
	snprintf(path_buf, sizeof(path_buf), "crstate-%s-file", mode);
	EXPECT(faccessat(pd, path_buf, R_OK, 0) == 0,
	       "the O_PATH directory does not find %s", path_buf);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- fifo: a named FIFO with bytes in it, three open ends ------------ */

static int mode_fifo(int argc, char **argv)
{
	const char *fifo = wpath(0, "fifo");
	unsigned char data[1000], got[1000];
	int rw, rd, wr;

	(void)argc;
	(void)argv;
	unlink(fifo);
	if (mkfifo(fifo, 0600))
		die("mkfifo");
	rw = at_fd(xopen(fifo, O_RDWR, 0), 24);
	rd = at_fd(xopen(fifo, O_RDONLY | O_NONBLOCK, 0), 25);
	wr = at_fd(xopen(fifo, O_WRONLY, 0), 26);
	fill(data, sizeof(data), 7);
	write_all(wr, data, sizeof(data));
	announce_ready();
	wait_restart(50);

	expect_flags("the FIFO's O_RDWR end", rw, O_RDWR);
	expect_flags("its read end", rd, O_RDONLY | O_NONBLOCK);
	expect_flags("its write end", wr, O_WRONLY);
	EXPECT(read(rd, got, sizeof(got)) == (ssize_t)sizeof(got),
	       "the FIFO does not hold its %zu bytes", sizeof(got));
	expect_pattern("the FIFO's bytes", got, sizeof(got), 7);
	write_all(rw, "z", 1);
	EXPECT(read(rd, got, 2) == 1 && got[0] == 'z', "the FIFO does not carry new bytes");
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- unlinked: deleted files still open and mapped ------------------- */

#define UNL_HOLE_AT	(2u << 20)

static int mode_unlinked(int argc, char **argv)
{
	const char *file = wpath(0, "deleted");
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *shared, *priv;
	char link[PATH_MAX], want_link[PATH_MAX + 16];
	struct stat st;
	int fd, tmp;

	(void)argc;
	(void)argv;
	fd = at_fd(xopen(file, O_RDWR | O_CREAT | O_TRUNC, 0640), 27);
	fchmod(fd, 0640);
	pwrite_pattern(fd, 0, 300 << 10, 11);
	pwrite_pattern(fd, UNL_HOLE_AT, 8192, 12);
	lseek(fd, 12345, SEEK_SET);
	shared = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	priv = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		    (off_t)page);
	if (shared == MAP_FAILED || priv == MAP_FAILED)
		die("mmap");
	priv[0] ^= 0xff;	/* a private copy, unlike the file */
	if (unlink(file))
		die("unlink");
	tmp = open(work_dir, O_TMPFILE | O_RDWR, 0600);
	if (tmp < 0)
		die("O_TMPFILE");
	tmp = at_fd(tmp, 28);
	pwrite_pattern(tmp, 0, 5000, 13);
	announce_ready();
	wait_restart(50);

	EXPECT(fstat(fd, &st) == 0 && st.st_nlink == 0 &&
	       st.st_size == UNL_HOLE_AT + 8192 && (st.st_mode & 07777) == 0640,
	       "the deleted file: nlink %lu size %lld mode %#o, expected 0 %u 0640",
	       (unsigned long)st.st_nlink, (long long)st.st_size, st.st_mode & 07777,
	       UNL_HOLE_AT + 8192);
	expect_pos("the deleted file's fd", fd, 12345);
	expect_file_pattern("the deleted file's content", fd, 0, 300 << 10, 11);
	expect_file_pattern("after its hole", fd, UNL_HOLE_AT, 8192, 12);
	{
		unsigned char hole[4096];

		EXPECT(pread(fd, hole, sizeof(hole), 1 << 20) == sizeof(hole) &&
		       first_nonzero(hole, sizeof(hole)) < 0, "the hole is not zeros");
	}
	EXPECT(priv[0] == (pattern_byte((size_t)page, 11) ^ 0xff),
	       "the private mapping lost its own copy of the page");
	pwrite(fd, "NEW!", 4, 0);
	EXPECT(!memcmp(shared, "NEW!", 4),
	       "a write through the fd does not show in the shared mapping: not one file any more");
	xreadlink("/proc/self/fd/27", link, sizeof(link));
	snprintf(want_link, sizeof(want_link), "%s (deleted)", file);
	EXPECT(!strcmp(link, want_link), "the fd shows \"%s\", expected \"%s\"", link, want_link);
	expect_file_pattern("the O_TMPFILE file", tmp, 0, 5000, 13);
	EXPECT(fstat(tmp, &st) == 0 && st.st_nlink == 0 && (st.st_mode & 07777) == 0600,
	       "the O_TMPFILE file: nlink %lu mode %#o", (unsigned long)st.st_nlink,
	       st.st_mode & 07777);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- memfd: content, seals, shared mappings ------------------------- */

static int mode_memfd(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map, *fw;
	char link[PATH_MAX];
	int m, f, n, seals;

	(void)argc;
	(void)argv;
	m = at_fd(memfd_create("crstate", MFD_ALLOW_SEALING), 29);
	pwrite_pattern(m, 0, 100 << 10, 21);
	if (ftruncate(m, 1 << 20))
		die("ftruncate");
	map = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	if (map == MAP_FAILED)
		die("mmap");
	if (fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW))
		die("F_ADD_SEALS");
	/* sealed against future writes after a writable mapping was made */
	f = at_fd(memfd_create("crstate-fw", MFD_ALLOW_SEALING), 30);
	pwrite_pattern(f, 0, (size_t)page, 22);
	fw = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	if (fw == MAP_FAILED || fcntl(f, F_ADD_SEALS, F_SEAL_FUTURE_WRITE))
		die("F_SEAL_FUTURE_WRITE");
	/* sealing never allowed: its seals are F_SEAL_SEAL */
	n = at_fd(memfd_create("crstate-ns", 0), 31);
	write_all(n, "plain", 5);
	announce_ready();
	wait_restart(50);

	seals = fcntl(m, F_GET_SEALS);
	EXPECT(seals == (F_SEAL_SHRINK | F_SEAL_GROW), "seals %#x, expected %#x",
	       seals, F_SEAL_SHRINK | F_SEAL_GROW);
	expect_file_pattern("the memfd's content", m, 0, 100 << 10, 21);
	expect_pattern("the memfd's mapping", map, 100 << 10, 21);
	map[5] = 0x5a;
	{
		unsigned char c = 0;

		EXPECT(pread(m, &c, 1, 5) == 1 && c == 0x5a,
		       "the mapping and the fd are not one memfd any more");
	}
	EXPECT(ftruncate(m, 2 << 20) < 0 && errno == EPERM, "F_SEAL_GROW does not hold");
	xreadlink("/proc/self/fd/29", link, sizeof(link));
	EXPECT(!strcmp(link, "/memfd:crstate (deleted)"), "the memfd shows \"%s\"", link);
	seals = fcntl(f, F_GET_SEALS);
	EXPECT(seals == F_SEAL_FUTURE_WRITE, "future-write memfd: seals %#x", seals);
	expect_pattern("the future-write memfd's mapping", fw, (size_t)page, 22);
	fw[0] = 1;	/* the mapping made before the seal stays writable */
	EXPECT(pwrite(f, "x", 1, 0) < 0 && errno == EPERM,
	       "F_SEAL_FUTURE_WRITE lets write() through");
	seals = fcntl(n, F_GET_SEALS);
	EXPECT(seals == F_SEAL_SEAL, "a memfd without sealing: seals %#x", seals);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- sharedanon: shared anonymous memory, seen twice ----------------- */

static int mode_sharedanon(int argc, char **argv)
{
	size_t len = 1 << 20;
	unsigned char *a, *alias, *z;
	int zero;

	(void)argc;
	(void)argv;
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		die("mmap");
	fill(a, len / 2, 31);	/* the rest never touched */
	alias = mremap(a, 0, len, MREMAP_MAYMOVE);
	if (alias == MAP_FAILED)
		die("mremap");
	zero = xopen("/dev/zero", O_RDWR, 0);
	z = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, zero, 0);
	if (z == MAP_FAILED)
		die("mmap /dev/zero");
	close(zero);
	fill(z, 65536, 32);
	announce_ready();
	wait_restart(50);

	expect_pattern("shared anonymous memory", a, len / 2, 31);
	EXPECT(first_nonzero(a + len / 2, len / 2) < 0, "its untouched half is not zeros");
	expect_pattern("its second mapping", alias, len / 2, 31);
	a[100] ^= 0xff;
	EXPECT(alias[100] == a[100], "a write through one mapping does not show in the other");
	expect_pattern("shared /dev/zero", z, 65536, 32);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- locks: flock, POSIX and OFD locks ------------------------------- */

/*
 * What F_OFD_GETLK finds on the bytes, asked by a child process: closing an
 * fd of the file in this process would drop its POSIX locks.
 */
static void expect_lock(const char *what, const char *file, short type,
			off_t start, off_t len, pid_t pid)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };
	int p[2], status = 0;
	pid_t child;

	if (pipe(p))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		int fd = open(file, O_RDWR);

		/* an OFD lock request conflicts with every other open file's locks */
		if (fd < 0 || fcntl(fd, F_OFD_GETLK, &fl))
			_exit(1);
		write_all(p[1], &fl, sizeof(fl));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &fl, sizeof(fl)) != sizeof(fl))
		die("F_OFD_GETLK in a child");
	close(p[0]);
	waitpid(child, &status, 0);
	EXPECT(fl.l_type == type && fl.l_pid == pid,
	       "%s: F_OFD_GETLK finds type %d pid %d, expected %d %d", what, fl.l_type,
	       fl.l_pid, type, (int)pid);
}

static int mode_locks(int argc, char **argv)
{
	const char *f1 = wpath(0, "flock"), *f2 = wpath(1, "posix"), *f3 = wpath(2, "ofd");
	struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10 };
	struct flock r = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 0 };
	struct flock o = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };
	int a, b, c, probe;

	(void)argc;
	(void)argv;
	a = at_fd(xopen(f1, O_RDWR | O_CREAT | O_TRUNC, 0644), 32);
	b = at_fd(xopen(f2, O_RDWR | O_CREAT | O_TRUNC, 0644), 33);
	c = at_fd(xopen(f3, O_RDWR | O_CREAT | O_TRUNC, 0644), 34);
	if (flock(a, LOCK_EX) || fcntl(b, F_SETLK, &w) || fcntl(b, F_SETLK, &r) ||
	    fcntl(c, F_OFD_SETLK, &o))
		die("locking");
	announce_ready();
	wait_restart(50);

	/* flock locks belong to open files: a probe of our own cannot drop them */
	probe = xopen(f1, O_RDONLY, 0);
	EXPECT(flock(probe, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK,
	       "the flock() lock is gone");
	close(probe);
	expect_lock("the POSIX write lock", f2, F_WRLCK, 10, 10, raw_getpid());
	expect_lock("the POSIX read lock", f2, F_RDLCK, 100, 0, raw_getpid());
	expect_lock("bytes no lock covers", f2, F_UNLCK, 50, 10, 0);
	expect_lock("the OFD lock", f3, F_WRLCK, 0, 100, -1);
	/* and they are this process's own: it can change them */
	w.l_type = F_UNLCK;
	EXPECT(fcntl(b, F_SETLK, &w) == 0, "cannot unlock the POSIX lock");
	expect_lock("the POSIX lock, unlocked", f2, F_UNLCK, 10, 10, 0);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- attrs: what prctl() and /proc set ------------------------------- */

static long read_long(const char *path)
{
	char buf[64];

	return read_file(path, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 0) : -999;
}

static void write_text(const char *path, const char *text)
{
	int fd = xopen(path, O_WRONLY, 0);

	write_all(fd, text, strlen(text));
	close(fd);
}

static int mode_attrs(int argc, char **argv)
{
	struct sched_param sp = { 0 };
	int loginuid = 0, sig = 0, policy;
	void *head0 = NULL, *head = NULL;
	size_t len0 = 0, len = 0;
	long v;

	(void)argc;
	(void)argv;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) || prctl(PR_SET_DUMPABLE, 0) ||
	    prctl(PR_SET_PDEATHSIG, SIGUSR2) || prctl(PR_SET_TIMERSLACK, 123456) ||
	    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("prctl");
	write_text("/proc/self/oom_score_adj", "400");
	write_text("/proc/self/coredump_filter", "0x3f");
	/* the audit login uid, where the kernel has audit and we may set it */
	if (access("/proc/self/loginuid", W_OK) == 0) {
		int fd = open("/proc/self/loginuid", O_WRONLY);

		loginuid = fd >= 0 && write(fd, "4321", 4) == 4;
		if (fd >= 0)
			close(fd);
	}
	if (sched_setscheduler(0, SCHED_BATCH, &sp))
		die("SCHED_BATCH");
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 6)))
		die("ioprio_set");
	syscall(SYS_get_robust_list, 0, &head0, &len0);
	out("attrs: loginuid %s\n", loginuid ? "set" : "not settable here");
	announce_ready();
	wait_restart(50);

	EXPECT(prctl(PR_GET_CHILD_SUBREAPER, &sig) == 0 && sig == 1, "subreaper %d", sig);
	EXPECT(prctl(PR_GET_DUMPABLE) == 0, "dumpable %d", prctl(PR_GET_DUMPABLE));
	sig = 0;
	EXPECT(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR2, "pdeathsig %d", sig);
	EXPECT(prctl(PR_GET_TIMERSLACK) == 123456, "timer slack %d", prctl(PR_GET_TIMERSLACK));
	EXPECT(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1, "THP disable %d",
	       prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs %d",
	       prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	v = read_long("/proc/self/oom_score_adj");
	EXPECT(v == 400, "oom_score_adj %ld, expected 400", v);
	{
		char hex[32];

		/* hexadecimal, without 0x */
		v = read_file("/proc/self/coredump_filter", hex, sizeof(hex)) > 0 ?
		    strtol(hex, NULL, 16) : -1;
	}
	EXPECT(v == 0x3f, "coredump_filter %#lx, expected 0x3f", v);
	if (loginuid) {
		v = read_long("/proc/self/loginuid");
		EXPECT(v == 4321, "loginuid %ld, expected 4321", v);
	}
	policy = sched_getscheduler(0);
	EXPECT(policy == SCHED_BATCH, "scheduling policy %d, expected SCHED_BATCH", policy);
	v = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	EXPECT(v == IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 6), "I/O priority %#lx", v);
	syscall(SYS_get_robust_list, 0, &head, &len);
	EXPECT(head == head0 && len == len0, "robust list %p/%zu, expected %p/%zu",
	       head, len, head0, len0);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- madvise: the flags of mappings, as smaps shows them ------------- */

#define NADV 9
static const struct {
	int advice;		/* 0: mlock() */
	const char *flag;	/* in smaps' VmFlags */
} advs[NADV] = {
	{ MADV_DONTFORK, "dc" }, { MADV_WIPEONFORK, "wf" }, { MADV_DONTDUMP, "dd" },
	{ MADV_HUGEPAGE, "hg" }, { MADV_NOHUGEPAGE, "nh" }, { MADV_MERGEABLE, "mg" },
	{ MADV_SEQUENTIAL, "sr" }, { MADV_RANDOM, "rr" }, { 0, "lo" },
};

/* The VmFlags line of the mapping at addr. */
static void vm_flags(void *addr, char *out_flags, size_t size)
{
	static char smaps[1 << 20];
	char head[32];
	char *at;

	out_flags[0] = 0;
	if (read_file("/proc/self/smaps", smaps, sizeof(smaps)) < 0)
		return;
	snprintf(head, sizeof(head), "\n%lx-", (unsigned long)addr);
	at = strstr(smaps, head);
	if (!at)
		return;
	at = strstr(at, "VmFlags:");
	if (at)
		sscanf(at, "VmFlags:%255[^\n]", out_flags);
	(void)size;
}

/* Is flag one of the space-separated words of flags? */
static int has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *at = flags; (at = strstr(at, flag)); at += n)
		if ((at == flags || at[-1] == ' ') && (at[n] == ' ' || !at[n]))
			return 1;
	return 0;
}

static int mode_madvise(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	static char before[NADV][300], now[300];
	unsigned char *maps[NADV], *later;
	char later_flags[300];

	(void)argc;
	(void)argv;
	for (int i = 0; i < NADV; i++) {
		/* apart from each other: they must not merge */
		maps[i] = mmap(NULL, (size_t)page * 4, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps[i] == MAP_FAILED)
			die("mmap");
		if (advs[i].advice ? madvise(maps[i], (size_t)page * 4, advs[i].advice)
				   : mlock(maps[i], (size_t)page * 4))
			die("madvise/mlock");
		vm_flags(maps[i], before[i], sizeof(before[i]));
		if (!has_flag(before[i], advs[i].flag))
			die("the flag is not in smaps before the checkpoint");
	}
	if (mlockall(MCL_FUTURE | MCL_ONFAULT))
		die("mlockall");
	announce_ready();
	wait_restart(50);

	for (int i = 0; i < NADV; i++) {
		vm_flags(maps[i], now, sizeof(now));
		if (selftest == 2 && i == 3)
			now[0] = 0;
		EXPECT(has_flag(now, advs[i].flag),
		       "mapping %d: VmFlags [%s] lost %s (was [%s])", i, now, advs[i].flag,
		       before[i]);
	}
	later = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	vm_flags(later, later_flags, sizeof(later_flags));
	EXPECT(has_flag(later_flags, "lo"), "mlockall(MCL_FUTURE) lost: a new mapping has [%s]",
	       later_flags);
	return finish();
}

/* ---- timers: ITIMER_REAL and alarm() go on ------------------------- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int mode_timers(int argc, char **argv)
{
	struct itimerval it = { .it_interval = { 0, 200000 }, .it_value = { 30, 0 } };
	struct itimerval got;
	double t0;

	(void)argc;
	(void)argv;
	signal(SIGALRM, on_alarm);
	if (setitimer(ITIMER_REAL, &it, NULL))
		die("setitimer");
	announce_ready();
	wait_restart(50);

	EXPECT(getitimer(ITIMER_REAL, &got) == 0 && got.it_interval.tv_sec == 0 &&
	       got.it_interval.tv_usec == 200000,
	       "the interval is %ld.%06ld s, expected 0.2", (long)got.it_interval.tv_sec,
	       (long)got.it_interval.tv_usec);
	EXPECT(got.it_value.tv_sec > 0 && got.it_value.tv_sec <= 30,
	       "the timer expires in %ld s, expected up to 30", (long)got.it_value.tv_sec);
	/* and it fires, then every 0.2 s */
	it.it_value.tv_sec = 0;
	it.it_value.tv_usec = 100000;
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = mono_now();
	while (alarms < 3 && mono_now() - t0 < 10)
		pause();
	EXPECT(alarms >= 3, "%d SIGALRMs in 10 s", (int)alarms);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- cgroup: where the case put it, it stays ------------------------ */

static int mode_cgroup(int argc, char **argv)
{
	char before[512] = "", seen[512], now[512];

	(void)argc;
	(void)argv;
	announce_ready();
	/*
	 * The case moves it before checkpointing; read it as it is then. A
	 * reading counts only if the process had not been restarted after
	 * it: a checkpoint between the loop's test and the read would
	 * otherwise give "before" the cgroup it was restarted in.
	 */
	while (!selftest) {
		read_file("/proc/self/cgroup", seen, sizeof(seen));
		if (restarted())
			break;
		memcpy(before, seen, sizeof(before));
		if (timed_out())
			timeout_fail();
		sleep_ms(50);
	}
	if (selftest)
		read_file("/proc/self/cgroup", before, sizeof(before));
	say_restarted();
	read_file("/proc/self/cgroup", now, sizeof(now));
	before[strcspn(before, "\n")] = 0;
	now[strcspn(now, "\n")] = 0;
	if (selftest == 2)
		now[0] = 0;
	EXPECT(!strcmp(before, now), "cgroup [%s], was [%s]", now, before);
	out("cgroup: %s\n", now);
	return finish();
}

/* ---- mix: a little of every kind at once (the fault sweeps use it) ---- */

static volatile sig_atomic_t mix_usr2;

static void on_usr2(int sig)
{
	(void)sig;
	mix_usr2++;
}

static int mode_mix(int argc, char **argv)
{
	const char *file = wpath(0, "file"), *fifo = wpath(1, "fifo"),
		   *gone = wpath(2, "gone"), *dir = wpath(3, "dir");
	long page = sysconf(_SC_PAGESIZE);
	/* armed far ahead: SIGALRM (default action) must not end a long test */
	struct itimerval it = { .it_interval = { 1, 0 }, .it_value = { 3600, 0 } };
	unsigned char *shm, *del, *locked, got[64];
	int f, d, p[2], fw, fr, u, m, dd, op, probe, seals;
	struct sigaction sa = { .sa_handler = on_usr2 };
	sigset_t usr2;

	(void)argc;
	(void)argv;
	f = at_fd(xopen(file, O_RDWR | O_CREAT | O_TRUNC, 0644), 10);
	pwrite_pattern(f, 0, 4096, 41);
	lseek(f, 100, SEEK_SET);
	d = at_fd(dup(f), 11);
	if (pipe(p))
		die("pipe");
	p[0] = at_fd(p[0], 12);
	p[1] = at_fd(p[1], 13);
	write_all(p[1], "pipe", 4);
	unlink(fifo);
	if (mkfifo(fifo, 0600))
		die("mkfifo");
	fr = at_fd(xopen(fifo, O_RDONLY | O_NONBLOCK, 0), 14);
	fw = at_fd(xopen(fifo, O_WRONLY, 0), 15);
	write_all(fw, "fifo", 4);
	u = at_fd(xopen(gone, O_RDWR | O_CREAT | O_TRUNC, 0600), 16);
	pwrite_pattern(u, 0, (size_t)page, 42);
	del = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, u, 0);
	if (del == MAP_FAILED || unlink(gone))
		die("deleted file");
	m = at_fd(memfd_create("crmix", MFD_ALLOW_SEALING), 17);
	write_all(m, "memfd", 5);
	if (fcntl(m, F_ADD_SEALS, F_SEAL_GROW))
		die("F_ADD_SEALS");
	shm = mmap(NULL, 4 * (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	locked = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED || locked == MAP_FAILED || mlock(locked, (size_t)page) ||
	    madvise(shm, 4 * (size_t)page, MADV_DONTFORK))
		die("mappings");
	fill(shm, 4 * (size_t)page, 43);
	fill(locked, (size_t)page, 44);
	mkdir(dir, 0755);
	dd = at_fd(xopen(dir, O_RDONLY | O_DIRECTORY, 0), 18);
	op = at_fd(xopen(file, O_PATH, 0), 19);
	if (flock(f, LOCK_EX))
		die("flock");
	if (setitimer(ITIMER_REAL, &it, NULL))
		die("setitimer");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	kill(getpid(), SIGUSR2);
	announce_ready();
	wait_restart(50);

	expect_pos("the file", f, 100);
	expect_pos("its dup", d, 100);
	expect_file_pattern("the file's content", f, 0, 4096, 41);
	EXPECT(read(p[0], got, 4) == 4 && !memcmp(got, "pipe", 4), "the pipe's bytes");
	EXPECT(read(fr, got, 4) == 4 && !memcmp(got, "fifo", 4), "the FIFO's bytes");
	expect_pattern("the deleted file's mapping", del, (size_t)page, 42);
	EXPECT(pread(m, got, 5, 0) == 5 && !memcmp(got, "memfd", 5), "the memfd's bytes");
	seals = fcntl(m, F_GET_SEALS);
	EXPECT(seals == F_SEAL_GROW, "memfd seals %#x", seals);
	expect_pattern("shared memory", shm, 4 * (size_t)page, 43);
	expect_pattern("locked memory", locked, (size_t)page, 44);
	EXPECT(fcntl(dd, F_GETFD) >= 0 && fcntl(op, F_GETFD) >= 0, "the directory or O_PATH fd");
	probe = xopen(file, O_RDONLY, 0);
	EXPECT(flock(probe, LOCK_SH | LOCK_NB) < 0, "the flock lock is gone");
	close(probe);
	EXPECT(getitimer(ITIMER_REAL, &it) == 0 && it.it_interval.tv_sec == 1,
	       "ITIMER_REAL lost its interval");
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	EXPECT(mix_usr2 == 1, "the pending SIGUSR2 ran %d times", (int)mix_usr2);
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- kernelview: read-only files of /proc and /sys -------------------- */

/* All of an fd's content from offset at on, NUL-terminated, in buf. */
static void read_from(int fd, off_t at, char *buf, size_t size)
{
	ssize_t n, got = 0;

	while ((n = pread(fd, buf + got, size - 1 - got, at + got)) > 0)
		got += n;
	buf[got < 0 ? 0 : got] = 0;
}

/*
 * rseq: an area of the extensible ABI (more than 32 bytes, as newer glibc
 * registers; 6.1 takes only 32), registered by the process itself, glibc's
 * own registration off (the case sets glibc.pthread.rseq=0). Restarted, it
 * lives on (7.2 kills a task whose v2 area holds ids it did not write) and
 * the kernel keeps the area's CPU id, as sched_getcpu() says it.
 */
static uint32_t rseq_area[16] __attribute__((aligned(64)));

static int mode_rseq(int argc, char **argv)
{
	uint32_t len = sizeof(rseq_area);
	int cpu;

	(void)argc;
	(void)argv;
	if (syscall(SYS_rseq, rseq_area, len, 0, 0x53053053) != 0) {
		if (errno == EBUSY)
			die("rseq: glibc has one (GLIBC_TUNABLES=glibc.pthread.rseq=0)");
		len = 32;
		if (errno != EINVAL ||
		    syscall(SYS_rseq, rseq_area, len, 0, 0x53053053) != 0)
			die("rseq");
	}
	out("rseq: a %u-byte area at %p, cpu %d\n", len, (void *)rseq_area,
	    (int)rseq_area[1]);
	announce_ready();
	wait_restart(50);

	cpu = sched_getcpu();
	if (selftest == 2)
		rseq_area[1] = 12345;
	EXPECT(rseq_area[1] == (uint32_t)cpu && rseq_area[0] == (uint32_t)cpu,
	       "the rseq area says cpu %d (start %d), sched_getcpu() %d",
	       (int)rseq_area[1], (int)rseq_area[0], cpu);
	return finish();
}

static int mode_kernelview(int argc, char **argv)
{
	static char status[8192], version[1024], again[1024];
	char want[64];
	int st, ver, cpus, pst;
	struct stat sb;
	pid_t before = getpid();

	(void)argc;
	(void)argv;
	st = at_fd(xopen("/proc/self/status", O_RDONLY, 0), 24);
	ver = at_fd(xopen("/proc/version", O_RDONLY, 0), 25);
	cpus = at_fd(xopen("/sys/devices/system/cpu/online", O_RDONLY, 0), 26);
	pst = at_fd(xopen("/proc/self/stat", O_PATH, 0), 27);
	/* part read, as a program stopped in the middle of reading them */
	if (read(st, status, 10) != 10 || read(ver, version, 5) != 5)
		die("read");
	announce_ready();
	wait_restart(50);

	expect_pos("/proc/self/status", st, 10);
	expect_pos("/proc/version", ver, 5);
	expect_pos("/sys/devices/system/cpu/online", cpus, 0);
	expect_flags("/proc/self/status", st, O_RDONLY);
	expect_flags("/proc/self/stat (O_PATH)", pst, O_PATH);
	/* /proc/self is the restarted process, whatever its pid */
	read_from(st, 0, status, sizeof(status));
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
	EXPECT(strstr(status, want), "/proc/self/status does not show pid %d (was %d): %.200s",
	       (int)getpid(), (int)before, status);
	/* read on from where it was: the rest of what a fresh open shows */
	if (read(ver, version + 5, sizeof(version) - 6) <= 0)
		die("read /proc/version");
	read_from(xopen("/proc/version", O_RDONLY, 0), 0, again, sizeof(again));
	EXPECT(!strcmp(version + 5, again + 5), "/proc/version read on gives \"%s\", want \"%s\"",
	       version + 5, again + 5);
	read_from(cpus, 0, again, sizeof(again));
	EXPECT(again[0] == '0', "/sys/devices/system/cpu/online reads \"%s\"", again);
	EXPECT(fstatat(pst, "", &sb, AT_EMPTY_PATH) == 0 && S_ISREG(sb.st_mode),
	       "the O_PATH fd on /proc/self/stat: %s", strerror(errno));
	if (selftest == 2)
		mismatch("corrupted");
	return finish();
}

/* ---- sharedmem KIND: memory shared with the parent, then not --------- */

/*
 * The parent maps 1 MiB MAP_SHARED (KIND anon: MAP_ANONYMOUS; memfd: a
 * memfd it keeps open at fd 10 and the child closes), fills it past its
 * first page, forks the child (the one to checkpoint, whose pid the ready
 * file holds) and stays, counting in the first page's counter every 20 ms.
 * The child writes what it sees there to WORK/crstate-sharedmem-seen.
 * Once WORK/crstate-sharedmem-release exists the parent lets go (anon: it
 * exits; memfd: it unmaps, closes its fd, says so in ...-unmapped and
 * waits for the child: exit 0 if SIGKILL ended it); the child takes the
 * last count, marks the memory and says so in ...-released. Restarted, it
 * checks the content, the count, its mark and the mapping's name.
 * A parent that exits makes the child init's, which changes its ppid as a
 * restart does: the child knows it was restarted by its pid namespace
 * (crctl restart's container), and so does not take --same-pid-ns.
 */
struct shm_head {
	volatile uint64_t counter;	/* the parent's */
	volatile uint64_t mark;		/* the child's, once released */
};

static ino_t pidns_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) ? 0 : st.st_ino;
}

static void write_number(const char *path, uint64_t v)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu\n", (unsigned long long)v);
	write_file_atomic(path, text);
}

static int mode_sharedmem(int argc, char **argv)
{
	const size_t len = 1 << 20;
	long page = sysconf(_SC_PAGESIZE);
	const char *seen = wpath(0, "seen"), *release = wpath(1, "release");
	const char *released = wpath(2, "released"), *unmapped = wpath(3, "unmapped");
	const char *name;
	struct shm_head *head;
	unsigned char *map;
	uint64_t last = 0;
	int memfd = -1, status;
	int done = 0;
	char maps[65536], want[128];
	pid_t child;
	ino_t ns0;

	if (argc < 1 || (strcmp(argv[0], "anon") && strcmp(argv[0], "memfd"))) {
		out("FAIL %s: which kind, anon or memfd?\n", mode);
		return 2;
	}
	unlink(seen);
	unlink(release);
	unlink(released);
	unlink(unmapped);
	if (!strcmp(argv[0], "anon")) {
		name = "/dev/zero (deleted)";
		map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	} else {
		name = "/memfd:crstate-shm (deleted)";
		memfd = at_fd(memfd_create("crstate-shm", 0), 10);
		if (ftruncate(memfd, len))
			die("ftruncate");
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	}
	if (map == MAP_FAILED)
		die("mmap");
	head = (struct shm_head *)map;
	fill(map + page, len - page, 41);
	head->counter = 1;
	child = fork();
	if (child < 0)
		die("fork");
	if (child) {
		/* the parent: counts until told to let go */
		while (access(release, F_OK)) {
			if (waitpid(child, &status, WNOHANG) == child) {
				out("FAIL %s: the child ended before the release (status %#x)\n",
				    mode, status);
				return 1;
			}
			if (timed_out()) {
				kill(child, SIGKILL);
				timeout_fail();
			}
			head->counter++;
			sleep_ms(20);
		}
		if (memfd < 0)
			return 0;
		if (munmap(map, len) || close(memfd))
			die("munmap");
		write_file_atomic(unmapped, "1\n");
		if (waitpid(child, &status, 0) != child)
			die("waitpid");
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : 1;
	}

	/* the child, the process to checkpoint */
	pid0 = raw_getpid();
	ppid0 = raw_getppid();
	ns0 = pidns_ino();
	if (!ns0)
		die("/proc/self/ns/pid");
	if (memfd >= 0)
		close(memfd);
	announce_ready();
	while (pidns_ino() == ns0) {
		if (timeout_s && mono_now() - start_seconds() > (double)timeout_s)
			timeout_fail();
		if (!done) {
			last = head->counter;
			write_number(seen, last);
			if (!access(release, F_OK)) {
				/* until the parent is gone, or has unmapped */
				while (memfd < 0 ? raw_getppid() == ppid0 : access(unmapped, F_OK)) {
					if (timeout_s && mono_now() - start_seconds() > (double)timeout_s)
						timeout_fail();
					sleep_ms(10);
				}
				last = head->counter;
				write_number(seen, last);
				head->mark = mix64(last);
				write_number(released, last);
				done = 1;
			}
		}
		sleep_ms(20);
	}
	say_restarted();
	EXPECT(done, "restarted before the parent let go");
	expect_pattern("the shared memory", map + page, len - page, 41);
	EXPECT(head->counter == last, "the parent's count is %llu, it was %llu",
	       (unsigned long long)head->counter, (unsigned long long)last);
	EXPECT(head->mark == mix64(last), "the child's mark is %#llx, expected %#llx",
	       (unsigned long long)head->mark, (unsigned long long)mix64(last));
	/* still one shared mapping of the same kind of object */
	snprintf(want, sizeof(want), "%lx-%lx rw-s ", (unsigned long)map,
		 (unsigned long)map + len);
	if (read_file("/proc/self/maps", maps, sizeof(maps)) < 0)
		die("/proc/self/maps");
	{
		char *line = strstr(maps, want), *end;

		EXPECT(line, "no mapping %s in /proc/self/maps", want);
		if (line) {
			end = strchr(line, '\n');
			if (end)
				*end = 0;
			EXPECT(strlen(line) > strlen(name) &&
				       !strcmp(line + strlen(line) - strlen(name), name),
			       "the mapping is \"%s\", not of %s", line, name);
		}
	}
	return finish();
}

/* ---- refuse KIND: state checkpoint must refuse, by name -------------- */

/*
 * A process the caller does not parent (checkpoint refuses children
 * first): 0 in it, 1 in the caller once the child between has ended,
 * -1 if a fork failed.
 */
static int fork_grandchild(void)
{
	pid_t child = fork();

	if (child < 0)
		return -1;
	if (!child) {
		if (fork())
			_exit(0);
		return 0;
	}
	return waitpid(child, NULL, 0) == child ? 1 : -1;
}

static int refuse_setup(const char *kind)
{
	long page = sysconf(_SC_PAGESIZE);
	int fds[2], fd;

	if (!strcmp(kind, "aio")) {
		aio_context_t ctx = 0;

		return syscall(SYS_io_setup, 8, &ctx) ? -1 : 0;
	}
	if (!strcmp(kind, "nsfs"))
		return at_fd(xopen("/proc/self/ns/net", O_RDONLY, 0), 40) < 0;
	if (!strcmp(kind, "socket"))
		return socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
	if (!strcmp(kind, "eventfd"))
		return eventfd(0, 0) < 0;
	if (!strcmp(kind, "epoll"))
		return epoll_create1(0) < 0;
	if (!strcmp(kind, "timerfd"))
		return timerfd_create(CLOCK_MONOTONIC, 0) < 0;
	if (!strcmp(kind, "signalfd")) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		return signalfd(-1, &set, 0) < 0;
	}
	if (!strcmp(kind, "inotify"))
		return inotify_init1(0) < 0;
	if (!strcmp(kind, "procwrite"))
		return open("/proc/self/oom_score_adj", O_RDWR) < 0;
	if (!strcmp(kind, "syswrite"))
		return open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDWR) < 0;
	if (!strcmp(kind, "procother"))
		return open("/proc/1/status", O_RDONLY) < 0;
	if (!strcmp(kind, "procthread")) {
		snprintf(path_buf, sizeof(path_buf), "/proc/self/task/%d/stat", getpid());
		return open(path_buf, O_RDONLY) < 0;
	}
	if (!strcmp(kind, "posixtimer")) {
		timer_t t;

		return timer_create(CLOCK_MONOTONIC, NULL, &t);
	}
	if (!strcmp(kind, "cpuitimer")) {
		struct itimerval it = { .it_value = { 100, 0 } };

		return setitimer(ITIMER_VIRTUAL, &it, NULL);
	}
	if (!strcmp(kind, "seccomp")) {
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		struct sock_fprog prog = { .len = 1, .filter = &allow };

		return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		       prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
	}
	if (!strcmp(kind, "lease")) {
		fd = xopen(wpath(0, "lease"), O_RDONLY | O_CREAT, 0644);
		return fcntl(fd, F_SETLEASE, F_RDLCK);
	}
	if (!strcmp(kind, "async")) {
		if (pipe(fds))
			return -1;
		return fcntl(fds[0], F_SETOWN, getpid()) ||
		       fcntl(fds[0], F_SETFL, O_ASYNC);
	}
	if (!strcmp(kind, "vmaname")) {
		void *m = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		return prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, m, page, "crstate");
	}
	if (!strcmp(kind, "deldir")) {
		const char *dir = wpath(0, "gone");

		mkdir(dir, 0755);
		return chdir(dir) || rmdir(dir);
	}
	if (!strcmp(kind, "delnode")) {
		const char *node = wpath(0, "null");

		unlink(node);
		if (mknod(node, S_IFCHR | 0700, makedev(1, 3)))
			return -1;
		return open(node, O_RDWR) < 0 || unlink(node);
	}
	if (!strcmp(kind, "othername")) {
		const char *a = wpath(0, "a"), *b = wpath(1, "b");

		unlink(b);
		fd = xopen(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
		return link(a, b) || unlink(a);
	}
	if (!strcmp(kind, "bigunlinked")) {
		const char *a = wpath(0, "big");

		fd = xopen(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
		return ftruncate(fd, 65 << 20) || unlink(a);
	}
	if (!strcmp(kind, "sysvshm")) {
		int id = shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600);

		if (id < 0 || shmat(id, NULL, 0) == (void *)-1)
			return -1;
		return shmctl(id, IPC_RMID, NULL);
	}
	if (!strcmp(kind, "semundo")) {
		struct sembuf up = { .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO };
		int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		pid_t owner = getpid();
		int who;

		if (id < 0 || semop(id, &up, 1))
			return -1;
		/*
		 * The set outlives the process (System V objects do): a
		 * grandchild removes it once the process is gone, or every
		 * threaded process checkpointed later in this IPC namespace
		 * would be refused for it.
		 */
		who = fork_grandchild();
		if (!who) {
			while (!kill(owner, 0))
				sleep_ms(20);
			_exit(semctl(id, 0, IPC_RMID) ? 1 : 0);
		}
		return who < 0 ? -1 : 0;
	}
	if (!strcmp(kind, "sharedro")) {
		/*
		 * A deleted file mapped MAP_SHARED read-only (VM_MAYSHARE
		 * without VM_SHARED: its fd is O_RDONLY), and a grandchild
		 * that inherits the mapping and writes to the file through
		 * another fd. A copy of its own would not see those writes any
		 * more.
		 */
		const char *name = wpath(0, "ro");
		int rw = xopen(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
		int ro = xopen(name, O_RDONLY, 0);
		pid_t owner = getpid();
		unsigned char byte = 0;
		int who;

		if (ftruncate(rw, page) || unlink(name) ||
		    mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, ro, 0) == MAP_FAILED)
			return -1;
		who = fork_grandchild();
		if (!who) {
			close(ro);
			for (; !kill(owner, 0); sleep_ms(20), byte++)
				if (pwrite(rw, &byte, 1, 0) != 1)
					_exit(1);
			_exit(0);
		}
		if (who < 0)
			return -1;
		return close(ro) || close(rw);
	}
	if (!strcmp(kind, "packetpipe")) {
		if (pipe2(fds, O_DIRECT))
			return -1;
		return write(fds[1], "pkt", 3) != 3;
	}
	if (!strcmp(kind, "pidfd"))
		return syscall(SYS_pidfd_open, getpid(), 0) < 0;
	if (!strcmp(kind, "outsidefifo")) {
		/* the case holds the other end open: its path is the argument */
		return open(wpath(0, "fifo"), O_RDONLY | O_NONBLOCK) < 0;
	}
	out("FAIL %s: unknown kind %s\n", mode, kind);
	exit(2);
}

static int mode_refuse(int argc, char **argv)
{
	if (argc < 1) {
		out("FAIL %s: which kind?\n", mode);
		return 2;
	}
	if (refuse_setup(argv[0])) {
		if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
			out("SKIP %s %s: this kernel cannot set it up: %s\n", mode, argv[0],
			    strerror(errno));
			return 77;
		}
		die(argv[0]);
	}
	announce_ready();
	/* it stays as it is: the case checks it is still there, then kills it */
	for (;;) {
		if (timed_out())
			timeout_fail();
		sleep_ms(100);
	}
}

static const struct cr_mode modes[] = {
	{ "ofds", mode_ofds },		{ "dirfd", mode_dirfd },
	{ "opath", mode_opath },	{ "fifo", mode_fifo },
	{ "unlinked", mode_unlinked },	{ "memfd", mode_memfd },
	{ "sharedanon", mode_sharedanon }, { "locks", mode_locks },
	{ "attrs", mode_attrs },	{ "madvise", mode_madvise },
	{ "timers", mode_timers },	{ "cgroup", mode_cgroup },
	{ "mix", mode_mix },		{ "refuse", mode_refuse },
	{ "kernelview", mode_kernelview },	{ "rseq", mode_rseq },
	{ "sharedmem", mode_sharedmem },
};

int main(int argc, char **argv)
{
	return cr_main(argc, argv, modes, ARRAY_SIZE(modes),
		       "usage: cr-state ofds|dirfd|opath|fifo|unlinked|memfd|sharedanon|locks|attrs|madvise|timers|cgroup|kernelview|rseq|mix|sharedmem KIND|refuse KIND READYFILE [ARGS]");
}
