// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the image format's framing (docs/image-format.md): the header,
 * CRC32C-protected sections padded to 8 bytes, and the END trailer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

int cr_fail(struct cr_error *err, const char *fmt, ...)
{
	va_list args;

	/* The first failure is the cause; later ones are its consequences. */
	if (err->msg[0])
		return -EINVAL;
	va_start(args, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, args);
	va_end(args);
	return -EINVAL;
}

void cr_names_add(struct cr_names *l, const char *fmt, ...)
{
	/* room kept for ", and 4294967295 more" */
	size_t room = sizeof(l->buf) - 24;
	char name[64];
	va_list args;
	int n;

	va_start(args, fmt);
	vsnprintf(name, sizeof(name), fmt, args);
	va_end(args);
	n = strlen(name) + (l->count ? 2 : 0);
	if (l->more || l->len + n >= room) {
		l->more++;
		return;
	}
	l->len += scnprintf(l->buf + l->len, sizeof(l->buf) - l->len, "%s%s",
			    l->count ? ", " : "", name);
	l->count++;
}

const char *cr_names_text(struct cr_names *l)
{
	if (l->more)
		scnprintf(l->buf + l->len, sizeof(l->buf) - l->len,
			  ", and %u more", l->more);
	l->more = 0;
	return l->buf;
}

void cr_note_fault(struct cr_error *err)
{
	const char *step = cr_fault_step();
	char msg[CRMOD_ERROR_LEN];

	if (!step)
		return;
	snprintf(msg, sizeof(msg), "test fault at %s: %s", step,
		 err->msg[0] ? err->msg : "(no message)");
	memcpy(err->msg, msg, sizeof(msg));
}

u32 cr_crc_update(u32 state, const void *buf, size_t len)
{
	return cr_compat_crc32c(state, buf, len);
}

u32 cr_crc(const void *buf, size_t len)
{
	return cr_crc_final(cr_crc_update(CR_CRC_INIT, buf, len));
}

const char *cr_section_name(u32 type)
{
	switch (type) {
	case CRMOD_SEC_END: return "END";
	case CRMOD_SEC_TASK: return "TASK";
	case CRMOD_SEC_FILE: return "FILE";
	case CRMOD_SEC_VMAS: return "VMAS";
	case CRMOD_SEC_PAGES: return "PAGES";
	case CRMOD_SEC_REGS_X86: return "REGS_X86";
	case CRMOD_SEC_REGS_PPC: return "REGS_PPC";
	case CRMOD_SEC_SIGNALS: return "SIGNALS";
	case CRMOD_SEC_FDS: return "FDS";
	case CRMOD_SEC_CREDS: return "CREDS";
	case CRMOD_SEC_PENDING: return "PENDING";
	case CRMOD_SEC_PIPE: return "PIPE";
	case CRMOD_SEC_OFDS: return "OFDS";
	case CRMOD_SEC_FILE_DATA: return "FILE_DATA";
	case CRMOD_SEC_LOCKS: return "LOCKS";
	case CRMOD_SEC_TIMERS: return "TIMERS";
	case CRMOD_SEC_THREAD: return "THREAD";
	case CRMOD_SEC_CGROUP: return "CGROUP";
	case CRMOD_SEC_VDSO: return "VDSO";
	case CRMOD_SEC_NAMESPACES: return "NAMESPACES";
	default: return "unknown";
	}
}

static const u8 cr_zeros[CRMOD_IMAGE_ALIGN];

int cr_write_raw(struct cr_writer *w, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = cr_fault("writing the image") ? -CR_FAULT_ERRNO :
			    kernel_write(w->file, buf, len, &w->pos);

		if (n < 0) {
			cr_fail(w->err, "writing the image at byte %llu: error %zd",
				w->bytes, n);
			return n;
		}
		if (n == 0) {
			cr_fail(w->err, "writing the image at byte %llu: no progress",
				w->bytes);
			return -EIO;
		}
		buf += n;
		len -= n;
		w->bytes += n;
	}
	return 0;
}

int cr_write_header(struct cr_writer *w)
{
	struct crmod_image_header h = {
		.format_version = cpu_to_le32(CRMOD_IMAGE_FORMAT),
		.header_size = cpu_to_le32(sizeof(h)),
		.created_ns = cpu_to_le64(ktime_get_real_ns()),
	};

	/* The image is little-endian; crmod runs on little-endian only. */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_CPU_BIG_ENDIAN));
	memcpy(h.magic, CRMOD_IMAGE_MAGIC, sizeof(h.magic));
	crmod_describe_machine(&h.machine);
	h.header_crc = cr_crc(&h, offsetof(struct crmod_image_header,
					   header_crc));
	return cr_write_raw(w, &h, sizeof(h));
}

int cr_begin_section(struct cr_writer *w, u32 type, u64 len, u32 crc)
{
	struct crmod_section_header s = {
		.type = type,
		.length = len,
		.payload_crc = crc,
	};

	s.header_crc = cr_crc(&s, offsetof(struct crmod_section_header,
					   header_crc));
	return cr_write_raw(w, &s, sizeof(s));
}

int cr_end_section(struct cr_writer *w, u64 len)
{
	w->sections++;
	return cr_write_raw(w, cr_zeros,
			    ALIGN(len, CRMOD_IMAGE_ALIGN) - len);
}

int cr_write_section(struct cr_writer *w, u32 type, const void *payload,
		     size_t len)
{
	int ret;

	ret = cr_begin_section(w, type, len, cr_crc(payload, len));
	if (!ret)
		ret = cr_write_raw(w, payload, len);
	if (!ret)
		ret = cr_end_section(w, len);
	return ret;
}

int cr_write_end(struct cr_writer *w)
{
	struct crmod_image_trailer t = {
		.sections = w->sections,
		.image_bytes = w->bytes,
	};
	int ret;

	ret = cr_begin_section(w, CRMOD_SEC_END, sizeof(t),
			       cr_crc(&t, sizeof(t)));
	if (!ret)
		ret = cr_write_raw(w, &t, sizeof(t));
	return ret;
}

int cr_read_exact(struct cr_reader *r, void *buf, size_t len,
		  const char *what)
{
	loff_t start = r->pos;

	while (len) {
		ssize_t n = cr_fault("reading the image") ? -CR_FAULT_ERRNO :
			    kernel_read(r->file, buf, len, &r->pos);

		if (n < 0) {
			cr_fail(r->err, "reading %s at offset %lld: error %zd",
				what, start, n);
			return n;
		}
		if (n == 0)
			return cr_fail(r->err,
				       "image truncated: %s at offset %lld needs %zu more bytes",
				       what, start, len);
		buf += n;
		len -= n;
	}
	return 0;
}
