"""Pack minisuite/ (the small repositories and issues.yaml) into the package's data/minisuite.json.

Run from anywhere: `python plugins/stateful_swe/scripts/build_minisuite.py`. A test checks that the
packed file matches the folder and that every issue behaves (tests fail before the gold edits, pass after).
"""

from __future__ import annotations

import json
from pathlib import Path

from harness_stateful_swe._minisuite import pack

PLUGIN = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    packed = pack(PLUGIN / "minisuite")
    target = PLUGIN / "src" / "harness_stateful_swe" / "data" / "minisuite.json"
    target.write_text(json.dumps(packed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{target}: {len(packed['repos'])} repositories, {len(packed['issues'])} issues")
