#!/usr/bin/env python3
"""Writes the table of x86-64 syscall tracepoints the service emulates (libbpf-compat's
src/main/resources/dev/bpftime/compat/tracefs/syscalls-x86_64.tsv) from this machine's real tracefs.

The facts come from the kernel itself, not from our reading of its source:
  - the names and the argument (type, name, signed) lists are the `field:` lines of
    events/syscalls/sys_enter_<name>/format, which the kernel prints from its SYSCALL_DEFINE metadata
    (kernel/trace/trace_syscalls.c, syscall_enter_define_fields);
  - the numbers are __NR_<name> of the installed uapi header asm/unistd_64.h; a tracepoint named after the
    kernel's entry point rather than the syscall (sys_newstat is __NR_stat) is matched through ALIASES.
Tracepoint ids are not recorded: they are per boot here, and the service hands out its own.

Run as root on x86-64 (the tracefs is root-only):
    mount -t tracefs nodev /sys/kernel/tracing   # if not mounted
    python3 scripts/gen-syscall-table.py > libbpf-compat/src/main/resources/dev/bpftime/compat/tracefs/syscalls-x86_64.tsv
Output: one line per syscall, sorted by number: nr TAB name, then TAB type TAB name TAB signed per argument.
"""
import os
import re
import sys

TRACEFS = os.environ.get("TRACEFS", "/sys/kernel/tracing")
UNISTD = os.environ.get("UNISTD", "/usr/include/x86_64-linux-gnu/asm/unistd_64.h")

# Tracepoint name -> syscall name, where arch/x86/entry/syscalls/syscall_64.tbl points a syscall at an
# entry point of another name (e.g. "4 common stat sys_newstat").
ALIASES = {
    "newstat": "stat", "newfstat": "fstat", "newlstat": "lstat", "newuname": "uname",
    "sendfile64": "sendfile", "umount": "umount2", "pread64": "pread64", "pwrite64": "pwrite64",
}

# Syscalls newer than Debian 12's uapi header (Linux 6.1), numbered as in the kernel's
# arch/x86/entry/syscalls/syscall_64.tbl of the release that added each.
NEWER_THAN_HEADER = {
    "uretprobe": 335, "uprobe": 336, "cachestat": 451, "fchmodat2": 452, "futex_wake": 454, "futex_wait": 455,
    "futex_requeue": 456, "statmount": 457, "listmount": 458, "lsm_get_self_attr": 459, "lsm_set_self_attr": 460,
    "lsm_list_modules": 461, "mseal": 462, "setxattrat": 463, "getxattrat": 464, "listxattrat": 465,
    "removexattrat": 466, "open_tree_attr": 467, "file_getattr": 468, "file_setattr": 469,
}

FIELD = re.compile(r"^\tfield:(.*?) ?([A-Za-z_][A-Za-z0-9_]*)(\[\d*\])?;\toffset:(\d+);\tsize:(\d+);\tsigned:(\d);$")


def numbers():
    out = {}
    with open(UNISTD) as f:
        for line in f:
            m = re.match(r"#define __NR_(\w+) (\d+)", line)
            if m:
                out[m.group(1)] = int(m.group(2))
    for name, number in NEWER_THAN_HEADER.items():
        out.setdefault(name, number)
    return out


def arguments(event):
    args = []
    with open(os.path.join(TRACEFS, "events/syscalls", event, "format")) as f:
        for line in f:
            m = FIELD.match(line.rstrip("\n"))
            if not m or m.group(2).startswith("common_") or m.group(2) == "__syscall_nr":
                continue
            if m.group(3) or m.group(5) != "8" or int(m.group(4)) != 16 + 8 * len(args):
                sys.exit(f"{event}: field {m.group(2)} at offset {m.group(4)} size {m.group(5)}: "
                         f"not the one-8-byte-slot-per-argument layout this table assumes")
            args.append((m.group(1), m.group(2), m.group(6)))
    return args


def main():
    nr = numbers()
    rows, unknown = [], []
    for event in sorted(os.listdir(os.path.join(TRACEFS, "events/syscalls"))):
        if not event.startswith("sys_enter_"):
            continue
        name = event[len("sys_enter_"):]
        number = nr.get(ALIASES.get(name, name))
        if number is None:
            unknown.append(name)
            continue
        rows.append((number, name, arguments(event)))
    if unknown:
        sys.exit("tracepoints with no __NR_ number (add them to ALIASES): " + " ".join(unknown))
    for number, name, args in sorted(rows):
        print("\t".join([str(number), name] + [x for a in args for x in a]))
    print(f"{len(rows)} syscalls from {TRACEFS}", file=sys.stderr)


if __name__ == "__main__":
    main()
