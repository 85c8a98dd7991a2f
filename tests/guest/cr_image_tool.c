// SPDX-License-Identifier: GPL-2.0
/*
 * Looks into and damages checkpoint images on purpose, for the cases that
 * check what restart refuses. Knows the framing of include/uapi/linux/
 * crmod.h (docs/image-format.md): header, sections, END; and it can change
 * a section's payload with every checksum made right again, so that the
 * module's checks of what the payload says are what is tested.
 *
 *   cr-image-tool check FILE             every CRC, padding and the trailer
 *   cr-image-tool sections FILE          INDEX OFFSET TYPE LENGTH per section
 *   cr-image-tool find FILE TYPE         first section of TYPE (name or
 *                                        number): HEADER PAYLOAD LENGTH INDEX
 *   cr-image-tool flip FILE OFFSET       xor the byte at OFFSET with 0xff
 *   cr-image-tool get-header FILE FIELD  print a header field (as below)
 *   cr-image-tool set-header FILE FIELD VALUE   then fixes header_crc;
 *       FIELD: format_version header_size flags reserved arch word_size
 *              endian page_size release
 *   cr-image-tool set-length FILE INDEX VALUE   section INDEX's length; fixes
 *                                        that section header's CRC
 *   (INDEX below may also be TYPE or TYPE:N, the Nth section of TYPE)
 *   cr-image-tool peek FILE INDEX OFFSET SIZE    print the SIZE-byte (1 2 4 8)
 *                                        little-endian field at OFFSET of
 *                                        section INDEX's payload
 *   cr-image-tool poke FILE INDEX OFFSET SIZE VALUE   set it (VALUE may be
 *                                        negative); fixes every CRC
 *   cr-image-tool repeat FILE INDEX ENTRY COUNT  section INDEX's payload
 *                                        becomes COUNT copies of its first
 *                                        ENTRY bytes; the image is framed
 *                                        again (CRCs, padding, trailer)
 *   cr-image-tool set-tail FILE INDEX OFFSET STRING  the payload from OFFSET
 *                                        on becomes STRING and a NUL; framed
 *                                        again (a path; poke path_len too)
 *   cr-image-tool drop FILE INDEX        remove section INDEX; framed again
 *   cr-image-tool set FILE SECTION FIELD VALUE   a field by name, e.g.
 *                                        set img creds cap_ambient 0x1000,
 *                                        set img vmas vma[3].flags 0x12,
 *                                        set img task rlim_cur[9] 16,
 *                                        set img thread:1 tid 4242,
 *                                        set img task:2 pid 4242;
 *                                        SECTION is a type, TYPE:N the Nth
 *                                        of it; fixes every CRC
 *   cr-image-tool get FILE SECTION FIELD    print it
 *   cr-image-tool retarget FILE SECTION PATH   the FILE record SECTION
 *                                        ("file:N") names PATH, with the
 *                                        identity PATH has here (kind by
 *                                        its type, mode, size, mtime,
 *                                        inode, device, owner)
 *   cr-image-tool crc32c STRING          CRC32C of STRING (self-check)
 *
 * Exit 0, 1 when the image is bad (check) or the section is not there
 * (find), 2 on usage or I/O errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/crmod.h>

#define HDR_SIZE sizeof(struct crmod_image_header)
#define SEC_SIZE sizeof(struct crmod_section_header)

static uint32_t crc32c(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = 0xffffffff;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

static unsigned char *image;
static size_t image_len;

static void load(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20;

	if (!f) {
		fprintf(stderr, "cr-image-tool: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	image = malloc(cap);
	for (;;) {
		size_t n;

		if (!image) {
			fprintf(stderr, "cr-image-tool: out of memory\n");
			exit(2);
		}
		n = fread(image + image_len, 1, cap - image_len, f);
		image_len += n;
		if (n == 0)
			break;
		if (image_len == cap)
			image = realloc(image, cap *= 2);
	}
	fclose(f);
}

static void save(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(image, 1, image_len, f) != image_len || fclose(f)) {
		fprintf(stderr, "cr-image-tool: cannot write %s\n", path);
		exit(2);
	}
}

static const char *const type_names[] = {
	[CRMOD_SEC_END] = "end",	 [CRMOD_SEC_TASK] = "task",
	[CRMOD_SEC_FILE] = "file",	 [CRMOD_SEC_VMAS] = "vmas",
	[CRMOD_SEC_PAGES] = "pages",	 [CRMOD_SEC_REGS_X86] = "regs_x86",
	[CRMOD_SEC_REGS_PPC] = "regs_ppc", [CRMOD_SEC_SIGNALS] = "signals",
	[CRMOD_SEC_FDS] = "fds",	 [CRMOD_SEC_CREDS] = "creds",
	[CRMOD_SEC_PENDING] = "pending", [CRMOD_SEC_PIPE] = "pipe",
	[CRMOD_SEC_OFDS] = "ofds",	 [CRMOD_SEC_FILE_DATA] = "file_data",
	[CRMOD_SEC_LOCKS] = "locks",	 [CRMOD_SEC_TIMERS] = "timers",
	[CRMOD_SEC_CGROUP] = "cgroup",	 [CRMOD_SEC_THREAD] = "thread",
	[CRMOD_SEC_VDSO] = "vdso",	 [CRMOD_SEC_NAMESPACES] = "namespaces",
};

static const char *type_name(uint32_t type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]) && type_names[type])
		return type_names[type];
	return "unknown";
}

struct section {
	size_t at;		/* offset of the header */
	struct crmod_section_header h;
};

