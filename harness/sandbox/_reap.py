"""Killing everything a command started, including children that left its process group or session.

A command's process group is easy to kill and easy to leave (`setsid`, `setpgid`, double forks);
orphans are adopted by the container's init and their ancestry is lost. What cannot be left:

- inside the container every process descends either from init (pid 1) or from one `docker exec`
  (a process whose parent is 0, outside the namespace), and only forking creates descendants;
- the kernel records when each process started.

The command's first process reports its pid and start time before anything of the agent's runs (a
one-line prelude, see `_exec`, which builds on this module). A sweep (as root, in POSIX sh over
/proc/PID/stat, which anyone may read) then kills the tree of the command's own exec and every
process adopted by init whose topmost ancestor below init started at or after the command did.
Processes of other running commands, and daemons that earlier commands started, are left alone.
It repeats (stop, then kill) until a pass finds nothing, so a fork racing the sweep is caught by the next pass.
"""

from __future__ import annotations

from harness.sandbox._stream import run_plain

_SWEEP = r"""
root=$1; t0=$2; orphans=$3; self=$$
pass=0
while [ $pass -lt 25 ]; do
  pass=$((pass + 1)); victims=
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [ "$p" = 1 ] && continue
    [ "$p" = "$self" ] && continue
    read -r s 2>/dev/null < "$d/stat" || continue
    set -- ${s##*) }
    [ "$2" = "$self" ] && continue
    top=$p; top_start=${20}; up=$2
    while [ "$up" != 0 ] && [ "$up" != 1 ]; do
      read -r s 2>/dev/null < "/proc/$up/stat" || { up=1; break; }
      set -- ${s##*) }
      top=$up; top_start=${20}; up=$2
    done
    if [ "$up" = 0 ]; then
      [ "$top" = "$root" ] && [ "$top_start" = "$t0" ] || continue
    else
      [ "$orphans" = 1 ] && [ "$top_start" -ge "$t0" ] || continue
    fi
    victims="$victims $p"
  done
  [ -n "$victims" ] || exit 0
  kill -STOP $victims 2>/dev/null
  kill -KILL $victims 2>/dev/null
done
exit 1
"""


def kill_command_tree(api, container_id: str, started: tuple[str, str], orphans: bool) -> bool:
    """Kill the command whose first process was `started` = (pid, start time), with all it started.

    The start time is in clock ticks since boot, as /proc/PID/stat counts it (the pair names one
    process for good: a pid can be reused, not with the same start time). With `orphans`, processes
    adopted by init whose tree began at or after that time die too. Returns whether the sweep
    converged.
    """
    pid, ticks = started
    sweep = ["/bin/sh", "-c", _SWEEP, "sweep", pid, ticks, "1" if orphans else "0"]
    result = run_plain(api, container_id, sweep, user="root")
    return result.returncode == 0
