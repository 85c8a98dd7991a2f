// SPDX-License-Identifier: GPL-2.0
/*
 * crcmp: crmod beside CRIU, in one test guest (bench/compare.sh).
 *
 *   crcmp RUNS CHAIN JSON MiB...     the driver: prints a table, writes JSON
 *   crcmp target TOKEN MiB VMAS FILES THREADS
 *
 * The target is the same program for both tools: it touches MiB of anonymous
 * memory (plus VMAS one-page mappings with holes between them and FILES open
 * regular files on tmpfs, and THREADS threads besides the main one, each
 * polling every 10 ms for a request to say its tid), writes
 * /tmp/crcmp-TOKEN.ready, then polls every
 * 10 ms for /tmp/crcmp-TOKEN.check or .exit. On either it verifies all of
 * that state and writes "PASS <checks> <pid>" or "FAIL <why>" to
 * /tmp/crcmp-TOKEN.result; on .exit it then exits. The target runs in a
 * session of its own with /dev/null as stdio and no other descriptor, so
 * neither tool needs special options (no --shell-job).
 *
 * The driver is a child subreaper: a process restored by `crctl restart
 * --detach` or `criu restore -d` becomes its child once the tool exits, so
 * it can reap every target and free the pid CRIU wants back.
 *
 * Timed (fork, exec and wait of the command; verification is not timed):
 *   crctl checkpoint PID -o /tmp/crcmp.cr --kill
 *   crctl restart --detach /tmp/crcmp.cr
 *   criu dump -t PID -D /tmp/crcmp-criu -o dump.log
 *   criu restore -d -D /tmp/crcmp-criu -o restore.log
 *   dd if=/dev/zero of=/tmp/crcmp.dd bs=1M count=MiB conv=fsync
 * Any failure or a restored process that does not say PASS stops the run.
 * One untimed round of each tool comes first (binaries into the page cache).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define CR_IMAGE "/tmp/crcmp.cr"
#define CRIU_DIR "/tmp/crcmp-criu"
#define DD_OUT "/tmp/crcmp.dd"
#define MAX_RUNS 100
#define MAX_SIZES 16
#define MAX_FILES 200
#define MAX_VMAS 1000
#define MAX_THREADS 256
#define BENCH_THREADS 64
#define GOLDEN 0x9e3779b97f4a7c15ULL

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* EINTR (e.g. across a restore) is fine */
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("crcmp: ERROR: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void write_atomic(const char *path, const char *text)
{
	char tmp[256];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) || rename(tmp, path))
		_exit(3);
}

/* ------------------------------------------------------------ the target */

static struct {
	char token[64];
	size_t mib, nvmas, nfiles, nthreads;
	uint64_t seed;
	uint64_t *mem;
	char *vmas;
	int fds[MAX_FILES];
	off_t offsets[MAX_FILES];
	ino_t inodes[MAX_FILES];
	unsigned long checks;
	pthread_t threads[MAX_THREADS];
	pid_t tids[MAX_THREADS];		/* each thread's, at its start */
	volatile int asked;			/* the main thread's request */
	volatile int answered[MAX_THREADS];	/* each thread's last answer */
	volatile pid_t said[MAX_THREADS];	/* the tid it gave */
} t;

static size_t page;

static uint64_t word(size_t i)
{
	return (i + t.seed) * GOLDEN;
}

static void file_path(char *buf, size_t len, const char *token, size_t k)
{
	snprintf(buf, len, "/tmp/crcmp-%s-files/f%zu", token, k);
}

static size_t file_size(size_t k)
{
	return 1000 + 37 * k;
}

static char file_byte(size_t k, size_t off)
{
	return (char)('a' + (k * 7 + off) % 26);
}

/* A thread that says its tid whenever asked, and otherwise sleeps. */
static void *target_thread(void *arg)
{
	size_t k = (size_t)(uintptr_t)arg;

	t.tids[k] = gettid();
	for (;;) {
		int asked = t.asked;

		if (t.answered[k] != asked) {
			t.said[k] = gettid();
			__atomic_store_n(&t.answered[k], asked, __ATOMIC_RELEASE);
		}
		sleep_ms(10);
	}
	return NULL;
}

