// Decoding and checking the sections that carry process state, by the
// rules of include/uapi/linux/crmod.h and as strictly as the module reads
// them in the first phase of a restart (module/restart.c and the reader of
// each kind of state): the same limits, and the same order, since the module
// checks what a section refers to against the sections read before it. What
// depends on the machine that restarts (a file's identity, the CPU, the
// caller's limits and privileges) is the module's alone. Every refusal
// names the section, the byte offset of the offending field, and the value.
#include "crctl/image.hpp"
#include "crctl/state.hpp"

#include "tables.hpp"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <limits>
#include <map>
#include <string_view>

namespace crctl {

using namespace detail;

std::vector<std::uint32_t> ProcessState::thread_tids() const
{
	std::vector<std::uint32_t> tids;
	for (const auto &t : threads)
		tids.push_back(t.tid);
	return tids;
}

const ImageFile *ProcessState::file(std::uint32_t id) const
{
	return id == 0 || id > files.size() ? nullptr : &files[id - 1];
}

const std::string *ProcessState::file_path(std::uint32_t id) const
{
	const auto *f = file(id);
	return f ? &f->path : nullptr;
}

const crmod_ofd *ProcessState::ofd(std::uint32_t id) const
{
	return !ofds || id == 0 || id > ofds->size() ? nullptr : &(*ofds)[id - 1];
}

FileContent file_content(const ProcessState &process, std::uint32_t file)
{
	FileContent content;
	for (const auto &d : process.file_data)
		if (d.file == file) {
			content.extents++;
			content.bytes += d.len;
		}
	return content;
}

namespace {

constexpr std::uint64_t payload_start = sizeof(crmod_section_header);
// XSAVE: a 512-byte legacy region (MXCSR at byte 24), then the 64-byte
// header: XSTATE_BV, XCOMP_BV (0 in the standard form) and reserved zeros.
constexpr std::uint64_t xsave_legacy_bytes = 512;
constexpr std::uint64_t xsave_min_bytes = xsave_legacy_bytes + 64;
constexpr std::uint64_t mxcsr_offset = 24;
// x86_64 user segments (__USER_CS, __USER_DS)
constexpr std::uint64_t x86_user_cs = 0x33, x86_user_ss = 0x2b;

// The module's limits on counts: beyond them an image is corruption.
constexpr std::size_t max_files = 65536, max_fds = 65536, max_locks = 65536, max_pending = 65536;
constexpr std::size_t max_pipes = 4096, max_vmas = 1u << 20, max_runs = 1u << 24, max_extents = 1u << 22;
constexpr std::uint64_t max_groups = 65536;	// NGROUPS_MAX
constexpr std::uint64_t path_max = 4096;	// PATH_MAX, with its NUL
constexpr std::uint64_t unlinked_max = 64 << 20;
constexpr std::size_t uts_name_max = 64;	// __NEW_UTS_LEN
constexpr std::uint32_t pid_max_limit = 4u << 20;	// PID_MAX_LIMIT on 64-bit
constexpr std::uint64_t max_file_size = std::numeric_limits<std::int64_t>::max();	// MAX_LFS_FILESIZE
constexpr std::uint64_t robust_list_head_bytes = 24;
constexpr std::uint32_t sigkill = 9, sigstop = 19;

// st_mode's file types
constexpr std::uint32_t s_ifmt = 0170000, s_ifreg = 0100000, s_ifdir = 040000, s_iflnk = 0120000,
			s_ifchr = 020000, s_ififo = 010000;

// The kinds a FILE record may have: found again by path, or made anew with
// the content of FILE_DATA.
bool path_kind(std::uint32_t kind)
{
	return kind == CRMOD_STATE_REGULAR_FILE || kind == CRMOD_STATE_DIRECTORY || kind == CRMOD_STATE_SYMLINK ||
	       kind == CRMOD_STATE_CHAR_DEVICE || kind == CRMOD_STATE_FIFO || kind == CRMOD_STATE_KERNEL_VIEW_FILE;
}
bool content_kind(std::uint32_t kind)
{
	return kind == CRMOD_STATE_UNLINKED_FILE || kind == CRMOD_STATE_MEMFD || kind == CRMOD_STATE_SHARED_ANON;
}
std::uint32_t kind_file_type(std::uint32_t kind)
{
	switch (kind) {
	case CRMOD_STATE_DIRECTORY:
		return s_ifdir;
	case CRMOD_STATE_SYMLINK:
		return s_iflnk;
	case CRMOD_STATE_CHAR_DEVICE:
		return s_ifchr;
	case CRMOD_STATE_FIFO:
		return s_ififo;
	default:
		return s_ifreg;
	}
}

// A VMA of the kernel's own: vDSO text and its data pages.
constexpr std::uint32_t vma_special = CRMOD_VMA_VDSO | CRMOD_VMA_VVAR | CRMOD_VMA_VVAR_VCLOCK;
bool vma_has_content(const crmod_vma &v) { return !(v.flags & (vma_special | CRMOD_VMA_SHARED)); }

// Decodes the sections in image order, then checks what refers to what.
class Decoder {
public:
	Decoder(const crmod_machine &machine, std::span<const SectionInfo> sections, std::uint32_t format)
		: machine_(machine), sections_(sections), format_(format), user_end_(user_space_end(machine.arch))
	{
		if (!std::has_single_bit(machine.page_size))
			throw ImageError("header", offsetof(crmod_image_header, machine),
					 fmt::format("page size {} is not a power of two", machine.page_size));
	}

	ProcessState decode()
	{
		for (index_ = 0; index_ < sections_.size(); index_++)
			decode_section();
		finish_thread();
		check_references();
		return std::move(state_);
	}

private:
	const SectionInfo &current() const { return sections_[index_]; }
	std::string type_name() const { return section_type_name(current().type); }

	// A problem with the section as a whole: at its header.
	[[noreturn]] void fail(const std::string &problem) const
	{
		throw ImageError(section_where(index_, current().type), current().offset, problem);
	}

	// A problem with one field: at its byte in the image.
	[[noreturn]] void fail_at(std::uint64_t payload_offset, const std::string &problem) const
	{
		throw ImageError(section_where(index_, current().type),
				 current().offset + payload_start + payload_offset, problem);
	}

	void check_reserved(std::uint64_t value, std::uint64_t payload_offset, std::string_view prefix = "") const
	{
		if (value != 0)
			fail_at(payload_offset, fmt::format("{}reserved field is {:#x}, expected 0", prefix, value));
	}

	// The first count bytes of the payload; read_image keeps them all for
	// the types decoded here.
	std::span<const std::byte> bytes(std::uint64_t count) const
	{
		if (current().data.size() < count)
			fail(fmt::format("only {} of the payload's {} bytes were kept for decoding",
					 current().data.size(), count));
		return std::span(current().data).first(count);
	}

	template <typename T> T load(std::uint64_t payload_offset = 0) const
	{
		T value;
		std::memcpy(&value, bytes(payload_offset + sizeof(T)).subspan(payload_offset).data(), sizeof(T));
		return value;
	}

	template <typename T> T fixed(std::string_view struct_name) const
	{
		if (current().length != sizeof(T))
			fail(fmt::format("{} payload is {} bytes, expected {} (struct {})", type_name(),
					 current().length, sizeof(T), struct_name));
		return load<T>();
	}

	template <typename T> std::vector<T> array(std::string_view struct_name, std::size_t max) const
	{
		if (current().length % sizeof(T) != 0)
			fail(fmt::format("{} payload is {} bytes, not a multiple of {} (struct {})", type_name(),
					 current().length, sizeof(T), struct_name));
		if (current().length / sizeof(T) > max)
			fail(fmt::format("{} holds {} entries, more than the {} restart takes", type_name(),
					 current().length / sizeof(T), max));
		std::vector<T> out(current().length / sizeof(T));
		const auto payload = bytes(current().length);
		if (!out.empty())  // memcpy must not get the NULL of an empty vector
			std::memcpy(out.data(), payload.data(), payload.size());
		return out;
	}

	void at_least(std::uint64_t size, std::string_view struct_name) const
	{
		if (current().length < size)
			fail(fmt::format("{} payload is {} bytes, shorter than the {}-byte struct {}", type_name(),
					 current().length, size, struct_name));
	}

