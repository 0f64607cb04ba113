"""What users see, in a real browser: report.html and maps.explore pages in headless Chromium.

Each page is loaded from a local file with every host name resolving to nothing, and
checked for: rendering (text, images decoded, map layers drawn), no request leaving
the machine, no JavaScript error, and no script injected through place names.
Screenshots are kept under ``out/browser/`` (a CI artefact). Skipped only outside CI
when Chromium is missing; with ``CI=true`` a missing Chromium fails.
"""

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
from browser import chromium, probe, screenshot

import corridors
from corridors import maps, report

ROOT = Path(__file__).parent.parent
TINY = Path(__file__).parent / "data" / "tiny"
ARTEFACTS = ROOT / "out" / "browser"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

if chromium() is None:
    if IN_CI:
        pytest.fail("CI=true but Chromium is missing (.ci/run installs it)", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

HOSTILE = {
    "changchun": '<script>window.__pwned = "script"</script>Changchun',
    "hunchun": "<img src=x onerror=\"window.__pwned = 'img'\">Hunchun",
    "zarubino_port": '</script><script>window.__pwned = "close"</script>Zarubino',
    "kraskino_border": '"><svg onload="window.__pwned = \'svg\'">Kraskino',
}

LOCAL = re.compile(r"^(file|data|blob|about):")

EXPLORE_PROBE = """
window.__probeExtra = function () {
    var labels = document.querySelectorAll(".corridors-label");
    var shown = Array.prototype.filter.call(labels, function (el) {
        return el.style.visibility !== "hidden";
    });
    return {
        paths: document.querySelectorAll("path.leaflet-interactive").length,
        layers: Array.prototype.map.call(
            document.querySelectorAll(".leaflet-control-layers-overlays label"),
            function (el) { return el.textContent.trim(); }),
        legend: (document.getElementById("corridors-legend") || {}).innerText || "",
        labels: labels.length,
        labels_shown: shown.length,
        map_size: (function () {
            var m = document.querySelector(".leaflet-container");
            return m ? [m.clientWidth, m.clientHeight] : [0, 0];
        })()
    };
};
"""

# Open every tooltip and popup (as a user hovering and clicking each feature would),
# then report whether any injected script ran and what the popups say.
HOSTILE_PROBE = """
window.__probeExtra = function () {
    var texts = [];
    document.querySelectorAll("path.leaflet-interactive").forEach(function (el) {
        ["mouseover", "click"].forEach(function (type) {
            el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true}));
        });
        var popup = document.querySelector(".leaflet-popup-content");
        if (popup) { texts.push(popup.innerText); }
        var tip = document.querySelector(".leaflet-tooltip");
        if (tip) { texts.push(tip.innerText); }
    });
    return {
        pwned: window.__pwned || null,
        injected: document.querySelectorAll(
            ".leaflet-popup-content img, .leaflet-popup-content svg, .leaflet-tooltip img, "
            + ".leaflet-tooltip svg, .leaflet-popup-content script, .corridors-label img"
        ).length,
        texts: texts,
        labels: Array.prototype.map.call(
            document.querySelectorAll(".corridors-label"),
            function (el) { return el.textContent; })
    };
};
"""


def assert_offline_and_clean(result):
    assert result["errors"] == []
    remote = [url for url in result["resources"] if not LOCAL.match(url)]
    assert remote == []


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def explore_page(folder):
    path = folder / "gtr.html"
    maps.explore(corridors.load_gtr(), path=path, self_contained=True)
    return path


@pytest.fixture(scope="module")
def hostile_page(folder):
    data = folder / "hostile"
    shutil.copytree(TINY, data)
    with (data / "places.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] in HOSTILE:
            row["name"] = HOSTILE[row["id"]]
            row["notes"] = HOSTILE[row["id"]]
    with (data / "places.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    net = corridors.io.read_network(data)
    assert set(net.places.loc[list(HOSTILE), "name"]) == set(HOSTILE.values())
    path = folder / "hostile.html"
    maps.explore(net, path=path, self_contained=True, labels=list(HOSTILE))
    return path


@pytest.fixture(scope="module")
def report_page(folder):
    out = folder / "report"
    net = corridors.io.read_network(TINY)
    return report.run_report(net, out, scenarios=[], failure_runs=5, progress=False)


def test_explore_page_renders_offline_with_layers_legend_and_labels(explore_page, folder):
    result = probe(explore_page, folder, EXPLORE_PROBE)
    assert_offline_and_clean(result)
    extra = result["extra"]
    net = corridors.load_gtr()
    assert min(extra["map_size"]) > 100
    # every link and place is an SVG path (markers are circle paths), plus the basemap
    assert extra["paths"] >= len(net.links) + len(net.places)
    assert {"Rail links", "Road links", "Sea lanes", "Cities", "Ports", "Place names"} <= set(
        extra["layers"]
    )
    for entry in ("Rail", "Road", "Sea lane", "City", "Port", "Border crossing"):
        assert entry in extra["legend"]
    cities_ports_borders = net.places["kind"].isin(["city", "port", "border"]).sum()
    assert extra["labels"] == cities_ports_borders
    assert 10 <= extra["labels_shown"] < extra["labels"]  # decluttered, not all hidden
    shot = screenshot(explore_page, ARTEFACTS / "explore.png")
    assert shot.stat().st_size > 50_000


def test_hostile_place_names_are_shown_as_text_never_run(hostile_page, folder):
    html = hostile_page.read_text(encoding="utf-8")
    for name in HOSTILE.values():
        assert name not in html  # only escaped forms reach the page
    result = probe(hostile_page, folder, HOSTILE_PROBE)
    assert_offline_and_clean(result)
    extra = result["extra"]
    assert extra["pwned"] is None
    assert extra["injected"] == 0
    seen = "\n".join(extra["texts"] + extra["labels"])
    for name in HOSTILE.values():
        assert name in seen  # the literal text, markup and all, as the user typed it
    screenshot(hostile_page, ARTEFACTS / "explore_hostile.png")


def test_report_renders_offline_with_every_image(report_page, folder):
    html = report_page.read_text(encoding="utf-8")
    img_tags = len(re.findall(r"<img\b", html))
    pngs = list((report_page.parent / "maps").glob("*.png"))
    assert img_tags >= len(pngs) > 5
    shutil.copy(report_page, folder / "report.html")
    result = probe(folder / "report.html", folder)
    assert_offline_and_clean(result)
    assert len(result["images"]) == img_tags
    broken = [i for i in result["images"] if not (i["complete"] and i["width"] > 100)]
    assert broken == []
    assert all(i["alt"] for i in result["images"])
    assert result["text_length"] > 2000
    screenshot(folder / "report.html", ARTEFACTS / "report.png", size=(1280, 2400))