static void target_setup(void)
{
	size_t len = t.mib << 20, i, k;
	char path[256], buf[8192];

	if (len) {
		t.mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t.mem == MAP_FAILED)
			_exit(10);
		for (i = 0; i < len / 8; i++)
			t.mem[i] = word(i);
	}
	if (t.nvmas) {
		/* one-page mappings with a hole after each: nothing merges */
		t.vmas = mmap(NULL, 2 * t.nvmas * page, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t.vmas == MAP_FAILED || munmap(t.vmas, 2 * t.nvmas * page))
			_exit(11);
		for (k = 0; k < t.nvmas; k++) {
			uint64_t *p = mmap(t.vmas + 2 * k * page, page,
					   PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS |
					   MAP_FIXED_NOREPLACE, -1, 0);

			if (p != (void *)(t.vmas + 2 * k * page))
				_exit(12);
			for (i = 0; i < page / 8; i++)
				p[i] = word(k * 1000003 + i);
		}
	}
	if (t.nfiles) {
		snprintf(path, sizeof(path), "/tmp/crcmp-%s-files", t.token);
		if (mkdir(path, 0755) && errno != EEXIST)
			_exit(13);
	}
	for (k = 0; k < t.nfiles; k++) {
		struct stat st;
		int fd;

		file_path(path, sizeof(path), t.token, k);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		for (i = 0; i < file_size(k); i++)
			buf[i] = file_byte(k, i);
		if (fd < 0 || write(fd, buf, file_size(k)) != (ssize_t)file_size(k))
			_exit(14);
		if (k % 2) {	/* every other one read-only */
			close(fd);
			fd = open(path, O_RDONLY);
		}
		t.offsets[k] = (off_t)(k * 13 % file_size(k));
		if (fd < 0 || lseek(fd, t.offsets[k], SEEK_SET) != t.offsets[k] ||
		    fstat(fd, &st))
			_exit(15);
		t.fds[k] = fd;
		t.inodes[k] = st.st_ino;
	}
	if (t.nthreads) {
		pthread_attr_t attr;

		if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, 256 << 10))
			_exit(16);
		for (k = 0; k < t.nthreads; k++)
			if (pthread_create(&t.threads[k], &attr, target_thread,
					   (void *)(uintptr_t)k))
				_exit(17);
		/* every thread running, with its tid known */
		for (i = 0; i < 30000; i++) {
			for (k = 0; k < t.nthreads && __atomic_load_n(&t.tids[k], __ATOMIC_ACQUIRE); k++)
				;
			if (k == t.nthreads)
				break;
			sleep_ms(1);
		}
		if (k != t.nthreads)
			_exit(18);
	}
}

/* "" when all is as set up, else what is wrong */
static const char *target_verify(char *why, size_t len)
{
	size_t i, k, mlen = t.mib << 20;
	char buf[8192];

	for (i = 0; i < mlen / 8; i++)
		if (t.mem[i] != word(i)) {
			snprintf(why, len, "memory word %zu of %zu differs", i, mlen / 8);
			return why;
		}
	for (k = 0; k < t.nvmas; k++) {
		uint64_t *p = (uint64_t *)(t.vmas + 2 * k * page);

		/* the hole after each mapping is still a hole */
		if (msync(t.vmas + (2 * k + 1) * page, page, MS_ASYNC) == 0 ||
		    errno != ENOMEM) {
			snprintf(why, len, "the hole after small mapping %zu is mapped", k);
			return why;
		}
		for (i = 0; i < page / 8; i++)
			if (p[i] != word(k * 1000003 + i)) {
				snprintf(why, len, "small mapping %zu differs", k);
				return why;
			}
	}
	for (k = 0; k < t.nfiles; k++) {
		struct stat st;
		int acc = fcntl(t.fds[k], F_GETFL);

		if (acc < 0 || fstat(t.fds[k], &st) || st.st_ino != t.inodes[k] ||
		    (size_t)st.st_size != file_size(k) ||
		    (acc & O_ACCMODE) != (k % 2 ? O_RDONLY : O_RDWR) ||
		    lseek(t.fds[k], 0, SEEK_CUR) != t.offsets[k] ||
		    pread(t.fds[k], buf, file_size(k), 0) != (ssize_t)file_size(k)) {
			snprintf(why, len, "file %zu (fd %d): descriptor, mode, offset or size differs",
				 k, t.fds[k]);
			return why;
		}
		for (i = 0; i < file_size(k); i++)
			if (buf[i] != file_byte(k, i)) {
				snprintf(why, len, "file %zu: content differs", k);
				return why;
			}
	}
	if (t.nthreads) {
		int asked = ++t.asked;

		for (i = 0; i < 500; i++) {	/* 5 s */
			for (k = 0; k < t.nthreads &&
			     __atomic_load_n(&t.answered[k], __ATOMIC_ACQUIRE) == asked; k++)
				;
			if (k == t.nthreads)
				break;
			sleep_ms(10);
		}
		if (k != t.nthreads) {
			snprintf(why, len, "thread %zu of %zu did not answer within 5 s", k,
				 t.nthreads);
			return why;
		}
		for (k = 0; k < t.nthreads; k++)
			if (t.said[k] != t.tids[k]) {
				snprintf(why, len, "thread %zu has tid %d, started as %d", k,
					 t.said[k], t.tids[k]);
				return why;
			}
	}
	return "";
}

