"""The real local model (SmolLM2-135M, llama.cpp on the CPU) as the judge: 20 traces annotated offline, end to end.

Measured (2 CPUs, heavily loaded machine): 39/40 judgments parsed (20 from the first reply, 19 after
a retry), cross-validated AUC 0.657 [0.331, 0.884] with n=20 — whatever the tiny judge manages; the
point is that the path runs offline and says how much of it parsed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from critic_testkit import TRAIN, critic_command


@pytest.mark.slow  # ~40 calls of a 135M model on the CPU: about a minute on an idle 2-CPU machine
def test_the_local_model_annotates_twenty_traces_and_a_critic_trains_on_them(tmp_path: Path, monkeypatch, capsys):
    pytest.importorskip("llama_cpp", reason="the [local] extra of plugeval (llama-cpp-python) is not installed")
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))  # a cold judgment cache: the model really runs
    out = tmp_path / "critic.yaml"
    code = critic_command(
        "train",
        f"runs={TRAIN}",
        "limit=20",
        "outcome=synthetic_outcome",
        "annotator=llm",
        "grader=local/smollm2-135m",
        "items=tests_left_failing,user_restated_request",
        "batch_size=2",
        "max_tokens=16",
        "retries=1",
        "max_chars=700",
        "folds=3",
        "bootstrap=200",
        "coef_bootstrap=0",
        f"out={out}",
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    parsed = re.search(r"LLM judgments: (\d+)/40 parsed", printed.err)
    assert parsed, printed.err
    training = yaml.safe_load(out.read_text())["training"]
    judgments = training["judgments"]
    assert judgments["asked"] == 40 and judgments["parsed"] + judgments["missing"] == 40
    assert judgments["parsed"] == int(parsed[1])
    auc = training["auc"]
    assert 0.0 <= auc["value"] <= 1.0 and auc["n"] == 20 and "cross-validated AUC" in printed.out
    print(f"local judge: {judgments['parsed']}/40 judgments parsed; AUC {auc['value']:.3f} {auc['ci95']}")
