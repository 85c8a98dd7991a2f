// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the address space. Every VMA is recorded with its range,
 * protection, backing and the flags madvise() and mlock() set; the pages
 * the process touched in private mappings are stored in runs of up to
 * CR_RUN_BYTES (shared memory's content is its file's: filedata.c).
 * Restart rebuilds the VMAs in the caller's own mm, keeping only its vDSO
 * and vvar mappings, which it moves to where the image had them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"
#include "resolver.h"

/* A run of pages is one PAGES section of at most this many bytes. */
#define CR_RUN_BYTES	(4UL << 20)
/* More VMAs than this in an image is corruption, whatever the sysctl. */
#define CR_MAX_VMAS	BIT(20)
/* Mappings restart needs besides the image's: the register frame, a move. */
#define CR_SPARE_VMAS	2
/* An image holds at most this many runs: beyond is corruption. */
#define CR_MAX_RUNS	BIT(24)

#define CR_VMA_SPECIAL	(CRMOD_VMA_VDSO | CRMOD_VMA_VVAR | CRMOD_VMA_VVAR_VCLOCK)

/* The kernel's special mappings crmod knows, as the image flags them: [vdso] first. */
static const struct {
	const char *name;
	u32 flag;
} cr_specials[] = {
	{ "[vdso]", CRMOD_VMA_VDSO },
	{ "[vvar]", CRMOD_VMA_VVAR },
	{ "[vvar_vclock]", CRMOD_VMA_VVAR_VCLOCK },
};

#define CR_NR_SPECIALS	ARRAY_SIZE(cr_specials)

/* VMA flags madvise() and mlock() set, as the image records them. */
static const struct {
	unsigned long vm;
	u32 flag;
	int advice;	/* to set it again; 0: by mlock2() */
} cr_vma_advice[] = {
	{ VM_DONTCOPY, CRMOD_VMA_DONTFORK, MADV_DONTFORK },
	{ VM_WIPEONFORK, CRMOD_VMA_WIPEONFORK, MADV_WIPEONFORK },
	{ VM_DONTDUMP, CRMOD_VMA_DONTDUMP, MADV_DONTDUMP },
	{ VM_HUGEPAGE, CRMOD_VMA_HUGEPAGE, MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE, CRMOD_VMA_NOHUGEPAGE, MADV_NOHUGEPAGE },
	{ VM_MERGEABLE, CRMOD_VMA_MERGEABLE, MADV_MERGEABLE },
	{ VM_SEQ_READ, CRMOD_VMA_SEQ_READ, MADV_SEQUENTIAL },
	{ VM_RAND_READ, CRMOD_VMA_RAND_READ, MADV_RANDOM },
	{ VM_LOCKED, CRMOD_VMA_LOCKED, 0 },
	{ VM_LOCKONFAULT, CRMOD_VMA_LOCKONFAULT, 0 },
};

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

static u32 cr_special_flag(const char *name)
{
	size_t i;

	for (i = 0; name && i < CR_NR_SPECIALS; i++)
		if (!strcmp(name, cr_specials[i].name))
			return cr_specials[i].flag;
	return 0;
}

/* What of a VMA crmod cannot give back: refused, by name. */
static int cr_check_vma(struct cr_ckpt *ck, struct vm_area_struct *vma)
{
	if (is_vm_hugetlb_page(vma))
		return cr_refuse(ck->err, CRMOD_STATE_HUGETLB,
				 "mapping %#lx-%#lx is hugetlb memory",
				 vma->vm_start, vma->vm_end);
	if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP))
		return cr_refuse(ck->err, CRMOD_STATE_DEVICE_MAPPING,
				 "mapping %#lx-%#lx is of a device",
				 vma->vm_start, vma->vm_end);
	if (userfaultfd_armed(vma))
		return cr_refuse(ck->err, CRMOD_STATE_USERFAULTFD,
				 "mapping %#lx-%#lx is registered with a userfaultfd",
				 vma->vm_start, vma->vm_end);
#ifdef CONFIG_ANON_VMA_NAME
	/* (a union with the file's interval tree before 6.x split them) */
	if (!vma->vm_file && vma->anon_name)
		return cr_refuse(ck->err, CRMOD_STATE_VMA_NAME,
				 "mapping %#lx-%#lx has a name",
				 vma->vm_start, vma->vm_end);
#endif
#ifdef CONFIG_NUMA
	if (vma->vm_policy)
		return cr_refuse(ck->err, CRMOD_STATE_NUMA_POLICY,
				 "mapping %#lx-%#lx has a NUMA policy",
				 vma->vm_start, vma->vm_end);
#endif
	return cr_arch_check_vma(ck, vma);
}

static int cr_dump_vma(struct cr_ckpt *ck, struct vm_area_struct *vma,
		       struct crmod_vma *rec)
{
	const char *special = cr_vma_special_name(vma);
	char what[48];
	size_t i;
	u32 kind;
	int ret;