	// Sections but FILE, FILE_DATA, PIPE and PAGES come once: in the
	// process, and a thread's own in each thread.
	void once()
	{
		auto &seen = state_.threads.empty() ? first_of_ : thread_first_of_;
		auto [first, inserted] = seen.try_emplace(current().type, index_);
		if (!inserted)
			fail(fmt::format("a second {} section (the first is section {})", type_name(),
					 first->second));
	}

	// The module checks a reference against the sections read before it.
	void after(std::uint32_t type, std::string_view what) const
	{
		if (!first_of_.contains(type))
			fail(fmt::format("{} before the {} section: {} must come first", what,
					 section_type_name(type), section_type_name(type)));
	}

	void for_arch(std::uint32_t arch) const
	{
		if (machine_.arch != arch)
			fail(fmt::format("{} registers in an image taken on {}", arch_name(arch),
					 arch_name(machine_.arch)));
	}

	void in_user_space(std::uint64_t address, std::uint64_t payload_offset, std::string_view what) const
	{
		if (address >= user_end_)
			fail_at(payload_offset, fmt::format("{} {:#x} is beyond the user address space ({:#x} on {})",
							    what, address, user_end_, arch_name(machine_.arch)));
	}

	// The state the TASK, REGS, SIGNALS and PENDING sections go to: the
	// process's (its leader's), or, after a THREAD section, that thread's.
	TaskState &unit() { return state_.threads.empty() ? static_cast<TaskState &>(state_) : state_.threads.back(); }

	const char *regs_name() const { return machine_.arch == CRMOD_ARCH_X86_64 ? "REGS_X86" : "REGS_PPC"; }

	// After the first THREAD section only threads' own sections come.
	void check_thread_part() const
	{
		const auto type = current().type;
		if (state_.threads.empty() || section_type_name(type).starts_with("unknown"))
			return;
		if (type != CRMOD_SEC_THREAD && type != CRMOD_SEC_TASK && type != CRMOD_SEC_REGS_X86 &&
		    type != CRMOD_SEC_REGS_PPC && type != CRMOD_SEC_SIGNALS && type != CRMOD_SEC_PENDING)
			fail(fmt::format("a {} section among the threads' (the first THREAD is section {}): a "
					 "thread has only TASK, {}, SIGNALS and PENDING sections of its own",
					 type_name(), state_.threads.front().section, regs_name()));
	}

	void decode_thread()
	{
		if (format_ < 3)
			fail(fmt::format("a THREAD section in a format {} image: threads came with format 3", format_));
		auto t = fixed<crmod_thread>("crmod_thread");
		check_reserved(t.reserved, offsetof(crmod_thread, reserved));
		// the process's own sections, in the order the module writes them
		for (auto type : {CRMOD_SEC_TASK, CRMOD_SEC_CGROUP, CRMOD_SEC_VMAS,
				  machine_.arch == CRMOD_ARCH_X86_64 ? CRMOD_SEC_REGS_X86 : CRMOD_SEC_REGS_PPC,
				  CRMOD_SEC_SIGNALS, CRMOD_SEC_PENDING, CRMOD_SEC_CREDS, CRMOD_SEC_TIMERS,
				  CRMOD_SEC_OFDS, CRMOD_SEC_FDS, CRMOD_SEC_LOCKS})
			if (!first_of_.contains(type))
				fail(fmt::format("a THREAD section before the process's {} section: the threads' "
						 "sections come after all of the process's", section_type_name(type)));
		finish_thread();
		if (t.tid == state_.task->pid)
			fail_at(offsetof(crmod_thread, tid),
				fmt::format("thread {} is the process's own pid: its leader has no THREAD section", t.tid));
		for (const auto &other : state_.threads)
			if (other.tid == t.tid)
				fail_at(offsetof(crmod_thread, tid),
					fmt::format("a second thread {} (the first is section {})", t.tid, other.section));
		if (state_.threads.size() == CRMOD_MAX_THREADS)
			fail(fmt::format("more than {} threads", CRMOD_MAX_THREADS));
		ImageThread thread;
		thread.tid = t.tid;
		thread.section = index_;
		state_.threads.push_back(std::move(thread));
		thread_first_of_.clear();
	}

	// The last thread has all four sections of its own.
	void finish_thread() const
	{
		if (state_.threads.empty())
			return;
		const auto &t = state_.threads.back();
		const bool regs = machine_.arch == CRMOD_ARCH_X86_64 ? t.x86_regs.has_value() : t.ppc_regs.has_value();
		const char *missing = !t.task ? "TASK" : !regs ? regs_name() : !t.signals ? "SIGNALS"
								   : !t.pending ? "PENDING" : nullptr;
		if (missing)
			throw ImageError(section_where(t.section, CRMOD_SEC_THREAD), sections_[t.section].offset,
					 fmt::format("thread {} has no {} section: a THREAD section is followed by "
						     "the thread's own TASK, {}, SIGNALS and PENDING", t.tid, missing,
						     regs_name()));
	}

	void decode_section()
	{
		check_thread_part();
		switch (current().type) {
		case CRMOD_SEC_THREAD:
			return decode_thread();
		case CRMOD_SEC_TASK:
			return decode_task();
		case CRMOD_SEC_FILE:
			return decode_file();
		case CRMOD_SEC_FILE_DATA:
			return decode_file_data();
		case CRMOD_SEC_CGROUP:
			return decode_cgroup();
		case CRMOD_SEC_VMAS:
			return decode_vmas();
		case CRMOD_SEC_PAGES:
			return decode_pages();
		case CRMOD_SEC_REGS_X86:
			return decode_x86_regs();
		case CRMOD_SEC_REGS_PPC:
			return decode_ppc_regs();
		case CRMOD_SEC_SIGNALS:
			return decode_signals();
		case CRMOD_SEC_PENDING:
			return decode_pending();
		case CRMOD_SEC_CREDS:
			return decode_creds();
		case CRMOD_SEC_TIMERS:
			return decode_timers();
		case CRMOD_SEC_PIPE:
			return decode_pipe();
		case CRMOD_SEC_OFDS:
			return decode_ofds();
		case CRMOD_SEC_FDS:
			return decode_fds();
		case CRMOD_SEC_LOCKS:
			return decode_locks();
		case CRMOD_SEC_VDSO:
			return decode_vdso();
		case CRMOD_SEC_NAMESPACES:
			return decode_namespaces();
		case CRMOD_SEC_PROCESS:
			return decode_process_link();
		default:
			return;	// listed as an unknown type; restart refuses it
		}
	}

