/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod fuzz shim: the one stand-in for the kernel's headers. Every
 * <linux/...> and <asm/...> header the module includes is, in this folder,
 * a one-line file that includes this one, so the module's .c files compile
 * unchanged in user space (tests/fuzz/README.md).
 *
 * What is here, and nothing more:
 * - types, constants and macros, with x86_64 values as Debian 12's 6.1
 *   kernel has them;
 * - minimal definitions of the kernel structures the module's code touches
 *   (only the fields it names: checkpoint and phase-2 code must compile);
 * - declarations of the kernel functions it calls. Those phase 1a needs
 *   are defined in shim.c (kvmalloc is malloc, kernel_read reads the fuzz
 *   input, ...); the rest get a generated stub that aborts: reaching one
 *   from the image reader is itself a finding.
 *
 * No libc header is included here: glibc's types (loff_t, sigset_t,
 * siginfo_t, ...) differ from the kernel's. The few libc functions the
 * module calls are declared by hand below.
 */
#ifndef CRMOD_SHIM_KERNEL_H
#define CRMOD_SHIM_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <limits.h>

/* The uapi integer types (__u8 .. __u64, __le32, ...) from the host's own
 * uapi headers: the same as the kernel's on x86_64. */
#include_next <linux/types.h>

/* ---- configuration: Debian 12's amd64 kernel, where it matters ---- */
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_KSM 1
#define CONFIG_AUDIT 1
#define CONFIG_KPROBES 1
#define CONFIG_KALLSYMS 1
/*
 * Left undefined (their #ifdef blocks hold checkpoint or phase-2 code, or
 * checks against the live system): CONFIG_FUTEX, CONFIG_RSEQ,
 * CONFIG_NUMA, CONFIG_TIME_NS, CONFIG_ANON_VMA_NAME, CONFIG_MODIFY_LDT_SYSCALL,
 * CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS, CONFIG_X86_USER_SHADOW_STACK.
 * The CR_HAVE_* API probes the module's Kbuild makes are chosen in
 * tests/fuzz/CMakeLists.txt.
 */
#define KBUILD_MODNAME "crmod"
#define IS_ENABLED(option) __shim_is_enabled(option)
#define __shim_arg_placeholder_1 0,
#define __shim_is_enabled(x) ___shim_is_enabled(__shim_arg_placeholder_##x)
#define ___shim_is_enabled(arg1_or_junk) ____shim_is_enabled(arg1_or_junk 1, 0)
#define ____shim_is_enabled(ignored, val, ...) val

/* ---- compiler ---- */
#undef __always_inline
#define __user
#define __rcu
#define __iomem
#define __force
#define __must_check
#define __always_inline inline __attribute__((always_inline))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __maybe_unused __attribute__((unused))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ __volatile__("" ::: "memory")
#define static_assert(expr, ...) _Static_assert(expr, #expr)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define sizeof_field(t, f) (sizeof(((t *)0)->f))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)

/* Every structure named before its definition. */
struct cred;
struct dentry;
struct file;
struct inode;
struct kernel_siginfo;
struct mm_struct;
struct path;
struct task_struct;
struct vm_area_struct;

/* ---- types ---- */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef long ssize_t;
typedef long long loff_t;
typedef unsigned short umode_t;
typedef u32 dev_t;
typedef unsigned int gfp_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef s64 ktime_t;
typedef void *fl_owner_t;
typedef unsigned long uintptr_t;
typedef struct { uid_t val; } kuid_t;
typedef struct { gid_t val; } kgid_t;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { atomic_t refs; } refcount_t;
typedef struct { int locked; } spinlock_t;
typedef struct { u64 val; } kernel_cap_t;	/* CR_HAVE_CAP_VAL */
typedef void __signalfn_t(int);
typedef __signalfn_t *__sighandler_t;
typedef void __restorefn_t(void);
typedef __restorefn_t *__sigrestore_t;

#define U8_MAX 0xff
#define U16_MAX 0xffff
#define U32_MAX 0xffffffffU
#define U64_MAX 0xffffffffffffffffULL
#define S64_MAX 0x7fffffffffffffffLL
#define BITS_PER_LONG 64
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))
#define upper_32_bits(n) ((u32)((n) >> 32))
#define SZ_4K 0x1000
#define SZ_64K 0x10000
#define SZ_1M 0x100000
#define SZ_16M 0x1000000
#define SZ_1G 0x40000000
#define is_power_of_2(n) ((n) != 0 && ((n) & ((n) - 1)) == 0)
#define ilog2(n) (63 - __builtin_clzll((unsigned long long)(n)))

/* ---- kernel.h, minmax.h, math.h ---- */
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define __ALIGN_MASK(x, mask) (((x) + (mask)) & ~(mask))
#define ALIGN(x, a) __ALIGN_MASK(x, (__typeof__(x))(a) - 1)
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
static inline unsigned int hweight32(u32 w) { return __builtin_popcount(w); }
#define cond_resched() do { } while (0)
#define might_sleep() do { } while (0)
#define pr_info(fmt, ...) shim_printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) shim_printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) shim_printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { } while (0)
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define WARN_ON(c) shim_warn_on(!!(c), __FILE__, __LINE__)
#define WARN_ON_ONCE(c) WARN_ON(c)
#define BUG_ON(c) do { if (c) shim_bug(__FILE__, __LINE__); } while (0)
__printf(1, 2) void shim_printk(const char *fmt, ...);
int shim_warn_on(int cond, const char *file, int line);
void shim_bug(const char *file, int line) __attribute__((noreturn));