	memset(rec, 0, sizeof(*rec));
	rec->start = vma->vm_start;
	rec->end = vma->vm_end;
	rec->prot = cr_vma_prot(vma);
	if (special) {
		rec->flags = cr_special_flag(special);
		if (!rec->flags)
			return cr_refuse(ck->err, CRMOD_STATE_DEVICE_MAPPING,
					 "mapping %#lx-%#lx is %s", vma->vm_start,
					 vma->vm_end, special);
		return 0;
	}
	ret = cr_check_vma(ck, vma);
	if (ret)
		return ret;
	if (vma->vm_flags & VM_MAYSHARE)
		rec->flags |= CRMOD_VMA_SHARED;
	if ((vma->vm_flags & (VM_MAYSHARE | VM_MAYWRITE)) ==
	    (VM_MAYSHARE | VM_MAYWRITE))
		rec->flags |= CRMOD_VMA_MAYWRITE;
	if (vma->vm_flags & VM_GROWSDOWN)
		rec->flags |= CRMOD_VMA_GROWSDOWN;
	if (vma->vm_flags & VM_ACCOUNT)
		rec->flags |= CRMOD_VMA_ACCOUNT;
	for (i = 0; i < ARRAY_SIZE(cr_vma_advice); i++)
		if (vma->vm_flags & cr_vma_advice[i].vm)
			rec->flags |= cr_vma_advice[i].flag;
	if (vma->vm_file) {
		snprintf(what, sizeof(what), "mapping %#lx-%#lx",
			 vma->vm_start, vma->vm_end);
		ret = cr_file_classify(ck, vma->vm_file, what, &kind);
		if (ret)
			return ret;
		if (kind == CRMOD_STATE_KERNEL_VIEW_FILE)
			return cr_refuse(ck->err, CRMOD_STATE_KERNEL_FS_FILE,
					 "%s maps a file of /proc or /sys", what);
		rec->pgoff = vma->vm_pgoff;
		return cr_file_register(ck, vma->vm_file, kind, &rec->file);
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
	ck->vmas = cr_zalloc_array(mm->map_count ?: 1, sizeof(*ck->vmas));
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

/* Private VMAs have content of their own; shared memory is its file's. */
static bool cr_vma_has_content(const struct crmod_vma *rec)
{
	return !(rec->flags & (CR_VMA_SPECIAL | CRMOD_VMA_SHARED));
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
 * Store the pages of one private VMA that hold data: FOLL_DUMP skips pages
 * never touched (and the shared zero page) without faulting them in; in a
 * file mapping only the process's own copies (anonymous pages) count.
 */
static int cr_dump_vma_pages(struct cr_ckpt *ck, struct vm_area_struct *vma,
			     struct page **pages, struct bio_vec *bv,
			     unsigned long max)
{
	bool file_backed = vma->vm_file;
	unsigned long addr = vma->vm_start;
	int ret = 0;

	if (!vma->anon_vma)
		return 0;	/* never written: nothing of its own */
	while (addr < vma->vm_end) {
		unsigned long want = min(max, (vma->vm_end - addr) >> PAGE_SHIFT);
		unsigned long n = 0;
		long got;

		got = cr_fault("reading the process's memory") ? -CR_FAULT_ERRNO :
		      cr_compat_gup_remote(ck->mm, addr, want,
					   FOLL_DUMP | FOLL_FORCE, pages);
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

	pages = cr_alloc_array(max, sizeof(*pages));
	bv = cr_alloc_array(max, sizeof(*bv));
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
	cr_free(bv);
	cr_free(pages);
	return ret;
}

/* Restart: reading and checking. */

static int cr_check_vma_record(struct cr_plan *p, u64 i,
			       const struct crmod_vma *v,
			       const struct crmod_vma *prev)
{
	u64 page_mask = p->page_size - 1;
	u32 special = v->flags & CR_VMA_SPECIAL;

	if ((v->start | v->end) & page_mask || v->start >= v->end)
		return cr_plan_fail(p, "mapping %llu: %#llx-%#llx is not a page-aligned range",
				    i, v->start, v->end);
	if (v->end > TASK_SIZE)
		return cr_plan_fail(p,
				    "mapping %llu: %#llx-%#llx is beyond this kernel's user address space",
				    i, v->start, v->end);
	if (prev && v->start < prev->end)
		return cr_plan_fail(p, "mapping %llu at %#llx overlaps or precedes the one before",
				    i, v->start);
	if (v->prot & ~(u32)(CRMOD_PROT_READ | CRMOD_PROT_WRITE | CRMOD_PROT_EXEC))
		return cr_plan_fail(p, "mapping %llu: unknown protection %#x",
				    i, v->prot);
	if (v->flags & ~CRMOD_VMA_KNOWN_FLAGS)
		return cr_plan_fail(p, "mapping %llu: unknown flags %#x", i, v->flags);
	if (v->build_id && v->flags != CRMOD_VMA_VDSO)
		return cr_plan_fail(p, "mapping %llu: a build id, but not the vDSO", i);
	if (special && (hweight32(special) != 1 || v->flags != special ||
			v->file || v->pgoff))
		return cr_plan_fail(p, "mapping %llu: a vDSO or vvar mapping with flags %#x",
				    i, v->flags);
	if (!v->file && v->pgoff)
		return cr_plan_fail(p, "mapping %llu: anonymous with a file offset", i);
	if (v->pgoff > (U64_MAX >> PAGE_SHIFT) - ((v->end - v->start) >> PAGE_SHIFT))
		return cr_plan_fail(p, "mapping %llu: file offset %#llx overflows",
				    i, v->pgoff);
	if ((v->flags & CRMOD_VMA_GROWSDOWN) &&
	    (v->file || (v->flags & CRMOD_VMA_SHARED)))
		return cr_plan_fail(p,
				    "mapping %llu: a stack (GROWSDOWN) that is shared or of a file",
				    i);
	if (!v->file && (v->flags & CRMOD_VMA_SHARED))
		return cr_plan_fail(p, "mapping %llu: shared, of no file", i);
	/* madvise(MADV_WIPEONFORK) takes private anonymous memory only */
	if ((v->flags & CRMOD_VMA_WIPEONFORK) && (v->file || (v->flags & CRMOD_VMA_SHARED)))
		return cr_plan_fail(p, "mapping %llu: wipe-on-fork on a shared or file mapping",
				    i);
	if ((v->flags & CRMOD_VMA_MAYWRITE) && !(v->flags & CRMOD_VMA_SHARED))
		return cr_plan_fail(p, "mapping %llu: may-write on a private mapping", i);
	/* its file is opened for writing only if it may write (mmap(): -EACCES) */
	if ((v->flags & CRMOD_VMA_SHARED) && (v->prot & CRMOD_PROT_WRITE) &&
	    !(v->flags & CRMOD_VMA_MAYWRITE))
		return cr_plan_fail(p, "mapping %llu: shared and writable, but not may-write", i);
	if ((v->flags & CRMOD_VMA_LOCKONFAULT) && !(v->flags & CRMOD_VMA_LOCKED))
		return cr_plan_fail(p, "mapping %llu: lock-on-fault but not locked", i);
	if ((v->flags & CRMOD_VMA_HUGEPAGE) && (v->flags & CRMOD_VMA_NOHUGEPAGE))
		return cr_plan_fail(p, "mapping %llu: both huge pages and none", i);
	if ((v->flags & CRMOD_VMA_SEQ_READ) && (v->flags & CRMOD_VMA_RAND_READ))
		return cr_plan_fail(p, "mapping %llu: both sequential and random reads", i);
	if ((v->flags & CRMOD_VMA_MERGEABLE) && !IS_ENABLED(CONFIG_KSM))
		return cr_plan_fail(p, "mapping %llu: mergeable (KSM), which this kernel has not",
				    i);
	return 0;
}

int cr_read_vmas(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_vma *vmas = payload;
	u64 n = len / sizeof(*vmas), i;
	int ret;

	if (p->vmas)
		return cr_plan_fail(p, "a second VMAS section");
	if (len % sizeof(*vmas) || !n)
		return cr_plan_fail(p, "length %llu is not a positive multiple of %zu",
				    len, sizeof(*vmas));
	if (n > CR_MAX_VMAS)
		return cr_plan_fail(p, "%llu mappings, at most %lu", n, CR_MAX_VMAS);
	for (i = 0; i < n; i++) {
		ret = cr_check_vma_record(p, i, &vmas[i], i ? &vmas[i - 1] : NULL);
		if (ret)
			return ret;
	}
	p->vmas = cr_alloc(len);
	if (!p->vmas)
		return -ENOMEM;
	memcpy(p->vmas, payload, len);
	p->nr_vmas = n;
	return 0;
}

/*
 * An image of smaller pages (no larger: cr_read_header()) restarts if
 * every mapping is aligned to this kernel's; its file offsets become this
 * kernel's pages (once: cr_plan_check_mm() runs once a plan).
 */
static int cr_plan_vmas_to_pages(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_vmas; i++) {
		struct crmod_vma *v = &p->vmas[i];
		/* no overflow: cr_check_vma_record() */
		u64 offset = v->pgoff * p->page_size;

		if ((v->start | v->end) & ~PAGE_MASK)
			return cr_fail(p->err,
				       "section VMAS: mapping %u: %#llx-%#llx is not aligned to this kernel's %lu-byte pages (the image has %u-byte pages)",
				       i, v->start, v->end, PAGE_SIZE, p->page_size);
		if (offset & ~PAGE_MASK)
			return cr_fail(p->err,
				       "section VMAS: mapping %u at %#llx: file offset %#llx is not aligned to this kernel's %lu-byte pages (the image has %u-byte pages)",
				       i, v->start, offset, PAGE_SIZE, p->page_size);
	}
	for (i = 0; i < p->nr_vmas; i++)
		p->vmas[i].pgoff = (p->vmas[i].pgoff * p->page_size) >> PAGE_SHIFT;
	return 0;
}

int cr_read_pages(struct cr_plan *p, u64 len, u32 crc_expected)
{
	struct crmod_pages run;
	struct cr_extent *r;
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
	if (run.addr & (p->page_size - 1) || run.addr >= TASK_SIZE)
		return cr_plan_fail(p, "pages at %#llx: not page-aligned in user space",
				    run.addr);
	if (p->nr_runs) {
		const struct cr_extent *last = &p->runs[p->nr_runs - 1];

		if (run.addr < last->addr + last->len)
			return cr_plan_fail(p,
					    "pages at %#llx overlap or precede the run before, at %#llx",
					    run.addr, last->addr);
	}
	ret = cr_plan_grow((void **)&p->runs, p->nr_runs, &p->cap_runs,
			   sizeof(*p->runs), CR_MAX_RUNS);
	if (ret == -E2BIG)
		return cr_plan_fail(p, "more than %lu runs of pages", CR_MAX_RUNS);
	if (ret)
		return ret;
	r = &p->runs[p->nr_runs];
	memset(r, 0, sizeof(*r));
	r->addr = run.addr;
	r->len = run.nr_pages * p->page_size;
	r->head.pages = run;
	r->head_len = sizeof(run);
	ret = cr_plan_read_extent(p, r, crc_expected);
	if (ret)
		return ret;
	p->nr_runs++;
	return 0;
}

const struct crmod_vma *cr_plan_vma_at(struct cr_plan *p, u64 addr)
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

bool cr_plan_mapped(struct cr_plan *p, u64 start, u64 len, u32 prot)
{
	u64 end = start + len;

	if (end < start)
		return false;
	while (start < end) {
		const struct crmod_vma *v = cr_plan_vma_at(p, start);

		if (!v || (v->prot & prot) != prot)
			return false;
		start = v->end;
	}
	return true;
}

/* The caller's own vDSO and vvar mappings, to be moved where the image had them. */
static void cr_find_specials(struct mm_struct *mm, unsigned long *at,
			     unsigned long *len)
{
	struct vm_area_struct *vma;
	size_t i;

	memset(at, 0, CR_NR_SPECIALS * sizeof(*at));
	memset(len, 0, CR_NR_SPECIALS * sizeof(*len));
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end)) {
		u32 flag = cr_special_flag(cr_vma_special_name(vma));

		for (i = 0; i < CR_NR_SPECIALS; i++)
			if (flag == cr_specials[i].flag) {
				at[i] = vma->vm_start;
				len[i] = vma->vm_end - vma->vm_start;
			}
	}
}

/*
 * The image's [vdso] is not this kernel's: crmod stands in for it, with
 * this kernel's special mappings moved together elsewhere (vdso.c).
 */
static int cr_plan_vdso_proxy(struct cr_plan *p, const struct crmod_vma *old,
			      const unsigned long *at, const unsigned long *len)
{
	unsigned long start = ULONG_MAX, end = 0;
	u32 k;

	for (k = 0; k < CR_NR_SPECIALS; k++) {
		if (!len[k])
			continue;
		start = min(start, at[k]);
		end = max(end, at[k] + len[k]);
	}
	return cr_vdso_plan_proxy(p, old, at[0], len[0], start, end);
}

/* Is the image's [vdso] this kernel's own? */
static int cr_same_vdso(struct cr_plan *p, const struct crmod_vma *v,
			unsigned long here, unsigned long len, bool *same)
{
	u32 id = 0;
	int ret;

	*same = false;
	if (v->end - v->start != len)
		return 0;
	ret = cr_vdso_id_here(here, len, &id);
	if (ret)
		return cr_fail(p->err, "cannot read this kernel's vDSO: error %d", ret);
	*same = id == v->build_id;
	return 0;
}

static int cr_check_specials(struct cr_plan *p)
{
	unsigned long at[CR_NR_SPECIALS], len[CR_NR_SPECIALS];
	u32 i, k, seen[CR_NR_SPECIALS] = { 0 };
	bool same;
	int ret = 0;

	if (mmap_read_lock_killable(current->mm))
		return -EINTR;
	cr_find_specials(current->mm, at, len);
	mmap_read_unlock(current->mm);
	for (i = 0; i < p->nr_vmas && len[0]; i++) {
		if (p->vmas[i].flags != CRMOD_VMA_VDSO)
			continue;
		ret = cr_same_vdso(p, &p->vmas[i], at[0], len[0], &same);
		if (!ret && !same)
			return cr_plan_vdso_proxy(p, &p->vmas[i], at, len);
		if (ret)
			return ret;
		break;
	}
	for (i = 0; i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];

		for (k = 0; k < CR_NR_SPECIALS; k++) {
			if (v->flags != cr_specials[k].flag)
				continue;
			seen[k]++;
			if (v->end - v->start != len[k])
				return cr_fail(p->err,
					       "the image's %s is %llu bytes, this kernel's %lu: restart on the kernel the checkpoint was taken on",
					       cr_specials[k].name, v->end - v->start,
					       len[k]);
		}
	}
	for (k = 0; k < CR_NR_SPECIALS; k++) {
		if (seen[k] > 1 || (seen[k] && !len[k]))
			return cr_fail(p->err,
				       "the image has %u %s mappings; this kernel gives a process %u: restart on the kernel the checkpoint was taken on",
				       seen[k], cr_specials[k].name, !!len[k]);
	}
	return 0;
}

