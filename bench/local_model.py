"""Tokens per second of the local/ model with llama.cpp's extra weight buffers on and off.

    python bench/local_model.py [--model smollm2-135m] [--tokens 128] [--repeats 3]

`off` is what AMX hosts get (the AMX buffer segfaults there, see harness's local model docs);
`on` is the repack path every other x86 CPU keeps. The ratio is the speed an AMX host gives up.
Prints which of the two this machine's default chooses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

PROMPT = [{"role": "user", "content": "Write a short story about a robot who learns to paint."}]


def tokens_per_second(llama, max_tokens: int) -> float:
    llama.create_chat_completion(messages=PROMPT, max_tokens=8, seed=0)  # warm-up
    started = time.perf_counter()
    response = llama.create_chat_completion(messages=PROMPT, max_tokens=max_tokens, temperature=0.7, seed=0)
    return response["usage"]["completion_tokens"] / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    try:
        import llama_cpp
    except ImportError:
        print("llama-cpp-python is not installed: pip install 'plugeval[local]'")
        return 1
    from harness import load_local_model
    from harness.models import extra_buffers_safe

    default = extra_buffers_safe(llama_cpp.llama_print_system_info().decode(errors="replace"))
    figures = {}
    for extra in (True, False):
        if extra and not default:
            print("extra buffers on: skipped (this build uses AMX, where they crash)")
            continue
        llama = load_local_model(args.model, extra_buffers=extra)
        runs = [tokens_per_second(llama, args.tokens) for _ in range(args.repeats)]
        figures[extra] = statistics.median(runs)
        label = "on " if extra else "off"
        print(f"extra buffers {label}: {figures[extra]:6.1f} tokens/s  (median of {args.repeats}: "
              f"{', '.join(f'{r:.1f}' for r in runs)})")
    if len(figures) == 2:
        print(f"ratio off/on: {figures[False] / figures[True]:.2f}x")
    print(f"this machine's default: extra buffers {'on' if default else 'off (AMX build)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
