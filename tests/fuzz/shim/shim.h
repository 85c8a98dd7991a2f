/* SPDX-License-Identifier: GPL-2.0 */
/* crmod fuzz shim: what the harness controls and counts (shim.c). */
#ifndef CRMOD_SHIM_H
#define CRMOD_SHIM_H

/* A struct file whose kernel_read() reads data[0, size); fput() frees it. */
struct file *shim_image_file(const u8 *data, size_t size);

/* The nth fallible call (an allocation, a read of the image) fails; 0: none. */
extern unsigned long shim_fail_nth;
extern unsigned long shim_fallible_calls;

/* What the module holds: must come back to zero after every plan. */
extern unsigned long shim_live_allocs;
extern unsigned long shim_live_files;

/* printk to stderr (off by default: the fuzzer runs millions of times). */
extern bool shim_verbose;
/* CRMOD_FUZZ_VERBOSE=1 in the environment: shim_verbose. */
void shim_init_from_env(void);

void shim_unreached(const char *fn) __attribute__((noreturn));
/* The harness found a broken rule: say which, and the module's last error. */
void shim_die(const char *what, const char *error) __attribute__((noreturn));

/* shim_live.c: the live system phase 1b meets. */
void shim_live_init(void);
/* The restarting caller: root with every capability, else uid 1000 with none. */
extern bool shim_privileged;
/* A file found by that path, with that identity, until shim_vfs_reset(). */
void shim_vfs_add(const char *path, umode_t mode, loff_t size, s64 mtime_sec,
		  long mtime_nsec, dev_t rdev);
void shim_vfs_reset(void);
/* The restarting process's [vdso], [vvar], [vvar_vclock] sizes (0: none). */
void shim_set_specials(const u64 len[3]);
/* The build id (CRC32C) its vDSO has: the image's (module/vdso.c is not built in). */
void shim_set_vdso_id(u32 id);

#endif
