"""The built-in `harness` commands, as a table: help, examples, arguments and handler of each."""

from __future__ import annotations

from harness.cli import _handlers as h
from harness.cli._spec import Command, arg
from harness.plugins._kinds import COMPONENT_KINDS, PluginKind
from harness.usi._command import USI


def _run_keys_help() -> str:
    from harness.config._run_config import run_schema

    keys = [f"  {key:<16} {schema.get('description', '')}" for key, schema in run_schema()["properties"].items()]
    return (
        "Plugin parameters are set with task.PARAM=VALUE, solver.PARAM=..., scorer.PARAM=...,\n"
        "simulator.PARAM=... and model_args.KEY=...; `harness info NAME` lists them.\n"
        "Values are typed by the parameter's schema: 3, 0.5, true, [a, b] or a,b for lists.\n\n"
        "keys:\n" + "\n".join(keys)
    )


EVAL = Command(
    "eval",
    help="run an evaluation",
    description="Run TASK on MODEL with inspect-ai and write results.json beside the inspect log. Settings are "
    "KEY=VALUE (model=X, not --model X).",
    examples=(
        ("harness eval task=arithmetic model=mockllm/model limit=5", "scripted model: no key, no network"),
        ("harness eval task=arithmetic limit=5", "the default model, local/smollm2-135m"),
        ("harness eval task=tasks/capitals.yaml model=openai/gpt-4o-mini temperature=0", "a YAML task file"),
        ("harness eval task=capitals scorer=match scorer.location=any", "a plugin parameter"),
        ("harness eval task=examples/inspect_tasks/mytask.py@mytask task.count=2", "an inspect task file"),
        ("harness eval --config examples/run.yaml limit=2", "key=value overrides the file"),
        ("harness eval --resume logs/RUN_ID", "finish a killed run, reusing its samples"),
    ),
    args=(
        arg("overrides", nargs="*", metavar="KEY=VALUE", help="run settings (see keys below)"),
        arg("--config", metavar="FILE", help="YAML file with the same keys; key=value arguments win"),
        arg(
            "--resume",
            metavar="RUN_DIR",
            help="finish a killed or interrupted run: reuse its completed samples, run the rest, write its "
            "record (KEY=VALUE arguments override the saved settings, e.g. to give a redacted api key again)",
        ),
    ),
    handler=h.cmd_eval,
    notes=_run_keys_help,
    takes_keys=True,
)

LIST = Command(
    "list",
    help="list installed plugins",
    description="List installed plugins with distribution, version and summary, from metadata only (no plugin "
    "is imported, nor inspect-ai), then the tasks installed packages register with inspect.",
    examples=(
        ("harness list", "every kind"),
        ("harness list tasks", "one kind"),
        ("harness list commands", "commands plugins add (harness.commands)"),
        ("harness list --check", "also import each plugin; exit 1 if one is broken"),
        ("harness list --format md", "the plugin directory page (docs/plugins.md)"),
    ),
    args=(
        arg(
            "kind",
            nargs="?",
            choices=[*(k.plural for k in PluginKind), "commands"],
            help="only this kind (default: all); commands: those plugins add to `harness`",
        ),
        arg("--check", action="store_true", help="also import each plugin and report the ones that fail to load"),
        arg(
            "--format",
            choices=["text", "json", "md"],
            default="text",
            help="text (default), json (for tools), or md (a plugin directory page, as in docs/plugins.md)",
        ),
    ),
    handler=h.cmd_list,
)

INFO = Command(
    "info",
    help="show a plugin's parameters and docs",
    description="Show a plugin's parameters (types, defaults, docs) and what it is: a harness plugin, a YAML task "
    "file or an inspect task.",
    examples=(
        ("harness info match", "a scorer's parameters"),
        ("harness info arithmetic --kind task", "when a name is used by several kinds"),
        ("harness info tasks/capitals.yaml", "a YAML task file"),
        ("harness info examples/inspect_tasks/mytask.py@mytask", "an inspect task file"),
    ),
    args=(
        arg("name", help="plugin name, dist/name, a YAML task file or an inspect task"),
        arg("--kind", choices=[k.value for k in COMPONENT_KINDS], help="kind, when a name is used by several"),
    ),
    handler=h.cmd_info,
)

EVAL_SET = Command(
    "eval-set",
    help="run tasks x models from a matrix file (resumable)",
    description="Run every task (and grid point) on every model with inspect's eval-set: retries, and re-running "
    "with the same log_dir resumes without redoing finished work. Prints each run's scores and writes a results "
    "record per run and log_dir/index.json.",
    examples=(("harness eval-set --config examples/eval-matrix.yaml", "two tasks on mockllm/model"),),
    args=(arg("--config", metavar="MATRIX", help="matrix YAML file (required)"),),
    handler=h.cmd_eval_set,
    notes="matrix keys: see harness/schemas/matrix.schema.json. A matrix file:\n"
    "  log_dir: runs/nightly\n  models: [mockllm/model, local/smollm2-135m]\n  limit: 20\n"
    "  tasks:\n    - arithmetic\n    - task: capitals\n      grid: {}\n",
)