/* Where the restored process's own fields point must be mapped. */
static int cr_check_mm_fields(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;

	if (t->arg_end > t->arg_start &&
	    !cr_plan_mapped(p, t->arg_start, t->arg_end - t->arg_start,
			    CRMOD_PROT_READ))
		return cr_fail(p->err, "section TASK: the arguments at %#llx-%#llx are not mapped",
			       t->arg_start, t->arg_end);
	if (t->env_end > t->env_start &&
	    !cr_plan_mapped(p, t->env_start, t->env_end - t->env_start,
			    CRMOD_PROT_READ))
		return cr_fail(p->err, "section TASK: the environment at %#llx-%#llx is not mapped",
			       t->env_start, t->env_end);
	if (t->start_stack && !cr_plan_vma_at(p, t->start_stack))
		return cr_fail(p->err, "section TASK: the stack start %#llx is not mapped",
			       t->start_stack);
	if (t->brk > t->start_brk &&
	    !cr_plan_mapped(p, t->start_brk,
			    PAGE_ALIGN(t->brk) - t->start_brk, 0))
		return cr_fail(p->err, "section TASK: the heap %#llx-%#llx is not mapped",
			       t->start_brk, t->brk);
	if (t->rseq && !cr_plan_mapped(p, t->rseq, t->rseq_len,
				       CRMOD_PROT_READ | CRMOD_PROT_WRITE))
		return cr_fail(p->err,
			       "section TASK: the rseq area at %#llx is not mapped writable",
			       t->rseq);
	return 0;
}

