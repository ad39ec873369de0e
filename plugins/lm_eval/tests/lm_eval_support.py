"""Test support for the lm-eval plugin: tiny offline lm-eval tasks and scripted models on both sides.

Kept out of conftest.py on purpose: the core's tests import `conftest` by module name, which a
second conftest.py on the test path would shadow.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any, Callable

import lm_eval
from lm_eval.api.model import LM

from harness.testing import run_harness as harness_command

LM_EVAL_TASKS = Path(lm_eval.__file__).parent / "tasks"
OFFLINE = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}

# Toy documents in the shape of GSM8K and ARC (written for these tests).
GSM_TEST = [
    {"question": "Tom has 3 apples and buys 2 more. How many apples does he have?", "answer": "3 + 2 = 5\n#### 5"},
    {"question": "A box holds 4 pens. How many pens are in 3 boxes?", "answer": "4 * 3 = 12\n#### 12"},
    {"question": "Sara had 10 dollars and spent 4. How many dollars are left?", "answer": "10 - 4 = 6\n#### 6"},
    {"question": "There are 7 birds and 5 fly away. How many birds remain?", "answer": "7 - 5 = 2\n#### 2"},
]
GSM_TRAIN = [
    {"question": "What is 1 plus 1?", "answer": "1 + 1 = 2\n#### 2"},
    {"question": "What is 2 times 3?", "answer": "2 * 3 = 6\n#### 6"},
    {"question": "What is 9 minus 4?", "answer": "9 - 4 = 5\n#### 5"},
]
GSM_B_TEST = [
    {"question": "A cat has 4 legs. How many legs do 2 cats have?", "answer": "4 * 2 = 8\n#### 8"},
    {"question": "Ann reads 5 pages a day for 2 days. How many pages?", "answer": "5 * 2 = 10\n#### 10"},
]
# Replies by question: strict-match (#### N) right for 2 of 4, flexible-extract (last number) for 3 of 4.
GSM_REPLIES = {
    "Tom has 3 apples": "3 + 2 = 5\n#### 5",
    "A box holds 4 pens": "So there are 12 pens.",
    "Sara had 10 dollars": "#### 7",
    "There are 7 birds": "7 - 5 = 2 birds\n#### 2.\n",
    "A cat has 4 legs": "#### 8",
    "Ann reads 5 pages": "#### 10",
}
ARC_TEST = [
    {
        "id": "q1",
        "question": "Which animal is known for barking?",
        "choices": {"text": ["cat", "dog", "fish", "bird"], "label": ["A", "B", "C", "D"]},
        "answerKey": "B",
    },
    {
        "id": "q2",
        "question": "What color is the sky on a clear day?",
        "choices": {"text": ["green", "red", "blue"], "label": ["A", "B", "C"]},
        "answerKey": "C",
    },
    {
        "id": "q3",
        "question": "Water freezes into what?",
        "choices": {"text": ["ice", "steam", "sand", "oil"], "label": ["A", "B", "C", "D"]},
        "answerKey": "A",
    },
    {
        "id": "q4",
        "question": "How many legs does a spider have?",
        "choices": {"text": ["six", "four", "ten", "eight"], "label": ["A", "B", "C", "D"]},
        "answerKey": "D",
    },
]
ARC_TRAIN = [
    {
        "id": "t1",
        "question": "What do bees make?",
        "choices": {"text": ["honey", "milk", "glass"], "label": ["A", "B", "C"]},
        "answerKey": "A",
    },
    {
        "id": "t2",
        "question": "Which is a fruit?",
        "choices": {"text": ["carrot", "apple", "bread"], "label": ["A", "B", "C"]},
        "answerKey": "B",
    },
]


def write_tasks(root: Path) -> Path:
    """A directory of lm-eval YAML tasks over local JSON files, built on lm-eval's own gsm8k and
    arc_easy configs (`include:`), so their prompts, filters and metrics are lm-eval's."""
    root.mkdir(parents=True, exist_ok=True)
    for name, rows in {
        "gsm_test": GSM_TEST,
        "gsm_train": GSM_TRAIN,
        "gsm_b_test": GSM_B_TEST,
        "arc_test": ARC_TEST,
        "arc_train": ARC_TRAIN,
    }.items():
        (root / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    gsm8k = LM_EVAL_TASKS / "gsm8k" / "gsm8k.yaml"
    arc = LM_EVAL_TASKS / "arc" / "arc_easy.yaml"
    (root / "tiny_gsm.yaml").write_text(
        _local_task("tiny_gsm", gsm8k, root, train="gsm_train", test="gsm_test", shots=2)
    )
    (root / "tiny_gsm_b.yaml").write_text(
        _local_task("tiny_gsm_b", gsm8k, root, train="gsm_train", test="gsm_b_test", shots=0)
    )
    (root / "tiny_arc.yaml").write_text(_local_task("tiny_arc", arc, root, train="arc_train", test="arc_test", shots=1))
    for group, by_size in (("tiny_math", True), ("tiny_math_macro", False)):
        (root / f"{group}.yaml").write_text(
            f"group: {group}\ntask:\n  - tiny_gsm\n  - tiny_gsm_b\naggregate_metric_list:\n"
            f"  - metric: exact_match\n    aggregation: mean\n    weight_by_size: {str(by_size).lower()}\n"
            "metadata:\n  version: 1.0\n"
        )
    return root


def _local_task(task: str, base: Path, root: Path, *, train: str, test: str, shots: int) -> str:
    return (
        f"include: {base}\ntask: {task}\ntag: []\ndataset_path: json\ndataset_name: null\n"
        f"dataset_kwargs:\n  data_files:\n    train: {root / train}.jsonl\n    test: {root / test}.jsonl\n"
        f"training_split: train\nvalidation_split: null\nfewshot_split: train\ntest_split: test\nnum_fewshot: {shots}\n"
    )


def reply_for(prompt: str) -> str:
    """The scripted reply to the last question in a prompt."""
    last = prompt.rsplit("Question:", 1)[-1]
    for start, reply in GSM_REPLIES.items():
        if start in last:
            return reply
    return "no idea"


class ScriptedLM(LM):
    """An lm-eval LM that records what lm-eval asks and answers from a script.

    Chat prompts reach it as `json.dumps(messages)` (its `apply_chat_template`), so a test can
    compare lm-eval's messages with what an inspect model received.
    """

    def __init__(self, reply: Callable[[str], str] = reply_for) -> None:
        super().__init__()
        self.reply = reply
        self.generation_requests: list[tuple[Any, dict[str, Any]]] = []

    @property
    def tokenizer_name(self) -> str:
        return "scripted"

    def apply_chat_template(self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        return json.dumps(chat_history)

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        replies = []
        for context, gen_kwargs in (r.args for r in requests):
            prompt = json.loads(context) if context.startswith("[") else context
            self.generation_requests.append((prompt, gen_kwargs))
            replies.append(self.reply(prompt[-1]["content"] if isinstance(prompt, list) else prompt))
        return replies

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        raise NotImplementedError

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[float]:
        raise NotImplementedError


def scripted_inspect_model(
    seen: list[tuple[list[Any], Any]] | None = None, reply: Callable[[str], str] = reply_for
) -> Any:
    """mockllm answering each prompt from the same script (and recording messages and config)."""
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    def answer(messages: list[Any], tools: Any, tool_choice: Any, config: Any) -> ModelOutput:
        if seen is not None:
            seen.append((messages, config))
        output = ModelOutput.from_content("mockllm/model", reply(messages[-1].text))
        # with usage given, mockllm does not count tokens with tiktoken (a download, offline)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    return get_model("mockllm/model", custom_outputs=answer)


def in_worker(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call `function` in a worker thread, as inspect calls the local/ model (llama.cpp decoding called
    from the main thread ran 30-100x slower on the loaded 2-core test host)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args, **kwargs).result()


def run_lm_eval(task: str, include_path: Path, lm: LM, **kwargs: Any) -> dict[str, Any]:
    """lm-eval's own evaluation of `task` (a fresh TaskManager: nothing shared with the plugin)."""
    from lm_eval.tasks import TaskManager

    return in_worker(
        lm_eval.simple_evaluate,
        model=lm,
        tasks=[task],
        task_manager=TaskManager(include_path=str(include_path), include_defaults=False),
        bootstrap_iters=0,
        log_samples=True,
        **kwargs,
    )


def lm_eval_doc_metrics(results: dict[str, Any], task: str) -> dict[int, dict[str, float]]:
    """lm-eval's logged per-document metrics as `{doc_id: {"metric,filter": value}}`."""
    by_doc: dict[int, dict[str, float]] = {}
    for sample in results["samples"][task]:
        for metric in sample["metrics"]:
            by_doc.setdefault(sample["doc_id"], {})[f"{metric},{sample['filter']}"] = float(sample[metric])
    return by_doc


def run_inspect(task: Any, model: Any, log_dir: Path, **kwargs: Any) -> Any:
    """One in-process inspect eval; its log."""
    from inspect_ai import eval as inspect_eval

    [log] = inspect_eval(task, model=model, log_dir=str(log_dir), display="none", **kwargs)
    assert log.status == "success", log.error
    return log


def run_harness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `harness` command, offline."""
    env = {**os.environ, **OFFLINE}
    env.pop("HARNESS_DISABLE_PLUGINS", None)
    return harness_command(*args, env=env, cwd=cwd, timeout=600)


def one_line_error(stderr: str) -> str:
    """The CLI's error line (asserting there is exactly one)."""
    lines = [line for line in stderr.splitlines() if re.match(r"harness: error:", line)]
    assert len(lines) == 1, stderr
    return lines[0]
