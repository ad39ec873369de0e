"""Secrets planted in a run's arguments appear in no file the run writes, nor in what it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PluginDist, run_harness

KEYED = PluginDist(
    "harness-test-keyed",
    {"inspect_ai": {"keyed": "keyed_plugin.provider"}},
    {
        "keyed_plugin/__init__.py": "",
        "keyed_plugin/provider.py": """\
            from inspect_ai.model import ModelAPI, ModelOutput, modelapi


            @modelapi(name="keyed")
            class Keyed(ModelAPI):
                \"\"\"Answers Paris; takes any model_args (an organization, endpoints, headers...).\"\"\"

                def __init__(self, model_name, base_url=None, api_key=None, config=None, **model_args):
                    super().__init__(model_name, base_url, api_key, [], config)

                async def generate(self, input, tools, tool_choice, config):
                    return ModelOutput.from_content(self.model_name, "Paris")
        """,
    },
)

# one of each kind: by key, in a URL, a bearer header, and known key shapes under harmless keys
PLANTED = {
    "model_args.organization": ("org-PLANTEDorg7", "PLANTEDorg7"),
    "model_args.api_key": ("sk-PLANTEDkey7abcdefghijkl", "PLANTEDkey7"),
    "model_args.endpoint": ("https://user:PLANTEDurl7@example.invalid/v1", "PLANTEDurl7"),
    "model_args.headers": ("Bearer PLANTEDbearer7xyz", "PLANTEDbearer7"),
    "model_args.deployment": ("hf_PLANTEDhf7abcdefghijklmnopq", "PLANTEDhf7"),
    "model_args.mirror": ("ghp_PLANTEDgh7abcdefghijklmnopqr", "PLANTEDgh7"),
    "model_args.region_hint": ("AKIAPLANTEDAWS7ABCDE", "PLANTEDAWS7"),
}


@pytest.fixture(scope="module")
def secret_run(tmp_path_factory) -> tuple[Path, str]:
    """A real run with every kind of secret planted, and a leaderboard built from it."""
    from conftest import pip_install

    root = tmp_path_factory.mktemp("secrets")
    site = root / "site"
    pip_install(["--target", str(site), str(KEYED.write(root / "src"))])
    overrides = [f"{key}={value}" for key, (value, _) in PLANTED.items()]
    run = run_harness(
        "eval",
        "task=capitals",
        "model=keyed/x",
        "limit=2",
        "display=none",
        f"log_dir={root / 'logs'}",
        *overrides,
        site=site,
    )
    assert run.returncode == 0, run.stderr
    board = run_harness("leaderboard", str(root / "logs"), f"out={root / 'board'}", site=site)
    assert board.returncode == 0, board.stderr
    return root, run.stdout + run.stderr + board.stdout + board.stderr


def _leaks(text: str) -> list[str]:
    return [marker for _, marker in PLANTED.values() if marker in text]


def test_no_secret_in_records_run_files_leaderboard_pages_or_output(secret_run):
    root, printed = secret_run
    assert not _leaks(printed)
    files = [p for p in root.rglob("*") if p.is_file() and "site" not in p.parts and "src" not in p.parts]
    written = [p for p in files if p.suffix != ".eval"]
    assert {p.name for p in written} >= {"run.json", "results.json", "leaderboard.json", "leaderboard.md", "index.html"}
    for path in written:
        assert not _leaks(path.read_text(errors="replace")), path
    record = json.loads(next(root.glob("logs/*/results.json")).read_text())
    assert record["params"]["model_args"]["organization"] == "[redacted]"


def test_no_secret_in_the_inspect_logs_header_or_journal(secret_run):
    import zipfile

    from inspect_ai.log import read_eval_log  # also teaches zipfile inspect's zstd members

    root, _ = secret_run
    (log,) = root.glob("logs/*/*.eval")
    with zipfile.ZipFile(log) as archive:
        for name in archive.namelist():
            assert not _leaks(archive.read(name).decode(errors="replace")), name
    assert not _leaks(read_eval_log(str(log)).model_dump_json())


def test_log_safe_model_keeps_secrets_out_of_a_real_log(tmp_path: Path):
    import zipfile

    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample

    from harness.results._log_redaction import log_safe_model

    args = {
        "organization": "org-PLANTEDorg7",
        "base_url": "https://user:PLANTEDurl7@example.invalid/v1",
        "extra_body": {"note": "Bearer PLANTEDbearer7xyz"},
    }
    model = log_safe_model("mockllm/model", args)
    assert model.api.base_url == args["base_url"]  # the provider still gets the real values
    (log,) = eval(Task(dataset=[Sample(input="x")]), model=model, log_dir=str(tmp_path), display="none")
    assert (
        log.eval.model_args["organization"] == "[redacted]"
        and log.eval.model_base_url == "https://[redacted]@example.invalid/v1"
    )
    with zipfile.ZipFile(log.location) as archive:
        for name in archive.namelist():
            assert not _leaks(archive.read(name).decode(errors="replace")), name


@pytest.mark.parametrize(
    "text, kept",
    [
        ("connect to https://user:PLANTED1@host/v1 failed", "connect to https://[redacted]@host/v1 failed"),
        ("Authorization: Bearer PLANTEDabcdefgh", "Authorization: Bearer [redacted]"),
        ("GET /v1?api_key=PLANTED2&limit=5 failed", "GET /v1?api_key=[redacted]&limit=5 failed"),
        ('{"organization": "org-PLANTED3", "max_tokens": 5}', '{"organization": "[redacted]", "max_tokens": 5}'),
        ("keys sk-ant-api03-PLANTEDabcdefghij and AKIAPLANTED4ABCDEFGH", "keys [redacted] and [redacted]"),
        ("xoxb-PLANTED5-abcdef and glpat-PLANTED6abcdefghijklmn", "[redacted] and [redacted]"),
        ("max_tokens=200, hf_dataset_name, task-abcdefghijklmnopqrst", None),  # not secrets
        ("'x' is not KEY=VALUE; set api_key=... or token=<your-token> or password=$PASSWORD", None),  # placeholders
        ("token=Planted7Secret and KEY=PLANTEDPLANTEDPLANTEDPLANTED", "token=[redacted] and KEY=[redacted]"),
    ],
)
def test_secret_shaped_text_is_redacted_and_the_rest_kept(text, kept):
    from harness.results._redact import redact_text

    assert redact_text(text) == (text if kept is None else kept)
    assert redact_text(redact_text(text)) == redact_text(text)  # idempotent: records pass through twice


def test_structured_values_lose_the_whole_secret_so_resume_asks_again():
    from harness.results._redact import REDACTED, redact

    redacted = redact({"base_url": "https://u:PLANTED@h", "organization": "org-1", "endpoint": "https://h/v1", "n": 3})
    assert redacted == {"base_url": REDACTED, "organization": REDACTED, "endpoint": "https://h/v1", "n": 3}


def test_a_record_loses_whole_secret_params_and_secret_parts_of_messages_in_one_pass():
    from harness.results._redact import REDACTED, redact_record

    record = {
        "run_id": "r1",
        "error": "401 from https://u:PLANTED8@h/v1: retry",
        "params": {"base_url": "https://u:PLANTED8@h", "n": 3},
        "hook_errors": [{"error": "api_key=PLANTED9abc failed"}],
    }
    redacted = redact_record(record)
    assert list(redacted) == list(record)  # the record's layout is kept
    assert redacted["params"] == {"base_url": REDACTED, "n": 3}
    assert redacted["error"] == f"401 from https://{REDACTED}@h/v1: retry"
    assert redacted["hook_errors"] == [{"error": f"api_key={REDACTED} failed"}]
    assert redact_record(redacted) == redacted
