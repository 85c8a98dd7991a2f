/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * crmod: the whole user/kernel ABI of the crmod checkpoint/restart module.
 *
 * One header, included by the module and by user space. Every structure has
 * a fixed layout (explicit widths, explicit padding, 8-byte aligned), so that
 * it reads the same from C and C++ and, once it is embedded in images, on any
 * host that decodes them.
 */
#ifndef _UAPI_LINUX_CRMOD_H
#define _UAPI_LINUX_CRMOD_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* The misc device: /dev/crctl, mode 0600, owned by root. */
#define CRMOD_DEVICE_NAME	"crctl"

/* Bumped on any incompatible change to the ioctls or their structures. */
#define CRMOD_ABI_VERSION	3

/* Image format version the module reads and writes: CRMOD_IMAGE_FORMAT. */
#define CRMOD_IMAGE_VERSION	6

/*
 * The kinds of process state (crmod_state.h, the one table of them):
 * CRMOD_STATE_REGULAR_FILE .. as the rows come.
 */
enum crmod_state {
	CRMOD_STATE_NONE,
#define CRMOD_STATE(name, restored, key, text) CRMOD_STATE_##name,
#include "crmod_state.h"
#undef CRMOD_STATE
	CRMOD_STATE_COUNT
};

/* Bits of crmod_version.features: what this module can do. */
#define CRMOD_FEAT_MACHINE	(1ULL << 0)	/* CRCTL_IOC_MACHINE */
#define CRMOD_FEAT_CHECKPOINT	(1ULL << 1)	/* CRCTL_IOC_CHECKPOINT */
#define CRMOD_FEAT_RESTART	(1ULL << 2)	/* CRCTL_IOC_RESTART */
#define CRMOD_FEAT_VALIDATE	(1ULL << 3)	/* CRMOD_RESTART_VALIDATE */
#define CRMOD_FEAT_REASONS	(1ULL << 4)	/* validate tells every reason */
#define CRMOD_FEAT_THREADS	(1ULL << 5)	/* CRCTL_IOC_RESTART_THREAD */
#define CRMOD_FEAT_TREES	(1ULL << 6)	/* process trees: CRMOD_CHECKPOINT_TREE */
#define CRMOD_FEAT_TEST_HOOKS	(1ULL << 63)	/* built with CRMOD_TEST=1 */

struct crmod_version {
	__u32 abi_version;	/* CRMOD_ABI_VERSION */
	__u32 image_version;	/* CRMOD_IMAGE_VERSION */
	__u64 features;		/* CRMOD_FEAT_* */
};

/* crmod_machine.arch */
#define CRMOD_ARCH_X86_64	1
#define CRMOD_ARCH_PPC64	2

/* crmod_machine.endian */
#define CRMOD_ENDIAN_LITTLE	1
#define CRMOD_ENDIAN_BIG	2

/*
 * Index into crmod_x86_machine.cpuid: the CPUID output registers that carry
 * user-visible feature bits. Raw CPUID is what user code sees and acts on,
 * whatever the kernel chose to use itself.
 */
enum crmod_x86_cpuid_word {
	CRMOD_CPUID_1_ECX,		/* leaf 1: SSE3 .. AVX, OSXSAVE */
	CRMOD_CPUID_1_EDX,		/* leaf 1: FPU .. SSE2 */
	CRMOD_CPUID_7_0_EBX,		/* leaf 7.0: FSGSBASE, AVX2, AVX-512 .. */
	CRMOD_CPUID_7_0_ECX,		/* leaf 7.0: PKU, VAES, .. */
	CRMOD_CPUID_7_0_EDX,		/* leaf 7.0: AMX, .. */
	CRMOD_CPUID_7_1_EAX,		/* leaf 7.1: AVX-VNNI, .. */
	CRMOD_CPUID_D_1_EAX,		/* leaf 0xd.1: XSAVEOPT, XSAVEC, XSAVES */
	CRMOD_CPUID_80000001_ECX,	/* leaf 0x80000001: LAHF, ABM, .. */
	CRMOD_CPUID_80000001_EDX,	/* leaf 0x80000001: NX, LM, RDTSCP */
	CRMOD_CPUID_WORDS
};

/* XSAVE state components crmod knows: XCR0 bits 0-18 (crmod_cpu.h). */
#define CRMOD_XSTATE_COMPONENTS	19

