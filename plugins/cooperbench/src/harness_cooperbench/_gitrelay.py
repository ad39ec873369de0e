"""The git setting: a shared remote between the two agents' containers, relayed through the host.

The core's sandboxes share no volume, so there is no bare repository both containers mount. Instead
`git_push()` bundles the agent's commits since the base commit (`git bundle create`) and the host
keeps the bundle; `git_pull(agent)` writes the other agent's latest bundle into the caller's
container and fetches it as `team/<agent>`. To the agents this is a remote with one branch per agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import sandbox

from ._image import REPO_DIR


@dataclass
class GitRelay:
    """The relayed remote of one sample: each agent's last pushed bundle."""

    base_commit: str
    bundles: dict[str, bytes] = field(default_factory=dict)

    async def push(self, agent: str) -> str:
        """Bundle `agent`'s commits on top of the base commit and keep them as its branch."""
        box = sandbox(agent)
        path = f"/tmp/cooperbench-{agent}.bundle"
        head = await box.exec(["git", "rev-parse", "HEAD"], cwd=REPO_DIR)
        if not head.success:
            raise ToolError(f"git_push: not a git repository: {head.stderr.strip()}")
        if head.stdout.strip() == self.base_commit:
            raise ToolError("git_push: nothing to push; commit your changes first (git add -A && git commit -m ...)")
        made = await box.exec(["git", "bundle", "create", "-q", path, f"{self.base_commit}..HEAD"], cwd=REPO_DIR)
        if not made.success:
            raise ToolError(f"git_push failed: {made.stderr.strip()}")
        self.bundles[agent] = await box.read_file(path, text=False)
        return f"pushed {head.stdout.strip()[:12]} as branch {agent}"

    async def pull(self, agent: str, other: str) -> str:
        """Fetch `other`'s last push into `agent`'s repository as `team/<other>`."""
        if other not in self.bundles:
            raise ToolError(f"git_pull: {other} has not pushed yet")
        box = sandbox(agent)
        path = f"/tmp/cooperbench-from-{other}.bundle"
        await box.write_file(path, self.bundles[other])
        fetched = await box.exec(["git", "fetch", "-q", path, f"+HEAD:refs/remotes/team/{other}"], cwd=REPO_DIR)
        if not fetched.success:
            raise ToolError(f"git_pull failed: {fetched.stderr.strip()}")
        log = await box.exec(["git", "log", "--oneline", f"{self.base_commit}..team/{other}"], cwd=REPO_DIR)
        return f"fetched {other}'s commits as team/{other} (merge with: git merge team/{other}):\n{log.stdout.strip()}"


@tool
def git_push(relay: GitRelay, agent: str) -> Tool:
    """Publish the agent's commits on the shared remote.

    Args:
        relay: The sample's relayed remote.
        agent: The agent using the tool.
    """

    async def execute() -> str:
        """Push your committed work to the shared remote as your branch (commit first)."""
        return await relay.push(agent)

    return execute


@tool
def git_pull(relay: GitRelay, agent: str) -> Tool:
    """Fetch the other agent's pushed commits.

    Args:
        relay: The sample's relayed remote.
        agent: The agent using the tool.
    """

    async def execute(teammate: str) -> str:
        """Fetch your teammate's last pushed commits as the branch team/<teammate>.

        Args:
            teammate: Whose branch to fetch, e.g. "agent2".
        """
        return await relay.pull(agent, teammate)

    return execute
