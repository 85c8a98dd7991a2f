// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: which vDSO a process runs with. A process keeps addresses into
 * it (libc resolves its functions once, at startup), so restart needs the
 * same code at the image's vDSO address. Its ELF build id names that code:
 * the same for every machine running the kernel build, unchanged by the
 * instructions the kernel patches into it for the CPU at boot. Checkpoint
 * records its CRC32C in the [vdso] mapping's record; restart compares it
 * with this kernel's (mm.c, cr_check_specials()).
 *
 * It also records the functions the vDSO exports (VDSO section). Under a
 * kernel whose vDSO is another build, restart stands in for the old one,
 * as CRIU's vDSO proxy does: this kernel's vDSO and its data pages go to
 * free space within a jump's reach of the image's [vdso], and at the
 * image's [vdso] address an executable page holds, at each old function's
 * offset, a jump to the function of the same name in the new one. Every
 * other byte traps. What the new vDSO lacks is refused by name, before
 * the point of no return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "crmod.h"
#include "resource.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID	3
#endif
/* far more than any vDSO: x86 8 KiB, powerpc 64 KiB pages */
#define CR_VDSO_MAX	SZ_1M

/* The ELF program and section headers of an image of len bytes, if sane. */
static const struct elf64_hdr *cr_elf_header(const u8 *image, size_t len)
{
	const struct elf64_hdr *eh = (const struct elf64_hdr *)image;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phoff > len ||
	    eh->e_phnum > (len - eh->e_phoff) / sizeof(struct elf64_phdr))
		return NULL;
	return eh;
}

/* The CRC32C of the build id in an ELF image of len bytes; 0 if none. */
static u32 cr_elf_build_id(const u8 *image, size_t len)
{
	const struct elf64_hdr *eh = cr_elf_header(image, len);
	u32 i;

	for (i = 0; eh && i < eh->e_phnum; i++) {
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

/* Section i of the image, if its bytes lie inside it. */
static const struct elf64_shdr *cr_elf_section(const u8 *image, size_t len,
					       const struct elf64_hdr *eh, u32 i)
{
	const struct elf64_shdr *sh;

	if (eh->e_shentsize != sizeof(*sh) || eh->e_shoff > len ||
	    eh->e_shnum > (len - eh->e_shoff) / sizeof(*sh) || i >= eh->e_shnum)
		return NULL;
	sh = (const struct elf64_shdr *)(image + eh->e_shoff) + i;
	if (sh->sh_offset > len || sh->sh_size > len - sh->sh_offset)
		return NULL;
	return sh;
}

/*
 * The functions an ELF image of len bytes exports (.dynsym), by offset
 * from where it is mapped: *n of them into syms. Names repeated under
 * another symbol version are listed once.
 */
static int cr_elf_functions(const u8 *image, size_t len,
			    struct crmod_vdso_sym *syms, u32 *n)
{
	const struct elf64_hdr *eh = cr_elf_header(image, len);
	const struct elf64_shdr *dynsym = NULL, *strtab;
	u64 bias = 0, i;
	u32 k, got = 0;

	if (!eh)
		return -ENOEXEC;
	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = (const struct elf64_phdr *)(image + eh->e_phoff) + i;

		if (ph->p_type == PT_LOAD) {
			bias = ph->p_vaddr - ph->p_offset;
			break;
		}
	}
	for (i = 0; i < eh->e_shnum; i++) {
		const struct elf64_shdr *sh = cr_elf_section(image, len, eh, i);

		if (!sh)
			return -ENOEXEC;
		if (sh->sh_type == SHT_DYNSYM) {
			dynsym = sh;
			break;
		}
	}
	if (!dynsym || dynsym->sh_entsize != sizeof(struct elf64_sym))
		return -ENOEXEC;
	strtab = cr_elf_section(image, len, eh, dynsym->sh_link);
	if (!strtab || strtab->sh_type != SHT_STRTAB)
		return -ENOEXEC;
	for (i = 1; i < dynsym->sh_size / sizeof(struct elf64_sym); i++) {
		const struct elf64_sym *sym =
			(const struct elf64_sym *)(image + dynsym->sh_offset) + i;
		const char *name = (const char *)image + strtab->sh_offset + sym->st_name;
		u8 bind = ELF64_ST_BIND(sym->st_info);
		size_t name_len;

		if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC ||
		    sym->st_shndx == SHN_UNDEF ||
		    (bind != STB_GLOBAL && bind != STB_WEAK))
			continue;
		if (sym->st_name >= strtab->sh_size)
			return -ENOEXEC;
		name_len = strnlen(name, strtab->sh_size - sym->st_name);
		if (!name_len || name_len >= CRMOD_VDSO_NAME_LEN ||
		    name_len == strtab->sh_size - sym->st_name ||
		    sym->st_value - bias >= len)
			return -ENOEXEC;
		for (k = 0; k < got; k++)
			if (!strcmp(syms[k].name, name))
				break;
		if (k < got)
			continue;
		if (got == CRMOD_MAX_VDSO_SYMS)
			return -E2BIG;
		memset(&syms[got], 0, sizeof(syms[got]));
		syms[got].offset = sym->st_value - bias;
		memcpy(syms[got].name, name, name_len);
		got++;
	}
	*n = got;
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
		int got, ret = 0;

		if (v->flags != CRMOD_VMA_VDSO)
			continue;
		if (len > CR_VDSO_MAX)
			return cr_fail(ck->err, "the vDSO is %zu bytes", len);
		buf = cr_alloc(len);
		ck->vdso_syms = cr_alloc(CRMOD_MAX_VDSO_SYMS * sizeof(*ck->vdso_syms));
		if (!buf || !ck->vdso_syms) {
			cr_free(buf);
			return -ENOMEM;
		}
		got = cr_fault("reading the vDSO") ? -CR_FAULT_ERRNO :
		      access_process_vm(ck->task, v->start, buf, len, FOLL_FORCE);
		if (got == len) {
			v->build_id = cr_elf_build_id(buf, len);
			ret = cr_elf_functions(buf, len, ck->vdso_syms,
					       &ck->nr_vdso_syms);
		}
		cr_free(buf);
		if (got != len)
			return cr_fail(ck->err, "reading the vDSO at %#llx: %d of %zu bytes",
				       v->start, got, len);
		if (ret)
			return cr_fail(ck->err,
				       "the vDSO at %#llx: its functions cannot be read (error %d)",
				       v->start, ret);
		ck->has_vdso_syms = true;
	}
	return 0;
}

