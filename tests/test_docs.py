"""Every ```python block in README.md and docs/*.md runs.

Blocks in one file run in order in one namespace, so a later block may use what an
earlier one defined. A block whose first line is ``# not run: <reason>`` is skipped
and must say why (for example: it needs a web server).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(path: Path) -> list[str]:
    return _BLOCK.findall(path.read_text(encoding="utf-8"))


def _runnable(path: Path) -> bool:
    return any(not b.lstrip().startswith("# not run:") for b in _blocks(path))


def test_skipped_blocks_give_a_reason() -> None:
    for path in FILES:
        for block in _blocks(path):
            first = block.lstrip().splitlines()[0] if block.strip() else ""
            if first.startswith("# not run"):
                assert len(first) > len("# not run: ") + 5, (path.name, first)


@pytest.mark.parametrize(
    "path", [f for f in FILES if _runnable(f)], ids=lambda p: p.name
)
def test_code_examples_run(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"doc_{path.stem}"}
    ran = 0
    for block in _blocks(path):
        if block.lstrip().startswith("# not run:"):
            continue
        exec(compile(block, str(path), "exec"), namespace)  # noqa: S102
        ran += 1
    assert ran > 0