struct crmod_x86_machine {
	__u64 xcr0;		/* XGETBV(0); 0 without OSXSAVE */
	__u32 xsave_size;	/* CPUID.(0xd,0).EBX: XSAVE area for xcr0 */
	__u32 hwcap2;		/* AT_HWCAP2 (HWCAP2_FSGSBASE, ..) */
	__u32 cpuid[CRMOD_CPUID_WORDS];
	__u32 cpuid_max_leaf;	/* CPUID.0.EAX */
	char vendor[16];	/* CPUID.0 vendor string, NUL-terminated */
	__u32 family;
	__u32 model;
	/*
	 * Where each XSAVE state component lies in the standard (ptrace and
	 * signal frame) form, CPUID.(0xd,i).EBX and its size, EAX; 0 for
	 * components not in xcr0. Restart moves each component in use from
	 * the image's place to this CPU's, whatever the two layouts.
	 */
	__u32 xstate_offset[CRMOD_XSTATE_COMPONENTS];
	__u32 xstate_size[CRMOD_XSTATE_COMPONENTS];
};

/* crmod_ppc_machine.flags */
#define CRMOD_PPC_RADIX		(1U << 0)	/* radix MMU, else hash */

struct crmod_ppc_machine {
	__u64 hwcap;		/* AT_HWCAP */
	__u64 hwcap2;		/* AT_HWCAP2 */
	__u32 pvr;		/* processor version register */
	__u32 flags;		/* CRMOD_PPC_* */
	char platform[32];	/* AT_PLATFORM, e.g. "power9" */
};

#define CRMOD_RELEASE_LEN	72

/* What a checkpoint image depends on, as this machine has it. */
struct crmod_machine {
	__u32 arch;		/* CRMOD_ARCH_* */
	__u32 word_size;	/* bits in a long: 64 */
	__u32 endian;		/* CRMOD_ENDIAN_* */
	__u32 page_size;	/* bytes */
	char release[CRMOD_RELEASE_LEN];	/* uname -r, NUL-terminated */
	union {
		struct crmod_x86_machine x86;
		struct crmod_ppc_machine ppc;
		__u8 reserved[256];
	};
};

/*
 * Checkpoint image, format version 6 (docs/image-format.md). Format 5 is
 * format 6 without the PROCESS section, format 4 format 5 without the
 * NAMESPACES section, format 3 format 4 without the
 * VDSO section, format 2 format 3 without THREAD sections; the module
 * reads all five. A process tree is one image per process, one after
 * another in one file, the root first and every parent before its
 * children; each image is complete in itself.
 *
 * An image is a crmod_image_header, then sections, the last of type
 * CRMOD_SEC_END. Every integer is little-endian whatever the machine, so a
 * reader never guesses; crmod_image_header.machine.endian still records
 * the checkpointed machine's own byte order. Each section header starts
 * 8-byte aligned; its payload is followed by zeros up to the next 8 bytes.
 * CRC32C is the Castagnoli CRC as in iSCSI and ext4 (reflected, initial
 * value and final xor 0xffffffff).
 */
#define CRMOD_IMAGE_MAGIC	"CRMODIMG"	/* 8 bytes, no NUL stored */
#define CRMOD_IMAGE_FORMAT	6
#define CRMOD_IMAGE_FORMAT_MIN	2	/* the oldest format still read */
#define CRMOD_IMAGE_ALIGN	8
/* A section's payload never exceeds this; larger lengths are corruption. */
#define CRMOD_IMAGE_SECTION_MAX	(1ULL << 30)

struct crmod_image_header {
	char magic[8];		/* CRMOD_IMAGE_MAGIC */
	__u32 format_version;	/* CRMOD_IMAGE_FORMAT */
	__u32 header_size;	/* sizeof(struct crmod_image_header) */
	__u64 flags;		/* none defined: must be 0 */
	__u64 created_ns;	/* CLOCK_REALTIME of the checkpoint */
	struct crmod_machine machine;	/* where the checkpoint was taken */
	__u32 reserved;		/* 0 */
	__u32 header_crc;	/* CRC32C of every byte before this field */
};

/*
 * crmod_section_header.type. A checkpoint writes one FILE per file it
 * refers to (each followed by the FILE_DATA of one whose content the image
 * carries), PIPEs, TASK, PROCESS (if its parent is in the tree),
 * NAMESPACES (if it has a namespace of its own), CGROUP, VMAS, VDSO (if it
 * has a [vdso]), PAGES runs, the arch's REGS, SIGNALS, PENDING, CREDS,
 * TIMERS, OFDS, FDS, LOCKS; then for each other thread of the process, by
 * tid, THREAD, TASK, REGS, SIGNALS and PENDING; then END.
 */
