// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: resolve, at load, the kernel symbols listed in resolver.h.
 *
 * kallsyms_lookup_name() is not exported since 5.7. A kprobe finds its
 * address, but not necessarily its start: on ppc64 ELF ABI v2 a kprobe sits
 * at the local entry point, past the global entry's TOC setup, and with x86
 * IBT past the ENDBR. Calling that address oopses (seen on ppc64le). So the
 * kprobe only points into the function; kallsyms' own "name+off/size" then
 * gives the start, which is the global entry that a call through a pointer
 * must use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

#include "crmod.h"
#include "resolver.h"

typeof(replace_fd) *crmod_sym_replace_fd;
typeof(replace_mm_exe_file) *crmod_sym_replace_mm_exe_file;
typeof(__set_task_comm) *crmod_sym___set_task_comm;
typeof(set_fs_pwd) *crmod_sym_set_fs_pwd;
typeof(set_fs_root) *crmod_sym_set_fs_root;
typeof(create_pipe_files) *crmod_sym_create_pipe_files;
typeof(pipe_fcntl) *crmod_sym_pipe_fcntl;
typeof(memfd_fcntl) *crmod_sym_memfd_fcntl;
typeof(sched_setaffinity) *crmod_sym_sched_setaffinity;
typeof(update_rlimit_cpu) *crmod_sym_update_rlimit_cpu;
typeof(do_send_sig_info) *crmod_sym_do_send_sig_info;
typeof(si_swapinfo) *crmod_sym_si_swapinfo;
typeof(vm_commit_limit) *crmod_sym_vm_commit_limit;
typeof(wait_task_inactive) *crmod_sym_wait_task_inactive;
typeof(ptrace_may_access) *crmod_sym_ptrace_may_access;
#ifdef CR_HAVE_TASK_EXEC_STATE
typeof(task_exec_state_set_dumpable) *crmod_sym_task_exec_state_set_dumpable;
#else
typeof(set_dumpable) *crmod_sym_set_dumpable;
#endif
#ifdef CONFIG_X86_64
u32 *crmod_sym_elf_hwcap2;
crmod_syscall_fn crmod_sym___x64_sys_rt_sigreturn;
crmod_syscall_fn crmod_sym___x64_sys_arch_prctl;
crmod_syscall_fn crmod_sym___x64_sys_mprotect;
crmod_syscall_fn crmod_sym___x64_sys_mremap;
crmod_syscall_fn crmod_sym___x64_sys_madvise;
crmod_syscall_fn crmod_sym___x64_sys_mlock2;
crmod_syscall_fn crmod_sym___x64_sys_mlockall;
typeof(arch_ptrace) *crmod_sym_arch_ptrace;
#endif
#ifdef CONFIG_PPC64
crmod_syscall_fn crmod_sym_sys_rt_sigreturn;
crmod_syscall_fn crmod_sym_sys_mprotect;
crmod_syscall_fn crmod_sym_sys_mremap;
crmod_syscall_fn crmod_sym_sys_madvise;
crmod_syscall_fn crmod_sym_sys_mlock2;
crmod_syscall_fn crmod_sym_sys_mlockall;
#endif

struct crmod_symbol {
	const char *name;
	void **addr;
};

#define CRMOD_SYMBOL(name) { #name, (void **)&crmod_sym_##name }

