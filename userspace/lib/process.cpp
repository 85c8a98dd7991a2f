// Decoding and describing the sections that carry process state. Rules come
// from include/uapi/linux/crmod.h; every refusal names the section, the byte
// offset of the offending field, and what was expected.
#include "process.hpp"

#include "crctl/describe.hpp"
#include "format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <map>
#include <string_view>

namespace crctl {

using nlohmann::json;
using namespace detail;

const std::string *ProcessState::file_path(std::uint32_t id) const
{
	if (id == 0 || id > files.size())
		return nullptr;
	return &files[id - 1].path;
}

namespace {

constexpr std::uint64_t payload_start = sizeof(crmod_section_header);
// XSAVE: a 512-byte legacy region, then the 64-byte header whose first
// word is XSTATE_BV.
constexpr std::uint64_t xsave_legacy_bytes = 512;
constexpr std::uint64_t xsave_min_bytes = xsave_legacy_bytes + 64;

std::string range(std::uint64_t start, std::uint64_t end) { return fmt::format("{:#x}-{:#x}", start, end); }

constexpr ValueName fd_kinds[] = {
	{CRMOD_FD_FILE, "file"},       {CRMOD_FD_DEVNULL, "devnull"}, {CRMOD_FD_DEVZERO, "devzero"},
	{CRMOD_FD_INHERIT, "inherit"}, {CRMOD_FD_PIPE, "pipe"},
};
std::string fd_kind_name(std::uint32_t kind) { return name_or_unknown(kind, fd_kinds); }

// SA_* as x86_64 and powerpc both define them: all a process may set.
const std::vector<BitName> sa_flags = {
	{0x1, "SA_NOCLDSTOP"},	     {0x2, "SA_NOCLDWAIT"},	{0x4, "SA_SIGINFO"},
	{0x400, "SA_UNSUPPORTED"},   {0x800, "SA_EXPOSE_TAGBITS"}, {0x04000000, "SA_RESTORER"},
	{0x08000000, "SA_ONSTACK"},  {0x10000000, "SA_RESTART"},	{0x40000000, "SA_NODEFER"},
	{0x80000000, "SA_RESETHAND"},
};
const std::vector<BitName> ss_flags = {{0x1, "SS_ONSTACK"}, {0x2, "SS_DISABLE"}, {bit(31), "SS_AUTODISARM"}};

std::uint64_t mask_of(const std::vector<BitName> &table)
{
	std::uint64_t mask = 0;
	for (const auto &entry : table)
		mask |= entry.mask;
	return mask;
}
const std::uint64_t known_sa_flags = mask_of(sa_flags);

const std::vector<BitName> ppc_regs_flags = {
	{CRMOD_PPC_HAS_VMX, "vmx"}, {CRMOD_PPC_HAS_VSX, "vsx"}, {CRMOD_PPC_HAS_TAR, "tar"},
	{CRMOD_PPC_HAS_DSCR, "dscr"}, {CRMOD_PPC_HAS_PPR, "ppr"},
};
const std::uint32_t known_ss_flags = static_cast<std::uint32_t>(mask_of(ss_flags));

// Decodes the sections in image order, then checks what refers to what.
class Decoder {
public:
	Decoder(const crmod_machine &machine, std::span<const SectionInfo> sections)
		: machine_(machine), sections_(sections)
	{
		if (!std::has_single_bit(machine.page_size))
			throw ImageError("header", offsetof(crmod_image_header, machine),
					 fmt::format("page size {} is not a power of two", machine.page_size));
	}

