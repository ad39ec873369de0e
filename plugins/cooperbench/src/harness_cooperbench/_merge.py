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


# Each step is one short sh script (positional arguments, no interpolation): in a container every
# exec costs a process start, so the merge runs as five or six of them rather than twenty commands.
_BRANCH = """
set -e
branch="$1"; base="$2"; patch="$3"
git checkout -q -B "$branch" "$base"
status=empty
if [ -s "$patch" ]; then
    if git apply --ignore-whitespace "$patch" 2>/dev/null; then status=applied
    elif git apply --3way "$patch" 2>/dev/null; then status=applied_3way
    else status=failed; git reset -q --hard "$base"; git clean -qfd
    fi
fi
git add -A
git commit -q --allow-empty --no-verify -m "$branch"
echo "$status"
"""
_MERGE = "git checkout -q cb_agent2 && git merge -q --no-ff --no-commit cb_agent1"
_UNION = """
git diff --name-only --diff-filter=U > "$1"
git merge --abort
# info/attributes outranks the repository's own .gitattributes and leaves the work tree alone
echo '* merge=union' > "$(git rev-parse --absolute-git-dir)/info/attributes"
git merge -q --no-ff --no-commit cb_agent1
"""
_RESTORE = """
git merge --abort 2>/dev/null
git checkout -q -f --detach "$1"
git branch -q -D cb_agent1 cb_agent2 2>/dev/null
rm -f "$(git rev-parse --absolute-git-dir)/info/attributes"
git clean -qfd
"""


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
    try:
        statuses = (
            _branch_with_patch(shell, "cb_agent1", base, patch1, f"{patch_dir}/agent1.patch"),
            _branch_with_patch(shell, "cb_agent2", base, patch2, f"{patch_dir}/agent2.patch"),
        )
        if shell.run(["sh", "-c", _MERGE]).exit_code == 0:
            return MergeResult("clean", statuses, (), _merged_diff(shell, base))
        listing = f"{patch_dir}/conflicts.txt"
        union = shell.run(["sh", "-c", _UNION, "sh", listing])
        conflicts = tuple(_out(shell, ["cat", listing]).split())
        if union.exit_code == 0:
            return MergeResult("union", statuses, conflicts, _merged_diff(shell, base))
        return MergeResult("failed", statuses, conflicts, "", detail=_tail(union.output))
    finally:
        shell.run(["sh", "-c", _RESTORE, "sh", base])


def _branch_with_patch(shell: Shell, branch: str, base: str, patch: str, path: str) -> ApplyStatus:
    shell.write(path, patch if patch.strip() else "")
    status = _out(shell, ["sh", "-c", _BRANCH, "sh", branch, base, path]).strip().splitlines()[-1:]
    if status and status[0] in ("empty", "applied", "applied_3way", "failed"):
        return status[0]  # type: ignore[return-value]
    raise RuntimeError(f"preparing branch {branch} gave no status: {status}")


def _merged_diff(shell: Shell, base: str) -> str:
    return _out(shell, ["git", "diff", "--cached", "--binary", base])


def _out(shell: Shell, cmd: list[str]) -> str:
    result = shell.run(cmd)
    if result.exit_code != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: {_tail(result.output)}")
    return result.stdout


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
