"""The report as a document: Markdown and self-contained HTML (maps embedded as base64).

The report opens with its key findings (:mod:`corridors.report.findings`) and a
table of contents; each section follows with its text, tables, maps and links to
its CSV tables; a footer records how it was made (corridors version, network and
scenario hashes, seed, runs, parameters).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors.report.findings import key_findings
from corridors.report.sections import _TITLES, _Section

if TYPE_CHECKING:
    from corridors.network import Network

__all__: list[str] = []

_FOOTER_KEYS = (
    "corridors_version",
    "network",
    "network_hash",
    "scenario_hash",
    "seed",
    "runs",
    "created",
)


def _md_text(text: Any) -> str:
    """Escape user-supplied text (place names, notes, messages) for Markdown.

    ``<``, ``>`` and ``&`` become HTML entities, so a name such as
    ``<script>`` or ``<img onerror=...>`` shows as text in every Markdown viewer
    instead of becoming HTML; brackets are escaped so that names make no links.
    """
    escaped = html.escape(str(text), quote=False)
    return escaped.replace("[", "\\[").replace("]", "\\]")


def _cell_text(value: Any) -> str:
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    if value is None or value is pd.NA:
        return ""
    return str(value).replace("\n", " ")


def _md_cell(value: Any) -> str:
    return _md_text(_cell_text(value)).replace("|", "\\|")


def _md_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(_md_cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *body])


def _html_table(frame: pd.DataFrame) -> str:
    cells = frame.map(_cell_text) if len(frame) else frame
    return cells.to_html(index=False, escape=True, border=0, classes="findings")


def _anchor(key: str) -> str:
    return "sec-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _html_text(text: str) -> str:
    """Escape text for HTML, showing `code` spans as <code>."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _provenance(net: Network, sections: list[_Section]) -> dict[str, Any]:
    """Return the report's provenance: the record its sections carry, else a fresh one."""
    for sec in sections:
        if "provenance" in sec.facts:
            return sec.facts["provenance"]
    from corridors.provenance import provenance

    return provenance(net, analysis="report")


def _footer(record: dict[str, Any]) -> tuple[str, str]:
    """Return the Markdown and HTML footer of a provenance record."""
    import json

    shown = [(k, record.get(k)) for k in _FOOTER_KEYS]
    parameters = json.dumps(record.get("parameters") or {}, sort_keys=True, ensure_ascii=False)
    items = [f"{k}: {_md_text('null' if v is None else v)}" for k, v in shown]
    items.append(f"parameters: {_md_text(parameters)}")
    md = "\n".join(
        [
            "---",
            "",
            "**Provenance.** " + _md_text("; ".join(items[:-1])) + ".",
            "",
            _md_text(items[-1]),
            "",
            "Every table in `tables/` has its record in `TABLE.csv.meta.json`; "
            "the GeoPackage in its `metadata` layer.",
        ]
    )
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in [*shown, ("parameters", parameters)]
    )
    page = (
        "<footer id='provenance'><h2>Provenance</h2>"
        f"<table class='findings'>{rows}</table>"
        "<p class='meta'>Every table in tables/ has its record in "
        "&lt;table&gt;.csv.meta.json; the GeoPackage in its metadata layer.</p></footer>"
    )
    return md, page


