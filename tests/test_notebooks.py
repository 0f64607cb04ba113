"""Execute every notebook in notebooks/ top to bottom, offline, with nbclient.

Beyond running without errors, every cell that draws a map must show it (an
image/png output for static maps, text/html for ``maps.explore``), with the Agg
backend and without ``%matplotlib inline``, and nothing may be written to stderr
(no warnings on import). A notebook written here, as a user would, checks the same
for the map functions' return values under both Agg and ipykernel's default backend.
"""

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
TINY = Path(__file__).parent / "data" / "tiny"
CELL_TIMEOUT_S = 120
STATIC_MAP = re.compile(r"\bmaps\.(plot_\w+|base_map)\(|\.figure\s*$", re.MULTILINE)
INTERACTIVE_MAP = re.compile(r"\bmaps\.explore\(")


def execute(notebook, folder, monkeypatch, backend="Agg"):
    if backend is None:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    else:
        monkeypatch.setenv("MPLBACKEND", backend)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook


def outputs(cell, kind):
    return [o for o in cell.outputs if o.output_type == kind]


def mime_types(cell):
    return {
        mime
        for o in cell.outputs
        if o.output_type in ("display_data", "execute_result")
        for mime in o.get("data", {})
    }


def assert_shows_maps(notebook):
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert [o for c in code for o in outputs(c, "error")] == []
    assert [o.text for c in code for o in outputs(c, "stream") if o.name == "stderr"] == []
    static = [c for c in code if STATIC_MAP.search(c.source)]
    for cell in static:
        assert "image/png" in mime_types(cell), cell.source
    for cell in code:
        if INTERACTIVE_MAP.search(cell.source) and cell.source.rstrip().endswith("m"):
            assert "text/html" in mime_types(cell), cell.source
    return static


def test_there_are_four_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01_quickstart.ipynb",
        "02_new_corridor_link.ipynb",
        "03_border_closures.ipynb",
        "04_port_hinterlands.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom_and_shows_every_map(path, monkeypatch):
    notebook = execute(nbformat.read(path, as_version=4), path.parent, monkeypatch)
    assert "%matplotlib" not in "".join(c.source for c in notebook.cells if c.cell_type == "code")
    static = assert_shows_maps(notebook)
    assert len(static) >= 1


@pytest.mark.parametrize("backend", ["Agg", None], ids=["agg", "ipykernel-default"])
def test_a_users_notebook_shows_maps_without_matplotlib_inline(backend, monkeypatch, tmp_path):
    cells = [
        "import corridors\nfrom corridors import maps\n"
        f"net = corridors.io.read_network({str(TINY)!r})",
        "maps.plot_network(net)",  # the Axes itself as the cell's value
        "ax = maps.plot_route(net, corridors.route(net, 'Changchun', 'Busan'))\nax.figure",
        "acc = corridors.accessibility(net, 'park', 'port')\nmaps.plot_values(net, acc)",
        "m = maps.explore(net, self_contained=True)\nm",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    execute(notebook, tmp_path, monkeypatch, backend)
    static = assert_shows_maps(notebook)
    assert len(static) == 3
    for cell in static:
        [png] = [o.data["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(png) > 50_000  # base64 of a real map, not an empty figure
    assert "corridors-legend" in notebook.cells[-1].outputs[0].data["text/html"]
