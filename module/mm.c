// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the address space. Every VMA is recorded with its range,
 * protection and backing; the pages the process touched are stored in
 * runs of up to CR_RUN_BYTES. Restart rebuilds the VMAs in the caller's own
 * mm, keeping only its vDSO and vvar, which it moves to where they were.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "crmod.h"
#include "resolver.h"

/* A run of pages is one PAGES section of at most this many bytes. */
#define CR_RUN_BYTES	(4UL << 20)
/* sysctl vm.max_map_count's default; more VMAs than this is corruption. */
#define CR_MAX_VMAS	65536

static u32 cr_vma_prot(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_READ ? CRMOD_PROT_READ : 0) |
	       (vma->vm_flags & VM_WRITE ? CRMOD_PROT_WRITE : 0) |
	       (vma->vm_flags & VM_EXEC ? CRMOD_PROT_EXEC : 0);
}

/* "[vdso]", "[vvar]" and other special mappings name themselves. */
static const char *cr_vma_special_name(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

/*
 * MAP_SHARED|MAP_ANONYMOUS memory is backed by a kernel-internal shmem file
 * named "dev/zero", which has no link anywhere.
 */
static bool cr_vma_is_shared_anon(struct vm_area_struct *vma)
{
	struct dentry *dentry;

	if (!vma->vm_file || !(vma->vm_flags & VM_MAYSHARE))
		return false;
	dentry = vma->vm_file->f_path.dentry;
	return file_inode(vma->vm_file)->i_nlink == 0 &&
	       !strcmp(dentry->d_name.name, "dev/zero");
}

static int cr_dump_vma(struct cr_ckpt *ck, struct vm_area_struct *vma,
		       struct crmod_vma *rec)
{
	const char *special = cr_vma_special_name(vma);

	memset(rec, 0, sizeof(*rec));
	rec->start = vma->vm_start;
	rec->end = vma->vm_end;
	rec->prot = cr_vma_prot(vma);
	if (vma->vm_flags & VM_MAYSHARE)
		rec->flags |= CRMOD_VMA_SHARED;
	if (vma->vm_flags & VM_GROWSDOWN)
		rec->flags |= CRMOD_VMA_GROWSDOWN;
	if (vma->vm_flags & VM_ACCOUNT)
		rec->flags |= CRMOD_VMA_ACCOUNT;

	if (special) {
		if (!strcmp(special, "[vdso]"))
			rec->flags |= CRMOD_VMA_VDSO;
		else if (!strcmp(special, "[vvar]"))
			rec->flags |= CRMOD_VMA_VVAR;
		else
			return cr_fail(ck->err,
				       "mapping %#lx-%#lx is %s: crmod cannot checkpoint that",
				       vma->vm_start, vma->vm_end, special);
		return 0;
	}
	if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP))
		return cr_fail(ck->err,
			       "mapping %#lx-%#lx is of a device: crmod cannot checkpoint that",
			       vma->vm_start, vma->vm_end);
	if (vma->vm_file && !cr_vma_is_shared_anon(vma)) {
		rec->pgoff = vma->vm_pgoff;
		return cr_file_register(ck, vma->vm_file, CRMOD_FILE_REGULAR,
					&rec->file);
	}
	if (vma->vm_start >= ck->mm->start_brk &&
	    vma->vm_end <= PAGE_ALIGN(ck->mm->brk))
		rec->flags |= CRMOD_VMA_HEAP;
	return 0;
}

int cr_dump_vmas(struct cr_ckpt *ck)
{
	struct mm_struct *mm = ck->mm;
	struct vm_area_struct *vma;
	int ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ck->vmas = kvcalloc(mm->map_count ?: 1, sizeof(*ck->vmas), GFP_KERNEL);
	if (!ck->vmas) {
		ret = -ENOMEM;
		goto out;
	}
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end)) {
		if (ck->nr_vmas == mm->map_count) {
			ret = cr_fail(ck->err, "the address space changed during checkpoint");
			break;
		}
		ret = cr_dump_vma(ck, vma, &ck->vmas[ck->nr_vmas]);
		if (ret)
			break;
		ck->nr_vmas++;
	}
