// Reading checkpoint images (formats 2 and 3, include/uapi/linux/crmod.h): every
// length, checksum and count is checked, every section the format defines is
// decoded and checked against the rules the header states, and a problem is
// named precisely.
#pragma once

#include <linux/crmod.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace crctl {

// What is wrong with an image, and where: "header", "section 3 (VMAS)" or
// "trailer", at a byte offset into the image.
class ImageError : public std::runtime_error {
public:
	ImageError(std::string where, std::uint64_t offset, const std::string &problem);
	const std::string &where() const noexcept { return where_; }
	std::uint64_t offset() const noexcept { return offset_; }
	const std::string &problem() const noexcept { return problem_; }

private:
	std::string where_;
	std::uint64_t offset_;
	std::string problem_;
};

struct SectionInfo {
	std::uint32_t type;
	std::uint64_t offset;	// of the section header
	std::uint64_t length;	// payload bytes
	std::uint32_t payload_crc;
	// The payload as far as it is decoded: all of it for most types, the
	// struct crmod_pages of a PAGES run, the struct crmod_file_data of a
	// FILE_DATA extent, the struct crmod_pipe of a PIPE, the registers and
	// the XSAVE header of REGS_X86, nothing of a type this crctl does not
	// know.
	std::vector<std::byte> data;
};

// A FILE section.
struct ImageFile {
	crmod_file file;
	std::string path;
};

// A CREDS section.
struct ImageCreds {
	crmod_creds creds;
	std::vector<std::uint32_t> groups;
};

// What each thread has of its own (TASK, the arch's REGS, SIGNALS and
// PENDING), as its sections have it: the leader's are the process's.
struct TaskState {
	std::optional<crmod_task> task;
	std::optional<crmod_x86_regs> x86_regs;
	std::optional<std::uint64_t> xstate_bv;	// XSAVE header's, with an XSAVE area
	// components XSTATE_BV marks in use that hold all zeros, their initial
	// configuration: restart needs nothing of the CPU for them
	std::uint64_t xstate_zero = 0;
	std::optional<crmod_ppc_regs> ppc_regs;
	std::optional<crmod_signals> signals;
	std::optional<std::vector<crmod_pending_signal>> pending;
};

// A thread other than the leader (format 3): its THREAD section, then its
// own sections, every one of which a decoded thread has.
struct ImageThread : TaskState {
	std::uint32_t tid = 0;
	std::size_t section = 0;	// the index of its THREAD section
};

// The process state the sections describe, each as its section has it; the
// TaskState is the leader's.
struct ProcessState : TaskState {
	std::vector<ImageFile> files;	// files[i].file.id == i + 1
	std::vector<crmod_file_data> file_data;	// one per FILE_DATA section, in image order
	std::optional<std::string> cgroup;	// the CGROUP section's path
	std::optional<crmod_namespaces> namespaces;	// the NAMESPACES section (format 5)
	std::optional<crmod_process> parent;	// PROCESS (format 6): a child of a tree
	std::optional<std::vector<crmod_vma>> vmas;
	std::optional<std::vector<crmod_vdso_sym>> vdso;	// the VDSO section (format 4)
	std::vector<crmod_pages> pages;	// one per PAGES section, in image order
	std::optional<ImageCreds> creds;
	std::vector<crmod_pipe> pipes;	// pipes[i].id == i + 1
	std::optional<crmod_timers> timers;
	std::optional<std::vector<crmod_ofd>> ofds;	// ofds[i].id == i + 1
	std::optional<std::vector<crmod_fd>> fds;
	std::optional<std::vector<crmod_lock>> locks;
	std::vector<ImageThread> threads;	// but the leader, in image order

	// The tids of the threads but the leader, in image order.
	std::vector<std::uint32_t> thread_tids() const;

	// The file of id (1..), or nullptr for 0 and undefined ids.
	const ImageFile *file(std::uint32_t id) const;
	// Its path, or nullptr likewise.
	const std::string *file_path(std::uint32_t id) const;
	// The open file description of id (1..), or nullptr.
	const crmod_ofd *ofd(std::uint32_t id) const;
};

// What FILE_DATA carries of one file: how many extents, how many bytes.
struct FileContent {
	std::uint64_t extents = 0;
	std::uint64_t bytes = 0;
};
FileContent file_content(const ProcessState &process, std::uint32_t file);

struct ImageSummary {
	crmod_image_header header;	// in host byte order
	std::vector<SectionInfo> sections;	// END excluded
	crmod_image_trailer trailer;
	std::uint64_t size;
	ProcessState process;
};

// Whether read_image checks the CRC of page content and of file content
// (PAGES and FILE_DATA), or only reads past it: restart leaves that to the
// module, which checks every CRC anyway before it changes anything, and so
// saves a pass over the process's memory.
enum class PageContent { check, skip_crc };

// Reads the whole image from in; throws ImageError on the first problem.
ImageSummary read_image(std::istream &in, PageContent pages = PageContent::check);

// A process tree: one image per process, one after another, the root first
// and every parent before its children. A lone process is a tree of one.
struct TreeImage {
	std::vector<ImageSummary> processes;
	std::vector<std::uint64_t> offsets;	// where each process's image starts
	std::uint64_t size = 0;

	std::size_t threads() const;	// of every process, leaders included
};

// Reads every image of a tree from in, checking each as read_image does
// and that they make one tree; an ImageError names the process (its index
// and pid) and the offset in the whole file.
TreeImage read_tree(std::istream &in, PageContent pages = PageContent::check);

// "process 2 (pid 57)": how errors name a process of a tree.
std::string process_where(const TreeImage &tree, std::size_t index);

// Decodes and checks the sections of an image of format (THREAD sections
// from format 3 on) taken on machine (its page size and arch, never this
// host's); read_image calls it once the framing is good.
ProcessState decode_process(const crmod_machine &machine, std::span<const SectionInfo> sections,
			    std::uint32_t format = CRMOD_IMAGE_FORMAT);

// Why restart cannot take an image crctl info accepts: a section type the
// module does not know, or one of the sections every image has missing
// (the module's own order of checks); nullopt if there is none.
std::optional<ImageError> restart_problem(const ImageSummary &image);

// "END", "TASK", .., or "unknown type 0x100".
std::string section_type_name(std::uint32_t type);
// "section 3 (VMAS)": how errors name a section.
std::string section_where(std::size_t index, std::uint32_t type);

nlohmann::json image_json(const ImageSummary &image);
std::string image_text(const ImageSummary &image);

// Why an image taken on `image` cannot be restarted on `host` (arch, word
// size, byte order, larger pages), in one line; nullopt if they agree.
// Smaller pages are the module's to judge, mapping by mapping.
std::optional<std::string> machine_mismatch(const crmod_machine &image, const crmod_machine &host);

} // namespace crctl