/* ---- errno ---- */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define EINVAL 22
#define ESPIPE 29
#define ENAMETOOLONG 36
#define ENOTTY 25
#define ECANCELED 125
#define ENOEXEC 8
#define ERANGE 34
#define EROFS 30
#define ENOSYS 38
#define EOPNOTSUPP 95
#define ESTALE 116
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }

/* ---- libc, declared by hand (see above) ---- */
/* libc: begin (gen-stubs.py makes no stub of these) */
void *malloc(size_t);
void *calloc(size_t, size_t);
void free(void *);
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
void *memchr(const void *, int, size_t);
size_t strlen(const char *);
size_t strnlen(const char *, size_t);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, size_t);
char *strchr(const char *, int);
int snprintf(char *, size_t, const char *, ...) __printf(3, 4);
int sprintf(char *, const char *, ...) __printf(2, 3);
int vsnprintf(char *, size_t, const char *, va_list) __printf(3, 0);
/* libc: end */

/* ---- string.h (the kernel's own helpers) ---- */
void *memchr_inv(const void *s, int c, size_t n);
ssize_t strscpy(char *dst, const char *src, size_t count);
size_t strlcat(char *dst, const char *src, size_t size);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args) __printf(3, 0);
ssize_t strscpy_pad(char *dst, const char *src, size_t count);
char *strim(char *s);
int kstrtol(const char *s, unsigned int base, long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);

/* ---- ctype.h: ASCII, as the kernel's (no locale) ---- */
static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int isprint(int c) { return c >= 0x20 && c < 0x7f; }

/* ---- byte order, unaligned: x86_64 is little-endian ---- */
#define cpu_to_le32(x) ((u32)(x))
#define cpu_to_le64(x) ((u64)(x))
#define le32_to_cpu(x) ((u32)(x))
#define le64_to_cpu(x) ((u64)(x))
static inline u64 get_unaligned_le64(const void *p) { u64 v; memcpy(&v, p, 8); return v; }
static inline u32 get_unaligned_le32(const void *p) { u32 v; memcpy(&v, p, 4); return v; }
static inline void put_unaligned_le64(u64 v, void *p) { memcpy(p, &v, 8); }
static inline void put_unaligned_le32(u32 v, void *p) { memcpy(p, &v, 4); }
#define put_unaligned(v, p) do { __typeof__(*(p)) __v = (v); memcpy((p), &__v, sizeof(__v)); } while (0)
#define get_unaligned(p) ({ __typeof__(*(p)) __v; memcpy(&__v, (p), sizeof(__v)); __v; })

/* ---- lists ---- */
struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
struct hlist_head { struct hlist_node *first; };
struct callback_head { struct callback_head *next; void (*func)(struct callback_head *); };
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_for_each_entry(pos, head, member)					\
	for (pos = list_entry((head)->next, __typeof__(*pos), member);		\
	     &pos->member != (head);						\
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
#define LIST_HEAD(name) struct list_head name = { &(name), &(name) }
static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}
static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}
static inline bool hlist_empty(const struct hlist_head *h) { return !h->first; }
static inline void init_task_work(struct callback_head *t, void (*f)(struct callback_head *))
{
	t->func = f;
}

/* ---- locking, RCU: one thread, nothing to lock ---- */
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))
#define spin_lock_irq(l) ((void)(l))
#define spin_unlock_irq(l) ((void)(l))
#define local_irq_save(f) ((void)(f))
#define local_irq_restore(f) ((void)(f))
struct mutex { int unused; };
#define DEFINE_MUTEX(name) struct mutex name
#define mutex_lock(m) ((void)(m))
#define mutex_unlock(m) ((void)(m))
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define rcu_dereference(p) (p)
static inline int atomic_read(const atomic_t *a) { return a->counter; }
static inline unsigned int refcount_read(const refcount_t *r) { return r->refs.counter; }
#define test_bit(nr, addr) ((*(const unsigned long *)(addr) >> (nr)) & 1)
#define set_bit(nr, addr) (*(unsigned long *)(addr) |= 1UL << (nr))
#define clear_bit(nr, addr) (*(unsigned long *)(addr) &= ~(1UL << (nr)))
#define set_mask_bits(ptr, mask, bits) (*(ptr) = (*(ptr) & ~(mask)) | (bits))
static inline unsigned long shim_next_bit(const unsigned long *addr, unsigned long size,
					  unsigned long from)
{
	for (; from < size; from++)
		if (test_bit(from, addr))
			break;
	return from;
}
#define for_each_set_bit(bit, addr, size) \
	for ((bit) = shim_next_bit((addr), (size), 0); (bit) < (size); \
	     (bit) = shim_next_bit((addr), (size), (bit) + 1))

/* ---- memory ---- */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
/* x86_64, 4-level page tables: the usual user address space */
#define TASK_SIZE_MAX ((1UL << 47) - PAGE_SIZE)
#define TASK_SIZE TASK_SIZE_MAX
#define GFP_KERNEL 0xcc0U
#define __GFP_ZERO 0x100U
#define __GFP_NOWARN 0x2000U
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | 0x400000U)
void *kvmalloc(size_t size, gfp_t flags);
void kvfree(const void *p);
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void kfree(const void *p);
#define u64_to_user_ptr(x) ((void __user *)(uintptr_t)(x))
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);

