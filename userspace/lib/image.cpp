#include "crctl/image.hpp"

#include "crctl/crc32c.hpp"
#include "crctl/describe.hpp"

#include "process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string_view>

namespace crctl {

// Images are little-endian; both supported arches are too, so the structures
// are read as they lie. A big-endian host would have to swap every field.
static_assert(std::endian::native == std::endian::little,
	      "crctl decodes images on little-endian hosts only");

namespace {

constexpr std::uint64_t header_bytes = sizeof(crmod_image_header);
constexpr std::uint64_t section_header_bytes = sizeof(crmod_section_header);
// The XSAVE area's legacy region (512 bytes) and its 64-byte header.
// the module saves no XSAVE area larger (arch/x86/regs.c CR_XSAVE_MAX)
constexpr std::uint64_t xsave_max_bytes = 64 << 10;
// The module reads a section other than PAGES and FILE_DATA whole, and
// refuses one longer than this (CR_SMALL_SECTION_MAX in module/restart.c).
constexpr std::uint64_t small_section_max = 16 << 20;

template <typename T> std::span<const std::byte> bytes_of(const T &value, std::size_t count = sizeof(T))
{
	return {reinterpret_cast<const std::byte *>(&value), count};
}

std::uint64_t padding_after(std::uint64_t length)
{
	return (CRMOD_IMAGE_ALIGN - length % CRMOD_IMAGE_ALIGN) % CRMOD_IMAGE_ALIGN;
}

std::string crc_mismatch(std::string_view what, std::uint32_t stored, std::uint32_t computed)
{
	return fmt::format("{} CRC32C mismatch: stored {:#010x}, computed {:#010x}", what, stored, computed);
}

// Reads exactly into buffer; returns how many bytes the stream had.
std::uint64_t read_some(std::istream &in, std::span<std::byte> buffer)
{
	in.read(reinterpret_cast<char *>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
	return static_cast<std::uint64_t>(in.gcount());
}

class Reader {
public:
	Reader(std::istream &in, PageContent pages) : in_(in), pages_(pages) {}

	// One image; with more_may_follow, whatever follows its END is left
	// for the next.
	ImageSummary read(bool more_may_follow = false)
	{
		ImageSummary image{};
		image.header = read_header();
		offset_ = header_bytes;
		for (;;) {
			auto [section, is_end] = read_section(image.sections.size());
			if (is_end) {
				image.trailer = check_trailer(image.sections.size(), section.offset);
				break;
			}
			image.sections.push_back(section);
		}
		if (!more_may_follow)
			check_nothing_after();
		image.size = offset_;
		image.process = decode_process(image.header.machine, image.sections, image.header.format_version);
		return image;
	}

private:
	crmod_image_header read_header()
	{
		crmod_image_header h{};
		auto got = read_some(in_, std::as_writable_bytes(std::span(&h, 1)));
		if (got == 0)
			throw ImageError("header", 0, "the image is empty");
		if (got < header_bytes)
			throw ImageError("header", 0,
					 fmt::format("truncated: {} of {} bytes", got, header_bytes));
		if (std::memcmp(h.magic, CRMOD_IMAGE_MAGIC, sizeof(h.magic)) != 0)
			throw ImageError("header", 0,
					 fmt::format("bad magic \"{}\": not a crmod image (expected \"{}\")",
						     printable(h.magic), CRMOD_IMAGE_MAGIC));
		auto crc = crc32c(bytes_of(h, offsetof(crmod_image_header, header_crc)));
		if (crc != h.header_crc)
			throw ImageError("header", offsetof(crmod_image_header, header_crc),
					 crc_mismatch("header", h.header_crc, crc));
		if (h.format_version < CRMOD_IMAGE_FORMAT_MIN || h.format_version > CRMOD_IMAGE_FORMAT)
			throw ImageError("header", offsetof(crmod_image_header, format_version),
					 format_refusal(h.format_version));
		if (h.header_size != header_bytes)
			throw ImageError("header", offsetof(crmod_image_header, header_size),
					 fmt::format("header size {}, expected {}", h.header_size, header_bytes));
		if (h.flags != 0 || h.reserved != 0)
			throw ImageError("header", offsetof(crmod_image_header, flags),
					 fmt::format("unknown flags {:#x} or reserved {:#x} set", h.flags, h.reserved));
		check_machine(h.machine);
		return h;
	}

	static void check_machine(const crmod_machine &m)
	{
		auto at = offsetof(crmod_image_header, machine);
		if (m.arch != CRMOD_ARCH_X86_64 && m.arch != CRMOD_ARCH_PPC64)
			throw ImageError("header", at, fmt::format("unknown architecture {}", m.arch));
		if (m.word_size != 64)
			throw ImageError("header", at, fmt::format("word size {} bits, expected 64", m.word_size));
		if (m.endian != CRMOD_ENDIAN_LITTLE && m.endian != CRMOD_ENDIAN_BIG)
			throw ImageError("header", at, fmt::format("unknown endianness {}", m.endian));
		if (m.page_size < 4096 || !std::has_single_bit(m.page_size))
			throw ImageError("header", at, fmt::format("page size {} is not a power of two >= 4096",
								   m.page_size));
	}

	static std::string format_refusal(std::uint32_t version)
	{
		auto problem = fmt::format("image format {}: this crctl (crmod {}) reads formats {} to {}",
					   version, tool_version, CRMOD_IMAGE_FORMAT_MIN, CRMOD_IMAGE_FORMAT);
		if (version == 1)
			problem += "; format 1 images were written by crmod 0.2, whose crctl reads them";
		return problem;
	}

	static std::string printable(const char (&magic)[8])
	{
		std::string out;
		for (char c : magic)
			out += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
		return out;
	}

	std::pair<SectionInfo, bool> read_section(std::size_t index)
	{
		crmod_section_header s{};
		const std::uint64_t at = offset_;
		auto got = read_some(in_, std::as_writable_bytes(std::span(&s, 1)));
		if (got == 0)
			throw ImageError("trailer", at,
					 fmt::format("the image ends after {} sections without an END section "
						     "(truncated?)", index));
		std::string where = fmt::format("section {}", index);
		if (got < section_header_bytes)
			throw ImageError(where, at, fmt::format("truncated header: {} of {} bytes", got,
								 section_header_bytes));
		auto crc = crc32c(bytes_of(s, offsetof(crmod_section_header, header_crc)));
		if (crc != s.header_crc)
			throw ImageError(where, at, crc_mismatch("section header", s.header_crc, crc));
		where = section_where(index, s.type);
		if (s.flags != 0)
			throw ImageError(where, at, fmt::format("unknown flags {:#x}", s.flags));
		if (s.length > CRMOD_IMAGE_SECTION_MAX)
			throw ImageError(where, at,
					 fmt::format("length {} exceeds the section limit of {} bytes", s.length,
						     CRMOD_IMAGE_SECTION_MAX));
		if (is_small(s.type) && s.length > small_section_max)
			throw ImageError(where, at,
					 fmt::format("length {} exceeds the {} bytes restart reads of a {} section",
						     s.length, small_section_max, section_type_name(s.type)));
		offset_ += section_header_bytes;
		SectionInfo info{s.type, at, s.length, s.payload_crc, {}};
		read_payload(where, at, s, info.data);
		if (s.type == CRMOD_SEC_END) {
			if (s.length != sizeof(crmod_image_trailer))
				throw ImageError(where, at, fmt::format("END payload is {} bytes, expected {}",
									s.length, sizeof(crmod_image_trailer)));
			std::memcpy(&trailer_, info.data.data(), sizeof(trailer_));
		}
		return {std::move(info), s.type == CRMOD_SEC_END};
	}

	// Sections of content (page runs, file extents), which the module
	// streams; every other type it knows it reads whole, up to 16 MiB.
	static bool is_content(std::uint32_t type)
	{
		return type == CRMOD_SEC_PAGES || type == CRMOD_SEC_FILE_DATA;
	}
	static bool is_small(std::uint32_t type)
	{
		return type != CRMOD_SEC_END && !is_content(type) &&
		       !section_type_name(type).starts_with("unknown");
	}

	// How much of a payload is kept for decoding: a page run's and a file
	// extent's content, the XSAVE area beyond its header and a pipe's bytes
	// are only checksummed.
	static std::uint64_t kept_bytes(std::uint32_t type)
	{
		switch (type) {
		case CRMOD_SEC_END:
			return sizeof(crmod_image_trailer);
		case CRMOD_SEC_PAGES:
			return sizeof(crmod_pages);
		case CRMOD_SEC_FILE_DATA:
			return sizeof(crmod_file_data);
		case CRMOD_SEC_REGS_X86:
			// all of it: which components hold their initial state
			return sizeof(crmod_x86_regs) + xsave_max_bytes;
		case CRMOD_SEC_PIPE:
			return sizeof(crmod_pipe);
		default:
			return is_small(type) ? small_section_max : 0;
		}
	}

	// Moves up to n bytes on without reading them, if the stream can seek and
	// holds that many; returns how far it moved.
	std::uint64_t skip(std::uint64_t n)
	{
		auto *buf = in_.rdbuf();
		const auto mode = std::ios_base::in;
		const std::streampos failed(std::streamoff(-1));
		auto here = buf->pubseekoff(0, std::ios_base::cur, mode);
		if (here == failed)
			return 0;
		auto end = buf->pubseekoff(0, std::ios_base::end, mode);
		if (end == failed || end < here) {
			buf->pubseekpos(here, mode);
			return 0;
		}
		auto can = std::min<std::uint64_t>(n, static_cast<std::uint64_t>(end - here));
		if (buf->pubseekpos(here + static_cast<std::streamoff>(can), mode) == failed)
			throw ImageError("image", offset_, "cannot seek in the image");
		return can;
	}

	// Streams the payload through the CRC, keeping its first kept_bytes.
	void read_payload(const std::string &where, std::uint64_t at, const crmod_section_header &s,
			  std::vector<std::byte> &kept)
	{
		Crc32c crc;
		const bool check_crc = !is_content(s.type) || pages_ == PageContent::check;
		std::array<std::byte, 1 << 16> chunk;
		std::uint64_t left = s.length;
		const std::uint64_t keep = std::min<std::uint64_t>(kept_bytes(s.type), s.length);
		while (left > 0) {
			if (!check_crc && kept.size() >= keep) {
				// Past what is kept, unchecked content is skipped where the
				// stream can seek; a short skip (the image ends) reads on,
				// which reports the truncation.
				auto skipped = skip(left);
				offset_ += skipped;
				left -= skipped;
				if (left == 0)
					break;
			}
			auto want = std::min<std::uint64_t>(left, chunk.size());
			auto got = read_some(in_, std::span(chunk).first(want));
			if (check_crc)
				crc.update(std::span(chunk).first(got));
			if (kept.size() < keep) {
				auto more = std::min<std::uint64_t>(got, keep - kept.size());
				kept.insert(kept.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(more));
			}
			offset_ += got;
			left -= got;
			if (got < want)
				throw ImageError(where, at,
						 fmt::format("truncated: the payload needs {} bytes, the image ends "
							     "after {}", s.length, s.length - left));
		}
		if (check_crc && crc.value() != s.payload_crc)
			throw ImageError(where, at, crc_mismatch("payload", s.payload_crc, crc.value()));
		std::array<std::byte, CRMOD_IMAGE_ALIGN> pad{};
		auto pad_len = padding_after(s.length);
		if (read_some(in_, std::span(pad).first(pad_len)) != pad_len)
			throw ImageError(where, at, "truncated: the image ends inside the padding");
		for (std::size_t i = 0; i < pad_len; i++)
			if (pad[i] != std::byte{0})
				throw ImageError(where, offset_ + i, "padding after the payload is not zero");
		offset_ += pad_len;
	}

	crmod_image_trailer check_trailer(std::size_t sections, std::uint64_t end_offset) const
	{
		if (trailer_.sections != sections)
			throw ImageError("trailer", end_offset,
					 fmt::format("the END section counts {} sections, the image has {}",
						     trailer_.sections, sections));
		if (trailer_.image_bytes != end_offset)
			throw ImageError("trailer", end_offset,
					 fmt::format("the END section counts {} bytes before it, the image has {}",
						     trailer_.image_bytes, end_offset));
		return trailer_;
	}

	void check_nothing_after()
	{
		std::array<std::byte, 4096> extra;
		std::uint64_t count = 0;
		for (std::uint64_t got; (got = read_some(in_, extra)) > 0;)
			count += got;
		if (count)
			throw ImageError("trailer", offset_,
					 fmt::format("{} bytes of data after the END section", count));
	}

	std::istream &in_;
	PageContent pages_;
	std::uint64_t offset_ = 0;
	crmod_image_trailer trailer_{};
};

} // namespace

ImageError::ImageError(std::string where, std::uint64_t offset, const std::string &problem)
	: std::runtime_error(fmt::format("{} at offset {}: {}", where, offset, problem)),
	  where_(std::move(where)), offset_(offset), problem_(problem)
{
}

ImageSummary read_image(std::istream &in, PageContent pages) { return Reader(in, pages).read(); }

std::size_t TreeImage::threads() const
{
	std::size_t n = 0;
	for (const auto &p : processes)
		n += 1 + p.process.threads.size();
	return n;
}

std::string process_where(const TreeImage &tree, std::size_t index)
{
	const auto &task = tree.processes.at(index).process.task;
	return task ? fmt::format("process {} (pid {})", index, task->pid) : fmt::format("process {}", index);
}

namespace {

// The pid of a decoded image (every image crctl accepts has a TASK).
std::uint32_t pid_of(const ImageSummary &image)
{
	return image.process.task ? image.process.task->pid : 0;
}

// The images make one tree: the root has no parent in it, every other
// process has one before it; no pid or tid twice; one machine.
void check_tree(const TreeImage &tree)
{
	std::vector<std::uint32_t> ids;
	for (std::size_t i = 0; i < tree.processes.size(); i++) {
		const auto &image = tree.processes[i];
		const auto where = process_where(tree, i);
		const auto at = tree.offsets[i];
		const auto &parent = image.process.parent;
		if (i == 0 && parent)
			throw ImageError(where, at, fmt::format("the tree's first process has a parent ({}) in the "
								"tree: the root comes first", parent->ppid));
		if (i > 0 && !parent)
			throw ImageError(where, at, "a second process without a parent in the tree (no PROCESS section)");
		if (parent && std::find(ids.begin(), ids.end(), parent->ppid) == ids.end())
			throw ImageError(where, at, fmt::format("its parent {} is not a process before it in the tree",
								parent->ppid));
		if (std::memcmp(&image.header.machine, &tree.processes[0].header.machine,
				sizeof(image.header.machine)) != 0)
			throw ImageError(where, at, "taken on another machine than the tree's root");
		std::vector<std::uint32_t> own{pid_of(image)};
		for (auto tid : image.process.thread_tids())
			own.push_back(tid);
		for (auto id : own) {
			if (std::find(ids.begin(), ids.end(), id) != ids.end())
				throw ImageError(where, at, fmt::format("pid {} is in the tree twice", id));
			ids.push_back(id);
		}
	}
}

} // namespace

TreeImage read_tree(std::istream &in, PageContent pages)
{
	TreeImage tree;
	do {
		const auto index = tree.processes.size();
		const auto start = tree.size;
		try {
			tree.processes.push_back(Reader(in, pages).read(true));
		} catch (const ImageError &e) {
			if (index == 0)
				throw;
			throw ImageError(fmt::format("process {} (its image at offset {}), {}", index, start, e.where()),
					 start + e.offset(), e.problem());
		}
		tree.offsets.push_back(start);
		tree.size += tree.processes.back().size;
	} while (in.peek() != std::char_traits<char>::eof());
	in.clear();
	check_tree(tree);
	return tree;
}

std::string section_type_name(std::uint32_t type)
{
	switch (type) {
	case CRMOD_SEC_END:
		return "END";
	case CRMOD_SEC_TASK:
		return "TASK";
	case CRMOD_SEC_FILE:
		return "FILE";
	case CRMOD_SEC_VMAS:
		return "VMAS";
	case CRMOD_SEC_PAGES:
		return "PAGES";
	case CRMOD_SEC_REGS_X86:
		return "REGS_X86";
	case CRMOD_SEC_REGS_PPC:
		return "REGS_PPC";
	case CRMOD_SEC_SIGNALS:
		return "SIGNALS";
	case CRMOD_SEC_FDS:
		return "FDS";
	case CRMOD_SEC_CREDS:
		return "CREDS";
	case CRMOD_SEC_PENDING:
		return "PENDING";
	case CRMOD_SEC_PIPE:
		return "PIPE";
	case CRMOD_SEC_OFDS:
		return "OFDS";
	case CRMOD_SEC_FILE_DATA:
		return "FILE_DATA";
	case CRMOD_SEC_LOCKS:
		return "LOCKS";
	case CRMOD_SEC_TIMERS:
		return "TIMERS";
	case CRMOD_SEC_CGROUP:
		return "CGROUP";
	case CRMOD_SEC_THREAD:
		return "THREAD";
	case CRMOD_SEC_VDSO:
		return "VDSO";
	case CRMOD_SEC_NAMESPACES:
		return "NAMESPACES";
	case CRMOD_SEC_PROCESS:
		return "PROCESS";
	default:
		return fmt::format("unknown type {:#x}", type);
	}
}

std::optional<ImageError> restart_problem(const ImageSummary &image)
{
	for (std::size_t i = 0; i < image.sections.size(); i++)
		if (section_type_name(image.sections[i].type).starts_with("unknown"))
			return ImageError(section_where(i, image.sections[i].type), image.sections[i].offset,
					  "restart does not know this section type");
	const auto &p = image.process;
	const bool regs = image.header.machine.arch == CRMOD_ARCH_X86_64 ? p.x86_regs.has_value()
									  : p.ppc_regs.has_value();
	// in the order the module asks for them
	const std::pair<bool, const char *> needed[] = {
		{p.task.has_value(), "TASK"},	  {p.vmas.has_value(), "VMAS"},	  {p.signals.has_value(), "SIGNALS"},
		{p.pending.has_value(), "PENDING"}, {p.creds.has_value(), "CREDS"},	  {p.timers.has_value(), "TIMERS"},
		{p.cgroup.has_value(), "CGROUP"},	  {p.ofds.has_value(), "OFDS"},	  {p.fds.has_value(), "FDS"},
		{p.locks.has_value(), "LOCKS"},
		{regs, image.header.machine.arch == CRMOD_ARCH_X86_64 ? "REGS_X86" : "REGS_PPC"},
	};
	for (const auto &[present, name] : needed)
		if (!present)
			return ImageError("image", image.size, fmt::format("the image has no {} section", name));
	return std::nullopt;
}

std::string section_where(std::size_t index, std::uint32_t type)
{
	return fmt::format("section {} ({})", index, section_type_name(type));
}

nlohmann::json image_json(const ImageSummary &image)
{
	nlohmann::json sections = nlohmann::json::array();
	for (const auto &s : image.sections)
		sections.push_back({{"type", section_type_name(s.type)},
				    {"offset", s.offset},
				    {"length", s.length},
				    {"crc32c", fmt::format("{:#010x}", s.payload_crc)}});
	nlohmann::json out = {
		{"valid", true},
		{"format_version", image.header.format_version},
		{"size", image.size},
		{"created_ns", image.header.created_ns},
		{"machine", machine_json(image.header.machine)},
		{"sections", sections},
	};
	out.update(detail::process_json(image.process, image.header.machine));
	return out;
}

std::string image_text(const ImageSummary &image)
{
	std::string out = fmt::format("crmod image, format {}, {} bytes, {} sections, checksums good\n",
				      image.header.format_version, image.size, image.sections.size());
	out += "taken on:\n" + machine_text(image.header.machine);
	out += "sections:\n";
	for (const auto &s : image.sections)
		out += fmt::format("  {:>10}  {:<20} {} bytes\n", s.offset, section_type_name(s.type), s.length);
	return out + detail::process_text(image.process, image.header.machine);
}

std::optional<std::string> machine_mismatch(const crmod_machine &image, const crmod_machine &host)
{
	if (image.arch != host.arch)
		return fmt::format("the image was taken on {}, this machine is {}", arch_name(image.arch),
				   arch_name(host.arch));
	if (image.word_size != host.word_size)
		return fmt::format("the image was taken on a {}-bit machine, this machine is {}-bit",
				   image.word_size, host.word_size);
	if (image.endian != host.endian)
		return fmt::format("the image was taken on a {}-endian machine, this machine is {}-endian",
				   endian_name(image.endian), endian_name(host.endian));
	if (image.page_size > host.page_size)
		return fmt::format("the image has {}-byte pages, larger than this machine's {}-byte pages: restart it "
				   "under a kernel of {}-byte pages",
				   image.page_size, host.page_size, image.page_size);
	return std::nullopt;
}

} // namespace crctl