/*
 * A vm sysctl as the kernel has it now (they are not exported, and ppc64's
 * kallsyms finds no variables); def if it cannot be read (not a fallible
 * step: nothing fails).
 */
static long cr_vm_sysctl(const char *name, long def)
{
	char path[48], buf[24] = "";
	struct file *f;
	loff_t pos = 0;
	long val = def;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return def;
	if (kernel_read(f, buf, sizeof(buf) - 1, &pos) <= 0 ||
	    kstrtol(strim(buf), 10, &val))
		val = def;
	fput(f);
	return val;
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

/*
 * Whether vm_mmap() of it commits its memory (mm/mmap.c's
 * accountable_mapping(): private and writable; restart never asks for
 * MAP_NORESERVE, and hugetlbfs, accounted its own way, is refused before).
 */
static bool cr_vma_committed(const struct crmod_vma *v)
{
	return !(v->flags & (CR_VMA_SPECIAL | CRMOD_VMA_SHARED)) &&
	       (cr_map_prot(v) & PROT_WRITE);
}

/* A size for a message: GiB, MiB or KiB, rounded up or down. */
static const char *cr_pages_str(char *buf, size_t len, u64 pages, bool up)
{
	u64 kib = pages << (PAGE_SHIFT - 10);
	unsigned int shift = kib >= (10ULL << 20) ? 20 : kib >= (10 << 10) ? 10 : 0;
	u64 n = up ? (kib + BIT_ULL(shift) - 1) >> shift : kib >> shift;

	snprintf(buf, len, "%llu %s", n, shift == 20 ? "GiB" : shift ? "MiB" : "KiB");
	return buf;
}

/* Pages the caller's own mappings commit now: cr_unmap_all() returns them. */
static long cr_caller_committed(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	long pages = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end))
		if (vma->vm_flags & VM_ACCOUNT)
			pages += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	mmap_read_unlock(mm);
	return pages;
}

