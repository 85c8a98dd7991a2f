// SPDX-License-Identifier: GPL-2.0
/*
 * cr-fuzz: a structured mutation fuzzer of restart images, run in the
 * guest against the real module (issue 8, hostile images).
 *
 * From seed images that crctl checkpoint wrote in this guest, each mutant
 * changes what the sections say (struct layouts of include/uapi/linux/
 * crmod.h): integer fields set to boundary values, to values of other
 * fields, to addresses inside and outside the mappings; sections
 * duplicated, dropped, moved, truncated, grown, spliced in from another
 * seed; files pointed at other real files with their identity; then every
 * CRC and the trailer are made right again, so that the module's checks of
 * the content are what is tested. Each mutant is written to a file and
 * given to CRCTL_IOC_RESTART in a forked child, first with
 * CRMOD_RESTART_VALIDATE, then (if validate accepted) for real in another
 * throwaway child with a status fd, and judged:
 *
 *   refused     phase 1 said no, with one line, and the child is intact
 *   restarted   the child became the image's process (killed after a while)
 *   ponr        killed after the point of no return: the status line says
 *               why; phase 1 should have caught it if it can be checked
 *   hang        the ioctl did not return within --timeout        (BUG)
 *   kernel      the kernel log shows WARNING/BUG/Oops/Call Trace (BUG)
 *   leak        live allocations or files of the module not back to 0 once
 *               idle (CRCTL_IOC_TEST_FAULT, nth 0)                (BUG)
 *   intact      a refused (or validated) caller came out changed  (BUG)
 *   message     the reason is empty, not NUL-terminated or several lines,
 *               or the ioctl returned 0 for a real restart         (BUG)
 *   differ      validate and restart disagree                      (BUG)
 *
 * Deterministic: mutant I of seed S is made from S and I alone (the same
 * seed images given in the same order); --only I remakes one. Every
 * interesting mutant (a BUG or a post-PONR failure) is saved to --out with
 * its seed, index, mutation and verdict, so that --replay FILE runs it
 * again. Before each mutant a line "cr-fuzz: #I ..." goes to the kernel log
 * (and the console), so that a mutant that panics the kernel is named.
 *
 *   cr-fuzz [--seed S] [--iterations N] [--start I] [--only I] [--batch N]
 *           [--out DIR] [--timeout SEC] [--settle MS] [--recheck PCT]
 *           [--no-real] [--ponr-fails] [--verbose] SEED.cr...
 *   cr-fuzz --replay [--out DIR] FILE...   judge these images as they are
 *   cr-fuzz --selftest SEED.cr             every planted failure must be
 *                                          flagged (the judge can fail)
 *
 * Exit 0: no BUG (post-PONR failures are reported, and fail only with
 * --ponr-fails); 1: a BUG; 2: usage or setup error.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/crmod.h>

#define DEVICE		"/dev/" CRMOD_DEVICE_NAME
#define HDR_SIZE	sizeof(struct crmod_image_header)
#define SEC_SIZE	sizeof(struct crmod_section_header)
#define MAX_SEEDS	32
#define MAX_SMALL	(16u << 20)	/* the module reads other sections whole */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- options and totals ---- */

static uint64_t opt_seed = 1;
static long opt_iterations = 100, opt_start, opt_batch = 25;
static long opt_only = -1;
static const char *opt_out;
static unsigned int opt_timeout = 30, opt_settle_ms = 300, opt_recheck = 2;
static int opt_real = 1, opt_ponr_fails, opt_verbose;
static const char *work = "/tmp/cr-fuzz";

enum verdict {
	V_REFUSED, V_RESTARTED, V_PONR, V_HANG, V_KERNEL, V_LEAK, V_INTACT,
	V_MESSAGE, V_DIFFER, V_COUNT
};
static const char *const verdict_names[V_COUNT] = {
	"refused", "restarted", "ponr", "hang", "kernel", "leak", "intact",
	"message", "differ",
};
static long counts[V_COUNT];
static long accepted_only, real_refused, rechecked, restored_ids, runs_exit0, runs_signal,
	    runs_killed;
static int bugs, ponr_seen;

/* Distinct refusal and post-PONR reasons, numbers taken out. */
struct reason {
	char sig[160];
	long n;
	long first;	/* mutant */
	int saved;
};
static struct reason refusal_reasons[512], ponr_reasons[128];
static int nrefusal, nponr;

/* ---- small helpers ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("cr-fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng;

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t rnd(void)
{
	rng += 0x9e3779b97f4a7c15ULL;
	return mix64(rng);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int pct)
{
	return below(100) < pct;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78 & -(c & 1));
		crc_table[i] = c;
	}
}

static uint32_t crc32c(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = 0xffffffff;

	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static size_t read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return 0;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fd);
	return len;
}

/* ---- images ---- */

static const char *const type_names[] = {
	[CRMOD_SEC_END] = "END",	 [CRMOD_SEC_TASK] = "TASK",
	[CRMOD_SEC_FILE] = "FILE",	 [CRMOD_SEC_VMAS] = "VMAS",
	[CRMOD_SEC_PAGES] = "PAGES",	 [CRMOD_SEC_REGS_X86] = "REGS_X86",
	[CRMOD_SEC_REGS_PPC] = "REGS_PPC", [CRMOD_SEC_SIGNALS] = "SIGNALS",
	[CRMOD_SEC_FDS] = "FDS",	 [CRMOD_SEC_CREDS] = "CREDS",
	[CRMOD_SEC_PENDING] = "PENDING", [CRMOD_SEC_PIPE] = "PIPE",
	[CRMOD_SEC_OFDS] = "OFDS",	 [CRMOD_SEC_FILE_DATA] = "FILE_DATA",
	[CRMOD_SEC_LOCKS] = "LOCKS",	 [CRMOD_SEC_TIMERS] = "TIMERS",
	[CRMOD_SEC_CGROUP] = "CGROUP",
};
#define NTYPES ARRAY_SIZE(type_names)

static const char *tname(uint32_t type)
{
	return type < NTYPES && type_names[type] ? type_names[type] : "UNKNOWN";
}

struct sec {
	struct crmod_section_header h;
	unsigned char *p;	/* payload, h.length bytes */
	bool own;		/* p is this image's to free */
	bool dirty;		/* payload changed: CRC to compute */
};

struct img {
	unsigned char hdr[HDR_SIZE];
	struct sec *s;
	int n, cap;
	int seed;		/* which seed it came from */
	char name[96];
};

static struct img seeds[MAX_SEEDS];
static int nseeds;

static void img_room(struct img *m, int n)
{
	if (n <= m->cap)
		return;
	m->cap = n + 16;
	m->s = realloc(m->s, (size_t)m->cap * sizeof(*m->s));
	if (!m->s)
		die("out of memory");
}

static void load_seed(const char *path)
{
	struct img *m = &seeds[nseeds];
	unsigned char *buf;
	struct stat st;
	size_t at = HDR_SIZE;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *base = strrchr(path, '/');

	if (nseeds == MAX_SEEDS)
		die("at most %d seed images", MAX_SEEDS);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
		die("%s: cannot read it", path);
	close(fd);
	if ((size_t)st.st_size < HDR_SIZE || memcmp(buf, CRMOD_IMAGE_MAGIC, 8) ||
	    crc32c(buf, offsetof(struct crmod_image_header, header_crc)) !=
	    ((struct crmod_image_header *)buf)->header_crc)
		die("%s: not a well-formed image (header)", path);
	memcpy(m->hdr, buf, HDR_SIZE);
	for (;;) {
		struct sec s = { 0 };

		if (at + SEC_SIZE > (size_t)st.st_size)
			die("%s: no END section", path);
		memcpy(&s.h, buf + at, SEC_SIZE);
		if (s.h.length > (size_t)st.st_size - at - SEC_SIZE ||
		    crc32c(buf + at + SEC_SIZE, s.h.length) != s.h.payload_crc)
			die("%s: section %d is not well-formed", path, m->n);
		s.p = malloc(s.h.length + 8);
		if (!s.p)
			die("out of memory");
		memcpy(s.p, buf + at + SEC_SIZE, s.h.length);
		s.own = true;
		img_room(m, m->n + 1);
		m->s[m->n++] = s;
		if (s.h.type == CRMOD_SEC_END)
			break;
		at += SEC_SIZE + ((s.h.length + 7) & ~(uint64_t)7);
	}
	free(buf);
	m->seed = nseeds;
	snprintf(m->name, sizeof(m->name), "%s", base ? base + 1 : path);
	nseeds++;
}

/* A mutant shares its seed's payloads until it changes one. */
static void img_clone(struct img *m, const struct img *from)
{
	memcpy(m->hdr, from->hdr, HDR_SIZE);
	m->n = 0;
	m->cap = 0;
	m->s = NULL;
	img_room(m, from->n);
	memcpy(m->s, from->s, (size_t)from->n * sizeof(*m->s));
	for (int i = 0; i < from->n; i++)
		m->s[i].own = false;
	m->n = from->n;
	m->seed = from->seed;
	snprintf(m->name, sizeof(m->name), "%s", from->name);
}

static void img_free(struct img *m)
{
	for (int i = 0; i < m->n; i++)
		if (m->s[i].own)
			free(m->s[i].p);
	free(m->s);
	m->s = NULL;
	m->n = m->cap = 0;
}

/* Make section i's payload the mutant's own, with room for len bytes. */
static unsigned char *sec_own(struct sec *s, uint64_t len)
{
	unsigned char *p = malloc(len + 8);

	if (!p)
		die("out of memory");
	memcpy(p, s->p, s->h.length < len ? s->h.length : len);
	if (len > s->h.length)
		memset(p + s->h.length, 0, len - s->h.length);
	if (s->own)
		free(s->p);
	s->p = p;
	s->own = true;
	s->dirty = true;
	s->h.length = len;
	return p;
}

static void sec_insert(struct img *m, int at, const struct sec *s)
{
	img_room(m, m->n + 1);
	memmove(&m->s[at + 1], &m->s[at], (size_t)(m->n - at) * sizeof(*m->s));
	m->s[at] = *s;
	m->s[at].own = false;	/* shares the payload it came from */
	m->n++;
}

static void sec_remove(struct img *m, int at)
{
	if (m->s[at].own)
		free(m->s[at].p);
	memmove(&m->s[at], &m->s[at + 1], (size_t)(m->n - at - 1) * sizeof(*m->s));
	m->n--;
}

/* Sections before END, as they are now. */
static int body(const struct img *m)
{
	int n = 0;

	while (n < m->n && m->s[n].h.type != CRMOD_SEC_END)
		n++;
	return n;
}

/* The image framed anew: every CRC computed, the trailer counting anew. */
static unsigned char *img_frame(struct img *m, size_t *len_out)
{
	size_t cap = HDR_SIZE, at = HDR_SIZE;
	uint64_t count = 0;
	unsigned char *out;
	struct crmod_image_header *h;

	for (int i = 0; i < m->n; i++)
		cap += SEC_SIZE + ((m->s[i].h.length + 7) & ~(uint64_t)7);
	out = calloc(1, cap);
	if (!out)
		die("out of memory for a %zu-byte image", cap);
	h = (struct crmod_image_header *)m->hdr;
	h->header_crc = crc32c(m->hdr, offsetof(struct crmod_image_header, header_crc));
	memcpy(out, m->hdr, HDR_SIZE);
	for (int i = 0; i < m->n; i++) {
		struct sec *s = &m->s[i];

		if (s->h.type == CRMOD_SEC_END && s->h.length == sizeof(struct crmod_image_trailer)) {
			struct crmod_image_trailer t = { .sections = count, .image_bytes = at };

			if (memcmp(s->p, &t, sizeof(t))) {
				sec_own(s, sizeof(t));
				memcpy(s->p, &t, sizeof(t));
			}
		} else {
			count++;
		}
		if (s->dirty) {
			s->h.payload_crc = crc32c(s->p, s->h.length);
			s->dirty = false;
		}
		s->h.header_crc = crc32c(&s->h, offsetof(struct crmod_section_header, header_crc));
		memcpy(out + at, &s->h, SEC_SIZE);
		memcpy(out + at + SEC_SIZE, s->p, s->h.length);
		at += SEC_SIZE + ((s->h.length + 7) & ~(uint64_t)7);
	}
	*len_out = at;
	return out;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, buf, len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* ---- what the fields of each section are ---- */

enum fkind { F_INT, F_ADDR, F_ID, F_FLAGS, F_LEN, F_SIG };

struct fdef {
	const char *name;
	uint32_t off;
	uint8_t size;
	uint8_t kind;
	uint16_t nelem;		/* an array inside the record; 0: to the payload's end */
	uint32_t estride;
};

struct tdef {
	uint32_t type;
	uint32_t head;		/* bytes before the records (or the whole record) */
	uint32_t rec;		/* a record's size in an array section, else 0 */
	unsigned int weight;
	const struct fdef *f;
	size_t nf;
};

#define FD1(st, fld, k) { #fld, offsetof(struct st, fld), sizeof(((struct st *)0)->fld), k, 1, 0 }
#define FDA(st, fld, k) { #fld, offsetof(struct st, fld), sizeof(((struct st *)0)->fld[0]), k, \
			  ARRAY_SIZE(((struct st *)0)->fld), sizeof(((struct st *)0)->fld[0]) }
#define FDX(name, off, size, k) { name, off, size, k, 1, 0 }

static const struct fdef task_fields[] = {
	FD1(crmod_task, pid, F_INT), FD1(crmod_task, personality, F_FLAGS),
	FD1(crmod_task, nice, F_INT), FD1(crmod_task, umask, F_FLAGS),
	FD1(crmod_task, exe_file, F_ID), FD1(crmod_task, cwd_file, F_ID),
	FD1(crmod_task, auxv_words, F_LEN), FD1(crmod_task, root_file, F_ID),
	FD1(crmod_task, start_code, F_ADDR), FD1(crmod_task, end_code, F_ADDR),
	FD1(crmod_task, start_data, F_ADDR), FD1(crmod_task, end_data, F_ADDR),
	FD1(crmod_task, start_brk, F_ADDR), FD1(crmod_task, brk, F_ADDR),
	FD1(crmod_task, start_stack, F_ADDR), FD1(crmod_task, arg_start, F_ADDR),
	FD1(crmod_task, arg_end, F_ADDR), FD1(crmod_task, env_start, F_ADDR),
	FD1(crmod_task, env_end, F_ADDR), FDA(crmod_task, auxv, F_INT),
	FDA(crmod_task, rlim_cur, F_LEN), FDA(crmod_task, rlim_max, F_LEN),
	FD1(crmod_task, rseq, F_ADDR), FD1(crmod_task, rseq_len, F_LEN),
	FD1(crmod_task, rseq_sig, F_INT), FD1(crmod_task, robust_list, F_ADDR),
	FD1(crmod_task, robust_list_len, F_LEN), FD1(crmod_task, clear_child_tid, F_ADDR),
	FD1(crmod_task, timer_slack_ns, F_LEN), FD1(crmod_task, default_timer_slack_ns, F_LEN),
	FD1(crmod_task, oom_score_adj, F_INT), FD1(crmod_task, oom_score_adj_min, F_INT),
	FD1(crmod_task, loginuid, F_INT), FD1(crmod_task, sessionid, F_INT),
	FD1(crmod_task, dumpable, F_INT), FD1(crmod_task, pdeath_signal, F_SIG),
	FD1(crmod_task, flags, F_FLAGS), FD1(crmod_task, sched_policy, F_INT),
	FD1(crmod_task, sched_priority, F_INT), FD1(crmod_task, ioprio, F_FLAGS),
	FD1(crmod_task, coredump_filter, F_FLAGS), FD1(crmod_task, reserved, F_INT),
	FDA(crmod_task, cpu_affinity, F_FLAGS), FDX("comm[0]", 0, 8, F_INT),
	FDX("comm[8]", 8, 8, F_INT),
};

static const struct fdef file_fields[] = {
	FD1(crmod_file, id, F_ID), FD1(crmod_file, kind, F_INT),
	FD1(crmod_file, size, F_LEN), FD1(crmod_file, mtime_sec, F_INT),
	FD1(crmod_file, mtime_nsec, F_INT), FD1(crmod_file, mode, F_FLAGS),
	FD1(crmod_file, ino, F_INT), FD1(crmod_file, dev_major, F_INT),
	FD1(crmod_file, dev_minor, F_INT), FD1(crmod_file, uid, F_INT),
	FD1(crmod_file, gid, F_INT), FD1(crmod_file, dir, F_ID),
	FD1(crmod_file, seals, F_FLAGS), FD1(crmod_file, path_len, F_LEN),
	FD1(crmod_file, reserved, F_INT),
};