	void decode_task()
	{
		once();
		auto t = fixed<crmod_task>("crmod_task");
		if (!std::memchr(t.comm, 0, sizeof(t.comm)))
			fail_at(offsetof(crmod_task, comm), "comm is not NUL-terminated");
		if (t.auxv_words > CRMOD_AUXV_WORDS)
			fail_at(offsetof(crmod_task, auxv_words),
				fmt::format("auxv_words {} exceeds the {} words of auxv", t.auxv_words,
					    CRMOD_AUXV_WORDS));
		if (t.auxv_words % 2 != 0)
			fail_at(offsetof(crmod_task, auxv_words),
				fmt::format("auxv_words {} is odd: auxv holds (type, value) pairs", t.auxv_words));
		struct Span {
			std::uint64_t start, end;
			std::size_t at;
			const char *name;
		};
		for (auto [start, end, at, name] :
		     {Span{t.start_code, t.end_code, offsetof(crmod_task, start_code), "start_code-end_code"},
		      Span{t.start_data, t.end_data, offsetof(crmod_task, start_data), "start_data-end_data"},
		      Span{t.start_brk, t.brk, offsetof(crmod_task, start_brk), "start_brk-brk"},
		      Span{t.arg_start, t.arg_end, offsetof(crmod_task, arg_start), "arg_start-arg_end"},
		      Span{t.env_start, t.env_end, offsetof(crmod_task, env_start), "env_start-env_end"}}) {
			if (start > end)
				fail_at(at, fmt::format("{} {} is inverted", name, range(start, end)));
			if (end > user_end_)
				fail_at(at, fmt::format("{} {} is beyond the user address space ({:#x} on {})", name,
							range(start, end), user_end_, arch_name(machine_.arch)));
		}
		in_user_space(t.start_stack, offsetof(crmod_task, start_stack), "start_stack");
		if (t.nice < -20 || t.nice > 19)
			fail_at(offsetof(crmod_task, nice), fmt::format("nice {} is outside -20..19", t.nice));
		if (t.umask & ~0777u)
			fail_at(offsetof(crmod_task, umask), fmt::format("umask {:#o} is more than 0777", t.umask));
		if (t.rseq) {
			in_user_space(t.rseq, offsetof(crmod_task, rseq), "rseq area");
			if (t.rseq % 32 != 0 || t.rseq_len < 32 || t.rseq_len > machine_.page_size)
				fail_at(offsetof(crmod_task, rseq),
					fmt::format("rseq area {:#x} of {} bytes is not a valid registration (32-byte "
						    "aligned, 32 bytes to a page)", t.rseq, t.rseq_len));
		} else if (t.rseq_len || t.rseq_sig) {
			fail_at(offsetof(crmod_task, rseq_len),
				fmt::format("rseq length {} or signature {:#x} without an rseq area", t.rseq_len,
					    t.rseq_sig));
		}
		for (std::size_t i = 0; i < CRMOD_RLIMITS; i++)
			if (t.rlim_cur[i] > t.rlim_max[i])
				fail_at(offsetof(crmod_task, rlim_cur) + i * sizeof(t.rlim_cur[0]),
					fmt::format("rlimit {}: soft limit {} above the hard limit {}", i, t.rlim_cur[i],
						    t.rlim_max[i]));
		check_task_attrs(t);
		if (!state_.threads.empty() && t.pid != state_.threads.back().tid)
			fail_at(offsetof(crmod_task, pid),
				fmt::format("the TASK of thread {} has pid {}: a thread's TASK holds its tid",
					    state_.threads.back().tid, t.pid));
		unit().task = t;
	}

	// The fields of the process's attributes (PROCESS_ATTRS).
	void check_task_attrs(const crmod_task &t) const
	{
		in_user_space(t.robust_list, offsetof(crmod_task, robust_list), "robust_list");
		in_user_space(t.clear_child_tid, offsetof(crmod_task, clear_child_tid), "clear_child_tid");
		if (t.robust_list ? t.robust_list_len != robust_list_head_bytes : t.robust_list_len != 0)
			fail_at(offsetof(crmod_task, robust_list_len),
				fmt::format("robust list {:#x} of {} bytes: a robust list head is {} bytes, none 0",
					    t.robust_list, t.robust_list_len, robust_list_head_bytes));
		if (t.oom_score_adj < -1000 || t.oom_score_adj > 1000)
			fail_at(offsetof(crmod_task, oom_score_adj),
				fmt::format("oom_score_adj {} is outside -1000..1000", t.oom_score_adj));
		if (t.oom_score_adj_min < -1000 || t.oom_score_adj_min > t.oom_score_adj)
			fail_at(offsetof(crmod_task, oom_score_adj_min),
				fmt::format("oom_score_adj_min {} is outside -1000..oom_score_adj {}",
					    t.oom_score_adj_min, t.oom_score_adj));
		if (t.dumpable > 2)
			fail_at(offsetof(crmod_task, dumpable), fmt::format("dumpable {} is not 0, 1 or 2", t.dumpable));
		if (t.pdeath_signal > CRMOD_NSIG)
			fail_at(offsetof(crmod_task, pdeath_signal),
				fmt::format("pdeath_signal {} is not a signal (0..{})", t.pdeath_signal, CRMOD_NSIG));
		if (t.flags & ~static_cast<std::uint32_t>(CRMOD_TASK_KNOWN_FLAGS))
			fail_at(offsetof(crmod_task, flags),
				fmt::format("unknown flags {:#x}", t.flags & ~static_cast<std::uint32_t>(CRMOD_TASK_KNOWN_FLAGS)));
		if (!(t.flags & CRMOD_TASK_LOGINUID) && (t.loginuid || t.sessionid))
			fail_at(offsetof(crmod_task, loginuid),
				fmt::format("loginuid {} or sessionid {} without the loginuid flag", t.loginuid,
					    t.sessionid));
		if (t.coredump_filter & ~0x1ffu)
			fail_at(offsetof(crmod_task, coredump_filter),
				fmt::format("coredump_filter {:#x} has bits beyond the 9 the kernel knows", t.coredump_filter));
		auto policy = t.sched_policy & ~sched_reset_on_fork;
		const bool realtime = policy == 1 || policy == 2;
		if (!name_of(policy, sched_policies))
			fail_at(offsetof(crmod_task, sched_policy),
				fmt::format("scheduling policy {} is not one crmod restores", policy));
		if (realtime ? t.sched_priority < 1 || t.sched_priority > 99 : t.sched_priority != 0)
			fail_at(offsetof(crmod_task, sched_priority),
				fmt::format("priority {} with policy {}: real-time policies take 1..99, others 0",
					    t.sched_priority, name_of(policy, sched_policies)));
		if (t.ioprio && (ioprio_class(t.ioprio) > 3 || ioprio_level(t.ioprio) >= 8))
			fail_at(offsetof(crmod_task, ioprio),
				fmt::format("I/O priority {:#x}: class {} level {} (classes 0..3, levels 0..7)", t.ioprio,
					    ioprio_class(t.ioprio), ioprio_level(t.ioprio)));
		check_reserved(t.reserved, offsetof(crmod_task, reserved));
		bool any_cpu = false;
		for (std::size_t i = 0; i < CRMOD_CPU_WORDS; i++) {
			any_cpu = any_cpu || t.cpu_affinity[i];
			if (!(t.flags & CRMOD_TASK_AFFINITY) && t.cpu_affinity[i])
				fail_at(offsetof(crmod_task, cpu_affinity) + i * sizeof(t.cpu_affinity[0]),
					"CPU affinity without the affinity flag");
		}
		if ((t.flags & CRMOD_TASK_AFFINITY) && !any_cpu)
			fail_at(offsetof(crmod_task, cpu_affinity), "the CPU affinity is empty");
	}

	// A file defined by a FILE section before the current one, or nullptr.
	const ImageFile *earlier_file(std::uint32_t id) const { return state_.file(id); }

