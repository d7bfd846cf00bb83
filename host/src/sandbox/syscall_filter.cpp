// Layer: a seccomp filter that refuses, with EPERM (the plugin sees an
// error, the worker is not killed), the system calls a benchmark never needs
// and a hostile plugin uses to reach past the other layers: typing into a
// terminal, tracing or reading other processes, the kernel keyring, new
// namespaces and mounts after the sandbox is set up, loading kernel code
// (modules, kexec, BPF), userfaultfd, io_uring (its operations bypass
// seccomp), handles to files by inode, and personality changes.
//
// The program is compiled once per host process with libseccomp (which
// allocates, so never between fork and exec) and exported as classic BPF;
// the worker child only installs it, the last layer before exec.
#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <initializer_list>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

namespace costops::host::sandbox::layers {

namespace {

// Refused whatever their arguments. The capability-gated ones (mount,
// modules, kexec) already fail without capabilities; the filter refuses them
// also where a layer before it did not hold, and before the kernel parses
// anything.
constexpr long kRefused[] = {
    // Other processes' memory and state (the PID namespace hides most; not
    // where it is missing).
    SYS_process_vm_readv,
    SYS_process_vm_writev,
#ifdef SYS_pidfd_getfd
    SYS_pidfd_getfd,
#endif
    // The kernel keyring: per user, shared with the user's other sessions.
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    // New namespaces and mounts once the sandbox is set up.
    SYS_setns,
    SYS_unshare,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_chroot,
#ifdef SYS_open_tree
    SYS_open_tree,
    SYS_move_mount,
    SYS_fsopen,
    SYS_fsconfig,
    SYS_fsmount,
    SYS_fspick,
#endif
#ifdef SYS_mount_setattr
    SYS_mount_setattr,
#endif
    // Kernel code and the kernel's attack surface.
    SYS_bpf,
    SYS_userfaultfd,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
#ifdef SYS_io_uring_setup
    SYS_io_uring_setup,
    SYS_io_uring_enter,
    SYS_io_uring_register,
#endif
    // Files by handle (past every path check), the machine's state.
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_acct,
    SYS_swapon,
    SYS_swapoff,
    SYS_reboot,
    SYS_syslog,
    SYS_quotactl,
    SYS_settimeofday,
    SYS_clock_settime,
    SYS_vhangup,
#ifdef SYS_iopl
    SYS_iopl,
    SYS_ioperm,
#endif
#ifdef SYS_lookup_dcookie
    SYS_lookup_dcookie,
#endif
};

// The namespace flags of clone(): the same as unshare() at fork time.
constexpr std::uint64_t kNamespaceFlags[] = {CLONE_NEWNS,    CLONE_NEWUSER, CLONE_NEWPID,
                                             CLONE_NEWNET,   CLONE_NEWUTS,  CLONE_NEWIPC,
                                             CLONE_NEWCGROUP};

// ioctl and personality take an unsigned int: the kernel ignores the upper
// half of the register, so only the lower half is compared.
constexpr std::uint64_t kLow32 = 0xffffffffULL;

// An argument comparison (libseccomp's SCMP_A* macros are C compound literals).
constexpr scmp_arg_cmp argument(unsigned index, scmp_compare op, std::uint64_t a,
                                std::uint64_t b = 0) {
  return scmp_arg_cmp{index, op, a, b};
}

bool refuse(scmp_filter_ctx filter, long syscall, std::initializer_list<scmp_arg_cmp> args = {}) {
  return seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(EPERM), static_cast<int>(syscall),
                                static_cast<unsigned>(args.size()), args.begin()) == 0;
}

bool add_rules(scmp_filter_ctx filter) {
  bool ok = true;
  for (long syscall : kRefused) ok = ok && refuse(filter, syscall);
  // ptrace: LeakSanitizer stops the worker's threads with it at exit, so a
  // sanitizer build keeps it (docs/isolation.md); the PID namespace and the
  // Landlock domain still keep the host out of reach.
  if (!kSanitizerBuild) ok = ok && refuse(filter, SYS_ptrace);
  // Even there not PTRACE_TRACEME: the worker's tracer would be its parent,
  // the PID namespace's init, whose waitpid would then report the worker's
  // first stop (at its abort(), say) as how it ended.
  ok = ok && refuse(filter, SYS_ptrace, {argument(0, SCMP_CMP_EQ, PTRACE_TRACEME)});
  // Typing into a terminal, and the Linux console's selection and keyboard.
  ok = ok && refuse(filter, SYS_ioctl, {argument(1, SCMP_CMP_MASKED_EQ, kLow32, TIOCSTI)}) &&
       refuse(filter, SYS_ioctl, {argument(1, SCMP_CMP_MASKED_EQ, kLow32, TIOCLINUX)});
  for (std::uint64_t flag : kNamespaceFlags)
    ok = ok && refuse(filter, SYS_clone, {argument(0, SCMP_CMP_MASKED_EQ, flag, flag)});
  // clone3 passes its flags in memory, where seccomp cannot look: ENOSYS
  // makes glibc (threads, fork) fall back to clone, which is checked above.
  ok = ok && seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(ENOSYS), SYS_clone3, 0, nullptr) == 0;
  // personality: the query (0xffffffff) and PER_LINUX (0) pass, any other
  // persona is a change (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, ...). A
  // 32-bit value other than all zeros and all ones has, going round its bits,
  // a set bit followed by a clear one: one rule per such pair.
  for (unsigned bit = 0; bit < 32; ++bit) {
    const std::uint64_t set = std::uint64_t{1} << bit;
    const std::uint64_t clear = std::uint64_t{1} << ((bit + 1) % 32);
    ok = ok && refuse(filter, SYS_personality, {argument(0, SCMP_CMP_MASKED_EQ, set | clear, set)});
  }
  // perf_event_open: the worker counts its own thread's instructions, cycles
  // and branch misses (pid 0) in every measurement; any other process (or
  // every process on a CPU) is refused.
  ok = ok && refuse(filter, SYS_perf_event_open, {argument(1, SCMP_CMP_NE, 0)});
  return ok;
}

