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
    packages: str = "'plugeval[local]'",
    python: str = "3.11",
    branch: str = "main",
    log_dir: str = "runs",
    force: bool = False,
) -> list[Path]:
    """Write the workflow (and an example matrix when absent); returns the files written."""
    workflow = Path(out)
    if workflow.exists() and not force:
        raise HarnessError(f"{workflow} exists; pass --force to overwrite it")
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(
        WORKFLOW.format(branch=branch, python=python, packages=packages, matrix=matrix, log_dir=log_dir)
    )
    written = [workflow]
    matrix_path = Path(matrix)
    if not matrix_path.exists():
        matrix_path.write_text(MATRIX.format(log_dir=log_dir))
        written.append(matrix_path)
    return written