static const struct fdef vma_fields[] = {
	FD1(crmod_vma, start, F_ADDR), FD1(crmod_vma, end, F_ADDR),
	FD1(crmod_vma, pgoff, F_LEN), FD1(crmod_vma, prot, F_FLAGS),
	FD1(crmod_vma, flags, F_FLAGS), FD1(crmod_vma, file, F_ID),
	FD1(crmod_vma, build_id, F_INT),
};

static const struct fdef pages_fields[] = {
	FD1(crmod_pages, addr, F_ADDR), FD1(crmod_pages, nr_pages, F_LEN),
	FDX("content", sizeof(struct crmod_pages), 8, F_INT),
};

#define XS(off) (uint32_t)(sizeof(struct crmod_x86_regs) + (off))
static const struct fdef x86_fields[] = {
	FD1(crmod_x86_regs, r15, F_INT), FD1(crmod_x86_regs, bp, F_ADDR),
	FD1(crmod_x86_regs, bx, F_INT), FD1(crmod_x86_regs, r11, F_FLAGS),
	FD1(crmod_x86_regs, ax, F_INT), FD1(crmod_x86_regs, cx, F_ADDR),
	FD1(crmod_x86_regs, di, F_ADDR), FD1(crmod_x86_regs, orig_ax, F_INT),
	FD1(crmod_x86_regs, ip, F_ADDR), FD1(crmod_x86_regs, cs, F_INT),
	FD1(crmod_x86_regs, flags, F_FLAGS), FD1(crmod_x86_regs, sp, F_ADDR),
	FD1(crmod_x86_regs, ss, F_INT), FD1(crmod_x86_regs, fs_base, F_ADDR),
	FD1(crmod_x86_regs, gs_base, F_ADDR), FD1(crmod_x86_regs, fs, F_INT),
	FD1(crmod_x86_regs, gs, F_INT), FD1(crmod_x86_regs, ds, F_INT),
	FD1(crmod_x86_regs, es, F_INT), FD1(crmod_x86_regs, xsave_size, F_LEN),
	FD1(crmod_x86_regs, reserved, F_INT), FDA(crmod_x86_regs, debugreg, F_ADDR),
	FDX("fx.fcw", XS(0), 2, F_FLAGS), FDX("fx.ftw", XS(4), 1, F_FLAGS),
	FDX("fx.mxcsr", XS(24), 4, F_FLAGS), FDX("fx.mxcsr_mask", XS(28), 4, F_FLAGS),
	FDX("fx.st0", XS(32), 8, F_INT), FDX("fx.xmm0", XS(160), 8, F_INT),
	FDX("fx.sw_reserved", XS(464), 8, F_INT), FDX("fx.sw_magic", XS(464 + 0), 4, F_INT),
	FDX("xsave.xstate_bv", XS(512), 8, F_FLAGS),
	FDX("xsave.xcomp_bv", XS(520), 8, F_FLAGS),
	FDX("xsave.reserved", XS(528), 8, F_INT), FDX("xsave.ymmh0", XS(576), 8, F_INT),
	FDX("xsave.pkru?", XS(2688), 4, F_FLAGS),
};

static const struct fdef ppc_fields[] = {
	FDA(crmod_ppc_regs, gpr, F_ADDR), FD1(crmod_ppc_regs, nip, F_ADDR),
	FD1(crmod_ppc_regs, msr, F_FLAGS), FD1(crmod_ppc_regs, orig_gpr3, F_INT),
	FD1(crmod_ppc_regs, ctr, F_ADDR), FD1(crmod_ppc_regs, link, F_ADDR),
	FD1(crmod_ppc_regs, xer, F_FLAGS), FD1(crmod_ppc_regs, ccr, F_FLAGS),
	FD1(crmod_ppc_regs, softe, F_INT), FD1(crmod_ppc_regs, trap, F_INT),
	FD1(crmod_ppc_regs, dar, F_ADDR), FD1(crmod_ppc_regs, dsisr, F_FLAGS),
	FD1(crmod_ppc_regs, result, F_INT), FDA(crmod_ppc_regs, fpr, F_INT),
	FD1(crmod_ppc_regs, fpscr, F_FLAGS),
	{ "vr", offsetof(struct crmod_ppc_regs, vr), 8, F_INT, 64, 8 },
	FDA(crmod_ppc_regs, vscr, F_FLAGS), FD1(crmod_ppc_regs, vrsave, F_FLAGS),
	FD1(crmod_ppc_regs, flags, F_FLAGS), FDA(crmod_ppc_regs, vsx_low, F_INT),
	FD1(crmod_ppc_regs, tar, F_ADDR), FD1(crmod_ppc_regs, dscr, F_FLAGS),
	FD1(crmod_ppc_regs, ppr, F_FLAGS),
};

#define SA(f) { "action." #f, offsetof(struct crmod_signals, action[0].f), 8, \
		 F_ADDR, CRMOD_NSIG, sizeof(struct crmod_sigaction) }
static const struct fdef signals_fields[] = {
	SA(handler), { "action.flags", offsetof(struct crmod_signals, action[0].flags), 8,
		       F_FLAGS, CRMOD_NSIG, sizeof(struct crmod_sigaction) },
	SA(restorer), { "action.mask", offsetof(struct crmod_signals, action[0].mask), 8,
			F_FLAGS, CRMOD_NSIG, sizeof(struct crmod_sigaction) },
	FD1(crmod_signals, blocked, F_FLAGS), FD1(crmod_signals, altstack_sp, F_ADDR),
	FD1(crmod_signals, altstack_size, F_LEN), FD1(crmod_signals, altstack_flags, F_FLAGS),
	FD1(crmod_signals, reserved, F_INT),
};

static const struct fdef fd_fields[] = {
	FD1(crmod_fd, fd, F_INT), FD1(crmod_fd, ofd, F_ID),
	FD1(crmod_fd, fd_flags, F_FLAGS), FD1(crmod_fd, reserved, F_INT),
};

static const struct fdef creds_fields[] = {
	FD1(crmod_creds, uid, F_INT), FD1(crmod_creds, euid, F_INT),
	FD1(crmod_creds, suid, F_INT), FD1(crmod_creds, fsuid, F_INT),
	FD1(crmod_creds, gid, F_INT), FD1(crmod_creds, egid, F_INT),
	FD1(crmod_creds, sgid, F_INT), FD1(crmod_creds, fsgid, F_INT),
	FD1(crmod_creds, cap_inheritable, F_FLAGS), FD1(crmod_creds, cap_permitted, F_FLAGS),
	FD1(crmod_creds, cap_effective, F_FLAGS), FD1(crmod_creds, cap_bset, F_FLAGS),
	FD1(crmod_creds, cap_ambient, F_FLAGS), FD1(crmod_creds, securebits, F_FLAGS),
	FD1(crmod_creds, ngroups, F_LEN),
	{ "groups", sizeof(struct crmod_creds), 4, F_INT, 0, 4 },
};

static const struct fdef pending_fields[] = {
	FD1(crmod_pending_signal, signo, F_SIG), FD1(crmod_pending_signal, flags, F_FLAGS),
	FDX("info.si_signo", offsetof(struct crmod_pending_signal, info), 4, F_SIG),
	FDX("info.si_errno", offsetof(struct crmod_pending_signal, info) + 4, 4, F_INT),
	FDX("info.si_code", offsetof(struct crmod_pending_signal, info) + 8, 4, F_INT),
	FDX("info.word3", offsetof(struct crmod_pending_signal, info) + 16, 8, F_INT),
	FDX("info.word4", offsetof(struct crmod_pending_signal, info) + 24, 8, F_ADDR),
	FDX("info.pad", offsetof(struct crmod_pending_signal, info) + 64, 8, F_INT),
};

static const struct fdef pipe_fields[] = {
	FD1(crmod_pipe, id, F_ID), FD1(crmod_pipe, fifo, F_ID),
	FD1(crmod_pipe, capacity, F_LEN), FD1(crmod_pipe, len, F_LEN),
};

static const struct fdef ofd_fields[] = {
	FD1(crmod_ofd, id, F_ID), FD1(crmod_ofd, kind, F_INT),
	FD1(crmod_ofd, object, F_ID), FD1(crmod_ofd, flags, F_FLAGS),
	FD1(crmod_ofd, pos, F_LEN),
};

static const struct fdef file_data_fields[] = {
	FD1(crmod_file_data, file, F_ID), FD1(crmod_file_data, reserved, F_INT),
	FD1(crmod_file_data, offset, F_LEN), FD1(crmod_file_data, len, F_LEN),
};

static const struct fdef lock_fields[] = {
	FD1(crmod_lock, ofd, F_ID), FD1(crmod_lock, kind, F_INT),
	FD1(crmod_lock, type, F_INT), FD1(crmod_lock, reserved, F_INT),
	FD1(crmod_lock, start, F_LEN), FD1(crmod_lock, end, F_LEN),
};

static const struct fdef timer_fields[] = {
	FDX("real.value_ns", 0, 8, F_LEN), FDX("real.interval_ns", 8, 8, F_LEN),
};

static const struct fdef cgroup_fields[] = {
	FDX("path[0]", 0, 8, F_INT),
};

static const struct fdef end_fields[] = {
	FD1(crmod_image_trailer, sections, F_LEN), FD1(crmod_image_trailer, image_bytes, F_LEN),
};

#define TD(t, head, rec, w, f) { CRMOD_SEC_##t, head, rec, w, f, ARRAY_SIZE(f) }
static const struct tdef tdefs[] = {
	TD(TASK, sizeof(struct crmod_task), 0, 12, task_fields),
	TD(FILE, sizeof(struct crmod_file), 0, 10, file_fields),
	TD(VMAS, 0, sizeof(struct crmod_vma), 12, vma_fields),
	TD(PAGES, sizeof(struct crmod_pages), 0, 5, pages_fields),
	TD(REGS_X86, sizeof(struct crmod_x86_regs), 0, 9, x86_fields),
	TD(REGS_PPC, sizeof(struct crmod_ppc_regs), 0, 9, ppc_fields),
	TD(SIGNALS, sizeof(struct crmod_signals), 0, 7, signals_fields),
	TD(FDS, 0, sizeof(struct crmod_fd), 6, fd_fields),
	TD(CREDS, sizeof(struct crmod_creds), 0, 7, creds_fields),
	TD(PENDING, 0, sizeof(struct crmod_pending_signal), 6, pending_fields),
	TD(PIPE, sizeof(struct crmod_pipe), 0, 5, pipe_fields),
	TD(OFDS, 0, sizeof(struct crmod_ofd), 8, ofd_fields),
	TD(FILE_DATA, sizeof(struct crmod_file_data), 0, 5, file_data_fields),
	TD(LOCKS, 0, sizeof(struct crmod_lock), 5, lock_fields),
	TD(TIMERS, sizeof(struct crmod_timers), 0, 3, timer_fields),
	TD(CGROUP, 0, 0, 2, cgroup_fields),
	TD(END, sizeof(struct crmod_image_trailer), 0, 0, end_fields),
};

static const struct tdef *tdef_of(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(tdefs); i++)
		if (tdefs[i].type == type)
			return &tdefs[i];
	return NULL;
}

/* ---- the mutations ---- */

struct mut {
	struct img *m;
	char desc[1024];
	size_t dlen;
	uint32_t page;
};

static void note(struct mut *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct mut *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->dlen + 4 >= sizeof(c->desc))
		return;
	if (c->dlen) {
		memcpy(c->desc + c->dlen, "; ", 2);
		c->dlen += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(c->desc + c->dlen, sizeof(c->desc) - c->dlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->dlen += (size_t)n < sizeof(c->desc) - c->dlen ? (size_t)n :
			   sizeof(c->desc) - c->dlen - 1;
}

/* "TYPE:N" of section i: the Nth of its type. */
static const char *sname(const struct img *m, int i)
{
	static char buf[4][48];
	static int slot;
	int nth = 0;
	char *b = buf[slot++ % 4];

	for (int k = 0; k < i; k++)
		nth += m->s[k].h.type == m->s[i].h.type;
	snprintf(b, sizeof(buf[0]), "%s:%d", tname(m->s[i].h.type), nth);
	return b;
}

/* A section, by the weight of its type, not END (-1: none). */
static int pick_section(const struct img *m, uint32_t want_type)
{
	unsigned int same[NTYPES + 1] = { 0 }, n = (unsigned int)body(m);
	uint64_t total = 0, r = 0;

	for (unsigned int i = 0; i < n; i++)
		same[m->s[i].h.type < NTYPES ? m->s[i].h.type : NTYPES]++;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < n; i++) {
			uint32_t type = m->s[i].h.type;
			const struct tdef *t = tdef_of(type);
			uint64_t w = want_type ? (type == want_type) * 100 :
				     (t ? t->weight * 1000 : 500) /
				     same[type < NTYPES ? type : NTYPES] + 1;

			if (!pass) {
				total += w;
				continue;
			}
			if (r < w)
				return (int)i;
			r -= w;
		}
		if (!total)
			return -1;
		r = below(total);
	}
	return -1;
}

static int find_type(const struct img *m, uint32_t type, int nth)
{
	for (int i = 0; i < m->n; i++)
		if (m->s[i].h.type == type && nth-- == 0)
			return i;
	return -1;
}

/* The mutant's VMAs, for addresses inside and outside them. */
static const struct crmod_vma *vmas_of(const struct img *m, size_t *n)
{
	int i = find_type(m, CRMOD_SEC_VMAS, 0);

	*n = 0;
	if (i < 0)
		return NULL;
	*n = m->s[i].h.length / sizeof(struct crmod_vma);
	return (const struct crmod_vma *)m->s[i].p;
}

static uint64_t user_top(const struct img *m)
{
	const struct crmod_image_header *h = (const void *)m->hdr;

	return h->machine.arch == CRMOD_ARCH_PPC64 ? 1ULL << 52 : (1ULL << 47) - 4096;
}

static uint64_t addr_value(struct mut *c, int inside)
{
	size_t n;
	const struct crmod_vma *v = vmas_of(c->m, &n);
	uint64_t page = c->page, top = user_top(c->m);

	if (inside && n) {
		const struct crmod_vma *x = &v[below(n)];
		uint64_t span = x->end > x->start ? x->end - x->start : page;

		switch (below(6)) {
		case 0: return x->start;
		case 1: return x->end - page;
		case 2: return x->end - 1;
		case 3: return x->end - 8;
		case 4: return x->start + (below(span / page + 1) * page);
		default: return x->start + below(span);
		}
	}
	switch (below(12)) {
	case 0: return n ? v[below(n)].end : 0x10000;
	case 1: return n ? v[below(n)].start - page : 0x10000;
	case 2: return 0x10000;
	case 3: return page;
	case 4: return top;
	case 5: return top - page;
	case 6: return 1ULL << 47;
	case 7: return (1ULL << 56) - 4096;
	case 8: return 1ULL << 52;
	case 9: return 0xffff800000000000ULL;	/* kernel space on x86 */
	case 10: return 0xc000000000000000ULL;	/* kernel space on ppc */
	default: return n ? v[n - 1].end + page * below(16) : top / 2;
	}
}

/* Another field's value: 8 aligned bytes of any small section. */
static uint64_t other_value(struct mut *c)
{
	for (int tries = 0; tries < 8; tries++) {
		int i = pick_section(c->m, 0);
		uint64_t v = 0;
		const struct sec *s;

		if (i < 0)
			break;
		s = &c->m->s[i];
		if (s->h.length < 8)
			continue;
		memcpy(&v, s->p + below(s->h.length / 8) * 8, 8);
		return v;
	}
	return 0;
}