	ProcessState decode()
	{
		for (index_ = 0; index_ < sections_.size(); index_++)
			decode_section();
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

	template <typename T> std::vector<T> array(std::string_view struct_name) const
	{
		if (current().length % sizeof(T) != 0)
			fail(fmt::format("{} payload is {} bytes, not a multiple of {} (struct {})", type_name(),
					 current().length, sizeof(T), struct_name));
		std::vector<T> out(current().length / sizeof(T));
		std::memcpy(out.data(), bytes(current().length).data(), current().length);
		return out;
	}

	void at_least(std::uint64_t size, std::string_view struct_name) const
	{
		if (current().length < size)
			fail(fmt::format("{} payload is {} bytes, shorter than the {}-byte struct {}", type_name(),
					 current().length, size, struct_name));
	}

	// TASK, VMAS, the REGS, SIGNALS and FDS come once.
	void once()
	{
		auto [first, inserted] = first_of_.try_emplace(current().type, index_);
		if (!inserted)
			fail(fmt::format("a second {} section (the first is section {})", type_name(),
					 first->second));
	}

	void for_arch(std::uint32_t arch) const
	{
		if (machine_.arch != arch)
			fail(fmt::format("{} registers in an image taken on {}", arch_name(arch),
					 arch_name(machine_.arch)));
	}

	void decode_section()
	{
		switch (current().type) {
		case CRMOD_SEC_TASK:
			return decode_task();
		case CRMOD_SEC_FILE:
			return decode_file();
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
		case CRMOD_SEC_FDS:
			return decode_fds();
		case CRMOD_SEC_CREDS:
			return decode_creds();
		case CRMOD_SEC_PENDING:
			return decode_pending();
		case CRMOD_SEC_PIPE:
			return decode_pipe();
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
		if (t.nice < -20 || t.nice > 19)
			fail_at(offsetof(crmod_task, nice), fmt::format("nice {} is outside -20..19", t.nice));
		if (t.umask & ~0777u)
			fail_at(offsetof(crmod_task, umask), fmt::format("umask {:#o} is more than 0777", t.umask));
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
		      Span{t.env_start, t.env_end, offsetof(crmod_task, env_start), "env_start-env_end"}})
			if (start > end)
				fail_at(at, fmt::format("{} {} is inverted", name, range(start, end)));
		for (std::size_t i = 0; i < CRMOD_RLIMITS; i++)
			if (t.rlim_cur[i] > t.rlim_max[i])
				fail_at(offsetof(crmod_task, rlim_cur) + i * sizeof(t.rlim_cur[0]),
					fmt::format("rlimit {}: soft limit {} above the hard limit {}", i, t.rlim_cur[i],
						    t.rlim_max[i]));
		state_.task = t;
	}

	void decode_file()
	{
		constexpr auto head = sizeof(crmod_file);
		at_least(head, "crmod_file");
		auto f = load<crmod_file>();
		auto after = current().length - head;
		if (f.path_len != after)
			fail_at(offsetof(crmod_file, path_len),
				fmt::format("path_len {} does not match the {} bytes after struct crmod_file",
					    f.path_len, after));
		if (f.path_len == 0)
			fail_at(offsetof(crmod_file, path_len), "path_len is 0: no room for the path and its NUL");
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
		if (text.empty() || text[0] != '/')
			fail_at(head, fmt::format("path \"{}\" is not absolute", text));
		auto expected = state_.files.size() + 1;
		if (f.id != expected)
			fail_at(offsetof(crmod_file, id),
				fmt::format("file id {}, expected {} (ids count from 1 in image order)", f.id,
					    expected));
		if (f.kind != CRMOD_FILE_REGULAR && f.kind != CRMOD_FILE_DIRECTORY)
			fail_at(offsetof(crmod_file, kind), fmt::format("unknown file kind {}", f.kind));
		check_reserved(f.reserved, offsetof(crmod_file, reserved));
		state_.files.push_back({f, std::move(text)});
	}

	void decode_vmas()
	{
		once();
		auto vmas = array<crmod_vma>("crmod_vma");
		if (vmas.empty())
			fail("VMAS payload is empty: a process has at least one mapping");
		const std::uint64_t page = machine_.page_size;
		for (std::size_t i = 0; i < vmas.size(); i++) {
			const auto &v = vmas[i];
			const std::uint64_t at = i * sizeof(crmod_vma);
			auto name = fmt::format("VMA {} {}", i, range(v.start, v.end));
			if (v.start >= v.end)
				fail_at(at, name + " is empty or inverted");
			if (v.start % page != 0 || v.end % page != 0)
				fail_at(at, fmt::format("{} is not aligned to the page size {}", name, page));
			if (i > 0 && v.start < vmas[i - 1].end) {
				const auto &prev = vmas[i - 1];
				auto how = v.start < prev.start ? "starts before" : "overlaps";
				fail_at(at, fmt::format("{} {} VMA {} {}: VMAs must be sorted and never overlap", name,
							how, i - 1, range(prev.start, prev.end)));
			}
			auto prot_bits = CRMOD_PROT_READ | CRMOD_PROT_WRITE | CRMOD_PROT_EXEC;
			if (v.prot & ~static_cast<std::uint32_t>(prot_bits))
				fail_at(at + offsetof(crmod_vma, prot),
					fmt::format("{}: unknown prot bits {:#x}", name, v.prot & ~static_cast<std::uint32_t>(prot_bits)));
			if (v.flags & ~static_cast<std::uint32_t>(CRMOD_VMA_KNOWN_FLAGS))
				fail_at(at + offsetof(crmod_vma, flags),
					fmt::format("{}: unknown flags {:#x}", name,
						    v.flags & ~static_cast<std::uint32_t>(CRMOD_VMA_KNOWN_FLAGS)));
			check_reserved(v.reserved, at + offsetof(crmod_vma, reserved), name + ": ");
			if (v.file == 0 && v.pgoff != 0)
				fail_at(at + offsetof(crmod_vma, pgoff),
					fmt::format("{}: anonymous, but with file offset {} pages", name, v.pgoff));
		}
		state_.vmas = std::move(vmas);
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
		state_.x86_regs = r;
		if (r.xsave_size >= xsave_min_bytes)
			state_.xstate_bv = load<std::uint64_t>(head + xsave_legacy_bytes);
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
		state_.ppc_regs = r;
	}