#define CRMOD_SEC_END		1	/* struct crmod_image_trailer */
#define CRMOD_SEC_TASK		2	/* struct crmod_task */
#define CRMOD_SEC_FILE		3	/* struct crmod_file, then the path */
#define CRMOD_SEC_VMAS		4	/* struct crmod_vma[] */
#define CRMOD_SEC_PAGES		5	/* struct crmod_pages, then the pages */
#define CRMOD_SEC_REGS_X86	6	/* struct crmod_x86_regs, then XSAVE */
#define CRMOD_SEC_REGS_PPC	7	/* struct crmod_ppc_regs */
#define CRMOD_SEC_SIGNALS	8	/* struct crmod_signals */
#define CRMOD_SEC_FDS		9	/* struct crmod_fd[] */
#define CRMOD_SEC_CREDS		10	/* struct crmod_creds, then groups */
#define CRMOD_SEC_PENDING	11	/* struct crmod_pending_signal[] */
#define CRMOD_SEC_PIPE		12	/* struct crmod_pipe, then its bytes */
#define CRMOD_SEC_OFDS		13	/* struct crmod_ofd[] */
#define CRMOD_SEC_FILE_DATA	14	/* struct crmod_file_data, then bytes */
#define CRMOD_SEC_LOCKS		15	/* struct crmod_lock[] */
#define CRMOD_SEC_TIMERS	16	/* struct crmod_timers */
#define CRMOD_SEC_CGROUP	17	/* the cgroup v2 path, NUL-terminated */
#define CRMOD_SEC_THREAD	18	/* struct crmod_thread */
#define CRMOD_SEC_VDSO		19	/* struct crmod_vdso_sym[] */
#define CRMOD_SEC_NAMESPACES	20	/* struct crmod_namespaces */
#define CRMOD_SEC_PROCESS	21	/* struct crmod_process */

struct crmod_section_header {
	__u32 type;		/* CRMOD_SEC_* */
	__u32 flags;		/* none defined: must be 0 */
	__u64 length;		/* payload bytes, padding excluded */
	__u32 payload_crc;	/* CRC32C of the payload */
	__u32 header_crc;	/* CRC32C of the 20 bytes before this field */
};

struct crmod_image_trailer {
	__u64 sections;		/* sections before this END section */
	__u64 image_bytes;	/* bytes before the END section's header */
};

#define CRMOD_AUXV_WORDS	128	/* room for any arch's saved auxv */
#define CRMOD_RLIMITS		16	/* RLIM_NLIMITS on every arch crmod knows */

/* crmod_task.flags */
#define CRMOD_TASK_CHILD_SUBREAPER	(1U << 0)	/* PR_SET_CHILD_SUBREAPER */
#define CRMOD_TASK_NO_NEW_PRIVS	(1U << 1)	/* PR_SET_NO_NEW_PRIVS */
#define CRMOD_TASK_THP_DISABLE	(1U << 2)	/* PR_SET_THP_DISABLE */
#define CRMOD_TASK_MLOCK_FUTURE	(1U << 3)	/* mlockall(MCL_FUTURE) */
#define CRMOD_TASK_MLOCK_ONFAULT	(1U << 4)	/* with MCL_ONFAULT */
#define CRMOD_TASK_AFFINITY	(1U << 5)	/* cpu_affinity is a restriction */
#define CRMOD_TASK_LOGINUID	(1U << 6)	/* loginuid, sessionid are set */
#define CRMOD_TASK_KNOWN_FLAGS	0x7f

#define CRMOD_CPU_WORDS		128	/* 8192 CPUs, as Debian builds for */

