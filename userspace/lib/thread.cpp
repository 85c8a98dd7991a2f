// Raw threads for restart (crctl/thread.hpp): the clone3() trampoline of
// each arch, and raw system calls that leave errno (thread state the new
// thread must not touch) alone.
#include "crctl/thread.hpp"

#include <cerrno>

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/syscall.h>

namespace crctl {

// crctl_clone3_run's frame in the assembler, the same on both arches.
#define CRCTL_ASM_START                                                                                    \
	"\t.pushsection .text\n\t.globl crctl_clone3_run\n\t.type crctl_clone3_run, @function\n"         \
	"\t.p2align 4\ncrctl_clone3_run:"
#define CRCTL_ASM_END "\t.size crctl_clone3_run, .-crctl_clone3_run\n\t.popsection\n"

#if defined(__x86_64__)
// crctl_clone3_run(args: rdi, size: rsi, fn: rdx, arg: rcx). The system
// call keeps every register but rax, rcx and r11, in the child too: fn and
// arg wait in rbx and r12, callee-saved, which the parent restores. The
// child starts with rsp at the top of its stack (16-byte aligned), so the
// call leaves fn the alignment the ABI gives at a function's entry.
asm(CRCTL_ASM_START R"(
	.cfi_startproc
	endbr64
	pushq %rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq %r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	movq %rdx, %rbx
	movq %rcx, %r12
	movl $435, %eax		# __NR_clone3
	syscall
	testq %rax, %rax
	jz 1f
	popq %r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq %rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	ret
1:	.cfi_undefined %rip	# the child: nothing to return to
	xorl %ebp, %ebp
	movq %r12, %rdi
	call *%rbx
	movq %rax, %rdi
	movl $60, %eax		# __NR_exit: this thread alone
	syscall
	hlt
	.cfi_endproc
)" CRCTL_ASM_END);

long raw_syscall(long number, long a, long b, long c, long d) noexcept
{
	long ret;
	register long r10 asm("r10") = d;
	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
		     : "rcx", "r11", "memory");
	return ret;
}

#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
// crctl_clone3_run(args: r3, size: r4, fn: r5, arg: r6), ELFv2. sc keeps
// the non-volatile registers (r14-r31), in the child too, and says a
// failure by cr0.SO with the errno in r3: fn and arg wait in r30 and r31,
// saved in the parent's protected zone below its stack pointer (it calls
// nothing). The child starts with r1 at the top of its stack; it makes the
// minimal frame (back chain 0) a callee may use, and calls fn through r12
// and ctr, as ELFv2 wants of an indirect call (fn finds its TOC from r12).
asm(CRCTL_ASM_START R"(
	std 30, -16(1)
	std 31, -8(1)
	mr 30, 5
	mr 31, 6
	li 0, 435		# __NR_clone3
	sc
	bns+ 1f
	neg 3, 3
	b 2f
1:	cmpdi 3, 0
	beq 3f
2:	ld 30, -16(1)
	ld 31, -8(1)
	blr
3:	li 0, 0
	stdu 0, -32(1)
	mr 3, 31
	mr 12, 30
	mtctr 12
	bctrl
	li 0, 1			# __NR_exit: this thread alone
	sc
	trap
)" CRCTL_ASM_END);

long raw_syscall(long number, long a, long b, long c, long d) noexcept
{
	register long r0 asm("r0") = number;
	register long r3 asm("r3") = a;
	register long r4 asm("r4") = b;
	register long r5 asm("r5") = c;
	register long r6 asm("r6") = d;
	asm volatile("sc\n\t"
		     "bns+ 1f\n\t"
		     "neg %1, %1\n"
		     "1:"
		     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6)
		     :
		     : "r7", "r8", "r9", "r10", "r11", "r12", "ctr", "cr0", "memory");
	return r3;
}

#else
#error "crctl starts raw threads on x86_64 and ppc64le (ELFv2) only"
#endif

long map_stack(RawStack &stack, std::size_t size) noexcept
{
	void *base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	stack = {base, size};
	return 0;
}

long start_raw_thread(const RawStack &stack, std::uint32_t tid, RawThreadFn fn, void *arg) noexcept
{
	// clone3() reads set_tid as pid_t
	pid_t want = static_cast<pid_t>(tid);
	clone_args args{};
	args.flags = thread_clone_flags;
	args.stack = reinterpret_cast<std::uintptr_t>(stack.base);
	args.stack_size = stack.size;
	if (tid) {
		args.set_tid = reinterpret_cast<std::uintptr_t>(&want);
		args.set_tid_size = 1;
	}
	return crctl_clone3_run(&args, sizeof(args), fn, arg);
}

} // namespace crctl