out:
	mmap_read_unlock(mm);
	return ret;
}

/* Private and shared-anonymous VMAs have content of their own. */
static bool cr_vma_has_content(const struct crmod_vma *rec)
{
	if (rec->flags & (CRMOD_VMA_VDSO | CRMOD_VMA_VVAR))
		return false;
	return !(rec->file && (rec->flags & CRMOD_VMA_SHARED));
}

/* The run's pages to the image in one write, the rest on a short one. */
static int cr_write_pages(struct cr_writer *w, struct page **pages,
			  struct bio_vec *bv, unsigned long n)
{
	ssize_t done;
	unsigned long i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		bv[i].bv_page = pages[i];
		bv[i].bv_len = PAGE_SIZE;
		bv[i].bv_offset = 0;
	}
	done = crmod_compat_write_pages(w->file, bv, n, &w->pos);
	if (done < 0)
		done = 0;	/* cr_write_raw() below tells the error */
	w->bytes += done;
	for (i = done >> PAGE_SHIFT; !ret && i < n; i++) {
		size_t off = i == (done >> PAGE_SHIFT) ? offset_in_page(done) : 0;
		void *kaddr = kmap_local_page(pages[i]);

		ret = cr_write_raw(w, kaddr + off, PAGE_SIZE - off);
		kunmap_local(kaddr);
	}
	return ret;
}

static int cr_write_run(struct cr_ckpt *ck, unsigned long addr,
			struct page **pages, struct bio_vec *bv,
			unsigned long n)
{
	struct crmod_pages run = { .addr = addr, .nr_pages = n };
	u64 len = sizeof(run) + (u64)n * PAGE_SIZE;
	u32 crc = cr_crc_update(CR_CRC_INIT, &run, sizeof(run));
	unsigned long i;
	int ret;

	for (i = 0; i < n; i++) {
		void *kaddr = kmap_local_page(pages[i]);

		crc = cr_crc_update(crc, kaddr, PAGE_SIZE);
		kunmap_local(kaddr);
	}
	ret = cr_begin_section(&ck->w, CRMOD_SEC_PAGES, len, cr_crc_final(crc));
	if (!ret)
		ret = cr_write_raw(&ck->w, &run, sizeof(run));
	if (!ret)
		ret = cr_write_pages(&ck->w, pages, bv, n);
	if (!ret)
		ret = cr_end_section(&ck->w, len);
	return ret;
}

static void cr_put_pages(struct page **pages, unsigned long n)
{
	while (n)
		put_page(pages[--n]);
}

/*
 * Store the pages of one VMA that hold data: FOLL_DUMP skips pages never
 * touched (and the shared zero page) without faulting them in; in a file
 * mapping only the process's own copies (anonymous pages) count.
 */