#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL
#define VM_MAYWRITE 0x20UL
#define VM_MAYSHARE 0x80UL
#define VM_GROWSDOWN 0x100UL
#define VM_PFNMAP 0x400UL
#define VM_LOCKED 0x2000UL
#define VM_IO 0x4000UL
#define VM_SEQ_READ 0x8000UL
#define VM_RAND_READ 0x10000UL
#define VM_DONTCOPY 0x20000UL
#define VM_LOCKONFAULT 0x80000UL
#define VM_ACCOUNT 0x100000UL
#define VM_NORESERVE 0x200000UL
#define VM_HUGETLB 0x400000UL
#define VM_WIPEONFORK 0x2000000UL
#define VM_DONTDUMP 0x4000000UL
#define VM_MIXEDMAP 0x10000000UL
#define VM_HUGEPAGE 0x20000000UL
#define VM_NOHUGEPAGE 0x40000000UL
#define VM_MERGEABLE 0x80000000UL
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_SEQUENTIAL 2
#define MADV_RANDOM 1
#define MADV_DONTFORK 10
#define MADV_MERGEABLE 12
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_WIPEONFORK 18
#define MLOCK_ONFAULT 0x01
#define MCL_FUTURE 2
#define MCL_ONFAULT 4
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define FOLL_WRITE 0x01
#define FOLL_FORCE 0x10
#define FOLL_DUMP 0x08
#define DEFAULT_MAX_MAP_COUNT 65530
#define MMF_DUMPABLE_BITS 2
#define MMF_DUMP_FILTER_SHIFT MMF_DUMPABLE_BITS
#define MMF_DUMP_FILTER_BITS 9
#define MMF_DUMP_FILTER_MASK \
	(((1 << MMF_DUMP_FILTER_BITS) - 1) << MMF_DUMP_FILTER_SHIFT)
#define MMF_DISABLE_THP 24
#define SUID_DUMP_ROOT 2
/* x86_64 with IA32 emulation: 2 * (3 + 20 + 1) */
#define AT_VECTOR_SIZE 48
#define AT_NULL 0
#define AT_SYSINFO_EHDR 33

struct page;
struct anon_vma;
struct mempolicy;
struct vm_area_struct;
struct vm_operations_struct {
	const char *(*name)(struct vm_area_struct *vma);
};
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	unsigned long vm_flags;
	unsigned long vm_pgoff;
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
	struct anon_vma *anon_vma;
	void *anon_name;
	struct mempolicy *vm_policy;
};
typedef struct { void *ldt; u16 pkey_allocation_map; } mm_context_t;
struct mm_struct {
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long saved_auxv[AT_VECTOR_SIZE];
	unsigned long flags;
	unsigned long def_flags;
	int map_count;
	atomic_t mm_users;
	struct file __rcu *exe_file;
	mm_context_t context;
};
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
int mmap_read_lock_killable(struct mm_struct *mm);
void mmap_read_unlock(struct mm_struct *mm);
int mmap_write_lock_killable(struct mm_struct *mm);
void mmap_write_lock(struct mm_struct *mm);
void mmap_write_unlock(struct mm_struct *mm);
bool is_vm_hugetlb_page(struct vm_area_struct *vma);
bool userfaultfd_armed(struct vm_area_struct *vma);
int vma_pkey(struct vm_area_struct *vma);
bool PageAnon(struct page *page);
void put_page(struct page *page);
void *kmap_local_page(struct page *page);
void kunmap_local(const void *addr);
int get_dumpable(struct mm_struct *mm);
void set_dumpable(struct mm_struct *mm, int value);
long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked);
unsigned long vm_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flag, unsigned long offset);
int vm_munmap(unsigned long start, size_t len);
int access_process_vm(struct task_struct *tsk, unsigned long addr, void *buf,
		      int len, unsigned int gup_flags);
int replace_mm_exe_file(struct mm_struct *mm, struct file *new_exe_file);
/* what the overcommit policy weighs (shim_live.c: a big server's) */
#define OVERCOMMIT_GUESS 0
#define OVERCOMMIT_ALWAYS 1
#define OVERCOMMIT_NEVER 2
struct sysinfo { unsigned long totalram, totalswap, freeswap; };
unsigned long totalram_pages(void);
void si_swapinfo(struct sysinfo *val);
unsigned long vm_commit_limit(void);
unsigned long vm_memory_committed(void);

/* ---- time ---- */
#define NSEC_PER_USEC 1000L
#define NSEC_PER_SEC 1000000000L
#define KTIME_MAX ((s64)~((u64)1 << 63))
struct timespec64 { s64 tv_sec; long tv_nsec; };
static inline s64 ktime_to_ns(ktime_t kt) { return kt; }
static inline ktime_t ns_to_ktime(u64 ns) { return ns; }
u64 ktime_get_real_ns(void);
struct hrtimer { ktime_t expires; };
enum hrtimer_mode { HRTIMER_MODE_REL = 1 };
ktime_t __hrtimer_get_remaining(const struct hrtimer *timer, bool adjust);
bool hrtimer_active(const struct hrtimer *timer);
int hrtimer_cancel(struct hrtimer *timer);
void hrtimer_start(struct hrtimer *timer, ktime_t tim, enum hrtimer_mode mode);

