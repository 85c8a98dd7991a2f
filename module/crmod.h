/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: declarations shared between the module's files.
 *
 * Layers, each calling only down: main.c (the ioctls) -> checkpoint.c and
 * restart.c (the two conductors) -> one file per kind of state (task, mm,
 * files, fdtable, filedata, pipes, locks, timers, cgroup, namespaces,
 * signals, creds, tree,
 * arch/<arch>/regs) -> plan.c (the restart plan and its errors), state.c
 * (the table of what is supported), image.c (framing), resolver.c, compat/.
 */
#ifndef CRMOD_H
#define CRMOD_H

#include <linux/crmod.h>
#include <linux/sizes.h>
#include <linux/types.h>

struct cred;
struct cr_session;
struct cr_tree_member;
struct file;
struct mm_struct;
struct pipe_inode_info;
struct task_struct;
struct user_regset;
struct vm_area_struct;

/* resolver.c */
int crmod_resolve_symbols(void);

/* machine.c */
void crmod_describe_machine(struct crmod_machine *m);

/* arch/<arch>/machine.c: fills m->arch and the arch part of m. */
void crmod_arch_describe_machine(struct crmod_machine *m);

/*
 * image.c: writing and reading the image format. Every failure is explained
 * in one line in the context's error buffer, which is what the user sees.
 */
struct cr_error {
	char msg[CRMOD_ERROR_LEN];
};

__printf(2, 3) int cr_fail(struct cr_error *err, const char *fmt, ...);
/*
 * A list of names for one error line, "a, b, c", ending "and N more" when
 * the line has no room for them all.
 */
struct cr_names {
	char buf[CRMOD_ERROR_LEN - 64];
	size_t len;
	unsigned int count, more;
};

__printf(2, 3) void cr_names_add(struct cr_names *l, const char *fmt, ...);
const char *cr_names_text(struct cr_names *l);
/* Test builds: an error caused by an injected fault says which step. */
void cr_note_fault(struct cr_error *err);
u32 cr_crc_update(u32 state, const void *buf, size_t len);
u32 cr_crc(const void *buf, size_t len);	/* of one buffer, final */
#define CR_CRC_INIT	(~0U)
#define cr_crc_final(state)	(~(state))
const char *cr_section_name(u32 type);

struct cr_writer {
	struct file *file;
	loff_t pos;
	u64 sections;		/* sections written, END excluded */
	u64 bytes;		/* bytes written */
	struct cr_error *err;
};

int cr_write_header(struct cr_writer *w);
int cr_write_section(struct cr_writer *w, u32 type, const void *payload,
		     size_t len);
/* A section whose payload is written in pieces; its CRC is known first. */
int cr_begin_section(struct cr_writer *w, u32 type, u64 len, u32 crc);
int cr_write_raw(struct cr_writer *w, const void *buf, size_t len);
int cr_end_section(struct cr_writer *w, u64 len);
int cr_write_end(struct cr_writer *w);

struct cr_reader {
	struct file *file;
	loff_t pos;		/* of the next byte to read */
	struct cr_error *err;
};

int cr_read_exact(struct cr_reader *r, void *buf, size_t len,
		  const char *what);

/*
 * state.c: the table of kinds of state (include/uapi/linux/
 * crmod_state.h). A checkpoint that meets a kind it does not restore refuses by
 * cr_refuse(), which names the kind as the table does.
 */
const char *cr_state_text(u32 kind);
bool cr_state_restored(u32 kind);
__printf(3, 4) int cr_refuse(struct cr_error *err, u32 kind,
			     const char *fmt, ...);

/* ---- checkpoint ---- */

/* An object the image refers to (crmod_file), with a file that holds it. */
struct cr_file_ref {
	struct file *file;	/* restart: O_PATH, or the object made anew */
	struct file *mapped_ro;	/* restart: opened to be mapped, */
	struct file *mapped_rw;	/* as the mappings need it */
	struct crmod_file rec;
	char *path;		/* kmalloc'd, NUL-terminated */
};