/*
 * vm.overcommit_memory=2: __vm_enough_memory() refuses a mapping that
 * brings the committed total to the commit limit, less the reserves for
 * root (admin_reserve_kbytes, unless CAP_SYS_ADMIN) and for recovering
 * from a big process (user_reserve_kbytes, at most total_vm / 32). Checked
 * for each mapping in the order restart makes them, against what is
 * committed now: what others commit meanwhile is a race only the kernel
 * can judge, after the point of no return.
 */
static int cr_check_commit_never(struct cr_plan *p)
{
	long limit = crmod_sym_vm_commit_limit(), allowed = limit, own;
	long user = cr_vm_sysctl("user_reserve_kbytes", 0) >> (PAGE_SHIFT - 10);
	long others, committed, total_vm = 0, pages;
	char need[24], left[24], lim[24], now[24];
	u32 i;

	if (!ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		allowed -= cr_vm_sysctl("admin_reserve_kbytes", 0) >> (PAGE_SHIFT - 10);
	own = cr_caller_committed(current->mm);
	if (own < 0)
		return own;
	others = max_t(long, (long)vm_memory_committed() - own, 0);
	committed = others;
	for (i = 0; i < p->nr_vmas; i++)
		if (p->vmas[i].flags & CR_VMA_SPECIAL)
			total_vm += (p->vmas[i].end - p->vmas[i].start) >> PAGE_SHIFT;
	for (i = 0; i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];
		long room = allowed - min(total_vm / 32, user) - committed - 1;

		if (v->flags & CR_VMA_SPECIAL)
			continue;
		pages = (v->end - v->start) >> PAGE_SHIFT;
		total_vm += pages;
		if (!cr_vma_committed(v))
			continue;
		if (pages > room)
			return cr_fail(p->err,
				       "mapping %#llx-%#llx needs %s of committed memory; this machine's overcommit policy (vm.overcommit_memory=2) allows at most %s more (CommitLimit %s, %s committed before it)",
				       v->start, v->end,
				       cr_pages_str(need, sizeof(need), pages, true),
				       cr_pages_str(left, sizeof(left), max(room, 0L), false),
				       cr_pages_str(lim, sizeof(lim), limit, false),
				       cr_pages_str(now, sizeof(now), committed, true));
		committed += pages;
	}
	return 0;
}

/*
 * Every private writable mapping restart makes commits its memory, and the
 * overcommit policy (mm/util.c __vm_enough_memory()) may refuse it: after
 * the point of no return, so it is asked here. 0 (heuristic) refuses one
 * mapping larger than RAM and swap, 1 never refuses, 2 is above.
 */
static int cr_check_commit(struct cr_plan *p)
{
	long policy = cr_vm_sysctl("overcommit_memory", OVERCOMMIT_GUESS);
	char need[24], most[24];
	struct sysinfo si;
	u64 limit;
	u32 i;

	if (policy == OVERCOMMIT_ALWAYS)
		return 0;
	if (policy == OVERCOMMIT_NEVER)
		return cr_check_commit_never(p);
	crmod_sym_si_swapinfo(&si);
	limit = totalram_pages() + si.totalswap;
	for (i = 0; i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];
		u64 pages = (v->end - v->start) >> PAGE_SHIFT;

		if (cr_vma_committed(v) && pages > limit)
			return cr_fail(p->err,
				       "mapping %#llx-%#llx needs %s of committed memory; this machine's overcommit policy (vm.overcommit_memory=%ld) allows at most %s (RAM + swap)",
				       v->start, v->end,
				       cr_pages_str(need, sizeof(need), pages, true),
				       policy,
				       cr_pages_str(most, sizeof(most), limit, false));
	}
	return 0;
}