/* The bits a flags field may carry, to flip one of them more often than others. */
static const struct {
	uint32_t type;
	const char *name;
	uint64_t mask;
} known_bits[] = {
	{ CRMOD_SEC_VMAS, "flags", CRMOD_VMA_KNOWN_FLAGS }, { CRMOD_SEC_VMAS, "prot", 7 },
	{ CRMOD_SEC_TASK, "flags", CRMOD_TASK_KNOWN_FLAGS },
	{ CRMOD_SEC_TASK, "personality", 0x0fff00ff }, { CRMOD_SEC_TASK, "umask", 0777 },
	{ CRMOD_SEC_TASK, "ioprio", 0xe007 }, { CRMOD_SEC_TASK, "coredump_filter", 0x1ff },
	{ CRMOD_SEC_TASK, "cpu_affinity", 0xf }, { CRMOD_SEC_FILE, "mode", 0177777 },
	{ CRMOD_SEC_FILE, "seals", 0x3f }, { CRMOD_SEC_REGS_X86, "flags", 0x3f7fd5 },
	{ CRMOD_SEC_REGS_X86, "r11", 0x3f7fd5 }, { CRMOD_SEC_REGS_X86, "xsave.xstate_bv", 0x7ffff },
	{ CRMOD_SEC_REGS_X86, "fx.mxcsr", 0x3ffff }, { CRMOD_SEC_REGS_X86, "fx.fcw", 0x1f3f },
	{ CRMOD_SEC_REGS_PPC, "msr", 0x800000070280ff37ULL }, { CRMOD_SEC_REGS_PPC, "flags", 0x1f },
	{ CRMOD_SEC_SIGNALS, "action.flags", 0xfc000c07 },
	{ CRMOD_SEC_SIGNALS, "altstack_flags", 0x80000003 }, { CRMOD_SEC_FDS, "fd_flags", 1 },
	{ CRMOD_SEC_CREDS, "securebits", 0xff }, { CRMOD_SEC_CREDS, "cap_permitted", 0x1ffffffffffULL },
	{ CRMOD_SEC_CREDS, "cap_effective", 0x1ffffffffffULL },
	{ CRMOD_SEC_CREDS, "cap_inheritable", 0x1ffffffffffULL },
	{ CRMOD_SEC_CREDS, "cap_ambient", 0x1ffffffffffULL },
	{ CRMOD_SEC_CREDS, "cap_bset", 0x1ffffffffffULL }, { CRMOD_SEC_PENDING, "flags", 1 },
	{ CRMOD_SEC_OFDS, "flags", 0x3fffffff },
};

static uint64_t known_mask(uint32_t type, const char *name)
{
	for (size_t k = 0; k < ARRAY_SIZE(known_bits); k++)
		if (known_bits[k].type == type && !strcmp(known_bits[k].name, name))
			return known_bits[k].mask;
	return 0;
}

/* A random bit of mask (0: none). */
static uint64_t bit_of(uint64_t mask)
{
	int n = __builtin_popcountll(mask), k;

	if (!n)
		return 0;
	k = (int)below((uint64_t)n);
	for (int b = 0; b < 64; b++)
		if ((mask >> b & 1) && k-- == 0)
			return 1ULL << b;
	return 0;
}

static uint32_t cur_type;	/* the section a field being mutated is in */

static uint64_t gen_value(struct mut *c, const struct fdef *f, uint64_t old)
{
	unsigned int bits = f->size * 8;
	uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	uint64_t smax = mask >> 1, page = c->page;
	uint64_t v;
	unsigned int pick = (unsigned int)below(24);

	/* each kind leans to what it is */
	if (f->kind == F_ADDR && chance(45))
		pick = 100 + (unsigned int)below(2);
	else if (f->kind == F_ID && chance(60))
		pick = 200;
	else if (f->kind == F_FLAGS && chance(50))
		pick = 300;
	else if (f->kind == F_SIG && chance(60))
		pick = 400;
	switch (pick) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = mask; break;				/* -1 */
	case 3: v = smax; break;				/* INT_MAX */
	case 4: v = smax + 1; break;				/* INT_MIN */
	case 5: v = page; break;
	case 6: v = page - 1; break;
	case 7: v = page + 1; break;
	case 8: v = old + 1; break;
	case 9: v = old - 1; break;
	case 10: v = old ^ (1ULL << below(bits)); break;
	case 11: v = old + page; break;
	case 12: v = old - page; break;
	case 13: case 14: v = other_value(c); break;
	case 15: v = addr_value(c, 1); break;
	case 16: v = addr_value(c, 0); break;
	case 17: v = rnd(); break;
	case 18: v = below(64); break;
	case 19: v = 1ULL << below(bits); break;
	case 20: v = old * 2; break;
	case 21: v = old / 2; break;
	case 22: v = 0x7fffffff; break;
	case 23: v = 0xffffffff; break;
	case 100: v = addr_value(c, 1); break;
	case 101: v = addr_value(c, 0); break;
	case 200: v = below(8); break;
	case 300: {
		uint64_t known = known_mask(cur_type, f->name);

		if (known && chance(75))
			v = chance(80) ? old ^ bit_of(known) : old | known;
		else
			v = chance(70) ? old ^ (1ULL << below(bits < 32 ? bits : 32)) :
			    chance(50) ? old | (1ULL << below(bits)) : 0;
		break;
	}
	default: {
		static const uint64_t sigs[] = { 0, 1, 9, 17, 19, 31, 32, 33, 34, 64, 65, 128,
						 0xffffffff };
		v = sigs[below(ARRAY_SIZE(sigs))];
		break;
	}
	}
	if (f->kind == F_ADDR && chance(30))
		v &= ~(page - 1);
	return v & mask;
}

static uint64_t get_le(const unsigned char *p, unsigned int size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);	/* both arches are little-endian */
	return v;
}

static void put_le(unsigned char *p, unsigned int size, uint64_t v)
{
	memcpy(p, &v, size);
}

/* Set one field of section i (record r, element e) to a new value. */
static int mut_field(struct mut *c, int i, uint64_t *forced)
{
	struct sec *s = &c->m->s[i];
	const struct tdef *t = tdef_of(s->h.type);
	const struct fdef *f;
	uint64_t off, old, v, nrec = 1, r = 0, e = 0, nelem;
	char fname[96];

	if (!t || !t->nf)
		return -1;
	f = &t->f[below(t->nf)];
	if (t->rec) {
		nrec = (s->h.length - t->head) / t->rec;
		if (!nrec)
			return -1;
		r = chance(30) ? 0 : chance(30) ? nrec - 1 : below(nrec);
	}
	nelem = f->nelem;
	if (!nelem)	/* to the end of the payload */
		nelem = s->h.length > f->off ? (s->h.length - f->off) / f->estride : 0;
	if (!nelem)
		return -1;
	if (nelem > 1)
		e = chance(40) ? below(nelem < 4 ? nelem : 4) : below(nelem);
	off = t->head * (t->rec != 0) + r * t->rec + f->off + e * f->estride;
	if (!strcmp(f->name, "content") && s->h.length > off + 8)
		off += below((s->h.length - off) / 8) * 8;
	if (off + f->size > s->h.length)
		return -1;
	old = get_le(s->p + off, f->size);
	cur_type = s->h.type;
	v = forced ? *forced : gen_value(c, f, old);
	if (v == old)
		v = old ^ 1;
	sec_own(s, s->h.length);
	put_le(s->p + off, f->size, v);
	if (!strcmp(f->name, "content"))
		snprintf(fname, sizeof(fname), "content@%" PRIu64, off);
	else if (nelem > 1)
		snprintf(fname, sizeof(fname), "%s[%" PRIu64 "]", f->name, e);
	else
		snprintf(fname, sizeof(fname), "%s", f->name);
	if (t->rec)
		note(c, "%s[%" PRIu64 "].%s=%#" PRIx64 " (was %#" PRIx64 ")", sname(c->m, i), r,
		     fname, v, old);
	else
		note(c, "%s.%s=%#" PRIx64 " (was %#" PRIx64 ")", sname(c->m, i), fname, v, old);
	return 0;
}

static void mut_bytes(struct mut *c, int i)
{
	struct sec *s = &c->m->s[i];
	uint64_t off, n = 1 + below(4);

	if (!s->h.length)
		return;
	sec_own(s, s->h.length);
	off = below(s->h.length);
	for (uint64_t k = 0; k < n && off + k < s->h.length; k++)
		s->p[off + k] = chance(50) ? (unsigned char)(s->p[off + k] ^ (1u << below(8))) :
			       (unsigned char)rnd();
	note(c, "%s: %" PRIu64 " bytes at %" PRIu64 " changed", sname(c->m, i), n, off);
}

static void mut_dup(struct mut *c, int i)
{
	int at = chance(60) ? i + 1 : (int)below((uint64_t)body(c->m) + 1);
	struct sec copy = c->m->s[i];

	note(c, "%s duplicated to position %d", sname(c->m, i), at);
	if (copy.dirty) {	/* a copy of its own: the original may change again */
		unsigned char *p = malloc(copy.h.length + 8);

		if (!p)
			die("out of memory");
		memcpy(p, copy.p, copy.h.length);
		copy.p = p;
		sec_insert(c->m, at, &copy);
		c->m->s[at].own = true;
		return;
	}
	sec_insert(c->m, at, &copy);
}

static void mut_drop(struct mut *c, int i)
{
	note(c, "%s dropped", sname(c->m, i));
	sec_remove(c->m, i);
}

static void mut_move(struct mut *c, int i)
{
	int n = body(c->m), j = (int)below((uint64_t)n);
	struct sec s = c->m->s[i];

	if (j == i)
		j = (i + 1) % n;
	note(c, "%s moved to position %d", sname(c->m, i), j);
	memmove(&c->m->s[i], &c->m->s[i + 1], (size_t)(c->m->n - i - 1) * sizeof(s));
	memmove(&c->m->s[j + 1], &c->m->s[j], (size_t)(c->m->n - 1 - j) * sizeof(s));
	c->m->s[j] = s;
}

static void mut_swap(struct mut *c, int i)
{
	int j = pick_section(c->m, 0);
	struct sec s;

	if (j < 0 || j == i)
		return;
	note(c, "%s and %s swapped", sname(c->m, i), sname(c->m, j));
	s = c->m->s[i];
	c->m->s[i] = c->m->s[j];
	c->m->s[j] = s;
}

static void mut_trunc(struct mut *c, int i)
{
	struct sec *s = &c->m->s[i];
	const struct tdef *t = tdef_of(s->h.type);
	uint64_t len = s->h.length, to;

	if (!len)
		return;
	if (t && t->rec && len >= t->rec && chance(60))
		to = len - t->rec * (1 + below(len / t->rec));	/* whole records off */
	else if (chance(30))
		to = len - 1 - below(len < 16 ? len : 16);
	else
		to = below(len);
	note(c, "%s truncated from %" PRIu64 " to %" PRIu64 " bytes", sname(c->m, i), len, to);
	sec_own(s, to);
}

/* More of what the section holds: records, pages, bytes, groups. */
static void mut_grow(struct mut *c, int i)
{
	static const uint64_t counts_[] = { 1, 2, 3, 15, 16, 17, 255, 256, 1023, 4095, 4096,
					    4097, 65535, 65536, 65537, 1u << 20 };
	struct sec *s = &c->m->s[i];
	const struct tdef *t = tdef_of(s->h.type);
	uint64_t len = s->h.length, k = counts_[below(chance(70) ? 9 : ARRAY_SIZE(counts_))];
	unsigned char *p;

	if (t && t->rec && len >= t->rec) {
		uint64_t nrec = len / t->rec, src = below(nrec);

		if (len + k * t->rec > MAX_SMALL + t->rec * 4)
			k = (MAX_SMALL - len) / t->rec + below(3);
		p = sec_own(s, len + k * t->rec);
		for (uint64_t x = 0; x < k; x++)
			memcpy(p + len + x * t->rec, p + src * t->rec, t->rec);
		note(c, "%s grown by %" PRIu64 " copies of record %" PRIu64, sname(c->m, i), k, src);
		return;
	}
	switch (s->h.type) {
	case CRMOD_SEC_PAGES: {
		struct crmod_pages run;
		uint64_t add = 1 + below(4);

		memcpy(&run, s->p, sizeof(run));
		p = sec_own(s, len + add * c->page);
		memset(p + len, 0xa5, add * c->page);
		run.nr_pages += add;
		memcpy(p, &run, sizeof(run));
		note(c, "%s grown by %" PRIu64 " pages (nr_pages %" PRIu64 ")", sname(c->m, i), add,
		     (uint64_t)run.nr_pages);
		return;
	}
	case CRMOD_SEC_CREDS: {
		struct crmod_creds cr;

		if (k > 70000)
			k = 65537;
		p = sec_own(s, len + k * 4);
		for (uint64_t x = 0; x < k; x++)
			put_le(p + len + x * 4, 4, chance(80) ? x : rnd());
		memcpy(&cr, p, sizeof(cr));
		if (chance(85))
			cr.ngroups += (uint32_t)k;
		memcpy(p, &cr, sizeof(cr));
		note(c, "%s grown by %" PRIu64 " groups (ngroups %u)", sname(c->m, i), k, cr.ngroups);
		return;
	}
	case CRMOD_SEC_PIPE:
	case CRMOD_SEC_FILE_DATA: {
		uint64_t add = chance(50) ? 1 + below(64) : c->page * (1 + below(4)), l;
		size_t lo = s->h.type == CRMOD_SEC_PIPE ? offsetof(struct crmod_pipe, len) :
			    offsetof(struct crmod_file_data, len);

		p = sec_own(s, len + add);
		memset(p + len, 'z', add);
		l = get_le(p + lo, 8);
		if (chance(85))
			put_le(p + lo, 8, l + add);
		note(c, "%s grown by %" PRIu64 " bytes (len %" PRIu64 ")", sname(c->m, i), add,
		     get_le(p + lo, 8));
		return;
	}
	default: {
		uint64_t add = chance(50) ? 8 : 1 + below(512);

		p = sec_own(s, len + add);
		if (chance(50))
			for (uint64_t x = 0; x < add; x++)
				p[len + x] = (unsigned char)rnd();
		note(c, "%s grown by %" PRIu64 " bytes", sname(c->m, i), add);
		return;
	}
	}
}

/* Array sections: a record duplicated, swapped with a neighbour, removed. */
static void mut_records(struct mut *c, int i)
{
	struct sec *s = &c->m->s[i];
	const struct tdef *t = tdef_of(s->h.type);
	uint64_t nrec, a, b;
	unsigned char tmp[256], *p;

	if (!t || !t->rec || s->h.length < t->rec || t->rec > sizeof(tmp)) {
		mut_grow(c, i);
		return;
	}
	nrec = s->h.length / t->rec;
	a = below(nrec);
	b = nrec > 1 ? below(nrec) : a;
	switch (below(3)) {
	case 0:	/* a record twice in a row */
		p = sec_own(s, s->h.length + t->rec);
		memmove(p + (a + 1) * t->rec, p + a * t->rec, (nrec - a) * t->rec);
		note(c, "%s: record %" PRIu64 " twice", sname(c->m, i), a);
		return;
	case 1:
		p = sec_own(s, s->h.length);
		memcpy(tmp, p + a * t->rec, t->rec);
		memcpy(p + a * t->rec, p + b * t->rec, t->rec);
		memcpy(p + b * t->rec, tmp, t->rec);
		note(c, "%s: records %" PRIu64 " and %" PRIu64 " swapped", sname(c->m, i), a, b);
		return;
	default:
		p = sec_own(s, s->h.length);
		memmove(p + a * t->rec, p + (a + 1) * t->rec, (nrec - a - 1) * t->rec);
		sec_own(s, s->h.length - t->rec);
		note(c, "%s: record %" PRIu64 " removed", sname(c->m, i), a);
		return;
	}
}

/* A section of the same type (or any) from another seed, in place or added. */
static void mut_splice(struct mut *c, int i)
{
	const struct img *o = &seeds[below((uint64_t)nseeds)];
	int n = body(o), j = -1, same = 0;
	uint32_t type = c->m->s[i].h.type;

	for (int k = 0; k < n; k++)
		same += o->s[k].h.type == type;
	if (same && chance(70)) {
		int want = (int)below((uint64_t)same);

		for (int k = 0; k < n && j < 0; k++)
			if (o->s[k].h.type == type && want-- == 0)
				j = k;
	} else if (n) {
		j = (int)below((uint64_t)n);
	}
	if (j < 0)
		return;
	if (chance(50) && o->s[j].h.type == type) {
		note(c, "%s replaced by %s of %s", sname(c->m, i), sname(o, j), o->name);
		if (c->m->s[i].own)
			free(c->m->s[i].p);
		c->m->s[i] = o->s[j];
		c->m->s[i].own = false;
	} else {
		int at = (int)below((uint64_t)body(c->m) + 1);

		note(c, "%s of %s inserted at position %d", sname(o, j), o->name, at);
		sec_insert(c->m, at, &o->s[j]);
	}
}

