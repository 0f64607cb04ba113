"""Reports replaced as a whole, kills, overlapping runs, and Ctrl-C with ``--workers``.

The report tests use the fast stand-in analyses of ``tests/fake_report.py`` (the real
run, staging and switch of :func:`corridors.report.run_report`); each run writes its
number into every file, so "one complete report" is checked file by file.
"""

from __future__ import annotations

import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from fake_report import TINY, expected_tables, use_fake_sections

from corridors._errors import OutputError
from corridors.io import atomic_path, read_network
from corridors.io.folders import CURRENT, VERSION_PREFIX, replaced_folder
from corridors.parallel import map_chunks
from corridors.report import runner
from corridors.report.document import _report_texts
from corridors.report.sections import _Section

ROOT = Path(__file__).parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def writer(out: Path, first: int, count: int) -> subprocess.Popen:
    script = str(Path(__file__).parent / "fake_report.py")
    process = subprocess.Popen(
        [sys.executable, script, str(out), str(first), str(count)],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def report_token(out: Path) -> int | None:
    """The run number of the report in `out` if it is one complete report, else fail.

    Read through the public paths (``out/report.md``, ``out/tables/...``); a read
    that a switch to a newer report overtook is read again.
    """
    for _ in range(50):
        before = _current(out)
        try:
            return _read_token(out)
        except (FileNotFoundError, AssertionError):
            if before == _current(out):  # no switch meanwhile: a real mix
                raise
    raise AssertionError("the report kept changing while it was read")


def _current(out: Path) -> str | None:
    try:
        return os.readlink(out / CURRENT)
    except OSError:
        return None


def _read_token(out: Path) -> int | None:
    if not os.path.lexists(out / "report.md"):
        assert not os.path.lexists(out / "tables") or not list((out / "tables").iterdir())
        return None
    markdown = (out / "report.md").read_text(encoding="utf-8")
    tokens = set(re.findall(r"^run (\d+)$", markdown, flags=re.MULTILINE))
    assert len(tokens) == 1, tokens
    token = tokens.pop()
    tables = {p.name for p in (out / "tables").iterdir()}
    assert tables == expected_tables()
    for name in tables:
        lines = (out / "tables" / name).read_text(encoding="utf-8").split()
        assert lines[1:] == [f"{i},{token}" for i in range(200)], name
    return int(token)


@pytest.fixture
def fake_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "SECTIONS", runner.SECTIONS)
    use_fake_sections()


def versions(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(VERSION_PREFIX))


def wait_for_report(out: Path, process: subprocess.Popen) -> None:
    for _ in range(600):
        if os.path.lexists(out / "report.md") or process.poll() is not None:
            return
        time.sleep(0.05)


def test_killed_runs_leave_one_complete_report(tmp_path: Path, fake_sections: None) -> None:
    out = tmp_path / "out"
    first = writer(out, 1, 1)
    first.communicate(timeout=120)
    assert report_token(out) == 1
    rng = random.Random(18)
    seen = {1}
    for cycle in range(3):  # kill -9 at random points of staging, switching, cleaning
        process = writer(out, 100 * (cycle + 1), 50)
        time.sleep(rng.uniform(0.0, 1.5))
        for _ in range(rng.randint(0, 20)):  # read while it writes
            seen.add(report_token(out))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        seen.add(report_token(out))
    assert len(seen) > 1  # some runs did finish between the kills
    runner.run_report(read_network(TINY), out, scenarios=[], failure_runs=7, progress=False)
    assert report_token(out) == 7
    assert versions(out) == [os.readlink(out / CURRENT)]  # the killed runs' debris is gone


def test_overlapping_runs_always_leave_one_complete_report(
    tmp_path: Path, fake_sections: None
) -> None:
    out = tmp_path / "out"
    runs = [writer(out, 1000, 4), writer(out, 2000, 4)]
    seen = set()
    while any(r.poll() is None for r in runs):
        seen.add(report_token(out))
        time.sleep(0.01)
    for run in runs:
        run.communicate()
    assert [r.returncode for r in runs] == [0, 0]
    final = report_token(out)
    assert final in {1003, 2003}  # the last run of one of them, whole
    assert {t for t in seen if t is not None} <= set(range(1000, 1004)) | set(range(2000, 2004))
    runner.run_report(read_network(TINY), out, scenarios=[], failure_runs=9, progress=False)
    assert versions(out) == [os.readlink(out / CURRENT)]