/* The files a VMA maps, opened as the mapping needs them. */
static int cr_open_for_mapping(struct cr_plan *p, const struct crmod_vma *v)
{
	struct cr_file_ref *ref = cr_plan_file(p, v->file);
	bool rw = v->flags & CRMOD_VMA_MAYWRITE;
	struct file **slot, *f;

	switch (ref ? ref->rec.kind : 0) {
	case CRMOD_STATE_REGULAR_FILE:
	case CRMOD_STATE_UNLINKED_FILE:
	case CRMOD_STATE_MEMFD:
	case CRMOD_STATE_SHARED_ANON:
		break;
	default:
		return cr_fail(p->err,
			       "mapping %#llx-%#llx refers to file %u, which the image does not define as a regular file or memory",
			       v->start, v->end, v->file);
	}
	if (v->pgoff + ((v->end - v->start) >> PAGE_SHIFT) >
	    (MAX_LFS_FILESIZE >> PAGE_SHIFT))
		return cr_fail(p->err, "mapping %#llx-%#llx: file offset beyond any file",
			       v->start, v->end);
	if (ref->rec.kind == CRMOD_STATE_MEMFD && rw &&
	    (v->prot & CRMOD_PROT_WRITE) && (ref->rec.seals & F_SEAL_WRITE))
		return cr_fail(p->err,
			       "mapping %#llx-%#llx: writable, of the write-sealed memfd %s",
			       v->start, v->end, ref->path);
	slot = rw ? &ref->mapped_rw : &ref->mapped_ro;
	if (*slot)
		return 0;
	f = cr_plan_open_object(p, ref, (rw ? O_RDWR : O_RDONLY) | O_LARGEFILE);
	if (IS_ERR(f))
		return PTR_ERR(f);
	*slot = f;
	if (!cr_compat_file_can_mmap(f))
		return cr_fail(p->err, "mapping %#llx-%#llx: %s cannot be mapped",
			       v->start, v->end, ref->path);
	return 0;
}

/* Every page of a run inside one private VMA, and inside its file. */
static int cr_check_run(struct cr_plan *p, const struct cr_extent *r)
{
	u64 end = r->addr + r->len;
	const struct crmod_vma *v = cr_plan_vma_at(p, r->addr);
	const struct cr_file_ref *ref;
	u64 offset;

	if (!v || end > v->end || end < r->addr)
		return cr_fail(p->err,
			       "section %u (PAGES): pages %#llx-%#llx are not inside one mapping",
			       r->section, r->addr, end);
	if (!cr_vma_has_content(v))
		return cr_fail(p->err,
			       "section %u (PAGES): pages at %#llx are in a mapping that holds no content of its own",
			       r->section, r->addr);
	if (!v->file)
		return 0;
	/* a private copy of a file page: the page must be in the file */
	ref = cr_plan_file(p, v->file);
	offset = (v->pgoff << PAGE_SHIFT) + (end - v->start);
	if (offset > round_up(ref->rec.size, PAGE_SIZE))
		return cr_fail(p->err,
			       "section %u (PAGES): pages at %#llx are beyond the end of %s",
			       r->section, r->addr, ref->path);
	return 0;
}

/*
 * The kernel keeps /proc/PID/exe as it is while the old executable is
 * mapped (replace_mm_exe_file(): -EBUSY): an image may map the restarting
 * process's own executable only if that is its executable too (then it is
 * kept, not replaced).
 */
static int cr_check_own_exe(struct cr_plan *p)
{
	struct file *mine = cr_file_acquired(cr_compat_mm_exe_file(current->mm));
	int ret = 0;
	u32 i;

	if (!mine)
		return 0;
	for (i = 0; p->exe_denied && i < p->nr_vmas; i++) {
		const struct cr_file_ref *ref = cr_plan_file(p, p->vmas[i].file);

		if (path_equal(&p->exe_denied->f_path, &mine->f_path))
			break;
		if (ref && ref->file && path_equal(&ref->file->f_path, &mine->f_path)) {
			ret = cr_fail(p->err,
				      "mapping %#llx-%#llx is of %s, the restarting process's own executable, which the image's executable cannot replace while it is mapped",
				      p->vmas[i].start, p->vmas[i].end, ref->path);
			break;
		}
	}
	cr_fput(mine);
	return ret;
}

int cr_plan_check_mm(struct cr_plan *p)
{
	struct mm_struct *mm = current->mm;
	u64 locked = 0;
	long max_maps;
	u32 i;
	int ret;

	if (!p->vmas)
		return cr_fail(p->err, "the image has no VMAS section");
	if (atomic_read(&mm->mm_users) != get_nr_threads(current))
		return cr_fail(p->err, "the restarting process shares its address space");
	max_maps = cr_vm_sysctl("max_map_count", DEFAULT_MAX_MAP_COUNT);
	if (p->nr_vmas + CR_SPARE_VMAS > max_maps)
		return cr_fail(p->err, "the image has %u mappings; vm.max_map_count allows %ld",
			       p->nr_vmas, max_maps - CR_SPARE_VMAS);
	ret = p->page_size == PAGE_SIZE ? 0 : cr_plan_vmas_to_pages(p);
	if (!ret)
		ret = cr_check_specials(p);
	if (!ret)
		ret = cr_check_mm_fields(p);
	for (i = 0; !ret && i < p->nr_vmas; i++) {
		const struct crmod_vma *v = &p->vmas[i];

		if (v->flags & CRMOD_VMA_LOCKED)
			locked += v->end - v->start;
		if (v->file)
			ret = cr_open_for_mapping(p, v);
	}
	if (!ret)
		ret = cr_check_own_exe(p);
	for (i = 0; !ret && i < p->nr_runs; i++)
		ret = cr_check_run(p, &p->runs[i]);
	if (!ret && locked && !capable(CAP_IPC_LOCK) &&
	    locked > rlimit(RLIMIT_MEMLOCK))
		ret = cr_fail(p->err,
			      "the image has %llu bytes locked in memory; RLIMIT_MEMLOCK allows %lu without CAP_IPC_LOCK",
			      locked, rlimit(RLIMIT_MEMLOCK));
	if (!ret)
		ret = cr_check_commit(p);
	return ret;
}

