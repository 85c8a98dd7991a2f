// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the restart plan's helpers, below every state file: errors that
 * name the section being read, lookups by id, growing arrays, and content
 * that stays in the image file until it is copied to its place.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crmod.h"
#include "resource.h"

int cr_plan_fail(struct cr_plan *p, const char *fmt, ...)
{
	char what[CRMOD_ERROR_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	return cr_fail(p->err, "section %u (%s) at offset %lld: %s",
		       p->section, cr_section_name(p->cur_type),
		       p->section_pos, what);
}

void cr_plan_die(struct cr_plan *p, int ret)
{
	if (!p->err->msg[0])
		cr_fail(p->err, "error %d", ret);
	cr_note_fault(p->err);
	pr_info("restart of pid %d failed after the point of no return: %s\n",
		task_pid_nr(current), p->err->msg);
	if (p->status) {
		char line[CRMOD_ERROR_LEN + 32];
		loff_t pos = 0;
		int len;

		/* in a tree, crctl names the process that failed */
		if (p->ready)
			len = scnprintf(line, sizeof(line), "process %d: %s\n",
					task_tgid_vnr(current), p->err->msg);
		else
			len = scnprintf(line, sizeof(line), "%s\n", p->err->msg);
		kernel_write(p->status, line, len, &pos);
	}
	force_sig(SIGKILL);
}

struct cr_file_ref *cr_plan_file(struct cr_plan *p, u32 id)
{
	if (id == 0 || id > p->nr_files)
		return NULL;
	return &p->files[id - 1];
}

struct cr_plan_ofd *cr_plan_ofd(struct cr_plan *p, u32 id)
{
	if (id == 0 || id > p->nr_ofds)
		return NULL;
	return &p->ofds[id - 1];
}

int cr_plan_grow(void **array, u32 nr, u32 *cap, size_t size, u32 max)
{
	u32 want;
	void *bigger;

	if (nr < *cap)
		return 0;
	if (nr >= max)
		return -E2BIG;
	want = min_t(u32, max, max(16U, *cap * 2));
	bigger = cr_alloc_array(want, size);
	if (!bigger)
		return -ENOMEM;
	if (*array)
		memcpy(bigger, *array, (size_t)nr * size);
	cr_free(*array);
	*array = bigger;
	*cap = want;
	return 0;
}

int cr_plan_read_extent(struct cr_plan *p, struct cr_extent *e,
			u32 crc_expected)
{
	u32 crc = cr_crc_update(CR_CRC_INIT, &e->head, e->head_len);
	u64 left = e->len;
	int ret;

	e->data_pos = p->r.pos;
	e->section = p->section;
	while (left) {
		size_t chunk = min_t(u64, left, CR_COPY_BYTES);

		ret = cr_read_exact(&p->r, p->buf, chunk, "content");
		if (ret)
			return ret;
		crc = cr_crc_update(crc, p->buf, chunk);
		left -= chunk;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	if (cr_crc_final(crc) != crc_expected)
		return cr_plan_fail(p, "payload CRC32C %#010x, expected %#010x",
				    cr_crc_final(crc), crc_expected);
	e->crc = crc_expected;
	return 0;
}

int cr_plan_copy_extent(struct cr_plan *p, const struct cr_extent *e,
			struct file *to)
{
	u32 crc = cr_crc_update(CR_CRC_INIT, &e->head, e->head_len);
	loff_t from = e->data_pos, at = e->addr;
	u64 left = e->len;
	int ret;

	while (left) {
		size_t chunk = min_t(u64, left, CR_COPY_BYTES);
		ssize_t n;

		p->r.pos = from;
		ret = cr_read_exact(&p->r, p->buf, chunk, "content");
		if (ret)
			return ret;
		from = p->r.pos;
		crc = cr_crc_update(crc, p->buf, chunk);
		n = cr_fault("writing a file's content") ? -CR_FAULT_ERRNO :
		    kernel_write(to, p->buf, chunk, &at);
		if (n != chunk)
			return cr_fail(p->err,
				       "section %u (FILE_DATA): writing %zu bytes at offset %lld: error %zd",
				       e->section, chunk, at, n);
		left -= chunk;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	/* The image was checked, but it is a file: it may have changed. */
	if (!p->frozen && cr_crc_final(crc) != e->crc)
		return cr_fail(p->err,
			       "section %u (FILE_DATA) changed while restarting: CRC32C %#010x, expected %#010x",
			       e->section, cr_crc_final(crc), e->crc);
	return 0;
}