/* ---- ids, capabilities, credentials ---- */
struct user_namespace { int level; };
extern struct user_namespace init_user_ns;
#define INVALID_UID ((kuid_t){ (uid_t)-1 })
#define INVALID_GID ((kgid_t){ (gid_t)-1 })
static inline bool uid_eq(kuid_t a, kuid_t b) { return a.val == b.val; }
static inline bool gid_eq(kgid_t a, kgid_t b) { return a.val == b.val; }
static inline bool uid_valid(kuid_t u) { return u.val != (uid_t)-1; }
static inline bool gid_valid(kgid_t g) { return g.val != (gid_t)-1; }
kuid_t make_kuid(struct user_namespace *ns, uid_t uid);
kgid_t make_kgid(struct user_namespace *ns, gid_t gid);
uid_t from_kuid_munged(struct user_namespace *ns, kuid_t uid);
gid_t from_kgid_munged(struct user_namespace *ns, kgid_t gid);
#define NGROUPS_MAX 65536
struct group_info { atomic_t usage; int ngroups; kgid_t gid[]; };
struct cred {
	kuid_t uid, suid, euid, fsuid;
	kgid_t gid, sgid, egid, fsgid;
	unsigned int securebits;
	kernel_cap_t cap_inheritable, cap_permitted, cap_effective, cap_bset,
		     cap_ambient;
	struct user_namespace *user_ns;
	struct group_info *group_info;
};
const struct cred *current_cred(void);
struct user_namespace *current_user_ns(void);
const struct cred *get_cred(const struct cred *cred);
void put_cred(const struct cred *cred);
struct cred *prepare_creds(void);
void abort_creds(struct cred *new);
int commit_creds(struct cred *new);
struct group_info *groups_alloc(int gidsetsize);
void groups_sort(struct group_info *gi);
void set_groups(struct cred *new, struct group_info *gi);
void put_group_info(struct group_info *gi);
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_IPC_LOCK 14
#define CAP_SYS_CHROOT 18
#define CAP_SYS_ADMIN 21
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_AUDIT_CONTROL 30
#define CAP_CHECKPOINT_RESTORE 40
#define CAP_LAST_CAP CAP_CHECKPOINT_RESTORE
bool capable(int cap);
bool ns_capable(struct user_namespace *ns, int cap);
bool ns_capable_noaudit(struct user_namespace *ns, int cap);
#define issecure_mask(X) (1 << (X))
#define SECURE_NOROOT 0
#define SECURE_NO_SETUID_FIXUP 2
#define SECURE_KEEP_CAPS 4
#define SECURE_NO_CAP_AMBIENT_RAISE 6
#define SECURE_ALL_BITS (issecure_mask(SECURE_NOROOT) | \
			 issecure_mask(SECURE_NO_SETUID_FIXUP) | \
			 issecure_mask(SECURE_KEEP_CAPS) | \
			 issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE))
#define SECURE_ALL_LOCKS (SECURE_ALL_BITS << 1)

/* ---- files ---- */
#define PATH_MAX 4096
#define MAX_LFS_FILESIZE ((loff_t)LLONG_MAX)
#define OFFSET_MAX ((loff_t)LLONG_MAX)
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define FASYNC 00020000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define __O_SYNC 04000000
#define O_SYNC (__O_SYNC | O_DSYNC)
#define O_PATH 010000000
#define __O_TMPFILE 020000000
#define O_TMPFILE (__O_TMPFILE | O_DIRECTORY)
#define F_SETLK 6
#define F_OFD_SETLK 37
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_SETPIPE_SZ 1031
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#define F_SEAL_FUTURE_WRITE 0x0010
#define FL_POSIX 1
#define FL_FLOCK 2
#define FL_OFDLCK 1024
#define SEEK_SET 0
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define AT_STATX_SYNC_AS_STAT 0x0000
#define STATX_BASIC_STATS 0x000007ffU
#define ATTR_MODE (1 << 0)
#define ATTR_UID (1 << 1)
#define ATTR_GID (1 << 2)
#define ATTR_MTIME (1 << 5)
#define ATTR_MTIME_SET (1 << 8)
#define I_MUTEX_PARENT 1
#define SB_NOUSER BIT(31)
#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))
#define MEM_MAJOR 1

typedef unsigned int fmode_t;
#define FMODE_READ ((fmode_t)0x1)
#define FMODE_WRITE ((fmode_t)0x2)
#define FMODE_LSEEK ((fmode_t)0x4)
#define FMODE_PREAD ((fmode_t)0x8)
#define FMODE_PWRITE ((fmode_t)0x10)
#define FMODE_PATH ((fmode_t)0x4000)
#define FMODE_STREAM ((fmode_t)0x200000)

