"""Agreement of the lm-eval plugin with lm-eval itself, on the same local model and documents.

    python bench/lm_eval_agreement.py [--task agree_gsm|agree_arc|NAME] [--include-path DIR]
                                      [--limit N] [--max-gen-toks N] [--no-chat-template]
                                      [--model smollm2-135m]

Runs one lm-eval task twice on the in-process llama.cpp model behind `local/NAME`:

1. `lm_eval.simple_evaluate` with the plugin's `LlamaCppLM` (an lm-eval `TemplateLM`: lm-eval builds
   the requests, filters the responses and computes the metrics; the LM only generates and scores
   tokens, calling llama.cpp the way the harness's `local/` inspect provider does), and
2. `harness eval task=lm_eval task.name=TASK model=local/NAME` (through `harness.run_eval`).

It prints both scores and, per document, whether the prompts, the responses (greedy generations,
or each choice's log-likelihood) and lm-eval's per-document metrics are identical. Target for
`generate_until` with greedy decoding: every document identical. Exit code 1 when any differs.

The built-in tasks are lm-eval's own gsm8k (`agree_gsm`, generate_until, 5-shot) and arc_easy
(`agree_arc`, multiple_choice) configs over small local JSON files written for this bench (the
Hugging Face Hub is not needed). Any other lm-eval task works whose dataset is cached or local.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")  # before `datasets` is imported: no Hub lookups
os.environ.setdefault("HF_HUB_OFFLINE", "1")

GSM_TRAIN = [
    ("A pen costs 2 dollars. How much do 4 pens cost?", "4 * 2 = 8\n#### 8"),
    ("Mia has 9 stickers and gives away 3. How many are left?", "9 - 3 = 6\n#### 6"),
    ("A bus carries 12 people and 5 get off. How many remain?", "12 - 5 = 7\n#### 7"),
    ("Each box has 6 eggs. How many eggs are in 3 boxes?", "6 * 3 = 18\n#### 18"),
    ("Leo reads 10 pages a day. How many pages in 4 days?", "10 * 4 = 40\n#### 40"),
    ("There are 20 apples shared by 4 kids. How many each?", "20 / 4 = 5\n#### 5"),
    ("Sam had 7 marbles and found 8 more. How many now?", "7 + 8 = 15\n#### 15"),
    ("A train has 5 cars with 10 seats each. How many seats?", "5 * 10 = 50\n#### 50"),
]
GSM_TEST = [
    ("Tom has 3 apples and buys 2 more. How many apples does he have?", 5),
    ("A box holds 4 pens. How many pens are in 3 boxes?", 12),
    ("Sara had 10 dollars and spent 4. How many dollars are left?", 6),
    ("There are 7 birds and 5 fly away. How many birds remain?", 2),
    ("A farmer has 6 cows and buys 6 more. How many cows?", 12),
    ("Each bag has 5 candies. How many candies are in 4 bags?", 20),
    ("Ann baked 30 cookies and ate 6. How many are left?", 24),
    ("A shelf holds 9 books. How many books fit on 2 shelves?", 18),
    ("Ben runs 3 miles a day for 5 days. How many miles?", 15),
    ("There are 16 students in 4 equal groups. How many per group?", 4),
    ("A cat sleeps 14 hours and a dog 11. How many more does the cat sleep?", 3),
    ("Lily has 8 red and 7 blue beads. How many beads in all?", 15),
    ("A pizza has 8 slices. How many slices in 3 pizzas?", 24),
    ("Max saved 25 dollars and spent 9. How much is left?", 16),
    ("A garden has 4 rows of 7 flowers. How many flowers?", 28),
    ("Jo had 50 stamps and gave 20 to a friend. How many are left?", 30),
    ("A car travels 60 miles in an hour. How far in 2 hours?", 120),
    ("There are 12 eggs and 5 break. How many are whole?", 7),
    ("Kim buys 3 packs of 6 pencils. How many pencils?", 18),
    ("A class has 11 girls and 13 boys. How many children?", 24),
]
ARC_TRAIN = [
    ("What do bees make?", ["honey", "milk", "glass"], 0),
    ("Which is a fruit?", ["carrot", "apple", "bread"], 1),
]
ARC_TEST = [
    ("Which animal is known for barking?", ["cat", "dog", "fish", "bird"], 1),
    ("What color is the sky on a clear day?", ["green", "red", "blue"], 2),
    ("Water freezes into what?", ["ice", "steam", "sand", "oil"], 0),
    ("How many legs does a spider have?", ["six", "four", "ten", "eight"], 3),
    ("What do plants need from the sun?", ["light", "noise", "salt"], 0),
    ("Which planet do we live on?", ["Mars", "Earth", "Venus", "Jupiter"], 1),
    ("What is frozen rain called?", ["hail", "fog", "dust"], 0),
    ("Which sense uses the nose?", ["taste", "hearing", "smell", "touch"], 2),
    ("What gas do people breathe in to live?", ["oxygen", "helium", "smoke"], 0),
    ("Where do fish live?", ["trees", "water", "sand", "clouds"], 1),
    ("What makes a shadow?", ["blocked light", "loud sound", "warm air"], 0),
    ("Which season is usually the coldest?", ["summer", "spring", "winter", "autumn"], 2),
]


def write_builtin_tasks(root: Path) -> Path:
    """`agree_gsm` and `agree_arc`: lm-eval's gsm8k and arc_easy configs over local JSON files."""
    import lm_eval

    def arc_doc(i: int, question: str, texts: list[str], gold: int) -> dict[str, Any]:
        labels = [chr(ord("A") + k) for k in range(len(texts))]
        return {
            "id": f"a{i}",
            "question": question,
            "choices": {"text": texts, "label": labels},
            "answerKey": labels[gold],
        }

    files = {
        "gsm_train": [{"question": q, "answer": a} for q, a in GSM_TRAIN],
        "gsm_test": [{"question": q, "answer": f"#### {n}"} for q, n in GSM_TEST],
        "arc_train": [arc_doc(i, *row) for i, row in enumerate(ARC_TRAIN)],
        "arc_test": [arc_doc(i, *row) for i, row in enumerate(ARC_TEST)],
    }
    for name, rows in files.items():
        (root / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    tasks = Path(lm_eval.__file__).parent / "tasks"
    for task, base, prefix in (
        ("agree_gsm", tasks / "gsm8k" / "gsm8k.yaml", "gsm"),
        ("agree_arc", tasks / "arc" / "arc_easy.yaml", "arc"),
    ):
        (root / f"{task}.yaml").write_text(
            f"include: {base}\ntask: {task}\ntag: []\ndataset_path: json\ndataset_name: null\n"
            f"dataset_kwargs:\n  data_files:\n    train: {root / prefix}_train.jsonl\n"
            f"    test: {root / prefix}_test.jsonl\n"
            "training_split: train\nvalidation_split: null\nfewshot_split: train\ntest_split: test\n"
        )
    return root


def run_lm_eval(args: argparse.Namespace, task_manager: Any, lm: Any) -> dict[str, Any]:
    """lm-eval's evaluation, in a worker thread as the `local/` provider generates (on this 2-core host,
    llama.cpp decoding called from the main thread ran 30-100x slower under load than from a worker)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_simple_evaluate, args, task_manager, lm).result()


def _simple_evaluate(args: argparse.Namespace, task_manager: Any, lm: Any) -> dict[str, Any]:
    import lm_eval

    return lm_eval.simple_evaluate(
        model=lm,
        tasks=[args.task],
        task_manager=task_manager,
        apply_chat_template=args.chat_template,
        fewshot_as_multiturn=args.chat_template,
        limit=args.limit,
        gen_kwargs={"max_gen_toks": args.max_gen_toks} if args.max_gen_toks else None,
        bootstrap_iters=0,
        log_samples=True,
    )


def run_plugin(args: argparse.Namespace, include_path: str | None, log_dir: str) -> tuple[dict[str, Any], Any]:
    import harness
    from inspect_ai.log import read_eval_log

    overrides = {
        "task": "lm_eval",
        "task.name": args.task,
        "task.apply_chat_template": str(args.chat_template).lower(),
        "model": f"local/{args.model}",
        "log_dir": log_dir,
        "display": "none",
    }
    if include_path:
        overrides["task.include_path"] = include_path
    if args.limit:
        overrides["limit"] = str(args.limit)
    if args.max_gen_toks:
        overrides["max_tokens"] = str(args.max_gen_toks)
    outcome = harness.run_eval(harness.load_run_config(overrides))
    return outcome.record, read_eval_log(outcome.record["inspect_log"])


def compare(task: str, theirs: dict[str, Any], log: Any) -> list[dict[str, Any]]:
    """Per-document comparison: prompts, responses and lm-eval's metrics."""
    from harness_lm_eval import parse_chat

    ours = {s.id: s for s in log.samples}
    rows = []
    for doc in theirs["samples"][task]:
        if doc["filter"] != next(iter(theirs["samples"][task]))["filter"]:
            continue  # lm-eval logs each document once per filter; responses are the same
        sample = ours.get(f"{task}/{doc['doc_id']}")
        if sample is None:
            continue
        context = doc["arguments"][0][0]
        chat = parse_chat(context)
        their_prompt = chat.messages if chat else context
        our_prompt = (
            sample.input
            if isinstance(sample.input, str)
            else [{"role": m.role, "content": m.text} for m in sample.input]
        )
        if "lm_eval_loglikelihoods" in sample.store:
            their_resps = [r[0][0] for r in doc["resps"]]
            our_resps = [ll for ll, _ in sample.store["lm_eval_loglikelihoods"]]
            delta = max(abs(a - b) for a, b in zip(their_resps, our_resps, strict=True))
            same_resps = delta == 0.0
        else:
            their_resps, our_resps = doc["resps"][0][0], sample.output.completion
            delta, same_resps = None, their_resps == our_resps
        their_metrics = {
            f"{m},{d['filter']}": float(d[m])
            for d in theirs["samples"][task]
            if d["doc_id"] == doc["doc_id"]
            for m in d["metrics"]
        }
        our_metrics = sample.scores["lm_eval"].value
        rows.append(
            {
                "doc_id": doc["doc_id"],
                "prompt": their_prompt == our_prompt,
                "responses": same_resps,
                "delta": delta,
                "metrics": their_metrics == our_metrics,
                "theirs": their_resps,
                "ours": our_resps,
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="agree_gsm", help="lm-eval task (default: agree_gsm; also agree_arc)")
    parser.add_argument("--include-path", help="directory of your own lm-eval YAML tasks")
    parser.add_argument("--limit", type=int, help="first N documents")
    parser.add_argument("--max-gen-toks", type=int, help="cap generation length (both sides)")
    parser.add_argument(
        "--no-chat-template",
        dest="chat_template",
        action="store_false",
        help="lm-eval's plain-text prompts (default: chat template, as inspect chat models see them)",
    )
    parser.add_argument("--model", default="smollm2-135m", help="local/ model name")
    args = parser.parse_args()
    from harness import load_local_model
    from harness_lm_eval import LlamaCppLM
    from lm_eval.tasks import TaskManager

    with tempfile.TemporaryDirectory(prefix="lm-eval-agreement-") as scratch:
        include_path = args.include_path
        if include_path is None and args.task in ("agree_gsm", "agree_arc"):
            include_path = str(write_builtin_tasks(Path(scratch)))
        lm = LlamaCppLM(load_local_model(args.model))
        task_manager = TaskManager(include_path=include_path)  # indexing lm-eval's zoo: not timed
        started = time.perf_counter()
        theirs = run_lm_eval(args, task_manager, lm)
        lm_eval_seconds = time.perf_counter() - started
        started = time.perf_counter()
        record, log = run_plugin(args, include_path, str(Path(scratch) / "logs"))
        plugin_seconds = time.perf_counter() - started
        rows = compare(args.task, theirs, log)
        report(args, theirs, record, rows, lm_eval_seconds, plugin_seconds)
        return 0 if rows and all(r["prompt"] and r["responses"] and r["metrics"] for r in rows) else 1


def report(
    args: argparse.Namespace,
    theirs: dict[str, Any],
    record: dict[str, Any],
    rows: list[dict[str, Any]],
    lm_eval_seconds: float,
    plugin_seconds: float,
) -> None:
    their_row = theirs["results"][args.task]
    ours = {m["scorer"]: m for m in record["metrics"] if m["name"] == "mean"}
    print(
        f"task {args.task}  model local/{args.model}  documents {len(rows)}  "
        f"chat template {'on' if args.chat_template else 'off'}  n-shot {theirs['n-shot'].get(args.task)}"
    )
    print(f"{'metric':34} {'lm-eval':>9} {'plugin':>9}   plugin 95% CI")
    for key, value in their_row.items():
        if "," not in key or "_stderr" in key or not isinstance(value, (int, float)):
            continue
        mine = ours.get(key)
        ci = f"[{mine['ci95'][0]:.3f}, {mine['ci95'][1]:.3f}]" if mine and mine["ci95"] else "n/a"
        print(f"{key:34} {value:9.3f} {mine['value'] if mine else float('nan'):9.3f}   {ci}")
    total = len(rows)
    for what in ("prompt", "responses", "metrics"):
        print(f"identical {what:10} {sum(r[what] for r in rows):3d}/{total}")
    deltas = [r["delta"] for r in rows if r["delta"] is not None]
    if deltas:
        print(f"largest log-likelihood difference: {max(deltas):.2e}")
    for r in rows:
        if not (r["prompt"] and r["responses"] and r["metrics"]):
            print(
                f"  doc {r['doc_id']}: prompt {r['prompt']}, metrics {r['metrics']}\n"
                f"    lm-eval: {r['theirs']!r}\n    plugin:  {r['ours']!r}"
            )
    print(
        f"wall time: lm-eval {lm_eval_seconds:.0f}s (simple_evaluate), plugin {plugin_seconds:.0f}s (harness run_eval)"
    )


if __name__ == "__main__":
    sys.exit(main())
