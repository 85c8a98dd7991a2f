// Names of the bits and values the process sections hold, shared by the
// decoder (what is known) and the describer (what to call it). libcrctl
// internal.
#pragma once

#include "crctl/describe.hpp"
#include "format.hpp"

#include <linux/crmod.h>

#include <cstdint>
#include <vector>

namespace crctl::detail {

inline std::uint64_t mask_of(const std::vector<BitName> &table)
{
	std::uint64_t mask = 0;
	for (const auto &entry : table)
		mask |= entry.mask;
	return mask;
}

// SA_* as x86_64 and powerpc both define them: all a process may set.
inline const std::vector<BitName> sa_flags = {
	{0x1, "SA_NOCLDSTOP"},	     {0x2, "SA_NOCLDWAIT"},	{0x4, "SA_SIGINFO"},
	{0x400, "SA_UNSUPPORTED"},   {0x800, "SA_EXPOSE_TAGBITS"}, {0x04000000, "SA_RESTORER"},
	{0x08000000, "SA_ONSTACK"},  {0x10000000, "SA_RESTART"},	{0x40000000, "SA_NODEFER"},
	{0x80000000, "SA_RESETHAND"},
};
inline const std::vector<BitName> ss_flags = {{0x1, "SS_ONSTACK"}, {0x2, "SS_DISABLE"}, {bit(31), "SS_AUTODISARM"}};

inline const std::vector<BitName> ppc_regs_flags = {
	{CRMOD_PPC_HAS_VMX, "vmx"}, {CRMOD_PPC_HAS_VSX, "vsx"}, {CRMOD_PPC_HAS_TAR, "tar"},
	{CRMOD_PPC_HAS_DSCR, "dscr"}, {CRMOD_PPC_HAS_PPR, "ppr"},
};

inline const std::vector<BitName> vma_flags = {
	{CRMOD_VMA_SHARED, "shared"},	    {CRMOD_VMA_GROWSDOWN, "growsdown"},	 {CRMOD_VMA_VDSO, "vdso"},
	{CRMOD_VMA_VVAR, "vvar"},	    {CRMOD_VMA_HEAP, "heap"},		 {CRMOD_VMA_ACCOUNT, "account"},
	{CRMOD_VMA_VVAR_VCLOCK, "vvar_vclock"}, {CRMOD_VMA_LOCKED, "locked"},	 {CRMOD_VMA_LOCKONFAULT, "lockonfault"},
	{CRMOD_VMA_DONTFORK, "dontfork"},   {CRMOD_VMA_WIPEONFORK, "wipeonfork"}, {CRMOD_VMA_DONTDUMP, "dontdump"},
	{CRMOD_VMA_HUGEPAGE, "hugepage"},   {CRMOD_VMA_NOHUGEPAGE, "nohugepage"}, {CRMOD_VMA_MERGEABLE, "mergeable"},
	{CRMOD_VMA_SEQ_READ, "seq_read"},   {CRMOD_VMA_RAND_READ, "rand_read"},	 {CRMOD_VMA_MAYWRITE, "maywrite"},
};

inline const std::vector<BitName> task_flags = {
	{CRMOD_TASK_CHILD_SUBREAPER, "child_subreaper"}, {CRMOD_TASK_NO_NEW_PRIVS, "no_new_privs"},
	{CRMOD_TASK_THP_DISABLE, "thp_disable"},	 {CRMOD_TASK_MLOCK_FUTURE, "mlock_future"},
	{CRMOD_TASK_MLOCK_ONFAULT, "mlock_onfault"},	 {CRMOD_TASK_AFFINITY, "affinity"},
	{CRMOD_TASK_LOGINUID, "loginuid"},
};

// F_SEAL_* (include/uapi/linux/fcntl.h), F_SEAL_EXEC from 6.3 on.
inline const std::vector<BitName> seal_flags = {
	{0x1, "F_SEAL_SEAL"},  {0x2, "F_SEAL_SHRINK"},	      {0x4, "F_SEAL_GROW"},
	{0x8, "F_SEAL_WRITE"}, {0x10, "F_SEAL_FUTURE_WRITE"}, {0x20, "F_SEAL_EXEC"},
};
inline constexpr std::uint32_t f_seal_write = 0x8;

// O_* as open(2) takes them on the image's arch: four bits differ.
inline constexpr std::uint32_t o_accmode = 03, o_rdonly = 0, o_wronly = 01, o_rdwr = 02, o_path = 010000000;
inline std::vector<BitName> open_flags(std::uint32_t arch)
{
	std::vector<BitName> flags = {
		{0100, "O_CREAT"},	   {0200, "O_EXCL"},	    {0400, "O_NOCTTY"},	   {01000, "O_TRUNC"},
		{02000, "O_APPEND"},	   {04000, "O_NONBLOCK"},   {010000, "O_DSYNC"},   {020000, "O_ASYNC"},
		{01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"}, {04000000, "O_SYNC"}, {o_path, "O_PATH"},
		{020000000, "O_TMPFILE"},
	};
	if (arch == CRMOD_ARCH_PPC64)
		flags.insert(flags.end(), {{040000, "O_DIRECTORY"}, {0100000, "O_NOFOLLOW"},
					   {0200000, "O_LARGEFILE"}, {0400000, "O_DIRECT"}});
	else
		flags.insert(flags.end(), {{040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"},
					   {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"}});
	return flags;
}
// What an open file description keeps (CR_OFD_FLAGS in module/fdtable.c):
// the access mode, O_APPEND O_NONBLOCK O_DSYNC O_NOATIME O_SYNC O_PATH, and
// O_DIRECT O_LARGEFILE O_DIRECTORY O_NOFOLLOW, whose four bits are the same
// set on both arches.
inline constexpr std::uint32_t ofd_known_flags =
	o_accmode | 02000 | 04000 | 010000 | 01000000 | 04000000 | o_path | 040000 | 0100000 | 0200000 | 0400000;

inline constexpr ValueName ofd_kinds[] = {
	{CRMOD_OFD_FILE, "file"}, {CRMOD_OFD_PIPE, "pipe"}, {CRMOD_OFD_INHERIT, "inherit"}, {CRMOD_OFD_PARENT, "parent"}};
inline constexpr ValueName lock_kinds[] = {{CRMOD_LOCK_FLOCK, "flock"}, {CRMOD_LOCK_POSIX, "posix"}, {CRMOD_LOCK_OFD, "ofd"}};
// F_RDLCK and F_WRLCK (asm-generic, both arches)
inline constexpr ValueName lock_types[] = {{0, "read"}, {1, "write"}};
// SCHED_* without SCHED_RESET_ON_FORK
inline constexpr ValueName sched_policies[] = {
	{0, "SCHED_NORMAL"}, {1, "SCHED_FIFO"}, {2, "SCHED_RR"}, {3, "SCHED_BATCH"}, {5, "SCHED_IDLE"},
};
inline constexpr std::uint32_t sched_reset_on_fork = 0x40000000;
inline constexpr ValueName ioprio_classes[] = {{0, "none"}, {1, "realtime"}, {2, "best-effort"}, {3, "idle"}};
inline std::uint32_t ioprio_class(std::uint32_t ioprio) { return (ioprio >> 13) & 7; }
inline std::uint32_t ioprio_level(std::uint32_t ioprio) { return ioprio & ((1u << 13) - 1); }

// The end of the largest user address space of the arch: x86_64 with
// 5-level paging, powerpc64's 4 PB. The module checks against its own
// kernel's, which may be smaller.
inline std::uint64_t user_space_end(std::uint32_t arch)
{
	return arch == CRMOD_ARCH_PPC64 ? std::uint64_t{1} << 52 : (std::uint64_t{1} << 56) - 4096;
}

} // namespace crctl::detail