/* Paths a FILE may be pointed at, with or without their identity. */
static const char *const paths[] = {
	"/", "/tmp", "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/mem",
	"/dev/kmsg", "/dev/crctl", "/dev/console", "/dev/vda", "/proc/self/mem",
	"/proc/self/stat", "/proc/1/environ", "/proc/self/exe", "/proc/self/fd/0",
	"/proc/sys/vm/max_map_count", "/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/kernel/notes", "/bin/busybox", "/bin/cr-target", "/bin/cr-state",
	"/bin/cr-fuzz", "/init", "/tmp/cr-fuzz/fifo", "/tmp/cr-fuzz/dir", "/tmp/cr-fuzz/file",
	"/tmp/cr-fuzz/link", "/tmp/cr-fuzz/empty", "/tmp/cr-fuzz/nonexistent",
	"/tmp/cr-fuzz/dir/../file", "relative/path", "", "memfd:x", "memfd:a/b", "memfd:",
	"/tmp/cr-fuzz/dir/x",
};

static void set_path(struct mut *c, int i, const char *path, int consistent)
{
	struct sec *s = &c->m->s[i];
	size_t plen = strlen(path) + 1;
	struct crmod_file rec;
	unsigned char *p = sec_own(s, sizeof(rec) + plen);

	memcpy(&rec, p, sizeof(rec));
	memcpy(p + sizeof(rec), path, plen);
	if (consistent)
		rec.path_len = (uint32_t)plen;
	memcpy(p, &rec, sizeof(rec));
}

static void mut_path(struct mut *c)
{
	int i = pick_section(c->m, CRMOD_SEC_FILE);
	char longp[4200];
	const char *path;
	struct crmod_file rec;
	struct stat st;
	int mode = (int)below(10);

	if (i < 0 || c->m->s[i].h.length < sizeof(rec))
		return;
	if (chance(10)) {
		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[chance(50) ? 4095 : 4097] = 0;
		path = longp;
	} else if (chance(20)) {
		/* the path of another file of any seed */
		const struct img *o = &seeds[below((uint64_t)nseeds)];
		int j = find_type(o, CRMOD_SEC_FILE, (int)below(8));

		if (j < 0)
			j = find_type(o, CRMOD_SEC_FILE, 0);
		if (j < 0)
			return;
		path = (const char *)o->s[j].p + sizeof(struct crmod_file);
		if (o->s[j].h.length <= sizeof(struct crmod_file))
			return;
	} else {
		path = paths[below(ARRAY_SIZE(paths))];
	}
	set_path(c, i, path, mode != 0);
	memcpy(&rec, c->m->s[i].p, sizeof(rec));
	if ((!strncmp(path, "memfd:", 6) || !path[0]) && chance(60)) {
		rec.kind = path[0] ? CRMOD_STATE_MEMFD : CRMOD_STATE_SHARED_ANON;
		rec.mode = S_IFREG | 0600;
		rec.dir = 0;
		rec.dev_major = rec.dev_minor = 0;
		if (rec.kind != CRMOD_STATE_MEMFD)
			rec.seals = 0;
		memcpy(c->m->s[i].p, &rec, sizeof(rec));
		note(c, "%s made a %s named \"%s\"", sname(c->m, i),
		     path[0] ? "memfd" : "shared_anon", path);
		return;
	}
	/* mostly, with the identity the file has here, so that it is found */
	if (mode >= 3 && lstat(path, &st) == 0) {
		switch (st.st_mode & S_IFMT) {
		case S_IFREG: rec.kind = strncmp(path, "/proc", 5) && strncmp(path, "/sys", 4) ?
				  CRMOD_STATE_REGULAR_FILE : CRMOD_STATE_KERNEL_VIEW_FILE; break;
		case S_IFDIR: rec.kind = CRMOD_STATE_DIRECTORY; break;
		case S_IFLNK: rec.kind = CRMOD_STATE_SYMLINK; break;
		case S_IFCHR: rec.kind = CRMOD_STATE_CHAR_DEVICE; break;
		case S_IFIFO: rec.kind = CRMOD_STATE_FIFO; break;
		default: break;
		}
		if (chance(15))	/* as a file made anew */
			rec.kind = chance(50) ? CRMOD_STATE_UNLINKED_FILE : CRMOD_STATE_MEMFD;
		rec.mode = st.st_mode;
		rec.size = (uint64_t)st.st_size;
		rec.mtime_sec = st.st_mtim.tv_sec;
		rec.mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
		rec.ino = st.st_ino;
		rec.uid = st.st_uid;
		rec.gid = st.st_gid;
		rec.dev_major = S_ISCHR(st.st_mode) ? major(st.st_rdev) : 0;
		rec.dev_minor = S_ISCHR(st.st_mode) ? minor(st.st_rdev) : 0;
		if (rec.kind != CRMOD_STATE_UNLINKED_FILE)
			rec.dir = 0;
		if (rec.kind != CRMOD_STATE_MEMFD)
			rec.seals = 0;
		memcpy(c->m->s[i].p, &rec, sizeof(rec));
		note(c, "%s pointed at %.64s%s as kind %u mode %#o", sname(c->m, i), path,
		     strlen(path) > 64 ? "..." : "", rec.kind, rec.mode);
		return;
	}
	note(c, "%s path %.64s%s (path_len %s)", sname(c->m, i), path,
	     strlen(path) > 64 ? "..." : "", mode ? "kept consistent" : "as it was");
}

/* A header field of the machine the image was taken on. */
static void mut_header(struct mut *c)
{
	static const struct fdef hf[] = {
		FDX("page_size", offsetof(struct crmod_image_header, machine.page_size), 4, F_LEN),
		FDX("release[0]", offsetof(struct crmod_image_header, machine.release), 8, F_INT),
		FDX("x86.xcr0", offsetof(struct crmod_image_header, machine.x86.xcr0), 8, F_FLAGS),
		FDX("x86.xsave_size", offsetof(struct crmod_image_header, machine.x86.xsave_size),
		    4, F_LEN),
		FDX("x86.hwcap2", offsetof(struct crmod_image_header, machine.x86.hwcap2), 4,
		    F_FLAGS),
		{ "x86.cpuid", offsetof(struct crmod_image_header, machine.x86.cpuid), 4, F_FLAGS,
		  CRMOD_CPUID_WORDS, 4 },
		{ "x86.xstate_offset", offsetof(struct crmod_image_header,
						machine.x86.xstate_offset), 4, F_LEN,
		  CRMOD_XSTATE_COMPONENTS, 4 },
		{ "x86.xstate_size", offsetof(struct crmod_image_header, machine.x86.xstate_size),
		  4, F_LEN, CRMOD_XSTATE_COMPONENTS, 4 },
		FDX("ppc.hwcap", offsetof(struct crmod_image_header, machine.ppc.hwcap), 8,
		    F_FLAGS),
		FDX("ppc.hwcap2", offsetof(struct crmod_image_header, machine.ppc.hwcap2), 8,
		    F_FLAGS),
		FDX("ppc.pvr", offsetof(struct crmod_image_header, machine.ppc.pvr), 4, F_INT),
		FDX("ppc.flags", offsetof(struct crmod_image_header, machine.ppc.flags), 4,
		    F_FLAGS),
		FDX("created_ns", offsetof(struct crmod_image_header, created_ns), 8, F_INT),
	};
	const struct fdef *f = &hf[below(ARRAY_SIZE(hf))];
	uint64_t e = f->nelem > 1 ? (chance(50) ? 2 + below(8) : below(f->nelem)) : 0;
	uint32_t off = f->off + (uint32_t)e * f->estride;
	uint64_t old = get_le(c->m->hdr + off, f->size), v = gen_value(c, f, old);

	if (v == old)
		v ^= 1;
	put_le(c->m->hdr + off, f->size, v);
	note(c, "header.%s[%" PRIu64 "]=%#" PRIx64 " (was %#" PRIx64 ")", f->name, e, v, old);
}

/* A few changes that keep the simple rules and go deeper. */
static void mut_coherent(struct mut *c)
{
	size_t n;
	const struct crmod_vma *v = vmas_of(c->m, &n);
	int vi = find_type(c->m, CRMOD_SEC_VMAS, 0);
	uint64_t page = c->page;

	switch (below(6)) {
	case 0: {	/* a VMA grown or shrunk by pages, still sorted */
		struct crmod_vma *w;
		uint64_t k;

		if (vi < 0 || !n)
			return;
		k = below(n);
		sec_own(&c->m->s[vi], c->m->s[vi].h.length);
		w = (struct crmod_vma *)c->m->s[vi].p + k;
		if (chance(50) && (k + 1 == n || w->end + page <= w[1].start))
			w->end += page * (1 + below(k + 1 == n ? 1024 : (w[1].start - w->end) / page));
		else if (w->end - w->start > page)
			w->end -= page * (1 + below((w->end - w->start) / page - 1));
		note(c, "VMAS[%" PRIu64 "] now %#llx-%#llx", k, (unsigned long long)w->start,
		     (unsigned long long)w->end);
		return;
	}
	case 1: {	/* a run of pages moved to another page-aligned address */
		int pi = pick_section(c->m, CRMOD_SEC_PAGES);
		uint64_t to = addr_value(c, chance(80)) & ~(page - 1);

		if (pi < 0)
			return;
		sec_own(&c->m->s[pi], c->m->s[pi].h.length);
		note(c, "%s.addr=%#" PRIx64 " (was %#" PRIx64 ")", sname(c->m, pi), to,
		     get_le(c->m->s[pi].p, 8));
		put_le(c->m->s[pi].p, 8, to);
		return;
	}
	case 2: {	/* a new anonymous VMA in a gap, or past the last */
		struct crmod_vma nv = { .prot = 3, .flags = 0 }, *w;
		uint64_t k = n ? below(n) : 0, len = page * (1 + below(chance(80) ? 8 : 1u << 20));

		if (vi < 0 || !n)
			return;
		nv.start = v[k].end;
		nv.end = nv.start + len;
		if (k + 1 < n && nv.end > v[k + 1].start)
			nv.end = v[k + 1].start;
		if (nv.end <= nv.start)
			return;
		if (chance(30))
			nv.flags = (uint32_t)(1u << below(18));
		sec_own(&c->m->s[vi], c->m->s[vi].h.length + sizeof(nv));
		w = (struct crmod_vma *)c->m->s[vi].p;
		memmove(w + k + 2, w + k + 1, (n - k - 1) * sizeof(nv));
		w[k + 1] = nv;
		note(c, "VMAS: new mapping %#llx-%#llx flags %#x after %" PRIu64,
		     (unsigned long long)nv.start, (unsigned long long)nv.end, nv.flags, k);
		return;
	}
	case 3: {	/* rlimits: soft and hard together */
		int ti = find_type(c->m, CRMOD_SEC_TASK, 0);
		struct crmod_task *t;
		uint64_t r = below(CRMOD_RLIMITS), val;
		static const uint64_t lims[] = { 0, 1, 2, 3, 16, 64, 1024, 4096, 1u << 20,
						 1ULL << 32, ~0ULL, ~0ULL - 1 };

		if (ti < 0 || c->m->s[ti].h.length < sizeof(*t))
			return;
		sec_own(&c->m->s[ti], c->m->s[ti].h.length);
		t = (struct crmod_task *)c->m->s[ti].p;
		val = lims[below(ARRAY_SIZE(lims))];
		t->rlim_cur[r] = val;
		t->rlim_max[r] = chance(70) ? val : ~0ULL;
		note(c, "TASK rlimit %" PRIu64 " = %#" PRIx64 "/%#llx", r, val,
		     (unsigned long long)t->rlim_max[r]);
		return;
	}
	case 4: {	/* an fd moved to another number, still sorted */
		int fi = find_type(c->m, CRMOD_SEC_FDS, 0);
		struct crmod_fd *f;
		uint64_t nf, k;
		static const uint32_t fds[] = { 0, 3, 63, 64, 255, 1023, 1024, 4095, 65535,
						1u << 20, 0x7fffffff };

		if (fi < 0 || c->m->s[fi].h.length < sizeof(*f))
			return;
		nf = c->m->s[fi].h.length / sizeof(*f);
		k = nf - 1;
		sec_own(&c->m->s[fi], c->m->s[fi].h.length);
		f = (struct crmod_fd *)c->m->s[fi].p;
		f[k].fd = fds[below(ARRAY_SIZE(fds))];
		note(c, "FDS: last fd now %u", f[k].fd);
		return;
	}
	default: {	/* the stack start, arguments, environment moved into a mapping */
		int ti = find_type(c->m, CRMOD_SEC_TASK, 0);
		struct crmod_task *t;
		uint64_t a = addr_value(c, 1);

		if (ti < 0 || c->m->s[ti].h.length < sizeof(*t))
			return;
		sec_own(&c->m->s[ti], c->m->s[ti].h.length);
		t = (struct crmod_task *)c->m->s[ti].p;
		switch (below(4)) {
		case 0: t->start_stack = a; break;
		case 1: t->arg_start = a; t->arg_end = a + below(2 * page); break;
		case 2: t->start_brk = a; t->brk = a + below(4 * page); break;
		default: t->rseq = a & ~31ULL; t->rseq_len = 32; break;
		}
		note(c, "TASK: mm field moved to %#" PRIx64, a);
		return;
	}
	}
}

/* Section type's payload, the mutant's own (a random one of that type), or NULL. */
static unsigned char *own_of(struct mut *c, uint32_t type, size_t minlen, int *index)
{
	int i = pick_section(c->m, type);
	struct sec *s;

	if (i < 0 || c->m->s[i].h.type != type || c->m->s[i].h.length < minlen)
		return NULL;
	s = &c->m->s[i];
	sec_own(s, s->h.length);
	if (index)
		*index = i;
	return s->p;
}

#define PICK(list) (list)[below(ARRAY_SIZE(list))]

