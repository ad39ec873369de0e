"""Killing everything a command started, including children that left its process group or session.

A command's process group is easy to kill and easy to leave (`setsid`, `setpgid`, double forks);
orphans are adopted by the container's init and their ancestry is lost. What cannot be left:

- inside the container every process descends either from init (pid 1) or from one `docker exec`
  (a process whose parent is 0, outside the namespace), and only forking creates descendants;
- the kernel records when each process started.

So a sweep (as root, in POSIX sh over /proc) kills the tree of the command's own exec — found by
the marker in its first process's environment, which the wrapper keeps — and every process adopted
by init whose topmost ancestor below init started at or after the command did (the command's first
process reports its start time, in the same clock, before anything of the agent's runs). Processes
of other running commands, and daemons that earlier commands started, are left alone. It repeats
(stop, then kill) until a pass finds nothing, so a fork racing the sweep is caught by the next pass.
"""

from __future__ import annotations

from harness.sandbox._exec import MARKER_ENV, run_exec

_SWEEP = r"""
t0=$1; mark="$2=$3"; self=$$
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
      tr '\0' '\n' 2>/dev/null < "/proc/$top/environ" | grep -qx -- "$mark" || continue
    else
      [ -n "$t0" ] && [ "$top_start" -ge "$t0" ] || continue
    fi
    victims="$victims $p"
  done
  [ -n "$victims" ] || exit 0
  kill -STOP $victims 2>/dev/null
  kill -KILL $victims 2>/dev/null
done
exit 1
"""

def kill_command_tree(api, container_id: str, marker: str, started: str | None) -> bool:
    """Kill the processes of the command tagged `marker`, and orphans whose tree began at or after `started`.

    `started` is the command's start time in clock ticks since boot, as /proc/PID/stat counts it;
    with None only the command's own tree is killed. Returns whether the sweep converged.
    """
    result = run_exec(
        api, container_id, ["/bin/sh", "-c", _SWEEP, "sweep", started or "", MARKER_ENV, marker], user="root"
    )
    return result.returncode == 0
