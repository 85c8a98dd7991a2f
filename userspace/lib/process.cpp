// Describing the sections that carry process state, as JSON and as text,
// with the names of the image's arch (never the host's).
#include "process.hpp"

#include "crctl/describe.hpp"
#include "crctl/state.hpp"
#include "tables.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string_view>

namespace crctl {

using nlohmann::json;
using namespace detail;

namespace {

constexpr std::uint64_t rlim_infinity = ~std::uint64_t{0};	// on x86_64 and powerpc

// RLIMIT_* in order (asm-generic, which both arches use).
constexpr const char *rlimit_names[CRMOD_RLIMITS] = {
	"cpu",	 "fsize", "data",	"stack",      "core",	  "rss",  "nproc",  "nofile",
	"memlock", "as",	  "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
};

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

// A UTS name of the NAMESPACES section: NUL-padded (decode checks it).
std::string ns_name(const char *name) { return {name, ::strnlen(name, CRMOD_NS_NAME_LEN)}; }

// A VDSO entry's name: NUL-terminated within its field (decode checks it).
std::string vdso_name(const crmod_vdso_sym &s) { return {s.name, ::strnlen(s.name, sizeof(s.name))}; }

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
	if (!path)
		return "none";
	return fmt::format("file {} ({})", id, path->empty() ? "shared memory" : *path);
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

// "0-3,8": the CPUs of an affinity mask.
std::string cpu_list(const crmod_task &t)
{
	std::vector<std::string> ranges;
	constexpr unsigned cpus = CRMOD_CPU_WORDS * 64;
	auto set = [&](unsigned cpu) { return cpu < cpus && (t.cpu_affinity[cpu / 64] & bit(cpu % 64)); };
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		if (!set(cpu))
			continue;
		unsigned last = cpu;
		while (set(last + 1))
			last++;
		ranges.push_back(last == cpu ? std::to_string(cpu) : fmt::format("{}-{}", cpu, last));
		cpu = last;
	}
	return join(ranges, ",");
}

std::string sched_policy_name(std::uint32_t policy)
{
	return name_or_unknown(policy & ~sched_reset_on_fork, sched_policies) +
	       (policy & sched_reset_on_fork ? "|SCHED_RESET_ON_FORK" : "");
}

// "best-effort 4", or "none" for 0 (the kernel's default by nice)
std::string ioprio_text(std::uint32_t ioprio)
{
	if (!ioprio)
		return "none";
	return fmt::format("{} {}", name_or_unknown(ioprio_class(ioprio), ioprio_classes), ioprio_level(ioprio));
}

json task_attrs_json(const crmod_task &t)
{
	const bool loginuid = t.flags & CRMOD_TASK_LOGINUID;
	return {
		{"robust_list", t.robust_list ? json(hex(t.robust_list)) : json(nullptr)},
		{"robust_list_len", t.robust_list_len},
		{"clear_child_tid", t.clear_child_tid ? json(hex(t.clear_child_tid)) : json(nullptr)},
		{"timer_slack_ns", t.timer_slack_ns},
		{"default_timer_slack_ns", t.default_timer_slack_ns},
		{"oom_score_adj", t.oom_score_adj},
		{"oom_score_adj_min", t.oom_score_adj_min},
		{"loginuid", loginuid ? json(t.loginuid) : json(nullptr)},
		{"sessionid", loginuid ? json(t.sessionid) : json(nullptr)},
		{"dumpable", t.dumpable},
		{"pdeath_signal", t.pdeath_signal ? json(signal_name(t.pdeath_signal)) : json(nullptr)},
		{"flags", hex(t.flags)},
		{"flag_names", bit_names(t.flags, task_flags)},
		{"sched_policy", sched_policy_name(t.sched_policy)},
		{"sched_priority", t.sched_priority},
		{"ioprio", t.ioprio ? json({{"class", name_or_unknown(ioprio_class(t.ioprio), ioprio_classes)},
					    {"level", ioprio_level(t.ioprio)}})
				    : json(nullptr)},
		{"coredump_filter", hex(t.coredump_filter)},
		{"cpu_affinity", t.flags & CRMOD_TASK_AFFINITY ? json(cpu_list(t)) : json(nullptr)},
	};
}

void task_attrs_text(std::string &out, const crmod_task &t)
{
	auto line = [&out](std::string_view label, const std::string &value) { add_line(out, label, value); };
	line("robust list", t.robust_list ? fmt::format("{}, {} bytes", hex(t.robust_list), t.robust_list_len)
					  : std::string("none"));
	line("clear_child_tid", t.clear_child_tid ? hex(t.clear_child_tid) : std::string("none"));
	line("timer slack", fmt::format("{} ns (default {} ns)", t.timer_slack_ns, t.default_timer_slack_ns));
	line("oom_score_adj", fmt::format("{} (at least {})", t.oom_score_adj, t.oom_score_adj_min));
	line("loginuid", t.flags & CRMOD_TASK_LOGINUID ? fmt::format("{}, session {}", t.loginuid, t.sessionid)
						       : std::string("unset"));
	line("dumpable", std::to_string(t.dumpable));
	line("pdeath signal", t.pdeath_signal ? signal_name(t.pdeath_signal) : std::string("none"));
	line("flags", mask_text(t.flags, task_flags));
	line("scheduling", fmt::format("{}, priority {}", sched_policy_name(t.sched_policy), t.sched_priority));
	line("I/O priority", ioprio_text(t.ioprio));
	line("coredump filter", hex(t.coredump_filter));
	line("CPU affinity", t.flags & CRMOD_TASK_AFFINITY ? "CPUs " + cpu_list(t) : std::string("any CPU"));
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
		{"attrs", task_attrs_json(t)},
	};
}