/* Everything crmod needs that the kernel does not export. */
static const struct crmod_symbol crmod_symbols[] = {
	CRMOD_SYMBOL(replace_fd),
	CRMOD_SYMBOL(replace_mm_exe_file),
	CRMOD_SYMBOL(__set_task_comm),
	CRMOD_SYMBOL(set_fs_pwd),
	CRMOD_SYMBOL(set_fs_root),
	CRMOD_SYMBOL(create_pipe_files),
	CRMOD_SYMBOL(pipe_fcntl),
	CRMOD_SYMBOL(memfd_fcntl),
	CRMOD_SYMBOL(sched_setaffinity),
	CRMOD_SYMBOL(update_rlimit_cpu),
	CRMOD_SYMBOL(do_send_sig_info),
	CRMOD_SYMBOL(si_swapinfo),
	CRMOD_SYMBOL(vm_commit_limit),
	CRMOD_SYMBOL(wait_task_inactive),
	CRMOD_SYMBOL(ptrace_may_access),
#ifdef CR_HAVE_TASK_EXEC_STATE
	CRMOD_SYMBOL(task_exec_state_set_dumpable),
#else
	CRMOD_SYMBOL(set_dumpable),
#endif
#ifdef CONFIG_X86_64
	CRMOD_SYMBOL(elf_hwcap2),
	CRMOD_SYMBOL(__x64_sys_rt_sigreturn),
	CRMOD_SYMBOL(__x64_sys_arch_prctl),
	CRMOD_SYMBOL(__x64_sys_mprotect),
	CRMOD_SYMBOL(__x64_sys_mremap),
	CRMOD_SYMBOL(__x64_sys_madvise),
	CRMOD_SYMBOL(__x64_sys_mlock2),
	CRMOD_SYMBOL(__x64_sys_mlockall),
	CRMOD_SYMBOL(arch_ptrace),
#endif
#ifdef CONFIG_PPC64
	CRMOD_SYMBOL(sys_rt_sigreturn),
	CRMOD_SYMBOL(sys_mprotect),
	CRMOD_SYMBOL(sys_mremap),
	CRMOD_SYMBOL(sys_madvise),
	CRMOD_SYMBOL(sys_mlock2),
	CRMOD_SYMBOL(sys_mlockall),
#endif
};

typedef unsigned long (*crmod_lookup_fn)(const char *name);

#ifdef CRMOD_TEST
/* Test builds: one more symbol to require, to prove a missing one is fatal. */
static char *test_require_symbol;
module_param(test_require_symbol, charp, 0400);
MODULE_PARM_DESC(test_require_symbol, "test only: also require this symbol");
#endif

/* The offset of addr into the symbol called name, or a negative errno. */
static long offset_in_symbol(unsigned long addr, const char *name)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long offset, size;

	sprint_symbol(buf, addr);
	if (strncmp(buf, name, len) != 0 || buf[len] != '+' ||
	    sscanf(buf + len, "+%lx/%lx", &offset, &size) != 2 ||
	    offset >= size)
		return -ENOENT;
	return offset;
}

static crmod_lookup_fn find_kallsyms_lookup_name(void)
{
	static const char name[] = "kallsyms_lookup_name";
	struct kprobe kp = { .symbol_name = name };
	unsigned long inside;
	long offset;
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot find %s: register_kprobe failed (%d)\n", name, ret);
		return NULL;
	}
	inside = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	offset = offset_in_symbol(inside, name);
	if (offset < 0 || offset_in_symbol(inside - offset, name) != 0) {
		pr_err("cannot find the start of %s\n", name);
		return NULL;
	}
	return (crmod_lookup_fn)(inside - offset);
}

static int resolve_one(crmod_lookup_fn lookup, const char *name, void **addr)
{
	*addr = (void *)lookup(name);
	if (!*addr) {
		pr_err("kernel symbol %s not found: this kernel is not supported\n",
		       name);
		return -ENOENT;
	}
	return 0;
}

int crmod_resolve_symbols(void)
{
	crmod_lookup_fn lookup = find_kallsyms_lookup_name();
	size_t i;
	int ret;

	if (!lookup)
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(crmod_symbols); i++) {
		ret = resolve_one(lookup, crmod_symbols[i].name,
				  crmod_symbols[i].addr);
		if (ret)
			return ret;
	}
#ifdef CRMOD_TEST
	if (test_require_symbol) {
		void *unused;

		ret = resolve_one(lookup, test_require_symbol, &unused);
		if (ret)
			return ret;
	}
#endif
	return 0;
}