/*
 * Walks the sections; each one's header is handed to fn. Stops at END, at
 * the end of the image, or at a length that does not fit. Returns the count.
 */
static int walk(int (*fn)(int index, const struct section *s, void *arg), void *arg)
{
	size_t at = HDR_SIZE;
	int index = 0;

	while (at + SEC_SIZE <= image_len) {
		struct section s = { .at = at };

		memcpy(&s.h, image + at, SEC_SIZE);
		if (fn && fn(index, &s, arg))
			return index + 1;
		index++;
		if (s.h.type == CRMOD_SEC_END || s.h.length > image_len - at - SEC_SIZE)
			break;
		at += SEC_SIZE + ((s.h.length + 7) & ~(uint64_t)7);
	}
	return index;
}

static int print_section(int index, const struct section *s, void *arg)
{
	(void)arg;
	printf("%d %zu %s %" PRIu64 "\n", index, s->at, type_name(s->h.type),
	       (uint64_t)s->h.length);
	return 0;
}

struct find {
	uint32_t type;
	int index;
	struct section s;
};

static int find_section(int index, const struct section *s, void *arg)
{
	struct find *f = arg;

	if (s->h.type != f->type)
		return 0;
	f->index = index;
	f->s = *s;
	return 1;
}

static int problems;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("bad: ");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	problems++;
}

struct check_state {
	size_t end_at;
	int sections;
};

static int check_section(int index, const struct section *s, void *arg)
{
	struct check_state *st = arg;
	uint32_t crc = crc32c(&s->h, offsetof(struct crmod_section_header, header_crc));
	size_t payload = s->at + SEC_SIZE;

	if (crc != s->h.header_crc) {
		problem("section %d at %zu: header CRC stored 0x%08x, computed 0x%08x", index,
			s->at, s->h.header_crc, crc);
		return 1;
	}
	if (s->h.length > image_len - payload) {
		problem("section %d at %zu: length %" PRIu64 " past the end", index, s->at,
			(uint64_t)s->h.length);
		return 1;
	}
	crc = crc32c(image + payload, s->h.length);
	if (crc != s->h.payload_crc)
		problem("section %d (%s) at %zu: payload CRC stored 0x%08x, computed 0x%08x",
			index, type_name(s->h.type), s->at, s->h.payload_crc, crc);
	for (size_t i = payload + s->h.length;
	     i < payload + ((s->h.length + 7) & ~(uint64_t)7) && i < image_len; i++)
		if (image[i])
			problem("section %d: padding byte at %zu is not 0", index, i);
	if (s->h.type == CRMOD_SEC_END) {
		st->end_at = s->at;
		st->sections = index;
	}
	return 0;
}