	void decode_signals()
	{
		once();
		auto s = fixed<crmod_signals>("crmod_signals");
		for (std::uint32_t i = 0; i < CRMOD_NSIG; i++)
			if (auto unknown = s.action[i].flags & ~known_sa_flags)
				fail_at(offsetof(crmod_signals, action) + i * sizeof(crmod_sigaction) +
						offsetof(crmod_sigaction, flags),
					fmt::format("{}: unknown flags {:#x}", signal_name(i + 1), unknown));
		if (auto unknown = s.altstack_flags & ~known_ss_flags)
			fail_at(offsetof(crmod_signals, altstack_flags),
				fmt::format("unknown alternate stack flags {:#x}", unknown));
		check_reserved(s.reserved, offsetof(crmod_signals, reserved));
		state_.signals = s;
	}

	void decode_fds()
	{
		once();
		auto fds = array<crmod_fd>("crmod_fd");
		for (std::size_t i = 0; i < fds.size(); i++) {
			const auto &f = fds[i];
			const std::uint64_t at = i * sizeof(crmod_fd);
			if (i > 0 && f.fd <= fds[i - 1].fd)
				fail_at(at + offsetof(crmod_fd, fd),
					fmt::format("fd entry {}: fd {} after fd {}: fds must be sorted, each once", i,
						    f.fd, fds[i - 1].fd));
			auto name = fmt::format("fd {}", f.fd);
			if (f.kind < CRMOD_FD_FILE || f.kind > CRMOD_FD_PIPE)
				fail_at(at + offsetof(crmod_fd, kind), fmt::format("{}: unknown kind {}", name, f.kind));
			if (f.fd_flags & ~static_cast<std::uint32_t>(CRMOD_FD_CLOEXEC))
				fail_at(at + offsetof(crmod_fd, fd_flags),
					fmt::format("{}: unknown fd flags {:#x}", name, f.fd_flags));
			bool refers = f.kind == CRMOD_FD_FILE || f.kind == CRMOD_FD_PIPE;
			if (refers && f.file == 0)
				fail_at(at + offsetof(crmod_fd, file),
					fmt::format("{}: of kind {}, but with id 0", name, fd_kind_name(f.kind)));
			if (!refers && f.file != 0)
				fail_at(at + offsetof(crmod_fd, file),
					fmt::format("{}: id {} on an fd of kind {}", name, f.file, fd_kind_name(f.kind)));
			if (f.pos < 0)
				fail_at(at + offsetof(crmod_fd, pos), fmt::format("{}: negative position {}", name, f.pos));
			check_reserved(f.reserved, at + offsetof(crmod_fd, reserved), name + ": ");
		}
		state_.fds = std::move(fds);
	}

	void decode_creds()
	{
		once();
		constexpr auto head = sizeof(crmod_creds);
		at_least(head, "crmod_creds");
		auto c = load<crmod_creds>();
		auto expected = head + std::uint64_t{c.ngroups} * sizeof(std::uint32_t);
		if (current().length != expected)
			fail(fmt::format("CREDS payload is {} bytes, expected {} (struct crmod_creds) + ngroups {} "
					 "* 4 = {}", current().length, head, c.ngroups, expected));
		std::vector<std::uint32_t> groups(c.ngroups);
		std::memcpy(groups.data(), bytes(expected).subspan(head).data(), groups.size() * sizeof(groups[0]));
		state_.creds = ImageCreds{c, std::move(groups)};
	}

	void decode_pending()
	{
		once();
		auto pending = array<crmod_pending_signal>("crmod_pending_signal");
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
		}
		state_.pending = std::move(pending);
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
		check_reserved(p.reserved, offsetof(crmod_pipe, reserved));
		if (p.len > p.capacity)
			fail_at(offsetof(crmod_pipe, len),
				fmt::format("{} buffered bytes in a pipe of {}", p.len, p.capacity));
		state_.pipes.push_back(p);
	}

	// Which section of a type a reference is checked in.
	std::size_t section_of(std::uint32_t type) const { return first_of_.at(type); }

	void check_file_ref(std::uint32_t id, std::uint64_t payload_offset, std::string_view who) const
	{
		if (id > state_.files.size())
			fail_at(payload_offset,
				fmt::format("{} refers to file id {}, which no FILE section defines (the image has {})",
					    who, id, state_.files.size()));
	}

