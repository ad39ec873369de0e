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


# The whole merge is one sh script (positional arguments, no interpolation): in a container every
# exec costs a process start and a round trip through the engine (~0.1 s), which the git work itself
# rarely exceeds. Its own output goes to fd 3, git's to stderr: a header line
# `BASE STATUS1 STATUS2 OUTCOME N`, the N conflicted paths, then the merged diff (or, when even the
# union merge failed, that merge's output). The checkout is restored on every way out.
_SCRIPT = """
exec 3>&1 1>&2
dir="$1"
base=$(git rev-parse HEAD) || exit 1
restore() {
    git merge --abort 2>/dev/null
    git checkout -q -f --detach "$base"
    git branch -q -D cb_agent1 cb_agent2 2>/dev/null
    rm -f "$(git rev-parse --absolute-git-dir)/info/attributes"
    git clean -qfd
}
trap restore EXIT
branch() {  # branch name, patch file: commit the patch on a branch from the base; sets $status
    git checkout -q -B "$1" "$base" || return 1
    status=empty
    if [ -s "$2" ]; then
        if git apply --ignore-whitespace "$2" 2>/dev/null; then status=applied
        elif git apply --3way "$2" 2>/dev/null; then status=applied_3way
        else status=failed; git reset -q --hard "$base" && git clean -qfd || return 1
        fi
    fi
    git add -A && git commit -q --allow-empty --no-verify -m "$1"
}
branch cb_agent1 "$dir/agent1.patch" || exit 1
first=$status
branch cb_agent2 "$dir/agent2.patch" || exit 1
conflicts=""
if git checkout -q cb_agent2 && git merge -q --no-ff --no-commit cb_agent1; then
    outcome=clean
else
    conflicts=$(git diff --name-only --diff-filter=U)
    git merge --abort
    # info/attributes outranks the repository's own .gitattributes and leaves the work tree alone
    echo '* merge=union' > "$(git rev-parse --absolute-git-dir)/info/attributes"
    if detail=$(git merge -q --no-ff --no-commit cb_agent1 2>&1); then outcome=union; else outcome=failed; fi
fi
count=$(printf '%s' "$conflicts" | grep -c .)
printf '%s %s %s %s %s\\n' "$base" "$first" "$status" "$outcome" "$count" >&3
[ -z "$conflicts" ] || printf '%s\\n' "$conflicts" >&3
if [ "$outcome" = failed ]; then printf '%s\\n' "$detail" >&3; else git diff --cached --binary "$base" >&3 || exit 1; fi
"""
_STATUSES = ("empty", "applied", "applied_3way", "failed")
_OUTCOMES = ("clean", "union", "failed")


def merge_patches(shell: Shell, patch1: str, patch2: str, patch_dir: str) -> MergeResult:
    """Merge agent 1's and agent 2's patches in the repository `shell` runs in (left at its base commit).

    Args:
        shell: Runs git in a clean checkout of the base commit.
        patch1: Agent 1's patch (test files already dropped).
        patch2: Agent 2's patch.
        patch_dir: A writable directory outside the repository for the patch files.
    """
    shell.write(f"{patch_dir}/agent1.patch", patch1 if patch1.strip() else "")
    shell.write(f"{patch_dir}/agent2.patch", patch2 if patch2.strip() else "")
    result = shell.run(["sh", "-c", _SCRIPT, "sh", patch_dir])
    header, _, rest = result.stdout.partition("\n")
    fields = header.split()
    if result.exit_code != 0 or not _well_formed(fields):
        raise RuntimeError(f"merging the patches failed (exit {result.exit_code}): {_tail(result.output)}")
    first, second, outcome, count = fields[1], fields[2], fields[3], int(fields[4])
    lines = rest.split("\n")
    conflicts = tuple("\n".join(lines[:count]).split())
    body = "\n".join(lines[count:])
    statuses = (first, second)
    if outcome == "failed":
        return MergeResult("failed", statuses, conflicts, "", detail=_tail(body))  # type: ignore[arg-type]
    return MergeResult(outcome, statuses, conflicts, body)  # type: ignore[arg-type]


def _well_formed(fields: list[str]) -> bool:
    """Whether the script's header is `BASE STATUS1 STATUS2 OUTCOME N` with a full commit id."""
    return (
        len(fields) == 5
        and len(fields[0]) == 40
        and fields[1] in _STATUSES
        and fields[2] in _STATUSES
        and fields[3] in _OUTCOMES
        and fields[4].isdigit()
    )


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
