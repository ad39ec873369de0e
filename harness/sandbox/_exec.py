"""Running one command in a container with a timeout and output caps; what it started dies with it.

Built on `_stream` (one exec and its output) and `_reap` (the sweep that kills a command's tree).
"""

from __future__ import annotations

import time

from harness.sandbox._reap import kill_command_tree
from harness.sandbox._stream import START_PREFIX, Exec, ExecOutcome, exit_code, is_running, start_exec

__all__ = ["TIMEOUT_BINARY", "ExecOutcome", "refused_to_execute", "run_exec"]

TIMEOUT_BINARY = "/usr/bin/timeout"
# Put ahead of a command that may have to be killed: prints the pid and start time of its first
# process (which then becomes the command: same pid) as the first line on stderr, where the reader
# takes it off again. `_reap` needs both to find what the command started.
_PRELUDE = (
    'f() { shift 19; echo "' + START_PREFIX.decode() + '$$ $1" >&2; }; '
    "read -r s < /proc/$$/stat; f ${s##*) }; "
    'exec "$@"'
)
_KILL_GRACE_SECONDS = 2
_DRAIN_SECONDS = 10


def run_exec(
    api,
    container_id: str,
    cmd: list[str],
    *,
    input: bytes | None = None,
    workdir: str | None = None,
    env: dict[str, str] | None = None,
    user: str | None = None,
    timeout: int | None = None,
    max_output: int = 10 * 1024**2,
    stdout_limit: int | None = None,
    can_timeout_in_container: bool = True,
) -> ExecOutcome:
    """Run `cmd` in the container and wait for it (blocking; call from a worker thread).

    A timeout is enforced inside the container by coreutils `timeout` (TERM to the process group,
    KILL after a grace period); once it has acted, or when the image has no `timeout`, everything
    the command started is killed, including children that left its process group or session
    (`_reap.kill_command_tree`). Beyond `max_output` a stream keeps its most recent bytes; beyond
    `stdout_limit` reading stopped at once and the command is killed, so no more than that is held.
    """
    killable = timeout is not None or stdout_limit is not None
    wrapped = list(cmd)
    if timeout is not None and can_timeout_in_container:
        wrapped = [TIMEOUT_BINARY, f"--kill-after={_KILL_GRACE_SECONDS}", str(timeout), *cmd]
    if killable:
        wrapped = ["/bin/sh", "-c", _PRELUDE, "sh", *wrapped]
    running = start_exec(
        api, container_id, wrapped, input=input, workdir=workdir, env=env, user=user,
        max_output=max_output, stdout_limit=stdout_limit, expect_start=killable,
    )  # fmt: skip
    try:
        swept = _wait(api, container_id, running, timeout, can_timeout_in_container)
        if running.reader.over_limit:
            _sweep(api, container_id, running, orphans=False)
    finally:
        running.close()
    return _outcome(api, container_id, running, timeout, swept)


def _wait(api, container_id: str, running: Exec, timeout: int | None, in_container: bool) -> bool:
    """Read the command's output until it ends; past the deadline, sweep its tree. Returns whether it swept."""
    reader, started = running.reader, running.started
    if timeout is None:
        reader.read(None)
        return False
    # the wrapper signals at `timeout`; the stream may stay open after it if something the command
    # started still holds stdout, so look at the wrapper itself from then on
    grace = _KILL_GRACE_SECONDS + 1 if in_container else 0
    closed = reader.read(started + timeout + (0.5 if in_container else 0))
    while not closed and time.monotonic() < started + timeout + grace and is_running(api, running.exec_id):
        closed = reader.read(min(started + timeout + grace, time.monotonic() + 0.25))
    if closed:
        return False
    _sweep(api, container_id, running, orphans=True)
    reader.read(time.monotonic() + _DRAIN_SECONDS)
    return True


def _sweep(api, container_id: str, running: Exec, orphans: bool) -> None:
    if running.reader.started is not None:  # else the command never began: nothing to kill
        kill_command_tree(api, container_id, running.reader.started, orphans)


def _outcome(api, container_id: str, running: Exec, timeout: int | None, swept: bool) -> ExecOutcome:
    reader = running.reader
    seconds = time.monotonic() - running.started
    stdout, stderr = bytes(reader.buffers[1]), bytes(reader.buffers[2])
    if reader.over_limit:
        return ExecOutcome(137, stdout, stderr, False, True, seconds, over_limit=True)
    if swept:
        info = api.exec_inspect(running.exec_id)
        finished = not info.get("Running") and info.get("ExitCode") is not None
        return ExecOutcome(int(info["ExitCode"]) if finished else 137, stdout, stderr, True, reader.truncated, seconds)
    returncode = exit_code(api, running.exec_id)
    timed_out = timeout is not None and returncode in (124, 137) and seconds >= timeout - 0.5
    if timed_out:
        _sweep(api, container_id, running, orphans=True)  # children that let go of stdout outlive the group kill
    return ExecOutcome(returncode, stdout, stderr, timed_out, reader.truncated, seconds)


def refused_to_execute(outcome: ExecOutcome, cmd: list[str]) -> bool:
    """Whether exit 126 is the runtime (or the timeout wrapper) refusing to execute `cmd[0]` (EACCES).

    Only a single line in docker's or coreutils' own wording counts: a shell reporting the same
    about a script the command ran is an ordinary result.
    """
    if outcome.returncode != 126 or not cmd or (outcome.stdout.strip() and outcome.stderr.strip()):
        return False
    lines = (outcome.stdout or outcome.stderr).decode(errors="replace").strip().splitlines()
    if len(lines) != 1 or "permission denied" not in lines[0].lower():
        return False
    line = lines[0]
    if line.lower().startswith("oci runtime exec failed"):
        return f'exec: "{cmd[0]}": permission denied' in line
    return line.startswith(("timeout: ", f"{TIMEOUT_BINARY}: ")) and f"\u2018{cmd[0]}\u2019:" in line
