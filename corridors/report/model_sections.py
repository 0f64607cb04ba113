"""Report sections on the model itself: equilibrium flows, and its fit to observed trips."""

from __future__ import annotations

from corridors.report.base import TUMEN_EXTENT, _Context, _round, _scenario_folder, _Section

__all__: list[str] = []


def _section_flows(ctx: _Context) -> _Section:
    from corridors import maps, scenario
    from corridors.assignment import compare_equilibria, equilibrium, gravity_demand

    net = ctx.net
    sec = _Section("flows", "Flows and bottlenecks")
    demand = gravity_demand(net)
    result = equilibrium(net, demand)
    sec.tables["demand_teu_year"] = demand
    sec.tables["equilibrium_bottlenecks"] = result.bottlenecks
    sec.tables["equilibrium_places"] = result.places
    sec.tables["equilibrium_od"] = result.od
    sec.tables["equilibrium_gaps"] = result.history
    sec.layers["equilibrium_links"] = result.links.reset_index()
    for extent, suffix in ((None, ""), (TUMEN_EXTENT, "_tumen")):
        sec.maps[f"flows{suffix}"] = maps.plot_flows(
            net,
            result,
            extent=extent,
            title="Equilibrium container flows" + (": Tumen River area" if suffix else ""),
        )
    sec.captions["flows"] = "Volume (width, TEU/day) and volume/capacity (colour) at equilibrium."
    sec.captions["flows_tumen"] = "The same, around the Tumen River."
    busy = result.bottlenecks[result.bottlenecks["vc"] > 0]
    sec.findings = _round(busy.head(10), 2)
    sec.text = (
        f"The built-in demand estimate ({demand['demand'].sum():,.0f} TEU/year between parks "
        "and sea ports, a gravity model whose generation is an assumption: data/gtr/demand.toml) "
        "assigned at user equilibrium: shipments take the cheapest route given the queues at "
        "capacitated crossings and ports and the BPR delays on capacitated links "
        f"(relative gap {result.relative_gap:.1e} after {result.iterations} iterations). "
        "The findings list the capacitated elements by volume/capacity."
    )
    path = _scenario_folder() / "primorye_covid_capacity.toml"
    places = {"hunchun_kraskino", "suifenhe_pogranichny", "dongning_poltavka"}
    if path.exists() and places <= set(net.places.index):  # the built-in network's crossings
        cut = scenario.apply(net, scenario.load(path, net=net))
        flows = compare_equilibria(net, cut, demand).places
        if len(flows):
            sec.tables["covid_capacity_flows"] = flows
            top = flows.iloc[0]
            sec.text += (
                " With the Primorye road crossings at their December 2020 capacity "
                f"({path.stem}), the largest shift is at {top['name']}: "
                f"{top['volume_before']:,.0f} -> {top['volume_after']:,.0f} TEU/day."
            )
    return sec


def _section_fit(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.observed import FIT_COLUMNS, compare_observed, fit_summary

    sec = _Section("fit", "How well the model fits")
    table = compare_observed(ctx.net, skip_unknown=True)
    if table.empty:
        sec.text = (
            "No observed trip (data/gtr/observed.csv) names places of this network; the "
            "observed trips are those of the built-in Greater Tumen network."
        )
        return sec
    s = fit_summary(table)
    t = fit_summary(table[~table["used_in_data"]])
    outliers = ", ".join(s["beyond_factor_2"]) or "none"
    sec.text = (
        f"{s['trips']} published trips (data/gtr/observed.csv, each with its source) routed on "
        f"the network. Distances: median |error| {s['median_abs_err_distance']:.1%} over "
        f"{s['n_distance']} trips, {s['within_10pct_distance']:.0%} within 10 %. Transit times: "
        f"median |error| {s['median_abs_err_time']:.1%} over {s['n_time']} trips. "
        f"Trips whose figures the data did not use: distance {t['median_abs_err_distance']:.1%} "
        f"({t['n_distance']}), time {t['median_abs_err_time']:.1%} ({t['n_time']}). Worse than a "
        f"factor of 2, each with its reason in the data: {outliers}. "
        "Errors are model / observed - 1. Times are compared like with like: door to door, "
        "or quay to quay (the model's sailing without the port calls and the wait for the "
        "departure) where the source timed a ship's or ferry's sailing (scope port-to-port)."
    )
    shown = table[[*FIT_COLUMNS, "used_in_data"]].copy()
    shown.insert(0, "trip", shown.index)
    sec.findings = _round(shown.reset_index(drop=True), 2)
    sec.tables["observed_fit"] = table
    sec.maps["fit_time"] = maps.plot_observed(
        table, quantity="time", title="Transit times: model against observed"
    )
    sec.maps["fit_distance"] = maps.plot_observed(
        table, quantity="distance", title="Distances: model against observed"
    )
    sec.captions = {
        "fit_time": (
            "Hours door to door, or quay to quay for port-to-port sailings; hollow markers: "
            "figures the data used (in-sample)."
        ),
        "fit_distance": "Route km; most long-haul rail lengths are sourced line lengths.",
    }
    return sec