static int target_main(int argc, char **argv)
{
	char ready[128], check[128], quit[128], result[128], text[512], why[256];
	double idle_since;

	if (argc != 7)
		return 2;
	page = (size_t)sysconf(_SC_PAGESIZE);
	snprintf(t.token, sizeof(t.token), "%s", argv[2]);
	t.mib = strtoul(argv[3], NULL, 10);
	t.nvmas = strtoul(argv[4], NULL, 10);
	t.nfiles = strtoul(argv[5], NULL, 10);
	t.nthreads = strtoul(argv[6], NULL, 10);
	if (t.nvmas > MAX_VMAS || t.nfiles > MAX_FILES || t.nthreads > MAX_THREADS)
		return 2;
	t.seed = strtoull(t.token, NULL, 10) * 1000;
	snprintf(ready, sizeof(ready), "/tmp/crcmp-%s.ready", t.token);
	snprintf(check, sizeof(check), "/tmp/crcmp-%s.check", t.token);
	snprintf(quit, sizeof(quit), "/tmp/crcmp-%s.exit", t.token);
	snprintf(result, sizeof(result), "/tmp/crcmp-%s.result", t.token);
	target_setup();
	snprintf(text, sizeof(text), "%d\n", getpid());
	write_atomic(ready, text);
	idle_since = now();
	for (;;) {
		int last = access(quit, F_OK) == 0;

		if (last || access(check, F_OK) == 0) {
			const char *bad = target_verify(why, sizeof(why));

			t.checks++;
			if (*bad)
				snprintf(text, sizeof(text), "FAIL %s\n", bad);
			else
				snprintf(text, sizeof(text), "PASS %lu %d\n",
					 t.checks, getpid());
			unlink(check);
			write_atomic(result, text);
			if (last || *bad)
				_exit(*bad ? 1 : 0);
			idle_since = now();
		}
		if (now() - idle_since > 900)	/* forgotten: do not linger */
			_exit(4);
		sleep_ms(10);
	}
}

/* ------------------------------------------------------------ the driver */

static const char *self = "/proc/self/exe";
static char self_path[512];
static unsigned long token_seq;

static void show_file(const char *path)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	fprintf(stderr, "---- %s (last lines) ----\n", path);
	while (fgets(line, sizeof(line), f))
		n++;
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (n-- <= 30)
			fputs(line, stderr);
	fclose(f);
}

/*
 * Run argv, stdout to out_fd (or /dev/null), stderr to errlog; its wall
 * time. On failure shows errlog and toollog (e.g. CRIU's -o log) and stops.
 */
static double timed_run(char *const argv[], int out_fd, const char *errlog,
			const char *toollog)
{
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int err = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(err >= 0 ? err : null, 2);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid %s: %s", argv[0], strerror(errno));
	t0 = now() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		show_file(errlog);
		if (toollog)
			show_file(toollog);
		fprintf(stderr, "crcmp: command:");
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
		die("%s failed (wait status %#x)", argv[0], status);
	}
	return t0;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = read(fd, buf, len - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = 0;
	return 0;
}

/* until a (dead) pid is reaped or gone: the pid is free again afterwards */
static void reap(pid_t pid, const char *what)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	for (i = 0; i < 6000; i++) {
		pid_t got = waitpid(pid, NULL, WNOHANG);

		if (got == pid || (got < 0 && access(path, F_OK)))
			return;
		sleep_ms(5);
	}
	die("%s: pid %d is still there after 30 s", what, pid);
}