/* An open file description of the process (crmod_ofd). */
struct cr_ofd_ref {
	struct file *file;
	struct crmod_ofd rec;
};

/* A pipe, or a FIFO's pipe, the process holds ends of. */
struct cr_pipe_ref {
	struct file *file;	/* keeps the pipe alive */
	struct pipe_inode_info *pipe;
	u32 readers, writers;	/* open file descriptions of ours on it */
	bool named;		/* a FIFO's: its file is recorded if kept */
	u32 fifo;		/* then its crmod_file.id, else 0 */
	u32 id;			/* in the image; 0: not kept */
};

/* What a checkpoint gathers before it writes. */
struct cr_ckpt {
	struct task_struct *task;
	struct mm_struct *mm;
	struct cr_writer w;
	struct cr_error *err;
	struct cr_file_ref *files;
	u32 nr_files, cap_files;
	struct cr_ofd_ref *ofds;
	u32 nr_ofds, cap_ofds;
	struct crmod_fd *fds;
	u32 nr_fds, cap_fds;
	struct cr_pipe_ref *pipes;
	u32 nr_pipes;
	struct crmod_lock *locks;
	u32 nr_locks, cap_locks;
	struct crmod_task task_rec;
	struct crmod_namespaces namespaces;	/* own: 0 if none of its own */
	struct crmod_timers timers;
	char *cgroup;		/* kmalloc'd cgroup v2 path */
	struct crmod_vma *vmas;
	u32 nr_vmas;
	struct crmod_vdso_sym *vdso_syms;	/* its [vdso]'s functions */
	u32 nr_vdso_syms;
	bool has_vdso_syms;
	struct cr_ckpt_thread *threads;	/* the process's other threads */
	u32 nr_threads;
	bool thread_part;	/* writing a thread's own sections */
	u32 flags;		/* CRMOD_CHECKPOINT_* */
	bool has_process;	/* a child of the tree: PROCESS */
	struct crmod_process process;
};

/* Another thread of the checkpointed process, held, with its TASK. */
struct cr_ckpt_thread {
	struct task_struct *task;
	struct crmod_task rec;
};

/* ---- restart ---- */

/* Restart copies image content through a buffer of this size. */
#define CR_COPY_BYTES	(256UL << 10)

/* Where a stretch of content lies in the image file, to copy later. */
struct cr_extent {
	u64 addr;		/* PAGES: user address; FILE_DATA: offset */
	u64 len;		/* bytes */
	loff_t data_pos;
	u32 crc;		/* the section's payload CRC, to check again */
	u32 section;		/* index, for messages */
	u32 file;		/* FILE_DATA: crmod_file.id */
	u32 head_len;		/* bytes of header the CRC covers first */
	union {
		struct crmod_pages pages;
		struct crmod_file_data data;
	} head;
};

struct cr_plan_pipe {
	struct crmod_pipe rec;
	void *data;
	struct file *base;	/* a file on the pipe that can write */
	struct file *other;	/* a pipe's read end, held while filling */
};

struct cr_plan_ofd {
	struct crmod_ofd rec;
	struct file *file;	/* opened in phase 1 */
};

/* Every refusal a validation finds (CRMOD_RESTART_VALIDATE, error_len). */
struct cr_reasons {
	char *buf;		/* lines, NUL-terminated */
	size_t len, size;
	u32 count;
};

struct cr_plan;

/* Another thread of the image (THREAD and its own sections). */
struct cr_plan_thread {
	struct crmod_thread rec;
	bool has_task, has_signals, has_pending;
	struct crmod_task task;
	struct crmod_signals signals;
	u32 regs_type;
	void *regs;
	u32 regs_len;
	struct crmod_pending_signal *pending;
	u32 nr_pending;
	struct cr_plan *view;	/* phase 1: the plan as this thread sees it */
};