static int cr_dump_vma_pages(struct cr_ckpt *ck, struct vm_area_struct *vma,
			     struct page **pages, struct bio_vec *bv,
			     unsigned long max)
{
	bool file_backed = vma->vm_file && !(vma->vm_flags & VM_MAYSHARE);
	unsigned long addr = vma->vm_start;
	int ret = 0;

	if (!vma->anon_vma && !(vma->vm_flags & VM_MAYSHARE))
		return 0;	/* never written: nothing of its own */
	while (addr < vma->vm_end) {
		unsigned long want = min(max, (vma->vm_end - addr) >> PAGE_SHIFT);
		unsigned long n = 0;
		long got;

		got = get_user_pages_remote(ck->mm, addr, want,
					    FOLL_DUMP | FOLL_FORCE, pages,
					    NULL, NULL);
		if (got < 0 && got != -EFAULT)
			return cr_fail(ck->err, "reading memory at %#lx: error %ld",
				       addr, got);
		if (got < 0)
			got = 0;
		while (n < got && (!file_backed || PageAnon(pages[n])))
			n++;
		cr_put_pages(pages + n, got - n);
		if (n) {
			ret = cr_write_run(ck, addr, pages, bv, n);
			cr_put_pages(pages, n);
			if (ret)
				return ret;
			addr += n << PAGE_SHIFT;
		} else {
			addr += PAGE_SIZE;	/* a hole */
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

int cr_dump_pages(struct cr_ckpt *ck)
{
	unsigned long max = max(1UL, CR_RUN_BYTES >> PAGE_SHIFT);
	struct mm_struct *mm = ck->mm;
	struct page **pages;
	struct bio_vec *bv;
	u32 i;
	int ret = 0;

	pages = kvmalloc_array(max, sizeof(*pages), GFP_KERNEL);
	bv = kvmalloc_array(max, sizeof(*bv), GFP_KERNEL);
	if (!pages || !bv) {
		ret = -ENOMEM;
		goto out;
	}
	if (mmap_read_lock_killable(mm)) {
		ret = -EINTR;
		goto out;
	}
	for (i = 0; i < ck->nr_vmas && !ret; i++) {
		struct vm_area_struct *vma;

		if (!cr_vma_has_content(&ck->vmas[i]))
			continue;
		vma = find_vma(mm, ck->vmas[i].start);
		if (!vma || vma->vm_start != ck->vmas[i].start ||
		    vma->vm_end != ck->vmas[i].end)
			ret = cr_fail(ck->err, "the address space changed during checkpoint");
		else
			ret = cr_dump_vma_pages(ck, vma, pages, bv, max);
	}
	mmap_read_unlock(mm);
out:
	kvfree(bv);
	kvfree(pages);
	return ret;
}

/* Restart: reading and checking. */

int cr_read_vmas(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_vma *vmas = payload;
	u64 n = len / sizeof(*vmas), i;
	u64 page_mask = p->page_size - 1;

	if (p->vmas)
		return cr_plan_fail(p, "a second VMAS section");
	if (len % sizeof(*vmas) || !n)
		return cr_plan_fail(p, "length %llu is not a positive multiple of %zu",
				    len, sizeof(*vmas));
	if (n > CR_MAX_VMAS)
		return cr_plan_fail(p, "%llu mappings, at most %d", n,
				    CR_MAX_VMAS);
	for (i = 0; i < n; i++) {
		const struct crmod_vma *v = &vmas[i];

		if ((v->start | v->end) & page_mask || v->start >= v->end)
			return cr_plan_fail(p,
					    "mapping %llu: %#llx-%#llx is not a page-aligned range",
					    i, v->start, v->end);
		if (v->end > TASK_SIZE)
			return cr_plan_fail(p,
					    "mapping %llu: %#llx-%#llx is beyond this kernel's user address space",
					    i, v->start, v->end);
		if (i && v->start < vmas[i - 1].end)
			return cr_plan_fail(p,
					    "mapping %llu at %#llx overlaps or precedes the one before",
					    i, v->start);
		if (v->prot & ~(u32)(CRMOD_PROT_READ | CRMOD_PROT_WRITE |
				     CRMOD_PROT_EXEC))
			return cr_plan_fail(p, "mapping %llu: unknown protection %#x",
					    i, v->prot);
		if (v->flags & ~CRMOD_VMA_KNOWN_FLAGS)
			return cr_plan_fail(p, "mapping %llu: unknown flags %#x",
					    i, v->flags);
		if (v->reserved)
			return cr_plan_fail(p, "mapping %llu: reserved field is %u",
					    i, v->reserved);
		if (!v->file && v->pgoff)
			return cr_plan_fail(p, "mapping %llu: anonymous with a file offset",
					    i);
		if (v->pgoff > (U64_MAX >> PAGE_SHIFT) - ((v->end - v->start) >> PAGE_SHIFT))
			return cr_plan_fail(p, "mapping %llu: file offset %#llx overflows",
					    i, v->pgoff);
	}
	p->vmas = kvmalloc(len, GFP_KERNEL);
	if (!p->vmas)
		return -ENOMEM;
	memcpy(p->vmas, payload, len);
	p->nr_vmas = n;
	return 0;
}

int cr_read_pages(struct cr_plan *p, u64 len, u32 crc_expected)
{
	struct crmod_pages run;
	struct cr_run *r;
	u64 left;
	u32 crc;
	int ret;

	if (len < sizeof(run))
		return cr_plan_fail(p, "length %llu is too short for a run of pages",
				    len);
	ret = cr_read_exact(&p->r, &run, sizeof(run), "a run of pages");
	if (ret)
		return ret;
	if (!run.nr_pages || run.nr_pages > CRMOD_IMAGE_SECTION_MAX / p->page_size ||
	    len != sizeof(run) + run.nr_pages * p->page_size)
		return cr_plan_fail(p, "%llu pages of %u bytes do not make its length %llu",
				    run.nr_pages, p->page_size, len);
	if (run.addr & (p->page_size - 1))
		return cr_plan_fail(p, "pages at %#llx: not page-aligned", run.addr);

	crc = cr_crc_update(CR_CRC_INIT, &run, sizeof(run));
	if (p->nr_runs == p->cap_runs) {
		u32 cap = max(64U, p->cap_runs * 2);
		struct cr_run *runs = kvrealloc(p->runs,
						p->cap_runs * sizeof(*runs),
						cap * sizeof(*runs),
						GFP_KERNEL);

		if (!runs)
			return -ENOMEM;
		p->runs = runs;
		p->cap_runs = cap;
	}
	r = &p->runs[p->nr_runs];
	r->addr = run.addr;
	r->nr_pages = run.nr_pages;
	r->data_pos = p->r.pos;
	r->section = p->section;

	for (left = len - sizeof(run); left;) {
		size_t chunk = min_t(u64, left, CR_COPY_BYTES);

		ret = cr_read_exact(&p->r, p->buf, chunk, "page content");
		if (ret)
			return ret;
		crc = cr_crc_update(crc, p->buf, chunk);
		left -= chunk;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	if (cr_crc_final(crc) != crc_expected)
		return cr_plan_fail(p, "payload CRC32C %#010x, expected %#010x",
				    cr_crc_final(crc), crc_expected);
	r->crc = crc_expected;
	p->nr_runs++;
	return 0;
}

static const struct crmod_vma *cr_plan_vma_at(struct cr_plan *p, u64 addr)
{
	u32 lo = 0, hi = p->nr_vmas;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (addr < p->vmas[mid].start)
			hi = mid;
		else if (addr >= p->vmas[mid].end)
			lo = mid + 1;
		else
			return &p->vmas[mid];
	}
	return NULL;
}

/* The caller's own vDSO and vvar, to be moved where the image had them. */
static void cr_find_specials(struct mm_struct *mm, unsigned long *vdso,
			     unsigned long *vdso_len, unsigned long *vvar,
			     unsigned long *vvar_len)
{
	struct vm_area_struct *vma;

	*vdso = *vdso_len = *vvar = *vvar_len = 0;
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end)) {
		const char *name = cr_vma_special_name(vma);

		if (name && !strcmp(name, "[vdso]")) {
			*vdso = vma->vm_start;
			*vdso_len = vma->vm_end - vma->vm_start;
		} else if (name && !strcmp(name, "[vvar]")) {
			*vvar = vma->vm_start;
			*vvar_len = vma->vm_end - vma->vm_start;
		}
	}
}

int cr_plan_check_mm(struct cr_plan *p)
{
	struct mm_struct *mm = current->mm;
	unsigned long vdso, vdso_len, vvar, vvar_len;
	u32 i, nr_vdso = 0, nr_vvar = 0;

	if (!p->vmas)
		return cr_fail(p->err, "the image has no VMAS section");
	if (get_nr_threads(current) != 1)
		return cr_fail(p->err, "the restarting process has %d threads; it must have one",
			       get_nr_threads(current));
	if (atomic_read(&mm->mm_users) != 1)
		return cr_fail(p->err, "the restarting process shares its address space");

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	cr_find_specials(mm, &vdso, &vdso_len, &vvar, &vvar_len);
	mmap_read_unlock(mm);

	for (i = 0; i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];
		u64 len = v->end - v->start;
		struct cr_file_ref *ref;

		if (v->flags & CRMOD_VMA_VDSO) {
			nr_vdso++;
			if (len != vdso_len)
				return cr_fail(p->err,
					       "the image's vDSO is %llu bytes, this kernel's %lu: restart on the kernel the checkpoint was taken on",
					       len, vdso_len);
			continue;
		}
		if (v->flags & CRMOD_VMA_VVAR) {
			nr_vvar++;
			if (len != vvar_len)
				return cr_fail(p->err,
					       "the image's vvar is %llu bytes, this kernel's %lu: restart on the kernel the checkpoint was taken on",
					       len, vvar_len);
			continue;
		}
		if (!v->file)
			continue;
		ref = cr_plan_file(p, v->file);
		if (!ref || ref->rec.kind != CRMOD_FILE_REGULAR)
			return cr_fail(p->err,
				       "mapping %#llx-%#llx refers to file %u, which the image does not define as a regular file",
				       v->start, v->end, v->file);
		if ((v->flags & CRMOD_VMA_SHARED) && (v->prot & CRMOD_PROT_WRITE) &&
		    !(ref->file->f_mode & FMODE_WRITE)) {
			/* A writable shared mapping needs the file open for writing. */
			struct file *f = filp_open(ref->path, O_RDWR | O_LARGEFILE, 0);

			if (IS_ERR(f)) {
				cr_fail(p->err,
					"%s: cannot open it for writing, as its shared mapping needs (error %ld)",
					ref->path, PTR_ERR(f));
				return PTR_ERR(f);
			}
			fput(ref->file);
			ref->file = f;
		}
	}
	if (nr_vdso > 1 || nr_vvar > 1 || (nr_vdso && !vdso_len) ||
	    (nr_vvar && !vvar_len))
		return cr_fail(p->err,
			       "the image has %u vDSO and %u vvar mappings; this kernel gives a process %u and %u",
			       nr_vdso, nr_vvar, !!vdso_len, !!vvar_len);

	for (i = 0; i < p->nr_runs; i++) {
		const struct cr_run *r = &p->runs[i];
		u64 end = r->addr + r->nr_pages * p->page_size;
		const struct crmod_vma *v = cr_plan_vma_at(p, r->addr);

		if (!v || end > v->end || end < r->addr)
			return cr_fail(p->err,
				       "section %u (PAGES): pages %#llx-%#llx are not inside one mapping",
				       r->section, r->addr, end);
		if (!cr_vma_has_content(v))
			return cr_fail(p->err,
				       "section %u (PAGES): pages at %#llx are in a mapping that holds no content of its own",
				       r->section, r->addr);
	}
	return 0;
}