	void decode_file()
	{
		constexpr auto head = sizeof(crmod_file);
		at_least(head + 1, "crmod_file and a NUL");
		auto f = load<crmod_file>();
		auto after = current().length - head;
		if (f.path_len != after)
			fail_at(offsetof(crmod_file, path_len),
				fmt::format("path_len {} does not match the {} bytes after struct crmod_file",
					    f.path_len, after));
		auto path = bytes(head + f.path_len).subspan(head);
		if (path.back() != std::byte{0})
			fail_at(head + f.path_len - 1,
				fmt::format("the path is not NUL-terminated (its last byte is {:#04x})",
					    static_cast<unsigned>(path.back())));
		auto text = std::string(reinterpret_cast<const char *>(path.data()));
		if (text.size() != f.path_len - 1)
			fail_at(head + text.size(),
				fmt::format("the path has a NUL at byte {} of {}: path_len must count one "
					    "NUL-terminated string", text.size(), f.path_len));
		auto expected = state_.files.size() + 1;
		if (f.id != expected)
			fail_at(offsetof(crmod_file, id),
				fmt::format("file id {}, expected {} (ids count from 1 in image order)", f.id,
					    expected));
		if (state_.files.size() == max_files)
			fail(fmt::format("more than {} files", max_files));
		const auto *kind = state_kind(f.kind);
		if (!path_kind(f.kind) && !content_kind(f.kind))
			fail_at(offsetof(crmod_file, kind),
				kind ? fmt::format("file kind {} ({}) is no kind of file crmod restores", f.kind, kind->key)
				     : fmt::format("unknown file kind {}", f.kind));
		check_file_path(f, text);
		if ((f.mode & s_ifmt) != kind_file_type(f.kind) || (f.mode & ~(s_ifmt | 07777)))
			fail_at(offsetof(crmod_file, mode),
				fmt::format("mode {:#o} does not fit a file of kind {}", f.mode, kind->key));
		if (f.kind != CRMOD_STATE_CHAR_DEVICE && (f.dev_major || f.dev_minor))
			fail_at(offsetof(crmod_file, dev_major),
				fmt::format("device number {}:{} on a {}, which is no device", f.dev_major,
					    f.dev_minor, kind->key));
		const auto *dir = earlier_file(f.dir);
		if (f.kind == CRMOD_STATE_UNLINKED_FILE && (!dir || dir->file.kind != CRMOD_STATE_DIRECTORY))
			fail_at(offsetof(crmod_file, dir),
				fmt::format("a deleted file's directory is file {}, which no FILE section before this "
					    "one defines as a directory", f.dir));
		if (f.kind != CRMOD_STATE_UNLINKED_FILE && f.dir != 0)
			fail_at(offsetof(crmod_file, dir), fmt::format("directory {} on a {}: only a deleted "
								       "file has one", f.dir, kind->key));
		if (f.seals && f.kind != CRMOD_STATE_MEMFD)
			fail_at(offsetof(crmod_file, seals), fmt::format("seals {:#x} on a {}, which is no memfd",
									 f.seals, kind->key));
		if (auto unknown = f.seals & ~static_cast<std::uint32_t>(mask_of(seal_flags)))
			fail_at(offsetof(crmod_file, seals), fmt::format("unknown seals {:#x}", unknown));
		if (f.size > max_file_size)
			fail_at(offsetof(crmod_file, size), fmt::format("size {} is beyond any file's", f.size));
		if (f.kind == CRMOD_STATE_UNLINKED_FILE && f.size > unlinked_max)
			fail_at(offsetof(crmod_file, size),
				fmt::format("a deleted file of {} bytes: crmod keeps them up to {}", f.size, unlinked_max));
		if (content_kind(f.kind) && f.mtime_nsec >= 1'000'000'000)
			fail_at(offsetof(crmod_file, mtime_nsec),
				fmt::format("mtime nanoseconds {} is a second or more", f.mtime_nsec));
		check_reserved(f.reserved, offsetof(crmod_file, reserved));
		state_.files.push_back({f, std::move(text)});
	}

	// What a file record's path holds, by kind.
	void check_file_path(const crmod_file &f, const std::string &path) const
	{
		constexpr auto at = sizeof(crmod_file);
		switch (f.kind) {
		case CRMOD_STATE_SHARED_ANON:
			if (!path.empty())
				fail_at(at, fmt::format("shared anonymous memory has a name, \"{}\"", path));
			return;
		case CRMOD_STATE_MEMFD:
			// memfd_create(): at most 249 bytes after "memfd:", no '/'
			if (!path.starts_with("memfd:") || path.size() > 6 + 249 || path.find('/') != std::string::npos)
				fail_at(at, fmt::format("\"{}\" is not a memfd's name (\"memfd:\" and up to 249 bytes, "
							"no '/')", path));
			return;
		case CRMOD_STATE_KERNEL_VIEW_FILE:
			if (!path.starts_with("/proc/") && !path.starts_with("/sys/"))
				fail_at(at, fmt::format("\"{}\" is in neither /proc nor /sys", path));
			return;
		default:
			if (path.empty() || path[0] != '/')
				fail_at(at, fmt::format("path \"{}\" is not absolute", path));
		}
	}

	void decode_file_data()
	{
		constexpr auto head = sizeof(crmod_file_data);
		at_least(head, "crmod_file_data");
		auto d = load<crmod_file_data>();
		const auto *f = earlier_file(d.file);
		if (!f || !content_kind(f->file.kind))
			fail_at(offsetof(crmod_file_data, file),
				fmt::format("content for file {}, which no FILE section before this one defines as a "
					    "deleted file, memfd or shared memory", d.file));
		check_reserved(d.reserved, offsetof(crmod_file_data, reserved));
		if (d.len != current().length - head)
			fail(fmt::format("FILE_DATA payload is {} bytes, expected {} (struct crmod_file_data) + len {}",
					 current().length, head, d.len));
		if (d.len == 0)
			fail_at(offsetof(crmod_file_data, len), "an empty extent: len is 0");
		if (d.offset % machine_.page_size != 0)
			fail_at(offsetof(crmod_file_data, offset),
				fmt::format("offset {:#x} is not aligned to the page size {}", d.offset,
					    machine_.page_size));
		const auto size = f->file.size;
		if (d.offset > size || d.len > size - d.offset)
			fail_at(offsetof(crmod_file_data, offset),
				fmt::format("{} bytes at {:#x} do not fit file {} of {} bytes", d.len, d.offset, d.file,
					    size));
		if (!state_.file_data.empty()) {
			const auto &last = state_.file_data.back();
			if (d.file < last.file || (d.file == last.file && d.offset < last.offset + last.len))
				fail_at(offsetof(crmod_file_data, file),
					fmt::format("content of file {} at {:#x} overlaps or precedes the extent before "
						    "(file {}, {:#x}-{:#x})", d.file, d.offset, last.file, last.offset,
						    last.offset + last.len));
		}
		if (state_.file_data.size() == max_extents)
			fail(fmt::format("more than {} extents of file content", max_extents));
		state_.file_data.push_back(d);
	}

	void decode_cgroup()
	{
		once();
		const auto len = current().length;
		if (len == 0 || len > path_max)
			fail(fmt::format("CGROUP payload is {} bytes: a cgroup path is 1 to {} with its NUL", len,
					 path_max));
		auto path = bytes(len);
		if (path.back() != std::byte{0})
			fail_at(len - 1, "the cgroup path is not NUL-terminated");
		auto text = std::string(reinterpret_cast<const char *>(path.data()));
		if (text.size() != len - 1)
			fail_at(text.size(), fmt::format("the cgroup path has a NUL at byte {} of {}", text.size(), len));
		if (text.empty() || text[0] != '/')
			fail_at(0, fmt::format("cgroup path \"{}\" is not absolute", text));
		state_.cgroup = std::move(text);
	}

	// The namespaces the process had of its own: restart makes fresh ones.
	void decode_namespaces()
	{
		once();
		if (format_ < 5)
			fail(fmt::format("a NAMESPACES section in a format {} image: it came with format 5", format_));
		auto ns = fixed<crmod_namespaces>("crmod_namespaces");
		if (ns.own == 0 || (ns.own & ~static_cast<std::uint32_t>(CRMOD_NS_KNOWN)))
			fail_at(offsetof(crmod_namespaces, own), fmt::format("namespaces {:#x}: none, or unknown ones", ns.own));
		if (ns.reserved)
			fail_at(offsetof(crmod_namespaces, reserved), fmt::format("reserved is {}", ns.reserved));
		const bool uts = ns.own & CRMOD_NS_UTS;
		auto check_name = [&](const char *name, std::size_t at, const char *what) {
			const auto len = strnlen(name, CRMOD_NS_NAME_LEN);
			if (len > uts_name_max || (!uts && len))
				fail_at(at, fmt::format("the {} is {}", what,
							uts ? fmt::format("longer than {} bytes", uts_name_max)
							    : std::string("set without a UTS namespace")));
			for (auto k = len; k < CRMOD_NS_NAME_LEN; k++)
				if (name[k])
					fail_at(at + k, fmt::format("the {} is not NUL-padded", what));
		};
		check_name(ns.nodename, offsetof(crmod_namespaces, nodename), "host name");
		check_name(ns.domainname, offsetof(crmod_namespaces, domainname), "domain name");
		state_.namespaces = ns;
	}

	// A child of a tree: its parent and exit signal.
	void decode_process_link()
	{
		once();
		if (format_ < 6)
			fail(fmt::format("a PROCESS section in a format {} image: it came with format 6", format_));
		auto rec = fixed<crmod_process>("crmod_process");
		if (rec.ppid == 0 || rec.ppid > pid_max_limit)
			fail_at(offsetof(crmod_process, ppid), fmt::format("parent pid {}", rec.ppid));
		if (rec.exit_signal > CRMOD_NSIG)
			fail_at(offsetof(crmod_process, exit_signal), fmt::format("exit signal {}", rec.exit_signal));
		if (rec.reserved)
			fail_at(offsetof(crmod_process, reserved), fmt::format("reserved is {}", rec.reserved));
		state_.parent = rec;
	}

	// The functions the [vdso] exported: restart stands in for them under
	// another kernel build.
	void decode_vdso()
	{
		once();
		if (format_ < 4)
			fail(fmt::format("a VDSO section in a format {} image: it came with format 4", format_));
		auto syms = array<crmod_vdso_sym>("crmod_vdso_sym", CRMOD_MAX_VDSO_SYMS);
		for (std::size_t i = 0; i < syms.size(); i++) {
			const auto at = i * sizeof(crmod_vdso_sym) + offsetof(crmod_vdso_sym, name);
			const char *name = syms[i].name;
			const auto len = strnlen(name, CRMOD_VDSO_NAME_LEN);
			if (len == 0 || len == CRMOD_VDSO_NAME_LEN)
				fail_at(at, fmt::format("function {}: its name is empty or not NUL-terminated", i));
			for (auto k = len; k < CRMOD_VDSO_NAME_LEN; k++)
				if (name[k])
					fail_at(at + k, fmt::format("function {}: its name is not NUL-padded", name));
			for (std::size_t k = 0; k < i; k++)
				if (!std::strcmp(syms[k].name, name))
					fail_at(at, fmt::format("function {} is listed twice", name));
		}
		state_.vdso = std::move(syms);
	}

	void decode_vmas()
	{
		once();
		auto vmas = array<crmod_vma>("crmod_vma", max_vmas);
		if (vmas.empty())
			fail("VMAS payload is empty: a process has at least one mapping");
		for (std::size_t i = 0; i < vmas.size(); i++)
			check_vma(vmas, i);
		state_.vmas = std::move(vmas);
	}

	void check_vma(const std::vector<crmod_vma> &vmas, std::size_t i) const
	{
		const auto &v = vmas[i];
		const std::uint64_t page = machine_.page_size;
		const std::uint64_t at = i * sizeof(crmod_vma);
		auto name = fmt::format("VMA {} {}", i, range(v.start, v.end));
		auto flag_at = at + offsetof(crmod_vma, flags);
		if (v.start >= v.end)
			fail_at(at, name + " is empty or inverted");
		if (v.start % page != 0 || v.end % page != 0)
			fail_at(at, fmt::format("{} is not aligned to the page size {}", name, page));
		if (v.end > user_end_)
			fail_at(at, fmt::format("{} is beyond the user address space ({:#x} on {})", name, user_end_,
						arch_name(machine_.arch)));
		if (i > 0 && v.start < vmas[i - 1].end) {
			const auto &prev = vmas[i - 1];
			auto how = v.start < prev.start ? "starts before" : "overlaps";
			fail_at(at, fmt::format("{} {} VMA {} {}: VMAs must be sorted and never overlap", name, how,
						i - 1, range(prev.start, prev.end)));
		}
		auto prot_bits = static_cast<std::uint32_t>(CRMOD_PROT_READ | CRMOD_PROT_WRITE | CRMOD_PROT_EXEC);
		if (v.prot & ~prot_bits)
			fail_at(at + offsetof(crmod_vma, prot),
				fmt::format("{}: unknown prot bits {:#x}", name, v.prot & ~prot_bits));
		if (v.flags & ~static_cast<std::uint32_t>(CRMOD_VMA_KNOWN_FLAGS))
			fail_at(flag_at, fmt::format("{}: unknown flags {:#x}", name,
						     v.flags & ~static_cast<std::uint32_t>(CRMOD_VMA_KNOWN_FLAGS)));
		if (v.build_id != 0 && v.flags != CRMOD_VMA_VDSO)
			fail_at(at + offsetof(crmod_vma, build_id),
				fmt::format("{}: a build id ({:#010x}) on a mapping that is not the vDSO", name, v.build_id));
		auto special = v.flags & vma_special;
		if (special && (!std::has_single_bit(special) || v.flags != special || v.file || v.pgoff))
			fail_at(flag_at, fmt::format("{}: a vDSO or vvar mapping has that one flag, no file and no "
						     "offset (flags {:#x}, file {}, pgoff {})", name, v.flags, v.file, v.pgoff));
		if (v.file == 0 && v.pgoff != 0)
			fail_at(at + offsetof(crmod_vma, pgoff),
				fmt::format("{}: anonymous, but with file offset {} pages", name, v.pgoff));
		const auto pages = (v.end - v.start) / page;
		if (v.pgoff > (std::numeric_limits<std::uint64_t>::max() / page) - pages)
			fail_at(at + offsetof(crmod_vma, pgoff), fmt::format("{}: file offset {:#x} pages overflows",
									     name, v.pgoff));
		auto both = [&](std::uint32_t a, std::uint32_t b) { return (v.flags & a) && (v.flags & b); };
		if ((v.flags & CRMOD_VMA_GROWSDOWN) && (v.file || (v.flags & CRMOD_VMA_SHARED)))
			fail_at(flag_at, name + ": a stack (growsdown) that is shared or of a file");
		if (!v.file && (v.flags & CRMOD_VMA_SHARED))
			fail_at(flag_at, name + ": shared, of no file (shared memory is a file of kind shared_anon)");
		if ((v.flags & CRMOD_VMA_MAYWRITE) && !(v.flags & CRMOD_VMA_SHARED))
			fail_at(flag_at, name + ": maywrite on a private mapping");
		if ((v.flags & CRMOD_VMA_LOCKONFAULT) && !(v.flags & CRMOD_VMA_LOCKED))
			fail_at(flag_at, name + ": lockonfault but not locked");
		if (both(CRMOD_VMA_HUGEPAGE, CRMOD_VMA_NOHUGEPAGE))
			fail_at(flag_at, name + ": both hugepage and nohugepage");
		if (both(CRMOD_VMA_SEQ_READ, CRMOD_VMA_RAND_READ))
			fail_at(flag_at, name + ": both seq_read and rand_read");
	}

	void decode_pages()
	{
		at_least(sizeof(crmod_pages), "crmod_pages");
		auto p = load<crmod_pages>();
		const std::uint64_t page = machine_.page_size;
		if (p.nr_pages == 0)
			fail_at(offsetof(crmod_pages, nr_pages), "an empty run: nr_pages is 0");
		const std::uint64_t max_pages = (std::numeric_limits<std::uint64_t>::max() - sizeof(p)) / page;
		if (p.nr_pages > max_pages || sizeof(p) + p.nr_pages * page != current().length)
			fail(fmt::format("PAGES payload is {} bytes, expected {} + nr_pages {} * page size {}{}",
					 current().length, sizeof(p), p.nr_pages, page,
					 p.nr_pages > max_pages ? std::string(" (more than 2^64)")
								: fmt::format(" = {}", sizeof(p) + p.nr_pages * page)));
		if (p.addr % page != 0)
			fail_at(offsetof(crmod_pages, addr),
				fmt::format("run address {:#x} is not aligned to the page size {}", p.addr, page));
		in_user_space(p.addr, offsetof(crmod_pages, addr), "run address");
		if (!state_.pages.empty()) {
			const auto &last = state_.pages.back();
			auto last_end = last.addr + last.nr_pages * page;
			if (p.addr < last_end)
				fail_at(offsetof(crmod_pages, addr),
					fmt::format("run at {:#x} overlaps or precedes the run before, {}", p.addr,
						    range(last.addr, last_end)));
		}
		if (state_.pages.size() == max_runs)
			fail(fmt::format("more than {} runs of pages", max_runs));
		state_.pages.push_back(p);
		pages_sections_.push_back(index_);
	}

	void decode_x86_regs()
	{
		once();
		for_arch(CRMOD_ARCH_X86_64);
		constexpr auto head = sizeof(crmod_x86_regs);
		at_least(head, "crmod_x86_regs");
		auto r = load<crmod_x86_regs>();
		check_reserved(r.reserved, offsetof(crmod_x86_regs, reserved));
		if (current().length != head + r.xsave_size)
			fail(fmt::format("REGS_X86 payload is {} bytes, expected {} (struct crmod_x86_regs) + "
					 "xsave_size {} = {}", current().length, head, r.xsave_size,
					 head + r.xsave_size));
		if (r.xsave_size != xsave_legacy_bytes && r.xsave_size < xsave_min_bytes)
			fail_at(offsetof(crmod_x86_regs, xsave_size),
				fmt::format("xsave_size {} is neither {} (FXSAVE) nor at least {} (XSAVE with its "
					    "header)", r.xsave_size, xsave_legacy_bytes, xsave_min_bytes));
		if (r.cs != x86_user_cs || r.ss != x86_user_ss)
			fail_at(offsetof(crmod_x86_regs, cs),
				fmt::format("segments cs {:#x} ss {:#x}: only 64-bit processes (cs {:#x} ss {:#x}) "
					    "restart", r.cs, r.ss, x86_user_cs, x86_user_ss));
		in_user_space(r.ip, offsetof(crmod_x86_regs, ip), "ip");
		in_user_space(r.sp, offsetof(crmod_x86_regs, sp), "sp");
		in_user_space(r.fs_base, offsetof(crmod_x86_regs, fs_base), "fs_base");
		in_user_space(r.gs_base, offsetof(crmod_x86_regs, gs_base), "gs_base");
		for (unsigned i = 0; i < 4; i++)
			in_user_space(r.debugreg[i], offsetof(crmod_x86_regs, debugreg) + i * 8,
				      fmt::format("debug register {}", i));
		if (auto mxcsr = load<std::uint32_t>(head + mxcsr_offset); mxcsr & 0xffff0000)
			fail_at(head + mxcsr_offset, fmt::format("MXCSR {:#x} has reserved bits set", mxcsr));
		auto &unit = this->unit();
		unit.x86_regs = r;
		if (r.xsave_size < xsave_min_bytes)
			return;
		unit.xstate_bv = load<std::uint64_t>(head + xsave_legacy_bytes);
		for (auto at = head + xsave_legacy_bytes + 8; at < head + xsave_min_bytes; at += 8)
			if (load<std::uint64_t>(at) != 0)
				fail_at(at, "the XSAVE header is not in standard form: XCOMP_BV and its reserved "
					    "bytes must be 0");
		for (unsigned i = 2; i < CRMOD_XSTATE_COMPONENTS; i++) {
			auto off = machine_.x86.xstate_offset[i], size = machine_.x86.xstate_size[i];
			if (!(*unit.xstate_bv & (std::uint64_t{1} << i)) || !size || off < xsave_min_bytes ||
			    off > r.xsave_size || size > r.xsave_size - off)
				continue;
			bool zero = true;
			for (auto at = head + off; zero && at < head + off + size; at++)
				zero = load<std::uint8_t>(at) == 0;
			if (zero)
				unit.xstate_zero |= std::uint64_t{1} << i;
		}
	}

	void decode_ppc_regs()
	{
		once();
		for_arch(CRMOD_ARCH_PPC64);
		auto r = fixed<crmod_ppc_regs>("crmod_ppc_regs");
		auto known = static_cast<std::uint32_t>(mask_of(ppc_regs_flags));
		if (r.flags & ~known)
			fail_at(offsetof(crmod_ppc_regs, flags),
				fmt::format("unknown flags {:#x}", r.flags & ~known));
		unit().ppc_regs = r;
	}

	void decode_signals()
	{
		once();
		auto s = fixed<crmod_signals>("crmod_signals");
		const auto known_sa = mask_of(sa_flags);
		for (std::uint32_t i = 0; i < CRMOD_NSIG; i++) {
			auto at = offsetof(crmod_signals, action) + i * sizeof(crmod_sigaction);
			if (auto unknown = s.action[i].flags & ~known_sa)
				fail_at(at + offsetof(crmod_sigaction, flags),
					fmt::format("{}: unknown flags {:#x}", signal_name(i + 1), unknown));
			in_user_space(s.action[i].handler, at + offsetof(crmod_sigaction, handler),
				      signal_name(i + 1) + ": handler");
		}
		if (auto unknown = s.altstack_flags & ~static_cast<std::uint32_t>(mask_of(ss_flags)))
			fail_at(offsetof(crmod_signals, altstack_flags),
				fmt::format("unknown alternate stack flags {:#x}", unknown));
		check_reserved(s.reserved, offsetof(crmod_signals, reserved));
		unit().signals = s;
	}

	void decode_pending()
	{
		once();
		auto pending = array<crmod_pending_signal>("crmod_pending_signal", max_pending);
		for (std::size_t i = 0; i < pending.size(); i++) {
			const auto &p = pending[i];
			const std::uint64_t at = i * sizeof(crmod_pending_signal);
			if (p.signo == 0 || p.signo > CRMOD_NSIG)
				fail_at(at + offsetof(crmod_pending_signal, signo),
					fmt::format("pending signal {}: number {} is not a signal (1..{})", i, p.signo,
						    CRMOD_NSIG));
			std::int32_t si_signo;
			std::memcpy(&si_signo, p.info, sizeof(si_signo));
			if (si_signo != static_cast<std::int32_t>(p.signo))
				fail_at(at + offsetof(crmod_pending_signal, info),
					fmt::format("pending signal {}: number {}, but its siginfo says {}", i, p.signo,
						    si_signo));
			if (p.flags & ~static_cast<std::uint32_t>(CRMOD_SIG_SHARED))
				fail_at(at + offsetof(crmod_pending_signal, flags),
					fmt::format("pending signal {}: unknown flags {:#x}", i, p.flags));
			if (p.signo == sigkill || p.signo == sigstop)
				fail_at(at + offsetof(crmod_pending_signal, signo),
					fmt::format("pending signal {}: {} is never left pending", i, signal_name(p.signo)));
		}
		unit().pending = std::move(pending);
	}

	void decode_creds()
	{
		once();
		constexpr auto head = sizeof(crmod_creds);
		at_least(head, "crmod_creds");
		auto c = load<crmod_creds>();
		if (c.ngroups > max_groups)
			fail_at(offsetof(crmod_creds, ngroups),
				fmt::format("ngroups {} is more than NGROUPS_MAX {}", c.ngroups, max_groups));
		auto expected = head + std::uint64_t{c.ngroups} * sizeof(std::uint32_t);
		if (current().length != expected)
			fail(fmt::format("CREDS payload is {} bytes, expected {} (struct crmod_creds) + ngroups {} "
					 "* 4 = {}", current().length, head, c.ngroups, expected));
		std::vector<std::uint32_t> groups(c.ngroups);
		if (!groups.empty())  // memcpy must not get the NULL of an empty vector
			std::memcpy(groups.data(), bytes(expected).subspan(head).data(), groups.size() * sizeof(groups[0]));
		state_.creds = ImageCreds{c, std::move(groups)};
	}

	void decode_timers()
	{
		once();
		auto t = fixed<crmod_timers>("crmod_timers");
		constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
		if (t.real.value_ns > max)
			fail_at(offsetof(crmod_timers, real) + offsetof(crmod_itimer, value_ns),
				fmt::format("ITIMER_REAL expires in {} ns, beyond what the kernel holds", t.real.value_ns));
		if (t.real.interval_ns > max)
			fail_at(offsetof(crmod_timers, real) + offsetof(crmod_itimer, interval_ns),
				fmt::format("ITIMER_REAL interval {} ns is beyond what the kernel holds", t.real.interval_ns));
		state_.timers = t;
	}

	void decode_pipe()
	{
		constexpr auto head = sizeof(crmod_pipe);
		at_least(head, "crmod_pipe");
		auto p = load<crmod_pipe>();
		if (p.len > current().length || current().length - head != p.len)
			fail(fmt::format("PIPE payload is {} bytes, expected {} (struct crmod_pipe) + len {}",
					 current().length, head, p.len));
		auto expected = state_.pipes.size() + 1;
		if (p.id != expected)
			fail_at(offsetof(crmod_pipe, id),
				fmt::format("pipe id {}, expected {} (ids count from 1 in image order)", p.id, expected));
		const auto *fifo = earlier_file(p.fifo);
		if (p.fifo && (!fifo || fifo->file.kind != CRMOD_STATE_FIFO))
			fail_at(offsetof(crmod_pipe, fifo),
				fmt::format("fifo is file {}, which no FILE section before this one defines as a FIFO",
					    p.fifo));
		const std::uint64_t page = machine_.page_size;
		if (p.capacity < page || p.capacity > (std::uint64_t{1} << 31) || p.capacity % page != 0)
			fail_at(offsetof(crmod_pipe, capacity),
				fmt::format("capacity {} is not a whole number of {}-byte pages up to 2 GiB", p.capacity,
					    page));
		if (p.len > p.capacity)
			fail_at(offsetof(crmod_pipe, len),
				fmt::format("{} buffered bytes in a pipe of {}", p.len, p.capacity));
		if (state_.pipes.size() == max_pipes)
			fail(fmt::format("more than {} pipes", max_pipes));
		state_.pipes.push_back(p);
	}

	void decode_ofds()
	{
		once();
		auto ofds = array<crmod_ofd>("crmod_ofd", max_fds);
		for (std::size_t i = 0; i < ofds.size(); i++)
			check_ofd(ofds[i], i);
		state_.ofds = std::move(ofds);
	}

	void check_ofd(const crmod_ofd &o, std::size_t i) const
	{
		const std::uint64_t at = i * sizeof(crmod_ofd);
		const auto acc = o.flags & o_accmode;
		const bool path_only = o.flags & o_path;
		auto name = fmt::format("open file {}", o.id);
		if (o.id != i + 1)
			fail_at(at + offsetof(crmod_ofd, id),
				fmt::format("open file entry {} has id {}, expected {} (ids count from 1)", i, o.id, i + 1));
		if (o.flags & ~ofd_known_flags)
			fail_at(at + offsetof(crmod_ofd, flags),
				fmt::format("{}: flags {:#o} that an open file does not keep", name,
					    o.flags & ~ofd_known_flags));
		if (acc == o_accmode || (path_only && acc != o_rdonly))
			fail_at(at + offsetof(crmod_ofd, flags),
				fmt::format("{}: access mode {:#o}{}", name, acc, path_only ? " with O_PATH" : ""));
		if (o.pos < 0)
			fail_at(at + offsetof(crmod_ofd, pos), fmt::format("{}: negative position {}", name, o.pos));
		const auto object_at = at + offsetof(crmod_ofd, object);
		switch (o.kind) {
		case CRMOD_OFD_FILE: {
			const auto *f = earlier_file(o.object);
			if (!f)
				fail_at(object_at,
					fmt::format("{} refers to file {}, which no FILE section before OFDS defines "
						    "(there are {})", name, o.object, state_.files.size()));
			auto kind = f->file.kind;
			if ((kind == CRMOD_STATE_FIFO || kind == CRMOD_STATE_SYMLINK) && !path_only)
				fail_at(at + offsetof(crmod_ofd, flags),
					fmt::format("{}: a {} open as a file is open without O_PATH", name, state_key(kind)));
			if (kind == CRMOD_STATE_DIRECTORY && !path_only && acc != o_rdonly)
				fail_at(at + offsetof(crmod_ofd, flags), name + ": a directory open for writing");
			if (kind == CRMOD_STATE_KERNEL_VIEW_FILE && acc != o_rdonly)
				fail_at(at + offsetof(crmod_ofd, flags), name + ": a /proc or /sys file to write");
			return;
		}
		case CRMOD_OFD_PIPE:
			if (path_only)
				fail_at(at + offsetof(crmod_ofd, flags), name + ": an O_PATH pipe");
			if (o.object == 0 || o.object > state_.pipes.size())
				fail_at(object_at,
					fmt::format("{} refers to pipe {}, which no PIPE section before OFDS defines "
						    "(there are {})", name, o.object, state_.pipes.size()));
			if (acc == o_rdwr && !state_.pipes[o.object - 1].fifo)
				fail_at(at + offsetof(crmod_ofd, flags),
					fmt::format("{}: both ends of pipe {} (O_RDWR is for FIFOs)", name, o.object));
			return;
		case CRMOD_OFD_INHERIT:
			if (o.object > 2)
				fail_at(object_at, fmt::format("{}: inherited from fd {}; only fds 0-2 are", name, o.object));
			if (path_only || o.pos)
				fail_at(at + offsetof(crmod_ofd, flags),
					fmt::format("{}: inherited, with O_PATH or position {}", name, o.pos));
			return;
		case CRMOD_OFD_PARENT:
			if (!state_.parent)
				fail_at(at + offsetof(crmod_ofd, kind),
					fmt::format("{}: the parent's fd {}, but the process has no parent in the tree "
						    "(no PROCESS section before OFDS)", name, o.object));
			if (o.object > static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max()))
				fail_at(object_at, fmt::format("{}: the parent's fd {}", name, o.object));
			if (o.pos)
				fail_at(at + offsetof(crmod_ofd, pos),
					fmt::format("{}: the parent's, with position {}", name, o.pos));
			return;
		default:
			fail_at(at + offsetof(crmod_ofd, kind), fmt::format("{}: unknown kind {}", name, o.kind));
		}
	}