struct qstr { const unsigned char *name; };
struct dentry {
	struct qstr d_name;
	struct dentry *d_parent;
	struct inode *d_inode;
};
struct vfsmount { struct dentry *mnt_root; int mnt_flags; };
struct path { struct vfsmount *mnt; struct dentry *dentry; };
struct super_block { unsigned long s_magic; unsigned long s_flags; };
struct pipe_inode_info;
struct inode {
	umode_t i_mode;
	kuid_t i_uid;
	kgid_t i_gid;
	unsigned int i_nlink;
	dev_t i_rdev;
	loff_t i_size;
	struct timespec64 i_mtime;
	struct super_block *i_sb;
	struct pipe_inode_info *i_pipe;
};
struct pid;
struct fown_struct { struct pid *pid; };
struct file_operations { int (*mmap)(struct file *, struct vm_area_struct *); };
struct file {
	struct path f_path;
	struct inode *f_inode;
	const struct file_operations *f_op;
	spinlock_t f_lock;
	fmode_t f_mode;
	unsigned int f_flags;
	loff_t f_pos;
	struct fown_struct f_owner;
	/* the shim's own: what kernel_read() reads */
	const u8 *shim_data;
	size_t shim_size;
};
struct kstat {
	u64 ino;
	dev_t dev, rdev;
	umode_t mode;
	unsigned int nlink;
	kuid_t uid;
	kgid_t gid;
	loff_t size;
	struct timespec64 mtime;
};
struct iattr {
	unsigned int ia_valid;
	umode_t ia_mode;
	kuid_t ia_uid;
	kgid_t ia_gid;
	struct timespec64 ia_mtime;
};
struct mnt_idmap;
static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }
static inline struct inode *d_inode(const struct dentry *d) { return d->d_inode; }
static inline unsigned int imajor(const struct inode *i) { return MAJOR(i->i_rdev); }
static inline loff_t i_size_read(const struct inode *i) { return i->i_size; }
static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->dentry == b->dentry && a->mnt == b->mnt;
}
ssize_t kernel_read(struct file *file, void *buf, size_t count, loff_t *pos);
ssize_t kernel_write(struct file *file, const void *buf, size_t count, loff_t *pos);
/* tree.c: past the point of no return only, never reached */
typedef unsigned int __poll_t;
#define EPOLLIN 0x1
#define EPOLLERR 0x8
#define EPOLLHUP 0x10
struct poll_table_struct;
__poll_t vfs_poll(struct file *file, struct poll_table_struct *pt);
long schedule_timeout_killable(long timeout);
unsigned long msecs_to_jiffies(unsigned int m);
struct file *fget(unsigned int fd);
void fput(struct file *f);
struct file *get_file(struct file *f);
struct file *get_file_rcu(struct file __rcu **f);
struct file *filp_open(const char *filename, int flags, umode_t mode);
struct file *dentry_open(const struct path *path, int flags, const struct cred *cred);
struct file *file_open_root(const struct path *root, const char *filename,
			    int flags, umode_t mode);
int deny_write_access(struct file *file);
void allow_write_access(struct file *file);
int vfs_getattr(const struct path *path, struct kstat *stat, u32 request_mask,
		unsigned int query_flags);
loff_t vfs_llseek(struct file *file, loff_t offset, int whence);
int vfs_truncate(const struct path *path, loff_t length);
int kern_path(const char *name, unsigned int flags, struct path *path);
void path_put(const struct path *path);
char *d_path(const struct path *path, char *buf, int buflen);
char *file_path(struct file *file, char *buf, int buflen);
bool d_unlinked(const struct dentry *dentry);
struct dentry *dget_parent(struct dentry *dentry);
struct dentry *dget(struct dentry *dentry);
void dput(struct dentry *dentry);
void inode_lock(struct inode *inode);
void inode_unlock(struct inode *inode);
void inode_lock_nested(struct inode *inode, unsigned int subclass);
struct mnt_idmap *file_mnt_idmap(struct file *file);
int notify_change(struct mnt_idmap *idmap, struct dentry *dentry,
		  struct iattr *attr, struct inode **delegated);
int vfs_unlink(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry,
	       struct inode **delegated);
int close_fd(unsigned int fd);
int replace_fd(unsigned int fd, struct file *file, unsigned int flags);

/* file locks */
struct file_lock_context {
	spinlock_t flc_lock;
	struct list_head flc_flock, flc_posix, flc_lease;
};
struct file_lock {
	struct list_head fl_list;
	fl_owner_t fl_owner;
	unsigned int fl_flags;
	unsigned char fl_type;
	pid_t fl_pid;
	struct file *fl_file;
	loff_t fl_start, fl_end;
};
struct file_lock_context *locks_inode_context(const struct inode *inode);
void locks_init_lock(struct file_lock *fl);
int locks_lock_inode_wait(struct inode *inode, struct file_lock *fl);
int vfs_lock_file(struct file *filp, unsigned int cmd, struct file_lock *fl,
		  struct file_lock *conf);
int vfs_test_lock(struct file *filp, struct file_lock *fl);

/* pipes */
#define PIPE_DEF_BUFFERS 16
#define PIPE_BUF_FLAG_PACKET 0x08
struct pipe_buffer {
	struct page *page;
	unsigned int offset, len;
	unsigned int flags;
};
struct pipe_inode_info {
	unsigned int head, tail, max_usage, ring_size;
	unsigned int readers, writers;
	struct pipe_buffer *bufs;
};
void pipe_lock(struct pipe_inode_info *pipe);
void pipe_unlock(struct pipe_inode_info *pipe);
int create_pipe_files(struct file **res, int flags);
long pipe_fcntl(struct file *file, unsigned int cmd, unsigned int arg);

/* shmem, memfd */
struct shmem_inode_info { unsigned int seals; };
struct shmem_inode_info *SHMEM_I(struct inode *inode);
struct file *shmem_file_setup(const char *name, loff_t size, unsigned long flags);
long memfd_fcntl(struct file *file, unsigned int cmd, unsigned int arg);

/* iov_iter, bio_vec */
struct bio_vec { struct page *bv_page; unsigned int bv_len, bv_offset; };
struct iov_iter { int type; };
struct iovec { void __user *iov_base; size_t iov_len; };
#define ITER_SOURCE 1
#define ITER_DEST 0
#define READ 0
#define WRITE 1
int import_ubuf(int type, void __user *buf, size_t len, struct iov_iter *i);
void iov_iter_bvec(struct iov_iter *i, unsigned int direction,
		   const struct bio_vec *bvec, unsigned long nr_segs, size_t count);