	void check_pipe_ref(std::uint32_t id, std::uint64_t payload_offset, std::string_view who) const
	{
		if (id > state_.pipes.size())
			fail_at(payload_offset,
				fmt::format("{} refers to pipe id {}, which no PIPE section defines (the image has {})",
					    who, id, state_.pipes.size()));
	}

	void check_references()
	{
		if (state_.task) {
			index_ = section_of(CRMOD_SEC_TASK);
			check_file_ref(state_.task->exe_file, offsetof(crmod_task, exe_file), "exe_file");
			check_file_ref(state_.task->cwd_file, offsetof(crmod_task, cwd_file), "cwd_file");
			check_file_ref(state_.task->root_file, offsetof(crmod_task, root_file), "root_file");
		}
		if (state_.vmas) {
			index_ = section_of(CRMOD_SEC_VMAS);
			for (std::size_t i = 0; i < state_.vmas->size(); i++)
				check_file_ref((*state_.vmas)[i].file, i * sizeof(crmod_vma) + offsetof(crmod_vma, file),
					       fmt::format("VMA {}", i));
		}
		for (std::size_t i = 0; i < state_.pages.size(); i++) {
			index_ = pages_sections_[i];
			check_run(state_.pages[i]);
		}
		if (state_.fds) {
			index_ = section_of(CRMOD_SEC_FDS);
			for (std::size_t i = 0; i < state_.fds->size(); i++) {
				const auto &f = (*state_.fds)[i];
				auto at = i * sizeof(crmod_fd) + offsetof(crmod_fd, file);
				auto who = fmt::format("fd {}", f.fd);
				if (f.kind == CRMOD_FD_PIPE)
					check_pipe_ref(f.file, at, who);
				else
					check_file_ref(f.file, at, who);
			}
		}
	}

	// A run lies inside one private or shared-anonymous VMA.
	void check_run(const crmod_pages &p) const
	{
		const std::uint64_t page = machine_.page_size;
		auto end = p.addr + p.nr_pages * page;	// the length check bounds nr_pages
		auto name = fmt::format("run {} ({} page{})", range(p.addr, end), p.nr_pages, p.nr_pages == 1 ? "" : "s");
		if (!state_.vmas)
			fail_at(offsetof(crmod_pages, addr), name + " is not inside a VMA: the image has no VMAS section");
		const auto &vmas = *state_.vmas;
		auto after = std::ranges::upper_bound(vmas, p.addr, {}, &crmod_vma::start);
		if (after == vmas.begin() || end < p.addr || end > std::prev(after)->end)
			fail_at(offsetof(crmod_pages, addr), name + " is not inside one VMA");
		const auto &v = *std::prev(after);
		if ((v.flags & CRMOD_VMA_SHARED) && v.file != 0)
			fail_at(offsetof(crmod_pages, addr),
				fmt::format("{} is in the shared file mapping {} (VMA {}): its pages belong to the "
					    "file", name, range(v.start, v.end), std::prev(after) - vmas.begin()));
	}

	const crmod_machine &machine_;
	std::span<const SectionInfo> sections_;
	std::size_t index_ = 0;
	std::map<std::uint32_t, std::size_t> first_of_;
	std::vector<std::size_t> pages_sections_;
	ProcessState state_;
};

} // namespace

ProcessState decode_process(const crmod_machine &machine, std::span<const SectionInfo> sections)
{
	return Decoder(machine, sections).decode();
}