CI_INIT = Command(
    "init",
    help="write a GitHub Actions workflow",
    description="Write a GitHub Actions workflow that runs the eval set, uploads logs and results, builds the "
    "leaderboard, and on pull requests posts `harness compare` against the default branch and fails on a "
    "significant regression. Also writes an example matrix when there is none.",
    examples=(
        ("harness ci init", ".github/workflows/plugeval.yml (+ eval-matrix.yaml)"),
        ("harness ci init --matrix examples/eval-matrix.yaml --branch main", "an existing matrix"),
    ),
    args=(
        arg("--out", default=".github/workflows/plugeval.yml", help="workflow file"),
        arg("--matrix", default="eval-matrix.yaml", help="eval-set matrix the workflow runs"),
        arg("--packages", help="pip install arguments (harness, plugins); default: plugeval with the extras needed"),
        arg("--python", default="3.11", help="Python version"),
        arg("--branch", help="default branch that pull requests compare against (default: the repository's own)"),
        arg("--force", action="store_true", help="overwrite an existing workflow"),
    ),
    handler=h.cmd_ci_init,
)

CI = Command(
    "ci",
    help="set up leaderboard CI",
    description="Continuous-integration helpers.",
    examples=CI_INIT.examples,
    actions=(CI_INIT,),
)

NEW_PLUGIN = Command(
    "plugin",
    help="scaffold plugeval-NAME/ with an example component, tests and a publish workflow",
    description="Write plugeval-NAME/: pyproject.toml with the entry point, src/harness_NAME/ with an example "
    "component, a conformance test (harness.testing), README, LICENSE and a trusted-publishing workflow.",
    examples=(
        ("harness new plugin my_task", "a task plugin in ./plugeval-my-task/"),
        ("harness new plugin my_metric kind=scorer --dir build", "a scorer plugin in build/plugeval-my-metric/"),
    ),
    args=(
        arg("name", help="plugin name (a Python name, e.g. my_task)"),
        arg("settings", nargs="*", metavar="kind=task|scorer|solver|simulator"),
        arg("--dir", default=".", help="where to create the package"),
    ),
    handler=h.cmd_new_plugin,
    takes_keys=True,
)

NEW = Command(
    "new",
    help="scaffold a plugin package",
    description="Create new projects.",
    examples=NEW_PLUGIN.examples,
    actions=(NEW_PLUGIN,),
    action_metavar="WHAT",
)

COMPARE = Command(
    "compare",
    help="compare two runs with significance",
    description="Compare NEW against BASE (results.json files or run directories): both scores with CIs, the "
    "difference with its CI and p-value, and a verdict. Paired when the sample ids match.",
    examples=(
        ("harness compare runs/base runs/new", "a table"),
        ("harness compare BASE NEW format=md fail_on_regression=true", "a pull-request comment; exit 1 if worse"),
    ),
    args=(
        arg("base", help="results.json or run directory of the baseline"),
        arg("new", help="results.json or run directory of the candidate"),
        arg("settings", nargs="*", metavar="KEY=VALUE"),
    ),
    handler=h.cmd_compare,
    notes="keys:\n  metric=SCORER          scorer to compare (default: BASE's first)\n"
    "  alpha=0.05             significance level\n"
    "  fail_on_regression=true  exit 1 when NEW is significantly worse\n"
    "  format=table|md|json   output (md is ready for a pull-request comment)\n"
    "  allow_different=true   compare runs of different tasks or task parameters (refused by default)\n"
    "  lower_is_better=true   the metric improves downwards (e.g. attack success): a decrease is better\n\n"
    "Methods and references: harness/results/_compare.py.",
    takes_keys=True,
)

LEADERBOARD = Command(
    "leaderboard",
    help="build a leaderboard from results records",
    description="Validate results records (files or directories, searched recursively) and write "
    "leaderboard.json, leaderboard.md and a self-contained index.html into out=DIR. Bad files are named and "
    "skipped; the rest still build.",
    examples=(("harness leaderboard runs/ out=site/", "every record under runs/"),),
    args=(arg("inputs", nargs="+", metavar="RESULTS_OR_DIR | out=DIR"),),
    handler=h.cmd_leaderboard,
    takes_keys=True,
)

BUILT_IN = (EVAL, EVAL_SET, LIST, INFO, COMPARE, LEADERBOARD, USI, CI, NEW)
"""The built-in commands in the order `harness --help` lists them (then sandbox, cache and plugins' commands)."""