ssize_t vfs_iter_read(struct file *file, struct iov_iter *iter, loff_t *ppos,
		      int flags);
ssize_t vfs_iter_write(struct file *file, struct iov_iter *iter, loff_t *ppos,
		       int flags);

/* filesystem magic numbers (<linux/magic.h>) */
#define ANON_INODE_FS_MAGIC 0x09041934
#define SOCKFS_MAGIC 0x534F434B
#define NSFS_MAGIC 0x6e736673
#define HUGETLBFS_MAGIC 0x958458f6
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define DEBUGFS_MAGIC 0x64626720
#define TRACEFS_MAGIC 0x74726163
#define SECURITYFS_MAGIC 0x73636673
#define SELINUX_MAGIC 0xf97cff8c
#define SMACK_MAGIC 0x43415d53
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270
#define BPF_FS_MAGIC 0xcafe4a11
#define PSTOREFS_MAGIC 0x6165676C
#define EFIVARFS_MAGIC 0xde5e81e4
#define BINFMTFS_MAGIC 0x42494e4d
#define RDTGROUP_SUPER_MAGIC 0x7655821
#define DEVPTS_SUPER_MAGIC 0x1cd1
#define BINDERFS_SUPER_MAGIC 0x6c6f6f70
#define SECRETMEM_MAGIC 0x5345434d
#define DMA_BUF_MAGIC 0x444d4142
#define BDEVFS_MAGIC 0x62646576
#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045

/* ---- CRC32C: the kernel's, in software (shim.c) ---- */
u32 crc32c(u32 crc, const void *address, unsigned int length);

/* ---- signals ---- */
#define _NSIG 64
#define _NSIG_BPW 64
#define _NSIG_WORDS (_NSIG / _NSIG_BPW)
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGSTOP 19
#define SIGRTMIN 32
#define SI_USER 0
#define SI_TKILL (-6)
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_UNSUPPORTED 0x00000400
#define SA_EXPOSE_TAGBITS 0x00000800
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER 0x04000000
#define __ARCH_HAS_SA_RESTORER
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define SS_AUTODISARM (1U << 31)
typedef struct { unsigned long sig[_NSIG_WORDS]; } sigset_t;
#define sigmask(sig) (1UL << ((sig) - 1))
static inline void sigemptyset(sigset_t *s) { s->sig[0] = 0; }
static inline void sigaddset(sigset_t *s, int sig) { s->sig[0] |= 1UL << (sig - 1); }
static inline int sigismember(sigset_t *s, int sig) { return (s->sig[0] >> (sig - 1)) & 1; }
static inline void sigdelsetmask(sigset_t *s, unsigned long mask) { s->sig[0] &= ~mask; }
static inline int valid_signal(unsigned long sig) { return sig <= _NSIG ? 1 : 0; }
#define sig_kernel_only(sig) ((sig) == SIGKILL || (sig) == SIGSTOP)
/* siginfo_t as user space sees it: 128 bytes on x86_64 */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	u8 __fields[112];
} siginfo_t;
typedef siginfo_t kernel_siginfo_t;
struct sigaction {
	__sighandler_t sa_handler;
	unsigned long sa_flags;
	__sigrestore_t sa_restorer;
	sigset_t sa_mask;
};
struct k_sigaction { struct sigaction sa; };
struct sighand_struct {
	refcount_t count;
	spinlock_t siglock;
	struct k_sigaction action[_NSIG];
};
struct sigpending { struct list_head list; sigset_t signal; };
struct sigqueue { struct list_head list; kernel_siginfo_t info; };
void copy_siginfo_to_external(siginfo_t *to, const kernel_siginfo_t *from);
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID };
int do_send_sig_info(int sig, kernel_siginfo_t *info, struct task_struct *p,
		     enum pid_type type);
void force_sig(int sig);

/* ---- rlimits ---- */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)
struct rlimit { unsigned long rlim_cur, rlim_max; };
unsigned long rlimit(unsigned int limit);
int update_rlimit_cpu(struct task_struct *task, unsigned long rlim_new);

/* ---- the task and what hangs off it ---- */
#define TASK_COMM_LEN 16
#define MIN_NICE -20
#define MAX_NICE 19
#define MAX_RT_PRIO 100
#define SCHED_NORMAL 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define PF_MCE_PROCESS 0x00000080
#define PF_LOCAL_THROTTLE 0x00100000
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
#define SECCOMP_MODE_DISABLED 0
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_NR_CLASSES 8
#define IOPRIO_CLASS_MASK (IOPRIO_NR_CLASSES - 1)
#define IOPRIO_PRIO_MASK ((1UL << IOPRIO_CLASS_SHIFT) - 1)
#define IOPRIO_PRIO_CLASS(ioprio) (((ioprio) >> IOPRIO_CLASS_SHIFT) & IOPRIO_CLASS_MASK)
#define IOPRIO_PRIO_DATA(ioprio) ((ioprio) & IOPRIO_PRIO_MASK)
#define __NEW_UTS_LEN 64
struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	     domainname[65];
};
struct uts_namespace { struct new_utsname name; };
extern struct uts_namespace init_uts_ns;
static inline struct new_utsname *init_utsname(void)
{
	return &init_uts_ns.name;
}
/* the shim's restarting process is in the machine's namespaces */
struct ipc_namespace { int unused; };
#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_NR_LEVELS 8
#define NR_CPUS 8192
#define CGROUP_SUBSYS_COUNT 14

