#include "crctl/image.hpp"
#include "crctl/describe.hpp"

#include "image_builder.hpp"
#include "machines.hpp"
#include "read_image.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using crctl::ImageError;
using crctl::test::error_for;
using crctl::test::ImageBuilder;
using crctl::test::read;

std::string good_image(const crmod_machine &machine)
{
	return ImageBuilder(machine).section(0x100, "task state").section(0x200, std::string(4096, 'p')).finish();
}

TEST(Image, ReadsImagesOfBothArches)
{
	auto x86 = read(good_image(crctl::test::x86_machine()));
	EXPECT_EQ(x86.header.machine.arch, CRMOD_ARCH_X86_64);
	ASSERT_EQ(x86.sections.size(), 2u);
	EXPECT_EQ(x86.sections[0].type, 0x100u);
	EXPECT_EQ(x86.sections[0].offset, sizeof(crmod_image_header));
	EXPECT_EQ(x86.sections[0].length, 10u);
	// 10 bytes of payload padded to 16
	EXPECT_EQ(x86.sections[1].offset, sizeof(crmod_image_header) + 24 + 16);
	EXPECT_EQ(x86.trailer.sections, 2u);

	auto ppc = read(good_image(crctl::test::ppc_machine()));
	EXPECT_EQ(ppc.header.machine.arch, CRMOD_ARCH_PPC64);
	EXPECT_EQ(ppc.header.machine.page_size, 65536u);
	auto json = crctl::image_json(ppc);
	EXPECT_EQ(json["machine"]["ppc"]["platform"], "power10");
	EXPECT_EQ(json["sections"][1]["length"], 4096);
	EXPECT_NE(crctl::image_text(ppc).find("power10"), std::string::npos);
}

TEST(Image, EmptyAndForeignInputs)
{
	EXPECT_EQ(error_for("").problem(), "the image is empty");
	auto e = error_for(std::string(sizeof(crmod_image_header), 'x'));
	EXPECT_EQ(e.where(), "header");
	EXPECT_NE(e.problem().find("bad magic \"xxxxxxxx\""), std::string::npos);
}

TEST(Image, EveryTruncationIsNamed)
{
	auto image = good_image(crctl::test::x86_machine());
	for (std::size_t size = 1; size < image.size(); size++) {
		auto e = error_for(image.substr(0, size));
		EXPECT_FALSE(e.problem().empty()) << size;
		EXPECT_TRUE(e.problem().find("truncated") != std::string::npos ||
			    e.problem().find("without an END") != std::string::npos)
			<< "size " << size << ": " << e.what();
	}
}

TEST(Image, EveryFlippedBitIsCaught)
{
	auto image = good_image(crctl::test::ppc_machine());
	for (std::size_t byte = 0; byte < image.size(); byte++) {
		auto bad = image;
		bad[byte] = static_cast<char>(bad[byte] ^ 0x10);
		auto e = error_for(bad);
		EXPECT_FALSE(e.where().empty()) << byte;
	}
}

TEST(Image, ChecksumErrorsSayWhereAndWhat)
{
	auto image = good_image(crctl::test::x86_machine());
	auto bad = image;
	bad[sizeof(crmod_image_header) + 24 + 3] ^= 1;	// in the first payload
	auto e = error_for(bad);
	EXPECT_EQ(e.where(), "section 0 (unknown type 0x100)");
	EXPECT_EQ(e.offset(), sizeof(crmod_image_header));
	EXPECT_NE(e.problem().find("payload CRC32C mismatch: stored 0x"), std::string::npos);
	EXPECT_NE(e.problem().find("computed 0x"), std::string::npos);

	bad = image;
	bad[40] ^= 1;	// in the machine description
	e = error_for(bad);
	EXPECT_EQ(e.where(), "header");
	EXPECT_NE(e.problem().find("header CRC32C mismatch"), std::string::npos);
}

TEST(Image, AbsurdLengthIsRefusedBeforeReading)
{
	crmod_section_header s{};
	s.type = 0x100;
	s.length = CRMOD_IMAGE_SECTION_MAX + 1;
	s.header_crc = crctl::crc32c(std::as_bytes(std::span(&s, 1)).first(offsetof(crmod_section_header, header_crc)));
	auto image = good_image(crctl::test::x86_machine()).substr(0, sizeof(crmod_image_header));
	image.append(reinterpret_cast<const char *>(&s), sizeof(s));
	auto e = error_for(image);
	EXPECT_NE(e.problem().find("exceeds the section limit"), std::string::npos) << e.what();
}