// Exports the compiled program through a memory file (libseccomp 2.5 writes
// it only to a descriptor).
std::vector<sock_filter> export_program(scmp_filter_ctx filter) {
  const int fd = ::memfd_create("cost-ops-seccomp", MFD_CLOEXEC);
  if (fd < 0) return {};
  std::vector<sock_filter> program;
  if (seccomp_export_bpf(filter, fd) == 0) {
    const off_t size = ::lseek(fd, 0, SEEK_END);
    if (size > 0 && size % static_cast<off_t>(sizeof(sock_filter)) == 0 &&
        size / static_cast<off_t>(sizeof(sock_filter)) <= USHRT_MAX) {
      program.resize(static_cast<std::size_t>(size) / sizeof(sock_filter));
      if (::pread(fd, program.data(), static_cast<std::size_t>(size), 0) != size) program.clear();
    }
  }
  ::close(fd);
  return program;
}

std::vector<sock_filter> compile_program() {
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
  if (filter == nullptr) return {};
  std::vector<sock_filter> program;
  // A binary tree over the syscall numbers: every system call the worker
  // makes passes the filter, so the common path stays a few comparisons.
  (void)seccomp_attr_set(filter, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  // A system call of another architecture (int 0x80, x32) would pass by
  // every rule above: refused as a whole. The worker installs its own
  // no_new_privs; the exported program does not need libseccomp's.
  if (seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM)) == 0 &&
      add_rules(filter))
    program = export_program(filter);
  seccomp_release(filter);
  return program;
}

}  // namespace

const std::vector<sock_filter>& syscall_filter_program() {
  static const std::vector<sock_filter> program = compile_program();
  return program;
}

std::uint32_t install_syscall_filter(const std::vector<sock_filter>& program) {
  if (program.empty()) return 0;
  sock_fprog filter{static_cast<unsigned short>(program.size()),
                    const_cast<sock_filter*>(program.data())};
  // Without privilege the kernel installs a filter only under no_new_privs.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 0;
  // SPEC_ALLOW: kernels before 5.16 (spec_store_bypass_disable=seccomp, the
  // default then) would otherwise turn on speculative store bypass
  // mitigation for the filtered process, and the plugin's code would run
  // slower sandboxed than anywhere else. Kernels before 4.17 lack the flag.
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &filter) == 0)
    return kSyscallFilter;
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) == 0 ? kSyscallFilter : 0;
}

}  // namespace costops::host::sandbox::layers