namespace {

constexpr std::uint64_t rlim_infinity = ~std::uint64_t{0};	// on x86_64 and powerpc

// RLIMIT_* in order (asm-generic, which both arches use).
constexpr const char *rlimit_names[CRMOD_RLIMITS] = {
	"cpu",	 "fsize", "data",	"stack",      "core",	  "rss",  "nproc",  "nofile",
	"memlock", "as",	  "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
};

const std::vector<BitName> vma_flags = {
	{CRMOD_VMA_SHARED, "shared"}, {CRMOD_VMA_GROWSDOWN, "growsdown"}, {CRMOD_VMA_VDSO, "vdso"},
	{CRMOD_VMA_VVAR, "vvar"},     {CRMOD_VMA_HEAP, "heap"},           {CRMOD_VMA_ACCOUNT, "account"},
};

constexpr ValueName file_kinds[] = {{CRMOD_FILE_REGULAR, "regular"}, {CRMOD_FILE_DIRECTORY, "directory"}};

// O_* as open(2) takes them on the image's arch: four bits differ.
std::vector<BitName> open_flags(std::uint32_t arch)
{
	std::vector<BitName> flags = {
		{0100, "O_CREAT"},	   {0200, "O_EXCL"},	    {0400, "O_NOCTTY"},	   {01000, "O_TRUNC"},
		{02000, "O_APPEND"},	   {04000, "O_NONBLOCK"},   {010000, "O_DSYNC"},   {020000, "O_ASYNC"},
		{01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"}, {04000000, "O_SYNC"}, {010000000, "O_PATH"},
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

std::vector<std::string> open_flag_names(std::uint32_t flags, std::uint32_t arch)
{
	constexpr const char *access[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	std::vector<std::string> names = {access[flags & 3]};
	for (auto &name : bit_names(flags, open_flags(arch)))
		names.push_back(std::move(name));
	return names;
}

std::vector<std::string> signal_set_names(std::uint64_t set)
{
	std::vector<std::string> names;
	for (std::uint32_t i = 0; i < CRMOD_NSIG; i++)
		if (set & bit(i))
			names.push_back(signal_name(i + 1));
	return names;
}

std::string prot_text(std::uint32_t prot)
{
	return {prot & CRMOD_PROT_READ ? 'r' : '-', prot & CRMOD_PROT_WRITE ? 'w' : '-',
		prot & CRMOD_PROT_EXEC ? 'x' : '-'};
}

std::string handler_text(std::uint64_t handler)
{
	return handler == 0 ? "SIG_DFL" : handler == 1 ? "SIG_IGN" : hex(handler);
}

json rlimit_json(std::uint64_t value) { return value == rlim_infinity ? json("unlimited") : json(value); }
std::string rlimit_text(std::uint64_t value)
{
	return value == rlim_infinity ? "unlimited" : std::to_string(value);
}

json path_json(const ProcessState &p, std::uint32_t id)
{
	const auto *path = p.file_path(id);
	return path ? json(*path) : json(nullptr);
}
json id_json(std::uint32_t id) { return id ? json(id) : json(nullptr); }

// "file 2 (/usr/bin/cat)", or "none"
std::string file_text(const ProcessState &p, std::uint32_t id)
{
	const auto *path = p.file_path(id);
	return path ? fmt::format("file {} ({})", id, *path) : "none";
}

struct PagesTotal {
	std::uint64_t pages = 0;
	const crmod_pages *largest = nullptr;
};

PagesTotal pages_total(const std::vector<crmod_pages> &runs)
{
	PagesTotal total;
	for (const auto &r : runs) {
		total.pages += r.nr_pages;
		if (!total.largest || r.nr_pages > total.largest->nr_pages)
			total.largest = &r;
	}
	return total;
}

json task_json(const ProcessState &p, const crmod_task &t)
{
	json rlimits = json::object();
	for (std::size_t i = 0; i < CRMOD_RLIMITS; i++)
		rlimits[rlimit_names[i]] = {{"cur", rlimit_json(t.rlim_cur[i])}, {"max", rlimit_json(t.rlim_max[i])}};
	return {
		{"comm", c_string(t.comm)},
		{"pid", t.pid},
		{"personality", hex(t.personality)},
		{"nice", t.nice},
		{"umask", fmt::format("{:04o}", t.umask)},
		{"exe_file", id_json(t.exe_file)},
		{"exe_path", path_json(p, t.exe_file)},
		{"cwd_file", id_json(t.cwd_file)},
		{"cwd_path", path_json(p, t.cwd_file)},
		{"root_file", id_json(t.root_file)},
		{"root_path", path_json(p, t.root_file)},
		{"mm",
		 {{"start_code", hex(t.start_code)},
		  {"end_code", hex(t.end_code)},
		  {"start_data", hex(t.start_data)},
		  {"end_data", hex(t.end_data)},
		  {"start_brk", hex(t.start_brk)},
		  {"brk", hex(t.brk)},
		  {"start_stack", hex(t.start_stack)},
		  {"arg_start", hex(t.arg_start)},
		  {"arg_end", hex(t.arg_end)},
		  {"env_start", hex(t.env_start)},
		  {"env_end", hex(t.env_end)}}},
		{"auxv_pairs", t.auxv_words / 2},
		{"rlimits", rlimits},
		{"rseq", t.rseq ? json({{"addr", hex(t.rseq)}, {"len", t.rseq_len}, {"sig", hex(t.rseq_sig)}})
				: json(nullptr)},
	};
}

json creds_json(const ImageCreds &ic)
{
	const auto &c = ic.creds;
	return {
		{"uid", c.uid},
		{"euid", c.euid},
		{"suid", c.suid},
		{"fsuid", c.fsuid},
		{"gid", c.gid},
		{"egid", c.egid},
		{"sgid", c.sgid},
		{"fsgid", c.fsgid},
		{"groups", ic.groups},
		{"cap_inheritable", hex(c.cap_inheritable)},
		{"cap_permitted", hex(c.cap_permitted)},
		{"cap_effective", hex(c.cap_effective)},
		{"cap_bset", hex(c.cap_bset)},
		{"cap_ambient", hex(c.cap_ambient)},
		{"securebits", hex(c.securebits)},
	};
}

// siginfo's si_code: the third int on both 64-bit arches.
std::int32_t si_code(const crmod_pending_signal &p)
{
	std::int32_t code;
	std::memcpy(&code, p.info + 2 * sizeof(std::int32_t), sizeof(code));
	return code;
}

json x86_regs_json(const ProcessState &p, const crmod_x86_regs &r)
{
	return {
		{"ip", hex(r.ip)},
		{"sp", hex(r.sp)},
		{"ax", hex(r.ax)},
		{"orig_ax", static_cast<std::int64_t>(r.orig_ax)},
		{"flags", hex(r.flags)},
		{"fs_base", hex(r.fs_base)},
		{"dr7", hex(r.debugreg[7])},
		{"xsave_size", r.xsave_size},
		{"xstate_bv", p.xstate_bv ? json(hex(*p.xstate_bv)) : json(nullptr)},
		{"xstate_components", xsave_component_names(p.xstate_bv.value_or(0))},
	};
}

json ppc_regs_json(const crmod_ppc_regs &r)
{
	return {
		{"nip", hex(r.nip)},   {"msr", hex(r.msr)},	{"gpr1", hex(r.gpr[1])},
		{"link", hex(r.link)}, {"ctr", hex(r.ctr)},	{"ccr", hex(r.ccr)},
		{"trap", hex(r.trap)}, {"tar", hex(r.tar)},	{"dscr", hex(r.dscr)},
		{"ppr", hex(r.ppr)},   {"flags", hex(r.flags)}, {"flag_names", bit_names(r.flags, ppc_regs_flags)},
	};
}

json signals_json(const crmod_signals &s)
{
	json handlers = json::array();
	for (std::uint32_t i = 0; i < CRMOD_NSIG; i++) {
		const auto &a = s.action[i];
		if (a.handler == 0)
			continue;
		handlers.push_back({{"signal", signal_name(i + 1)},
				    {"number", i + 1},
				    {"handler", handler_text(a.handler)},
				    {"flags", hex(a.flags)},
				    {"flag_names", bit_names(a.flags, sa_flags)},
				    {"mask", hex(a.mask)}});
	}
	return {
		{"handlers", handlers},
		{"blocked", hex(s.blocked)},
		{"blocked_names", signal_set_names(s.blocked)},
		{"altstack",
		 {{"sp", hex(s.altstack_sp)},
		  {"size", s.altstack_size},
		  {"flags", hex(s.altstack_flags)},
		  {"flag_names", bit_names(s.altstack_flags, ss_flags)}}},
	};
}

} // namespace

namespace detail {

json process_json(const ProcessState &p, const crmod_machine &machine)
{
	json out = json::object();
	if (p.task)
		out["task"] = task_json(p, *p.task);
	if (!p.files.empty()) {
		json files = json::array();
		for (const auto &[f, path] : p.files)
			files.push_back({{"id", f.id},
					 {"kind", name_or_unknown(f.kind, file_kinds)},
					 {"path", path},
					 {"size", f.size},
					 {"mtime_sec", f.mtime_sec},
					 {"mtime_nsec", f.mtime_nsec},
					 {"mode", fmt::format("{:#o}", f.mode)},
					 {"ino", f.ino}});
		out["files"] = files;
	}
	if (p.vmas) {
		json vmas = json::array();
		for (const auto &v : *p.vmas)
			vmas.push_back({{"start", hex(v.start)},
					{"end", hex(v.end)},
					{"prot", prot_text(v.prot)},
					{"flags", hex(v.flags)},
					{"flag_names", bit_names(v.flags, vma_flags)},
					{"pgoff", v.pgoff},
					{"file", id_json(v.file)},
					{"path", path_json(p, v.file)}});
		out["vmas"] = vmas;
	}
	if (!p.pages.empty()) {
		json runs = json::array();
		for (const auto &r : p.pages)
			runs.push_back({{"addr", hex(r.addr)}, {"nr_pages", r.nr_pages}});
		auto total = pages_total(p.pages);
		out["pages"] = {{"runs", runs}, {"total_pages", total.pages}, {"bytes", total.pages * machine.page_size}};
	}
	if (p.x86_regs)
		out["x86_regs"] = x86_regs_json(p, *p.x86_regs);
	if (p.ppc_regs)
		out["ppc_regs"] = ppc_regs_json(*p.ppc_regs);
	if (p.signals)
		out["signals"] = signals_json(*p.signals);
	if (p.pending) {
		json pending = json::array();
		for (const auto &s : *p.pending)
			pending.push_back({{"signal", signal_name(s.signo)},
					   {"number", s.signo},
					   {"shared", (s.flags & CRMOD_SIG_SHARED) != 0},
					   {"si_code", si_code(s)}});
		out["pending"] = pending;
	}
	if (p.creds)
		out["creds"] = creds_json(*p.creds);
	if (!p.pipes.empty()) {
		json pipes = json::array();
		for (const auto &pipe : p.pipes)
			pipes.push_back({{"id", pipe.id}, {"capacity", pipe.capacity}, {"buffered", pipe.len}});
		out["pipes"] = pipes;
	}
	if (p.fds) {
		json fds = json::array();
		for (const auto &f : *p.fds)
			fds.push_back({{"fd", f.fd},
				       {"kind", fd_kind_name(f.kind)},
				       {"file", f.kind == CRMOD_FD_FILE ? id_json(f.file) : json(nullptr)},
				       {"path", f.kind == CRMOD_FD_FILE ? path_json(p, f.file) : json(nullptr)},
				       {"pipe", f.kind == CRMOD_FD_PIPE ? id_json(f.file) : json(nullptr)},
				       {"flags", hex(f.file_flags)},
				       {"flag_names", open_flag_names(f.file_flags, machine.arch)},
				       {"cloexec", (f.fd_flags & CRMOD_FD_CLOEXEC) != 0},
				       {"pos", f.pos}});
		out["fds"] = fds;
	}
	return out;
}

std::string process_text(const ProcessState &p, const crmod_machine &machine)
{
	std::string out;
	auto line = [&out](std::string_view label, const std::string &value) { add_line(out, label, value); };
	if (p.task) {
		const auto &t = *p.task;
		out += "task:\n";
		line("comm", c_string(t.comm));
		line("pid", fmt::format("{} (at the checkpoint)", t.pid));
		line("personality", hex(t.personality));
		line("nice", std::to_string(t.nice));
		line("umask", fmt::format("{:04o}", t.umask));
		line("exe", file_text(p, t.exe_file));
		line("cwd", file_text(p, t.cwd_file));
		if (t.root_file)
			line("root", file_text(p, t.root_file));
		line("code", range(t.start_code, t.end_code));
		line("data", range(t.start_data, t.end_data));
		line("heap (start_brk-brk)", range(t.start_brk, t.brk));
		line("stack start", hex(t.start_stack));
		line("arguments", range(t.arg_start, t.arg_end));
		line("environment", range(t.env_start, t.env_end));
		line("auxv", fmt::format("{} pairs", t.auxv_words / 2));
		for (std::size_t i = 0; i < CRMOD_RLIMITS; i++)
			line(fmt::format("rlimit {}", rlimit_names[i]),
			     fmt::format("{} / {}", rlimit_text(t.rlim_cur[i]), rlimit_text(t.rlim_max[i])));
		line("rseq", t.rseq ? fmt::format("{}, {} bytes, signature {}", hex(t.rseq), t.rseq_len,
						  hex(t.rseq_sig))
				    : std::string("none"));
	}
	if (p.creds) {
		const auto &c = p.creds->creds;
		out += "credentials:\n";
		line("uid euid suid fsuid", fmt::format("{} {} {} {}", c.uid, c.euid, c.suid, c.fsuid));
		line("gid egid sgid fsgid", fmt::format("{} {} {} {}", c.gid, c.egid, c.sgid, c.fsgid));
		std::vector<std::string> groups;
		for (auto g : p.creds->groups)
			groups.push_back(std::to_string(g));
		line("groups", join(groups));
		line("capabilities", fmt::format("effective {}, permitted {}, inheritable {}", hex(c.cap_effective),
						 hex(c.cap_permitted), hex(c.cap_inheritable)));
		line("bounding, ambient", fmt::format("{}, {}", hex(c.cap_bset), hex(c.cap_ambient)));
		line("securebits", hex(c.securebits));
	}
	if (!p.files.empty()) {
		out += fmt::format("files: {}\n", p.files.size());
		for (const auto &[f, path] : p.files)
			out += fmt::format("  {:>4}  {:<9} {:>8o} {:>12} bytes  mtime {}.{:09}  {}\n", f.id,
					   name_or_unknown(f.kind, file_kinds), f.mode, f.size, f.mtime_sec,
					   f.mtime_nsec, path);
	}
	if (p.vmas) {
		out += fmt::format("vmas: {}\n", p.vmas->size());
		if (!p.vmas->empty())
			out += fmt::format("  {:>37} prot {:>10} {:<10} file\n", "start-end", "pgoff", "flags");
		for (const auto &v : *p.vmas) {
			// shared is the s of "rw-s", as in /proc/PID/maps
			auto flags = bit_names(v.flags & ~static_cast<std::uint32_t>(CRMOD_VMA_SHARED), vma_flags);
			out += fmt::format("  {:>18}-{:<18} {}{} {:>10} {:<10} {}", hex(v.start), hex(v.end),
					   prot_text(v.prot), v.flags & CRMOD_VMA_SHARED ? 's' : 'p', v.pgoff,
					   flags.empty() ? "-" : join(flags, ","), v.file ? file_text(p, v.file) : "-");
			out += '\n';
		}
	}
	if (!p.pages.empty()) {
		auto total = pages_total(p.pages);
		out += fmt::format("pages: {} runs, {} pages, {} bytes; largest run {} pages at {}\n",
				   p.pages.size(), total.pages, total.pages * machine.page_size,
				   total.largest->nr_pages, hex(total.largest->addr));
	}
	if (p.x86_regs) {
		const auto &r = *p.x86_regs;
		out += "x86_64 registers:\n";
		line("ip", hex(r.ip));
		line("sp", hex(r.sp));
		line("ax", hex(r.ax));
		line("orig_ax", std::to_string(static_cast<std::int64_t>(r.orig_ax)));
		line("flags", hex(r.flags));
		line("fs_base", hex(r.fs_base));
		line("dr7", hex(r.debugreg[7]));
		line("xsave area", p.xstate_bv ? fmt::format("{} bytes, XSTATE_BV {} ({})", r.xsave_size,
							     hex(*p.xstate_bv),
							     join(xsave_component_names(*p.xstate_bv)))
					       : fmt::format("{} bytes (FXSAVE: no XSAVE header)", r.xsave_size));
	}
	if (p.ppc_regs) {
		const auto &r = *p.ppc_regs;
		out += "ppc64 registers:\n";
		line("nip", hex(r.nip));
		line("msr", hex(r.msr));
		line("gpr1 (sp)", hex(r.gpr[1]));
		line("link", hex(r.link));
		line("ctr", hex(r.ctr));
		line("ccr", hex(r.ccr));
		line("trap", hex(r.trap));
		line("tar dscr ppr", fmt::format("{} {} {}", hex(r.tar), hex(r.dscr), hex(r.ppr)));
		line("flags", mask_text(r.flags, ppc_regs_flags));
	}
	if (p.signals) {
		const auto &s = *p.signals;
		out += "signals:\n";
		bool any = false;
		for (std::uint32_t i = 0; i < CRMOD_NSIG; i++) {
			const auto &a = s.action[i];
			if (a.handler == 0)
				continue;
			any = true;
			line(signal_name(i + 1), fmt::format("handler {}, flags {}, mask {}", handler_text(a.handler),
							     mask_text(a.flags, sa_flags), hex(a.mask)));
		}
		if (!any)
			line("handlers", "all default");
		line("blocked", fmt::format("{} ({})", hex(s.blocked), join(signal_set_names(s.blocked))));
		line("altstack", fmt::format("sp {}, size {}, flags {}", hex(s.altstack_sp), s.altstack_size,
					     mask_text(s.altstack_flags, ss_flags)));
	}
	if (p.pending) {
		std::vector<std::string> pending;
		for (const auto &s : *p.pending)
			pending.push_back(signal_name(s.signo) + (s.flags & CRMOD_SIG_SHARED ? " (process)" : " (thread)"));
		out += fmt::format("pending signals: {}\n", join(pending, ", "));
	}
	if (!p.pipes.empty()) {
		out += fmt::format("pipes: {}\n", p.pipes.size());
		for (const auto &pipe : p.pipes)
			out += fmt::format("  {:>4}  {} of {} bytes buffered\n", pipe.id, pipe.len, pipe.capacity);
	}
	if (p.fds) {
		out += fmt::format("fds: {}\n", p.fds->size());
		for (const auto &f : *p.fds) {
			out += fmt::format("  {:>4}  {:<8} {:<28} {:<8} pos {}", f.fd, fd_kind_name(f.kind),
					   join(open_flag_names(f.file_flags, machine.arch), "|"),
					   f.fd_flags & CRMOD_FD_CLOEXEC ? "cloexec" : "-", f.pos);
			if (f.kind == CRMOD_FD_FILE)
				out += "  " + file_text(p, f.file);
			else if (f.kind == CRMOD_FD_PIPE)
				out += fmt::format("  pipe {}", f.file);
			out += '\n';
		}
	}
	return out;
}

} // namespace detail

} // namespace crctl
