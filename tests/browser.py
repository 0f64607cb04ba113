"""Headless Chromium for the browser tests: load a local page offline, report what it did.

A probe script is put first in the page's ``<head>``: it records JavaScript errors
(uncaught, failed resource loads, rejected promises, ``console.error``), and after the
page has loaded it writes a JSON report into the DOM (every resource requested, every
image and whether it decoded, plus what the page's own ``window.__probeExtra()``
returns), which ``--dump-dom`` prints. Host names resolve to nothing
(``--host-resolver-rules``), so any request that tried to leave the machine fails and
shows up both as a resource and as an error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
)

PROBE = """<script id="__probe_script">
window.__errors = [];
window.addEventListener("error", function (e) {
    var t = e.target;
    var what = (t && t !== window && (t.src || t.href)) ? "failed to load " + (t.src || t.href)
        : String(e.message);
    window.__errors.push(what);
}, true);
window.addEventListener("unhandledrejection", function (e) {
    window.__errors.push("unhandled rejection: " + String(e.reason));
});
(function () {
    var original = console.error;
    console.error = function () {
        window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
        return original.apply(console, arguments);
    };
})();
window.addEventListener("load", function () {
    setTimeout(function () {
        var extra = {};
        try { extra = window.__probeExtra ? window.__probeExtra() : {}; }
        catch (err) { window.__errors.push("probe: " + err); }
        var report = {
            errors: window.__errors,
            resources: performance.getEntriesByType("resource").map(function (r) {
                return r.name.slice(0, 200);
            }),
            images: Array.prototype.map.call(document.images, function (i) {
                return {src: i.src.slice(0, 60), alt: i.alt, complete: i.complete,
                        width: i.naturalWidth, height: i.naturalHeight};
            }),
            title: document.title,
            text_length: document.body ? document.body.innerText.length : 0,
            extra: extra
        };
        var pre = document.createElement("pre");
        pre.id = "__probe";
        pre.textContent = JSON.stringify(report);
        document.body.appendChild(pre);
    }, 300);
});
</script>"""


def chromium() -> str | None:
    """Return the Chromium executable, or None when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def with_probe(page: Path, folder: Path, extra_js: str = "") -> Path:
    """Copy `page` into `folder` with the probe (and `extra_js`) first in its head.

    The copy sits next to the original's relative resources only if `folder` is the
    page's own folder; pass that when the page links files beside it.
    """
    text = page.read_text(encoding="utf-8")
    script = PROBE + (f"<script>{extra_js}</script>" if extra_js else "")
    match = re.search(r"<head[^>]*>", text, flags=re.IGNORECASE)
    at = match.end() if match else 0
    probed = folder / f"probed_{page.name}"
    probed.write_text(text[:at] + script + text[at:], encoding="utf-8")
    return probed


def run(page: Path, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local page with a fresh profile and no network."""
    executable = chromium()
    assert executable is not None
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "HOME": profile},
        )


def probe(page: Path, folder: Path, extra_js: str = "", budget_ms: int = 8000) -> dict:
    """Load `page` (with the probe) and return the probe's report."""
    probed = with_probe(page, folder, extra_js)
    done = run(probed, f"--virtual-time-budget={budget_ms}", "--dump-dom")
    match = re.search(r'<pre id="__probe">(.*?)</pre>', done.stdout, flags=re.DOTALL)
    assert match, f"no probe report; chromium said:\n{done.stderr[-3000:]}"
    import html

    return json.loads(html.unescape(match.group(1)))


def screenshot(page: Path, png: Path, size: tuple[int, int] = (1400, 900)) -> Path:
    """Write a screenshot of `page` (the first `size` pixels) to `png`."""
    png.parent.mkdir(parents=True, exist_ok=True)
    run(
        page,
        f"--window-size={size[0]},{size[1]}",
        "--virtual-time-budget=8000",
        f"--screenshot={png}",
    )
    assert png.exists(), f"no screenshot at {png}"
    assert png.stat().st_size > 10_000, f"blank screenshot at {png}"
    return png