/* Restart: past the point of no return. */

struct cr_range {
	unsigned long start, end;
};

/* Unmap everything of the caller's but its vDSO and vvar mappings. */
static int cr_unmap_all(struct cr_plan *p, struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	struct cr_range *ranges;
	int n = 0, i, ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ranges = cr_zalloc_array(mm->map_count ?: 1, sizeof(*ranges));
	if (!ranges) {
		mmap_read_unlock(mm);
		return -ENOMEM;
	}
	for (vma = find_vma(mm, 0); vma && n < mm->map_count;
	     vma = find_vma(mm, vma->vm_end)) {
		if (cr_special_flag(cr_vma_special_name(vma)))
			continue;
		ranges[n].start = vma->vm_start;
		ranges[n].end = vma->vm_end;
		n++;
	}
	mmap_read_unlock(mm);
	for (i = 0; i < n && !ret; i++) {
		ret = cr_fault("unmapping memory") ? -CR_FAULT_ERRNO :
		      vm_munmap(ranges[i].start, ranges[i].end - ranges[i].start);
		if (ret)
			cr_fail(p->err, "unmapping %#lx-%#lx: error %d",
				ranges[i].start, ranges[i].end, ret);
	}
	cr_free(ranges);
	return ret;
}

static int cr_move(struct cr_plan *p, unsigned long from, unsigned long len,
		   unsigned long to, const char *what)
{
	long ret = cr_fault("moving the vDSO") ? -CR_FAULT_ERRNO :
		   cr_arch_mremap(from, len, to);

	if (ret != to)
		return cr_fail(p->err, "moving the %s from %#lx to %#lx: error %ld",
			       what, from, to, ret);
	return 0;
}

/* Move the vDSO and vvar mappings to the image's addresses, by way of free space. */
#define CR_ROOM_TRIES	8

/*
 * Room to move a special mapping through on its way to the image's
 * address: clear of every place one goes (mremap() refuses to move onto an
 * overlapping range, and MREMAP_FIXED would unmap a special already moved
 * there). Spots that overlap are held until a clear one is found.
 */