	void decode_fds()
	{
		once();
		after(CRMOD_SEC_OFDS, "the fd table");
		auto fds = array<crmod_fd>("crmod_fd", max_fds);
		for (std::size_t i = 0; i < fds.size(); i++) {
			const auto &f = fds[i];
			const std::uint64_t at = i * sizeof(crmod_fd);
			if (i > 0 && f.fd <= fds[i - 1].fd)
				fail_at(at + offsetof(crmod_fd, fd),
					fmt::format("fd entry {}: fd {} after fd {}: fds must be sorted, each once", i,
						    f.fd, fds[i - 1].fd));
			auto name = fmt::format("fd {}", f.fd);
			if (f.fd > static_cast<std::uint32_t>(INT_MAX))
				fail_at(at + offsetof(crmod_fd, fd), name + " is beyond any fd table");
			if (!state_.ofd(f.ofd))
				fail_at(at + offsetof(crmod_fd, ofd),
					fmt::format("{} refers to open file {}, which OFDS does not define (it has {})",
						    name, f.ofd, state_.ofds->size()));
			if (f.fd_flags & ~static_cast<std::uint32_t>(CRMOD_FD_CLOEXEC))
				fail_at(at + offsetof(crmod_fd, fd_flags),
					fmt::format("{}: unknown fd flags {:#x}", name, f.fd_flags));
			check_reserved(f.reserved, at + offsetof(crmod_fd, reserved), name + ": ");
		}
		state_.fds = std::move(fds);
	}