/* Several fields of one kind of state at once, each to what matters to it. */
static void mut_state(struct mut *c)
{
	unsigned char *p;
	uint64_t page = c->page;
	int i;

	switch (below(13)) {
	case 0: {	/* x86 debug registers: an address and DR7's enable, R/W and LEN */
		struct crmod_x86_regs *r;
		int k = (int)below(4);
		uint64_t dr7, rwlen = below(16);

		p = own_of(c, CRMOD_SEC_REGS_X86, sizeof(*r), NULL);
		if (!p)
			goto ppc;
		r = (struct crmod_x86_regs *)p;
		r->debugreg[k] = chance(75) ? addr_value(c, 1) & ~(chance(50) ? 7ULL : 0) :
				 addr_value(c, 0);
		dr7 = r->debugreg[7] | (chance(70) ? 1ULL : 2ULL) << (k * 2);
		dr7 = (dr7 & ~(0xfULL << (16 + k * 4))) | rwlen << (16 + k * 4);
		if (chance(20))
			dr7 |= 1ULL << PICK(((const int[]){ 8, 9, 10, 11, 12, 13, 14, 15, 32, 63 }));
		r->debugreg[7] = dr7;
		if (chance(20))
			r->debugreg[6] = rnd();
		note(c, "REGS_X86: DR%d=%#llx DR7=%#llx", k, (unsigned long long)r->debugreg[k],
		     (unsigned long long)dr7);
		return;
	}
	case 1: {	/* x86 XSAVE: PKRU, MXCSR, XSTATE_BV, XCOMP_BV; EFLAGS */
		static const uint32_t pkrus[] = { 0, 1, 2, 3, 0x55555554, 0x55555555, 0x55555556,
						  0xfffffffc, 0xffffffff, 0xaaaaaaa8 };
		static const uint32_t mxcsrs[] = { 0, 0x1f80, 0xffff, 0x10000, 0x1fc0, 0x8000 };
		static const uint64_t eflags[] = { 0, 0x2, 0x202, 0x302, 0x40202, 0x3202, 0x4202,
						   0x20202, 0x10202, 0x200202, 0x80202, 0x100202,
						   0xffffffffffffffffULL };
		const struct crmod_image_header *h = (const void *)c->m->hdr;
		struct crmod_x86_regs *r;
		unsigned char *x;
		int si;

		p = own_of(c, CRMOD_SEC_REGS_X86, sizeof(*r) + 512, &si);
		if (!p)
			goto ppc;
		r = (struct crmod_x86_regs *)p;
		x = p + sizeof(*r);
		switch (below(5)) {
		case 0: {
			uint32_t off = h->machine.x86.xstate_offset[9], v = PICK(pkrus);

			if (!off || sizeof(*r) + off + 4 > c->m->s[si].h.length)
				return;
			put_le(x + off, 4, v);
			note(c, "REGS_X86: PKRU=%#x", v);
			return;
		}
		case 1: {
			uint32_t v = PICK(mxcsrs);

			put_le(x + 24, 4, v);
			note(c, "REGS_X86: MXCSR=%#x", v);
			return;
		}
		case 2: {
			uint64_t bv;

			if (c->m->s[si].h.length < sizeof(*r) + 576)
				return;
			bv = get_le(x + 512, 8) ^ bit_of(0x7ffffULL);
			put_le(x + 512, 8, bv);
			note(c, "REGS_X86: XSTATE_BV=%#" PRIx64, bv);
			return;
		}
		case 3:
			if (c->m->s[si].h.length < sizeof(*r) + 576)
				return;
			put_le(x + 520, 8, 1ULL << 63 | get_le(x + 512, 8));
			note(c, "REGS_X86: XCOMP_BV compacted");
			return;
		default:
			r->flags = PICK(eflags);
			note(c, "REGS_X86: EFLAGS=%#llx", (unsigned long long)r->flags);
			return;
		}
	}
	case 2:
	ppc: {	/* ppc: MSR, which registers there are, NIP and r1 alignment, SPRs */
		struct crmod_ppc_regs *r;

		p = own_of(c, CRMOD_SEC_REGS_PPC, sizeof(*r), NULL);
		if (!p)
			return;
		r = (struct crmod_ppc_regs *)p;
		switch (below(5)) {
		case 0: r->msr ^= bit_of(0x800000070280ff37ULL); break;
		case 1: r->flags ^= (uint32_t)bit_of(0x1f); break;
		case 2: r->nip |= 1 + below(3); break;
		case 3: r->gpr[1] = chance(50) ? r->gpr[1] | 7 : addr_value(c, 1); break;
		default:
			r->dscr = PICK(((const uint64_t[]){ 0, 1, 0x1ffffff, 0x2000000, ~0ULL }));
			r->ppr = (uint64_t)below(8) << 50;
			r->tar = addr_value(c, chance(50));
			r->flags |= (uint32_t)bit_of(0x1c);
			break;
		}
		note(c, "REGS_PPC: msr %#llx flags %#x nip %#llx r1 %#llx dscr %#llx ppr %#llx",
		     (unsigned long long)r->msr, r->flags, (unsigned long long)r->nip,
		     (unsigned long long)r->gpr[1], (unsigned long long)r->dscr,
		     (unsigned long long)r->ppr);
		return;
	}
	case 3: {	/* the task's attributes, each to a value that means something */
		struct crmod_task *t;

		p = own_of(c, CRMOD_SEC_TASK, sizeof(*t), NULL);
		if (!p)
			return;
		t = (struct crmod_task *)p;
		switch (below(10)) {
		case 0: {
			static const uint32_t pol[][2] = { { 1, 1 }, { 2, 99 }, { 1, 50 }, { 3, 0 },
							   { 5, 0 }, { 6, 0 }, { 0x40000001, 10 },
							   { 0x40000000, 0 }, { 7, 0 }, { 1, 0 } };
			uint64_t k = below(ARRAY_SIZE(pol));

			t->sched_policy = pol[k][0];
			t->sched_priority = pol[k][1];
			break;
		}
		case 1:
			t->ioprio = PICK(((const uint32_t[]){ 0, 1 << 13, 2 << 13 | 7, 3 << 13,
							      1 << 13 | 7, 4 << 13, 2 << 13 | 8,
							      0x10000, 0xffff }));
			break;
		case 2:
			t->oom_score_adj = (int32_t)PICK(((const int[]){ -1000, 0, 1000, 500 }));
			t->oom_score_adj_min = (int32_t)PICK(((const int[]){ -1000, 0, 1000 }));
			break;
		case 3:
			t->flags |= CRMOD_TASK_AFFINITY;
			memset(t->cpu_affinity, 0, sizeof(t->cpu_affinity));
			t->cpu_affinity[0] = PICK(((const uint64_t[]){ 1, 2, 3, 0, ~0ULL }));
			if (chance(20))
				t->cpu_affinity[CRMOD_CPU_WORDS - 1] = 1ULL << 63;
			break;
		case 4:
			t->flags |= CRMOD_TASK_LOGINUID;
			t->loginuid = PICK(((const uint32_t[]){ 0, 1000, 0xffffffff, 65534 }));
			t->sessionid = PICK(((const uint32_t[]){ 0, 1, 0xffffffff }));
			break;
		case 5:
			t->personality = PICK(((const uint32_t[]){ 0x0008, 0x400000, 0x40000,
								   0x800000, 0x20000, 0x100000,
								   0x0fff00ff, 0xffffffff, 0x8000000 }));
			break;
		case 6:
			t->flags ^= (uint32_t)bit_of(CRMOD_TASK_KNOWN_FLAGS);
			t->dumpable = (uint32_t)below(4);
			t->pdeath_signal = (uint32_t)below(66);
			break;
		case 7:
			t->timer_slack_ns = PICK(((const uint64_t[]){ 0, 1, 50000, ~0ULL >> 1,
								      1ULL << 40 }));
			t->default_timer_slack_ns = chance(50) ? t->timer_slack_ns : 0;
			t->nice = (int32_t)below(40) - 20;
			break;
		case 8:	/* an rseq area anywhere mapped */
			t->rseq = addr_value(c, 1) & ~31ULL;
			t->rseq_len = PICK(((const uint32_t[]){ 32, 33, 64, 4096, 4097 }));
			t->rseq_sig = (uint32_t)rnd();
			break;
		default:	/* robust list and clear_child_tid */
			t->robust_list = chance(70) ? addr_value(c, 1) : 0;
			t->robust_list_len = t->robust_list ? 24 : 0;
			t->clear_child_tid = addr_value(c, chance(70));
			break;
		}
		note(c, "TASK: policy %u/%u ioprio %#x oom %d/%d flags %#x loginuid %u personality %#x dumpable %u pdeath %u slack %llu nice %d rseq %#llx/%u robust %#llx",
		     t->sched_policy, t->sched_priority, t->ioprio, t->oom_score_adj,
		     t->oom_score_adj_min, t->flags, t->loginuid, t->personality, t->dumpable,
		     t->pdeath_signal, (unsigned long long)t->timer_slack_ns, t->nice,
		     (unsigned long long)t->rseq, t->rseq_len, (unsigned long long)t->robust_list);
		return;
	}
	case 4: {	/* a VMA's flags and protection, on a file or shared mapping often */
		int vi;
		size_t n;
		struct crmod_vma *v;
		uint64_t k = 0;

		p = own_of(c, CRMOD_SEC_VMAS, sizeof(*v), &vi);
		if (!p)
			return;
		n = c->m->s[vi].h.length / sizeof(*v);
		v = (struct crmod_vma *)p;
		for (int tries = 0; tries < 8; tries++) {
			k = below(n);
			if (v[k].file || chance(25))
				break;
		}
		switch (below(4)) {
		case 0: v[k].flags ^= (uint32_t)bit_of(CRMOD_VMA_KNOWN_FLAGS & ~0x4c); break;
		case 1: v[k].flags ^= CRMOD_VMA_MAYWRITE; break;
		case 2: v[k].prot ^= (uint32_t)bit_of(7); break;
		default:
			v[k].flags |= PICK(((const uint32_t[]){ CRMOD_VMA_WIPEONFORK, CRMOD_VMA_LOCKED,
								CRMOD_VMA_LOCKED | CRMOD_VMA_LOCKONFAULT,
								CRMOD_VMA_HUGEPAGE, CRMOD_VMA_MERGEABLE,
								CRMOD_VMA_DONTFORK, CRMOD_VMA_HEAP,
								CRMOD_VMA_ACCOUNT, CRMOD_VMA_GROWSDOWN }));
			break;
		}
		note(c, "VMAS[%" PRIu64 "] (%s): flags %#x prot %#x", k,
		     v[k].file ? "file" : "anonymous", v[k].flags, v[k].prot);
		return;
	}
	case 5: {	/* a file with content: its seals, size, owner, mtime */
		struct crmod_file *f = NULL;

		for (int tries = 0; tries < 6 && !f; tries++) {
			f = (struct crmod_file *)own_of(c, CRMOD_SEC_FILE, sizeof(*f), &i);
			if (f && f->kind != CRMOD_STATE_MEMFD && f->kind != CRMOD_STATE_SHARED_ANON &&
			    f->kind != CRMOD_STATE_UNLINKED_FILE && chance(80))
				f = NULL;
		}
		if (!f)
			return;
		switch (below(4)) {
		case 0: f->seals = (uint32_t)below(0x40); break;
		case 1:
			f->size = PICK(((const uint64_t[]){ 0, 1, 4096, 65536, (64ULL << 20) + 1,
							    1ULL << 40, 0x7fffffffffffffffULL }));
			break;
		case 2:
			f->uid = PICK(((const uint32_t[]){ 0, 65534, 0xffffffff, 1000 }));
			f->gid = PICK(((const uint32_t[]){ 0, 65534, 0xffffffff }));
			f->mode = (f->mode & 0170000) | (uint32_t)below(010000);
			break;
		default:
			f->mtime_nsec = PICK(((const uint32_t[]){ 999999999, 1000000000,
								  0xffffffff }));
			f->mtime_sec = (int64_t)PICK(((const uint64_t[]){ 0, ~0ULL,
									  1ULL << 62 }));
			break;
		}
		note(c, "%s (kind %u): seals %#x size %#llx owner %u:%u mode %#o mtime %lld.%u",
		     sname(c->m, i), f->kind, f->seals, (unsigned long long)f->size, f->uid, f->gid,
		     f->mode, (long long)f->mtime_sec, f->mtime_nsec);
		return;
	}
	case 6: {	/* the alternate stack, a handler and its restorer, the masks */
		struct crmod_signals *sg;
		int k = (int)below(CRMOD_NSIG);

		p = own_of(c, CRMOD_SEC_SIGNALS, sizeof(*sg), NULL);
		if (!p)
			return;
		sg = (struct crmod_signals *)p;
		if (chance(50)) {
			sg->altstack_sp = addr_value(c, chance(80));
			sg->altstack_size = PICK(((const uint64_t[]){ 0, 1, 2047, 2048, 8192,
								      1 << 20, ~0ULL }));
			sg->altstack_flags = PICK(((const uint32_t[]){ 0, 1, 2, 0x80000000,
								       0x80000002, 3 }));
			note(c, "SIGNALS: altstack %#llx size %#llx flags %#x",
			     (unsigned long long)sg->altstack_sp,
			     (unsigned long long)sg->altstack_size, sg->altstack_flags);
			return;
		}
		sg->action[k].handler = chance(20) ? below(2) : addr_value(c, chance(80));
		sg->action[k].flags |= bit_of(0xfc000c07);
		sg->action[k].restorer = addr_value(c, chance(80));
		sg->action[k].mask = rnd();
		if (chance(30))
			sg->blocked = chance(50) ? ~0ULL : rnd();
		note(c, "SIGNALS: signal %d handler %#llx flags %#llx restorer %#llx; blocked %#llx",
		     k + 1, (unsigned long long)sg->action[k].handler,
		     (unsigned long long)sg->action[k].flags,
		     (unsigned long long)sg->action[k].restorer, (unsigned long long)sg->blocked);
		return;
	}
	case 7: {	/* one more pending signal, of some origin */
		struct crmod_pending_signal ps = { 0 };
		int si = pick_section(c->m, CRMOD_SEC_PENDING);
		int32_t code = PICK(((const int32_t[]){ 0, -1, -2, -3, -4, -5, -6, 1, 2, 0x80,
							 -60, 0x7fffffff }));
		uint64_t k = 1 + below(chance(30) ? 400 : 1);

		if (si < 0)
			return;
		ps.signo = PICK(((const uint32_t[]){ 1, 2, 9, 10, 12, 14, 17, 19, 20, 31, 32, 33,
						     34, 40, 64 }));
		ps.flags = (uint32_t)below(2);
		put_le(ps.info, 4, ps.signo);
		put_le(ps.info + 8, 4, (uint32_t)code);
		put_le(ps.info + 16, 8, chance(50) ? rnd() : 0);
		p = sec_own(&c->m->s[si], c->m->s[si].h.length + k * sizeof(ps));
		for (uint64_t x = 0; x < k; x++)
			memcpy(p + c->m->s[si].h.length - (x + 1) * sizeof(ps), &ps, sizeof(ps));
		note(c, "PENDING: %" PRIu64 " x signal %u%s si_code %d", k, ps.signo,
		     ps.flags ? " (shared)" : "", code);
		return;
	}
	case 8: {	/* one more lock */
		struct crmod_lock l = { 0 };
		int si = pick_section(c->m, CRMOD_SEC_LOCKS), oi = find_type(c->m, CRMOD_SEC_OFDS, 0);
		uint64_t nofd = oi < 0 ? 1 : c->m->s[oi].h.length / sizeof(struct crmod_ofd);

		if (si < 0)
			return;
		l.ofd = (uint32_t)(1 + below(nofd + 1));
		l.kind = (uint32_t)below(4);
		l.type = (uint32_t)below(3);
		l.start = (int64_t)PICK(((const uint64_t[]){ 0, 1, 4096, 1ULL << 62, ~0ULL >> 1 }));
		l.end = (int64_t)PICK(((const uint64_t[]){ ~0ULL, 0, 4095, ~0ULL >> 1, 1ULL << 62 }));
		p = sec_own(&c->m->s[si], c->m->s[si].h.length + sizeof(l));
		memcpy(p + c->m->s[si].h.length - sizeof(l), &l, sizeof(l));
		note(c, "LOCKS: + ofd %u kind %u type %u %lld-%lld", l.ofd, l.kind, l.type,
		     (long long)l.start, (long long)l.end);
		return;
	}
	case 9: {	/* an open file description: its flags, position, kind */
		struct crmod_ofd *o;
		int oi;
		uint64_t n, k;
		static const uint32_t oflags[] = { O_APPEND, O_NONBLOCK, O_DSYNC, O_DIRECT,
						   O_NOATIME, O_PATH, O_DIRECTORY, O_NOFOLLOW,
						   O_LARGEFILE, O_WRONLY, O_RDWR, O_TRUNC, O_CREAT,
						   O_SYNC, O_CLOEXEC };

		p = own_of(c, CRMOD_SEC_OFDS, sizeof(*o), &oi);
		if (!p)
			return;
		n = c->m->s[oi].h.length / sizeof(*o);
		k = below(n);
		o = (struct crmod_ofd *)p + k;
		switch (below(3)) {
		case 0: o->flags ^= PICK(oflags); break;
		case 1:
			o->pos = (int64_t)PICK(((const uint64_t[]){ 1, 4096, 1ULL << 40, ~0ULL >> 1,
								    (~0ULL >> 1) - 1 }));
			break;
		default:
			o->kind = (uint32_t)(1 + below(3));
			o->object = (uint32_t)below(4);
			break;
		}
		note(c, "OFDS[%" PRIu64 "]: kind %u object %u flags %#o pos %lld", k, o->kind,
		     o->object, o->flags, (long long)o->pos);
		return;
	}
	case 10: {	/* credentials: ids, capabilities, securebits together */
		struct crmod_creds *cr;
		uint32_t id = PICK(((const uint32_t[]){ 0, 1, 1000, 65534, 0xfffffffe,
							0xffffffff }));

		p = own_of(c, CRMOD_SEC_CREDS, sizeof(*cr), NULL);
		if (!p)
			return;
		cr = (struct crmod_creds *)p;
		switch (below(4)) {
		case 0: cr->uid = cr->euid = cr->suid = cr->fsuid = id; break;
		case 1: cr->gid = cr->egid = cr->sgid = cr->fsgid = id; break;
		case 2:
			cr->cap_permitted = chance(50) ? 0x1ffffffffffULL : bit_of(0x1ffffffffffULL);
			cr->cap_effective = cr->cap_permitted & (chance(50) ? ~0ULL : rnd());
			cr->cap_inheritable = chance(50) ? cr->cap_permitted : 0;
			cr->cap_ambient = cr->cap_inheritable & cr->cap_permitted &
					  (chance(50) ? ~0ULL : rnd());
			break;
		default:
			cr->securebits = (uint32_t)below(0x100);
			break;
		}
		note(c, "CREDS: uid %u gid %u caps %#llx/%#llx/%#llx/%#llx securebits %#x",
		     cr->uid, cr->gid, (unsigned long long)cr->cap_permitted,
		     (unsigned long long)cr->cap_effective, (unsigned long long)cr->cap_inheritable,
		     (unsigned long long)cr->cap_ambient, cr->securebits);
		return;
	}
	case 11: {	/* a pipe's capacity against what it holds */
		struct crmod_pipe *pp;

		p = own_of(c, CRMOD_SEC_PIPE, sizeof(*pp), &i);
		if (!p)
			return;
		pp = (struct crmod_pipe *)p;
		pp->capacity = PICK(((const uint64_t[]){ 4096, 65536, 2 * 65536, 3 * 65536,
							  1 << 20, 1ULL << 31, (1ULL << 31) + 65536,
							  page, 3 * page, 16 * page }));
		note(c, "%s: capacity %#llx (holds %llu)", sname(c->m, i),
		     (unsigned long long)pp->capacity, (unsigned long long)pp->len);
		return;
	}
	default: {	/* a stretch of file content at the file's end or beyond */
		struct crmod_file_data *d;

		p = own_of(c, CRMOD_SEC_FILE_DATA, sizeof(*d), &i);
		if (!p)
			return;
		d = (struct crmod_file_data *)p;
		d->offset = PICK(((const uint64_t[]){ 0, page, 1ULL << 40, 64ULL << 20,
						      (64ULL << 20) - page, ~0ULL & ~(page - 1) }));
		if (chance(30))
			d->file = (uint32_t)below(6);
		note(c, "%s: file %u offset %#llx len %llu", sname(c->m, i), d->file,
		     (unsigned long long)d->offset, (unsigned long long)d->len);
		return;
	}
	}
}