// What a file record adds by its kind: a device number, the directory of a
// deleted file, a memfd's seals, the content the image carries.
json file_json(const ProcessState &p, const ImageFile &file)
{
	const auto &f = file.file;
	json out = {
		{"id", f.id},	      {"kind", state_key(f.kind)}, {"path", file.path},	 {"size", f.size},
		{"mtime_sec", f.mtime_sec}, {"mtime_nsec", f.mtime_nsec}, {"mode", fmt::format("{:#o}", f.mode)},
		{"ino", f.ino},	      {"uid", f.uid},		   {"gid", f.gid},
	};
	if (f.kind == CRMOD_STATE_CHAR_DEVICE)
		out["device"] = fmt::format("{}:{}", f.dev_major, f.dev_minor);
	if (f.kind == CRMOD_STATE_UNLINKED_FILE) {
		out["dir"] = f.dir;
		out["dir_path"] = path_json(p, f.dir);
	}
	if (f.kind == CRMOD_STATE_MEMFD)
		out["seals"] = bit_names(f.seals, seal_flags);
	if (f.kind == CRMOD_STATE_UNLINKED_FILE || f.kind == CRMOD_STATE_MEMFD || f.kind == CRMOD_STATE_SHARED_ANON) {
		auto content = file_content(p, f.id);
		out["content"] = {{"extents", content.extents}, {"bytes", content.bytes}};
	}
	return out;
}

std::string file_extra_text(const ProcessState &p, const crmod_file &f)
{
	switch (f.kind) {
	case CRMOD_STATE_CHAR_DEVICE:
		return fmt::format("  device {}:{}", f.dev_major, f.dev_minor);
	case CRMOD_STATE_UNLINKED_FILE:
	case CRMOD_STATE_MEMFD:
	case CRMOD_STATE_SHARED_ANON: {
		auto c = file_content(p, f.id);
		std::string out = fmt::format("  content {} extent{}, {} bytes", c.extents, c.extents == 1 ? "" : "s",
					      c.bytes);
		if (f.kind == CRMOD_STATE_UNLINKED_FILE)
			out += ", deleted from " + file_text(p, f.dir);
		if (f.kind == CRMOD_STATE_MEMFD)
			out += ", seals " + mask_text(f.seals, seal_flags);
		return out;
	}
	default:
		return "";
	}
}

// What an open file description is open on, in a few words.
std::string ofd_object_text(const ProcessState &p, const crmod_ofd &o)
{
	switch (o.kind) {
	case CRMOD_OFD_FILE:
		return file_text(p, o.object);
	case CRMOD_OFD_PIPE:
		return fmt::format("pipe {}", o.object);
	case CRMOD_OFD_INHERIT:
		return fmt::format("crctl restart's fd {}", o.object);
	case CRMOD_OFD_PARENT:
		return fmt::format("its parent's fd {}, shared", o.object);
	default:
		return "?";
	}
}

json ofd_json(const ProcessState &p, const crmod_ofd &o, std::uint32_t arch)
{
	return {
		{"id", o.id},
		{"kind", name_or_unknown(o.kind, ofd_kinds)},
		{"file", o.kind == CRMOD_OFD_FILE ? id_json(o.object) : json(nullptr)},
		{"path", o.kind == CRMOD_OFD_FILE ? path_json(p, o.object) : json(nullptr)},
		{"pipe", o.kind == CRMOD_OFD_PIPE ? id_json(o.object) : json(nullptr)},
		{"inherited_fd", o.kind == CRMOD_OFD_INHERIT ? json(o.object) : json(nullptr)},
		{"parent_fd", o.kind == CRMOD_OFD_PARENT ? json(o.object) : json(nullptr)},
		{"flags", hex(o.flags)},
		{"flag_names", open_flag_names(o.flags, arch)},
		{"pos", o.pos},
	};
}

