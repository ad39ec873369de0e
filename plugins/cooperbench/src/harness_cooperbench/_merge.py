"""Merging two agents' patches with real git, as CooperBench's evaluator does.

Each patch is applied on its own branch from the base commit (`git apply --ignore-whitespace`,
falling back to `git apply --3way`) and committed; agent 2's branch then merges agent 1's. A
conflict is recorded and the merge retried with every path set to `merge=union` (both sides' lines
kept); a union merge can still fail (e.g. a file deleted on one side). The merged code is the diff of
the merge result against the base commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ._shell import Shell

MergeOutcome = Literal["clean", "union", "failed"]
ApplyStatus = Literal["empty", "applied", "applied_3way", "failed"]


@dataclass(frozen=True)
class MergeResult:
    """How two patches merged, and the merged code as a diff against the base commit."""

    outcome: MergeOutcome
    apply: tuple[ApplyStatus, ApplyStatus]
    conflict_files: tuple[str, ...]
    diff: str
    """The merged diff (empty when the merge failed or both patches were empty)."""
    detail: str = ""

    @property
    def conflict(self) -> bool:
        """Whether the plain merge conflicted (the outcome is then union or failed)."""
        return self.outcome != "clean"


def merge_patches(shell: Shell, patch1: str, patch2: str, patch_dir: str) -> MergeResult:
    """Merge agent 1's and agent 2's patches in the repository `shell` runs in (left at its base commit).

    Args:
        shell: Runs git in a clean checkout of the base commit.
        patch1: Agent 1's patch (test files already dropped).
        patch2: Agent 2's patch.
        patch_dir: A writable directory outside the repository for the patch files.
    """
    base = _out(shell, ["git", "rev-parse", "HEAD"]).strip()
    if len(base) != 40:
        raise RuntimeError(f"could not read the base commit of the checkout (got {base!r})")
    statuses = (
        _branch_with_patch(shell, "cb_agent1", base, patch1, f"{patch_dir}/agent1.patch"),
        _branch_with_patch(shell, "cb_agent2", base, patch2, f"{patch_dir}/agent2.patch"),
    )
    try:
        _ok(shell, ["git", "checkout", "-q", "cb_agent2"])
        merge = ["git", "merge", "-q", "--no-ff", "--no-commit", "cb_agent1"]
        if _code(shell, merge) == 0:
            return MergeResult("clean", statuses, (), _merged_diff(shell, base))
        conflicts = tuple(_out(shell, ["git", "diff", "--name-only", "--diff-filter=U"]).split())
        _code(shell, ["git", "merge", "--abort"])
        # info/attributes outranks the repository's own .gitattributes and leaves the work tree alone
        shell.write(f"{_git_dir(shell)}/info/attributes", "* merge=union\n")
        result = shell.run(merge)
        if result.exit_code == 0:
            return MergeResult("union", statuses, conflicts, _merged_diff(shell, base))
        return MergeResult("failed", statuses, conflicts, "", detail=_tail(result.output))
    finally:
        _restore(shell, base)


def _branch_with_patch(shell: Shell, branch: str, base: str, patch: str, path: str) -> ApplyStatus:
    _ok(shell, ["git", "checkout", "-q", "-B", branch, base])
    status: ApplyStatus = "empty"
    if patch.strip():
        shell.write(path, patch)
        if _code(shell, ["git", "apply", "--ignore-whitespace", path]) == 0:
            status = "applied"
        elif _code(shell, ["git", "apply", "--3way", path]) == 0:
            status = "applied_3way"
        else:
            status = "failed"
            _ok(shell, ["git", "reset", "-q", "--hard", base])
            _ok(shell, ["git", "clean", "-qfd"])
    _ok(shell, ["git", "add", "-A"])
    _ok(shell, ["git", "commit", "-q", "--allow-empty", "--no-verify", "-m", branch])
    return status


def _merged_diff(shell: Shell, base: str) -> str:
    return _out(shell, ["git", "diff", "--cached", "--binary", base])


def _restore(shell: Shell, base: str) -> None:
    """Back to a clean detached base commit, so the same checkout can merge the next pair."""
    _code(shell, ["git", "merge", "--abort"])
    _code(shell, ["git", "checkout", "-q", "-f", "--detach", base])
    _code(shell, ["git", "branch", "-q", "-D", "cb_agent1", "cb_agent2"])
    _code(shell, ["rm", "-f", f"{_git_dir(shell)}/info/attributes"])
    _code(shell, ["git", "clean", "-qfd"])


def _git_dir(shell: Shell) -> str:
    return _out(shell, ["git", "rev-parse", "--absolute-git-dir"]).strip()


def _code(shell: Shell, cmd: list[str]) -> int:
    return shell.run(cmd).exit_code


def _out(shell: Shell, cmd: list[str]) -> str:
    result = shell.run(cmd)
    if result.exit_code != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {_tail(result.output)}")
    return result.stdout


def _ok(shell: Shell, cmd: list[str]) -> None:
    _out(shell, cmd)


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
