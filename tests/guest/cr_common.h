/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the processes the checkpoint/restart cases checkpoint (cr-target,
 * cr-state) share: their verdict line, the ready file, how they notice they
 * were restarted, patterns to fill memory with and check it against.
 */
#ifndef CR_COMMON_H
#define CR_COMMON_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STR_(x) #x
#define STR(x) STR_(x)

extern const char *mode;
extern char ready_path[PATH_MAX];
extern pid_t pid0, ppid0;
extern int selftest;		/* 1: verify at once; 2: corrupt, then verify */
extern unsigned int timeout_s;
extern struct timespec start_mono;
extern char work_dir[PATH_MAX / 2];

void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One difference; all of them end up on the FAIL line. */
void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define EXPECT(cond, ...)                    \
	do {                                 \
		if (!(cond))                 \
			mismatch(__VA_ARGS__); \
	} while (0)

int finish(void);
void die(const char *what) __attribute__((noreturn));
pid_t raw_getpid(void);
pid_t raw_getppid(void);
double mono_now(void);
double start_seconds(void);
int restarted(void);
void timeout_fail(void) __attribute__((noreturn));
int timed_out(void);
void say_restarted(void);
void announce_ready(void);
void sleep_ms(long ms);
/* Sleep in short steps until restarted (or, in selftest, not at all). */
void wait_restart(long step_ms);
uint64_t mix64(uint64_t x);
void fill(void *p, size_t bytes, uint64_t seed);
long check_at(const void *p, size_t bytes, uint64_t seed, size_t base);
long check(const void *p, size_t bytes, uint64_t seed);
uint8_t pattern_byte(size_t i, uint64_t seed);
void expect_pattern(const char *what, const void *p, size_t bytes, uint64_t seed);
long first_nonzero(const void *p, size_t bytes);
/* Whole file into buf (NUL-terminated); its length, or -1. */
long read_file(const char *path, char *buf, size_t size);
void write_file_atomic(const char *path, const char *text);
void xreadlink(const char *path, char *buf, size_t size);

struct cr_mode {
	const char *name;
	int (*run)(int argc, char **argv);
};

/* PROGRAM MODE READYFILE [ARGS]: runs the mode, with the environment read. */
int cr_main(int argc, char **argv, const struct cr_mode *modes, size_t n,
	    const char *usage);

#endif
