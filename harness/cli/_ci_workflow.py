"""`harness ci init`: a GitHub Actions workflow for leaderboard CI.

On every push and pull request it installs the harness and plugins, runs the eval set, uploads
logs and results, and builds the leaderboard. On pull requests it downloads the latest results of
the default branch, posts `harness compare` (Markdown) for every task and model as a comment, and
fails when any is significantly worse.
"""

from __future__ import annotations

from pathlib import Path

from harness._errors import HarnessError

WORKFLOW = """\
# Written by `harness ci init`. Leaderboard CI for plugeval: eval set, artifacts, leaderboard,
# and on pull requests a significance-tested comparison with the default branch.
name: plugeval

on:
  push:
    branches: [{branch}]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read
  actions: read
  pull-requests: write

jobs:
  eval:
    runs-on: ubuntu-latest
    timeout-minutes: 120
    steps:
      - uses: actions/checkout@v4

      - uses: actions/setup-python@v5
        with:
          python-version: "{python}"

      # pip's wheel cache (llama-cpp-python compiles once, ~10 minutes) and plugeval's cache
      # (assembled models, image wheelhouses), kept between runs
      - name: Cache pip and plugeval
        uses: actions/cache@v4
        with:
          path: |
            ~/.cache/pip
            ~/.cache/plugeval
          key: plugeval-${{{{ runner.os }}}}-py{python}-${{{{ hashFiles('{matrix}') }}}}
          restore-keys: plugeval-${{{{ runner.os }}}}-py{python}-

      - name: Install the harness and plugins
        run: |
          python -m pip install --upgrade pip
          python -m pip install {packages}

      - name: Run the eval set
        run: harness eval-set --config {matrix}

      - name: Upload logs and results
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: eval-runs
          path: {log_dir}/

      - name: Build the leaderboard
        if: always()
        run: harness leaderboard {log_dir} out=leaderboard

      - name: Upload the leaderboard
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: leaderboard
          path: leaderboard/

      - name: Fetch the default branch's results
        if: github.event_name == 'pull_request'
        env:
          GH_TOKEN: ${{{{ github.token }}}}
        run: |
          run_id=$(gh run list --branch "{branch}" --workflow plugeval --status success --limit 1 \\
            --json databaseId --jq '.[0].databaseId')
          if [ -n "$run_id" ]; then gh run download "$run_id" --name eval-runs --dir baseline; fi

      - name: Compare with the default branch
        if: github.event_name == 'pull_request'
        run: |
          status=0
          echo "## plugeval: this pull request vs {branch}" > comment.md
          for new in {log_dir}/records/*/results.json; do
            key=$(basename "$(dirname "$new")"); key=${{key%--*}}
            base=$(find baseline/records -path "*/${{key}}--*/results.json" 2>/dev/null | head -n 1)
            if [ -z "$base" ]; then echo "- \\`$key\\`: no baseline yet" >> comment.md; continue; fi
            harness compare "$base" "$new" format=md fail_on_regression=true >> comment.md || status=1
            echo >> comment.md
          done
          echo "status=$status" >> "$GITHUB_ENV"

      - name: Post the comparison
        if: github.event_name == 'pull_request'
        env:
          GH_TOKEN: ${{{{ github.token }}}}
        run: gh pr comment "${{{{ github.event.pull_request.number }}}}" --body-file comment.md

      - name: Fail on a significant regression
        if: github.event_name == 'pull_request' && env.status == '1'
        run: |
          echo "A score is significantly worse than on {branch}; see the pull-request comment."
          exit 1
"""

MATRIX = """\
# Eval-set matrix for `harness eval-set` (keys: harness/schemas/matrix.schema.json).
log_dir: {log_dir}
models: [local/smollm2-135m]
limit: 20
display: plain
tasks:
  - arithmetic
  - capitals
"""


def init_ci(
    out: str | Path = ".github/workflows/plugeval.yml",
    matrix: str = "eval-matrix.yaml",
    packages: str | None = None,
    python: str = "3.11",
    branch: str | None = None,
    log_dir: str = "runs",
    force: bool = False,
) -> list[Path]:
    """Write the workflow (and an example matrix when absent); returns the files written.

    Args:
        out: The workflow file.
        matrix: The eval-set matrix the workflow runs (an example is written when absent).
        packages: pip install arguments; default: plugeval with the extras the matrix's models need.
        python: Python version of the runner.
        branch: The default branch pull requests compare against; default: the repository's.
        log_dir: The eval set's log directory.
        force: Overwrite an existing workflow.
    """
    workflow = Path(out)
    if workflow.exists() and not force:
        raise HarnessError(f"{workflow} exists; pass --force to overwrite it")
    written = []
    matrix_path = Path(matrix)
    if not matrix_path.exists():
        matrix_path.write_text(MATRIX.format(log_dir=log_dir))
        written.append(matrix_path)
    packages = packages or packages_for(matrix_path)
    branch = branch or default_branch(workflow.resolve().parent)
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(
        WORKFLOW.format(branch=branch, python=python, packages=packages, matrix=matrix, log_dir=log_dir)
    )
    return [workflow, *written]


_LOCAL_EXTRAS = {"local/smollm2-135m": "local", "local/gemma3-270m": "local-gemma"}


def packages_for(matrix: Path) -> str:
    """`plugeval` with the extras the matrix's models need (local/ models need llama-cpp-python)."""
    import yaml

    try:
        data = yaml.safe_load(matrix.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    models = [m if isinstance(m, str) else (m or {}).get("model", "") for m in data.get("models") or []]
    extras = sorted({_LOCAL_EXTRAS.get(str(m), "local") for m in models if str(m).startswith("local/")})
    return f"'plugeval[{','.join(extras)}]'" if extras else "plugeval"


def default_branch(where: Path) -> str:
    """The repository's default branch: origin's HEAD, else the checked-out branch, else `main`."""
    import subprocess

    for command in (
        ["git", "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"],
        ["git", "symbolic-ref", "--quiet", "--short", "HEAD"],
    ):
        try:
            found = subprocess.run(command, cwd=_existing(where), capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        name = found.stdout.strip()
        if found.returncode == 0 and name:
            return name.removeprefix("origin/")
    return "main"


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
