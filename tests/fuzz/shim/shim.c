// SPDX-License-Identifier: GPL-2.0
/*
 * crmod fuzz shim: the kernel functions the module's image reader calls,
 * done in user space (tests/fuzz/README.md). Everything else the module
 * calls is a weak stub in stubs.c that aborts when reached.
 *
 * This file sees the shim's kernel.h, not libc's headers, as the module's
 * files do (shim_io.c holds what needs stdio).
 */
#include <shim/kernel.h>

#include <linux/crmod.h>

#include "shim.h"

/* ---- the process that restarts ---- */
static struct mm_struct shim_mm = { .mm_users = { 1 } };
static struct fs_struct shim_fs = { .users = 1 };
static struct files_struct shim_files = { .count = { 1 } };
static struct signal_struct shim_signal;
static struct sighand_struct shim_sighand = { .count = { { 1 } } };
struct uts_namespace init_uts_ns = { .name = { .release = "shim" } };
static struct ipc_namespace shim_ipc_ns;
static struct nsproxy shim_nsproxy = { .uts_ns = &init_uts_ns, .ipc_ns = &shim_ipc_ns };
struct task_struct init_task = { .nsproxy = &shim_nsproxy };
static struct task_struct shim_task = {
	.pid = 4242, .tgid = 4242, .comm = "crctl",
	.mm = &shim_mm, .fs = &shim_fs, .files = &shim_files,
	.nsproxy = &shim_nsproxy,
	.signal = &shim_signal, .sighand = &shim_sighand,
	.cpus_mask = { .bits = { ~0UL } },	/* CPUs 0-63 */
};
struct task_struct *shim_current = &shim_task;
struct user_namespace init_user_ns;
static struct cpumask shim_possible = { .bits = { ~0UL } };
const struct cpumask *const cpu_possible_mask = &shim_possible;
unsigned int nr_cpu_ids = 64;

/* ---- injected failures: the nth fallible call fails ---- */
unsigned long shim_fail_nth;	/* 0: none */
unsigned long shim_fallible_calls;

static bool shim_should_fail(void)
{
	shim_fallible_calls++;
	return shim_fail_nth && shim_fallible_calls == shim_fail_nth;
}

/* ---- memory ---- */
unsigned long shim_live_allocs;

/*
 * The plan's one big block, its copy buffer (CR_COPY_BYTES), is kept for the
 * next plan: ASan maps and unmaps every block that large, which made each
 * run several times slower. It is poisoned while kept, so a use after free
 * is still caught.
 */
#define SHIM_KEEP_BYTES (256UL << 10)
static void *shim_kept;
/* weak: a build without ASan (coverage) has neither */
void __asan_poison_memory_region(const volatile void *addr, size_t size)
	__attribute__((weak));
void __asan_unpoison_memory_region(const volatile void *addr, size_t size)
	__attribute__((weak));

void *kvmalloc(size_t size, gfp_t flags)
{
	void *p;

	/* the kernel's kvmalloc() refuses more than INT_MAX bytes */
	if (size > INT_MAX || shim_should_fail())
		return NULL;
	if (size == SHIM_KEEP_BYTES && shim_kept) {
		p = shim_kept;
		shim_kept = NULL;
		if (__asan_unpoison_memory_region)
			__asan_unpoison_memory_region(p, size);
		if (flags & __GFP_ZERO)
			memset(p, 0, size);
		shim_live_allocs++;
		return p;
	}
	p = flags & __GFP_ZERO ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p)
		shim_live_allocs++;
	return p;
}

size_t malloc_usable_size(void *p);

static size_t shim_kept_size(const void *p)
{
	return malloc_usable_size((void *)p);
}

void kvfree(const void *p)
{
	if (!p)
		return;
	shim_live_allocs--;
	if (!shim_kept && shim_kept_size(p) == SHIM_KEEP_BYTES) {
		shim_kept = (void *)p;
		if (__asan_poison_memory_region)
			__asan_poison_memory_region(p, SHIM_KEEP_BYTES);
		return;
	}
	free((void *)p);
}

void *kmalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags);
}

void *kzalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags | __GFP_ZERO);
}

void kfree(const void *p)
{
	kvfree(p);
}

/* ---- the image file ---- */
unsigned long shim_live_files;

struct file *shim_image_file(const u8 *data, size_t size)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->f_mode = FMODE_READ | FMODE_LSEEK;
	f->shim_data = data;
	f->shim_size = size;
	shim_live_files++;
	return f;
}

void fput(struct file *f)
{
	if (!f)
		return;
	shim_live_files--;
	free(f);
}

ssize_t kernel_read(struct file *file, void *buf, size_t count, loff_t *pos)
{
	size_t n;

	if (shim_should_fail())
		return -EIO;
	if (*pos < 0)
		return -EINVAL;
	if (!file->shim_data || (u64)*pos >= file->shim_size)
		return 0;
	n = file->shim_size - *pos;
	if (n > count)
		n = count;
	memcpy(buf, file->shim_data + *pos, n);
	*pos += n;
	return n;
}

/* Nothing else writes to the fuzzer's image. */
int deny_write_access(struct file *file)
{
	(void)file;
	return 0;
}

void allow_write_access(struct file *file)
{
	(void)file;
}