	void decode_locks()
	{
		once();
		after(CRMOD_SEC_OFDS, "the locks");
		auto locks = array<crmod_lock>("crmod_lock", max_locks);
		for (std::size_t i = 0; i < locks.size(); i++) {
			const auto &l = locks[i];
			const std::uint64_t at = i * sizeof(crmod_lock);
			auto name = fmt::format("lock {}", i);
			const auto *o = state_.ofd(l.ofd);
			if (!o || o->kind == CRMOD_OFD_INHERIT || o->kind == CRMOD_OFD_PARENT || (o->flags & o_path))
				fail_at(at + offsetof(crmod_lock, ofd),
					fmt::format("{}: open file {} cannot hold one ({})", name, l.ofd,
						    !o ? "OFDS does not define it"
						    : o->kind == CRMOD_OFD_INHERIT ? "it is inherited"
						    : o->kind == CRMOD_OFD_PARENT ? "it is the parent's"
										  : "it is O_PATH"));
			if (!name_of(l.kind, lock_kinds))
				fail_at(at + offsetof(crmod_lock, kind), fmt::format("{}: unknown kind {}", name, l.kind));
			if (!name_of(l.type, lock_types))
				fail_at(at + offsetof(crmod_lock, type),
					fmt::format("{}: type {} is neither F_RDLCK nor F_WRLCK", name, l.type));
			// fcntl(2) takes a read lock only through an open file that reads, a write lock one that writes
			if (o && l.kind != CRMOD_LOCK_FLOCK && (l.type == F_RDLCK || l.type == F_WRLCK) &&
			    (o->flags & O_ACCMODE) != O_RDWR &&
			    (o->flags & O_ACCMODE) != (l.type == F_RDLCK ? O_RDONLY : O_WRONLY))
				fail_at(at + offsetof(crmod_lock, type),
					fmt::format("{0}: a {1} lock through open file {2}, not open to {1}", name,
						    l.type == F_RDLCK ? "read" : "write", l.ofd));
			if (l.start < 0 || (l.end != -1 && l.end < l.start) ||
			    (l.kind == CRMOD_LOCK_FLOCK && (l.start != 0 || l.end != -1)))
				fail_at(at + offsetof(crmod_lock, start),
					fmt::format("{}: range {}-{}{}", name, l.start, l.end,
						    l.kind == CRMOD_LOCK_FLOCK ? " (a flock lock is 0 to -1, the whole file)"
									       : ""));
			check_reserved(l.reserved, at + offsetof(crmod_lock, reserved), name + ": ");
		}
		state_.locks = std::move(locks);
	}