/* Restart: past the point of no return. */

struct cr_range {
	unsigned long start, end;
};

/* Unmap everything of the caller's but its vDSO and vvar. */
static int cr_unmap_all(struct cr_plan *p, struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	struct cr_range *ranges;
	int n = 0, i, ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ranges = kvcalloc(mm->map_count ?: 1, sizeof(*ranges), GFP_KERNEL);
	if (!ranges) {
		mmap_read_unlock(mm);
		return -ENOMEM;
	}
	for (vma = find_vma(mm, 0); vma && n < mm->map_count;
	     vma = find_vma(mm, vma->vm_end)) {
		const char *name = cr_vma_special_name(vma);

		if (name && (!strcmp(name, "[vdso]") || !strcmp(name, "[vvar]")))
			continue;
		ranges[n].start = vma->vm_start;
		ranges[n].end = vma->vm_end;
		n++;
	}
	mmap_read_unlock(mm);
	for (i = 0; i < n && !ret; i++) {
		ret = vm_munmap(ranges[i].start, ranges[i].end - ranges[i].start);
		if (ret)
			cr_fail(p->err, "unmapping %#lx-%#lx: error %d",
				ranges[i].start, ranges[i].end, ret);
	}
	kvfree(ranges);
	return ret;
}

static int cr_move(struct cr_plan *p, unsigned long from, unsigned long len,
		   unsigned long to, const char *what)
{
	long ret = cr_arch_mremap(from, len, to);

	if (ret != to)
		return cr_fail(p->err, "moving the %s from %#lx to %#lx: error %ld",
			       what, from, to, ret);
	return 0;
}