def _report_texts(
    net: Network, sections: list[_Section], failed: dict[str, str], images: dict[str, Path]
) -> tuple[str, str]:
    """Return the Markdown and the self-contained HTML report."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    intro = (
        f"Generated {stamp} by `corridors report`. Units: hours (h), kilometres (km), "
        "USD per TEU (cost and generalized cost = cost + value of time x hours). "
        "Maps are in maps/, tables in tables/, every layer in corridors.gpkg."
    )
    md = [f"# Corridors report: {_md_text(net.name)}", "", intro, ""]
    body = [
        f"<h1>Corridors report: {html.escape(net.name)}</h1>",
        f"<p class='meta'>{_html_text(intro)}</p>",
    ]
    if failed:
        md += ["**Failed sections** (earlier outputs of these are kept):", ""]
        md += [f"- {_TITLES.get(k, k)}: {_md_text(msg)}" for k, msg in failed.items()]
        md.append("")
        items = "".join(
            f"<li><b>{html.escape(_TITLES.get(k, k))}</b>: {html.escape(m)}</li>"
            for k, m in failed.items()
        )
        body.append(f"<div class='failed'><p>Failed sections:</p><ul>{items}</ul></div>")
    findings = key_findings(net, sections)
    if findings:
        md += ["## Key findings", ""]
        body.append(f"<h2 id='{_anchor('key findings')}'>Key findings</h2>")
        for heading, lines in findings.items():
            md += [f"**{heading}**", "", *[f"- {_md_text(line)}" for line in lines], ""]
            items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
            body.append(f"<h3>{html.escape(heading)}</h3><ul>{items}</ul>")
    md += ["## Contents", ""]
    toc = [(sec.title, _anchor(sec.key)) for sec in sections] + [("Provenance", "provenance")]
    md += [f"{n}. [{title}](#{anchor})" for n, (title, anchor) in enumerate(toc, start=1)]
    md.append("")
    entries = "".join(f"<li><a href='#{a}'>{html.escape(t)}</a></li>" for t, a in toc)
    body.append(f"<nav><h2>Contents</h2><ol>{entries}</ol></nav>")
    for sec in sections:
        md_part, html_part = _section_texts(sec, images)
        md += md_part
        body += html_part
    md_footer, html_footer = _footer(_provenance(net, sections))
    md += ['<a id="provenance"></a>', "", md_footer, ""]
    body.append(html_footer)
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.4}"
        "img{max-width:100%;border:1px solid #ccc}figure{margin:1em 0}"
        "figcaption{font-style:italic;color:#555}table.findings{border-collapse:collapse;"
        "font-size:0.85em}table.findings td,table.findings th{border:1px solid #ccc;"
        "padding:2px 6px;vertical-align:top}.failed{color:#a00}.meta{color:#555;font-size:0.9em}"
        "th{text-align:left}nav ol{columns:2}footer{margin-top:3em;border-top:1px solid #ccc}"
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Corridors report: {html.escape(net.name)}</title><style>{style}</style>"
        f"</head><body>{''.join(body)}</body></html>"
    )
    return "\n".join(md), page


def _section_texts(sec: _Section, images: dict[str, Path]) -> tuple[list[str], list[str]]:
    """Return one section's Markdown lines and HTML parts."""
    anchor = _anchor(sec.key)
    md = [f'<a id="{anchor}"></a>', "", f"## {sec.title}", ""]
    body = [f"<h2 id='{anchor}'>{html.escape(sec.title)}</h2>"]
    if sec.error:
        md += [f"**This section failed:** {_md_text(sec.error)}", ""]
        body.append(f"<p class='failed'>This section failed: {html.escape(sec.error)}</p>")
        return md, body
    if sec.text:
        md += [_md_text(sec.text), ""]
        body.append(f"<p>{_html_text(sec.text)}</p>")
    if sec.findings is not None and len(sec.findings):
        md += [_md_table(sec.findings), ""]
        body.append(_html_table(sec.findings))
    for title, table in sec.blocks:
        md += [f"**{_md_text(title)}**", ""]
        body.append(f"<h3>{html.escape(title)}</h3>")
        if len(table):
            md += [_md_table(table), ""]
            body.append(_html_table(table))
    for name in sec.maps:
        caption = " ".join(sec.captions.get(name, name).split())
        shown = _md_text(caption)
        md += [f"![{shown}](maps/{name}.png)", "", f"*{shown}*", ""]
        data = base64.b64encode(images[name].read_bytes()).decode("ascii")
        body.append(
            f"<figure><img alt='{html.escape(caption)}' "
            f"src='data:image/png;base64,{data}'/>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    if sec.tables:
        links = [f"[{t}.csv](tables/{t}.csv)" for t in sec.tables]
        md += ["Tables: " + ", ".join(links), ""]
        anchors = ", ".join(
            f"<a href='tables/{html.escape(t)}.csv'>{html.escape(t)}.csv</a>" for t in sec.tables
        )
        body.append(f"<p class='meta'>Tables: {anchors}</p>")
    return md, body