static void reap_strays(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

struct target {
	char token[32];
	size_t mib, nvmas, nfiles, nthreads;
	pid_t pid;		/* as the driver sees it */
	pid_t own_pid;		/* as it sees itself: kept by both tools' restart */
	unsigned long checks;
};

static void tpath(char *buf, size_t len, const struct target *tg, const char *ext)
{
	snprintf(buf, len, "/tmp/crcmp-%s.%s", tg->token, ext);
}

static void start_target(struct target *tg, size_t mib, size_t nvmas, size_t nfiles,
			 size_t nthreads)
{
	char mibs[32], vs[32], fs[32], ts[32], ready[128], buf[64];
	char *argv[] = { self_path, "target", tg->token, mibs, vs, fs, ts, NULL };
	int i;

	memset(tg, 0, sizeof(*tg));
	snprintf(tg->token, sizeof(tg->token), "%lu", ++token_seq);
	tg->mib = mib;
	tg->nvmas = nvmas;
	tg->nfiles = nfiles;
	tg->nthreads = nthreads;
	snprintf(ts, sizeof(ts), "%zu", nthreads);
	snprintf(mibs, sizeof(mibs), "%zu", mib);
	snprintf(vs, sizeof(vs), "%zu", nvmas);
	snprintf(fs, sizeof(fs), "%zu", nfiles);
	tpath(ready, sizeof(ready), tg, "ready");
	tg->pid = fork();
	if (tg->pid < 0)
		die("fork: %s", strerror(errno));
	if (tg->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		/* only stdio: crmod refuses descriptors it cannot restore */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		execv(self_path, argv);
		_exit(127);
	}
	for (i = 0; read_file(ready, buf, sizeof(buf)); i++) {
		if (waitpid(tg->pid, NULL, WNOHANG) == tg->pid)
			die("target %s (%zu MiB) died before it was ready", tg->token, mib);
		if (i > 30000)
			die("target %s (%zu MiB) not ready after 300 s", tg->token, mib);
		sleep_ms(10);
	}
	if (atoi(buf) != tg->pid)
		die("target %s says pid %s, started as %d", tg->token, buf, tg->pid);
	tg->own_pid = tg->pid;
	sleep_ms(50);	/* into its poll loop */
}

/* Ask the restored target to verify (and exit, if last); abort on FAIL. */
static void verify(struct target *tg, const char *tool, int last)
{
	char req[128], res[128], text[512], want[64];
	int i;

	tpath(req, sizeof(req), tg, last ? "exit" : "check");
	tpath(res, sizeof(res), tg, "result");
	unlink(res);
	write_atomic(req, "go\n");
	for (i = 0; read_file(res, text, sizeof(text)); i++) {
		if (i > 30000)
			die("%s: the restored target %s (pid %d, %zu MiB) did not answer within 300 s",
			    tool, tg->token, tg->pid, tg->mib);
		sleep_ms(10);
	}
	tg->checks++;
	snprintf(want, sizeof(want), "PASS %lu %d\n", tg->checks, tg->own_pid);
	if (strcmp(text, want))
		die("%s: WRONG RESULT from the restored target %s (%zu MiB, %zu VMAs, %zu files): "
		    "it says \"%.*s\", expected \"%.*s\"", tool, tg->token, tg->mib,
		    tg->nvmas, tg->nfiles, (int)strcspn(text, "\n"), text,
		    (int)strcspn(want, "\n"), want);
	unlink(res);
	if (last) {
		int status;

		if (waitpid(tg->pid, &status, 0) == tg->pid &&
		    (!WIFEXITED(status) || WEXITSTATUS(status)))
			die("%s: the restored target %s exited with status %#x", tool,
			    tg->token, status);
		reap(tg->pid, tool);
		unlink(req);
	}
}

static void cleanup_target(struct target *tg)
{
	char path[256], dir[128];
	size_t k;

	for (k = 0; k < tg->nfiles; k++) {
		file_path(path, sizeof(path), tg->token, k);
		unlink(path);
	}
	snprintf(dir, sizeof(dir), "/tmp/crcmp-%s-files", tg->token);
	rmdir(dir);
	tpath(path, sizeof(path), tg, "ready");
	unlink(path);
}

static off_t dir_bytes(const char *dir)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	off_t sum = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (!stat(path, &st) && S_ISREG(st.st_mode) &&
			    !strstr(e->d_name, ".log"))
				sum += st.st_size;
		}
	closedir(d);
	return sum;
}

static void rm_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

static off_t last_crmod_image, last_criu_image;

/*
 * crmod: checkpoint --kill, then restart --detach: in a new pid namespace,
 * with its own pid there; crctl prints the pid the driver sees.
 * With info: times `crctl info IMAGE` in between, for scale (a user-space
 * read and CRC32C check of the whole image).
 */