TEST(Image, TrailerMustMatchAndEndTheImage)
{
	auto image = good_image(crctl::test::x86_machine());
	auto e = error_for(image + std::string(8, '\0'));
	EXPECT_EQ(e.where(), "trailer");
	EXPECT_NE(e.problem().find("8 bytes of data after the END section"), std::string::npos);

	// an END that miscounts: a section dropped by a buggy writer
	crmod_image_trailer wrong{5, 0};
	auto miscounted = ImageBuilder(crctl::test::x86_machine())
				  .section(CRMOD_SEC_END, std::string(reinterpret_cast<const char *>(&wrong), sizeof(wrong)))
				  .finish();
	e = error_for(miscounted);
	EXPECT_NE(e.problem().find("counts 5 sections, the image has 0"), std::string::npos) << e.what();
}

// The image with its header's format_version set to version.
std::string with_format(std::uint32_t version)
{
	auto image = good_image(crctl::test::x86_machine());
	crmod_image_header h;
	std::memcpy(&h, image.data(), sizeof(h));
	h.format_version = version;
	h.header_crc = crctl::crc32c(std::as_bytes(std::span(&h, 1)).first(offsetof(crmod_image_header, header_crc)));
	std::memcpy(image.data(), &h, sizeof(h));
	return image;
}

TEST(Image, OtherFormatsAreRefusedByName)
{
	auto e = error_for(with_format(1));
	EXPECT_EQ(e.where(), "header");
	EXPECT_EQ(e.offset(), offsetof(crmod_image_header, format_version));
	const std::string crctl = fmt::format("this crctl (crmod {})", crctl::tool_version);
	EXPECT_EQ(e.problem(), "image format 1: " + crctl +
				       " reads formats 2 to 6; format 1 images were written by crmod 0.2, whose crctl reads them");
	EXPECT_EQ(error_for(with_format(7)).problem(), "image format 7: " + crctl + " reads formats 2 to 6");
}

TEST(Image, FormatsTwoAndThreeAreRead)
{
	EXPECT_EQ(read(with_format(2)).header.format_version, 2u);
	EXPECT_EQ(read(with_format(3)).header.format_version, 3u);
}

TEST(Image, SectionsTheModuleReadsWholeAreAtMost16MiB)
{
	auto machine = crctl::test::x86_machine();
	auto big = std::string((16 << 20) + 1, '\0');
	auto e = error_for(ImageBuilder(machine).section(CRMOD_SEC_PENDING, big).finish());
	EXPECT_EQ(e.where(), "section 0 (PENDING)");
	EXPECT_EQ(e.offset(), sizeof(crmod_image_header));
	EXPECT_EQ(e.problem(), "length 16777217 exceeds the 16777216 bytes restart reads of a PENDING section");
	// content sections are streamed, and a type crctl does not know is listed
	EXPECT_NE(error_for(ImageBuilder(machine).section(CRMOD_SEC_FILE_DATA, big).finish()).problem().find(
			  "content for file 0"),
		  std::string::npos);
	EXPECT_NO_THROW(read(ImageBuilder(machine).section(0x100, big).finish()));
}

TEST(Image, SectionTypesHaveTheirNames)
{
	const std::pair<std::uint32_t, const char *> names[] = {
		{CRMOD_SEC_END, "END"},	     {CRMOD_SEC_TASK, "TASK"},	       {CRMOD_SEC_FILE, "FILE"},
		{CRMOD_SEC_VMAS, "VMAS"},     {CRMOD_SEC_PAGES, "PAGES"},       {CRMOD_SEC_REGS_X86, "REGS_X86"},
		{CRMOD_SEC_REGS_PPC, "REGS_PPC"}, {CRMOD_SEC_SIGNALS, "SIGNALS"}, {CRMOD_SEC_FDS, "FDS"},
		{CRMOD_SEC_CREDS, "CREDS"},   {CRMOD_SEC_PENDING, "PENDING"},   {CRMOD_SEC_PIPE, "PIPE"},
		{CRMOD_SEC_OFDS, "OFDS"},     {CRMOD_SEC_FILE_DATA, "FILE_DATA"}, {CRMOD_SEC_LOCKS, "LOCKS"},
		{CRMOD_SEC_TIMERS, "TIMERS"}, {CRMOD_SEC_CGROUP, "CGROUP"},     {CRMOD_SEC_THREAD, "THREAD"},
		{CRMOD_SEC_VDSO, "VDSO"},     {CRMOD_SEC_NAMESPACES, "NAMESPACES"},
		{CRMOD_SEC_PROCESS, "PROCESS"},	      {22, "unknown type 0x16"},
	};
	for (auto [type, name] : names)
		EXPECT_EQ(crctl::section_type_name(type), name);
}

crmod_vdso_sym vdso_sym(std::uint64_t offset, const std::string &name)
{
	crmod_vdso_sym s{};
	s.offset = offset;
	std::memcpy(s.name, name.data(), std::min(name.size(), sizeof(s.name)));
	return s;
}