static unsigned long cr_special_room(const unsigned long *want,
				     const unsigned long *len, unsigned long size)
{
	unsigned long held[CR_ROOM_TRIES], room = -EBUSY;
	int n = 0, i, ret;
	u32 k;

	while (n < CR_ROOM_TRIES) {
		room = cr_fault("mapping room to move the vDSO") ? -CR_FAULT_ERRNO :
		       vm_mmap(NULL, 0, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
		if (IS_ERR_VALUE(room))
			break;
		for (k = 0; k < CR_NR_SPECIALS; k++)
			if (len[k] && want[k] && room < want[k] + len[k] &&
			    want[k] < room + size)
				break;
		if (k == CR_NR_SPECIALS)
			break;
		held[n++] = room;
		room = -EBUSY;
	}
	for (i = 0; i < n; i++) {
		ret = vm_munmap(held[i], size);
		if (ret && !IS_ERR_VALUE(room)) {
			vm_munmap(room, size);
			room = ret;
		}
	}
	return room;
}

static int cr_place_specials(struct cr_plan *p, struct mm_struct *mm)
{
	unsigned long cur[CR_NR_SPECIALS], len[CR_NR_SPECIALS];
	unsigned long want[CR_NR_SPECIALS] = { 0 }, tmp;
	u32 i, k;
	int ret;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	cr_find_specials(mm, cur, len);
	mmap_read_unlock(mm);
	if (p->vdso.active) {
		/* together, as this kernel laid them out: the proxy's block */
		unsigned long start = ULONG_MAX;

		for (k = 0; k < CR_NR_SPECIALS; k++)
			if (len[k])
				start = min(start, cur[k]);
		for (k = 0; k < CR_NR_SPECIALS; k++)
			if (len[k])
				want[k] = p->vdso.base + (cur[k] - start);
	}
	for (i = 0; i < p->nr_vmas && !p->vdso.active; i++)
		for (k = 0; k < CR_NR_SPECIALS; k++)
			if (p->vmas[i].flags == cr_specials[k].flag)
				want[k] = p->vmas[i].start;
	for (k = 0; k < CR_NR_SPECIALS; k++) {
		if (!len[k])
			continue;
		if (!want[k]) {
			ret = vm_munmap(cur[k], len[k]);
			if (ret)
				return cr_fail(p->err, "unmapping the %s: error %d",
					       cr_specials[k].name, ret);
			len[k] = 0;
			continue;
		}
		tmp = cr_special_room(want, len, len[k]);
		if (IS_ERR_VALUE(tmp))
			return cr_fail(p->err, "no room to move the %s (%ld)",
				       cr_specials[k].name, (long)tmp);
		ret = cr_move(p, cur[k], len[k], tmp, cr_specials[k].name);
		if (ret)
			return ret;
		cur[k] = tmp;
	}
	for (k = 0; k < CR_NR_SPECIALS; k++) {
		if (len[k]) {
			ret = cr_move(p, cur[k], len[k], want[k],
				      cr_specials[k].name);
			if (ret)
				return ret;
		}
	}
	return p->vdso.active ? cr_vdso_map_proxy(p) : 0;
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
	if (v->file) {
		struct cr_file_ref *ref = cr_plan_file(p, v->file);

		file = v->flags & CRMOD_VMA_MAYWRITE ? ref->mapped_rw :
						       ref->mapped_ro;
	} else {
		flags |= MAP_ANONYMOUS;
	}
	addr = cr_fault("mapping memory") ? -CR_FAULT_ERRNO :
	       vm_mmap(file, v->start, len, cr_map_prot(v), flags,
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
		ssize_t n = cr_fault("copying memory in") ? -CR_FAULT_ERRNO :
			    crmod_compat_read_user(p->r.file,
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

static int cr_fill_run(struct cr_plan *p, const struct cr_extent *run)
{
	u64 left = run->len;
	u32 crc = cr_crc_update(CR_CRC_INIT, &run->head, run->head_len);
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
		if (cr_fault("copying memory in")) {
			return cr_fail(p->err, "writing memory at %#lx failed", addr);
		} else if (by_force) {
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
	if (!p->frozen && cr_crc_final(crc) != run->crc)
		return cr_fail(p->err,
			       "section %u (PAGES) changed while restarting: CRC32C %#010x, expected %#010x",
			       run->section, cr_crc_final(crc), run->crc);
	return 0;
}

static int cr_restore_mm_fields(struct cr_plan *p, struct mm_struct *mm)
{
	const struct crmod_task *t = &p->task;
	u32 i;
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
	/* the vDSO's ELF image is where this kernel's went, not the proxy */
	for (i = 0; p->vdso.active && i + 1 < t->auxv_words; i += 2)
		if (mm->saved_auxv[i] == AT_SYSINFO_EHDR)
			mm->saved_auxv[i + 1] = p->vdso.new_vdso;
	mmap_write_unlock(mm);

	if (p->exe_denied) {
		struct file *mine = cr_file_acquired(cr_compat_mm_exe_file(mm));
		bool same = mine && path_equal(&mine->f_path, &p->exe_denied->f_path);

		if (mine)
			cr_fput(mine);
		/* the restarting process's own: kept (it may be mapped again) */
		ret = same ? 0 : cr_fault("setting the executable") ? -CR_FAULT_ERRNO :
		      crmod_sym_replace_mm_exe_file(mm, p->exe_denied);
		if (ret)
			cr_fail(p->err, "setting the executable to %s: error %d",
				cr_plan_file(p, t->exe_file)->path, ret);
	}
	return ret;
}

/* The flags madvise() and mlock() had set, set again the same way. */
static int cr_advise_vma(struct cr_plan *p, const struct crmod_vma *v)
{
	unsigned long len = v->end - v->start;
	size_t i;
	long err;

	for (i = 0; i < ARRAY_SIZE(cr_vma_advice); i++) {
		if (!(v->flags & cr_vma_advice[i].flag) || !cr_vma_advice[i].advice)
			continue;
		err = cr_fault("madvise") ? -CR_FAULT_ERRNO :
		      cr_arch_madvise(v->start, len, cr_vma_advice[i].advice);
		if (err)
			return cr_fail(p->err, "madvise(%#llx-%#llx, %d): error %ld",
				       v->start, v->end, cr_vma_advice[i].advice,
				       err);
	}
	if (v->flags & CRMOD_VMA_LOCKED) {
		err = cr_fault("mlock") ? -CR_FAULT_ERRNO :
		      cr_arch_mlock2(v->start, len, v->flags & CRMOD_VMA_LOCKONFAULT ?
				     MLOCK_ONFAULT : 0);
		if (err)
			return cr_fail(p->err, "mlock(%#llx-%#llx): error %ld",
				       v->start, v->end, err);
	}
	return 0;
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
		if (!(p->vmas[i].flags & CR_VMA_SPECIAL))
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

		if ((v->flags & CR_VMA_SPECIAL) || cr_map_prot(v) == v->prot)
			continue;
		err = cr_fault("mprotect") ? -CR_FAULT_ERRNO :
		      cr_arch_mprotect(v->start, v->end - v->start, v->prot);
		if (err)
			ret = cr_fail(p->err, "protecting %#llx-%#llx: error %ld",
				      v->start, v->end, err);
	}
	for (i = 0; !ret && i < p->nr_vmas; i++)
		if (!(p->vmas[i].flags & CR_VMA_SPECIAL))
			ret = cr_advise_vma(p, &p->vmas[i]);
	if (!ret && (p->task.flags & CRMOD_TASK_MLOCK_FUTURE)) {
		long err = cr_fault("mlockall") ? -CR_FAULT_ERRNO :
			   cr_arch_mlockall(MCL_FUTURE |
					    (p->task.flags & CRMOD_TASK_MLOCK_ONFAULT ?
					     MCL_ONFAULT : 0));

		if (err)
			ret = cr_fail(p->err, "mlockall(MCL_FUTURE): error %ld", err);
	}
	if (!ret)
		ret = cr_restore_mm_fields(p, mm);
	return ret;
}