/* The process: identity, the mm fields behind /proc/PID/{cmdline,environ,..} */
struct crmod_task {
	char comm[16];		/* NUL-terminated */
	__u32 pid;		/* getpid() in its own pid namespace */
	__u32 personality;
	__s32 nice;
	__u32 umask;
	__u32 exe_file;		/* crmod_file.id of /proc/PID/exe */
	__u32 cwd_file;		/* crmod_file.id of the working directory */
	__u32 auxv_words;	/* used words of auxv, pairs ending AT_NULL */
	__u32 root_file;	/* crmod_file.id of a chroot's root, else 0 */
	__u64 start_code, end_code, start_data, end_data;
	__u64 start_brk, brk, start_stack;
	__u64 arg_start, arg_end, env_start, env_end;
	__u64 auxv[CRMOD_AUXV_WORDS];
	__u64 rlim_cur[CRMOD_RLIMITS];
	__u64 rlim_max[CRMOD_RLIMITS];
	__u64 rseq;		/* registered struct rseq, 0 if none */
	__u32 rseq_len;
	__u32 rseq_sig;
	__u64 robust_list;	/* set_robust_list() head, 0 if none */
	__u64 robust_list_len;
	__u64 clear_child_tid;	/* set_tid_address(), 0 if none */
	__u64 timer_slack_ns;	/* PR_SET_TIMERSLACK */
	__u64 default_timer_slack_ns;
	__s32 oom_score_adj;	/* /proc/PID/oom_score_adj */
	__s32 oom_score_adj_min;
	__u32 loginuid;		/* audit, with CRMOD_TASK_LOGINUID */
	__u32 sessionid;
	__u32 dumpable;		/* PR_GET_DUMPABLE: 0, 1 or 2 */
	__u32 pdeath_signal;	/* PR_SET_PDEATHSIG */
	__u32 flags;		/* CRMOD_TASK_* */
	__u32 sched_policy;	/* SCHED_NORMAL, _FIFO, _RR, _BATCH or _IDLE */
	__u32 sched_priority;	/* of SCHED_FIFO and SCHED_RR */
	__u32 ioprio;		/* ioprio_get(), 0 if never set */
	__u32 coredump_filter;	/* /proc/PID/coredump_filter */
	__u32 reserved;		/* 0 */
	__u64 cpu_affinity[CRMOD_CPU_WORDS];	/* with CRMOD_TASK_AFFINITY */
};

/*
 * Credentials, as the checkpointing caller's user namespace sees them.
 * Followed by ngroups __u32 supplementary group ids. Restart grants them
 * only when the restarting caller could take them itself.
 */
struct crmod_creds {
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u64 cap_inheritable;
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cap_bset;
	__u64 cap_ambient;
	__u32 securebits;
	__u32 ngroups;
};

/*
 * A file the process refers to (exe, mapping, open file, cwd), or an
 * object whose content the image carries. kind is a CRMOD_STATE_*:
 * REGULAR_FILE, DIRECTORY, SYMLINK, CHAR_DEVICE and FIFO are found again
 * by path, and restart refuses the image unless the file there still has
 * the identity recorded (type, and for regular files size and mtime, for
 * devices the device number). UNLINKED_FILE (a deleted file: recreated,
 * unlinked, in the directory file dir), MEMFD and SHARED_ANON are made
 * anew with the content of their FILE_DATA sections. Followed by path_len
 * bytes including a terminating NUL: the absolute path; for an unlinked
 * file the path it had; for a memfd its name; for shared anonymous memory
 * nothing but the NUL.
 */
struct crmod_file {
	__u32 id;		/* 1.. in image order; 0 means "no file" */
	__u32 kind;		/* CRMOD_STATE_* */
	__u64 size;
	__s64 mtime_sec;
	__u32 mtime_nsec;
	__u32 mode;		/* st_mode */
	__u64 ino;		/* informative: inode numbers change on copy */
	__u32 dev_major;	/* CHAR_DEVICE: st_rdev */
	__u32 dev_minor;
	__u32 uid;		/* owner, as the checkpointing caller sees it */
	__u32 gid;
	__u32 dir;		/* UNLINKED_FILE: crmod_file.id of its directory */
	__u32 seals;		/* MEMFD: F_SEAL_* */
	__u32 path_len;
	__u32 reserved;		/* 0 */
};

/*
 * Content of an UNLINKED_FILE, MEMFD or SHARED_ANON file: len bytes at
 * offset, following this header. A file's extents come after its FILE
 * section, in order, page-aligned, never overlapping, inside its size;
 * what no extent covers reads as zeros (a hole).
 */
struct crmod_file_data {
	__u32 file;		/* crmod_file.id */
	__u32 reserved;		/* 0 */
	__u64 offset;
	__u64 len;
};

/* crmod_vma.prot, as PROT_* */
#define CRMOD_PROT_READ		0x1
#define CRMOD_PROT_WRITE	0x2
#define CRMOD_PROT_EXEC		0x4

/* crmod_vma.flags */
#define CRMOD_VMA_SHARED	(1U << 0)	/* MAP_SHARED, else private */
#define CRMOD_VMA_GROWSDOWN	(1U << 1)	/* a stack */
#define CRMOD_VMA_VDSO		(1U << 2)	/* the kernel's vDSO text */
#define CRMOD_VMA_VVAR		(1U << 3)	/* the vDSO's data pages */
#define CRMOD_VMA_HEAP		(1U << 4)	/* inside [start_brk, brk) */
#define CRMOD_VMA_ACCOUNT	(1U << 5)	/* private, writable once: */
						/* its memory is committed */