def test_interrupted_report_keeps_the_previous_one(
    tmp_path: Path, fake_sections: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    net = read_network(TINY)
    runner.run_report(net, out, scenarios=[], failure_runs=3, progress=False)
    before = {p: p.read_bytes() for p in (out / "tables").iterdir()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_report_texts", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_report(net, out, scenarios=[], failure_runs=4, progress=False)
    assert report_token(out) == 3
    assert {p: p.read_bytes() for p in (out / "tables").iterdir()} == before
    assert versions(out) == [os.readlink(out / CURRENT)]  # the stage is gone


def test_report_over_an_old_style_folder(tmp_path: Path, fake_sections: None) -> None:
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "report.md").write_text("old\n", encoding="utf-8")
    (out / "tables" / "old.csv").write_text("old\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    (out / ".report-k2j4h5a1").mkdir()  # a stage an older corridors left when killed
    runner.run_report(read_network(TINY), out, scenarios=[], failure_runs=5, progress=False)
    assert report_token(out) == 5
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"  # not ours: untouched
    assert not (out / ".report-k2j4h5a1").exists()
    assert (out / "tables").is_symlink()


# ---------------------------------------------------------------- Ctrl-C


def _children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process tables from /proc")
@pytest.mark.parametrize("workers", [2, 1], ids=["--workers 2", "serial"])
def test_ctrl_c_stops_the_run_and_its_workers(workers: int) -> None:
    command = [sys.executable, "-m", "corridors.cli", "-v", "failures", "--runs", "50000"]
    process = subprocess.Popen(
        [*command, "--yes", "--workers", str(workers)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("INFO: network")  # the work starts
    children: list[int] = []
    for _ in range(600):  # and the workers run
        children = _children(process.pid)
        if len(children) >= (workers if workers > 1 else 0):
            break
        time.sleep(0.05)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines() == [
        "Error: interrupted (Ctrl-C); existing outputs were left as they were"
    ]
    for _ in range(40):
        if not any(_running(c) for c in children):
            break
        time.sleep(0.05)
    assert not [c for c in children if _running(c)]  # no orphans


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process tables from /proc")
def test_ctrl_c_stops_a_dask_run_and_cancels_its_tasks() -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        command = [sys.executable, "-m", "corridors.cli", "-v", "failures", "--runs", "20000"]
        process = subprocess.Popen(
            [*command, "--yes", "--scheduler", cluster.scheduler_address],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        assert process.stderr.readline().startswith("INFO: network")  # the work starts
        for _ in range(600):  # and reaches the cluster
            if any(client.processing().values()):
                break
            time.sleep(0.05)
        assert any(client.processing().values())
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)  # ends within seconds
        assert process.returncode == 130, stderr
        assert stderr.strip().splitlines() == [
            "Error: interrupted (Ctrl-C); existing outputs were left as they were"
        ]
        for _ in range(200):  # the scheduler drops every task of the run
            if not any(client.processing().values()):
                break
            time.sleep(0.05)
        assert not any(client.processing().values())
        assert not [c for c in _children(process.pid) if _running(c)]  # no orphans


def _slow_square(shared: int, chunk: list[int]) -> list[int]:
    if 0 in chunk:
        raise KeyboardInterrupt
    time.sleep(0.2)
    return [x * x for x in chunk]


def test_interrupt_cancels_outstanding_tasks() -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        submitted = []
        original = pool.submit

        def submit(*args, **kwargs):
            future = original(*args, **kwargs)
            submitted.append(future)
            return future

        pool.submit = submit  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            map_chunks(_slow_square, 0, list(range(40)), executor=pool, chunks_per_worker=20)
        assert sum(f.cancelled() for f in submitted) >= len(submitted) - 2


# ---------------------------------------------------------------- folders and files


def test_replaced_folder_drops_outputs_of_the_earlier_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with replaced_folder(out) as stage:
        (stage / "a.csv").write_text("1\n", encoding="utf-8")
        (stage / "stale.csv").write_text("1\n", encoding="utf-8")
    with replaced_folder(out) as stage:
        (stage / "a.csv").write_text("2\n", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.csv"]
    assert (out / "a.csv").read_text(encoding="utf-8") == "2\n"
    assert versions(out) == [os.readlink(out / CURRENT)]


def test_atomic_path_writes_in_a_private_stage(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")
    modes = []

    def write_half() -> None:
        with atomic_path(target) as temp:
            assert temp.parent.parent == tmp_path
            modes.append(stat.S_IMODE(temp.parent.stat().st_mode))
            temp.write_text("half", encoding="utf-8")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_half()
    assert modes == [0o700]  # no one else can plant a link in the stage
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_atomic_path_refuses_a_target_that_became_a_link(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("keep\n", encoding="utf-8")

    def write() -> None:
        with atomic_path(target) as temp:
            temp.write_text("new", encoding="utf-8")
            target.symlink_to(elsewhere)  # planted while the file was written

    with pytest.raises(OutputError, match="symbolic link"):
        write()
    assert elsewhere.read_text(encoding="utf-8") == "keep\n"


HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</table><b>",
    "[x](javascript:alert(1))",
)


@pytest.mark.parametrize("name", HOSTILE)
def test_report_escapes_hostile_names(name: str) -> None:
    net = read_network(TINY)
    net.graph.graph["name"] = name
    findings = pd.DataFrame({"place": [name], "notes": [f"near {name}"]})
    section = _Section("routes", "Corridor routes", text=f"Busiest: {name}", findings=findings)
    failed = {"od": f"DataError: unknown place {name!r}"}
    markdown, page = _report_texts(net, [section], failed, {})
    for text in (markdown, page):
        assert "<script" not in text
        assert "<img" not in text
        assert "</table><b>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown)  # no live link
    assert "&lt;" in markdown or "\\[" in markdown
