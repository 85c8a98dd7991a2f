/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * crmod: the one table of the kinds of process state, and whether this
 * version restores each: checkpoint refuses a process holding a kind it
 * does not restore, naming it with the text; restart refuses an image that
 * holds one; crctl lists them. Whatever checkpoint accepts, restart
 * restores exactly.
 *
 * Each row is CRMOD_STATE(NAME, restored, "json_key", "what it is, for
 * people"); include this file with CRMOD_STATE defined. A row's position is
 * its number, CRMOD_STATE_NAME (1..), and part of the image format
 * (crmod_file.kind is one): rows are only ever added at the end.
 */
CRMOD_STATE(REGULAR_FILE, 1, "regular_file",
	    "regular files, by path")
CRMOD_STATE(DIRECTORY, 1, "directory",
	    "directories: cwd, root, directory fds")
CRMOD_STATE(SYMLINK, 1, "symlink",
	    "symbolic links held by O_PATH|O_NOFOLLOW fds")
CRMOD_STATE(CHAR_DEVICE, 1, "char_device",
	    "/dev/null, zero, full, random and urandom, by path")
CRMOD_STATE(FIFO, 1, "fifo",
	    "named FIFOs, with their buffered bytes")
CRMOD_STATE(PIPE, 1, "pipe",
	    "pipes, with their buffered bytes")
CRMOD_STATE(UNLINKED_FILE, 1, "unlinked_file",
	    "deleted files still open or mapped, with their content (up to 64 MiB each)")
CRMOD_STATE(MEMFD, 1, "memfd",
	    "memfds, with their content and seals")
CRMOD_STATE(SHARED_ANON, 1, "shared_anon",
	    "shared anonymous memory")
CRMOD_STATE(INHERITED, 1, "inherited",
	    "terminals, sockets and outside pipes on fds 0-2: taken from crctl restart's own")
CRMOD_STATE(O_PATH_FD, 1, "o_path_fd",
	    "O_PATH fds")
CRMOD_STATE(FILE_LOCKS, 1, "file_locks",
	    "flock, POSIX and OFD file locks")
CRMOD_STATE(ITIMER_REAL, 1, "itimer_real",
	    "the ITIMER_REAL interval timer and alarm()")
CRMOD_STATE(CGROUP, 1, "cgroup",
	    "cgroup v2 membership")
CRMOD_STATE(MADVISE, 1, "madvise",
	    "mapping flags set by madvise, mlock and mlockall")
CRMOD_STATE(PROCESS_ATTRS, 1, "process_attrs",
	    "prctl and /proc settings, scheduling, I/O priority, CPU affinity")
CRMOD_STATE(THREADS, 1, "threads",
	    "threads, each with its own tid, registers, signal mask and pending signals")
CRMOD_STATE(CHILDREN, 0, "children",
	    "children left out of the checkpoint (crctl checkpoint --no-tree)")
CRMOD_STATE(SHARED_TASK_STATE, 0, "shared_task_state",
	    "address space, fds, fs, handlers, open file or memory shared with another process")
CRMOD_STATE(NAMESPACES, 0, "namespaces",
	    "mount, network, user, PID, cgroup and time namespaces not the checkpointer's")
CRMOD_STATE(SOCKET, 0, "socket",
	    "sockets (except on fds 0-2)")
CRMOD_STATE(EPOLL, 0, "epoll",
	    "epoll instances")
CRMOD_STATE(EVENTFD, 0, "eventfd",
	    "eventfds")
CRMOD_STATE(SIGNALFD, 0, "signalfd",
	    "signalfds")
CRMOD_STATE(TIMERFD, 0, "timerfd",
	    "timerfds")
CRMOD_STATE(INOTIFY, 0, "inotify",
	    "inotify and fanotify instances")
CRMOD_STATE(IO_URING, 0, "io_uring",
	    "io_uring instances")
CRMOD_STATE(AIO, 0, "aio",
	    "Linux AIO contexts (io_setup)")
CRMOD_STATE(PIDFD, 0, "pidfd",
	    "pidfds")
CRMOD_STATE(USERFAULTFD, 0, "userfaultfd",
	    "userfaultfds")
CRMOD_STATE(NAMESPACE_FILE, 0, "namespace_file",
	    "namespace files (/proc/PID/ns/*)")
CRMOD_STATE(ANON_INODE, 0, "anon_inode",
	    "other anonymous-inode fds (perf events, BPF, ...)")
CRMOD_STATE(KERNEL_FS_FILE, 0, "kernel_fs_file",
	    "files of /proc, /sys and other kernel filesystems")
CRMOD_STATE(DEVICE, 0, "device",
	    "devices other than /dev/null, zero, full, random and urandom")
CRMOD_STATE(UNREACHABLE_FILE, 0, "unreachable_file",
	    "files their path no longer leads to (another mount namespace, mounted over)")
CRMOD_STATE(OUTSIDE_PIPE, 0, "outside_pipe",
	    "pipes and FIFOs with an end outside the process, except on fds 0-2")
CRMOD_STATE(SYSV_IPC, 0, "sysv_ipc",
	    "System V shared memory and semaphore undo")
CRMOD_STATE(POSIX_TIMERS, 0, "posix_timers",
	    "POSIX timers (timer_create)")
CRMOD_STATE(CPU_ITIMERS, 0, "cpu_itimers",
	    "the ITIMER_VIRTUAL and ITIMER_PROF timers")
CRMOD_STATE(FILE_LEASES, 0, "file_leases",
	    "file leases (F_SETLEASE)")
CRMOD_STATE(ASYNC_IO_SIGNALS, 0, "async_io_signals",
	    "signal-driven I/O (O_ASYNC, F_SETOWN, F_SETSIG)")
CRMOD_STATE(SECCOMP, 0, "seccomp",
	    "seccomp filters")
CRMOD_STATE(HUGETLB, 0, "hugetlb",
	    "hugetlbfs memory")
CRMOD_STATE(DEVICE_MAPPING, 0, "device_mapping",
	    "mappings of devices and special kernel mappings")
CRMOD_STATE(UNLINKED_BIG, 0, "unlinked_big",
	    "deleted files over 64 MiB")
CRMOD_STATE(UNLINKED_OTHER_NAME, 0, "unlinked_other_name",
	    "a deleted name of a file that still has other names")
CRMOD_STATE(HW_WATCHPOINTS, 0, "hw_watchpoints",
	    "powerpc hardware watchpoints")
CRMOD_STATE(NUMA_POLICY, 0, "numa_policy",
	    "NUMA memory policies (mbind, set_mempolicy)")
CRMOD_STATE(VMA_NAME, 0, "vma_name",
	    "named anonymous mappings (PR_SET_VMA_ANON_NAME)")
CRMOD_STATE(X86_PKEYS, 0, "x86_pkeys",
	    "x86 memory protection keys (pkey_alloc)")
CRMOD_STATE(X86_LDT, 0, "x86_ldt",
	    "x86 local descriptor tables (modify_ldt)")
CRMOD_STATE(SCHED_DEADLINE, 0, "sched_deadline",
	    "SCHED_DEADLINE scheduling")
CRMOD_STATE(PRCTL_OTHER, 0, "prctl_other",
	    "speculation control, MDWE, KSM, TSC, CPUID faulting or shadow stacks")
CRMOD_STATE(PTRACED, 0, "ptraced",
	    "a tracer other than crctl (a debugger)")
CRMOD_STATE(PIPE_PACKETS, 0, "pipe_packets",
	    "packet-mode (O_DIRECT) pipes holding data")
CRMOD_STATE(CGROUP_V1, 0, "cgroup_v1",
	    "membership of a cgroup v1 hierarchy below its root")
CRMOD_STATE(KERNEL_VIEW_FILE, 1, "kernel_view_file",
	    "read-only files of /proc and /sys (reopened by path)")
CRMOD_STATE(PROC_OTHER_PROCESS, 0, "proc_other_process",
	    "files in /proc of another process or of a thread")
CRMOD_STATE(X86_32BIT, 0, "x86_32bit",
	    "32-bit (ia32) and x32 processes on x86_64")
CRMOD_STATE(THREAD_OWN_STATE, 0, "thread_own_state",
	    "threads with fds, fs or credentials of their own; io_uring workers")
CRMOD_STATE(UTS_NAMESPACE, 1, "uts_namespace",
	    "a UTS namespace of its own, with its host and domain names")
CRMOD_STATE(IPC_NAMESPACE, 1, "ipc_namespace",
	    "an IPC namespace of its own that holds no objects")
CRMOD_STATE(PROCESS_TREE, 1, "process_tree",
	    "process trees: every descendant, each with its pid, parent and exit signal")
CRMOD_STATE(ZOMBIE, 0, "zombie",
	    "children that have exited and are not reaped yet (zombies)")
CRMOD_STATE(PROCESS_GROUPS, 0, "process_groups",
	    "a tree whose processes are not all in its root's process group and session")
CRMOD_STATE(TREE_STDIO, 0, "tree_stdio",
	    "a child's terminal, socket or pipe on fds 0-2 that its parent does not have (a | b)")
CRMOD_STATE(STOPPED, 0, "stopped",
	    "processes stopped by a signal (SIGSTOP, SIGTSTP: ^Z)")