#define CRMOD_VMA_VVAR_VCLOCK	(1U << 6)	/* x86, 6.13 on: [vvar_vclock] */
#define CRMOD_VMA_LOCKED	(1U << 7)	/* mlock() */
#define CRMOD_VMA_LOCKONFAULT	(1U << 8)	/* mlock2(MLOCK_ONFAULT) */
#define CRMOD_VMA_DONTFORK	(1U << 9)	/* madvise(MADV_DONTFORK) */
#define CRMOD_VMA_WIPEONFORK	(1U << 10)	/* MADV_WIPEONFORK */
#define CRMOD_VMA_DONTDUMP	(1U << 11)	/* MADV_DONTDUMP */
#define CRMOD_VMA_HUGEPAGE	(1U << 12)	/* MADV_HUGEPAGE */
#define CRMOD_VMA_NOHUGEPAGE	(1U << 13)	/* MADV_NOHUGEPAGE */
#define CRMOD_VMA_MERGEABLE	(1U << 14)	/* MADV_MERGEABLE (KSM) */
#define CRMOD_VMA_SEQ_READ	(1U << 15)	/* MADV_SEQUENTIAL */
#define CRMOD_VMA_RAND_READ	(1U << 16)	/* MADV_RANDOM */
#define CRMOD_VMA_MAYWRITE	(1U << 17)	/* shared, of a file open for */
						/* writing: mprotect may add it */
#define CRMOD_VMA_KNOWN_FLAGS	0x3ffff

/* One mapping, as /proc/PID/maps shows it. Sorted, never overlapping. */
struct crmod_vma {
	__u64 start;
	__u64 end;
	__u64 pgoff;		/* file offset in pages; 0 for anonymous */
	__u32 prot;		/* CRMOD_PROT_* */
	__u32 flags;		/* CRMOD_VMA_* */
	__u32 file;		/* crmod_file.id, 0 for anonymous */
	__u32 build_id;		/* [vdso]: CRC32C of its ELF build id (0: it */
				/* has none); else 0 */
};

/*
 * The functions the process's [vdso] exports, by offset from its start.
 * The process holds their addresses (libc looks them up once, at startup):
 * restart under a kernel whose vDSO differs maps that kernel's elsewhere
 * and puts at each offset in the image's [vdso] a jump to the function of
 * the same name (docs/image-format.md).
 */
#define CRMOD_VDSO_NAME_LEN	64	/* name, NUL-terminated, NUL-padded */
#define CRMOD_MAX_VDSO_SYMS	256

struct crmod_vdso_sym {
	__u64 offset;
	char name[CRMOD_VDSO_NAME_LEN];
};

/*
 * The namespaces the process has of its own, beside the checkpointing
 * caller's (any other kind is refused): restart makes a fresh one of each.
 * A UTS namespace comes with its host and domain names; an IPC namespace
 * must hold no objects (System V IPC, POSIX message queues).
 */
#define CRMOD_NS_UTS		(1U << 0)
#define CRMOD_NS_IPC		(1U << 1)
#define CRMOD_NS_KNOWN		0x3
#define CRMOD_NS_NAME_LEN	72	/* __NEW_UTS_LEN + 1 = 65, NUL-padded */

struct crmod_namespaces {
	__u32 own;		/* CRMOD_NS_*, at least one */
	__u32 reserved;		/* 0 */
	char nodename[CRMOD_NS_NAME_LEN];	/* UTS: uname -n; else all 0 */
	char domainname[CRMOD_NS_NAME_LEN];	/* UTS: its NIS domain name */
};

/*
 * A process of a tree whose parent is in the tree too (format 6). A process
 * without it is a tree's root: its parent is whoever restarts it. Every
 * process of a tree is in its root's process group and session.
 */
struct crmod_process {
	__u32 ppid;		/* the parent's crmod_task.pid */
	__u32 exit_signal;	/* what the parent gets at its end, 0: none */
	__u64 reserved;		/* 0 */
};

/*
 * A run of pages the process touched, followed by nr_pages * page_size
 * bytes of content. Always inside one private VMA (shared memory's
 * content is its file's: FILE_DATA).
 */
struct crmod_pages {
	__u64 addr;
	__u64 nr_pages;
};