/*
 * Standing in for the image's vDSO (vdso.c): this kernel's special
 * mappings go to base, its [vdso] at new_vdso; page, old_len bytes of
 * jumps, goes to the image's [vdso] at old.
 */
struct cr_vdso_proxy {
	bool active;
	unsigned long base, new_vdso, old, old_len;
	u8 *page;
};

/* The smallest pages an image may have; at most this kernel's. */
#define CR_MIN_IMAGE_PAGE	SZ_4K

/* What a restart has read, checked and opened before it changes anything. */
struct cr_plan {
	struct cr_reader r;
	struct cr_error *err;
	struct cr_reasons *reasons;	/* NULL: stop at the first refusal */
	struct crmod_image_header hdr;
	u32 page_size;		/* the image's (its VMAs' pgoff: this kernel's after phase 1b) */
	u32 flags;		/* CRMOD_RESTART_* */
	u32 section;		/* index of the section being read */
	u32 cur_type;		/* and its type */
	loff_t section_pos;	/* its offset in the image */
	bool has_task;
	struct crmod_task task;
	struct cr_file_ref *files;
	u32 nr_files, cap_files;
	struct crmod_vma *vmas;
	u32 nr_vmas;
	struct crmod_vdso_sym *vdso_syms;	/* VDSO */
	u32 nr_vdso_syms;
	struct cr_vdso_proxy vdso;
	struct cr_extent *runs;		/* PAGES */
	u32 nr_runs, cap_runs;
	struct cr_extent *data;		/* FILE_DATA */
	u32 nr_data, cap_data;
	u32 regs_type;
	void *regs;
	u32 regs_len;
	struct crmod_creds *creds;	/* then its groups */
	struct crmod_pending_signal *pending;
	u32 nr_pending;
	bool has_pending;
	struct cr_plan_pipe *pipes;
	u32 nr_pipes;
	bool has_signals;
	struct crmod_signals signals;
	struct cr_plan_ofd *ofds;
	u32 nr_ofds;
	bool has_ofds;
	struct crmod_fd *fds;
	u32 nr_fds;
	bool has_fds;
	struct crmod_lock *locks;
	u32 nr_locks;
	bool has_locks;
	bool posix_locked;	/* POSIX locks taken, owned by our files */
	bool has_timers;
	struct crmod_timers timers;
	struct crmod_namespaces namespaces;	/* own: 0 if none */
	char *cgroup;
	struct file *exe_denied;	/* the executable, writers shut out */
	struct file *status;	/* where a late failure is told, or NULL */
	bool frozen;		/* the image file is denied to writers */
	void *buf;		/* CR_COPY_BYTES for content */
	struct cr_plan_thread *threads;	/* by tid, the leader not among them */
	u32 nr_threads, cap_threads;
	struct cr_session *session;	/* the threads waiting to restore */
	struct cr_plan *process;	/* of a thread's view: the whole plan */
	bool has_process;	/* PROCESS: a child of a tree */
	struct crmod_process process_rec;
	struct file *ready, *go, *finish;	/* a tree's barrier, or NULL */
	struct cr_tree_member *member;	/* past phase 1, in a tree */
};

/*
 * plan.c: the restart plan's helpers, for every state file. A failure in
 * the section being read names it and where it is.
 */
__printf(2, 3) int cr_plan_fail(struct cr_plan *p, const char *fmt, ...);
/* Past the point of no return: say why on the status file, and die. */
void cr_plan_die(struct cr_plan *p, int ret);
struct cr_file_ref *cr_plan_file(struct cr_plan *p, u32 id);
struct cr_plan_ofd *cr_plan_ofd(struct cr_plan *p, u32 id);
/* Room for one more element in a growing array of the plan. */
int cr_plan_grow(void **array, u32 nr, u32 *cap, size_t size, u32 max);
/* The image's extent data[i], copied into a file at its offset. */
int cr_plan_copy_extent(struct cr_plan *p, const struct cr_extent *e,
			struct file *to);