static int cmd_check(void)
{
	struct crmod_image_header h;
	struct check_state st = { 0, -1 };
	uint32_t crc;

	if (image_len < HDR_SIZE) {
		problem("%zu bytes: shorter than the header", image_len);
		return 1;
	}
	memcpy(&h, image, HDR_SIZE);
	if (memcmp(h.magic, CRMOD_IMAGE_MAGIC, 8))
		problem("magic");
	crc = crc32c(image, offsetof(struct crmod_image_header, header_crc));
	if (crc != h.header_crc)
		problem("header CRC stored 0x%08x, computed 0x%08x", h.header_crc, crc);
	walk(check_section, &st);
	if (st.sections < 0) {
		problem("no END section");
	} else {
		struct crmod_image_trailer t;
		size_t end = st.end_at + SEC_SIZE + sizeof(t);

		memcpy(&t, image + st.end_at + SEC_SIZE, sizeof(t));
		if (t.sections != (uint64_t)st.sections || t.image_bytes != st.end_at)
			problem("trailer says %" PRIu64 " sections, %" PRIu64
				" bytes; found %d, %zu", (uint64_t)t.sections,
				(uint64_t)t.image_bytes, st.sections, st.end_at);
		if (end != image_len)
			problem("%zu bytes follow the END section", image_len - end);
	}
	if (!problems)
		printf("ok: %d sections, %zu bytes, arch %u, release %s\n", st.sections,
		       image_len, h.machine.arch, h.machine.release);
	return problems ? 1 : 0;
}

static uint32_t parse_type(const char *s)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i] && !strcmp(s, type_names[i]))
			return (uint32_t)i;
	return (uint32_t)strtoul(s, NULL, 0);
}

static uint64_t parse_u64(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "cr-image-tool: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static void fix_header_crc(void)
{
	struct crmod_image_header *h = (void *)image;

	h->header_crc = crc32c(image, offsetof(struct crmod_image_header, header_crc));
}

#define FIELD(name, member) { name, offsetof(struct crmod_image_header, member), \
			      sizeof(((struct crmod_image_header *)0)->member) }

static const struct {
	const char *name;
	size_t offset, size;
} fields[] = {
	FIELD("format_version", format_version), FIELD("header_size", header_size),
	FIELD("flags", flags),			 FIELD("reserved", reserved),
	FIELD("arch", machine.arch),		 FIELD("word_size", machine.word_size),
	FIELD("endian", machine.endian),	 FIELD("page_size", machine.page_size),
};

static int cmd_get_header(const char *field)
{
	if (image_len < HDR_SIZE) {
		fprintf(stderr, "cr-image-tool: no whole header\n");
		return 2;
	}
	if (!strcmp(field, "release")) {
		const struct crmod_image_header *h = (const void *)image;

		printf("%.*s\n", (int)sizeof(h->machine.release), h->machine.release);
		return 0;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t v = 0;

		if (strcmp(field, fields[i].name))
			continue;
		memcpy(&v, image + fields[i].offset, fields[i].size);
		printf("%" PRIu64 "\n", v);
		return 0;
	}
	fprintf(stderr, "cr-image-tool: unknown header field %s\n", field);
	return 2;
}

static int cmd_set_header(const char *field, const char *value)
{
	if (image_len < HDR_SIZE) {
		fprintf(stderr, "cr-image-tool: no whole header\n");
		return 2;
	}
	if (!strcmp(field, "release")) {
		struct crmod_image_header *h = (void *)image;

		memset(h->machine.release, 0, sizeof(h->machine.release));
		snprintf(h->machine.release, sizeof(h->machine.release), "%s", value);
		fix_header_crc();
		return 0;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t v;

		if (strcmp(field, fields[i].name))
			continue;
		v = parse_u64(value);
		/* little-endian in the image, as on both arches */
		memcpy(image + fields[i].offset, &v, fields[i].size);
		fix_header_crc();
		return 0;
	}
	fprintf(stderr, "cr-image-tool: unknown header field %s\n", field);
	return 2;
}

/* The image as sections, to change and write out again. */
struct parsed {
	struct crmod_section_header h;
	unsigned char *payload;
};

