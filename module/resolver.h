/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: the kernel symbols crmod uses that the kernel does not export.
 *
 * resolver.c holds the one table of them; it looks each up at load and the
 * module refuses to load if any is missing. Use one as crmod_sym_<name>: a
 * pointer to the variable, or the function itself.
 *
 * Debian's ppc64 kernels lack CONFIG_KALLSYMS_ALL: only functions resolve
 * there, never variables.
 */
#ifndef CRMOD_RESOLVER_H
#define CRMOD_RESOLVER_H

#include <linux/types.h>

struct file;
struct fs_struct;
struct mm_struct;
struct path;
struct pt_regs;
struct task_struct;

/* fs/file.c: install a file at a given fd number */
extern int (*crmod_sym_replace_fd)(unsigned int fd, struct file *file,
				   unsigned int flags);
/* kernel/fork.c: what /proc/PID/exe shows */
extern int (*crmod_sym_replace_mm_exe_file)(struct mm_struct *mm,
					    struct file *new_exe_file);
/* fs/exec.c: what /proc/PID/comm shows */
extern void (*crmod_sym___set_task_comm)(struct task_struct *tsk,
					 const char *from, bool exec);
/* fs/pipe.c: a new pipe, and F_SETPIPE_SZ on it */
extern int (*crmod_sym_create_pipe_files)(struct file **res, int flags);
extern long (*crmod_sym_pipe_fcntl)(struct file *file, unsigned int cmd,
				    unsigned long arg);
/* fs/fs_struct.c: the working directory */
extern void (*crmod_sym_set_fs_pwd)(struct fs_struct *fs,
				    const struct path *path);
extern void (*crmod_sym_set_fs_root)(struct fs_struct *fs,
				     const struct path *path);

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
/* arch/x86/kernel/ptrace.c: PTRACE_POKEUSER of the debug registers */
extern long (*crmod_sym_arch_ptrace)(struct task_struct *child, long request,
				     unsigned long addr, unsigned long data);
#endif
#ifdef CONFIG_PPC64
extern crmod_syscall_fn crmod_sym_sys_rt_sigreturn;
extern crmod_syscall_fn crmod_sym_sys_mprotect;
extern crmod_syscall_fn crmod_sym_sys_mremap;
#endif

#endif /* CRMOD_RESOLVER_H */
