// Builds images (format 3, or 2) in memory for the tests, good or deliberately bad.
#pragma once

#include "crctl/crc32c.hpp"

#include <fcntl.h>
#include <linux/crmod.h>

#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <optional>
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

inline crmod_pending_signal pending_signal(std::uint32_t signo, std::uint32_t flags, std::int32_t si_code = 0);

class ImageBuilder {
public:
	explicit ImageBuilder(const crmod_machine &machine, std::uint32_t format = CRMOD_IMAGE_FORMAT)
	{
		crmod_image_header h{};
		std::memcpy(h.magic, CRMOD_IMAGE_MAGIC, sizeof(h.magic));
		h.format_version = format;
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

// A thread other than the leader: its THREAD section and its own sections.
struct ThreadSpec {
	crmod_thread thread{};
	crmod_task task{};
	crmod_x86_regs x86{};
	std::string xsave;
	crmod_ppc_regs ppc{};
	crmod_signals signals{};
	std::vector<crmod_pending_signal> pending;
};

// A small but complete process, as a checkpoint of a program on machine
// would have it: tests change a field, then build().
struct ProcessSpec {
	crmod_machine machine{};
	crmod_task task{};
	std::vector<std::pair<crmod_file, std::string>> files;
	// FILE_DATA extents, each written right after its file's FILE section
	// (file_data.len is set from the string)
	std::vector<std::pair<crmod_file_data, std::string>> file_data;
	std::string cgroup;
	std::optional<crmod_namespaces> namespaces;	// a NAMESPACES section if set
	std::optional<crmod_process> parent;	// a PROCESS section if set: a child of a tree
	std::vector<crmod_vma> vmas;
	std::vector<crmod_vdso_sym> vdso;	// a VDSO section if not empty
	std::vector<crmod_pages> runs;
	crmod_x86_regs x86{};
	std::string xsave;	// the XSAVE area after x86
	crmod_ppc_regs ppc{};
	crmod_signals signals{};
	std::vector<crmod_pending_signal> pending;
	crmod_creds creds{};
	std::vector<std::uint32_t> groups;	// creds.ngroups is set from it
	std::vector<std::pair<crmod_pipe, std::string>> pipes;	// pipe.len is set from the string
	crmod_timers timers{};
	std::vector<crmod_ofd> ofds;
	std::vector<crmod_fd> fds;
	std::vector<crmod_lock> locks;
	std::vector<ThreadSpec> threads;

	// Sections in the order the module writes them: FILEs (each followed by
	// its FILE_DATA), PIPEs, TASK, PROCESS, NAMESPACES, CGROUP, VMAS, VDSO, PAGES runs, the arch's REGS,
	// SIGNALS, PENDING, CREDS, TIMERS, OFDS, FDS, LOCKS, then for each thread
	// THREAD, TASK, REGS, SIGNALS, PENDING. emit(type, payload) for each.
	template <typename Emit> void sections(Emit &&emit) const
	{
		for (const auto &[f, path] : files) {
			emit(CRMOD_SEC_FILE, raw(f) + path + '\0');
			for (auto [d, bytes] : file_data)
				if (d.file == f.id) {
					d.len = bytes.size();
					emit(CRMOD_SEC_FILE_DATA, raw(d) + bytes);
				}
		}
		for (auto [pipe, bytes] : pipes) {
			pipe.len = bytes.size();
			emit(CRMOD_SEC_PIPE, raw(pipe) + bytes);
		}
		emit(CRMOD_SEC_TASK, raw(task));
		if (parent)
			emit(CRMOD_SEC_PROCESS, raw(*parent));
		if (namespaces)
			emit(CRMOD_SEC_NAMESPACES, raw(*namespaces));
		emit(CRMOD_SEC_CGROUP, cgroup + '\0');
		emit(CRMOD_SEC_VMAS, raw(vmas));
		if (!vdso.empty())
			emit(CRMOD_SEC_VDSO, raw(vdso));
		for (const auto &run : runs)
			emit(CRMOD_SEC_PAGES, raw(run) + std::string(run.nr_pages * machine.page_size, 'p'));
		if (machine.arch == CRMOD_ARCH_X86_64)
			emit(CRMOD_SEC_REGS_X86, raw(x86) + xsave);
		else
			emit(CRMOD_SEC_REGS_PPC, raw(ppc));
		emit(CRMOD_SEC_SIGNALS, raw(signals));
		emit(CRMOD_SEC_PENDING, raw(pending));
		auto c = creds;
		c.ngroups = static_cast<std::uint32_t>(groups.size());
		emit(CRMOD_SEC_CREDS, raw(c) + raw(groups));
		emit(CRMOD_SEC_TIMERS, raw(timers));
		emit(CRMOD_SEC_OFDS, raw(ofds));
		emit(CRMOD_SEC_FDS, raw(fds));
		emit(CRMOD_SEC_LOCKS, raw(locks));
		for (const auto &t : threads) {
			emit(CRMOD_SEC_THREAD, raw(t.thread));
			emit(CRMOD_SEC_TASK, raw(t.task));
			if (machine.arch == CRMOD_ARCH_X86_64)
				emit(CRMOD_SEC_REGS_X86, raw(t.x86) + t.xsave);
			else
				emit(CRMOD_SEC_REGS_PPC, raw(t.ppc));
			emit(CRMOD_SEC_SIGNALS, raw(t.signals));
			emit(CRMOD_SEC_PENDING, raw(t.pending));
		}
	}

	// A thread like the leader, with tid, its own stack pointer and
	// SIGUSR2 pending to it alone.
	ThreadSpec thread_like_leader(std::uint32_t tid) const
	{
		ThreadSpec t;
		t.thread.tid = tid;
		t.task = task;
		t.task.pid = tid;
		t.x86 = x86;
		t.x86.sp -= 0x1000;
		t.xsave = xsave;
		t.ppc = ppc;
		t.ppc.gpr[1] -= 0x1000;
		t.signals = signals;
		t.pending = {pending_signal(12, 0)};
		return t;
	}

	// The builder with every section but END, leaving out the sections of
	// type without (0: none).
	ImageBuilder builder(std::uint32_t without = 0, std::uint32_t format = CRMOD_IMAGE_FORMAT) const
	{
		ImageBuilder b(machine, format);
		sections([&](std::uint32_t type, const std::string &payload) {
			if (type != without)
				b.section(type, payload);
		});
		return b;
	}
	std::string build(std::uint32_t without = 0) const { return builder(without).finish(); }
	// The same, of format (2: an image of a crmod before threads).
	std::string build_format(std::uint32_t format) const { return builder(0, format).finish(); }

	// The index of the nth section of type, in build()'s order.
	std::size_t index(std::uint32_t type, std::size_t nth = 0) const
	{
		std::size_t i = 0, found = ~std::size_t{0};
		sections([&](std::uint32_t t, const std::string &) {
			if (t == type && nth-- == 0)
				found = i;
			i++;
		});
		return found;
	}

	// The image offset of byte `at` of section index's payload.
	std::uint64_t payload_offset(std::size_t index, std::uint64_t at = 0) const
	{
		return builder().offset_of(index) + sizeof(crmod_section_header) + at;
	}
};

inline crmod_file file_record(std::uint32_t id, std::uint32_t kind, const std::string &path, std::uint32_t mode,
			      std::uint64_t size = 0)
{
	crmod_file f{};
	f.id = id;
	f.kind = kind;
	f.size = size ? size : kind == CRMOD_STATE_REGULAR_FILE ? 18'744 * id : 4096;
	f.mtime_sec = 1'700'000'000 + id;
	f.mtime_nsec = 123'456'789;
	f.mode = mode;
	f.ino = 1000 + id;
	f.uid = 1000;
	f.gid = 1000;
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

inline crmod_ofd ofd_entry(std::uint32_t id, std::uint32_t kind, std::uint32_t object, std::uint32_t flags,
			   std::int64_t pos = 0)
{
	return {.id = id, .kind = kind, .object = object, .flags = flags, .pos = pos};
}

inline crmod_fd fd_entry(std::uint32_t fd, std::uint32_t ofd, std::uint32_t fd_flags = 0)
{
	return {.fd = fd, .ofd = ofd, .fd_flags = fd_flags, .reserved = 0};
}

inline crmod_lock lock_entry(std::uint32_t ofd, std::uint32_t kind, std::uint32_t type, std::int64_t start,
			     std::int64_t end)
{
	return {.ofd = ofd, .kind = kind, .type = type, .reserved = 0, .start = start, .end = end};
}

inline crmod_pending_signal pending_signal(std::uint32_t signo, std::uint32_t flags, std::int32_t si_code)
{
	crmod_pending_signal p{};
	p.signo = signo;
	p.flags = flags;
	auto si_signo = static_cast<std::int32_t>(signo);
	std::memcpy(p.info, &si_signo, sizeof(si_signo));
	std::memcpy(p.info + 8, &si_code, sizeof(si_code));
	return p;
}

// File ids of the sample process.
enum SampleFile : std::uint32_t {
	exe_id = 1, log_id, cwd_id, devnull_id, memfd_id, shm_id, tmp_id, scratch_id, fifo_id,
};

// /usr/bin/counter, sleeping in nanosleep in /var/lib/counter, in cgroup
// /user.slice/counter.scope: its text and data, a heap, a stack, a shared
// mapping of a sealed memfd and of shared memory (each with a page of
// content), the vDSO; two page runs; a SIGINT handler, SIGPIPE ignored,
// SIGUSR1 blocked and pending; uid 1000, oom_score_adj 100, CPUs 0-3 and 8,
// an alarm in 1.5 s; stdio inherited, /dev/null, a log file open for
// appending on fds 4 and 7 (flock and a POSIX lock on it), both ends of a
// pipe holding 5 bytes, the memfd, a deleted file in /tmp, and a FIFO.
inline ProcessSpec sample_process(const crmod_machine &machine)
{
	ProcessSpec p;
	p.machine = machine;
	const std::uint64_t page = machine.page_size;
	const std::uint64_t text = 0x10000000, heap = 0x20000000, shared = 0x30000000, stack_top = 0x7ffff0000000;

	std::strcpy(p.task.comm, "counter");
	p.task.pid = 4242;
	p.task.umask = 022;
	p.task.exe_file = exe_id;
	p.task.cwd_file = cwd_id;
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
	p.task.robust_list = stack_top - 0x2000;
	p.task.robust_list_len = 24;
	p.task.clear_child_tid = stack_top - 0x2100;
	p.task.timer_slack_ns = p.task.default_timer_slack_ns = 50'000;
	p.task.oom_score_adj = 100;
	p.task.loginuid = 1000;
	p.task.sessionid = 3;
	p.task.dumpable = 1;
	p.task.pdeath_signal = 15;	// SIGTERM
	p.task.flags = CRMOD_TASK_NO_NEW_PRIVS | CRMOD_TASK_AFFINITY | CRMOD_TASK_LOGINUID;
	p.task.sched_policy = 3;	// SCHED_BATCH
	p.task.ioprio = (2 << 13) | 4;	// best-effort, level 4
	p.task.coredump_filter = 0x33;
	p.task.cpu_affinity[0] = 0x10f;	// CPUs 0-3 and 8
	p.cgroup = "/user.slice/counter.scope";

	auto memfd = file_record(memfd_id, CRMOD_STATE_MEMFD, "memfd:cache", 0100600, 2 * page);
	memfd.seals = 0x2 | 0x4;	// F_SEAL_SHRINK F_SEAL_GROW
	auto devnull = file_record(devnull_id, CRMOD_STATE_CHAR_DEVICE, "/dev/null", 020666, 0);
	devnull.size = 0;
	devnull.dev_major = 1;
	devnull.dev_minor = 3;
	auto scratch = file_record(scratch_id, CRMOD_STATE_UNLINKED_FILE, "/tmp/scratch", 0100600, 100);
	scratch.dir = tmp_id;
	p.files = {
		{file_record(exe_id, CRMOD_STATE_REGULAR_FILE, "/usr/bin/counter", 0100755), "/usr/bin/counter"},
		{file_record(log_id, CRMOD_STATE_REGULAR_FILE, "/var/log/counter.log", 0100644), "/var/log/counter.log"},
		{file_record(cwd_id, CRMOD_STATE_DIRECTORY, "/var/lib/counter", 040755), "/var/lib/counter"},
		{devnull, "/dev/null"},
		{memfd, "memfd:cache"},
		{file_record(shm_id, CRMOD_STATE_SHARED_ANON, "", 0100600, page), ""},
		{file_record(tmp_id, CRMOD_STATE_DIRECTORY, "/tmp", 041777), "/tmp"},
		{scratch, "/tmp/scratch"},
		{file_record(fifo_id, CRMOD_STATE_FIFO, "/run/counter.fifo", 010600), "/run/counter.fifo"},
	};
	p.file_data = {
		{{memfd_id, 0, page, 0}, std::string(page, 'm')},
		{{shm_id, 0, 0, 0}, std::string(page, 's')},
		{{scratch_id, 0, 0, 0}, std::string(100, 't')},
	};
	const auto rx = CRMOD_PROT_READ | CRMOD_PROT_EXEC, rw = CRMOD_PROT_READ | CRMOD_PROT_WRITE;
	p.vmas = {
		vma(text, text + page, rx, 0, exe_id),
		vma(text + page, text + 2 * page, rw, 0, exe_id, 1),
		vma(heap, heap + 2 * page, rw, CRMOD_VMA_HEAP | CRMOD_VMA_ACCOUNT),
		vma(shared, shared + 2 * page, rw, CRMOD_VMA_SHARED | CRMOD_VMA_MAYWRITE, memfd_id),
		vma(shared + 2 * page, shared + 3 * page, rw, CRMOD_VMA_SHARED | CRMOD_VMA_MAYWRITE | CRMOD_VMA_DONTFORK, shm_id),
		vma(stack_top - 4 * page, stack_top, rw, CRMOD_VMA_GROWSDOWN | CRMOD_VMA_LOCKED),
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
	pipe.capacity = 16 * page;
	crmod_pipe fifo = pipe;
	fifo.id = 2;
	fifo.fifo = fifo_id;
	p.pipes = {{pipe, "hello"}, {fifo, ""}};
	p.timers.real.value_ns = 1'500'000'000;

	const std::uint32_t o_rdonly = 0, o_wronly = 01, o_rdwr = 02, o_append = 02000;
	p.ofds = {
		ofd_entry(1, CRMOD_OFD_INHERIT, 0, o_rdwr),
		ofd_entry(2, CRMOD_OFD_INHERIT, 1, o_rdwr),
		ofd_entry(3, CRMOD_OFD_INHERIT, 2, o_rdwr),
		ofd_entry(4, CRMOD_OFD_FILE, devnull_id, o_rdwr),
		ofd_entry(5, CRMOD_OFD_FILE, log_id, o_wronly | o_append, 4096),
		ofd_entry(6, CRMOD_OFD_PIPE, 1, o_rdonly),
		ofd_entry(7, CRMOD_OFD_PIPE, 1, o_wronly),
		ofd_entry(8, CRMOD_OFD_FILE, memfd_id, o_rdwr, 10),
		ofd_entry(9, CRMOD_OFD_FILE, scratch_id, o_rdwr),
		ofd_entry(10, CRMOD_OFD_PIPE, 2, o_rdwr),
	};
	p.fds = {
		fd_entry(0, 1), fd_entry(1, 2), fd_entry(2, 3), fd_entry(3, 4),
		fd_entry(4, 5, CRMOD_FD_CLOEXEC), fd_entry(5, 6), fd_entry(6, 7), fd_entry(7, 5),
		fd_entry(8, 8), fd_entry(9, 9), fd_entry(10, 10),
	};
	p.locks = {
		lock_entry(5, CRMOD_LOCK_FLOCK, 1, 0, -1),
		lock_entry(5, CRMOD_LOCK_POSIX, F_WRLCK, 0, 99),
	};
	return p;
}

} // namespace crctl::test