static struct parsed *secs;
static int nsecs;

static int parse_one(int index, const struct section *s, void *arg)
{
	(void)arg;
	if (s->h.length > image_len - s->at - SEC_SIZE) {
		fprintf(stderr, "cr-image-tool: section %d runs past the end\n", index);
		exit(2);
	}
	secs = realloc(secs, (size_t)(nsecs + 1) * sizeof(*secs));
	secs[nsecs].h = s->h;
	secs[nsecs].payload = malloc(s->h.length ?: 1);
	if (!secs || !secs[nsecs].payload) {
		fprintf(stderr, "cr-image-tool: out of memory\n");
		exit(2);
	}
	memcpy(secs[nsecs].payload, image + s->at + SEC_SIZE, s->h.length);
	nsecs++;
	return 0;
}

static struct parsed *parsed_section(int index)
{
	if (!secs)
		walk(parse_one, NULL);
	if (index < 0 || index >= nsecs || secs[index].h.type == CRMOD_SEC_END) {
		fprintf(stderr, "cr-image-tool: no section %d (before END)\n", index);
		exit(1);
	}
	return &secs[index];
}

/* INDEX, or TYPE, or TYPE:N (the Nth section of TYPE): its index. */
static int section_index(const char *spec)
{
	char type[32];
	const char *colon = strchr(spec, ':');
	unsigned long nth = colon ? strtoul(colon + 1, NULL, 10) : 0;
	uint32_t t;
	int seen = 0;

	if (spec[0] >= '0' && spec[0] <= '9')
		return (int)parse_u64(spec);
	snprintf(type, sizeof(type), "%.*s", colon ? (int)(colon - spec) : 31, spec);
	t = parse_type(type);
	parsed_section(0);
	for (int i = 0; i < nsecs; i++)
		if (secs[i].h.type == t && seen++ == (int)nth)
			return i;
	fprintf(stderr, "cr-image-tool: no section %s\n", spec);
	exit(1);
}

/* Every section again, each CRC computed, the trailer counting anew. */
static void reframe(void)
{
	size_t at = HDR_SIZE, cap = HDR_SIZE;
	unsigned char *out;
	uint64_t count = 0;

	for (int i = 0; i < nsecs; i++)
		cap += SEC_SIZE + ((secs[i].h.length + 7) & ~(uint64_t)7);
	out = calloc(1, cap);
	if (!out) {
		fprintf(stderr, "cr-image-tool: out of memory\n");
		exit(2);
	}
	memcpy(out, image, HDR_SIZE);
	for (int i = 0; i < nsecs; i++) {
		struct crmod_section_header *h = &secs[i].h;

		if (h->type == CRMOD_SEC_END) {
			struct crmod_image_trailer t = { .sections = count,
							 .image_bytes = at };

			memcpy(secs[i].payload, &t, sizeof(t));
		} else {
			count++;
		}
		h->payload_crc = crc32c(secs[i].payload, h->length);
		h->header_crc = crc32c(h, offsetof(struct crmod_section_header, header_crc));
		memcpy(out + at, h, SEC_SIZE);
		memcpy(out + at + SEC_SIZE, secs[i].payload, h->length);
		at += SEC_SIZE + ((h->length + 7) & ~(uint64_t)7);
	}
	free(image);
	image = out;
	image_len = at;
}

