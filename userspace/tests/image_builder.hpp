// Builds format-v1 images in memory for the tests, good or deliberately bad.
#pragma once

#include "crctl/crc32c.hpp"

#include <linux/crmod.h>

#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace crctl::test {

// The bytes of a structure (or an array of them), as a payload.
template <typename T> std::string raw(const T &value)
{
	return std::string(reinterpret_cast<const char *>(&value), sizeof(value));
}
template <typename T> std::string raw(const std::vector<T> &values)
{
	return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
}

class ImageBuilder {
public:
	explicit ImageBuilder(const crmod_machine &machine)
	{
		crmod_image_header h{};
		std::memcpy(h.magic, CRMOD_IMAGE_MAGIC, sizeof(h.magic));
		h.format_version = CRMOD_IMAGE_FORMAT;
		h.header_size = sizeof(h);
		h.created_ns = 1'790'000'000'000'000'000ULL;
		h.machine = machine;
		h.header_crc = crc32c(std::as_bytes(std::span(&h, 1)).first(offsetof(crmod_image_header, header_crc)));
		append(&h, sizeof(h));
	}

	ImageBuilder &section(std::uint32_t type, const std::string &payload)
	{
		crmod_section_header s{};
		s.type = type;
		s.length = payload.size();
		s.payload_crc = crc32c(std::as_bytes(std::span(payload)));
		s.header_crc = crc32c(std::as_bytes(std::span(&s, 1)).first(offsetof(crmod_section_header, header_crc)));
		offsets_.push_back(bytes_.size());
		append(&s, sizeof(s));
		bytes_ += payload;
		bytes_.append((CRMOD_IMAGE_ALIGN - payload.size() % CRMOD_IMAGE_ALIGN) % CRMOD_IMAGE_ALIGN, '\0');
		if (type != CRMOD_SEC_END)
			sections_++;
		return *this;
	}

	// A FILE section: the record, then the path and its NUL.
	ImageBuilder &file(const crmod_file &f, const std::string &path)
	{
		return section(CRMOD_SEC_FILE, raw(f) + path + '\0');
	}

	// A PAGES run, its pages filled with fill.
	ImageBuilder &pages(const crmod_pages &run, std::uint32_t page_size, char fill = 'p')
	{
		return section(CRMOD_SEC_PAGES, raw(run) + std::string(run.nr_pages * page_size, fill));
	}

	// The offset of the header of section index (in order of section() calls).
	std::uint64_t offset_of(std::size_t index) const { return offsets_.at(index); }

	// The END section, counting what came before it.
	std::string finish()
	{
		crmod_image_trailer t{sections_, bytes_.size()};
		section(CRMOD_SEC_END, raw(t));
		return bytes_;
	}

private:
	void append(const void *data, std::size_t size) { bytes_.append(static_cast<const char *>(data), size); }

	std::string bytes_;
	std::uint64_t sections_ = 0;
	std::vector<std::uint64_t> offsets_;
};

// A small but complete process, as a checkpoint of a program on machine
// would have it: tests change a field, then build().
struct ProcessSpec {
	crmod_machine machine{};
	crmod_task task{};
	std::vector<std::pair<crmod_file, std::string>> files;
	std::vector<crmod_vma> vmas;
	std::vector<crmod_pages> runs;
	crmod_x86_regs x86{};
	std::string xsave;	// the XSAVE area after x86
	crmod_ppc_regs ppc{};
	crmod_signals signals{};
	std::vector<crmod_pending_signal> pending;
	crmod_creds creds{};
	std::vector<std::uint32_t> groups;	// creds.ngroups is set from it
	std::vector<std::pair<crmod_pipe, std::string>> pipes;	// pipe.len is set from the string
	std::vector<crmod_fd> fds;

	// Sections in the order the module writes them: FILEs, PIPEs, TASK,
	// VMAS, PAGES runs, the arch's REGS, SIGNALS, PENDING, CREDS, FDS.
	ImageBuilder builder() const
	{
		ImageBuilder b(machine);
		for (const auto &[f, path] : files)
			b.file(f, path);
		for (auto [pipe, bytes] : pipes) {
			pipe.len = bytes.size();
			b.section(CRMOD_SEC_PIPE, raw(pipe) + bytes);
		}
		b.section(CRMOD_SEC_TASK, raw(task));
		b.section(CRMOD_SEC_VMAS, raw(vmas));
		for (const auto &run : runs)
			b.pages(run, machine.page_size);
		if (machine.arch == CRMOD_ARCH_X86_64)
			b.section(CRMOD_SEC_REGS_X86, raw(x86) + xsave);
		else
			b.section(CRMOD_SEC_REGS_PPC, raw(ppc));
		b.section(CRMOD_SEC_SIGNALS, raw(signals));
		b.section(CRMOD_SEC_PENDING, raw(pending));
		auto c = creds;
		c.ngroups = static_cast<std::uint32_t>(groups.size());
		b.section(CRMOD_SEC_CREDS, raw(c) + raw(groups));
		b.section(CRMOD_SEC_FDS, raw(fds));
		return b;
	}
	std::string build() const { return builder().finish(); }

