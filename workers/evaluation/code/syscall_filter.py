"""The system calls a candidate's code is refused inside the sandbox (a seccomp filter).

The sandbox drops every privilege, but the kernel still lets an unprivileged process create a
user namespace (``unshare -r``) and become "root" there, which opens kernel code to it that a
test suite never needs (mounting file systems, the attack surface of most container escapes).
bubblewrap installs a seccomp program for the command (``bwrap --seccomp FD``); this module
builds it with libseccomp (the system library, through ``ctypes``: it knows every
architecture's system call numbers and closes the 32-bit and x32 side doors by refusing any
call not made with the machine's own ABI).

Refused with ``EPERM``: new namespaces (``unshare``/``clone`` with any ``CLONE_NEW*`` flag,
``setns``), mounting (``mount``, ``umount2``, ``pivot_root``, the new mount API), ``ptrace``
and reading other processes' memory, the kernel keyring (``keyctl``, ``add_key``,
``request_key``), ``bpf``, ``perf_event_open``, ``userfaultfd``, kexec, ``reboot``, swap,
kernel modules, accounting and quotas. ``clone3`` answers ``ENOSYS`` (its flags live in memory
a filter cannot read), and the C library then falls back to ``clone``, whose flags it can.
Threads, ``fork``, pytest and node work as before.

When libseccomp is missing the sandbox runs without the filter and says so
(``SandboxResult.degraded``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os

# libseccomp's constants (seccomp.h).
_ACT_ALLOW = 0x7FFF0000
_ACT_KILL_PROCESS = 0x80000000
_ATTR_ACT_BADARCH = 2
_CMP_MASKED_EQ = 7

_NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
# unshare only: for clone() these bits are the exit signal.
_CLONE_NEWTIME = 0x00000080

REFUSED = (
    "setns",
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "open_by_handle_at",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "init_module",
    "finit_module",
    "delete_module",
    "acct",
    "quotactl",
    "iopl",
    "ioperm",
)


class FilterUnavailable(RuntimeError):
    """libseccomp is not installed (or failed): no filter can be built here."""


class _ArgCompare(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


def _errno(value: int) -> int:
    return 0x00050000 | (value & 0xFFFF)


@functools.cache
def program() -> bytes:
    """The filter as a BPF program, for ``bwrap --seccomp``. Raises ``FilterUnavailable``."""
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as error:
        raise FilterUnavailable(f"libseccomp is not installed ({error})") from error
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCompare),
    ]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]

    context = lib.seccomp_init(_ACT_ALLOW)
    if not context:
        raise FilterUnavailable("seccomp_init failed")
    try:
        _check(lib.seccomp_attr_set(context, _ATTR_ACT_BADARCH, _ACT_KILL_PROCESS), "badarch")

        def refuse(syscall: str, answer: int, *compare: _ArgCompare) -> None:
            number = lib.seccomp_syscall_resolve_name(syscall.encode())
            if number < 0:
                return  # not a system call on this architecture
            array = (_ArgCompare * len(compare))(*compare) if compare else None
            _check(
                lib.seccomp_rule_add_array(context, _errno(answer), number, len(compare), array),
                syscall,
            )

        for syscall in REFUSED:
            refuse(syscall, errno.EPERM)
        refuse("clone3", errno.ENOSYS)
        for flag in _NAMESPACE_FLAGS.values():
            refuse("clone", errno.EPERM, _ArgCompare(0, _CMP_MASKED_EQ, flag, flag))
        for flag in (*_NAMESPACE_FLAGS.values(), _CLONE_NEWTIME):
            refuse("unshare", errno.EPERM, _ArgCompare(0, _CMP_MASKED_EQ, flag, flag))

        read_end, write_end = os.pipe()
        try:
            _check(lib.seccomp_export_bpf(context, write_end), "export")
            os.close(write_end)
            write_end = -1
            chunks = []
            while chunk := os.read(read_end, 65536):
                chunks.append(chunk)
        finally:
            os.close(read_end)
            if write_end != -1:
                os.close(write_end)
        return b"".join(chunks)
    finally:
        lib.seccomp_release(context)


def program_fd() -> int:
    """A file descriptor (to be passed to bwrap, which reads and closes it) with the program."""
    data = program()
    fd = os.memfd_create("truelevel-seccomp", 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _check(status: int, what: str) -> None:
    if status < 0:
        raise FilterUnavailable(f"libseccomp: {what} failed ({os.strerror(-status)})")