static int field_size_ok(uint64_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static int cmd_peek(int index, uint64_t off, uint64_t size)
{
	struct parsed *p = parsed_section(index);
	uint64_t v = 0;

	if (!field_size_ok(size) || off + size > p->h.length) {
		fprintf(stderr, "cr-image-tool: no %" PRIu64 "-byte field at %" PRIu64 "\n", size, off);
		return 2;
	}
	memcpy(&v, p->payload + off, size);	/* little-endian machines only */
	printf("%" PRIu64 "\n", v);
	return 0;
}

static int cmd_poke(int index, uint64_t off, uint64_t size, const char *value)
{
	struct parsed *p = parsed_section(index);
	uint64_t v = value[0] == '-' ? (uint64_t)strtoll(value, NULL, 0) : parse_u64(value);

	if (!field_size_ok(size) || off + size > p->h.length) {
		fprintf(stderr, "cr-image-tool: no %" PRIu64 "-byte field at %" PRIu64 "\n", size, off);
		return 2;
	}
	memcpy(p->payload + off, &v, size);
	reframe();
	return 0;
}

static int cmd_repeat(int index, uint64_t entry, uint64_t count)
{
	struct parsed *p = parsed_section(index);
	unsigned char *big;

	if (!entry || entry > p->h.length || count > (1ULL << 30) / entry) {
		fprintf(stderr, "cr-image-tool: cannot repeat %" PRIu64 " bytes %" PRIu64 " times\n",
			entry, count);
		return 2;
	}
	big = malloc(entry * count ?: 1);
	if (!big)
		return 2;
	for (uint64_t i = 0; i < count; i++)
		memcpy(big + i * entry, p->payload, entry);
	free(p->payload);
	p->payload = big;
	p->h.length = entry * count;
	reframe();
	return 0;
}

static int cmd_set_tail(int index, uint64_t off, const char *text)
{
	struct parsed *p = parsed_section(index);
	size_t len = strlen(text) + 1;

	if (off > p->h.length) {
		fprintf(stderr, "cr-image-tool: offset %" PRIu64 " past the payload\n", off);
		return 2;
	}
	p->payload = realloc(p->payload, off + len);
	if (!p->payload)
		return 2;
	memcpy(p->payload + off, text, len);
	p->h.length = off + len;
	reframe();
	return 0;
}

static int cmd_drop(int index)
{
	parsed_section(index);
	free(secs[index].payload);
	memmove(&secs[index], &secs[index + 1], (size_t)(nsecs - index - 1) * sizeof(*secs));
	nsecs--;
	reframe();
	return 0;
}

/* Fields cmd_set and cmd_get know, by section type and name. */
struct field {
	uint32_t type;
	const char *name;
	size_t offset, size;
	size_t stride;		/* of name[I]: an array field, or an array section */
};

#define F(t, st, f, stride) \
	{ CRMOD_SEC_##t, #f, offsetof(struct st, f), sizeof(((struct st *)0)->f), stride }
#define FA(t, st, f) \
	{ CRMOD_SEC_##t, #f, offsetof(struct st, f), sizeof(((struct st *)0)->f[0]), \
	  sizeof(((struct st *)0)->f[0]) }
#define FE(t, st, prefix, f) \
	{ CRMOD_SEC_##t, prefix "." #f, offsetof(struct st, f), \
	  sizeof(((struct st *)0)->f), sizeof(struct st) }

static const struct field payload_fields[] = {
	F(TASK, crmod_task, pid, 0),
	F(TASK, crmod_task, rseq, 0), F(TASK, crmod_task, rseq_len, 0),
	F(TASK, crmod_task, robust_list, 0), F(TASK, crmod_task, clear_child_tid, 0),
	F(TASK, crmod_task, arg_start, 0), F(TASK, crmod_task, arg_end, 0),
	F(TASK, crmod_task, env_start, 0), F(TASK, crmod_task, env_end, 0),
	F(TASK, crmod_task, start_stack, 0), F(TASK, crmod_task, start_brk, 0),
	F(TASK, crmod_task, brk, 0), F(TASK, crmod_task, exe_file, 0),
	F(TASK, crmod_task, oom_score_adj, 0), F(TASK, crmod_task, flags, 0),
	F(TASK, crmod_task, sched_policy, 0), F(TASK, crmod_task, nice, 0),
	FA(TASK, crmod_task, rlim_cur), FA(TASK, crmod_task, rlim_max),
	F(CREDS, crmod_creds, uid, 0), F(CREDS, crmod_creds, euid, 0),
	F(CREDS, crmod_creds, cap_inheritable, 0), F(CREDS, crmod_creds, cap_permitted, 0),
	F(CREDS, crmod_creds, cap_effective, 0), F(CREDS, crmod_creds, cap_bset, 0),
	F(CREDS, crmod_creds, cap_ambient, 0), F(CREDS, crmod_creds, securebits, 0),
	F(FILE, crmod_file, kind, 0), F(FILE, crmod_file, mode, 0),
	F(FILE, crmod_file, size, 0), F(FILE, crmod_file, path_len, 0),
	F(FILE, crmod_file, dev_major, 0), F(FILE, crmod_file, dev_minor, 0),
	F(PAGES, crmod_pages, addr, 0), F(PAGES, crmod_pages, nr_pages, 0),
	F(PIPE, crmod_pipe, capacity, 0), F(PIPE, crmod_pipe, fifo, 0),
	F(TIMERS, crmod_timers, real.value_ns, 0),
	FE(VMAS, crmod_vma, "vma", start), FE(VMAS, crmod_vma, "vma", end),
	FE(VMAS, crmod_vma, "vma", pgoff), FE(VMAS, crmod_vma, "vma", prot),
	FE(VMAS, crmod_vma, "vma", flags), FE(VMAS, crmod_vma, "vma", file),
	FE(VMAS, crmod_vma, "vma", build_id),
	FE(VDSO, crmod_vdso_sym, "sym", offset),
	F(NAMESPACES, crmod_namespaces, own, 0),
	/* a function's name, 8 bytes at a time */
	{ CRMOD_SEC_VDSO, "sym.name8", offsetof(struct crmod_vdso_sym, name) + 8, 8,
	  sizeof(struct crmod_vdso_sym) },
	{ CRMOD_SEC_VDSO, "sym.name16", offsetof(struct crmod_vdso_sym, name) + 16, 8,
	  sizeof(struct crmod_vdso_sym) },
	FE(OFDS, crmod_ofd, "ofd", kind), FE(OFDS, crmod_ofd, "ofd", object),
	FE(OFDS, crmod_ofd, "ofd", flags), FE(OFDS, crmod_ofd, "ofd", pos),
	FE(FDS, crmod_fd, "fd", fd), FE(FDS, crmod_fd, "fd", ofd),
	FE(PENDING, crmod_pending_signal, "sig", signo),
	{ CRMOD_SEC_PENDING, "sig.info_signo", offsetof(struct crmod_pending_signal, info), 4,
	  sizeof(struct crmod_pending_signal) },
	{ CRMOD_SEC_PENDING, "sig.code", offsetof(struct crmod_pending_signal, info) + 8, 4,
	  sizeof(struct crmod_pending_signal) },
	F(THREAD, crmod_thread, tid, 0), F(THREAD, crmod_thread, reserved, 0),
	FE(LOCKS, crmod_lock, "lock", kind), FE(LOCKS, crmod_lock, "lock", type),
	FE(LOCKS, crmod_lock, "lock", start), FE(LOCKS, crmod_lock, "lock", end),
};

/* SECTION ("type" or "type:N") and FIELD ("name" or "name[I]" or "pfx[I].f"). */
static int locate(const char *section, const char *field, struct parsed **out,
		  size_t *at, size_t *size)
{
	char type[32], name[64];
	unsigned long nth = 0, elem = 0;
	const char *colon = strchr(section, ':'), *br = strchr(field, '[');
	uint32_t t;
	int seen = 0;

	snprintf(type, sizeof(type), "%.*s", colon ? (int)(colon - section) : 31, section);
	if (colon)
		nth = strtoul(colon + 1, NULL, 10);
	if (br) {
		const char *close = strchr(br, ']');

		elem = strtoul(br + 1, NULL, 10);
		snprintf(name, sizeof(name), "%.*s%s", (int)(br - field), field,
			 close ? close + 1 : "");
	} else {
		snprintf(name, sizeof(name), "%s", field);
	}
	t = parse_type(type);
	parsed_section(0);
	for (int i = 0; i < nsecs; i++) {
		if (secs[i].h.type != t || seen++ != (int)nth)
			continue;
		for (size_t k = 0; k < sizeof(payload_fields) / sizeof(payload_fields[0]); k++) {
			if (payload_fields[k].type != t || strcmp(payload_fields[k].name, name))
				continue;
			*at = payload_fields[k].offset + elem * payload_fields[k].stride;
			*size = payload_fields[k].size;
			*out = &secs[i];
			if (*at + *size > secs[i].h.length) {
				fprintf(stderr, "cr-image-tool: %s %s is past the payload\n",
					section, field);
				exit(2);
			}
			return i;
		}
		fprintf(stderr, "cr-image-tool: no field %s in %s\n", name, type);
		exit(2);
	}
	fprintf(stderr, "cr-image-tool: no section %s\n", section);
	exit(1);
}

static int cmd_get(const char *section, const char *field)
{
	struct parsed *p;
	size_t at, size;
	uint64_t v = 0;

	locate(section, field, &p, &at, &size);
	memcpy(&v, p->payload + at, size);
	printf("%" PRIu64 "\n", v);
	return 0;
}

static int cmd_set(const char *section, const char *field, const char *value)
{
	uint64_t v = value[0] == '-' ? (uint64_t)strtoll(value, NULL, 0) : parse_u64(value);
	struct parsed *p;
	size_t at, size;

	locate(section, field, &p, &at, &size);
	memcpy(p->payload + at, &v, size);
	reframe();
	return 0;
}

static int cmd_set_length(int index, uint64_t length)
{
	struct find f = { 0, -1, { 0 } };
	int n = 0;
	size_t at = HDR_SIZE;

	/* the INDEXth header, walking by the lengths as they are now */
	while (at + SEC_SIZE <= image_len) {
		struct crmod_section_header h;

		memcpy(&h, image + at, SEC_SIZE);
		if (n == index) {
			h.length = length;
			h.header_crc = crc32c(&h, offsetof(struct crmod_section_header, header_crc));
			memcpy(image + at, &h, SEC_SIZE);
			f.index = n;
			break;
		}
		if (h.type == CRMOD_SEC_END || h.length > image_len - at - SEC_SIZE)
			break;
		at += SEC_SIZE + ((h.length + 7) & ~(uint64_t)7);
		n++;
	}
	if (f.index < 0) {
		fprintf(stderr, "cr-image-tool: no section %d\n", index);
		return 1;
	}
	return 0;
}

static int cmd_retarget(int index, const char *path)
{
	struct parsed *p = parsed_section(index);
	size_t plen = strlen(path) + 1;
	struct crmod_file rec;
	struct stat st;

	if (p->h.type != CRMOD_SEC_FILE || p->h.length < sizeof(rec)) {
		fprintf(stderr, "cr-image-tool: section %d is no FILE record\n", index);
		return 2;
	}
	if (lstat(path, &st)) {
		fprintf(stderr, "cr-image-tool: %s: %s\n", path, strerror(errno));
		return 2;
	}
	memcpy(&rec, p->payload, sizeof(rec));
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: rec.kind = CRMOD_STATE_DIRECTORY; break;
	case S_IFLNK: rec.kind = CRMOD_STATE_SYMLINK; break;
	case S_IFCHR: rec.kind = CRMOD_STATE_CHAR_DEVICE; break;
	case S_IFIFO: rec.kind = CRMOD_STATE_FIFO; break;
	default: rec.kind = CRMOD_STATE_REGULAR_FILE; break;
	}
	rec.mode = st.st_mode;
	rec.size = (uint64_t)st.st_size;
	rec.mtime_sec = st.st_mtim.tv_sec;
	rec.mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	rec.ino = st.st_ino;
	rec.uid = st.st_uid;
	rec.gid = st.st_gid;
	rec.dev_major = S_ISCHR(st.st_mode) ? major(st.st_rdev) : 0;
	rec.dev_minor = S_ISCHR(st.st_mode) ? minor(st.st_rdev) : 0;
	rec.dir = 0;
	rec.seals = 0;
	rec.path_len = (uint32_t)plen;
	p->payload = realloc(p->payload, sizeof(rec) + plen);
	if (!p->payload)
		return 2;
	memcpy(p->payload, &rec, sizeof(rec));
	memcpy(p->payload + sizeof(rec), path, plen);
	p->h.length = sizeof(rec) + plen;
	reframe();
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: cr-image-tool check|sections FILE\n"
		"       cr-image-tool find FILE TYPE\n"
		"       cr-image-tool flip FILE OFFSET\n"
		"       cr-image-tool get-header FILE FIELD\n"
		"       cr-image-tool set-header FILE FIELD VALUE\n"
		"       cr-image-tool set-length FILE INDEX VALUE\n"
		"       cr-image-tool peek FILE INDEX OFFSET SIZE\n"
		"       cr-image-tool poke FILE INDEX OFFSET SIZE VALUE\n"
		"       cr-image-tool repeat FILE INDEX ENTRY COUNT\n"
		"       cr-image-tool set-tail FILE INDEX OFFSET STRING\n"
		"       cr-image-tool drop FILE INDEX\n"
		"       cr-image-tool set FILE SECTION FIELD VALUE\n"
		"       cr-image-tool get FILE SECTION FIELD\n"
		"       cr-image-tool retarget FILE SECTION PATH\n"
		"       cr-image-tool crc32c STRING\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int rc;

	_Static_assert(sizeof(struct crmod_image_header) == 384, "header is 384 bytes");
	_Static_assert(sizeof(struct crmod_section_header) == 24, "section header is 24 bytes");
	if (!strcmp(cmd, "crc32c") && argc == 3) {
		printf("0x%08x\n", crc32c(argv[2], strlen(argv[2])));
		return 0;
	}
	if (argc < 3)
		return usage();
	load(argv[2]);
	if (!strcmp(cmd, "check") && argc == 3)
		return cmd_check();
	if (!strcmp(cmd, "sections") && argc == 3) {
		printf("header 0 %zu\n", HDR_SIZE);
		walk(print_section, NULL);
		return 0;
	}
	if (!strcmp(cmd, "find") && argc == 4) {
		struct find f = { parse_type(argv[3]), -1, { 0 } };

		walk(find_section, &f);
		if (f.index < 0) {
			fprintf(stderr, "cr-image-tool: no %s section\n", argv[3]);
			return 1;
		}
		printf("%zu %zu %" PRIu64 " %d\n", f.s.at, f.s.at + SEC_SIZE,
		       (uint64_t)f.s.h.length, f.index);
		return 0;
	}
	if (!strcmp(cmd, "get-header") && argc == 4)
		return cmd_get_header(argv[3]);
	if (!strcmp(cmd, "flip") && argc == 4) {
		uint64_t off = parse_u64(argv[3]);

		if (off >= image_len) {
			fprintf(stderr, "cr-image-tool: offset %" PRIu64 " past the end (%zu)\n",
				off, image_len);
			return 2;
		}
		image[off] ^= 0xff;
		save(argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "get") && argc == 5)
		return cmd_get(argv[3], argv[4]);
	if (!strcmp(cmd, "peek") && argc == 6)
		return cmd_peek(section_index(argv[3]), parse_u64(argv[4]), parse_u64(argv[5]));
	if (!strcmp(cmd, "set-header") && argc == 5)
		rc = cmd_set_header(argv[3], argv[4]);
	else if (!strcmp(cmd, "poke") && argc == 7)
		rc = cmd_poke(section_index(argv[3]), parse_u64(argv[4]), parse_u64(argv[5]),
			      argv[6]);
	else if (!strcmp(cmd, "repeat") && argc == 6)
		rc = cmd_repeat(section_index(argv[3]), parse_u64(argv[4]), parse_u64(argv[5]));
	else if (!strcmp(cmd, "set-tail") && argc == 6)
		rc = cmd_set_tail(section_index(argv[3]), parse_u64(argv[4]), argv[5]);
	else if (!strcmp(cmd, "set") && argc == 6)
		rc = cmd_set(argv[3], argv[4], argv[5]);
	else if (!strcmp(cmd, "retarget") && argc == 5)
		rc = cmd_retarget(section_index(argv[3]), argv[4]);
	else if (!strcmp(cmd, "drop") && argc == 4)
		rc = cmd_drop(section_index(argv[3]));
	else if (!strcmp(cmd, "set-length") && argc == 5)
		rc = cmd_set_length((int)parse_u64(argv[3]), parse_u64(argv[4]));
	else
		return usage();
	if (rc == 0)
		save(argv[2]);
	return rc;
}