	// Section indexes in build()'s order.
	std::size_t file_section(std::size_t i) const { return i; }
	std::size_t pipe_section(std::size_t i) const { return files.size() + i; }
	std::size_t task_section() const { return files.size() + pipes.size(); }
	std::size_t vmas_section() const { return task_section() + 1; }
	std::size_t pages_section(std::size_t i) const { return vmas_section() + 1 + i; }
	std::size_t regs_section() const { return vmas_section() + 1 + runs.size(); }
	std::size_t signals_section() const { return regs_section() + 1; }
	std::size_t pending_section() const { return regs_section() + 2; }
	std::size_t creds_section() const { return regs_section() + 3; }
	std::size_t fds_section() const { return regs_section() + 4; }

	// The image offset of byte `at` of section index's payload.
	std::uint64_t payload_offset(std::size_t index, std::uint64_t at = 0) const
	{
		return builder().offset_of(index) + sizeof(crmod_section_header) + at;
	}
};

inline crmod_file file_record(std::uint32_t id, std::uint32_t kind, const std::string &path, std::uint32_t mode)
{
	crmod_file f{};
	f.id = id;
	f.kind = kind;
	f.size = kind == CRMOD_FILE_REGULAR ? 18'744 * id : 4096;
	f.mtime_sec = 1'700'000'000 + id;
	f.mtime_nsec = 123'456'789;
	f.mode = mode;
	f.ino = 1000 + id;
	f.path_len = static_cast<std::uint32_t>(path.size() + 1);
	return f;
}

inline crmod_vma vma(std::uint64_t start, std::uint64_t end, std::uint32_t prot, std::uint32_t flags,
		     std::uint32_t file = 0, std::uint64_t pgoff = 0)
{
	crmod_vma v{};
	v.start = start;
	v.end = end;
	v.pgoff = pgoff;
	v.prot = prot;
	v.flags = flags;
	v.file = file;
	return v;
}

inline crmod_fd fd_entry(std::uint32_t fd, std::uint32_t kind, std::uint32_t file_flags, std::int64_t pos = 0,
			 std::uint32_t file = 0, std::uint32_t fd_flags = 0)
{
	crmod_fd f{};
	f.fd = fd;
	f.kind = kind;
	f.file_flags = file_flags;
	f.fd_flags = fd_flags;
	f.pos = pos;
	f.file = file;
	return f;
}

inline crmod_pending_signal pending_signal(std::uint32_t signo, std::uint32_t flags, std::int32_t si_code = 0)
{
	crmod_pending_signal p{};
	p.signo = signo;
	p.flags = flags;
	auto si_signo = static_cast<std::int32_t>(signo);
	std::memcpy(p.info, &si_signo, sizeof(si_signo));
	std::memcpy(p.info + 8, &si_code, sizeof(si_code));
	return p;
}