/* ---- CRC32C, reflected, as the kernel's crc32c(): no inversion here ---- */
static u32 shim_crc_table[256];

u32 crc32c(u32 crc, const void *address, unsigned int length)
{
	const u8 *p = address;
	unsigned int i;

	if (!shim_crc_table[1]) {
		for (i = 0; i < 256; i++) {
			u32 c = i;
			int k;

			for (k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
			shim_crc_table[i] = c;
		}
	}
	while (length--)
		crc = shim_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* ---- the kernel's string helpers ---- */
void *memchr_inv(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++)
		if (*p != (u8)c)
			return (void *)p;
	return NULL;
}

/* as the kernel's: the length it tried to make */
size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t have = strnlen(dst, size), add = strlen(src);

	if (have < size) {
		size_t n = min(add, size - have - 1);

		memcpy(dst + have, src, n);
		dst[have + n] = '\0';
	}
	return have + add;
}

ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t n = strnlen(src, count);

	if (!count)
		return -E2BIG;
	if (n == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return n;
}

/* As the kernel's: the length written (without the NUL), not wanted. */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int n = vsnprintf(buf, size, fmt, args);

	if (n < 0 || !size)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

ssize_t strscpy_pad(char *dst, const char *src, size_t count)
{
	ssize_t n = strscpy(dst, src, count);
	size_t used = n < 0 ? count : (size_t)n + 1;

	memset(dst + used, 0, count - used);
	return n;
}

/* ---- the machine: x86_64 with 4 KiB pages, every CPU feature ---- */
void crmod_describe_machine(struct crmod_machine *m)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->arch = CRMOD_ARCH_X86_64;
	m->word_size = 64;
	m->endian = CRMOD_ENDIAN_LITTLE;
	m->page_size = PAGE_SIZE;
	strscpy(m->release, "6.1.0-57-amd64", sizeof(m->release));
	/* what the CPU has only matters to phase 1b: a CPU with everything */
	for (i = 0; i < CRMOD_CPUID_WORDS; i++)
		m->x86.cpuid[i] = ~0U;
	m->x86.xcr0 = 0x602ff;	/* x87 SSE AVX MPX AVX-512 PKRU AMX */
	m->x86.xsave_size = 11008;
	m->x86.hwcap2 = 0x2;
	m->x86.cpuid_max_leaf = 0x1f;
	strscpy(m->x86.vendor, "GenuineIntel", sizeof(m->x86.vendor));
	m->x86.family = 6;
	m->x86.model = 143;
#ifdef CRMOD_XSTATE_COMPONENTS
	{
		/* the standard XSAVE layout of such a CPU: CPUID.(0xd,i) */
		static const u32 at[][3] = {
			{ 2, 576, 256 }, { 3, 960, 64 }, { 4, 1024, 64 },
			{ 5, 1088, 64 }, { 6, 1152, 512 }, { 7, 1664, 1024 },
			{ 9, 2688, 8 }, { 17, 2752, 64 }, { 18, 2816, 8192 },
		};

		for (i = 0; i < (int)ARRAY_SIZE(at); i++) {
			m->x86.xstate_offset[at[i][0]] = at[i][1];
			m->x86.xstate_size[at[i][0]] = at[i][2];
		}
	}
#endif
}

/*
 * The kernel symbols the module looks up at load (resolver.c): all phase-2
 * calls. NULL here: calling one crashes, which the fuzzer reports.
 */
#include "../../../module/resolver.h"

typeof(replace_fd) *crmod_sym_replace_fd;
typeof(replace_mm_exe_file) *crmod_sym_replace_mm_exe_file;
typeof(__set_task_comm) *crmod_sym___set_task_comm;
typeof(create_pipe_files) *crmod_sym_create_pipe_files;
typeof(pipe_fcntl) *crmod_sym_pipe_fcntl;
typeof(set_fs_pwd) *crmod_sym_set_fs_pwd;
typeof(set_fs_root) *crmod_sym_set_fs_root;
typeof(memfd_fcntl) *crmod_sym_memfd_fcntl;
typeof(sched_setaffinity) *crmod_sym_sched_setaffinity;
typeof(update_rlimit_cpu) *crmod_sym_update_rlimit_cpu;
typeof(do_send_sig_info) *crmod_sym_do_send_sig_info;
typeof(si_swapinfo) *crmod_sym_si_swapinfo;
typeof(vm_commit_limit) *crmod_sym_vm_commit_limit;
typeof(wait_task_inactive) *crmod_sym_wait_task_inactive;
typeof(ptrace_may_access) *crmod_sym_ptrace_may_access;
typeof(set_dumpable) *crmod_sym_set_dumpable;
u32 *crmod_sym_elf_hwcap2;
crmod_syscall_fn crmod_sym___x64_sys_rt_sigreturn;
crmod_syscall_fn crmod_sym___x64_sys_arch_prctl;
crmod_syscall_fn crmod_sym___x64_sys_mprotect;
crmod_syscall_fn crmod_sym___x64_sys_mremap;
crmod_syscall_fn crmod_sym___x64_sys_madvise;
crmod_syscall_fn crmod_sym___x64_sys_mlock2;
crmod_syscall_fn crmod_sym___x64_sys_mlockall;
typeof(arch_ptrace) *crmod_sym_arch_ptrace;
