// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: which vDSO a process runs with. A process keeps addresses into
 * it (libc resolves its functions once, at startup), so restart needs the
 * same code at the image's vDSO address. Its ELF build id names that code:
 * the same for every machine running the kernel build, unchanged by the
 * instructions the kernel patches into it for the CPU at boot. Checkpoint
 * records its CRC32C in the [vdso] mapping's record; restart compares it
 * with this kernel's (mm.c, cr_check_specials()). A vDSO of another build
 * is refused until crmod can stand in for the old one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include "crmod.h"
#include "resource.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID	3
#endif
/* far more than any vDSO: x86 8 KiB, powerpc 64 KiB pages */
#define CR_VDSO_MAX	SZ_1M

/* The CRC32C of the build id in an ELF image of len bytes; 0 if none. */
static u32 cr_elf_build_id(const u8 *image, size_t len)
{
	const struct elf64_hdr *eh = (const struct elf64_hdr *)image;
	u32 i;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phoff > len ||
	    eh->e_phnum > (len - eh->e_phoff) / sizeof(struct elf64_phdr))
		return 0;
	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = (const struct elf64_phdr *)(image + eh->e_phoff) + i;
		u64 off = ph->p_offset, end;

		if (ph->p_type != PT_NOTE || off > len || ph->p_filesz > len - off)
			continue;
		end = off + ph->p_filesz;
		while (end - off >= sizeof(struct elf64_note)) {
			const struct elf64_note *n = (const struct elf64_note *)(image + off);
			u64 name = ALIGN((u64)n->n_namesz, 4);
			u64 desc = ALIGN((u64)n->n_descsz, 4);

			off += sizeof(*n);
			if (name > end - off || desc > end - off - name)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(image + off, "GNU", 4) && n->n_descsz)
				return cr_crc(image + off + name, n->n_descsz) ?: 1;
			off += name + desc;
		}
	}
	return 0;
}

/* At checkpoint: the target's [vdso], read as a debugger reads it. */
int cr_dump_vdso_id(struct cr_ckpt *ck)
{
	u32 i;

	for (i = 0; i < ck->nr_vmas; i++) {
		struct crmod_vma *v = &ck->vmas[i];
		size_t len = v->end - v->start;
		u8 *buf;
		int got;

		if (v->flags != CRMOD_VMA_VDSO)
			continue;
		if (len > CR_VDSO_MAX)
			return cr_fail(ck->err, "the vDSO is %zu bytes", len);
		buf = cr_alloc(len);
		if (!buf)
			return -ENOMEM;
		got = cr_fault("reading the vDSO") ? -CR_FAULT_ERRNO :
		      access_process_vm(ck->task, v->start, buf, len, FOLL_FORCE);
		if (got == len)
			v->build_id = cr_elf_build_id(buf, len);
		cr_free(buf);
		if (got != len)
			return cr_fail(ck->err, "reading the vDSO at %#llx: %d of %zu bytes",
				       v->start, got, len);
	}
	return 0;
}

/* At restart: the build id of the caller's own vDSO, len bytes at addr. */
int cr_vdso_id_here(unsigned long addr, size_t len, u32 *id)
{
	u8 *buf;
	int ret = 0;

	if (len > CR_VDSO_MAX)
		return -E2BIG;
	buf = cr_alloc(len);
	if (!buf)
		return -ENOMEM;
	if (cr_fault("reading this kernel's vDSO") ||
	    copy_from_user(buf, (const void __user *)addr, len))
		ret = -EFAULT;
	else
		*id = cr_elf_build_id(buf, len);
	cr_free(buf);
	return ret;
}
