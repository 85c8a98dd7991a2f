// SPDX-License-Identifier: GPL-2.0
/* What cr-target and cr-threads share of filling and checking registers. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <asm/prctl.h>
#include <cpuid.h>
#endif

#include "cr_regs.h"

int vec_upper(void)
{
#if defined(__x86_64__)
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	if ((c & bit_AVX) && (c & bit_OSXSAVE)) {
		__asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
		return (a & 6) == 6;
	}
	return 0;
#else
	return 1;
#endif
}

uint64_t fp_ctl(void)
{
#if defined(__x86_64__)
	unsigned int mx;

	__asm__ volatile("stmxcsr %0" : "=m"(mx));
	return mx;
#else
	double f;
	uint64_t fpscr;

	__asm__ volatile("mffs %0" : "=d"(f));
	memcpy(&fpscr, &f, 8);
	return fpscr;
#endif
}

uint64_t thread_pointer(void)
{
	uint64_t tp = 0;

#if defined(__x86_64__)
	syscall(SYS_arch_prctl, ARCH_GET_FS, &tp);
#elif defined(__powerpc64__)
	__asm__ volatile("mr %0,13" : "=r"(tp));
#endif
	return tp;
}

uint64_t set_bits(const sigset_t *s)
{
	uint64_t v = 0;

	for (int i = 1; i <= 64; i++)
		if (sigismember(s, i) == 1)
			v |= 1ULL << (i - 1);
	return v;
}

void check_gprs(const uint64_t *in, const uint64_t *out, int n,
		const char *const *names, cr_report bad)
{
	for (int i = 0; i < n; i++) {
		char name[16];

		if (names)
			snprintf(name, sizeof(name), "%s", names[i]);
		else
			snprintf(name, sizeof(name), "r%d", i + 14);
		if (out[i] != in[i])
			bad("%s: expected 0x%016llx, found 0x%016llx", name,
			    (unsigned long long)in[i], (unsigned long long)out[i]);
	}
}

void check_vecs(const uint8_t (*in)[16], const uint8_t (*out)[16], int n,
		int vec, cr_report bad)
{
	for (int i = 0; i < n; i++) {
		uint64_t e[2], f[2];
		char name[16];

#if defined(__x86_64__)
		if (i >= 16 && !vec)
			continue;
		snprintf(name, sizeof(name), i < 16 ? "xmm%d" : "ymm%d[255:128]", i % 16);
#else
		(void)vec;
		snprintf(name, sizeof(name), i < 32 ? "vs%d" : "v%d", i % 32);
#endif
		memcpy(e, in[i], 16);
		memcpy(f, out[i], 16);
		if (memcmp(e, f, 16))
			bad("%s: expected %016llx%016llx, found %016llx%016llx", name,
			    (unsigned long long)e[1], (unsigned long long)e[0],
			    (unsigned long long)f[1], (unsigned long long)f[0]);
	}
}

void check_fp_ctl(uint64_t ref, uint64_t out, cr_report bad)
{
#if defined(__x86_64__)
	if ((uint32_t)out != (uint32_t)ref)
		bad("MXCSR: expected 0x%08x, found 0x%08x", (uint32_t)ref, (uint32_t)out);
#else
	if (out != ref)
		bad("FPSCR: expected 0x%016llx, found 0x%016llx", (unsigned long long)ref,
		    (unsigned long long)out);
#endif
}

void check_sp(uint64_t in, uint64_t out, cr_report bad)
{
	if (out != in)
		bad("stack pointer: expected 0x%llx, found 0x%llx", (unsigned long long)in,
		    (unsigned long long)out);
}
