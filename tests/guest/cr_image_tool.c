// SPDX-License-Identifier: GPL-2.0
/*
 * Looks into and damages checkpoint images on purpose, for the cases that
 * check what restart refuses. Knows the v1 framing of include/uapi/linux/
 * crmod.h (docs/image-format.md): header, sections, END.
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
	[CRMOD_SEC_FDS] = "fds",
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

static int usage(void)
{
	fprintf(stderr,
		"usage: cr-image-tool check|sections FILE\n"
		"       cr-image-tool find FILE TYPE\n"
		"       cr-image-tool flip FILE OFFSET\n"
		"       cr-image-tool get-header FILE FIELD\n"
		"       cr-image-tool set-header FILE FIELD VALUE\n"
		"       cr-image-tool set-length FILE INDEX VALUE\n"
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
	if (!strcmp(cmd, "set-header") && argc == 5)
		rc = cmd_set_header(argv[3], argv[4]);
	else if (!strcmp(cmd, "set-length") && argc == 5)
		rc = cmd_set_length((int)parse_u64(argv[3]), parse_u64(argv[4]));
	else
		return usage();
	if (rc == 0)
		save(argv[2]);
	return rc;
}
