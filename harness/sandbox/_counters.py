"""Counters a container keeps from one sample to the next outside its files and processes.

- cgroup counters — peak memory, CPU time, page faults, throttling, failed forks: the kernel keeps
  them per cgroup and most cannot be reset while the container lives. Every container gets an
  empty read-only tmpfs over `/sys/fs/cgroup`, so a sample cannot read them.
- the pid counter — a new process takes the pid after the last one given out in the container's
  pid namespace, so a sample could count the processes the one before it started. Before every
  sample (a fresh container's first included) the pool sets it to `PID_BASE` from the host, so
  each sample's first process is `PID_BASE + 1`.

A container where the first cannot be verified or the second fails is not reused (`_pool`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PID_BASE = 1000
"""The pid counter at the start of every sample."""
CGROUP_MOUNT = "/sys/fs/cgroup"
CGROUP_MASK = {CGROUP_MOUNT: "ro,size=4k,mode=555"}
"""The tmpfs every container gets over its cgroup file system (docker's `tmpfs=` option)."""


def counters_hidden(init_pid: int) -> bool:
    """Whether the container (whose init is host pid `init_pid`) sees only the empty tmpfs at /sys/fs/cgroup."""
    try:
        lines = Path(f"/proc/{init_pid}/mountinfo").read_text().splitlines()
    except OSError:
        return False
    mounts = [(line.split()[4], line.split(" - ")[1].split()[0]) for line in lines if " - " in line]
    at = [kind for point, kind in mounts if point == CGROUP_MOUNT]
    below = [point for point, _ in mounts if point.startswith(CGROUP_MOUNT + "/")]
    return bool(at) and at[-1] == "tmpfs" and not below


def reset_pid_counter(init_pid: int) -> bool:
    """Set the container's pid counter to PID_BASE (through a fresh /proc of its pid namespace); True on success."""
    if shutil.which("nsenter") is None or shutil.which("unshare") is None:
        return False
    # the proof: a process started after the write gets PID_BASE + 1; then the counter is set again
    # (a sysctl file cannot be read back byte by byte, the way a shell's `read` reads)
    counter = "/proc/sys/kernel/ns_last_pid"
    script = f"echo {PID_BASE} > {counter} && sh -c 'echo $$' && echo {PID_BASE} > {counter}"
    enter = ["nsenter", f"--target={init_pid}", "--pid", "--", "unshare", "--mount", "--mount-proc"]
    try:
        done = subprocess.run(
            [*enter, "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    # PID_BASE + 1 unless this helper's own shell holds it (it got the pid after the last reset's)
    return done.returncode == 0 and done.stdout.strip() in (str(PID_BASE + 1), str(PID_BASE + 2))