/* One mutant: 1-3 operations on a copy of a seed. */
static void make_mutant(struct img *m, struct mut *c, uint64_t seed, long index)
{
	int nops;

	rng = mix64(seed * 0x100000001b3ULL ^ mix64((uint64_t)index));
	img_clone(m, &seeds[below((uint64_t)nseeds)]);
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->page = ((struct crmod_image_header *)m->hdr)->machine.page_size;
	if (!c->page)
		c->page = 4096;
	nops = chance(65) ? 1 : chance(60) ? 2 : 3;
	for (int op = 0; op < nops; op++) {
		int i = pick_section(m, 0);
		unsigned int r = (unsigned int)below(100);

		if (i < 0)
			break;
		if (r < 38)
			mut_field(c, i, NULL);
		else if (r < 48 && r >= 38 && chance(60))
			mut_state(c);
		else if (r < 48)
			mut_bytes(c, i);
		else if (r < 52)
			mut_dup(c, i);
		else if (r < 56)
			mut_drop(c, i);
		else if (r < 59)
			mut_move(c, i);
		else if (r < 61)
			mut_swap(c, i);
		else if (r < 65)
			mut_trunc(c, i);
		else if (r < 70)
			mut_grow(c, i);
		else if (r < 74)
			mut_records(c, i);
		else if (r < 78)
			mut_splice(c, i);
		else if (r < 86)
			mut_path(c);
		else if (r < 88)
			mut_header(c);
		else if (r < 92)
			mut_coherent(c);
		else
			mut_state(c);
	}
	if (!c->dlen)
		note(c, "unchanged");
}

/* ---- the judge ---- */

static int dev_fd = -1, kmsg_fd = -1;

static void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void klog(const char *fmt, ...)
{
	char line[400];
	va_list ap;
	int n;

	if (kmsg_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "<5>cr-fuzz: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	for (char *p = line + 3; *p; p++)
		if (*p == '\n' || (unsigned char)*p < ' ')
			*p = ' ';
	if (write(kmsg_fd, line, strlen(line)) < 0)
		return;
}

/* Kernel log records since the last call: any sign of trouble, into buf. */
static int kernel_trouble(char *buf, size_t size)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "Call Trace", "general protection",
		"Kernel panic", "soft lockup", "blocked for more than", "hung_task",
		"kernel BUG", "Unable to handle", "list_add corruption", "list_del corruption",
		"refcount_t:", "UBSAN", "KASAN", "stack-protector", "page allocation failure",
		"INFO: task",
	};
	char rec[2048];
	size_t len = 0;
	int found = 0;
	ssize_t n;

	if (buf && size)
		buf[0] = 0;
	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		const char *msg;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		/* our own lines; a restarted process's own crash (show_unhandled_signals) */
		if (!strncmp(msg, "cr-fuzz: ", 9) || !strncmp(msg, "traps: ", 7) ||
		    strstr(msg, " segfault at ") || strstr(msg, "unhandled signal"))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
			if (!strstr(msg, bad[k]))
				continue;
			found = 1;
			break;
		}
		if (found && buf && len + 2 < size) {
			int w = snprintf(buf + len, size - len, "%.*s", (int)strcspn(msg, "\n"), msg);

			if (w > 0)
				len += (size_t)w < size - len - 1 ? (size_t)w : size - len - 1;
			if (len + 2 < size) {
				buf[len++] = '\n';
				buf[len] = 0;
			}
		}
	}
	return found;
}

static int module_counts(uint64_t *allocs, uint64_t *files)
{
	struct crmod_test_fault t = { 0 };

	if (ioctl(dev_fd, CRCTL_IOC_TEST_FAULT, &t))
		return -1;
	*allocs = t.live_allocs;
	*files = t.live_files;
	return 0;
}

static int arm_fault(pid_t pid, uint32_t nth, struct crmod_test_fault *out)
{
	struct crmod_test_fault t = { .nth = nth, .pid = pid, .disarm = !nth };

	if (ioctl(dev_fd, CRCTL_IOC_TEST_FAULT, &t))
		return -1;
	if (out)
		*out = t;
	return 0;
}

/*
 * What a refused caller must still have: memory, descriptors, signal
 * state, identity, limits and attributes, as text to compare.
 */
static unsigned char pattern_area[128 * 1024];
static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

static size_t snap_add(char *buf, size_t size, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t snap_add(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= size)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return n > 0 ? len + (size_t)n : len;
}