/* x86_64 registers as the task last left user mode, then the XSAVE area. */
struct crmod_x86_regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10;
	__u64 r9, r8, ax, cx, dx, si, di;
	__u64 orig_ax;		/* syscall number if stopped in one, else -1 */
	__u64 ip, cs, flags, sp, ss;
	__u64 fs_base, gs_base;
	__u16 fs, gs, ds, es;
	__u32 xsave_size;	/* bytes of XSAVE area that follow */
	__u32 reserved;		/* 0 */
	__u64 debugreg[8];	/* DR0-7 as PTRACE_PEEKUSER reads them */
};

/* crmod_ppc_regs.flags: which optional registers the kernel exposed */
#define CRMOD_PPC_HAS_VMX	(1U << 0)
#define CRMOD_PPC_HAS_VSX	(1U << 1)
#define CRMOD_PPC_HAS_TAR	(1U << 2)	/* ISA 2.07: POWER8 on */
#define CRMOD_PPC_HAS_DSCR	(1U << 3)	/* set by the process */
#define CRMOD_PPC_HAS_PPR	(1U << 4)

/* ppc64 registers, with FP, VMX and VSX state. */
struct crmod_ppc_regs {
	__u64 gpr[32];
	__u64 nip, msr, orig_gpr3, ctr, link, xer, ccr, softe;
	__u64 trap, dar, dsisr, result;
	__u64 fpr[32];
	__u64 fpscr;
	__u64 vr[32][2];	/* VR0-31, as the kernel stores them */
	__u64 vscr[2];
	__u32 vrsave;
	__u32 flags;		/* CRMOD_PPC_HAS_* */
	__u64 vsx_low[32];	/* doubleword 1 of VSR0-31 */
	__u64 tar;		/* target address register */
	__u64 dscr;		/* data stream control */
	__u64 ppr;		/* program priority */
};

#define CRMOD_NSIG		64

struct crmod_sigaction {
	__u64 handler;		/* SIG_DFL 0, SIG_IGN 1, or an address */
	__u64 flags;		/* SA_* */
	__u64 restorer;
	__u64 mask;		/* signals 1..64 as bits 0..63 */
};

/* Signal state. Entry i of action is signal i + 1. */
struct crmod_signals {
	struct crmod_sigaction action[CRMOD_NSIG];
	__u64 blocked;
	__u64 altstack_sp;
	__u64 altstack_size;
	__u32 altstack_flags;	/* SS_* */
	__u32 reserved;		/* 0 */
};

/*
 * A pipe, or the pipe of a named FIFO, whose every end the process holds,
 * with the bytes buffered in it. Its ids are apart from crmod_file ids:
 * 1.. in image order.
 */
struct crmod_pipe {
	__u32 id;
	__u32 fifo;		/* crmod_file.id of a named FIFO, 0 for a pipe */
	__u64 capacity;		/* bytes, as F_GETPIPE_SZ */
	__u64 len;		/* buffered bytes that follow */
};

/* crmod_pending_signal.flags */
#define CRMOD_SIG_SHARED	(1U << 0)	/* pending for the whole process */

/* A signal queued but not delivered, with its siginfo_t as user space
 * sees it.
 */
struct crmod_pending_signal {
	__u32 signo;
	__u32 flags;		/* CRMOD_SIG_* */
	__u8 info[128];		/* siginfo_t */
};

/* crmod_ofd.kind */
#define CRMOD_OFD_FILE		1	/* of crmod_file object */
#define CRMOD_OFD_PIPE		2	/* an end of crmod_pipe object, as */
					/* its access mode says (O_RDWR: a FIFO) */
#define CRMOD_OFD_INHERIT	3	/* a terminal, socket or outside pipe on */
					/* fd 0-2: restart takes its own fd */
					/* number object, with flags' status */
#define CRMOD_OFD_PARENT	4	/* the one its parent in the tree has */
					/* on fd object (format 6): shared */

/*
 * An open file description: what open(2) returned, shared by every fd
 * dup()ed from it (one position, one set of flags). Ids 1.. in image order.
 */
struct crmod_ofd {
	__u32 id;
	__u32 kind;		/* CRMOD_OFD_* */
	__u32 object;		/* see kind */
	__u32 flags;		/* O_* as open(2) takes them, O_PATH included */
	__s64 pos;
};

#define CRMOD_FD_CLOEXEC	(1U << 0)

/* The fd table: sorted by fd. */
struct crmod_fd {
	__u32 fd;
	__u32 ofd;		/* crmod_ofd.id */
	__u32 fd_flags;		/* CRMOD_FD_CLOEXEC */
	__u32 reserved;		/* 0 */
};