/* Remember a run of content where it lies, having checked its CRC. */
int cr_plan_read_extent(struct cr_plan *p, struct cr_extent *e,
			u32 crc_expected);

/* files.c: objects by path, and the image's FILE records. */
int cr_file_register(struct cr_ckpt *ck, struct file *file, u32 kind,
		     u32 *id);
void cr_files_release(struct cr_file_ref *files, u32 nr);
int cr_write_files(struct cr_ckpt *ck);
int cr_read_file(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_open_files(struct cr_plan *p);
/* The plan's file opened for use, as the caller may open it by path. */
struct file *cr_plan_open_object(struct cr_plan *p, struct cr_file_ref *ref,
				 int flags);
/* The kind an open file is checkpointed as, or refused (< 0). */
int cr_file_classify(struct cr_ckpt *ck, struct file *file, const char *what,
		     u32 *kind);

/* filedata.c: unlinked files, memfds and shared memory, with content. */
bool cr_is_content_kind(u32 kind);
int cr_content_register(struct cr_ckpt *ck, struct cr_file_ref *ref);
int cr_write_file_data(struct cr_ckpt *ck, struct cr_file_ref *ref);
int cr_read_file_data(struct cr_plan *p, u64 len, u32 crc_expected);
int cr_plan_make_content(struct cr_plan *p, struct cr_file_ref *ref);
int cr_plan_check_file_data(struct cr_plan *p);
int cr_restore_seals(struct cr_plan *p);

/* sharing.c: open files and memory shared with other processes, refused. */
int cr_check_unshared(struct cr_ckpt *ck);
/* Where t holds file: its fd + 1, -1 for a mapping only, 0 nowhere. */
int cr_task_holds(struct task_struct *t, struct file *file);

/* fdtable.c: open file descriptions and the fd table. */
int cr_dump_fds(struct cr_ckpt *ck);
int cr_write_fds(struct cr_ckpt *ck);
void cr_ofds_release(struct cr_ofd_ref *ofds, u32 nr);
int cr_read_ofds(struct cr_plan *p, const void *payload, u64 len);
int cr_read_fds(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_open_ofds(struct cr_plan *p);
int cr_restore_fds(struct cr_plan *p);
void cr_plan_ofds_free(struct cr_plan *p);

/* pipes.c */
bool cr_is_pipe(struct file *file);
int cr_pipe_register(struct cr_ckpt *ck, struct file *file, bool named,
		     u32 *id);
int cr_pipes_resolve(struct cr_ckpt *ck);
int cr_write_pipes(struct cr_ckpt *ck);
void cr_pipes_release(struct cr_pipe_ref *pipes, u32 nr);
int cr_read_pipe(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_open_pipes(struct cr_plan *p);
struct file *cr_plan_open_pipe_end(struct cr_plan *p,
				   const struct crmod_ofd *ofd);
void cr_plan_pipes_free(struct cr_plan *p);

/* locks.c */
int cr_dump_locks(struct cr_ckpt *ck);
int cr_read_locks(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_take_locks(struct cr_plan *p);
int cr_restore_locks(struct cr_plan *p);

/* timers.c */
int cr_dump_timers(struct cr_ckpt *ck);
int cr_read_timers(struct cr_plan *p, const void *payload, u64 len);
void cr_restore_timers(struct cr_plan *p);

/* tree.c: a process's place in a process tree, and the tree's barrier. */
int cr_check_children(struct cr_ckpt *ck, pid_t pid, bool tree);
int cr_dump_process(struct cr_ckpt *ck, pid_t pid);
int cr_check_inherited_stdio(struct cr_ckpt *ck, pid_t pid);
int cr_tree_parent_fd(struct cr_ckpt *ck, struct file *file);
struct file *cr_tree_parent_file(struct cr_plan *p, const struct crmod_ofd *o);
void cr_tree_leave(struct cr_plan *p);
int cr_write_process(struct cr_ckpt *ck);
int cr_read_process(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_process(struct cr_plan *p);
int cr_tree_open(struct cr_plan *p, const struct crmod_restart_args *args);
int cr_tree_barrier(struct cr_plan *p);
int cr_tree_done(struct cr_plan *p);
void cr_tree_close(struct cr_plan *p);

/* namespaces.c */
struct nsproxy;
int cr_dump_namespaces(struct cr_ckpt *ck, struct nsproxy *its);
int cr_write_namespaces(struct cr_ckpt *ck);
int cr_read_namespaces(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_namespaces(struct cr_plan *p);

/* cgroup.c */
int cr_dump_cgroup(struct cr_ckpt *ck);
int cr_read_cgroup(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_cgroup(struct cr_plan *p);

/* mm.c */
int cr_dump_vmas(struct cr_ckpt *ck);
int cr_dump_pages(struct cr_ckpt *ck);
int cr_read_vmas(struct cr_plan *p, const void *payload, u64 len);
int cr_read_pages(struct cr_plan *p, u64 len, u32 crc_expected);
int cr_plan_check_mm(struct cr_plan *p);
int cr_restore_mm(struct cr_plan *p);
/* The VMA of the plan that holds addr, or NULL. */
const struct crmod_vma *cr_plan_vma_at(struct cr_plan *p, u64 addr);
/* Is [start, start + len) mapped in the plan, with prot at least? */
bool cr_plan_mapped(struct cr_plan *p, u64 start, u64 len, u32 prot);

/* vdso.c: the vDSO's build id (CRC32C), its functions, the proxy */
int cr_dump_vdso_id(struct cr_ckpt *ck);
int cr_write_vdso_syms(struct cr_ckpt *ck);
int cr_vdso_id_here(unsigned long addr, size_t len, u32 *id);
int cr_read_vdso_syms(struct cr_plan *p, const void *payload, u64 len);
int cr_vdso_plan_proxy(struct cr_plan *p, const struct crmod_vma *old,
		       unsigned long here, size_t len,
		       unsigned long block_start, unsigned long block_end);
int cr_vdso_check_stopped_in(struct cr_plan *p);
int cr_vdso_map_proxy(struct cr_plan *p);
void cr_vdso_plan_free(struct cr_plan *p);

/* task.c */
int cr_dump_task(struct cr_ckpt *ck);
int cr_read_task(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_task(struct cr_plan *p);
int cr_restore_task(struct cr_plan *p);
int cr_restore_limits(struct cr_plan *p);
int cr_restore_task_late(struct cr_plan *p);
/* A thread's TASK: what is its own checked, the rest as its leader's. */
int cr_plan_check_thread_task(struct cr_plan *view);
int cr_restore_thread_task(struct cr_plan *view);

/* creds.c */
int cr_dump_creds(struct cr_ckpt *ck);
int cr_read_creds(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_creds(struct cr_plan *p);
int cr_restore_creds(struct cr_plan *p);
/* Do two tasks' credentials say the same? */
bool cr_creds_equal(const struct cred *a, const struct cred *b);

/*
 * threads.c: the other threads of a process. Checkpoint holds and reads
 * each; restart reads each one's sections into its own record and, past
 * phase 1, lets each thread restore itself from its view of the plan.
 */
/* The task's pid (a thread's tid) in its own pid namespace. */
pid_t cr_own_tid(struct task_struct *t);
/* Is t stopped in a ptrace stop with the caller as its tracer? */
bool cr_held_by_caller(struct task_struct *t);
int cr_check_threads(struct cr_ckpt *ck, pid_t pid);
int cr_dump_threads(struct cr_ckpt *ck);
int cr_write_threads(struct cr_ckpt *ck);
int cr_write_own_state(struct cr_ckpt *ck);
bool cr_threads_still_held(struct cr_ckpt *ck);
int cr_wait_off_cpu(struct cr_ckpt *ck, pid_t pid);
void cr_threads_release(struct cr_ckpt *ck);
int cr_read_thread(struct cr_plan *p, const void *payload, u64 len);
/* The thread whose sections are being read, or NULL. */
struct cr_plan_thread *cr_plan_cur_thread(struct cr_plan *p);
/* Exchange the plan's per-task fields with th's (around reading them). */
void cr_plan_thread_swap(struct cr_plan *p, struct cr_plan_thread *th);
int cr_check_threads_complete(struct cr_plan *p);
int cr_plan_thread_views(struct cr_plan *p);
int cr_plan_check_thread_signals(struct cr_plan *view);
void cr_plan_threads_free(struct cr_plan *p);

/*
 * threadsync.c: a restart's threads meet. Each other thread waits in
 * CRCTL_IOC_RESTART_THREAD; the leader checks they are the image's and
 * all there, then past the point of no return lets them restore.
 */
int cr_plan_gather_threads(struct cr_plan *p);
/* Past the point of no return: 0, or a thread failed (it told why). */
int cr_threads_restore(struct cr_plan *p);
/* In a tree: the threads go on to user space (ok), or die with the process. */
void cr_threads_let_go(struct cr_plan *p, bool ok);
void cr_threads_abort(struct cr_plan *p);
void cr_threads_leave(struct cr_plan *p);
long crmod_ioc_restart_thread(void __user *uarg);

/* signals.c */
int cr_dump_signals(struct cr_ckpt *ck);
int cr_read_signals(struct cr_plan *p, const void *payload, u64 len);
void cr_restore_signals(struct cr_plan *p);
int cr_dump_pending(struct cr_ckpt *ck);
int cr_read_pending(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_pending(struct cr_plan *p);
int cr_restore_pending(struct cr_plan *p);

/*
 * arch/<arch>/regs.c. Dumping writes the arch's REGS section. Restoring
 * runs last: it loads the registers, the blocked mask and the alternate
 * signal stack through the kernel's own rt_sigreturn, and returns what the
 * ioctl must return so that the restarted process sees its own registers.
 */
int cr_arch_check_target(struct cr_ckpt *ck);
int cr_arch_dump_regs(struct cr_ckpt *ck);
/* checkpoint.c: the kernel's ptrace register set of a core note type. */
const struct user_regset *cr_find_regset(struct task_struct *t,
					 unsigned int note);
u32 cr_arch_regs_section(void);
int cr_arch_check_regs(struct cr_plan *p);
int cr_arch_restore_regs(struct cr_plan *p, long *retval);
/* System calls made for the restarting task itself. */
long cr_arch_mprotect(unsigned long start, size_t len, unsigned long prot);
long cr_arch_mremap(unsigned long old, unsigned long len, unsigned long new);
/* The vDSO proxy's entries: a jump from one address to another, if in reach. */
size_t cr_arch_vdso_jump_size(void);
int cr_arch_vdso_jump(u8 *at, size_t room, unsigned long from, unsigned long to);
/* Fill what is not an entry with instructions that trap. */
void cr_arch_vdso_fill(u8 *page, size_t len);
/* Where the plan's task (or thread) resumes. */
u64 cr_arch_plan_ip(const struct cr_plan *p);
long cr_arch_madvise(unsigned long start, size_t len, int advice);
long cr_arch_mlock2(unsigned long start, size_t len, int flags);
long cr_arch_mlockall(int flags);
/* Arch state of a mapping checkpoint cannot keep (pkeys), or 0. */
int cr_arch_check_vma(struct cr_ckpt *ck, struct vm_area_struct *vma);

/* checkpoint.c, restart.c: the two big ioctls. */
long crmod_ioc_checkpoint(void __user *uarg);
long crmod_ioc_restart(void __user *uarg);

#endif /* CRMOD_H */
