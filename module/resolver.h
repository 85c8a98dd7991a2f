/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: the kernel symbols crmod uses that the kernel does not export.
 *
 * resolver.c holds the one table of them; it looks each up at load and the
 * module refuses to load if any is missing. Use one as crmod_sym_<name>: a
 * pointer to the variable, or the function itself. A function's pointer
 * has the type of the kernel's own declaration of it (typeof), so that a
 * signature that changes between kernels changes here too.
 *
 * Debian's ppc64 kernels lack CONFIG_KALLSYMS_ALL: only functions resolve
 * there, never variables.
 */
#ifndef CRMOD_RESOLVER_H
#define CRMOD_RESOLVER_H

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pipe_fs_i.h>
#include <linux/posix-timers.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/signal.h>
#include <linux/swap.h>
#include <linux/types.h>

struct pt_regs;

/* fs/file.c: install a file at a given fd number */
extern typeof(replace_fd) *crmod_sym_replace_fd;
/* kernel/fork.c: what /proc/PID/exe shows */
extern typeof(replace_mm_exe_file) *crmod_sym_replace_mm_exe_file;
/* fs/exec.c: what /proc/PID/comm shows */
extern typeof(__set_task_comm) *crmod_sym___set_task_comm;
/* fs/pipe.c: a new pipe, and F_SETPIPE_SZ on it */
extern typeof(create_pipe_files) *crmod_sym_create_pipe_files;
extern typeof(pipe_fcntl) *crmod_sym_pipe_fcntl;
/* fs/fs_struct.c: the working directory and root */
extern typeof(set_fs_pwd) *crmod_sym_set_fs_pwd;
extern typeof(set_fs_root) *crmod_sym_set_fs_root;
/* mm/memfd.c: F_ADD_SEALS */
extern typeof(memfd_fcntl) *crmod_sym_memfd_fcntl;
/* kernel/sched/core.c: sched_setaffinity(2) */
extern typeof(sched_setaffinity) *crmod_sym_sched_setaffinity;
/* kernel/time/posix-cpu-timers.c: what setrlimit(RLIMIT_CPU) arms */
extern typeof(update_rlimit_cpu) *crmod_sym_update_rlimit_cpu;
/* kernel/signal.c: a signal with its siginfo, on a queue of our choosing */
extern typeof(do_send_sig_info) *crmod_sym_do_send_sig_info;
/* mm/swapfile.c, mm/util.c: what the overcommit policy weighs */
extern typeof(si_swapinfo) *crmod_sym_si_swapinfo;
extern typeof(vm_commit_limit) *crmod_sym_vm_commit_limit;
/* kernel/sched/core.c: what ptrace requests wait for, a tracee off its CPU */
extern typeof(wait_task_inactive) *crmod_sym_wait_task_inactive;
/* kernel/ptrace.c: whether the caller may look into a task, as /proc asks */
extern typeof(ptrace_may_access) *crmod_sym_ptrace_may_access;
/* PR_SET_DUMPABLE: of the mm, or from 7.x of the task's exec state */
#ifdef CR_HAVE_TASK_EXEC_STATE
extern typeof(task_exec_state_set_dumpable) *crmod_sym_task_exec_state_set_dumpable;
#else
extern typeof(set_dumpable) *crmod_sym_set_dumpable;
#endif

/*
 * System calls crmod makes on the restarting task's own behalf, through
 * their pt_regs entry points (ARCH_HAS_SYSCALL_WRAPPER on both arches).
 */
typedef long (*crmod_syscall_fn)(const struct pt_regs *regs);

#ifdef CONFIG_X86_64
extern u32 *crmod_sym_elf_hwcap2;	/* AT_HWCAP2 */
extern crmod_syscall_fn crmod_sym___x64_sys_rt_sigreturn;
extern crmod_syscall_fn crmod_sym___x64_sys_arch_prctl;
extern crmod_syscall_fn crmod_sym___x64_sys_mprotect;
extern crmod_syscall_fn crmod_sym___x64_sys_mremap;
extern crmod_syscall_fn crmod_sym___x64_sys_madvise;
extern crmod_syscall_fn crmod_sym___x64_sys_mlock2;
extern crmod_syscall_fn crmod_sym___x64_sys_mlockall;
/* arch/x86/kernel/ptrace.c: PTRACE_POKEUSER of the debug registers */
extern typeof(arch_ptrace) *crmod_sym_arch_ptrace;
#endif
#ifdef CONFIG_PPC64
extern crmod_syscall_fn crmod_sym_sys_rt_sigreturn;
extern crmod_syscall_fn crmod_sym_sys_mprotect;
extern crmod_syscall_fn crmod_sym_sys_mremap;
extern crmod_syscall_fn crmod_sym_sys_madvise;
extern crmod_syscall_fn crmod_sym_sys_mlock2;
extern crmod_syscall_fn crmod_sym_sys_mlockall;
#endif

/* PR_SET_DUMPABLE for current. */
static inline void crmod_set_dumpable(int value)
{
#ifdef CR_HAVE_TASK_EXEC_STATE
	crmod_sym_task_exec_state_set_dumpable(value);
#else
	crmod_sym_set_dumpable(current->mm, value);
#endif
}

#endif /* CRMOD_RESOLVER_H */
