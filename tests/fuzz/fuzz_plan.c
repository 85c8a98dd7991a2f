// SPDX-License-Identifier: GPL-2.0
/*
 * crmod fuzz: one restart plan of an image, as the module makes it
 * (fuzz_plan.h). restart.c is included whole, unchanged: its reader,
 * cr_check_plan() and cr_plan_free() are static.
 */
#include "../../module/restart.c"

#include "shim/shim.h"
#include "fuzz_plan.h"

/*
 * Bugs found in the module and not fixed yet, each with its input under
 * crashes/: the harness steps around them (so that fuzzing goes on past
 * them) unless built with -DCR_FUZZ_NO_KNOWN_BUGS (make KNOWN_BUGS=0). Once
 * the module is fixed, its entry goes. None is open now.
 */
static bool cr_fuzz_known_bug(struct cr_plan *p)
{
	(void)p;
	return false;
}

/*
 * Phase 1b: the module's own cr_check_plan(), against the shim's live
 * system (shim/shim_live.c), where every file the image names by path
 * exists as recorded and the vDSO and vvar are as large as the image's.
 */
static int cr_fuzz_check_plan(struct cr_plan *p)
{
	u64 specials[3] = { 0, 0, 0 };
	u32 i;

	for (i = 0; i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];
		int k = v->flags == CRMOD_VMA_VDSO ? 0 :
			v->flags == CRMOD_VMA_VVAR ? 1 :
			v->flags == CRMOD_VMA_VVAR_VCLOCK ? 2 : -1;

		if (k >= 0 && !specials[k])
			specials[k] = v->end - v->start;
	}
	shim_set_specials(specials);
	for (i = 0; i < p->nr_files; i++) {
		const struct crmod_file *rec = &p->files[i].rec;

		if (!cr_is_content_kind(rec->kind))
			shim_vfs_add(p->files[i].path, rec->mode, rec->size,
				     rec->mtime_sec, rec->mtime_nsec,
				     MKDEV(rec->dev_major, rec->dev_minor));
	}
	if (cr_fuzz_known_bug(p))
		return cr_fail(p->err, "crmod fuzz: a known bug of the module");
	return cr_check_plan(p);
}

static void cr_fuzz_fail(const char *what, const struct cr_error *err)
{
	shim_die(what, err->msg);
}

/* As crmod_ioc_restart() sets up a plan, reads and checks it, and frees it. */
int cr_fuzz_plan(const unsigned char *data, size_t size, char *error)
{
	struct cr_error err = { .msg = "" };
	struct cr_plan *p;
	int ret;

	p = cr_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->err = &err;
	p->r.err = &err;
	p->flags = CRMOD_RESTART_VALIDATE | CRMOD_RESTART_ANY_CGROUP;
	p->buf = cr_alloc(CR_COPY_BYTES);
	p->r.file = shim_image_file(data, size);
	if (!p->buf || !p->r.file) {
		ret = -ENOMEM;
		goto out;
	}
	p->r.pos = 0;
	/* half the inputs as crctl validate runs them: on past each refusal */
	if (size & 1) {
		p->reasons = cr_zalloc(sizeof(*p->reasons));
		if (!p->reasons || !(p->reasons->buf = cr_zalloc(CRMOD_REASONS_LEN))) {
			ret = -ENOMEM;
			goto out;
		}
		p->reasons->size = CRMOD_REASONS_LEN;
	}
	ret = cr_read_image(p);
	if (!ret)
		ret = cr_fuzz_check_plan(p);
	if (p->reasons && p->reasons->count && !err.msg[0]) {
		/* every reason a non-empty line, as the ioctl hands them over */
		const char *line = p->reasons->buf;

		if (ret != -EINVAL || p->reasons->buf[p->reasons->len])
			cr_fuzz_fail("reasons without a refusal, or unterminated", &err);
		for (; *line; line = strchr(line, '\n') + 1)
			if (*line == '\n' || !strchr(line, '\n'))
				cr_fuzz_fail("an empty or unfinished reason line", &err);
		memcpy(err.msg, p->reasons->buf, min_t(size_t, p->reasons->len, sizeof(err.msg) - 1));
	}
	shim_printk("crmod fuzz: %zu bytes%s: %d %s\n", size,
		    shim_fail_nth ? " (a step failing)" : "", ret,
		    err.msg[0] ? err.msg : ret ? "(no message)" : "(accepted)");
	if (ret > 0)
		cr_fuzz_fail("a positive return", &err);
	if (ret == -EINVAL && !err.msg[0])
		cr_fuzz_fail("refused without a reason", &err);
	if (memchr(err.msg, 0, sizeof(err.msg)) == NULL)
		cr_fuzz_fail("an error message without its NUL", &err);
out:
	cr_plan_free(p);
	shim_vfs_reset();
	if (shim_live_allocs || shim_live_files)
		cr_fuzz_fail("the plan freed, memory or files still held", &err);
	if (error)
		memcpy(error, err.msg, sizeof(err.msg));
	return ret;
}

/*
 * The checksums made right: the header's, each section's header and
 * payload, as far as the bytes go; the END trailer counts what is before.
 */
void cr_fuzz_fix_crcs(unsigned char *img, size_t size)
{
	struct crmod_image_header *h = (void *)img;
	size_t pos = sizeof(*h);
	u64 sections = 0;

	if (size < sizeof(*h))
		return;
	h->header_crc = cr_crc(h, offsetof(struct crmod_image_header, header_crc));
	while (pos + sizeof(struct crmod_section_header) <= size) {
		struct crmod_section_header s;
		size_t payload = pos + sizeof(s);

		memcpy(&s, img + pos, sizeof(s));
		if (s.length > size - payload) {
			s.header_crc = cr_crc(&s, offsetof(struct crmod_section_header,
							   header_crc));
			memcpy(img + pos, &s, sizeof(s));
			return;
		}
		if (s.type == CRMOD_SEC_END &&
		    s.length == sizeof(struct crmod_image_trailer)) {
			struct crmod_image_trailer t = {
				.sections = sections, .image_bytes = pos,
			};

			memcpy(img + payload, &t, sizeof(t));
		}
		s.payload_crc = cr_crc(img + payload, s.length);
		s.header_crc = cr_crc(&s, offsetof(struct crmod_section_header,
						   header_crc));
		memcpy(img + pos, &s, sizeof(s));
		if (s.type == CRMOD_SEC_END)
			return;
		sections++;
		if (ALIGN(s.length, CRMOD_IMAGE_ALIGN) > size - payload)
			return;
		pos = payload + ALIGN(s.length, CRMOD_IMAGE_ALIGN);
	}
}

void cr_fuzz_init(void)
{
	shim_init_from_env();
	shim_live_init();
}