/* Move vDSO and vvar to the image's addresses, by way of free space. */
static int cr_place_specials(struct cr_plan *p, struct mm_struct *mm)
{
	unsigned long cur[2], len[2], want[2] = { 0, 0 }, tmp;
	static const char *const what[2] = { "vDSO", "vvar" };
	u32 i;
	int k, ret;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	cr_find_specials(mm, &cur[0], &len[0], &cur[1], &len[1]);
	mmap_read_unlock(mm);
	for (i = 0; i < p->nr_vmas; i++) {
		if (p->vmas[i].flags & CRMOD_VMA_VDSO)
			want[0] = p->vmas[i].start;
		if (p->vmas[i].flags & CRMOD_VMA_VVAR)
			want[1] = p->vmas[i].start;
	}
	for (k = 0; k < 2; k++) {
		if (!len[k])
			continue;
		if (!want[k]) {
			ret = vm_munmap(cur[k], len[k]);
			if (ret)
				return cr_fail(p->err, "unmapping the %s: error %d",
					       what[k], ret);
			len[k] = 0;
			continue;
		}
		tmp = vm_mmap(NULL, 0, len[k], PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, 0);
		if (IS_ERR_VALUE(tmp))
			return cr_fail(p->err, "no room to move the %s (%ld)",
				       what[k], (long)tmp);
		ret = cr_move(p, cur[k], len[k], tmp, what[k]);
		if (ret)
			return ret;
		cur[k] = tmp;
	}
	for (k = 0; k < 2; k++) {
		if (len[k]) {
			ret = cr_move(p, cur[k], len[k], want[k], what[k]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Content is copied in through write access, and mprotect follows, where
 * the mapping had been writable (so it is accounted, as it was) or is
 * shared. Otherwise (text a debugger patched) it is mapped as it was and
 * written as ptrace writes, so that its flags stay as they were: mappings
 * with different flags must not merge where the original's did not.
 */
static bool cr_fill_by_force(const struct crmod_vma *v)
{
	return !(v->flags & (CRMOD_VMA_ACCOUNT | CRMOD_VMA_SHARED)) &&
	       !(v->prot & CRMOD_PROT_WRITE);
}

static unsigned long cr_map_prot(const struct crmod_vma *v)
{
	unsigned long prot = v->prot;

	if (cr_vma_has_content(v) && !cr_fill_by_force(v))
		prot |= PROT_READ | PROT_WRITE;
	return prot;
}

static int cr_map_vma(struct cr_plan *p, const struct crmod_vma *v)
{
	unsigned long flags = MAP_FIXED_NOREPLACE;
	unsigned long len = v->end - v->start;
	struct file *file = NULL;
	unsigned long addr;

	flags |= v->flags & CRMOD_VMA_SHARED ? MAP_SHARED : MAP_PRIVATE;
	if (v->flags & CRMOD_VMA_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	if (v->file)
		file = cr_plan_file(p, v->file)->file;
	else
		flags |= MAP_ANONYMOUS;
	addr = vm_mmap(file, v->start, len, cr_map_prot(v), flags,
		       v->pgoff << PAGE_SHIFT);
	if (addr != v->start)
		return cr_fail(p->err, "mapping %#llx-%#llx: error %ld", v->start,
			       v->end, (long)addr);
	return 0;
}

/*
 * An image nobody can write to while restart holds it reads the same as
 * when it was checked: its pages go straight to their place.
 */
static int cr_read_run_to_user(struct cr_plan *p, unsigned long addr, u64 len)
{
	while (len) {
		ssize_t n = crmod_compat_read_user(p->r.file,
						   (void __user *)addr,
						   min_t(u64, len, SZ_1G),
						   &p->r.pos);

		if (n <= 0)
			return cr_fail(p->err, "reading pages for %#lx from the image: error %zd",
				       addr, n);
		addr += n;
		len -= n;
	}
	return 0;
}

static int cr_fill_run(struct cr_plan *p, const struct cr_run *run)
{
	struct crmod_pages hdr = { .addr = run->addr, .nr_pages = run->nr_pages };
	u64 left = run->nr_pages * p->page_size;
	u32 crc = cr_crc_update(CR_CRC_INIT, &hdr, sizeof(hdr));
	unsigned long addr = run->addr;
	bool by_force = cr_fill_by_force(cr_plan_vma_at(p, run->addr));
	int ret;

	p->r.pos = run->data_pos;
	if (p->frozen && !by_force)
		return cr_read_run_to_user(p, addr, left);
	while (left) {
		size_t chunk = min_t(u64, left, CR_COPY_BYTES);

		ret = cr_read_exact(&p->r, p->buf, chunk, "page content");
		if (ret)
			return ret;
		crc = cr_crc_update(crc, p->buf, chunk);
		if (by_force) {
			if (access_process_vm(current, addr, p->buf, chunk,
					      FOLL_FORCE | FOLL_WRITE) != chunk)
				return cr_fail(p->err, "writing memory at %#lx failed",
					       addr);
		} else if (copy_to_user((void __user *)addr, p->buf, chunk)) {
			return cr_fail(p->err, "writing memory at %#lx failed",
				       addr);
		}
		addr += chunk;
		left -= chunk;
	}
	/* The image was checked, but it is a file: it may have changed. */
	if (cr_crc_final(crc) != run->crc)
		return cr_fail(p->err,
			       "section %u (PAGES) changed while restarting: CRC32C %#010x, expected %#010x",
			       run->section, cr_crc_final(crc), run->crc);
	return 0;
}

static int cr_restore_mm_fields(struct cr_plan *p, struct mm_struct *mm)
{
	const struct crmod_task *t = &p->task;
	int ret = 0;

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	mm->start_code = t->start_code;
	mm->end_code = t->end_code;
	mm->start_data = t->start_data;
	mm->end_data = t->end_data;
	mm->start_brk = t->start_brk;
	mm->brk = t->brk;
	mm->start_stack = t->start_stack;
	mm->arg_start = t->arg_start;
	mm->arg_end = t->arg_end;
	mm->env_start = t->env_start;
	mm->env_end = t->env_end;
	memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	memcpy(mm->saved_auxv, t->auxv, t->auxv_words * sizeof(t->auxv[0]));
	mmap_write_unlock(mm);

	if (t->exe_file) {
		struct cr_file_ref *exe = cr_plan_file(p, t->exe_file);

		ret = crmod_sym_replace_mm_exe_file(mm, exe->file);
		if (ret)
			cr_fail(p->err, "setting the executable to %s: error %d",
				exe->path, ret);
	}
	return ret;
}

int cr_restore_mm(struct cr_plan *p)
{
	struct mm_struct *mm = current->mm;
	u32 i;
	int ret;

	ret = cr_unmap_all(p, mm);
	if (!ret)
		ret = cr_place_specials(p, mm);
	for (i = 0; !ret && i < p->nr_vmas; i++) {
		if (!(p->vmas[i].flags & (CRMOD_VMA_VDSO | CRMOD_VMA_VVAR)))
			ret = cr_map_vma(p, &p->vmas[i]);
	}
	for (i = 0; !ret && i < p->nr_runs; i++) {
		ret = cr_fill_run(p, &p->runs[i]);
		if (fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	for (i = 0; !ret && i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];
		long err;

		if ((v->flags & (CRMOD_VMA_VDSO | CRMOD_VMA_VVAR)) ||
		    cr_map_prot(v) == v->prot)
			continue;
		err = cr_arch_mprotect(v->start, v->end - v->start, v->prot);
		if (err)
			ret = cr_fail(p->err, "protecting %#llx-%#llx: error %ld",
				      v->start, v->end, err);
	}
	if (!ret)
		ret = cr_restore_mm_fields(p, mm);
	return ret;
}