static void crmod_round(struct target *tg, double *ck, double *rs, double *info)
{
	char pidbuf[32], out[64];
	char *ckv[] = { "crctl", "checkpoint", pidbuf, "-o", CR_IMAGE, "--kill", NULL };
	char *rsv[] = { "crctl", "restart", "--detach", CR_IMAGE, NULL };
	struct stat st;
	int fd;

	snprintf(pidbuf, sizeof(pidbuf), "%d", tg->pid);
	*ck = timed_run(ckv, -1, "/tmp/crcmp-crctl.err", NULL);
	reap(tg->pid, "crctl checkpoint --kill");
	if (stat(CR_IMAGE, &st))
		die("crctl checkpoint wrote no %s", CR_IMAGE);
	last_crmod_image = st.st_size;
	if (info) {
		char *iv[] = { "crctl", "info", CR_IMAGE, NULL };

		*info = timed_run(iv, -1, "/tmp/crcmp-crctl.err", NULL);
	}
	fd = open("/tmp/crcmp-crctl.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
	*rs = timed_run(rsv, fd, "/tmp/crcmp-crctl.err", NULL);
	close(fd);
	if (read_file("/tmp/crcmp-crctl.out", out, sizeof(out)) || atoi(out) <= 0)
		die("crctl restart --detach printed no pid");
	tg->pid = atoi(out);
	unlink(CR_IMAGE);
}

/* CRIU: dump (kills the task), then restore -d (same pid) */
static void criu_round(struct target *tg, double *ck, double *rs)
{
	char pidbuf[32];
	char *ckv[] = { "criu", "dump", "-t", pidbuf, "-D", CRIU_DIR, "-o", "dump.log", NULL };
	char *rsv[] = { "criu", "restore", "-d", "-D", CRIU_DIR, "-o", "restore.log", NULL };

	rm_dir(CRIU_DIR);
	if (mkdir(CRIU_DIR, 0755))
		die("mkdir %s: %s", CRIU_DIR, strerror(errno));
	snprintf(pidbuf, sizeof(pidbuf), "%d", tg->pid);
	*ck = timed_run(ckv, -1, "/tmp/crcmp-criu.err", CRIU_DIR "/dump.log");
	reap(tg->pid, "criu dump");
	last_criu_image = dir_bytes(CRIU_DIR);
	*rs = timed_run(rsv, -1, "/tmp/crcmp-criu.err", CRIU_DIR "/restore.log");
	rm_dir(CRIU_DIR);
}

static double timed_dd(size_t mib)
{
	char count[32];
	char *argv[] = { "dd", "if=/dev/zero", "of=" DD_OUT, "bs=1M", count,
			 "conv=fsync", NULL };
	double t;

	snprintf(count, sizeof(count), "count=%zu", mib);
	t = timed_run(argv, -1, "/tmp/crcmp-dd.err", NULL);
	unlink(DD_OUT);
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat_s {
	double median, min, max;
};

static struct stat_s summarize(const double *in, int n)
{
	double v[MAX_RUNS * 2];
	struct stat_s s;

	memcpy(v, in, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

enum { CK, RS, DUMP, REST, DD, NKINDS, INFO = NKINDS };
static const char *const kind_key[NKINDS] = {
	"crmod_checkpoint_s", "crmod_restart_s", "criu_dump_s", "criu_restore_s", "dd_s"
};

struct row {
	size_t mib;
	int runs;
	struct stat_s s[NKINDS + 1];	/* + INFO */
	off_t crmod_image, criu_image;
};

/* one measurement of one target shape; the tool order alternates by run */
static void measure(size_t mib, size_t nvmas, size_t nfiles, size_t nthreads,
		    int runs, int with_dd, struct row *r)
{
	double v[NKINDS + 1][MAX_RUNS];
	struct target tg;
	int i, k;

	memset(r, 0, sizeof(*r));
	r->mib = mib;
	r->runs = runs;
	for (i = 0; i < runs; i++) {
		for (k = 0; k < 2; k++) {
			int use_criu = (i + k) % 2;

			start_target(&tg, mib, nvmas, nfiles, nthreads);
			if (use_criu)
				criu_round(&tg, &v[DUMP][i], &v[REST][i]);
			else
				crmod_round(&tg, &v[CK][i], &v[RS][i],
					    with_dd ? &v[INFO][i] : NULL);
			verify(&tg, use_criu ? "criu" : "crmod", 1);
			cleanup_target(&tg);
			reap_strays();
		}
		if (with_dd)
			v[DD][i] = timed_dd(mib);
		fprintf(stderr, "crcmp: %zu MiB%s%s run %d: crmod %.3f + %.3f s, criu %.3f + %.3f s, dd %.3f s, crctl info %.3f s\n",
			mib, nvmas ? " +VMAs/files" : "", nthreads ? " +threads" : "", i + 1, v[CK][i], v[RS][i],
			v[DUMP][i], v[REST][i], with_dd ? v[DD][i] : 0.0,
			with_dd ? v[INFO][i] : 0.0);
	}
	for (k = 0; k <= INFO; k++)
		if ((k != DD && k != INFO) || with_dd)
			r->s[k] = summarize(v[k], runs);
	r->crmod_image = last_crmod_image;
	r->criu_image = last_criu_image;
}

/* the same target checkpointed and restarted CHAIN times in a row */
static void chain(size_t mib, int n, struct stat_s *out, double *totals)
{
	double v[4][MAX_RUNS], t0;
	struct target tg;
	int i, k;

	for (k = 0; k < 2; k++) {
		const char *tool = k ? "criu" : "crmod";

		start_target(&tg, mib, 0, 0, 0);
		t0 = now();
		for (i = 0; i < n; i++) {
			if (k)
				criu_round(&tg, &v[2][i], &v[3][i]);
			else
				crmod_round(&tg, &v[0][i], &v[1][i], NULL);
			verify(&tg, tool, i == n - 1);
		}
		totals[k] = now() - t0;
		cleanup_target(&tg);
		reap_strays();
	}
	for (k = 0; k < 4; k++)
		out[k] = summarize(v[k], n);
	for (i = 0; i < n; i++) {	/* per-iteration round trips */
		v[0][i] += v[1][i];
		v[2][i] += v[3][i];
	}
	out[4] = summarize(v[0], n);
	out[5] = summarize(v[2], n);
}

static void json_stats(FILE *f, const struct stat_s *s, const char *const *keys, int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (keys[k])
			fprintf(f, "\"%s\": %.6f, ", keys[k], s[k].median);
	fprintf(f, "\"spread\": {");
	for (k = 0; k < n; k++)
		if (keys[k])
			fprintf(f, "%s\"%s\": [%.6f, %.6f]", k ? ", " : "", keys[k],
				s[k].min, s[k].max);
	fprintf(f, "}");
}

static void cpuinfo(char *model, size_t mlen, char *flags, size_t flen)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");

	*model = *flags = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		v += 1 + (v[1] == ' ');
		v[strcspn(v, "\n")] = 0;
		if (!*model && !strncmp(line, "model name", 10))
			snprintf(model, mlen, "%s", v);
		if (!*flags && !strncmp(line, "flags", 5))
			snprintf(flags, flen, "%s", v);
	}
	if (f)
		fclose(f);
}

static long mem_total_kib(void)
{
	char line[256];
	long kib = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* least squares time = a + b * MiB over the medians */
static void fit(const struct row *rows, int n, int kind, double *a, double *b, double *r2)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, den;
	int i;

	for (i = 0; i < n; i++) {
		double x = rows[i].mib, y = rows[i].s[kind].median;

		sx += x, sy += y, sxx += x * x, sxy += x * y, syy += y * y;
	}
	den = n * sxx - sx * sx;
	*b = den ? (n * sxy - sx * sy) / den : 0;
	*a = (sy - *b * sx) / n;
	den = (n * sxx - sx * sx) * (n * syy - sy * sy);
	*r2 = den > 0 ? (n * sxy - sx * sy) * (n * sxy - sx * sy) / den : 0;
}

static const struct row *find_row(const struct row *rows, int n, size_t mib)
{
	int i;

	for (i = 0; i < n; i++)
		if (rows[i].mib == mib)
			return &rows[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const char *const chain_keys[] = {
		"crmod_checkpoint_s", "crmod_restart_s", "criu_dump_s",
		"criu_restore_s", "crmod_roundtrip_s", "criu_roundtrip_s"
	};
	struct row rows[MAX_SIZES], vf, th;
	struct stat_s ch[6], ex[2];
	double totals[2], exec_crctl[MAX_RUNS], exec_criu[MAX_RUNS];
	char model[256], flags[4096];
	struct utsname u;
	const struct row *r1, *r256;
	int runs, nchain, nsizes, i, k;
	FILE *f;

	if (argc >= 2 && !strcmp(argv[1], "target"))
		return target_main(argc, argv);
	if (argc < 5 || (runs = atoi(argv[1])) < 1 || runs > MAX_RUNS ||
	    (nchain = atoi(argv[2])) < 1 || nchain > MAX_RUNS ||
	    argc - 4 > MAX_SIZES) {
		fprintf(stderr, "usage: crcmp RUNS CHAIN JSON MiB...\n"
				"       crcmp target TOKEN MiB VMAS FILES THREADS\n");
		return 2;
	}
	if (readlink(self, self_path, sizeof(self_path) - 1) < 0)
		die("readlink %s: %s", self, strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	signal(SIGCHLD, SIG_DFL);
	token_seq = (unsigned long)getpid() * 1000;
	nsizes = argc - 4;

	/* for scale: what one run of each tool costs before any work */
	{
		char *cv[] = { "crctl", "check", NULL };
		char *vv[] = { "criu", "--version", NULL };

		for (i = 0; i < runs; i++) {
			exec_crctl[i] = timed_run(cv, -1, "/tmp/crcmp-crctl.err", NULL);
			exec_criu[i] = timed_run(vv, -1, "/tmp/crcmp-criu.err", NULL);
		}
		ex[0] = summarize(exec_crctl, runs);
		ex[1] = summarize(exec_criu, runs);
	}
	/* untimed: both tools' binaries and libraries into the page cache */
	for (k = 0; k < 2; k++) {
		struct target tg;
		double x, y;

		start_target(&tg, 1, 0, 0, 0);
		if (k)
			criu_round(&tg, &x, &y);
		else
			crmod_round(&tg, &x, &y, NULL);
		verify(&tg, k ? "criu (warm-up)" : "crmod (warm-up)", 1);
		cleanup_target(&tg);
	}
	for (i = 0; i < nsizes; i++)
		measure(strtoul(argv[4 + i], NULL, 10), 0, 0, 0, runs, 1, &rows[i]);
	measure(1, 100, 50, 0, runs, 0, &vf);
	measure(1, 0, 0, BENCH_THREADS, runs, 0, &th);
	chain(1, nchain, ch, totals);

	/* the table */
	printf("\nseconds, median of %d (min-max); images on tmpfs; CRIU's kdat cache warm\n", runs);
	printf("%6s | %-21s %-21s | %-21s %-21s | %-21s | %6s %6s %6s\n", "MiB",
	       "crmod checkpoint", "criu dump", "crmod restart", "criu restore",
	       "dd to tmpfs", "dump/", "rest/", "ck/dd");
	printf("%6s | %-21s %-21s | %-21s %-21s | %-21s | %6s %6s %6s\n", "", "", "",
	       "", "", "", "ck", "rs", "");
	for (i = 0; i < nsizes; i++) {
		const struct stat_s *s = rows[i].s;
		char c[NKINDS][32];

		for (k = 0; k < NKINDS; k++)
			snprintf(c[k], sizeof(c[k]), "%.3f (%.3f-%.3f)", s[k].median,
				 s[k].min, s[k].max);
		printf("%6zu | %-21s %-21s | %-21s %-21s | %-21s | %6.2f %6.2f %6.2f\n",
		       rows[i].mib, c[CK], c[DUMP], c[RS], c[REST], c[DD],
		       s[DUMP].median / s[CK].median, s[REST].median / s[RS].median,
		       s[CK].median / s[DD].median);
	}
	printf("\n1 MiB + 100 small VMAs + 50 open files (median of %d):\n"
	       "  crmod checkpoint %.3f s, restart %.3f s; criu dump %.3f s, restore %.3f s\n",
	       runs, vf.s[CK].median, vf.s[RS].median, vf.s[DUMP].median, vf.s[REST].median);
	printf("\n1 MiB, %d threads (median of %d):\n"
	       "  crmod checkpoint %.3f s, restart %.3f s; criu dump %.3f s, restore %.3f s; "
	       "criu/crmod %.2fx\n",
	       BENCH_THREADS, runs, th.s[CK].median, th.s[RS].median, th.s[DUMP].median,
	       th.s[REST].median, (th.s[DUMP].median + th.s[REST].median) /
	       (th.s[CK].median + th.s[RS].median));
	printf("\n1 MiB checkpointed and restarted %d times in a row, per iteration (median):\n"
	       "  crmod checkpoint %.3f + restart %.3f = %.3f s; criu dump %.3f + restore %.3f = %.3f s\n"
	       "  whole chain: crmod %.2f s, criu %.2f s (each includes the verifications)\n",
	       nchain, ch[0].median, ch[1].median, ch[4].median, ch[2].median, ch[3].median,
	       ch[5].median, totals[0], totals[1]);
	printf("\nfor scale: `crctl info IMAGE`, a user-space read and CRC32C check of the whole\n"
	       "image (median; crctl restart checks the image in user space too, see crctl):\n");
	for (i = 0; i < nsizes; i++)
		printf("  %6zu MiB: %.3f s of crmod restart's %.3f s\n", rows[i].mib,
		       rows[i].s[INFO].median, rows[i].s[RS].median);
	printf("\nfor scale: `crctl check` takes %.3f s, `criu --version` %.3f s (median)\n",
	       ex[0].median, ex[1].median);
	printf("\nlinear fit of the medians, seconds = a + b * MiB:\n");
	for (k = 0; k < NKINDS; k++) {
		double a, b, r2;

		fit(rows, nsizes, k, &a, &b, &r2);
		printf("  %-20s a %.4f s, b %.5f s/MiB (%.3f s per 256 MiB), R^2 %.4f\n",
		       kind_key[k], a, b, b * 256, r2);
	}
	r1 = find_row(rows, nsizes, 1);
	r256 = find_row(rows, nsizes, 256);
	if (r1 || r256)
		printf("\ngoals:\n");
	if (r1)
		printf("  1 MiB checkpoint+restart vs criu dump+restore: %.2fx faster (goal >= 10x)\n",
		       (r1->s[DUMP].median + r1->s[REST].median) /
		       (r1->s[CK].median + r1->s[RS].median));
	if (r256) {
		printf("  256 MiB checkpoint vs criu dump: %.2fx faster (goal >= 2x)\n",
		       r256->s[DUMP].median / r256->s[CK].median);
		printf("  256 MiB checkpoint vs dd: %.2fx dd's time (goal <= 1.2x)\n",
		       r256->s[CK].median / r256->s[DD].median);
		printf("  256 MiB restart vs criu restore: %.2fx faster (goal >= 2x)\n",
		       r256->s[REST].median / r256->s[RS].median);
	}
	fflush(stdout);

	/* the JSON (the host adds date and guest settings) */
	f = fopen(argv[3], "w");
	if (!f)
		die("%s: %s", argv[3], strerror(errno));
	uname(&u);
	cpuinfo(model, sizeof(model), flags, sizeof(flags));
	fprintf(f, "\"runs\": %d,\n\"kernel\": \"%s\",\n\"guest_mem_kib\": %ld,\n"
		   "\"cpu_model\": \"%s\",\n\"cpu_flags\": \"%s\",\n\"sizes\": {",
		runs, u.release, mem_total_kib(), model, flags);
	for (i = 0; i < nsizes; i++) {
		fprintf(f, "%s\n  \"%zu\": {\"mib\": %zu, \"runs\": %d, ", i ? "," : "",
			rows[i].mib, rows[i].mib, runs);
		json_stats(f, rows[i].s, kind_key, NKINDS);
		fprintf(f, ", \"image_bytes\": {\"crmod\": %lld, \"criu\": %lld}, "
			   "\"diagnostic_crctl_info_s\": {\"median\": %.6f, \"min\": %.6f, \"max\": %.6f}}",
			(long long)rows[i].crmod_image, (long long)rows[i].criu_image,
			rows[i].s[INFO].median, rows[i].s[INFO].min, rows[i].s[INFO].max);
	}
	fprintf(f, "\n},\n\"linear_fit\": {");
	for (k = 0; k < NKINDS; k++) {
		double a, b, r2;

		fit(rows, nsizes, k, &a, &b, &r2);
		fprintf(f, "%s\n  \"%s\": {\"intercept_s\": %.6f, \"s_per_mib\": %.6f, \"r2\": %.5f}",
			k ? "," : "", kind_key[k], a, b, r2);
	}
	fprintf(f, "\n},\n\"vmas_files\": {\"mib\": 1, \"vmas\": 100, \"files\": 50, \"runs\": %d, ", runs);
	{
		const char *const keys[] = { "crmod_checkpoint_s", "crmod_restart_s",
					     "criu_dump_s", "criu_restore_s", NULL };

		json_stats(f, vf.s, keys, 4);
	}
	fprintf(f, ", \"image_bytes\": {\"crmod\": %lld, \"criu\": %lld}},\n",
		(long long)vf.crmod_image, (long long)vf.criu_image);
	fprintf(f, "\"threads\": {\"mib\": 1, \"threads\": %d, \"runs\": %d, ",
		BENCH_THREADS, runs);
	{
		const char *const keys[] = { "crmod_checkpoint_s", "crmod_restart_s",
					     "criu_dump_s", "criu_restore_s", NULL };

		json_stats(f, th.s, keys, 4);
	}
	fprintf(f, ", \"image_bytes\": {\"crmod\": %lld, \"criu\": %lld}},\n",
		(long long)th.crmod_image, (long long)th.criu_image);
	fprintf(f, "\"chain\": {\"mib\": 1, \"iterations\": %d, \"per_iteration\": {", nchain);
	json_stats(f, ch, chain_keys, 6);
	fprintf(f, "}, \"total_s\": {\"crmod\": %.6f, \"criu\": %.6f}},\n", totals[0], totals[1]);
	fprintf(f, "\"diagnostic_exec_s\": {\"crctl_check\": %.6f, \"criu_version\": %.6f}",
		ex[0].median, ex[1].median);
	if (r1 || r256) {
		fprintf(f, ",\n\"goals\": {");
		if (r1)
			fprintf(f, "\"1mib_roundtrip_criu_over_crmod\": %.4f%s",
				(r1->s[DUMP].median + r1->s[REST].median) /
				(r1->s[CK].median + r1->s[RS].median), r256 ? ", " : "");
		if (r256)
			fprintf(f, "\"256mib_criu_dump_over_crmod_checkpoint\": %.4f, "
				   "\"256mib_crmod_checkpoint_over_dd\": %.4f, "
				   "\"256mib_criu_restore_over_crmod_restart\": %.4f",
				r256->s[DUMP].median / r256->s[CK].median,
				r256->s[CK].median / r256->s[DD].median,
				r256->s[REST].median / r256->s[RS].median);
		fprintf(f, "}");
	}
	fprintf(f, "\n");
	if (fclose(f))
		die("%s: %s", argv[3], strerror(errno));
	return 0;
}
