"""A fast stand-in for the report's analyses, to kill and overlap report runs in tests.

``python tests/fake_report.py OUT FIRST COUNT`` runs :func:`corridors.report.run_report`
COUNT times on the tiny network with the runs numbered FIRST, FIRST + 1, ...; every
section writes that number into its text and its tables, so a test can tell whether
the files in OUT all come from one run. It prints ``ready`` once imported and
``done N`` after each run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from corridors.io import read_network
from corridors.report import runner
from corridors.report.sections import _Context, _Section

TINY = Path(__file__).parent / "data" / "tiny"

#: Sections and the tables each writes.
KEYS = ("network", "routes", "od")
TABLES_PER_SECTION = 12


def _section(key: str):
    def build(ctx: _Context) -> _Section:
        token = ctx.failure_runs
        tables = {
            f"{key}_{i}": pd.DataFrame({"token": [token] * 200}) for i in range(TABLES_PER_SECTION)
        }
        return _Section(key, key.title(), text=f"run {token}", tables=tables)

    return build


def expected_tables() -> set[str]:
    """Names of the table files of one complete run."""
    return {f"{k}_{i}.csv" for k in KEYS for i in range(TABLES_PER_SECTION)}


def use_fake_sections() -> None:
    """Replace the report's analyses by the fast fakes."""
    runner.SECTIONS = tuple((k, _section(k)) for k in KEYS)


def main(out: str, first: int, count: int) -> None:
    use_fake_sections()
    net = read_network(TINY)
    print("ready", flush=True)
    for token in range(first, first + count):
        runner.run_report(net, out, scenarios=[], failure_runs=token, progress=False)
        print(f"done {token}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