struct robust_list { struct robust_list *next; };
struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list __user *list_op_pending;
};
struct cpumask { unsigned long bits[NR_CPUS / BITS_PER_LONG]; };
typedef struct cpumask *cpumask_var_t;
extern const struct cpumask *const cpu_possible_mask;
extern unsigned int nr_cpu_ids;
unsigned int cpumask_size(void);
bool cpumask_equal(const struct cpumask *a, const struct cpumask *b);
bool cpumask_test_cpu(int cpu, const struct cpumask *m);
void cpumask_set_cpu(unsigned int cpu, struct cpumask *m);
bool cpumask_empty(const struct cpumask *m);
unsigned int cpumask_next(int n, const struct cpumask *m);
#define for_each_cpu(cpu, mask) \
	for ((cpu) = cpumask_next(-1, mask); (cpu) < nr_cpu_ids; \
	     (cpu) = cpumask_next(cpu, mask))
bool zalloc_cpumask_var(cpumask_var_t *mask, gfp_t flags);
void free_cpumask_var(cpumask_var_t mask);
long sched_setaffinity(pid_t pid, const struct cpumask *new_mask);

struct fs_struct { int users; int umask; struct path root, pwd; };
void get_fs_pwd(struct fs_struct *fs, struct path *pwd);
void get_fs_root(struct fs_struct *fs, struct path *root);
void set_fs_pwd(struct fs_struct *fs, const struct path *path);
void set_fs_root(struct fs_struct *fs, const struct path *path);
struct files_struct { atomic_t count; spinlock_t file_lock; };
bool close_on_exec(unsigned int fd, const struct files_struct *files);
struct file *fget_task_next(struct task_struct *task, unsigned int *fd);

struct nsproxy {
	struct uts_namespace *uts_ns;
	struct ipc_namespace *ipc_ns;
	void *mnt_ns, *pid_ns_for_children, *net_ns, *time_ns, *cgroup_ns;
};
struct pid_namespace;
struct pid_namespace *task_active_pid_ns(struct task_struct *tsk);
pid_t task_tgid_nr_ns(struct task_struct *tsk, struct pid_namespace *ns);
pid_t task_pid_nr_ns(struct task_struct *tsk, struct pid_namespace *ns);
struct proc_fs_info { struct pid_namespace *pid_ns; };
struct proc_fs_info *proc_sb_info(struct super_block *sb);
struct signal_struct {
	struct hrtimer real_timer;
	ktime_t it_real_incr;
	struct { u64 expires; } it[2];
	struct hlist_head posix_timers;
	struct hlist_head ignored_posix_timers;
	struct sigpending shared_pending;
	struct rlimit rlim[RLIM_NLIMITS];
	short oom_score_adj, oom_score_adj_min;
	unsigned int is_child_subreaper:1;
	unsigned int has_child_subreaper:1;
};
struct io_context { unsigned short ioprio; };
struct perf_event { struct { struct { unsigned long address; } info; } hw; };
#define HBP_NUM 4
#define DR6_RESERVED 0xFFFF0FF0
struct thread_struct {
	struct perf_event *ptrace_bps[HBP_NUM];
	unsigned long virtual_dr6;
	unsigned long ptrace_dr7;
	unsigned long features;
};
struct seccomp { int mode; };
struct sysv_sem { void *undo_list; };
struct task_struct {
	unsigned int flags;
	int prio;
	unsigned int policy;
	unsigned int rt_priority;
	unsigned int sched_reset_on_fork:1;
	struct cpumask cpus_mask;
	unsigned int personality;
	pid_t pid, tgid;
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;
	struct fs_struct *fs;
	struct files_struct *files;
	struct nsproxy *nsproxy;
	struct signal_struct *signal;
	struct sighand_struct *sighand;
	sigset_t blocked;
	struct sigpending pending;
	unsigned long sas_ss_sp;
	size_t sas_ss_size;
	unsigned int sas_ss_flags;
	struct task_struct *group_leader;
	struct robust_list_head __user *robust_list;
	int __user *clear_child_tid;
	u64 timer_slack_ns, default_timer_slack_ns;
	int pdeath_signal;
	struct io_context *io_context;
	struct seccomp seccomp;
	struct sysv_sem sysvsem;
	struct mempolicy *mempolicy;
	struct thread_struct thread;
	kuid_t loginuid;
	unsigned int sessionid;
	unsigned int ptrace;
	struct task_struct *parent;
	struct task_struct *real_parent;
	int exit_state, exit_signal;
};
extern struct task_struct init_task;
extern struct task_struct *shim_current;
/* threads.c: the shim's process has no other thread */
#define for_each_thread(p, t) for ((t) = (p); (t); (t) = NULL)
/* tree.c: and no other process */
#define for_each_process(p) for ((p) = shim_current; (p); (p) = NULL)
#define PF_EXITING	0x00000004
#define PF_IO_WORKER	0x00000010
#define PID_MAX_LIMIT	(4 * 1024 * 1024)
#define swap(a, b) do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)
bool task_is_traced(const struct task_struct *t);
#define __TASK_TRACED	0x00000008
unsigned long wait_task_inactive(struct task_struct *p, unsigned int match_state);
bool ptrace_may_access(struct task_struct *task, unsigned int mode);
void get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);
void sort(void *base, size_t num, size_t size,
	  int (*cmp)(const void *, const void *),
	  void (*swap_fn)(void *, void *, int));
