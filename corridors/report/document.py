"""The report as a document: Markdown and self-contained HTML (maps embedded as base64)."""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors.report.sections import _TITLES, _Section

if TYPE_CHECKING:
    from corridors.network import Network

__all__: list[str] = []


def _md_text(text: Any) -> str:
    """Escape user-supplied text (place names, notes, messages) for Markdown.

    ``<``, ``>`` and ``&`` become HTML entities, so a name such as
    ``<script>`` or ``<img onerror=...>`` shows as text in every Markdown viewer
    instead of becoming HTML; brackets are escaped so that names make no links.
    """
    escaped = html.escape(str(text), quote=False)
    return escaped.replace("[", "\\[").replace("]", "\\]")


def _cell_text(value: Any) -> str:
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
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


def _report_texts(
    net: Network, sections: list[_Section], failed: dict[str, str], images: dict[str, Path]
) -> tuple[str, str]:
    """Return the Markdown and the self-contained HTML report."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    md = [
        f"# Corridors report: {_md_text(net.name)}",
        "",
        f"Generated {stamp} by `corridors report`. Units: hours (h), kilometres (km), "
        "USD per TEU (cost and generalized cost = cost + value of time x hours). "
        "Maps are in `maps/`, tables in `tables/`, every layer in `corridors.gpkg`.",
        "",
    ]
    body = [
        f"<h1>Corridors report: {html.escape(net.name)}</h1>",
        f"<p class='meta'>{html.escape(md[2])}</p>",
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
    for sec in sections:
        md += [f"## {sec.title}", ""]
        body.append(f"<h2>{html.escape(sec.title)}</h2>")
        if sec.error:
            md += [f"**This section failed:** {_md_text(sec.error)}", ""]
            body.append(f"<p class='failed'>This section failed: {html.escape(sec.error)}</p>")
            continue
        if sec.text:
            md += [_md_text(sec.text), ""]
            body.append(f"<p>{html.escape(sec.text)}</p>")
        if sec.findings is not None and len(sec.findings):
            md += [_md_table(sec.findings), ""]
            body.append(_html_table(sec.findings))
        for name in sec.maps:
            caption = sec.captions.get(name, name)
            shown = _md_text(caption)
            md += [f"![{shown}](maps/{name}.png)", "", f"*{shown}*", ""]
            data = base64.b64encode(images[name].read_bytes()).decode("ascii")
            body.append(
                f"<figure><img alt='{html.escape(caption)}' "
                f"src='data:image/png;base64,{data}'/>"
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        tables = [f"`tables/{t}.csv`" for t in sec.tables]
        if tables:
            md += ["Tables: " + ", ".join(tables), ""]
            body.append("<p class='meta'>Tables: " + html.escape(", ".join(tables)) + "</p>")
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.4}"
        "img{max-width:100%;border:1px solid #ccc}figure{margin:1em 0}"
        "figcaption{font-style:italic;color:#555}table.findings{border-collapse:collapse;"
        "font-size:0.85em}table.findings td,table.findings th{border:1px solid #ccc;"
        "padding:2px 6px}.failed{color:#a00}.meta{color:#555;font-size:0.9em}"
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Corridors report: {html.escape(net.name)}</title><style>{style}</style>"
        f"</head><body>{''.join(body)}</body></html>"
    )
    return "\n".join(md), page