// /usr/bin/counter, sleeping in nanosleep in /var/lib/counter: its text and
// data, a heap, a stack, the vDSO; two page runs; a SIGINT handler, SIGPIPE
// ignored, SIGUSR1 blocked and pending; uid 1000; stdio inherited, a log
// file open for appending, and both ends of a pipe holding 5 bytes.
inline ProcessSpec sample_process(const crmod_machine &machine)
{
	ProcessSpec p;
	p.machine = machine;
	const std::uint64_t page = machine.page_size;
	const std::uint64_t text = 0x10000000, heap = 0x20000000, stack_top = 0x7ffff0000000;

	std::strcpy(p.task.comm, "counter");
	p.task.pid = 4242;
	p.task.umask = 022;
	p.task.exe_file = 1;
	p.task.cwd_file = 3;
	p.task.rseq = stack_top - 0x1000;
	p.task.rseq_len = 32;
	p.task.rseq_sig = 0x53053053;
	p.task.start_code = text;
	p.task.end_code = text + page;
	p.task.start_data = text + page;
	p.task.end_data = text + 2 * page;
	p.task.start_brk = heap;
	p.task.brk = heap + 2 * page;
	p.task.start_stack = stack_top - 0x100;
	p.task.arg_start = stack_top - 0x80;
	p.task.arg_end = stack_top - 0x70;
	p.task.env_start = stack_top - 0x70;
	p.task.env_end = stack_top - 0x10;
	std::uint64_t auxv[] = {6 /* AT_PAGESZ */, page, 9 /* AT_ENTRY */, text + 0x40, 0, 0};
	std::memcpy(p.task.auxv, auxv, sizeof(auxv));
	p.task.auxv_words = 6;
	for (int i = 0; i < CRMOD_RLIMITS; i++)
		p.task.rlim_cur[i] = p.task.rlim_max[i] = ~0ULL;
	p.task.rlim_cur[7] = 1024;	// RLIMIT_NOFILE
	p.task.rlim_max[7] = 4096;
	p.task.rlim_cur[3] = 8 << 20;	// RLIMIT_STACK

	p.files = {
		{file_record(1, CRMOD_FILE_REGULAR, "/usr/bin/counter", 0100755), "/usr/bin/counter"},
		{file_record(2, CRMOD_FILE_REGULAR, "/var/log/counter.log", 0100644), "/var/log/counter.log"},
		{file_record(3, CRMOD_FILE_DIRECTORY, "/var/lib/counter", 040755), "/var/lib/counter"},
	};
	const auto rx = CRMOD_PROT_READ | CRMOD_PROT_EXEC, rw = CRMOD_PROT_READ | CRMOD_PROT_WRITE;
	p.vmas = {
		vma(text, text + page, rx, 0, 1),
		vma(text + page, text + 2 * page, rw, 0, 1, 1),
		vma(heap, heap + 2 * page, rw, CRMOD_VMA_HEAP),
		vma(stack_top - 4 * page, stack_top, rw, CRMOD_VMA_GROWSDOWN),
		vma(stack_top + 16 * page, stack_top + 18 * page, CRMOD_PROT_READ, CRMOD_VMA_VVAR),
		vma(stack_top + 18 * page, stack_top + 19 * page, rx, CRMOD_VMA_VDSO),
	};
	p.runs = {{heap, 1}, {stack_top - 2 * page, 2}};

	p.x86.ip = text + 0x123;
	p.x86.sp = stack_top - 0x200;
	p.x86.ax = static_cast<std::uint64_t>(-4);	// -EINTR
	p.x86.orig_ax = 230;	// clock_nanosleep
	p.x86.flags = 0x246;
	p.x86.fs_base = 0x7ffff7d8a740;
	p.x86.cs = 0x33;
	p.x86.ss = 0x2b;
	p.x86.xsave_size = 1024;
	p.xsave = std::string(1024, '\0');
	std::uint64_t xstate_bv = 0x7;	// x87 sse avx
	std::memcpy(p.xsave.data() + 512, &xstate_bv, sizeof(xstate_bv));

	p.ppc.gpr[1] = stack_top - 0x200;
	p.ppc.nip = text + 0x124;
	p.ppc.msr = 0x800000000280f033;
	p.ppc.link = text + 0x80;
	p.ppc.ctr = 0x10;
	p.ppc.ccr = 0x22000444;
	p.ppc.trap = 0xc00;
	p.ppc.flags = CRMOD_PPC_HAS_VMX | CRMOD_PPC_HAS_VSX;

	p.signals.action[1].handler = text + 0x200;	// SIGINT
	p.signals.action[1].flags = 0x04000000 | 0x10000000;	// SA_RESTORER SA_RESTART
	p.signals.action[1].restorer = text + 0x300;
	p.signals.action[12].handler = 1;	// SIGPIPE: SIG_IGN
	p.signals.blocked = 1u << 9;	// SIGUSR1
	p.signals.altstack_flags = 2;	// SS_DISABLE
	p.pending = {pending_signal(10, CRMOD_SIG_SHARED, 0 /* SI_USER */)};

	p.creds.uid = p.creds.euid = p.creds.suid = p.creds.fsuid = 1000;
	p.creds.gid = p.creds.egid = p.creds.sgid = p.creds.fsgid = 1000;
	p.creds.cap_bset = 0x1ffffffffff;
	p.groups = {24, 27, 1000};

	crmod_pipe pipe{};
	pipe.id = 1;
	pipe.capacity = 65536;
	p.pipes = {{pipe, "hello"}};

	const std::uint32_t o_rdwr = 02, o_wronly = 01, o_append = 02000;
	p.fds = {
		fd_entry(0, CRMOD_FD_INHERIT, o_rdwr),
		fd_entry(1, CRMOD_FD_INHERIT, o_rdwr),
		fd_entry(2, CRMOD_FD_INHERIT, o_rdwr),
		fd_entry(3, CRMOD_FD_DEVNULL, 0),
		fd_entry(4, CRMOD_FD_FILE, o_wronly | o_append, 4096, 2, CRMOD_FD_CLOEXEC),
		fd_entry(5, CRMOD_FD_PIPE, 0, 0, 1),
		fd_entry(6, CRMOD_FD_PIPE, o_wronly, 0, 1),
	};
	return p;
}

} // namespace crctl::test