/* crmod_lock.kind */
#define CRMOD_LOCK_FLOCK	1	/* flock(): held by its open file */
#define CRMOD_LOCK_POSIX	2	/* fcntl(F_SETLK): held by the process */
#define CRMOD_LOCK_OFD		3	/* fcntl(F_OFD_SETLK): by the open file */

/* A file lock the process holds. */
struct crmod_lock {
	__u32 ofd;		/* crmod_ofd.id it was taken through (POSIX: */
				/* one open on the file that can take it) */
	__u32 kind;		/* CRMOD_LOCK_* */
	__u32 type;		/* F_RDLCK or F_WRLCK (flock: shared, exclusive) */
	__u32 reserved;		/* 0 */
	__s64 start;		/* bytes; flock: 0 */
	__s64 end;		/* last byte, inclusive; -1: to the end of file */
};

/*
 * A thread of the process other than its leader; its own sections follow:
 * TASK (pid is its tid; what a process shares, as its leader's), REGS,
 * SIGNALS (its blocked mask and alternate stack; the dispositions are its
 * process's) and PENDING (signals sent to the thread alone).
 */
#define CRMOD_MAX_THREADS	4096	/* threads an image may hold */

struct crmod_thread {
	__u32 tid;		/* as the TASK that follows says */
	__u32 reserved;		/* 0 */
};

/* An interval timer: 0 value is disarmed. */
struct crmod_itimer {
	__u64 value_ns;		/* until it next expires, at checkpoint */
	__u64 interval_ns;
};

struct crmod_timers {
	struct crmod_itimer real;	/* ITIMER_REAL, alarm() */
};

#define CRCTL_IOC_MAGIC		0xCE

#define CRCTL_IOC_VERSION	_IOR(CRCTL_IOC_MAGIC, 0x01, struct crmod_version)
#define CRCTL_IOC_MACHINE	_IOR(CRCTL_IOC_MAGIC, 0x02, struct crmod_machine)

/* Room for the one-line reason the module gives when it refuses. */
#define CRMOD_ERROR_LEN		512

/*
 * Checkpoint: the caller must have the target ptrace-stopped (PTRACE_SEIZE
 * then PTRACE_INTERRUPT), which both freezes it and proves the caller may
 * inspect it. The image is written to fd from its current position; it may
 * be a pipe or a socket. The target is not changed.
 */
/*
 * crmod_checkpoint_args.flags. TREE: the process's children are
 * checkpointed too, by the caller, each held in a ptrace stop by it. CHILD:
 * the process's parent is, so the image gets a PROCESS section; it must be
 * in its parent's process group and session.
 */
#define CRMOD_CHECKPOINT_TREE	(1U << 0)
#define CRMOD_CHECKPOINT_CHILD	(1U << 1)
#define CRMOD_CHECKPOINT_KNOWN_FLAGS 0x3

struct crmod_checkpoint_args {
	__u32 pid;		/* in the caller's pid namespace */
	__s32 fd;		/* where the image goes */
	__u64 flags;		/* CRMOD_CHECKPOINT_* */
	__u64 image_bytes;	/* out: bytes written */
	char error[CRMOD_ERROR_LEN];	/* out: why, when it fails */
};

/*
 * Restart: the calling process becomes the one in the image. fd must be
 * seekable (crctl copies a pipe to a memfd first): the module reads and
 * checks the whole image, and every file it names, before it changes the
 * caller. If that fails the ioctl returns an error, explains it in error,
 * and the caller is as it was. Past that point it does not return to the
 * caller: it returns into the restarted process, or the caller is killed.
 */
/* crmod_restart_args.flags */
#define CRMOD_RESTART_VALIDATE	(1U << 0)	/* run every check, then return */
						/* 0 without changing anything */
#define CRMOD_RESTART_ANY_CGROUP (1U << 1)	/* restart in the caller's cgroup */
						/* even if not the image's */
/*
 * Check of the CPU: by default every feature the image's CPU had must be
 * here (a process may have chosen code paths by any of them). CPU_FPU checks
 * only that the registers the image holds can be loaded: for a user who
 * knows the program uses nothing else.
 */
#define CRMOD_RESTART_CPU_FPU	(1U << 2)
/* A process of a tree: wait at the end of phase 1 (ready_fd, go_fd). */
#define CRMOD_RESTART_BARRIER	(1U << 3)
#define CRMOD_RESTART_KNOWN_FLAGS 0xf

