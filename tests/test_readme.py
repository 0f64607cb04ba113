"""README.md's Python examples run as written (offline, from the repository root).

Every ```python block is run statement by statement in one namespace, so a failure
names the statement. A block preceded by ``<!-- readme-test: skip REASON -->`` (for
an example that needs a cluster or large data) is skipped with that reason.
Statements listed in :data:`KNOWN_FAILURES` may fail (the test then reports an
expected failure, after running everything else); once they pass, nothing changes.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?:<!--\s*readme-test:\s*skip\s*(?P<skip>.*?)\s*-->\s*\n)?```python\n(?P<code>.*?)```",
    re.DOTALL,
)

KNOWN_FAILURES = {
    # issue 14: README's assign example has no `flows` table yet (another branch fixes it)
    "corridors.assign(net, flows)": "issue 14: README's assign example lacks its OD table",
}


def readme_blocks():
    text = README.read_text(encoding="utf-8")
    return [(m.group("code"), m.group("skip")) for m in BLOCK.finditer(text)]


BLOCKS = readme_blocks()


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 1
    assert all(code.strip() for code, _ in BLOCKS)


@pytest.mark.parametrize(("code", "skip"), BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(code, skip, monkeypatch):
    if skip is not None:
        pytest.skip(skip or "marked skip in README")
    monkeypatch.chdir(ROOT)  # paths in the README are relative to the repository root
    tree = ast.parse(code)
    namespace: dict = {"__name__": "__readme__"}
    known = []
    for node in tree.body:
        statement = ast.get_source_segment(code, node)
        try:
            exec(compile(ast.Module([node], []), "README.md", "exec"), namespace)
        except Exception as error:
            reason = next((r for s, r in KNOWN_FAILURES.items() if s in statement), None)
            if reason is None:
                raise AssertionError(f"README statement failed: {statement}") from error
            known.append(f"{reason} ({type(error).__name__}: {error})")
    if known:
        pytest.xfail("; ".join(known))
