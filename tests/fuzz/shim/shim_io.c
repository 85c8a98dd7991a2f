// SPDX-License-Identifier: GPL-2.0
/*
 * crmod fuzz shim: what needs libc's own headers (stdio), kept apart from
 * the kernel stand-ins, whose types differ from glibc's.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

bool shim_verbose;

void shim_printk(const char *fmt, ...)
{
	va_list ap;

	if (!shim_verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int shim_warn_on(int cond, const char *file, int line)
{
	if (cond) {
		fprintf(stderr, "shim: WARN_ON at %s:%d\n", file, line);
		abort();
	}
	return cond;
}

void shim_bug(const char *file, int line)
{
	fprintf(stderr, "shim: BUG at %s:%d\n", file, line);
	abort();
}

void shim_unreached(const char *fn)
{
	fprintf(stderr, "shim: the image reader reached %s(), a kernel function the shim only stubs\n",
		fn);
	abort();
}

void shim_die(const char *what, const char *error)
{
	fprintf(stderr, "crmod fuzz: %s (the module's error: \"%s\")\n", what, error);
	abort();
}

void shim_init_from_env(void)
{
	const char *v = getenv("CRMOD_FUZZ_VERBOSE");

	shim_verbose = v && *v && *v != '0';
}