TEST(Image, VdsoFunctionsAreDecoded)
{
	auto spec = crctl::test::sample_process(crctl::test::x86_machine());
	spec.vdso = {vdso_sym(0x950, "__vdso_clock_gettime"), vdso_sym(0x950, "clock_gettime"),
		     vdso_sym(0xa00, "__vdso_gettimeofday")};
	auto image = read(spec.build());
	ASSERT_TRUE(image.process.vdso.has_value());
	ASSERT_EQ(image.process.vdso->size(), 3u);
	EXPECT_EQ((*image.process.vdso)[2].offset, 0xa00u);
	EXPECT_STREQ((*image.process.vdso)[1].name, "clock_gettime");
	// crctl info shows them
	auto json = crctl::image_json(image);
	ASSERT_EQ(json["vdso_functions"].size(), 3u);
	EXPECT_EQ(json["vdso_functions"][2]["name"], "__vdso_gettimeofday");
	EXPECT_EQ(json["vdso_functions"][2]["offset"], "0xa00");
	EXPECT_NE(crctl::image_text(image).find(
			  "vdso functions: __vdso_clock_gettime 0x950, clock_gettime 0x950, __vdso_gettimeofday 0xa00\n"),
		  std::string::npos);
}

crmod_namespaces own_uts(const std::string &host, const std::string &domain)
{
	crmod_namespaces ns{};
	ns.own = CRMOD_NS_UTS | CRMOD_NS_IPC;
	host.copy(ns.nodename, sizeof(ns.nodename));
	domain.copy(ns.domainname, sizeof(ns.domainname));
	return ns;
}

TEST(Image, NamespacesAreDecodedAndShown)
{
	auto spec = crctl::test::sample_process(crctl::test::x86_machine());
	spec.namespaces = own_uts("box", "example.org");
	auto image = read(spec.build());
	ASSERT_TRUE(image.process.namespaces.has_value());
	EXPECT_STREQ(image.process.namespaces->nodename, "box");
	auto json = crctl::image_json(image);
	EXPECT_EQ(json["namespaces"]["uts"]["hostname"], "box");
	EXPECT_EQ(json["namespaces"]["uts"]["domainname"], "example.org");
	EXPECT_TRUE(json["namespaces"]["ipc"].is_object());
	EXPECT_NE(crctl::image_text(image).find("namespaces of its own: uts (host name \"box\", domain name "
						 "\"example.org\"), ipc (no objects)\n"),
		  std::string::npos);
}

TEST(Image, NamespacesSectionsThatLieAreRefused)
{
	auto spec = crctl::test::sample_process(crctl::test::x86_machine());
	spec.namespaces = own_uts("box", "");
	const auto at = spec.index(CRMOD_SEC_NAMESPACES);
	const auto where = crctl::section_where(at, CRMOD_SEC_NAMESPACES);
	crctl::test::expect_error(spec.build_format(4), spec.builder(0, 4).offset_of(at), where,
				  "a NAMESPACES section in a format 4 image: it came with format 5");
	spec.namespaces->own = 0;
	crctl::test::expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_namespaces, own)), where,
				  "namespaces 0x0: none, or unknown ones");
	spec.namespaces->own = CRMOD_NS_IPC;	// a host name, but no UTS namespace
	crctl::test::expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_namespaces, nodename)), where,
				  "the host name is set without a UTS namespace");
	spec.namespaces = own_uts(std::string(65, 'h'), "");
	crctl::test::expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_namespaces, nodename)), where,
				  "the host name is longer than 64 bytes");
	spec.namespaces = own_uts("box", "");
	spec.namespaces->domainname[10] = 'x';
	crctl::test::expect_error(spec.build(),
				  spec.payload_offset(at, offsetof(crmod_namespaces, domainname)) + 10, where,
				  "the domain name is not NUL-padded");
}

TEST(Image, VdsoSectionsThatLieAreRefused)
{
	auto spec = crctl::test::sample_process(crctl::test::x86_machine());
	spec.vdso = {vdso_sym(0x950, "time")};
	const auto at = spec.index(CRMOD_SEC_VDSO);
	crctl::test::expect_error(spec.build_format(3), spec.builder(0, 3).offset_of(at),
				  crctl::section_where(at, CRMOD_SEC_VDSO),
				  "a VDSO section in a format 3 image: it came with format 4");
	const auto name_at = spec.payload_offset(at, offsetof(crmod_vdso_sym, name));
	spec.vdso = {vdso_sym(0x950, std::string(CRMOD_VDSO_NAME_LEN, 'x'))};
	crctl::test::expect_error(spec.build(), name_at, crctl::section_where(at, CRMOD_SEC_VDSO),
				  "function 0: its name is empty or not NUL-terminated");
	spec.vdso = {vdso_sym(0x950, "time"), vdso_sym(0x980, "time")};
	crctl::test::expect_error(spec.build(), name_at + sizeof(crmod_vdso_sym),
				  crctl::section_where(at, CRMOD_SEC_VDSO), "function time is listed twice");
	auto padded = vdso_sym(0x950, "time");
	padded.name[10] = 'y';
	spec.vdso = {padded};
	crctl::test::expect_error(spec.build(), name_at + 10, crctl::section_where(at, CRMOD_SEC_VDSO),
				  "function time: its name is not NUL-padded");
}

} // namespace