static void snapshot(char *buf, size_t size, int skip_pos_fd)
{
	static char maps[65536], file[4096];
	size_t len = 0;
	uid_t r, e, s;
	gid_t gr, ge, gs;
	sigset_t mask, pend;
	struct sigaction sa;
	stack_t ss;
	struct itimerval it;
	struct rlimit rl;
	char name[32] = "", cwd[PATH_MAX] = "";
	mode_t um;
	DIR *d;
	struct dirent *de;
	uint64_t sum = 0;
	int pdeath = 0, reaper = 0;

	for (size_t i = 0; i < sizeof(pattern_area); i++)
		sum = sum * 131 + pattern_area[i];
	len = snap_add(buf, size, len, "memory %#" PRIx64 "\n", sum);
	len = snap_add(buf, size, len, "pid %d ppid %d\n", getpid(), getppid());
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	len = snap_add(buf, size, len, "uids %u %u %u gids %u %u %u\n", r, e, s, gr, ge, gs);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pend);
	len = snap_add(buf, size, len, "blocked %#lx pending %#lx\n", mask.__val[0], pend.__val[0]);
	sigaction(SIGUSR1, NULL, &sa);
	len = snap_add(buf, size, len, "usr1 handler %s\n", sa.sa_handler == on_usr1 ? "ours" : "other");
	sigaltstack(NULL, &ss);
	len = snap_add(buf, size, len, "altstack %p %zu %d\n", ss.ss_sp, ss.ss_size, ss.ss_flags);
	getitimer(ITIMER_REAL, &it);
	len = snap_add(buf, size, len, "itimer %ld %ld\n", (long)it.it_value.tv_sec,
		       (long)it.it_interval.tv_sec);
	for (int k = 0; k < RLIM_NLIMITS; k++) {
		getrlimit(k, &rl);
		len = snap_add(buf, size, len, "rlimit %d %llu %llu\n", k,
			       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	um = umask(022);
	umask(um);
	prctl(PR_GET_NAME, name);
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	len = snap_add(buf, size, len, "umask %o name %s cwd %s personality %#x nice %d\n", um,
		       name, cwd, personality(0xffffffff), getpriority(PRIO_PROCESS, 0));
	prctl(PR_GET_PDEATHSIG, &pdeath);
	prctl(PR_GET_CHILD_SUBREAPER, &reaper);
	len = snap_add(buf, size, len,
		       "dumpable %d nnp %d pdeath %d reaper %d slack %d sched %d\n",
		       prctl(PR_GET_DUMPABLE), prctl(PR_GET_NO_NEW_PRIVS), pdeath, reaper,
		       prctl(PR_GET_TIMERSLACK), sched_getscheduler(0));
	read_text("/proc/self/oom_score_adj", file, sizeof(file));
	len = snap_add(buf, size, len, "oom %s", file);
	read_text("/proc/self/coredump_filter", file, sizeof(file));
	len = snap_add(buf, size, len, "coredump %s", file);
	read_text("/proc/self/status", file, sizeof(file));
	for (char *l = strtok(file, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, "Cap", 3) || !strncmp(l, "Groups", 6) || !strncmp(l, "Cpus_allowed:", 13) ||
		    !strncmp(l, "NoNewPrivs", 10) || !strncmp(l, "Seccomp:", 8))
			len = snap_add(buf, size, len, "%s\n", l);
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d))) {
		char link[64], target[256] = "";
		int fd = atoi(de->d_name);
		ssize_t t;

		if (de->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		t = readlink(link, target, sizeof(target) - 1);
		target[t < 0 ? 0 : t] = 0;
		len = snap_add(buf, size, len, "fd %d %s %lld %#x %#x\n", fd, target,
			       fd == skip_pos_fd ? -2LL : (long long)lseek(fd, 0, SEEK_CUR),
			       fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	}
	if (d)
		closedir(d);
	read_text("/proc/self/maps", maps, sizeof(maps));
	len = snap_add(buf, size, len, "%s", maps);
	if (len >= size)
		buf[size - 1] = 0;
}

/* The first line that differs, "was X, now Y", into out. */
static int snap_diff(const char *a, const char *b, char *out, size_t size)
{
	size_t i = 0;

	if (!strcmp(a, b))
		return 0;
	while (a[i] && a[i] == b[i])
		i++;
	while (i > 0 && a[i - 1] != '\n')
		i--;
	snprintf(out, size, "was \"%.*s\", now \"%.*s\"", (int)strcspn(a + i, "\n"), a + i,
		 (int)strcspn(b + i, "\n"), b + i);
	return 1;
}

/* Test-only plants, to prove the judge flags what it must. */
enum plant { P_NONE, P_HANG, P_MESS, P_FAULT_EARLY, P_FAULT_LATE };

struct outcome {
	int verdict;
	int accepted;		/* validate returned 0 */
	int err;
	char reason[CRMOD_ERROR_LEN + 64];
	char detail[1024];
	int status;		/* of a restarted process, as wait() says */
	char out[256];		/* what a restarted process wrote (control) */
};

/*
 * In a forked child: the ioctl on IMAGE, then a report on fd rep:
 *   "R <errno> <reason>" or "A" (returned 0), then "I" (intact) or
 *   "N <what changed>", or "M <what is wrong with the message>".
 */
static void child_restart(const char *image, int rep, int status_fd, int out_fd, int flags,
			  int plant, int sync_fd)
{
	static char before[131072], after[131072];
	char error[CRMOD_ERROR_LEN + 1], line[CRMOD_ERROR_LEN + 256], what[600];
	struct crmod_restart_args args = { 0 };
	struct sigaction sa = { .sa_handler = on_usr1 };
	int img, null, r, err, dev;
	size_t elen;
	char go;

	setpgid(0, 0);
	null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(out_fd >= 0 ? out_fd : null, 1);
	dup2(out_fd >= 0 ? out_fd : null, 2);
	if (null > 2)
		close(null);
	if (out_fd > 2)
		close(out_fd);
	sigaction(SIGUSR1, &sa, NULL);
	for (int s = 1; s < 32; s++)
		if (s != SIGUSR1 && s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	if (sync_fd >= 0) {	/* the parent arms a fault for our pid first */
		if (read(sync_fd, &go, 1) != 1)
			_exit(3);
		close(sync_fd);
	}
	dev = open(DEVICE, O_RDWR | O_CLOEXEC);
	img = open(image, O_RDONLY | O_CLOEXEC);
	if (dev < 0 || img < 0) {
		dprintf(rep, "E cannot open %s: %s\n", dev < 0 ? DEVICE : image, strerror(errno));
		_exit(2);
	}
	snapshot(before, sizeof(before), img);
	memset(error, 0x7f, sizeof(error));
	error[CRMOD_ERROR_LEN] = 0;
	args.fd = img;
	args.status_fd = status_fd;
	args.flags = (uint32_t)flags;
	args.error = (uint64_t)(uintptr_t)error;
	if (plant == P_HANG) {
		for (;;)
			pause();
	}
	r = ioctl(dev, CRCTL_IOC_RESTART, &args);
	err = errno;
	if (plant == P_MESS)
		umask(0777);	/* a caller changed behind the judge's back */
	snapshot(after, sizeof(after), img);
	if (r == 0) {
		if (write_all(rep, "A\n", 2) < 0)
			_exit(2);
	} else {
		elen = strnlen(error, CRMOD_ERROR_LEN);
		if (elen == 0 || elen == CRMOD_ERROR_LEN || memchr(error, '\n', elen)) {
			dprintf(rep, "M errno %d: the reason is %s\n", err,
				!elen ? "empty" : elen == CRMOD_ERROR_LEN ? "not NUL-terminated" :
				"more than one line");
		}
		snprintf(line, sizeof(line), "R %d %.*s\n", err, (int)elen, error);
		if (write_all(rep, line, strlen(line)) < 0)
			_exit(2);
	}
	if (usr1_seen)
		dprintf(rep, "N a signal ran its handler\n");
	if (snap_diff(before, after, what, sizeof(what)))
		dprintf(rep, "N %s\n", what);
	else
		dprintf(rep, "I\n");
	_exit(0);
}

/* Read until EOF on every fd of fds (or the deadline): -1 on timeout. */
static int drain(int *fds, char **bufs, size_t *sizes, int n, double deadline)
{
	size_t lens[4] = { 0 };

	for (;;) {
		struct pollfd pf[4];
		int open_ = 0, ms;

		for (int k = 0; k < n; k++) {
			pf[k].fd = fds[k];
			pf[k].events = POLLIN;
			open_ += fds[k] >= 0;
		}
		if (!open_)
			return 0;
		ms = (int)((deadline - now()) * 1000);
		if (ms <= 0)
			return -1;
		if (poll(pf, (nfds_t)n, ms) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int k = 0; k < n; k++) {
			char tmp[4096];
			ssize_t got;

			if (fds[k] < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(fds[k], tmp, sizeof(tmp));
			if (got <= 0) {
				close(fds[k]);
				fds[k] = -1;
				continue;
			}
			if (bufs[k] && lens[k] + 1 < sizes[k]) {
				size_t take = (size_t)got < sizes[k] - 1 - lens[k] ? (size_t)got :
					      sizes[k] - 1 - lens[k];

				memcpy(bufs[k] + lens[k], tmp, take);
				lens[k] += take;
				bufs[k][lens[k]] = 0;
			}
		}
	}
}

/* Kill the child's process group; 0 once it is reaped, -1 if it will not die. */
static int reap(pid_t pid, int *status, double wait_s)
{
	double deadline = now() + wait_s;

	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			break;
		if (got < 0 && errno == ECHILD)
			break;
		if (now() > deadline)
			return -1;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		usleep(10000);
	}
	kill(-pid, SIGKILL);	/* what the restarted process may have forked */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return 0;
}

static void stack_of(pid_t pid, char *buf, size_t size)
{
	char path[64], text[2048], wchan[128];

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	read_text(path, text, sizeof(text));
	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	read_text(path, wchan, sizeof(wchan));
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = '|';
	snprintf(buf, size, "wchan %.100s, stack %.900s", wchan, text);
}

/* One call of the ioctl in a child, judged. */
static int run_child(const char *image, int flags, int plant, uint32_t fault_nth,
		     struct outcome *o, int capture)
{
	int rep[2], st[2], outp[2] = { -1, -1 }, sync_[2] = { -1, -1 }, status = 0;
	static char repbuf[8192], stbuf[2048];
	char *bufs[3] = { repbuf, stbuf, o->out };
	size_t sizes[3] = { sizeof(repbuf), sizeof(stbuf), sizeof(o->out) };
	int fds[3];
	pid_t pid;
	double deadline;
	int real = !(flags & CRMOD_RESTART_VALIDATE);

	repbuf[0] = stbuf[0] = o->out[0] = 0;
	if (pipe2(rep, O_CLOEXEC) || pipe2(st, O_CLOEXEC) ||
	    (capture && pipe2(outp, O_CLOEXEC)) || (fault_nth && pipe2(sync_, O_CLOEXEC)))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(rep[0]);
		close(st[0]);
		if (outp[0] >= 0)
			close(outp[0]);
		if (sync_[1] >= 0)
			close(sync_[1]);
		child_restart(image, rep[1], real ? st[1] : -1, outp[1], flags, plant, sync_[0]);
	}
	close(rep[1]);
	close(st[1]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (fault_nth) {
		close(sync_[0]);
		if (arm_fault(pid, fault_nth, NULL))
			die("arming a fault: %s", strerror(errno));
		if (write(sync_[1], "g", 1) != 1)
			die("sync");
		close(sync_[1]);
	}
	fds[0] = rep[0];
	fds[1] = st[0];
	fds[2] = outp[0];
	deadline = now() + opt_timeout;
	/* the report and the status fd close once the ioctl is done */
	if (drain(fds, bufs, sizes, 2, deadline) < 0) {
		char where[1200];

		stack_of(pid, where, sizeof(where));
		o->verdict = V_HANG;
		snprintf(o->detail, sizeof(o->detail), "%s did not return within %u s: %.900s",
			 real ? "restart" : "validate", opt_timeout, where);
		if (reap(pid, &status, 10) < 0) {
			snprintf(o->detail + strlen(o->detail),
				 sizeof(o->detail) - strlen(o->detail),
				 "; and it does not die of SIGKILL");
			for (int k = 0; k < 3; k++)
				if (fds[k] >= 0)
					close(fds[k]);
			return -1;	/* the caller stops */
		}
		for (int k = 0; k < 3; k++)
			if (fds[k] >= 0)
				close(fds[k]);
		return 0;
	}
	o->accepted = 0;
	if (stbuf[0]) {		/* told on the status fd: failed past the point of no return */
		o->verdict = V_PONR;
		snprintf(o->reason, sizeof(o->reason), "%.*s", (int)strcspn(stbuf, "\n"), stbuf);
		reap(pid, &status, 10);
		o->status = status;
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			snprintf(o->detail, sizeof(o->detail),
				 "told on the status fd, then ended with status %#x, not SIGKILL",
				 status);
		if (outp[0] >= 0)
			close(outp[0]);
		return 0;
	}
	if (repbuf[0] == 'R' || repbuf[0] == 'A' || repbuf[0] == 'M' || repbuf[0] == 'E') {
		char *nl, *line = repbuf;

		o->verdict = V_REFUSED;
		for (; line && *line; line = nl) {
			nl = strchr(line, '\n');
			if (nl)
				*nl++ = 0;
			if (line[0] == 'A') {
				o->accepted = 1;
				if (real) {
					o->verdict = V_MESSAGE;
					snprintf(o->detail, sizeof(o->detail),
						 "a real restart returned 0 to its caller");
				}
			} else if (line[0] == 'R') {
				o->err = atoi(line + 2);
				snprintf(o->reason, sizeof(o->reason), "%s",
					 strchr(line + 2, ' ') ? strchr(line + 2, ' ') + 1 : "");
			} else if (line[0] == 'M' && o->verdict == V_REFUSED) {
				o->verdict = V_MESSAGE;
				snprintf(o->detail, sizeof(o->detail), "%s", line + 2);
			} else if (line[0] == 'N' && o->verdict == V_REFUSED) {
				o->verdict = V_INTACT;
				snprintf(o->detail, sizeof(o->detail), "the caller changed: %s",
					 line + 2);
			} else if (line[0] == 'E') {
				die("child: %s", line + 2);
			}
		}
		if (reap(pid, &status, 10) < 0) {
			o->verdict = V_HANG;
			snprintf(o->detail, sizeof(o->detail), "the refused child does not die");
			return -1;
		}
		if (outp[0] >= 0)
			close(outp[0]);
		return 0;
	}
	/* no word from the child: it became the image's process (or died trying) */
	if (!real) {
		reap(pid, &status, 10);
		o->verdict = V_MESSAGE;
		snprintf(o->detail, sizeof(o->detail),
			 "validate: the child said nothing and ended with status %#x", status);
		return 0;
	}
	o->verdict = V_RESTARTED;
	if (capture) {
		int one[1] = { outp[0] };
		char *ob[1] = { o->out };
		size_t os[1] = { sizeof(o->out) };

		drain(one, ob, os, 1, now() + opt_settle_ms / 1000.0 + 20);
	} else {
		double until = now() + opt_settle_ms / 1000.0;

		while (now() < until && waitpid(pid, &status, WNOHANG) == 0)
			usleep(10000);
	}
	if (waitpid(pid, &status, WNOHANG) == pid) {
		o->status = status;
		if (WIFEXITED(status))
			runs_exit0 += WEXITSTATUS(status) == 0;
		else
			runs_signal++;
		return 0;
	}
	runs_killed++;
	if (reap(pid, &status, 10) < 0) {
		char where[1200];

		stack_of(pid, where, sizeof(where));
		o->verdict = V_HANG;
		snprintf(o->detail, sizeof(o->detail),
			 "the restarted process does not die of SIGKILL: %.900s", where);
		return -1;
	}
	o->status = status;
	return 0;
}

/* Restarted processes may touch the seeds' files: their identity back. */
static void restore_identities(void)
{
	for (int k = 0; k < nseeds; k++) {
		const struct img *m = &seeds[k];

		for (int i = 0; i < m->n; i++) {
			const struct sec *s = &m->s[i];
			struct crmod_file rec;
			const char *path;
			struct stat st;

			if (s->h.type != CRMOD_SEC_FILE || s->h.length <= sizeof(rec))
				continue;
			memcpy(&rec, s->p, sizeof(rec));
			path = (const char *)s->p + sizeof(rec);
			if (rec.kind != CRMOD_STATE_REGULAR_FILE || lstat(path, &st) ||
			    !S_ISREG(st.st_mode))
				continue;
			if ((uint64_t)st.st_size == rec.size && st.st_mtim.tv_sec == rec.mtime_sec &&
			    (uint32_t)st.st_mtim.tv_nsec == rec.mtime_nsec)
				continue;
			if ((uint64_t)st.st_size != rec.size && truncate(path, (off_t)rec.size))
				continue;
			{
				struct timespec ts[2] = {
					{ .tv_nsec = UTIME_OMIT },
					{ .tv_sec = rec.mtime_sec, .tv_nsec = rec.mtime_nsec },
				};

				if (!utimensat(AT_FDCWD, path, ts, 0))
					restored_ids++;
			}
		}
	}
}

/* A reason with its numbers, paths and names taken out, to count kinds. */
static void signature(const char *reason, char *sig, size_t size)
{
	size_t o = 0;

	for (const char *p = reason; *p && o + 8 < size; p++) {
		if (isdigit((unsigned char)*p)) {
			if (!o || sig[o - 1] != '#')
				sig[o++] = '#';
			while (isxdigit((unsigned char)p[1]) || p[1] == 'x')
				p++;
			continue;
		}
		if (*p == '"') {	/* a name: to its end */
			const char *q = strchr(p + 1, '"');

			memcpy(sig + o, "\"N\"", 3);
			o += 3;
			if (!q)
				break;
			p = q;
			continue;
		}
		if (*p == '/' && (p == reason || p[-1] == ' ' || p[-1] == '(')) {
			memcpy(sig + o, "PATH", 4);
			o += 4;
			while (p[1] && p[1] != ' ' && !(p[1] == ':' && (p[2] == ' ' || !p[2])))
				p++;
			continue;
		}
		sig[o++] = *p;
	}
	sig[o] = 0;
}

static struct reason *count_reason(struct reason *tab, int *n, int max, const char *reason,
				   long index)
{
	char sig[160];

	signature(reason, sig, sizeof(sig));
	for (int i = 0; i < *n; i++)
		if (!strcmp(tab[i].sig, sig)) {
			tab[i].n++;
			return &tab[i];
		}
	if (*n == max)
		return NULL;
	snprintf(tab[*n].sig, sizeof(tab[*n].sig), "%s", sig);
	tab[*n].n = 1;
	tab[*n].first = index;
	tab[*n].saved = 0;
	return &tab[(*n)++];
}

/* An interesting mutant, saved with what it is and how to make it again. */
static int saved_count;
static const char *cur_from = "-";	/* the seed the mutant came from */

static void save_mutant(const char *kind, long index, const unsigned char *img, size_t len,
			const char *desc, const struct outcome *v, const struct outcome *o,
			const char *klines)
{
	char path[PATH_MAX];
	FILE *f;

	if (!opt_out || saved_count >= 200)
		return;
	mkdir(opt_out, 0755);
	snprintf(path, sizeof(path), "%s/%s-s%" PRIu64 "-i%ld.cr", opt_out, kind, opt_seed, index);
	if (write_file(path, img, len))
		fprintf(stderr, "cr-fuzz: cannot save %s\n", path);
	snprintf(path, sizeof(path), "%s/%s-s%" PRIu64 "-i%ld.txt", opt_out, kind, opt_seed, index);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "verdict: %s\nseed: %" PRIu64 "\nmutant: %ld\nfrom: %s\nmutation: %s\n", kind,
		opt_seed, index, cur_from, desc);
	if (v)
		fprintf(f, "validate: %s%s%s%s%s\n", v->accepted ? "accepted" : "refused",
			v->reason[0] ? ": " : "", v->reason, v->detail[0] ? "; " : "", v->detail);
	if (o && o != v)
		fprintf(f, "restart: %s%s%s%s%s\n", verdict_names[o->verdict],
			o->reason[0] ? ": " : "", o->reason, o->detail[0] ? "; " : "", o->detail);
	if (klines && *klines)
		fprintf(f, "kernel log:\n%s", klines);
	fprintf(f, "replay: cr-fuzz --replay %s-s%" PRIu64 "-i%ld.cr\n", kind, opt_seed, index);
	fprintf(f, "remake: cr-fuzz --seed %" PRIu64 " --only %ld <the same seed images>\n",
		opt_seed, index);
	fclose(f);
	saved_count++;
}

static void report(const char *kind, long index, const char *desc, const char *what)
{
	printf("cr-fuzz: %s: mutant %ld (%s): %s\n", kind, index, desc, what);
	fflush(stdout);
}

/* Judge one image file: validate, then a real restart if it was accepted. */
static int judge(const char *path, long index, const char *desc, const unsigned char *img,
		 size_t len, uint64_t *base_allocs, uint64_t *base_files)
{
	struct outcome v = { 0 }, r = { 0 };
	char klines[4096], what[2048];
	uint64_t allocs = 0, files = 0;
	int stop = 0, real_done = 0;
	struct reason *rs;

	if (run_child(path, CRMOD_RESTART_VALIDATE, P_NONE, 0, &v, 0) < 0)
		stop = 1;
	if (!stop && v.verdict == V_REFUSED && opt_real &&
	    (v.accepted || below(100) < opt_recheck)) {
		/* accepted: for real; refused: now and then, to see it refused again */
		if (run_child(path, 0, P_NONE, 0, &r, 0) < 0)
			stop = 1;
		real_done = 1;
		if (!v.accepted)
			rechecked++;
	}
	if (real_done)
		restore_identities();

	/* the worst of what happened */
	if (v.verdict != V_REFUSED) {
		counts[v.verdict]++;
		snprintf(what, sizeof(what), "validate: %s%s%s", v.detail, v.reason[0] ? "; " : "",
			 v.reason);
		report(verdict_names[v.verdict], index, desc, what);
		save_mutant(verdict_names[v.verdict], index, img, len, desc, &v, &v, NULL);
		bugs++;
	} else if (!real_done && v.accepted) {
		accepted_only++;
		if (opt_verbose)
			report("validated", index, desc, "");
	} else if (!real_done) {
		counts[V_REFUSED]++;
		rs = count_reason(refusal_reasons, &nrefusal, ARRAY_SIZE(refusal_reasons), v.reason,
				  index);
		(void)rs;
		if (opt_verbose)
			report("refused", index, desc, v.reason);
	} else if (r.verdict == V_REFUSED && v.accepted) {
		/* validate said yes, the restart no: the same checks must agree */
		counts[V_REFUSED]++;
		real_refused++;
		count_reason(refusal_reasons, &nrefusal, ARRAY_SIZE(refusal_reasons), r.reason,
			     index);
		if (opt_verbose)
			report("refused-at-restart", index, desc, r.reason);
	} else if (r.verdict == V_REFUSED || (r.verdict == V_RESTARTED && !v.accepted) ||
		   (r.verdict == V_PONR && !v.accepted)) {
		if (r.verdict == V_REFUSED) {
			counts[V_REFUSED]++;
			count_reason(refusal_reasons, &nrefusal, ARRAY_SIZE(refusal_reasons),
				     r.reason, index);
		} else {
			counts[V_DIFFER]++;
			snprintf(what, sizeof(what), "validate refused (%s), restart went on: %s %s",
				 v.reason, verdict_names[r.verdict], r.reason);
			report("differ", index, desc, what);
			save_mutant("differ", index, img, len, desc, &v, &r, NULL);
			bugs++;
		}
	} else if (r.verdict == V_RESTARTED) {
		counts[V_RESTARTED]++;
		if (opt_verbose)
			report("restarted", index, desc, "");
	} else if (r.verdict == V_PONR) {
		counts[V_PONR]++;
		ponr_seen++;
		rs = count_reason(ponr_reasons, &nponr, ARRAY_SIZE(ponr_reasons), r.reason, index);
		snprintf(what, sizeof(what), "%s%s%s", r.reason, r.detail[0] ? "; " : "", r.detail);
		report("ponr", index, desc, what);
		if (rs && rs->saved < 3) {
			rs->saved++;
			save_mutant("ponr", index, img, len, desc, &v, &r, NULL);
		}
		if (r.detail[0])
			bugs++;
	} else {
		counts[r.verdict]++;
		snprintf(what, sizeof(what), "restart: %s%s%s", r.detail, r.reason[0] ? "; " : "",
			 r.reason);
		report(verdict_names[r.verdict], index, desc, what);
		save_mutant(verdict_names[r.verdict], index, img, len, desc, &v, &r, NULL);
		bugs++;
	}

	if (kernel_trouble(klines, sizeof(klines))) {
		counts[V_KERNEL]++;
		report("kernel", index, desc, klines);
		save_mutant("kernel", index, img, len, desc, &v, real_done ? &r : NULL, klines);
		bugs++;
	}
	if (!stop && module_counts(&allocs, &files) == 0 &&
	    (allocs != *base_allocs || files != *base_files)) {
		counts[V_LEAK]++;
		snprintf(what, sizeof(what),
			 "the idle module holds %" PRIu64 " allocations and %" PRIu64
			 " file references (%" PRIu64 " and %" PRIu64 " before)",
			 allocs, files, *base_allocs, *base_files);
		report("leak", index, desc, what);
		save_mutant("leak", index, img, len, desc, &v, real_done ? &r : NULL, NULL);
		*base_allocs = allocs;	/* report each leak once */
		*base_files = files;
		bugs++;
	}
	return stop;
}

static void summary(long done, double secs)
{
	printf("cr-fuzz: seed %" PRIu64 ": %ld mutants in %.0f s (%.2f/s): refused %ld "
	       "(%ld of them by the real restart after validate accepted), restarted %ld "
	       "(exited 0: %ld, by a signal: %ld, killed: %ld), post-PONR %ld (%d kinds), "
	       "hang %ld, kernel %ld, leak %ld, not intact %ld, message %ld, differ %ld; "
	       "validated, not run %ld; rechecked refusals %ld; file identities put back %ld; "
	       "%d refusal kinds\n",
	       opt_seed, done, secs, secs > 0 ? done / secs : 0.0, counts[V_REFUSED], real_refused,
	       counts[V_RESTARTED], runs_exit0, runs_signal, runs_killed, counts[V_PONR], nponr,
	       counts[V_HANG], counts[V_KERNEL], counts[V_LEAK], counts[V_INTACT],
	       counts[V_MESSAGE], counts[V_DIFFER], accepted_only, rechecked, restored_ids,
	       nrefusal);
	fflush(stdout);
}

static void print_reasons(void)
{
	for (int i = 0; i < nponr; i++)
		printf("cr-fuzz: post-PONR kind %d: %ld x (first mutant %ld): %s\n", i,
		       ponr_reasons[i].n, ponr_reasons[i].first, ponr_reasons[i].sig);
	/* the refusals, most frequent first (selection of the top 40) */
	for (int shown = 0; shown < 40 && shown < nrefusal; shown++) {
		int best = -1;

		for (int i = 0; i < nrefusal; i++)
			if (refusal_reasons[i].n > 0 &&
			    (best < 0 || refusal_reasons[i].n > refusal_reasons[best].n))
				best = i;
		if (best < 0)
			break;
		printf("cr-fuzz: refusal %ld x: %s\n", refusal_reasons[best].n,
		       refusal_reasons[best].sig);
		refusal_reasons[best].n = -refusal_reasons[best].n;
	}
	for (int i = 0; i < nrefusal; i++)
		if (refusal_reasons[i].n < 0)
			refusal_reasons[i].n = -refusal_reasons[i].n;
}

static void setup_work(void)
{
	char p[PATH_MAX];
	int fd;

	mkdir(work, 0755);
	snprintf(p, sizeof(p), "%s/fifo", work);
	unlink(p);
	mkfifo(p, 0600);
	snprintf(p, sizeof(p), "%s/dir", work);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/file", work);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write_all(fd, "cr-fuzz file\n", 13) < 0)
			die("cannot write %s", p);
		close(fd);
	}
	snprintf(p, sizeof(p), "%s/empty", work);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/link", work);
	unlink(p);
	if (symlink("file", p))
		die("symlink %s: %s", p, strerror(errno));
	for (size_t i = 0; i < sizeof(pattern_area); i++)
		pattern_area[i] = (unsigned char)(i * 2654435761u >> 13);
}

