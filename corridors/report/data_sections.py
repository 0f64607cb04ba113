"""Report sections drawn from the data itself: crossing bottlenecks, park regimes, sources."""

from __future__ import annotations

import pandas as pd

from corridors.report.base import _Context, _name, _round, _Section

__all__: list[str] = []


def _section_bottlenecks(ctx: _Context) -> _Section:
    from corridors.report.facts import crossing_bottlenecks

    net = ctx.net
    sec = _Section("bottlenecks", "Border crossings: the bottlenecks")
    crit = ctx.cache.get("criticality_crossings")
    if crit is None:
        from corridors.resilience import criticality

        crit = criticality(net, elements="crossings")
    table = crossing_bottlenecks(net, crit)
    sec.tables["crossing_bottlenecks"] = table
    layer = net.places.loc[table.index, ["geometry"]].join(table)
    sec.layers["crossing_bottlenecks"] = layer.reset_index()
    sec.facts["bottlenecks"] = table
    sec.text = (
        "Every border crossing with the stop it imposes: customs dwell by road and rail "
        "(hours), the 1435/1520 mm gauge change for rail, the fee (USD/TEU) and the "
        "capacity of its links where a source gives one. Blank data take the network's "
        "border defaults (params.toml), as the routing does; `dwell_source` says which. "
        "pairs_using: parks x ports best routes through the crossing; pairs_disconnected: "
        "pairs its closure cuts. Sorted by the longest stop."
    )
    shown = table.drop(columns=["dwell_source"]).reset_index(drop=True)
    sec.findings = _round(shown, 1)
    return sec


def _section_regimes(ctx: _Context) -> _Section:
    from corridors.report.facts import park_regimes

    net = ctx.net
    sec = _Section("regimes", "Parks and their customs regimes")
    table = park_regimes(net)
    result = ctx.cache.get("hinterlands")
    if result is not None and len(table):
        parks = net.places[(net.places["kind"] == "park") & net.places["regime"].notna()]
        best = result.places["best_port"].reindex(parks.index)
        by_name = dict(zip(parks["name"], (_name(net, p) for p in best), strict=True))
        table["best_sea_port"] = table["park"].map(by_name)
    sec.tables["park_regimes"] = table
    counts = (
        table["regime"].str.split(" \\+ ").explode().str.strip().value_counts()
        if len(table)
        else pd.Series(dtype=int)
    )
    sec.facts["regimes"] = counts
    sec.text = (
        f"{len(table)} of {int((net.places['kind'] == 'park').sum())} parks carry a special "
        "customs or zone regime (places.csv `regime`): "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + ". With each, its best sea port by rail and road (port hinterlands)."
    )
    sec.findings = table
    return sec


def _section_sources(ctx: _Context) -> _Section:
    from corridors.report.facts import data_sources

    net = ctx.net
    sec = _Section("sources", "Sources")
    table = data_sources(net)
    sec.tables["data_sources"] = table
    cited = table[table["source"] != "assumption (no source)"]
    sec.text = (
        f"The {len(cited)} web sources the data cites (the `source` columns of places, "
        "links, corridors and parameters), with the rows citing each; the last row counts "
        "rows whose source is an assumption or general knowledge (no URL). Confidence "
        "codes and the rules for assumptions are in data/gtr/README.md."
    )
    sec.findings = table
    return sec