	// Which section of a type a reference is checked in.
	std::size_t section_of(std::uint32_t type) const { return first_of_.at(type); }

	// A file a field names, of one of kinds; 0 is no file.
	void check_file_ref(std::uint32_t id, std::uint64_t payload_offset, std::string_view who,
			    std::initializer_list<std::uint32_t> kinds) const
	{
		if (id == 0)
			return;
		const auto *f = state_.file(id);
		if (!f)
			fail_at(payload_offset,
				fmt::format("{} refers to file id {}, which no FILE section defines (the image has {})",
					    who, id, state_.files.size()));
		if (std::ranges::find(kinds, f->file.kind) == kinds.end()) {
			std::vector<std::string> names;
			for (auto k : kinds)
				names.push_back(state_key(k));
			fail_at(payload_offset, fmt::format("{} refers to file {}, a {}; it must be a {}", who, id,
							    state_key(f->file.kind), join(names, " or ")));
		}
	}

	void check_references()
	{
		if (state_.task) {
			index_ = section_of(CRMOD_SEC_TASK);
			check_task_references(*state_.task);
		}
		if (state_.vmas) {
			index_ = section_of(CRMOD_SEC_VMAS);
			std::map<std::uint32_t, std::size_t> specials;
			for (std::size_t i = 0; i < state_.vmas->size(); i++) {
				const auto &v = (*state_.vmas)[i];
				check_vma_file(v, i);
				if ((v.flags & vma_special) && ++specials[v.flags] > 1)
					fail_at(i * sizeof(crmod_vma) + offsetof(crmod_vma, flags),
						fmt::format("VMA {}: a second {} mapping: a process has one", i,
							    join(bit_names(v.flags, vma_flags))));
			}
		}
		for (std::size_t i = 0; i < state_.pages.size(); i++) {
			index_ = pages_sections_[i];
			check_run(state_.pages[i]);
		}
	}