/*
 * For the run: every mutant's line reaches the log (no rate limit on
 * /dev/kmsg), and restarted processes that crash (their registers were
 * mutated) do not fill it with their own traps. Put back at exit.
 */
static char old_devkmsg[32], old_trace[32];

static void sysctl_set(const char *path, const char *value, char *old, size_t size)
{
	int fd;

	if (old) {
		read_text(path, old, size);
		old[strcspn(old, "\n")] = 0;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* with its newline: printk_devkmsg takes nothing else */
	if (dprintf(fd, "%s\n", value) < 0)
		fprintf(stderr, "cr-fuzz: cannot set %s to %s\n", path, value);
	close(fd);
}

static void sysctls_back(void)
{
	if (old_devkmsg[0])
		sysctl_set("/proc/sys/kernel/printk_devkmsg", old_devkmsg, NULL, 0);
	if (old_trace[0])
		sysctl_set("/proc/sys/debug/exception-trace", old_trace, NULL, 0);
}

static void open_device(void)
{
	struct crmod_version v;

	dev_fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		die("%s: %s", DEVICE, strerror(errno));
	if (ioctl(dev_fd, CRCTL_IOC_VERSION, &v) || !(v.features & CRMOD_FEAT_TEST_HOOKS))
		die("the module is not a test build (CRMOD_TEST=1): no allocation counters");
	sysctl_set("/proc/sys/kernel/printk_devkmsg", "on", old_devkmsg, sizeof(old_devkmsg));
	sysctl_set("/proc/sys/debug/exception-trace", "0", old_trace, sizeof(old_trace));
	atexit(sysctls_back);
	kmsg_fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* ---- the fuzzing loop ---- */

static int fuzz(void)
{
	uint64_t base_allocs, base_files;
	long first = opt_only >= 0 ? opt_only : opt_start;
	long last = opt_only >= 0 ? opt_only + 1 : opt_start + opt_iterations, done = 0;
	double t0 = now(), tb = t0;
	char path[PATH_MAX];

	if (module_counts(&base_allocs, &base_files))
		die("CRCTL_IOC_TEST_FAULT: %s", strerror(errno));
	if (base_allocs || base_files)
		printf("cr-fuzz: the module holds %" PRIu64 " allocations and %" PRIu64
		       " files before the first mutant\n", base_allocs, base_files);
	snprintf(path, sizeof(path), "%s/mutant.cr", work);
	for (long i = first; i < last; i++) {
		struct img m;
		struct mut c;
		unsigned char *img;
		size_t len;
		int stop;

		make_mutant(&m, &c, opt_seed, i);
		img = img_frame(&m, &len);
		if (write_file(path, img, len))
			die("cannot write %s: %s", path, strerror(errno));
		cur_from = m.name;
		klog("#%ld of seed %" PRIu64 " from %s (%zu bytes): %.280s", i, opt_seed, m.name, len,
		     c.desc);
		if (opt_verbose)
			printf("cr-fuzz: #%ld %s: %s\n", i, m.name, c.desc);
		stop = judge(path, i, c.desc, img, len, &base_allocs, &base_files);
		free(img);
		img_free(&m);
		done++;
		if (stop) {
			printf("cr-fuzz: stopping: a child could not be killed\n");
			break;
		}
		if (done % opt_batch == 0 || i + 1 == last) {
			uint64_t a = 0, f = 0;

			module_counts(&a, &f);
			printf("cr-fuzz: batch to #%ld: %ld done, %.2f/s; module holds %" PRIu64
			       " allocations, %" PRIu64 " files; refused %ld restarted %ld ponr %ld "
			       "bugs %d\n", i, done, opt_batch / (now() - tb + 1e-9), a, f,
			       counts[V_REFUSED], counts[V_RESTARTED], counts[V_PONR], bugs);
			fflush(stdout);
			tb = now();
		}
	}
	unlink(path);
	print_reasons();
	summary(done, now() - t0);
	return bugs || (opt_ponr_fails && ponr_seen) ? 1 : 0;
}

static int replay(int argc, char **argv)
{
	uint64_t base_allocs, base_files;

	if (module_counts(&base_allocs, &base_files))
		die("CRCTL_IOC_TEST_FAULT: %s", strerror(errno));
	for (int k = 0; k < argc; k++) {
		struct stat st;
		unsigned char *img = NULL;
		int fd = open(argv[k], O_RDONLY | O_CLOEXEC);
		size_t len = 0;

		if (fd < 0 || fstat(fd, &st))
			die("%s: %s", argv[k], strerror(errno));
		len = (size_t)st.st_size;
		img = malloc(len + 1);
		if (!img || read(fd, img, len) != (ssize_t)len)
			die("%s: cannot read it", argv[k]);
		close(fd);
		opt_verbose = 1;
		judge(argv[k], k, argv[k], img, len, &base_allocs, &base_files);
		free(img);
	}
	summary(argc, 0);
	return bugs || (opt_ponr_fails && ponr_seen) ? 1 : 0;
}

/* ---- the judge judged: every planted failure must be flagged ---- */

static int self_failures;

static void expect(int ok, const char *what, const struct outcome *o)
{
	printf("cr-fuzz: selftest: %s: %s (%s%s%s%s%s)\n", what, ok ? "flagged" : "MISSED",
	       o->verdict >= 0 ? verdict_names[o->verdict] : "", o->reason[0] ? "; " : "",
	       o->reason, o->detail[0] ? "; " : "", o->detail);
	fflush(stdout);
	self_failures += !ok;
}

static int selftest(void)
{
	struct outcome o;
	struct crmod_test_fault t;
	char path[PATH_MAX], big[PATH_MAX], klines[2048];
	unsigned char *img;
	size_t len;
	struct img m;
	uint64_t a, f;
	unsigned int saved_timeout = opt_timeout;
	uint32_t steps;
	pid_t pid;
	int fd, seen;

	snprintf(path, sizeof(path), "%s/selftest.cr", work);
	img_clone(&m, &seeds[0]);
	img = img_frame(&m, &len);
	if (write_file(path, img, len))
		die("cannot write %s", path);

	/* the control: the seed as it is validates and restarts, and runs */
	memset(&o, 0, sizeof(o));
	run_child(path, CRMOD_RESTART_VALIDATE, P_NONE, 0, &o, 0);
	expect(o.verdict == V_REFUSED && o.accepted, "the seed validates (control)", &o);
	memset(&o, 0, sizeof(o));
	run_child(path, 0, P_NONE, 0, &o, 1);
	expect(o.verdict == V_RESTARTED && strstr(o.out, "restarted: pid "),
	       "the seed restarts and its process runs (control)", &o);
	if (o.out[0])
		printf("cr-fuzz: selftest: the restarted seed said: %.*s\n",
		       (int)strcspn(o.out, "\n"), o.out);
	restore_identities();

	/* a fault at the first step: refused in phase 1, caller intact */
	memset(&o, 0, sizeof(o));
	run_child(path, CRMOD_RESTART_VALIDATE, P_NONE, 1, &o, 0);
	expect(o.verdict == V_REFUSED && !o.accepted && strstr(o.reason, "test fault"),
	       "a planted phase-1 failure is a clean refusal", &o);
	/* phase 1's length in steps, then the first step past it fails */
	memset(&o, 0, sizeof(o));
	run_child(path, CRMOD_RESTART_VALIDATE, P_NONE, 1000000, &o, 0);
	arm_fault(0, 0, &t);
	steps = t.steps;
	/*
	 * A real restart takes one step more (the status fd), so phase 2's
	 * first step is steps + 2; a few more in case phase 1 grew.
	 */
	for (uint32_t k = 2; k < 8; k++) {
		memset(&o, 0, sizeof(o));
		run_child(path, 0, P_NONE, steps + k, &o, 0);
		restore_identities();
		if (o.verdict != V_REFUSED)
			break;
	}
	expect(o.verdict == V_PONR && strstr(o.reason, "test fault"),
	       "a planted failure past the point of no return is told on the status fd", &o);
	arm_fault(0, 0, NULL);
	restore_identities();

	/* a caller that changes behind the ioctl */
	memset(&o, 0, sizeof(o));
	run_child(path, CRMOD_RESTART_VALIDATE, P_MESS, 0, &o, 0);
	expect(o.verdict == V_INTACT, "a caller changed after the ioctl is not intact", &o);

	/* an ioctl that never returns */
	opt_timeout = 3;
	memset(&o, 0, sizeof(o));
	run_child(path, CRMOD_RESTART_VALIDATE, P_HANG, 0, &o, 0);
	expect(o.verdict == V_HANG, "a child that never returns is a hang", &o);
	opt_timeout = saved_timeout;

	/* the kernel log: a line the console does not show (KERN_DEBUG) */
	kernel_trouble(NULL, 0);
	if (kmsg_fd >= 0) {
		const char *line = "<7>cr-fuzz-selftest: WARNING: planted, not a real one\n";

		if (write(kmsg_fd, line, strlen(line)) < 0)
			die("cannot write /dev/kmsg");
	}
	memset(&o, 0, sizeof(o));
	o.verdict = -1;
	seen = kernel_trouble(klines, sizeof(klines));
	snprintf(o.detail, sizeof(o.detail), "%.*s", (int)strcspn(klines, "\n"), klines);
	expect(seen, "a WARNING in the kernel log", &o);

	/* the module busy: its counters are not zero, and that is a leak to the judge */
	snprintf(big, sizeof(big), "%s/selftest-big.cr", work);
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("cannot write %s", big);
	{
		struct crmod_section_header h = { .type = CRMOD_SEC_PAGES };
		struct crmod_pages run = { .addr = 0x100000 };
		uint32_t page = ((struct crmod_image_header *)m.hdr)->machine.page_size;
		uint64_t bytes = 768ULL << 20;

		run.nr_pages = bytes / page;
		h.length = sizeof(run) + run.nr_pages * page;
		h.header_crc = crc32c(&h, offsetof(struct crmod_section_header, header_crc));
		if (write_all(fd, m.hdr, HDR_SIZE) < 0 || write_all(fd, &h, sizeof(h)) < 0 ||
		    write_all(fd, &run, sizeof(run)) < 0 ||
		    ftruncate(fd, (off_t)(HDR_SIZE + SEC_SIZE + h.length)))
			die("cannot write %s", big);
		close(fd);
	}
	pid = fork();
	if (pid == 0) {
		struct outcome x;

		memset(&x, 0, sizeof(x));
		opt_timeout = 120;
		run_child(big, CRMOD_RESTART_VALIDATE, P_NONE, 0, &x, 0);
		_exit(0);
	}
	seen = 0;
	for (int k = 0; k < 2000 && !seen; k++) {
		usleep(20000);
		if (module_counts(&a, &f) == 0 && (a || f))
			seen = 1;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = -1;
			break;
		}
	}
	memset(&o, 0, sizeof(o));
	o.verdict = -1;
	snprintf(o.detail, sizeof(o.detail), "%" PRIu64 " allocations, %" PRIu64 " files held", a, f);
	expect(seen, "the module's counters read while it holds a restart", &o);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	unlink(big);
	module_counts(&a, &f);
	memset(&o, 0, sizeof(o));
	o.verdict = -1;
	snprintf(o.detail, sizeof(o.detail), "%" PRIu64 " allocations, %" PRIu64 " files", a, f);
	expect(!a && !f, "and back to zero once idle", &o);

	unlink(path);
	free(img);
	img_free(&m);
	printf("cr-fuzz: selftest: %s\n", self_failures ? "FAILED" : "every planted failure was flagged");
	return self_failures ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: cr-fuzz [--seed S] [--iterations N] [--start I] [--only I] [--batch N]\n"
		"               [--out DIR] [--timeout SEC] [--settle MS] [--recheck PCT]\n"
		"               [--no-real] [--ponr-fails] [--verbose] SEED.cr...\n"
		"       cr-fuzz --replay [--out DIR] FILE...\n"
		"       cr-fuzz --selftest SEED.cr\n");
	return 2;
}

int main(int argc, char **argv)
{
	int mode = 0;	/* 0 fuzz, 1 replay, 2 selftest */
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--replay")) {
			mode = 1;
			continue;
		}
		if (!strcmp(o, "--selftest")) {
			mode = 2;
			continue;
		}
		if (!strcmp(o, "--no-real")) {
			opt_real = 0;
			continue;
		}
		if (!strcmp(o, "--ponr-fails")) {
			opt_ponr_fails = 1;
			continue;
		}
		if (!strcmp(o, "--verbose")) {
			opt_verbose = 1;
			continue;
		}
		if (!val)
			return usage();
		i++;
		if (!strcmp(o, "--seed"))
			opt_seed = strtoull(val, NULL, 0);
		else if (!strcmp(o, "--iterations"))
			opt_iterations = strtol(val, NULL, 0);
		else if (!strcmp(o, "--start"))
			opt_start = strtol(val, NULL, 0);
		else if (!strcmp(o, "--only"))
			opt_only = strtol(val, NULL, 0);
		else if (!strcmp(o, "--batch"))
			opt_batch = strtol(val, NULL, 0);
		else if (!strcmp(o, "--out"))
			opt_out = val;
		else if (!strcmp(o, "--timeout"))
			opt_timeout = (unsigned int)strtoul(val, NULL, 0);
		else if (!strcmp(o, "--settle"))
			opt_settle_ms = (unsigned int)strtoul(val, NULL, 0);
		else if (!strcmp(o, "--recheck"))
			opt_recheck = (unsigned int)strtoul(val, NULL, 0);
		else
			return usage();
	}
	if (i >= argc || opt_batch <= 0)
		return usage();
	crc_init();
	signal(SIGPIPE, SIG_IGN);
	setup_work();
	open_device();
	if (mode == 1)
		return replay(argc - i, argv + i);
	for (; i < argc; i++)
		load_seed(argv[i]);
	printf("cr-fuzz: %d seed images:", nseeds);
	for (int k = 0; k < nseeds; k++)
		printf(" %s (%d sections)", seeds[k].name, seeds[k].n);
	printf("\n");
	if (mode == 2)
		return selftest();
	return fuzz();
}
