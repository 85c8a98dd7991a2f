// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: CRCTL_IOC_RESTART. The calling process becomes the one in the
 * image, in two phases, as execve does:
 *
 * 1. Read the whole image, check every CRC, length and field, the machine
 *    and CPU it needs; find every file it names and check it is the one
 *    checkpointed, make the files and pipes it carries and open every file
 *    it had open, take its flock and OFD locks. Nothing of the caller
 *    changes; any failure returns with one line saying why.
 * 2. Past the point of no return, replace the caller's memory, fds,
 *    identity, signal state and registers. A failure here cannot be
 *    undone: the caller is told on status_fd and killed.
 *
 * With CRMOD_RESTART_VALIDATE the ioctl stops after phase 1 and returns 0.
 * A process of a tree waits at the end of phase 1 until every process of
 * the tree is there (tree.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

/* Sections other than PAGES and FILE_DATA are read whole into memory. */
#define CR_SMALL_SECTION_MAX	(16UL << 20)

static int cr_read_header(struct cr_plan *p)
{
	struct crmod_image_header *h = &p->hdr;
	struct crmod_machine me;
	u32 crc;
	int ret;

	ret = cr_read_exact(&p->r, h, sizeof(*h), "the image header");
	if (ret)
		return ret;
	if (memcmp(h->magic, CRMOD_IMAGE_MAGIC, sizeof(h->magic)))
		return cr_fail(p->err, "not a crmod image: bad magic");
	if (h->format_version < CRMOD_IMAGE_FORMAT_MIN ||
	    h->format_version > CRMOD_IMAGE_FORMAT)
		return cr_fail(p->err, "image format %u; this module reads formats %d to %d%s",
			       h->format_version, CRMOD_IMAGE_FORMAT_MIN,
			       CRMOD_IMAGE_FORMAT,
			       h->format_version < CRMOD_IMAGE_FORMAT ?
			       " (restart it with the crmod that wrote it)" : "");
	if (h->header_size != sizeof(*h))
		return cr_fail(p->err, "header size %u, expected %zu",
			       h->header_size, sizeof(*h));
	crc = cr_crc(h, offsetof(struct crmod_image_header, header_crc));
	if (crc != h->header_crc)
		return cr_fail(p->err, "header CRC32C %#010x, expected %#010x",
			       crc, h->header_crc);
	if (h->flags || h->reserved)
		return cr_fail(p->err, "header flags %#llx, reserved %#x: unknown to this module",
			       h->flags, h->reserved);

	crmod_describe_machine(&me);
	if (h->machine.arch != me.arch)
		return cr_fail(p->err, "the image is for arch %u, this machine is arch %u (%s)",
			       h->machine.arch, me.arch,
			       me.arch == CRMOD_ARCH_X86_64 ? "x86_64" : "ppc64");
	if (h->machine.word_size != me.word_size ||
	    h->machine.endian != me.endian)
		return cr_fail(p->err,
			       "the image is %u-bit %s-endian, this machine %u-bit %s-endian",
			       h->machine.word_size,
			       h->machine.endian == CRMOD_ENDIAN_BIG ? "big" : "little",
			       me.word_size,
			       me.endian == CRMOD_ENDIAN_BIG ? "big" : "little");
	/*
	 * Smaller pages are checked mapping by mapping (mm.c). Larger ones
	 * would leave parts of their pages unbacked here (a file's last
	 * page past its end faults); and on powerpc a kernel of 4 KiB pages
	 * has 64 TiB of user space, a kernel of 64 KiB pages puts the stack
	 * at 128 TiB.
	 */
	if (!is_power_of_2(h->machine.page_size) ||
	    h->machine.page_size < CR_MIN_IMAGE_PAGE)
		return cr_fail(p->err, "the image has %u-byte pages", h->machine.page_size);
	if (h->machine.page_size > me.page_size)
		return cr_fail(p->err,
			       "the image has %u-byte pages, larger than this kernel's %u-byte pages: restart it under a kernel of %u-byte pages",
			       h->machine.page_size, me.page_size, h->machine.page_size);
	p->page_size = h->machine.page_size;
	return 0;
}

static int cr_read_small(struct cr_plan *p, u64 len, u32 crc_expected)
{
	void *payload;
	u32 crc;
	int ret;

	if (len > CR_SMALL_SECTION_MAX)
		return cr_plan_fail(p, "length %llu is absurd for this section (at most %lu)",
				    len, CR_SMALL_SECTION_MAX);
	payload = cr_alloc(len ?: 1);
	if (!payload)
		return -ENOMEM;
	ret = cr_read_exact(&p->r, payload, len, "a section payload");
	if (ret)
		goto out;
	crc = cr_crc_final(cr_crc_update(CR_CRC_INIT, payload, len));
	if (crc != crc_expected) {
		ret = cr_plan_fail(p, "payload CRC32C %#010x, expected %#010x",
				   crc, crc_expected);
		goto out;
	}
	switch (p->cur_type) {
	case CRMOD_SEC_TASK:
		ret = cr_read_task(p, payload, len);
		break;
	case CRMOD_SEC_FILE:
		ret = cr_read_file(p, payload, len);
		break;
	case CRMOD_SEC_VMAS:
		ret = cr_read_vmas(p, payload, len);
		break;
	case CRMOD_SEC_SIGNALS:
		ret = cr_read_signals(p, payload, len);
		break;
	case CRMOD_SEC_OFDS:
		ret = cr_read_ofds(p, payload, len);
		break;
	case CRMOD_SEC_FDS:
		ret = cr_read_fds(p, payload, len);
		break;
	case CRMOD_SEC_CREDS:
		ret = cr_read_creds(p, payload, len);
		break;
	case CRMOD_SEC_PENDING:
		ret = cr_read_pending(p, payload, len);
		break;
	case CRMOD_SEC_PIPE:
		ret = cr_read_pipe(p, payload, len);
		break;
	case CRMOD_SEC_LOCKS:
		ret = cr_read_locks(p, payload, len);
		break;
	case CRMOD_SEC_TIMERS:
		ret = cr_read_timers(p, payload, len);
		break;
	case CRMOD_SEC_CGROUP:
		ret = cr_read_cgroup(p, payload, len);
		break;
	case CRMOD_SEC_THREAD:
		ret = cr_read_thread(p, payload, len);
		break;
	case CRMOD_SEC_VDSO:
		ret = cr_read_vdso_syms(p, payload, len);
		break;
	case CRMOD_SEC_NAMESPACES:
		ret = cr_read_namespaces(p, payload, len);
		break;
	case CRMOD_SEC_PROCESS:
		ret = cr_read_process(p, payload, len);
		break;
	default:	/* the arch's registers */
		if (p->regs) {
			ret = cr_plan_fail(p, "a second register section");
			break;
		}
		p->regs = payload;
		p->regs_len = len;
		p->regs_type = p->cur_type;
		return 0;
	}
out:
	cr_free(payload);
	return ret;
}

static int cr_read_trailer(struct cr_plan *p, u64 len, u32 crc_expected,
			   loff_t end_pos)
{
	struct crmod_image_trailer t;
	ssize_t n;
	u8 extra;
	u32 crc;
	int ret;

	if (len != sizeof(t))
		return cr_plan_fail(p, "length %llu, expected %zu", len,
				    sizeof(t));
	ret = cr_read_exact(&p->r, &t, sizeof(t), "the trailer");
	if (ret)
		return ret;
	crc = cr_crc_final(cr_crc_update(CR_CRC_INIT, &t, sizeof(t)));
	if (crc != crc_expected)
		return cr_plan_fail(p, "payload CRC32C %#010x, expected %#010x",
				    crc, crc_expected);
	if (t.sections != p->section)
		return cr_plan_fail(p, "the trailer counts %llu sections, the image has %u",
				    t.sections, p->section);
	if (t.image_bytes != end_pos)
		return cr_plan_fail(p,
				    "the trailer counts %llu bytes before it, the image has %lld",
				    t.image_bytes, end_pos);
	n = kernel_read(p->r.file, &extra, 1, &p->r.pos);
	if (n < 0)
		return cr_fail(p->err, "reading the image after its END section: error %zd",
			       n);
	if (n)
		return cr_fail(p->err, "data after the END section at offset %lld",
			       p->r.pos - 1);
	return 0;
}

/* A section of a thread's own, read into its record. */
static bool cr_is_thread_section(u32 type)
{
	return type == CRMOD_SEC_TASK || type == CRMOD_SEC_SIGNALS ||
	       type == CRMOD_SEC_PENDING || type == cr_arch_regs_section();
}

static int cr_read_thread_part(struct cr_plan *p, u64 len, u32 crc_expected)
{
	struct cr_plan_thread *th = cr_plan_cur_thread(p);
	int ret;

	cr_plan_thread_swap(p, th);
	ret = cr_read_small(p, len, crc_expected);
	cr_plan_thread_swap(p, th);
	return ret;
}

/* Phase 1a: every section, in order, checked as it is read. */
static int cr_read_image(struct cr_plan *p)
{
	loff_t start = p->r.pos;
	int ret;

	ret = cr_read_header(p);
	for (p->section = 0; !ret; p->section++) {
		struct crmod_section_header s;
		u8 pad[CRMOD_IMAGE_ALIGN];
		u32 crc;

		p->section_pos = p->r.pos - start;
		p->cur_type = 0;
		ret = cr_read_exact(&p->r, &s, sizeof(s), "a section header");
		if (ret)
			break;
		crc = cr_crc(&s, offsetof(struct crmod_section_header,
					  header_crc));
		if (crc != s.header_crc) {
			ret = cr_plan_fail(p, "header CRC32C %#010x, expected %#010x",
					   crc, s.header_crc);
			break;
		}
		p->cur_type = s.type;
		if (s.flags) {
			ret = cr_plan_fail(p, "flags %#x: unknown", s.flags);
			break;
		}
		if (s.length > CRMOD_IMAGE_SECTION_MAX) {
			ret = cr_plan_fail(p, "length %llu is absurd (at most %llu)",
					   s.length, CRMOD_IMAGE_SECTION_MAX);
			break;
		}
		if (cr_plan_cur_thread(p) && s.type != CRMOD_SEC_END &&
		    s.type != CRMOD_SEC_THREAD) {
			ret = cr_is_thread_section(s.type) ?
			      cr_read_thread_part(p, s.length, s.payload_crc) :
			      cr_plan_fail(p, "a process section among its threads'");
			goto next;
		}
		switch (s.type) {
		case CRMOD_SEC_END:
			return cr_read_trailer(p, s.length, s.payload_crc,
					       p->section_pos);
		case CRMOD_SEC_PAGES:
			ret = cr_read_pages(p, s.length, s.payload_crc);
			break;
		case CRMOD_SEC_FILE_DATA:
			ret = cr_read_file_data(p, s.length, s.payload_crc);
			break;
		case CRMOD_SEC_TASK:
		case CRMOD_SEC_FILE:
		case CRMOD_SEC_VMAS:
		case CRMOD_SEC_SIGNALS:
		case CRMOD_SEC_OFDS:
		case CRMOD_SEC_FDS:
		case CRMOD_SEC_CREDS:
		case CRMOD_SEC_PENDING:
		case CRMOD_SEC_PIPE:
		case CRMOD_SEC_LOCKS:
		case CRMOD_SEC_TIMERS:
		case CRMOD_SEC_CGROUP:
		case CRMOD_SEC_THREAD:
		case CRMOD_SEC_VDSO:
		case CRMOD_SEC_NAMESPACES:
		case CRMOD_SEC_PROCESS:
			ret = cr_read_small(p, s.length, s.payload_crc);
			break;
		case CRMOD_SEC_REGS_X86:
		case CRMOD_SEC_REGS_PPC:
			if (s.type != cr_arch_regs_section()) {
				ret = cr_plan_fail(p, "registers of another arch");
				break;
			}
			ret = cr_read_small(p, s.length, s.payload_crc);
			break;
		default:
			ret = cr_plan_fail(p, "unknown section type %u", s.type);
			break;
		}
next:
		if (ret)
			break;
		if (ALIGN(s.length, CRMOD_IMAGE_ALIGN) != s.length) {
			size_t n = ALIGN(s.length, CRMOD_IMAGE_ALIGN) - s.length;

			ret = cr_read_exact(&p->r, pad, n, "padding");
			if (!ret && memchr_inv(pad, 0, n))
				ret = cr_plan_fail(p, "padding after the payload is not zero");
		}
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	return ret;
}

/* Sections every image has, once. */
static int cr_check_complete(struct cr_plan *p)
{
	static const char *const missing[] = {
		"TASK", "VMAS", "SIGNALS", "PENDING", "CREDS", "TIMERS",
		"CGROUP", "OFDS", "FDS", "LOCKS",
	};
	bool have[] = {
		p->has_task, p->vmas, p->has_signals, p->has_pending, p->creds,
		p->has_timers, p->cgroup, p->has_ofds, p->has_fds, p->has_locks,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(have); i++)
		if (!have[i])
			return cr_fail(p->err, "the image has no %s section",
				       missing[i]);
	return cr_check_threads_complete(p);
}

/*
 * A check's outcome: go on? A refusal goes on when every reason is wanted
 * (p->reasons): its message becomes a line there, and the checks that do
 * not depend on it run on. Any other error stops at once.
 */
static bool cr_check_go_on(struct cr_plan *p, int *ret, bool *failed)
{
	struct cr_reasons *why = p->reasons;
	size_t n;

	if (!*ret)
		return true;
	*failed = true;
	if (!why || *ret != -EINVAL || !p->err->msg[0])
		return false;
	n = strlen(p->err->msg);
	if (why->len + n + 2 <= why->size) {	/* whole lines only */
		memcpy(why->buf + why->len, p->err->msg, n);
		why->len += n;
		why->buf[why->len++] = '\n';
		why->buf[why->len] = '\0';
	}
	why->count++;
	p->err->msg[0] = '\0';
	*ret = 0;
	return true;
}

static int cr_check_sighand(struct cr_plan *p)
{
	if (refcount_read(&current->sighand->count) != get_nr_threads(current))
		return cr_fail(p->err, "the restarting process shares its signal handlers");
	return 0;
}

/* The image's open files, each on the pipes and files before it. */
static int cr_plan_open_fd_objects(struct cr_plan *p)
{
	int ret = cr_plan_open_pipes(p);

	if (!ret)
		ret = cr_plan_open_ofds(p);
	if (!ret)
		ret = cr_plan_take_locks(p);
	return ret;
}

/*
 * Phase 1b: what the sections say, checked against this machine. The task
 * and its memory name files, and the open files build on the files and on
 * each other: they run only where what they rest on passed.
 */
static const struct {
	int (*check)(struct cr_plan *p);
	bool needs_files;
} cr_plan_checks[] = {
	{ cr_plan_check_task, true },
	{ cr_plan_check_process, false },
	{ cr_plan_check_cgroup, false },
	{ cr_plan_check_namespaces, false },
	{ cr_plan_check_mm, true },
	{ cr_check_sighand, false },
	{ cr_plan_check_pending, false },
	{ cr_arch_check_regs, false },
	{ cr_vdso_check_stopped_in, false },
	{ cr_plan_check_creds, false },
	{ cr_plan_open_fd_objects, true },
};

/* Phase 1b of each other thread, on its view of the plan. */
static const struct {
	int (*check)(struct cr_plan *view);
} cr_plan_thread_checks[] = {
	{ cr_plan_check_thread_task },
	{ cr_plan_check_thread_signals },
	{ cr_plan_check_pending },
	{ cr_arch_check_regs },
	{ cr_vdso_check_stopped_in },
};

/* A thread's refusal names the thread. */
static void cr_name_thread(struct cr_error *err, u32 tid)
{
	char msg[CRMOD_ERROR_LEN];

	if (!err->msg[0])
		return;
	strscpy(msg, err->msg, sizeof(msg));
	err->msg[0] = '\0';
	cr_fail(err, "thread %u: %s", tid, msg);
}

static int cr_check_threads_plan(struct cr_plan *p, bool *failed)
{
	size_t i, j;
	int ret;

	ret = cr_plan_thread_views(p);
	if (ret)
		return ret;
	for (i = 0; i < p->nr_threads; i++) {
		for (j = 0; j < ARRAY_SIZE(cr_plan_thread_checks); j++) {
			ret = cr_plan_thread_checks[j].check(p->threads[i].view);
			if (ret == -EINVAL)
				cr_name_thread(p->err, p->threads[i].rec.tid);
			if (!cr_check_go_on(p, &ret, failed))
				return ret;
		}
	}
	return 0;
}

static int cr_check_plan(struct cr_plan *p)
{
	bool failed = false, files_failed = false;
	size_t i;
	int ret;

	ret = cr_check_complete(p);
	if (ret)
		return ret;
	ret = cr_plan_open_files(p);
	if (!cr_check_go_on(p, &ret, &files_failed))
		return ret;
	for (i = 0; i < ARRAY_SIZE(cr_plan_checks); i++) {
		if (files_failed && cr_plan_checks[i].needs_files)
			continue;
		ret = cr_plan_checks[i].check(p);
		if (!cr_check_go_on(p, &ret, &failed))
			return ret;
	}
	ret = cr_check_threads_plan(p, &failed);
	if (ret)
		return ret;
	return failed || files_failed ? -EINVAL : 0;
}

/* Phase 2. */
static int cr_apply(struct cr_plan *p, long *retval)
{
	int ret;

	ret = cr_restore_mm(p);
	if (!ret)
		ret = cr_restore_seals(p);
	if (!ret)
		ret = cr_restore_fds(p);
	if (!ret)
		ret = cr_restore_locks(p);
	if (!ret)
		ret = cr_restore_task(p);
	if (ret)
		return ret;
	cr_restore_signals(p);
	cr_restore_timers(p);
	ret = cr_arch_restore_regs(p, retval);
	if (!ret)
		ret = cr_restore_pending(p);
	if (!ret)
		ret = cr_restore_limits(p);
	/* The steps before may need what the caller is allowed. */
	if (!ret)
		ret = cr_restore_creds(p);
	if (!ret)
		ret = cr_restore_task_late(p);
	return ret;
}

static void cr_plan_free(struct cr_plan *p)
{
	/* first: the tree's children may be reading our open files */
	cr_tree_leave(p);
	if (p->reasons) {
		cr_free(p->reasons->buf);
		cr_free(p->reasons);
	}
	cr_threads_leave(p);
	cr_plan_threads_free(p);
	cr_plan_ofds_free(p);
	cr_files_release(p->files, p->nr_files);
	cr_free(p->vmas);
	cr_vdso_plan_free(p);
	cr_free(p->runs);
	cr_free(p->data);
	cr_free(p->regs);
	cr_free(p->creds);
	cr_free(p->pending);
	cr_free(p->locks);
	cr_free(p->cgroup);
	cr_plan_pipes_free(p);
	cr_free(p->buf);
	cr_tree_close(p);
	if (p->exe_denied) {
		cr_compat_allow_write_access(p->exe_denied);
		cr_fput(p->exe_denied);
	}
	if (p->status)
		cr_fput(p->status);
	if (p->frozen)
		cr_compat_allow_write_access(p->r.file);
	if (p->r.file)
		cr_fput(p->r.file);
	cr_free(p);
}

long crmod_ioc_restart(void __user *uarg)
{
	struct crmod_restart_args args;
	/* on the stack: even a plan that cannot be allocated is explained */
	struct cr_error err_buf = { .msg = "" }, *err = &err_buf;
	struct cr_plan *p;
	long retval = 0;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~CRMOD_RESTART_KNOWN_FLAGS) || args.reserved ||
	    (args.error_len && (!(args.flags & CRMOD_RESTART_VALIDATE) ||
				args.error_len < CRMOD_ERROR_LEN ||
				args.error_len > CRMOD_REASONS_LEN)))
		return -EINVAL;
	cr_fault_begin();
	p = cr_zalloc(sizeof(*p));
	if (!p) {
		cr_fail(err, "out of memory for the restart's plan");
		cr_note_fault(err);
		if (args.error && copy_to_user(u64_to_user_ptr(args.error),
					       err->msg, sizeof(err->msg)))
			return -EFAULT;
		return -ENOMEM;
	}
	p->err = err;
	p->r.err = err;
	p->flags = args.flags;
	if (args.error_len) {
		p->reasons = cr_zalloc(sizeof(*p->reasons));
		if (p->reasons) {
			p->reasons->size = args.error_len;
			p->reasons->buf = cr_zalloc(args.error_len);
		}
		if (!p->reasons || !p->reasons->buf) {
			ret = -ENOMEM;
			goto refuse;
		}
	}
	p->buf = cr_alloc(CR_COPY_BYTES);
	if (!p->buf) {
		ret = -ENOMEM;
		goto refuse;
	}

	p->r.file = cr_fget(args.fd);
	if (!p->r.file) {
		cr_fail(err, "image fd %d is not open", args.fd);
		ret = -EBADF;
		goto refuse;
	}
	if (!(p->r.file->f_mode & FMODE_READ) ||
	    !(p->r.file->f_mode & FMODE_LSEEK) ||
	    (p->r.file->f_mode & FMODE_STREAM)) {
		cr_fail(err,
			"the image must be a readable, seekable file (crctl copies a pipe to memory first)");
		ret = -ESPIPE;
		goto refuse;
	}
	p->r.pos = p->r.file->f_pos;
	/*
	 * With writers shut out, the content checked in phase 1 is the content
	 * read in phase 2; otherwise phase 2 checks its CRCs again.
	 */
	p->frozen = !cr_compat_deny_write_access(p->r.file);
	if (args.status_fd >= 0) {
		p->status = cr_fget(args.status_fd);
		if (!p->status || !(p->status->f_mode & FMODE_WRITE)) {
			cr_fail(err, "status fd %d is not open for writing",
				args.status_fd);
			ret = -EBADF;
			goto refuse;
		}
	}
	ret = cr_tree_open(p, &args);
	if (ret)
		goto refuse;

	ret = cr_read_image(p);
	if (!ret)
		ret = cr_check_plan(p);
	if (!ret && !(args.flags & CRMOD_RESTART_VALIDATE))
		ret = cr_plan_gather_threads(p);
	/* every process of a tree checked, its threads here: all go on */
	if (!ret && !(args.flags & CRMOD_RESTART_VALIDATE))
		ret = cr_tree_barrier(p);
	if (ret)
		goto refuse;
	if (args.flags & CRMOD_RESTART_VALIDATE) {
		cr_plan_free(p);
		return 0;
	}

	/* The point of no return. */
	ret = cr_apply(p, &retval);
	if (ret) {
		cr_plan_die(p, ret);
		cr_threads_abort(p);
		cr_plan_free(p);
		return -EINTR;
	}
	/* the leader is restored; now each thread restores itself */
	ret = cr_threads_restore(p);
	/* a tree's processes, all restored, return to user space together */
	if (!ret)
		ret = cr_tree_done(p);
	cr_threads_let_go(p, !ret);
	cr_plan_free(p);
	return ret ?: retval;

refuse:
	cr_threads_abort(p);
	if (ret == -EINVAL && p->reasons && p->reasons->count && !err->msg[0]) {
		/* every reason, whole lines, as many as the caller has room for */
		if (args.error && copy_to_user(u64_to_user_ptr(args.error),
					       p->reasons->buf, p->reasons->len + 1))
			ret = -EFAULT;
		cr_plan_free(p);
		return ret;
	}
	if (!err->msg[0])
		cr_fail(err, "error %d", ret);
	cr_note_fault(err);
	if (args.error &&
	    copy_to_user(u64_to_user_ptr(args.error), err->msg, sizeof(err->msg)))
		ret = -EFAULT;
	cr_plan_free(p);
	return ret;
}