struct crmod_restart_args {
	__s32 fd;		/* the image */
	__s32 status_fd;	/* -1, or where a failure past the point of */
				/* no return is told, one line, before SIGKILL */
	__u32 flags;		/* CRMOD_RESTART_* */
	__u32 error_len;	/* 0: error is char[CRMOD_ERROR_LEN]. With */
				/* VALIDATE, CRMOD_ERROR_LEN..CRMOD_REASONS_LEN: */
				/* its size, and it gets every reason, a line each */
	__u64 error;		/* user pointer to char[CRMOD_ERROR_LEN] */
	/*
	 * With CRMOD_RESTART_BARRIER (a tree restarts in step), after phase 1
	 * the module writes one byte to ready_fd, then waits for one byte on
	 * go_fd before the point of no return: end of file there (another
	 * process of the tree refused) or a signal cancels, -ECANCELED, the
	 * caller unchanged. Restored, it writes one more byte to ready_fd and
	 * waits for one on finish_fd before it returns to user space: end of
	 * file there (another process failed) kills it. Ignored without the
	 * flag.
	 */
	__s32 ready_fd;
	__s32 go_fd;
	__s32 finish_fd;
	__u32 reserved;		/* 0 */
};

/*
 * A validation with error_len set runs on past a refusal: every check that
 * does not depend on one that failed still runs, and error gets each
 * refusal, one line per reason ('\n' after each), as many whole lines as
 * fit. Damage to the image's framing or records stops it at once (one
 * reason: nothing after it can be trusted).
 */
#define CRMOD_REASONS_LEN	16384

#define CRCTL_IOC_CHECKPOINT	_IOWR(CRCTL_IOC_MAGIC, 0x03, \
				      struct crmod_checkpoint_args)
#define CRCTL_IOC_RESTART	_IOW(CRCTL_IOC_MAGIC, 0x04, \
				     struct crmod_restart_args)

/*
 * Restart of a process with threads: the threads restore themselves. The
 * caller, whose pid is the image's, first makes each other thread of the
 * image in its own process (clone3() with CLONE_THREAD and set_tid, sharing
 * its fds, fs and signal handlers), and each calls CRCTL_IOC_RESTART_THREAD,
 * which waits. Then the caller calls CRCTL_IOC_RESTART. In phase 1 it also
 * checks that the caller's threads are exactly the image's and that each
 * is waiting (for up to CRMOD_THREAD_JOIN_SECONDS). A refusal makes each
 * waiting thread's ioctl return -ECANCELED, unchanged: it should exit.
 * Past the point of no return each thread becomes its thread of the image
 * after the process's memory, files and leader are restored; none returns
 * to user space before every thread is restored, and a failure in any
 * kills the process, the failing thread telling its status_fd why.
 */
#define CRMOD_THREAD_JOIN_SECONDS	10

struct crmod_restart_thread_args {
	__s32 status_fd;	/* -1, or where a late failure is told */
	__u32 flags;		/* none defined: must be 0 */
	__u64 error;		/* user pointer to char[CRMOD_ERROR_LEN] */
};

#define CRCTL_IOC_RESTART_THREAD _IOW(CRCTL_IOC_MAGIC, 0x05, \
				      struct crmod_restart_thread_args)

/*
 * Test builds only (CRMOD_FEAT_TEST_HOOKS); -ENOTTY otherwise. TEST_WARN
 * makes the module WARN, so that the test harness can prove it notices.
 * TEST_FAULT with nth > 0 arms a fault for one process's next checkpoint or
 * restart (see pid): its nth fallible step (an allocation, an open, a mapping, a
 * copy, ...) fails as if the kernel had refused it. Every call reports how
 * many steps the last armed one took, whether the fault hit and where, and
 * what the module holds now (allocations, file references: both must come
 * back to zero once no checkpoint or restart runs); disarm ends the fault.
 */
#define CRMOD_TEST_STEP_LEN	64

struct crmod_test_fault {
	__u32 nth;		/* in: step to fail, 1..; 0: only report */
	__u32 disarm;		/* in: then disarm */
	__s32 pid;		/* in: whose: 0 the caller, -1 the next process */
				/* to call checkpoint or restart, or a tgid */
	__u32 steps;		/* out: steps the armed task's last call took */
	__u32 hit;		/* out: the fault hit */
	__u32 pad;
	__u64 live_allocs;	/* out */
	__u64 live_files;	/* out */
	char step[CRMOD_TEST_STEP_LEN];	/* out: what failed */
};

#define CRCTL_IOC_TEST_WARN	_IO(CRCTL_IOC_MAGIC, 0xf0)
#define CRCTL_IOC_TEST_FAULT	_IOWR(CRCTL_IOC_MAGIC, 0xf1, struct crmod_test_fault)

#endif /* _UAPI_LINUX_CRMOD_H */