std::string lock_range_text(const crmod_lock &l)
{
	if (l.kind == CRMOD_LOCK_FLOCK)
		return "the whole file";
	return l.end == -1 ? fmt::format("bytes {} to the end", l.start) : fmt::format("bytes {}-{}", l.start, l.end);
}

std::string itimer_text(const crmod_itimer &t)
{
	if (!t.value_ns)
		return "disarmed";
	return t.interval_ns ? fmt::format("expires in {} ns, then every {} ns", t.value_ns, t.interval_ns)
			     : fmt::format("expires in {} ns, once", t.value_ns);
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
		{"xstate_initial", xsave_component_names(p.xstate_zero)},
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

// The threads, the leader first: {"count": 3, "tids": [4242, 4243, 4244]}.
json threads_json(const ProcessState &p)
{
	json tids = json::array({p.task->pid});
	for (auto tid : p.thread_tids())
		tids.push_back(tid);
	return {{"count", tids.size()}, {"tids", tids}};
}

// "threads: 3: 4242 (leader) 4243 4244"
std::string threads_text(const ProcessState &p)
{
	std::vector<std::string> tids = {fmt::format("{} (leader)", p.task->pid)};
	for (auto tid : p.thread_tids())
		tids.push_back(std::to_string(tid));
	return fmt::format("threads: {}: {}\n", tids.size(), join(tids));
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
		for (const auto &f : p.files)
			files.push_back(file_json(p, f));
		out["files"] = files;
	}
	if (!p.file_data.empty()) {
		std::uint64_t bytes = 0;
		for (const auto &d : p.file_data)
			bytes += d.len;
		out["file_data"] = {{"extents", p.file_data.size()}, {"bytes", bytes}};
	}
	if (p.cgroup)
		out["cgroup"] = *p.cgroup;
	if (p.parent)
		out["parent"] = {{"pid", p.parent->ppid}, {"exit_signal", p.parent->exit_signal}};
	if (p.namespaces) {
		const auto &ns = *p.namespaces;
		json own = json::object();
		if (ns.own & CRMOD_NS_UTS)
			own["uts"] = {{"hostname", ns_name(ns.nodename)}, {"domainname", ns_name(ns.domainname)}};
		if (ns.own & CRMOD_NS_IPC)
			own["ipc"] = json::object();
		out["namespaces"] = own;
	}
	if (p.vmas) {
		json vmas = json::array();
		for (const auto &v : *p.vmas) {
			json vma = {{"start", hex(v.start)},
				    {"end", hex(v.end)},
				    {"prot", prot_text(v.prot)},
				    {"flags", hex(v.flags)},
				    {"flag_names", bit_names(v.flags, vma_flags)},
				    {"pgoff", v.pgoff},
				    {"file", id_json(v.file)},
				    {"path", path_json(p, v.file)}};
			if (v.flags == CRMOD_VMA_VDSO)
				vma["build_id_crc32c"] = fmt::format("{:#010x}", v.build_id);
			vmas.push_back(std::move(vma));
		}
		out["vmas"] = vmas;
	}
	if (p.vdso) {
		json functions = json::array();
		for (const auto &s : *p.vdso)
			functions.push_back({{"name", vdso_name(s)}, {"offset", hex(s.offset)}});
		out["vdso_functions"] = functions;
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
			pipes.push_back({{"id", pipe.id},
					 {"fifo", id_json(pipe.fifo)},
					 {"fifo_path", path_json(p, pipe.fifo)},
					 {"capacity", pipe.capacity},
					 {"buffered", pipe.len}});
		out["pipes"] = pipes;
	}
	if (p.timers)
		out["timers"] = {{"real",
				  {{"armed", p.timers->real.value_ns != 0},
				   {"value_ns", p.timers->real.value_ns},
				   {"interval_ns", p.timers->real.interval_ns}}}};
	if (p.ofds) {
		json ofds = json::array();
		for (const auto &o : *p.ofds)
			ofds.push_back(ofd_json(p, o, machine.arch));
		out["ofds"] = ofds;
	}
	if (p.fds) {
		json fds = json::array();
		for (const auto &f : *p.fds) {
			const auto *o = p.ofd(f.ofd);
			fds.push_back({{"fd", f.fd},
				       {"ofd", f.ofd},
				       {"cloexec", (f.fd_flags & CRMOD_FD_CLOEXEC) != 0},
				       {"kind", o ? json(name_or_unknown(o->kind, ofd_kinds)) : json(nullptr)},
				       {"path", o && o->kind == CRMOD_OFD_FILE ? path_json(p, o->object) : json(nullptr)}});
		}
		out["fds"] = fds;
	}
	if (p.locks) {
		json locks = json::array();
		for (const auto &l : *p.locks)
			locks.push_back({{"ofd", l.ofd},
					 {"kind", name_or_unknown(l.kind, lock_kinds)},
					 {"type", name_or_unknown(l.type, lock_types)},
					 {"start", l.start},
					 {"end", l.end}});
		out["locks"] = locks;
	}
	if (p.task)
		out["threads"] = threads_json(p);
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
		line("pid", fmt::format("{} (in its pid namespace; restart gives it back)", t.pid));
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
		task_attrs_text(out, t);
	}
	if (p.cgroup)
		out += fmt::format("cgroup: {}\n", *p.cgroup);
	if (p.parent)
		out += fmt::format("parent in the tree: pid {}, exit signal {}\n", p.parent->ppid,
				   p.parent->exit_signal ? signal_name(p.parent->exit_signal) : std::string("none"));
	if (p.namespaces) {
		const auto &ns = *p.namespaces;
		std::vector<std::string> own;
		if (ns.own & CRMOD_NS_UTS)
			own.push_back(fmt::format("uts (host name \"{}\", domain name \"{}\")", ns_name(ns.nodename),
						  ns_name(ns.domainname)));
		if (ns.own & CRMOD_NS_IPC)
			own.push_back("ipc (no objects)");
		out += fmt::format("namespaces of its own: {}\n", join(own, ", "));
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
			out += fmt::format("  {:>4}  {:<13} {:>8o} {:>12} bytes  mtime {}.{:09}  {}{}\n", f.id,
					   state_key(f.kind), f.mode, f.size, f.mtime_sec, f.mtime_nsec,
					   path.empty() ? "(shared memory)" : path, file_extra_text(p, f));
	}
	if (!p.file_data.empty()) {
		std::uint64_t bytes = 0;
		for (const auto &d : p.file_data)
			bytes += d.len;
		out += fmt::format("file data: {} extents, {} bytes\n", p.file_data.size(), bytes);
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
			if (v.flags == CRMOD_VMA_VDSO)
				out += fmt::format(" build id crc32c {:#010x}", v.build_id);
			out += '\n';
		}
	}
	if (p.vdso) {
		std::vector<std::string> functions;
		for (const auto &s : *p.vdso)
			functions.push_back(fmt::format("{} {}", vdso_name(s), hex(s.offset)));
		out += fmt::format("vdso functions: {}\n", functions.empty() ? "(none)" : join(functions, ", "));
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
		if (p.xstate_zero)
			line("xsave initial", join(xsave_component_names(p.xstate_zero)));
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
			out += fmt::format("  {:>4}  {} of {} bytes buffered{}\n", pipe.id, pipe.len, pipe.capacity,
					   pipe.fifo ? ", the FIFO " + file_text(p, pipe.fifo) : "");
	}
	if (p.timers)
		out += fmt::format("timers:\n  {:<22} {}\n", "ITIMER_REAL", itimer_text(p.timers->real));
	if (p.ofds) {
		out += fmt::format("open files: {}\n", p.ofds->size());
		for (const auto &o : *p.ofds)
			out += fmt::format("  {:>4}  {:<8} {:<28} pos {}  {}\n", o.id, name_or_unknown(o.kind, ofd_kinds),
					   join(open_flag_names(o.flags, machine.arch), "|"), o.pos, ofd_object_text(p, o));
	}
	if (p.fds) {
		out += fmt::format("fds: {}\n", p.fds->size());
		for (const auto &f : *p.fds) {
			const auto *o = p.ofd(f.ofd);
			out += fmt::format("  {:>4}  open file {:<4} {:<8} {}\n", f.fd, f.ofd,
					   f.fd_flags & CRMOD_FD_CLOEXEC ? "cloexec" : "-", o ? ofd_object_text(p, *o) : "?");
		}
	}
	if (p.locks) {
		out += fmt::format("locks: {}\n", p.locks->size());
		for (const auto &l : *p.locks)
			out += fmt::format("  {} {} lock on open file {}, {}\n", name_or_unknown(l.kind, lock_kinds),
					   name_or_unknown(l.type, lock_types), l.ofd, lock_range_text(l));
	}
	if (p.task)
		out += threads_text(p);
	return out;
}

} // namespace detail

} // namespace crctl