#define current shim_current
static inline bool fatal_signal_pending(struct task_struct *t) { (void)t; return false; }
static inline bool signal_pending(struct task_struct *t) { (void)t; return false; }
int get_nr_threads(struct task_struct *t);
void task_lock(struct task_struct *t);
void task_unlock(struct task_struct *t);
pid_t task_pid_nr(struct task_struct *t);
pid_t task_pid_vnr(struct task_struct *t);
pid_t task_tgid_vnr(struct task_struct *t);
pid_t task_tgid_nr(struct task_struct *t);
pid_t task_tgid_nr_ns(struct task_struct *t, struct pid_namespace *ns);
struct pid *task_pgrp(struct task_struct *t);
struct pid *task_session(struct task_struct *t);
int task_nice(const struct task_struct *p);
bool can_nice(const struct task_struct *p, const int nice);
void set_user_nice(struct task_struct *p, long nice);
bool task_no_new_privs(struct task_struct *p);
void task_set_no_new_privs(struct task_struct *p);
bool task_spec_ssb_disable(struct task_struct *p);
bool task_spec_ssb_force_disable(struct task_struct *p);
bool task_spec_ssb_noexec(struct task_struct *p);
bool task_spec_ib_disable(struct task_struct *p);
bool task_spec_ib_force_disable(struct task_struct *p);
const struct cred *__task_cred(struct task_struct *t);
void __set_task_comm(struct task_struct *tsk, const char *from, bool exec);
int set_task_ioprio(struct task_struct *task, int ioprio);
struct sched_attr {
	u32 size;
	u32 sched_policy;
	u64 sched_flags;
	s32 sched_nice;
	u32 sched_priority;
	u64 sched_runtime, sched_deadline, sched_period;
	u32 sched_util_min, sched_util_max;
};
int sched_setattr_nocheck(struct task_struct *p, const struct sched_attr *attr);
#define TWA_SIGNAL 2
int task_work_add(struct task_struct *task, struct callback_head *twork, int mode);
int test_tsk_thread_flag(struct task_struct *t, int flag);
#define TIF_NOCPUID 15
#define TIF_NOTSC 16

/* audit (CONFIG_AUDIT) */
bool audit_loginuid_set(struct task_struct *tsk);
kuid_t audit_get_loginuid(struct task_struct *tsk);
unsigned int audit_get_sessionid(struct task_struct *tsk);

/* cgroups */
struct cgroup_root;
struct cgroup;
struct cgroup_subsys_state { struct cgroup *cgroup; };
struct cgroup { struct cgroup_subsys_state self; struct cgroup_root *root; };
struct css_set {
	struct cgroup_subsys_state *subsys[CGROUP_SUBSYS_COUNT];
	struct cgroup *dfl_cgrp;
};
struct css_set *task_css_set(struct task_struct *task);
struct cgroup *cgroup_parent(struct cgroup *cgrp);
bool css_tryget(struct cgroup_subsys_state *css);
void css_put(struct cgroup_subsys_state *css);
int cgroup_path_ns(struct cgroup *cgrp, char *buf, size_t buflen, void *ns);

/* ---- x86 ---- */
#define __USER_CS 0x33
#define __USER_DS 0x2b
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define NT_PRSTATUS 1
#define NT_PRFPREG 2
#define NT_X86_XSTATE 0x202
#define PTRACE_POKEUSR 6
#define X86_FEATURE_XSAVE (4 * 32 + 26)
#define X86_FEATURE_OSXSAVE (4 * 32 + 27)
#define XCR_XFEATURE_ENABLED_MASK 0
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FP_XSTATE_MAGIC2_SIZE 4
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx,
		      si, di, orig_ax, ip, cs, flags, sp, ss;
};
struct user_regs_struct {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx,
		      si, di, orig_ax, ip, cs, flags, sp, ss, fs_base, gs_base,
		      ds, es, fs, gs;
};
struct user { struct user_regs_struct regs; unsigned long u_debugreg[8]; };
struct user_regset { unsigned int n, size; };
int regset_get(struct task_struct *target, const struct user_regset *regset,
	       unsigned int size, void *data);
bool boot_cpu_has(int feature);
struct pt_regs *current_pt_regs(void);
struct pt_regs *task_pt_regs(struct task_struct *t);
bool user_64bit_mode(struct pt_regs *regs);
#define TIF_ADDR32 29
long arch_ptrace(struct task_struct *child, long request, unsigned long addr,
		 unsigned long data);
struct _fpx_sw_bytes {
	u32 magic1, extended_size;
	u64 xfeatures;
	u32 xstate_size, padding[7];
};
struct fxregs_state { u8 head[464]; u8 sw_reserved[48]; };
struct sigcontext_64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15, di, si, bp, bx, dx, ax, cx,
	    sp, ip, flags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2, fpstate, reserved1[8];
};
typedef struct { void __user *ss_sp; int ss_flags; size_t ss_size; } stack_t;
struct ucontext {
	unsigned long uc_flags;
	struct ucontext *uc_link;
	stack_t uc_stack;
	struct sigcontext_64 uc_mcontext;
	sigset_t uc_sigmask;
};
struct rt_sigframe { char __user *pretcode; struct ucontext uc; siginfo_t info; };

#endif /* CRMOD_SHIM_KERNEL_H */