int cr_write_vdso_syms(struct cr_ckpt *ck)
{
	if (!ck->has_vdso_syms)
		return 0;
	return cr_write_section(&ck->w, CRMOD_SEC_VDSO, ck->vdso_syms,
				ck->nr_vdso_syms * sizeof(*ck->vdso_syms));
}

/* ---- restart ---- */

int cr_read_vdso_syms(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_vdso_sym *syms = payload;
	u64 n = len / sizeof(*syms), i, k;

	if (p->hdr.format_version < 4)
		return cr_plan_fail(p, "a VDSO section in a format %u image: it came with format 4",
				    p->hdr.format_version);
	if (p->vdso_syms)
		return cr_plan_fail(p, "a second VDSO section");
	if (len % sizeof(*syms) || n > CRMOD_MAX_VDSO_SYMS)
		return cr_plan_fail(p, "length %llu is not a multiple of %zu up to %d functions",
				    len, sizeof(*syms), CRMOD_MAX_VDSO_SYMS);
	for (i = 0; i < n; i++) {
		const char *name = syms[i].name;
		size_t name_len = strnlen(name, CRMOD_VDSO_NAME_LEN);

		if (!name_len || name_len == CRMOD_VDSO_NAME_LEN ||
		    memchr_inv(name + name_len, 0, CRMOD_VDSO_NAME_LEN - name_len))
			return cr_plan_fail(p,
					    "function %llu: its name is empty, unterminated or not NUL-padded",
					    i);
		if (syms[i].offset >= CR_VDSO_MAX)
			return cr_plan_fail(p, "function %s at offset %#llx: beyond any vDSO",
					    name, syms[i].offset);
		for (k = 0; k < i; k++)
			if (!strcmp(syms[k].name, name))
				return cr_plan_fail(p, "function %s is listed twice", name);
	}
	p->vdso_syms = cr_alloc(len ?: 1);
	if (!p->vdso_syms)
		return -ENOMEM;
	memcpy(p->vdso_syms, payload, len);
	p->nr_vdso_syms = n;
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

/* Where the proxy's jumps go: this kernel's functions of the same names. */
static int cr_vdso_targets(struct cr_plan *p, const struct crmod_vdso_sym *here,
			   u32 nr_here, u64 *target)
{
	char missing[CRMOD_ERROR_LEN / 2] = "";
	u32 i, k, nr_missing = 0;

	for (i = 0; i < p->nr_vdso_syms; i++) {
		for (k = 0; k < nr_here; k++)
			if (!strcmp(p->vdso_syms[i].name, here[k].name))
				break;
		if (k < nr_here) {
			target[i] = here[k].offset;
			continue;
		}
		if (nr_missing++)
			strlcat(missing, ", ", sizeof(missing));
		strlcat(missing, p->vdso_syms[i].name, sizeof(missing));
	}
	if (nr_missing)
		return cr_fail(p->err,
			       "this kernel's vDSO (%s) lacks %s, which the image's exported (taken on %.*s): the process may call %s",
			       init_utsname()->release, missing,
			       CRMOD_RELEASE_LEN - 1, p->hdr.machine.release,
			       nr_missing > 1 ? "them" : "it");
	return 0;
}

/*
 * Where this kernel's special mappings, a block of size bytes with its
 * vDSO at vdso_off, can go: free in the image, as near the image's [vdso]
 * as it can be; its lowest address, or 0.
 */
static unsigned long cr_vdso_room(struct cr_plan *p, unsigned long old,
				  unsigned long size, unsigned long vdso_off)
{
	unsigned long best = 0, best_dist = ULONG_MAX;
	/* far above any mmap_min_addr (not exported): none is near a vDSO */
	unsigned long low = SZ_16M;
	u32 i;

	for (i = 0; i <= p->nr_vmas; i++) {
		unsigned long from = i ? p->vmas[i - 1].end : low;
		unsigned long to = i < p->nr_vmas ? p->vmas[i].start : TASK_SIZE;
		unsigned long want = old - vdso_off, at, dist;

		from = max(from, low);
		if (to <= from || to - from < size)
			continue;
		at = clamp(want, from, to - size) & PAGE_MASK;
		if (at < from)
			at += PAGE_SIZE;
		if (at + size > to)
			continue;
		dist = at > want ? at - want : want - at;
		if (dist < best_dist) {
			best = at;
			best_dist = dist;
		}
	}
	return best;
}

/*
 * The image's [vdso] is another build's: plan the proxy. here: this
 * kernel's vDSO in the caller, len bytes; block_start..block_end: the
 * caller's special mappings, which move together.
 */
int cr_vdso_plan_proxy(struct cr_plan *p, const struct crmod_vma *old,
		       unsigned long here, size_t len,
		       unsigned long block_start, unsigned long block_end)
{
	struct cr_vdso_proxy *x = &p->vdso;
	size_t old_len = old->end - old->start;
	struct crmod_vdso_sym *syms = NULL;
	u64 *target = NULL;
	u8 *image = NULL;
	u32 i, k, nr = 0;
	int ret;

	if (!p->vdso_syms)
		return cr_fail(p->err,
			       "the image's vDSO is another kernel build's (taken on %.*s, this is %s) and the image does not list its functions (format %u): restart on that kernel build",
			       CRMOD_RELEASE_LEN - 1, p->hdr.machine.release,
			       init_utsname()->release, p->hdr.format_version);
	if (len > CR_VDSO_MAX || old_len > CR_VDSO_MAX)
		return cr_fail(p->err, "a vDSO of %zu bytes", max(len, old_len));
	for (i = 0; i < p->nr_vdso_syms; i++)
		if (p->vdso_syms[i].offset >= old_len)
			return cr_fail(p->err,
				       "section VDSO: function %s at offset %#llx is outside the image's %zu-byte [vdso]",
				       p->vdso_syms[i].name, p->vdso_syms[i].offset, old_len);
	image = cr_alloc(max(len, old_len));
	syms = cr_alloc(CRMOD_MAX_VDSO_SYMS * sizeof(*syms));
	target = cr_alloc((p->nr_vdso_syms ?: 1) * sizeof(*target));
	ret = -ENOMEM;
	if (!image || !syms || !target)
		goto out;
	ret = cr_fault("reading this kernel's vDSO") ? -CR_FAULT_ERRNO :
	      copy_from_user(image, (const void __user *)here, len) ? -EFAULT :
	      cr_elf_functions(image, len, syms, &nr);
	if (ret) {
		ret = cr_fail(p->err, "cannot read the functions of this kernel's vDSO: error %d",
			      ret);
		goto out;
	}
	ret = cr_vdso_targets(p, syms, nr, target);
	if (ret)
		goto out;
	/* One entry per offset: aliases share one, and must agree. */
	for (i = 0; i < p->nr_vdso_syms; i++)
		for (k = 0; k < i; k++) {
			u64 a = p->vdso_syms[i].offset, b = p->vdso_syms[k].offset;

			if (a == b ? target[i] != target[k] :
			    (a > b ? a - b : b - a) < cr_arch_vdso_jump_size()) {
				ret = cr_fail(p->err,
					      "the image's vDSO functions %s and %s at %#llx and %#llx: no room for a jump to each",
					      p->vdso_syms[k].name, p->vdso_syms[i].name, b, a);
				goto out;
			}
		}
	x->base = cr_vdso_room(p, old->start, block_end - block_start,
			       here - block_start);
	if (!x->base) {
		ret = cr_fail(p->err,
			      "no free %lu bytes in the image's address space for this kernel's vDSO",
			      block_end - block_start);
		goto out;
	}
	x->new_vdso = x->base + (here - block_start);
	x->old = old->start;
	x->old_len = old_len;
	cr_arch_vdso_fill(image, old_len);
	for (i = 0; i < p->nr_vdso_syms; i++) {
		u64 off = p->vdso_syms[i].offset, next = old_len;

		/* an entry may take the room up to the next one */
		for (k = 0; k < p->nr_vdso_syms; k++)
			if (p->vdso_syms[k].offset > off)
				next = min(next, p->vdso_syms[k].offset);
		ret = cr_arch_vdso_jump(image + off, next - off, old->start + off,
					x->new_vdso + target[i]);
		if (ret) {
			ret = cr_fail(p->err,
				      "this kernel's vDSO %s at %#lx is out of a jump's reach of the image's %s at %#llx",
				      p->vdso_syms[i].name,
				      x->new_vdso + (unsigned long)target[i],
				      p->vdso_syms[i].name, old->start + off);
			goto out;
		}
	}
	x->page = image;
	image = NULL;	/* the proxy's now */
	x->active = true;
out:
	cr_free(image);
	cr_free(syms);
	cr_free(target);
	return ret;
}

/*
 * A thread stopped inside the old vDSO would resume in the proxy's traps.
 * (crctl checkpoint steps threads out of the vDSO before the image is
 * taken; an image taken otherwise may still have one.)
 */
int cr_vdso_check_stopped_in(struct cr_plan *p)
{
	const struct cr_plan *proc = p->process ?: p;
	const struct cr_vdso_proxy *x = &proc->vdso;
	u64 ip = cr_arch_plan_ip(p);
	u32 i;

	if (!x->active || ip < x->old || ip >= x->old + x->old_len)
		return 0;
	for (i = 0; i < proc->nr_vdso_syms; i++)
		if (ip == x->old + proc->vdso_syms[i].offset)
			return 0;	/* its jump is there */
	return cr_fail(p->err,
		       "it was stopped inside the image's vDSO (at offset %#llx), which this kernel's replaces: restart on the kernel build it was taken on (%.*s)",
		       ip - x->old, CRMOD_RELEASE_LEN - 1, p->hdr.machine.release);
}

/* Past the point of no return, once this kernel's vDSO is in its place. */
int cr_vdso_map_proxy(struct cr_plan *p)
{
	struct cr_vdso_proxy *x = &p->vdso;
	unsigned long addr;
	long err;

	addr = cr_fault("mapping the vDSO proxy") ? -CR_FAULT_ERRNO :
	       vm_mmap(NULL, x->old, x->old_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
	if (addr != x->old)
		return cr_fail(p->err, "mapping the vDSO proxy at %#lx: error %ld",
			       x->old, (long)addr);
	if (copy_to_user((void __user *)addr, x->page, x->old_len))
		return cr_fail(p->err, "writing the vDSO proxy at %#lx", addr);
	err = cr_arch_mprotect(addr, x->old_len, PROT_READ | PROT_EXEC);
	if (err)
		return cr_fail(p->err, "protecting the vDSO proxy at %#lx: error %ld",
			       addr, err);
	return 0;
}

void cr_vdso_plan_free(struct cr_plan *p)
{
	cr_free(p->vdso_syms);
	cr_free(p->vdso.page);
}
