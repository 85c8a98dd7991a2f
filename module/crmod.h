/* SPDX-License-Identifier: GPL-2.0 */
/* crmod: declarations shared between the module's files. */
#ifndef CRMOD_H
#define CRMOD_H

#include <linux/crmod.h>
#include <linux/types.h>

struct file;
struct task_struct;
struct user_regset;

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

/* A file the image refers to, by path, with the identity it had. */
struct cr_file_ref {
	struct file *file;
	struct crmod_file rec;
	char *path;		/* kmalloc'd, NUL-terminated */
};

/* A pipe the process holds, by its pipe_inode_info. */
struct cr_pipe_ref {
	struct file *file;	/* keeps the pipe alive */
	struct pipe_inode_info *pipe;
	fmode_t ends;		/* FMODE_READ | FMODE_WRITE seen in the fds */
	u32 id;			/* in the image; 0: not kept */
};

struct cr_plan_pipe {
	struct crmod_pipe rec;
	void *data;
	struct file *end[2];	/* read, write */
};

/* What a checkpoint gathers before it writes. */
struct cr_ckpt {
	struct task_struct *task;
	struct mm_struct *mm;
	struct cr_writer w;
	struct cr_error *err;
	struct cr_file_ref *files;
	u32 nr_files, cap_files;
	struct crmod_task task_rec;
	struct crmod_vma *vmas;
	u32 nr_vmas;
	struct crmod_fd *fds;
	u32 nr_fds;
	struct cr_pipe_ref *pipes;
	u32 nr_pipes;
};

/* Restart copies page content through a buffer of this size. */
#define CR_COPY_BYTES	(256UL << 10)

/* A run of pages in the image: where its content lies in the image file. */
struct cr_run {
	u64 addr;
	u64 nr_pages;
	loff_t data_pos;
	u32 crc;		/* the section's payload CRC, to check again */
	u32 section;		/* index, for messages */
};

/* What a restart has read, checked and opened before it changes anything. */
struct cr_plan {
	struct cr_reader r;
	struct cr_error *err;
	struct crmod_image_header hdr;
	u32 page_size;
	u32 section;		/* index of the section being read */
	u32 cur_type;		/* and its type */
	loff_t section_pos;	/* its offset in the image */
	bool has_task;
	struct crmod_task task;
	struct cr_file_ref *files;
	u32 nr_files;
	struct crmod_vma *vmas;
	u32 nr_vmas;
	struct cr_run *runs;
	u32 nr_runs, cap_runs;
	u32 regs_type;
	void *regs;
	u32 regs_len;
	struct crmod_creds *creds;	/* then its groups */
	struct crmod_pending_signal *pending;
	u32 nr_pending;
	struct cr_plan_pipe *pipes;
	u32 nr_pipes;
	bool has_signals;
	struct crmod_signals signals;
	struct crmod_fd *fds;
	u32 nr_fds;
	struct file **fd_files;	/* per fds[i]: opened, or NULL to inherit */
	struct file *status;	/* where a late failure is told, or NULL */
	bool frozen;		/* the image file is denied to writers */
	void *buf;		/* CR_COPY_BYTES for page content */
};

/* A failure in the section being read: names it and where it is. */
__printf(2, 3) int cr_plan_fail(struct cr_plan *p, const char *fmt, ...);

/* files.c */
int cr_file_register(struct cr_ckpt *ck, struct file *file, u32 kind,
		     u32 *id);
void cr_files_release(struct cr_file_ref *files, u32 nr);
int cr_dump_fds(struct cr_ckpt *ck);
int cr_write_files(struct cr_ckpt *ck);
int cr_read_file(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_files(struct cr_plan *p);
int cr_read_fds(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_open_fds(struct cr_plan *p);
int cr_restore_fds(struct cr_plan *p);
struct cr_file_ref *cr_plan_file(struct cr_plan *p, u32 id);

/* pipes.c */
bool cr_is_pipe(struct file *file);
int cr_pipe_register(struct cr_ckpt *ck, struct file *file, u32 *id);
int cr_pipes_resolve(struct cr_ckpt *ck);
int cr_write_pipes(struct cr_ckpt *ck);
void cr_pipes_release(struct cr_pipe_ref *pipes, u32 nr);
int cr_read_pipe(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_open_pipes(struct cr_plan *p);
struct file *cr_plan_pipe_end(struct cr_plan *p, const struct crmod_fd *fd);
void cr_plan_pipes_free(struct cr_plan *p);

/* mm.c */
int cr_dump_vmas(struct cr_ckpt *ck);
int cr_dump_pages(struct cr_ckpt *ck);
int cr_read_vmas(struct cr_plan *p, const void *payload, u64 len);
int cr_read_pages(struct cr_plan *p, u64 len, u32 crc_expected);
int cr_plan_check_mm(struct cr_plan *p);
int cr_restore_mm(struct cr_plan *p);

/* task.c */
int cr_dump_task(struct cr_ckpt *ck);
int cr_read_task(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_task(struct cr_plan *p);
void cr_restore_task(struct cr_plan *p);

/* creds.c */
int cr_dump_creds(struct cr_ckpt *ck);
int cr_read_creds(struct cr_plan *p, const void *payload, u64 len);
int cr_plan_check_creds(struct cr_plan *p);
int cr_restore_creds(struct cr_plan *p);

/* signals.c */
int cr_dump_signals(struct cr_ckpt *ck);
int cr_read_signals(struct cr_plan *p, const void *payload, u64 len);
void cr_restore_signals(struct cr_plan *p);
int cr_dump_pending(struct cr_ckpt *ck);
int cr_read_pending(struct cr_plan *p, const void *payload, u64 len);
void cr_restore_pending(struct cr_plan *p);

/*
 * arch/<arch>/regs.c. Dumping writes the arch's REGS section. Restoring
 * runs last: it loads the registers, the blocked mask and the alternate
 * signal stack through the kernel's own rt_sigreturn, and returns what the
 * ioctl must return so that the restarted process sees its own registers.
 */
int cr_arch_dump_regs(struct cr_ckpt *ck);
/* checkpoint.c: the kernel's ptrace register set of a core note type. */
const struct user_regset *cr_find_regset(struct task_struct *t,
					 unsigned int note);
u32 cr_arch_regs_section(void);
int cr_arch_check_regs(struct cr_plan *p);
int cr_arch_restore_regs(struct cr_plan *p, long *retval);
/* The kernel's mprotect and mremap, for the restarting task itself. */
long cr_arch_mprotect(unsigned long start, size_t len, unsigned long prot);
long cr_arch_mremap(unsigned long old, unsigned long len, unsigned long new);

/* checkpoint.c, restart.c: the two big ioctls. */
long crmod_ioc_checkpoint(void __user *uarg);
long crmod_ioc_restart(void __user *uarg);

#endif /* CRMOD_H */