namespace {

// A sample process of pid, a child of ppid in the tree (0: the root).
crctl::test::ProcessSpec tree_member(std::uint32_t pid, std::uint32_t ppid)
{
	auto spec = crctl::test::sample_process(crctl::test::x86_machine());
	spec.task.pid = pid;
	if (ppid)
		spec.parent = crmod_process{ppid, 17, 0};
	return spec;
}

crctl::TreeImage tree_of(const std::string &bytes)
{
	std::istringstream in(bytes);
	return crctl::read_tree(in);
}

crctl::ImageError tree_error(const std::string &bytes)
{
	try {
		tree_of(bytes);
	} catch (const crctl::ImageError &e) {
		return e;
	}
	ADD_FAILURE() << "the tree was accepted";
	return crctl::ImageError("", 0, "");
}

} // namespace

TEST(Tree, ImagesOneAfterAnotherMakeATree)
{
	const auto root = tree_member(100, 0).build(), a = tree_member(101, 100).build(),
		   a1 = tree_member(102, 101).build();
	auto tree = tree_of(root + a + a1);
	ASSERT_EQ(tree.processes.size(), 3u);
	EXPECT_EQ(tree.offsets[1], root.size());
	EXPECT_EQ(tree.offsets[2], root.size() + a.size());
	EXPECT_EQ(tree.size, root.size() + a.size() + a1.size());
	EXPECT_FALSE(tree.processes[0].process.parent);
	EXPECT_EQ(tree.processes[2].process.parent->ppid, 101u);
	EXPECT_EQ(tree.processes[2].process.parent->exit_signal, 17u);
	EXPECT_EQ(crctl::process_where(tree, 2), "process 2 (pid 102)");
	EXPECT_NE(crctl::image_text(tree.processes[1]).find("parent in the tree: pid 100, exit signal SIGCHLD\n"),
		  std::string::npos);
	EXPECT_EQ(crctl::image_json(tree.processes[1])["parent"]["pid"], 100);
	// one image alone is a tree of one; read_image still wants nothing after it
	EXPECT_EQ(tree_of(root).processes.size(), 1u);
	EXPECT_EQ(error_for(root + a).where(), "trailer");
}

TEST(Tree, ATreeThatIsNotOneIsRefused)
{
	const auto root = tree_member(100, 0).build();
	auto e = tree_error(root + tree_member(101, 0).build());
	EXPECT_EQ(e.where(), "process 1 (pid 101)");
	EXPECT_EQ(e.offset(), root.size());
	EXPECT_NE(e.problem().find("without a parent in the tree"), std::string::npos) << e.what();
	e = tree_error(root + tree_member(102, 101).build());
	EXPECT_NE(e.problem().find("its parent 101 is not a process before it"), std::string::npos) << e.what();
	e = tree_error(root + tree_member(100, 100).build());
	EXPECT_NE(e.problem().find("pid 100 is in the tree twice"), std::string::npos) << e.what();
	e = tree_error(tree_member(101, 100).build());
	EXPECT_NE(e.problem().find("the root comes first"), std::string::npos) << e.what();
	// damage in the second image is placed in the whole file
	auto bad = root + tree_member(101, 100).build();
	bad[root.size() + 3] ^= 1;
	e = tree_error(bad);
	EXPECT_EQ(e.where(), "process 1 (its image at offset " + std::to_string(root.size()) + "), header");
	EXPECT_EQ(e.offset(), root.size());
}

TEST(Tree, ProcessSectionsThatLieAreRefused)
{
	auto spec = tree_member(101, 100);
	const auto at = spec.index(CRMOD_SEC_PROCESS);
	const auto where = crctl::section_where(at, CRMOD_SEC_PROCESS);
	crctl::test::expect_error(spec.build_format(5), spec.builder(0, 5).offset_of(at), where,
				  "a PROCESS section in a format 5 image: it came with format 6");
	spec.parent->ppid = 0;
	crctl::test::expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_process, ppid)), where,
				  "parent pid 0");
	spec.parent->ppid = 100;
	spec.parent->exit_signal = 65;
	crctl::test::expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_process, exit_signal)), where,
				  "exit signal 65");
	spec.parent->exit_signal = 17;
	spec.parent->reserved = 1;
	crctl::test::expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_process, reserved)), where,
				  "reserved is 1");
}