	void check_task_references(const crmod_task &t) const
	{
		check_file_ref(t.exe_file, offsetof(crmod_task, exe_file), "exe_file",
			       {CRMOD_STATE_REGULAR_FILE, CRMOD_STATE_UNLINKED_FILE});
		check_file_ref(t.cwd_file, offsetof(crmod_task, cwd_file), "cwd_file", {CRMOD_STATE_DIRECTORY});
		check_file_ref(t.root_file, offsetof(crmod_task, root_file), "root_file", {CRMOD_STATE_DIRECTORY});
		if (!state_.vmas)
			return;
		// where the process's own fields point must be mapped
		auto unmapped = [&](std::uint64_t start, std::uint64_t end, std::uint32_t prot, std::size_t at,
				    std::string_view what) {
			if (end > start && !mapped(start, end, prot))
				fail_at(at, fmt::format("{} {} {} not mapped{}", what, range(start, end),
							what.ends_with('s') ? "are" : "is",
							prot == CRMOD_PROT_READ ? " readable"
							: prot ? " readable and writable" : ""));
		};
		const std::uint64_t page = machine_.page_size;
		unmapped(t.arg_start, t.arg_end, CRMOD_PROT_READ, offsetof(crmod_task, arg_start), "the arguments");
		unmapped(t.env_start, t.env_end, CRMOD_PROT_READ, offsetof(crmod_task, env_start), "the environment");
		if (t.start_stack && !vma_at(t.start_stack))
			fail_at(offsetof(crmod_task, start_stack),
				fmt::format("the stack start {:#x} is not mapped", t.start_stack));
		if (t.brk > t.start_brk)
			unmapped(t.start_brk, (t.brk + page - 1) / page * page, 0, offsetof(crmod_task, start_brk),
				 "the heap");
		if (t.rseq)
			unmapped(t.rseq, t.rseq + t.rseq_len, CRMOD_PROT_READ | CRMOD_PROT_WRITE,
				 offsetof(crmod_task, rseq), "the rseq area");
	}

	const crmod_vma *vma_at(std::uint64_t address) const
	{
		const auto &vmas = *state_.vmas;
		auto after = std::ranges::upper_bound(vmas, address, {}, &crmod_vma::start);
		if (after == vmas.begin() || address >= std::prev(after)->end)
			return nullptr;
		return &*std::prev(after);
	}

	// [start, end) mapped without a gap, with at least prot.
	bool mapped(std::uint64_t start, std::uint64_t end, std::uint32_t prot) const
	{
		while (start < end) {
			const auto *v = vma_at(start);
			if (!v || (v->prot & prot) != prot)
				return false;
			start = v->end;
		}
		return true;
	}

	void check_vma_file(const crmod_vma &v, std::size_t i) const
	{
		if (!v.file)
			return;
		auto at = i * sizeof(crmod_vma);
		auto who = fmt::format("VMA {}", i);
		check_file_ref(v.file, at + offsetof(crmod_vma, file), who,
			       {CRMOD_STATE_REGULAR_FILE, CRMOD_STATE_UNLINKED_FILE, CRMOD_STATE_MEMFD,
				CRMOD_STATE_SHARED_ANON});
		const std::uint64_t page = machine_.page_size;
		if (v.pgoff + (v.end - v.start) / page > max_file_size / page)
			fail_at(at + offsetof(crmod_vma, pgoff),
				fmt::format("{}: file offset {:#x} pages and {} pages go beyond any file", who, v.pgoff,
					    (v.end - v.start) / page));
		const auto &f = state_.file(v.file)->file;
		if (f.kind == CRMOD_STATE_MEMFD && (v.flags & CRMOD_VMA_MAYWRITE) && (v.prot & CRMOD_PROT_WRITE) &&
		    (f.seals & f_seal_write))
			fail_at(at + offsetof(crmod_vma, prot),
				fmt::format("{}: a writable shared mapping of the write-sealed memfd {}", who, v.file));
	}

	// A run lies inside one VMA that holds content of its own (private, not
	// the vDSO), and inside the file such a mapping copies.
	void check_run(const crmod_pages &p) const
	{
		const std::uint64_t page = machine_.page_size;
		auto end = p.addr + p.nr_pages * page;	// the length check bounds nr_pages
		auto name = fmt::format("run {} ({} page{})", range(p.addr, end), p.nr_pages, p.nr_pages == 1 ? "" : "s");
		if (!state_.vmas)
			fail_at(offsetof(crmod_pages, addr), name + " is not inside a VMA: the image has no VMAS section");
		const auto *v = vma_at(p.addr);
		if (!v || end < p.addr || end > v->end)
			fail_at(offsetof(crmod_pages, addr), name + " is not inside one VMA");
		auto index = v - state_.vmas->data();
		if (!vma_has_content(*v))
			fail_at(offsetof(crmod_pages, addr),
				fmt::format("{} is in VMA {} {} ({}), which holds no pages of its own{}", name, index,
					    range(v->start, v->end), join(bit_names(v->flags, vma_flags), ","),
					    (v->flags & CRMOD_VMA_SHARED) ? ": shared memory's content is its file's" : ""));
		if (!v->file)
			return;
		const auto &f = state_.file(v->file)->file;
		auto file_end = (f.size + page - 1) / page * page;
		if (v->pgoff * page + (end - v->start) > file_end)
			fail_at(offsetof(crmod_pages, addr),
				fmt::format("{} is beyond the end of file {} ({} bytes), which VMA {} maps", name, v->file,
					    f.size, index));
	}

	const crmod_machine &machine_;
	std::span<const SectionInfo> sections_;
	std::uint32_t format_;
	std::uint64_t user_end_;
	std::size_t index_ = 0;
	std::map<std::uint32_t, std::size_t> first_of_;
	std::map<std::uint32_t, std::size_t> thread_first_of_;	// the last thread's own
	std::vector<std::size_t> pages_sections_;
	ProcessState state_;
};

} // namespace

ProcessState decode_process(const crmod_machine &machine, std::span<const SectionInfo> sections,
			    std::uint32_t format)
{
	return Decoder(machine, sections, format).decode();
}

} // namespace crctl
