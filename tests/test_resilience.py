"""Criticality, closures and failure simulations against brute force (networkx)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import hand_network, random_networks, reference_graph, reference_od

import corridors
from corridors.resilience import (
    close_borders,
    close_region,
    closure_matrix,
    criticality,
    impact,
    od_pairs,
    simulate_failures,
    summarize_failures,
)
from corridors.routing import route


def closed_copy(
    net: corridors.Network, *, link: str | None = None, place: str | None = None
) -> corridors.Network:
    """The network with one element removed, the brute-force way."""
    out = net.copy()
    if place is not None:
        out.graph.nodes[place]["closed"] = True
    for _, _, key, data in out.graph.edges(keys=True, data=True):
        if key == link:
            data["closed"] = True
    out.touch()
    return out


def brute_force(net, pairs: pd.DataFrame, weight: str, **element) -> dict[str, float]:
    """Remove the element and recompute every pair with networkx."""
    origins, dests = sorted(set(pairs["orig"])), sorted(set(pairs["dest"]))
    before = reference_od(reference_graph(net, weight), origins, dests)
    after = reference_od(reference_graph(closed_copy(net, **element), weight), origins, dests)
    b = np.array([before.loc[o, d] for o, d in zip(pairs["orig"], pairs["dest"], strict=True)])
    a = np.array([after.loc[o, d] for o, d in zip(pairs["orig"], pairs["dest"], strict=True)])
    demand = pairs["demand"].to_numpy()
    connected = ~np.isnan(b)
    lost = connected & np.isnan(a)
    both = connected & ~np.isnan(a)
    delta = np.where(both, np.nan_to_num(a) - np.nan_to_num(b), 0.0)
    return {
        "pairs_disconnected": int(lost.sum()),
        "demand_disconnected": float(demand[lost].sum()),
        "delta_total": float((demand * delta).sum()),
        "delta_max": float(delta.max(initial=0.0)),
    }


def check_against_brute_force(net, crit, pairs, weight, kind):
    for element, row in crit.iterrows():
        expected = brute_force(net, pairs, weight, **{kind: element})
        assert row["pairs_disconnected"] == expected["pairs_disconnected"], element
        assert row["demand_disconnected"] == pytest.approx(expected["demand_disconnected"])
        assert row["delta_total"] == pytest.approx(expected["delta_total"], rel=1e-9, abs=1e-6)
        assert row["delta_max"] == pytest.approx(expected["delta_max"], rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    net=random_networks(),
    weight=st.sampled_from(["time", "cost", "generalized"]),
    seed=st.integers(0, 1000),
)
def test_link_criticality_equals_brute_force(net, weight, seed):
    places = sorted(net.graph.nodes)
    rng = np.random.default_rng(seed)
    pairs = pd.DataFrame(
        {
            "orig": rng.choice(places, 12),
            "dest": rng.choice(places, 12),
            "demand": rng.integers(1, 5, 12).astype(float),
        }
    )
    pairs = od_pairs(net, pairs)
    if pairs.empty:
        return
    crit = criticality(net, pairs, weight=weight)
    check_against_brute_force(net, crit, pairs, weight, "link")


@settings(max_examples=15, deadline=None)
@given(net=random_networks(), seed=st.integers(0, 1000))
def test_place_criticality_equals_brute_force(net, seed):
    places = sorted(net.graph.nodes)
    rng = np.random.default_rng(seed)
    pairs = od_pairs(
        net, pd.DataFrame({"orig": rng.choice(places, 10), "dest": rng.choice(places, 10)})
    )
    if pairs.empty:
        return
    crit = criticality(net, pairs, weight="time", elements="places")
    check_against_brute_force(net, crit, pairs, "time", "place")


@settings(max_examples=15, deadline=None)
@given(net=random_networks())
def test_link_detour_equals_best_alternative(net):
    crit = criticality(net, ("port", "port"), weight="time")
    for link, row in crit.iterrows():
        data = net.links.loc[link]
        after = reference_od(
            reference_graph(closed_copy(net, link=link), "time"), [data["from"]], [data["to"]]
        )
        expected = after.iloc[0, 0]
        if np.isnan(expected):
            assert np.isnan(row["detour_value"])
        else:
            assert row["detour_value"] == pytest.approx(expected)


def test_builtin_criticality_matches_brute_force_on_a_sample():
    net = corridors.load_gtr()
    pairs = od_pairs(
        net,
        (
            ["changchun_faw", "hunchun_becz", "harbin_new_area", "erenhot_ecz"],
            ["busan_port", "vladivostok_port", "zarubino_port", "tianjin_port"],
        ),
    )
    crit = criticality(net, pairs, weight="generalized")
    used = crit[crit["pairs_using"] > 0].head(12)
    check_against_brute_force(net, used, pairs, "generalized", "link")
    crossings = criticality(net, pairs, weight="generalized", elements="crossings")
    assert set(crossings["kind"]) == {"border"}
    check_against_brute_force(net, crossings.head(6), pairs, "generalized", "place")


def test_hand_network_criticality_by_hand():
    net = hand_network()
    crit = criticality(net, (["a"], ["d"]), weight="time")
    # a -> d uses a-b-road, b-c-road, c-d-sea (72 h). Without a road link the trip
    # goes by rail (no transfers at a border): +1 h, +30 - 24 h at the border, +1 h
    assert crit.loc["c-d-sea", "pairs_disconnected"] == 1
    assert crit.loc["a-b-road", "delta_total"] == pytest.approx((2 - 1) + (30 - 24) + (2 - 1))
    assert crit.loc["a-b-road", "detour_value"] == pytest.approx(2)
    assert np.isnan(crit.loc["c-d-sea", "detour_value"])
    assert crit.loc["a-b-rail", "pairs_using"] == 0


def test_close_borders_cuts_land_routes_only():
    net = corridors.load_gtr()
    closed = close_borders(net, ("CN", "RU"))
    assert not net.graph.nodes["hunchun_kraskino"]["closed"]  # the base is unchanged
    for crossing in net.places.index[net.places["countries"] == "CN-RU"]:
        assert closed.graph.nodes[crossing]["closed"]
    land = route(closed, "Hunchun", "Ussuriysk", modes=["rail", "road"])
    pairs = {closed.places.loc[c, "countries"] for c in land.crossings}
    assert "CN-RU" not in pairs
    assert pairs & {"CN-MN", "CN-KP"}  # by land only through a third country
    third = [p for p in ("CN-MN", "CN-KP") if p in set(closed.places["countries"])]
    sealed = closed
    for pair in third:
        sealed = close_borders(sealed, pair)
    with pytest.raises(corridors.NoRouteError):
        route(sealed, "Hunchun", "Ussuriysk", modes=["rail", "road"])
    around = route(closed, "Hunchun", "Ussuriysk")  # by sea or through a third country
    crossed = {closed.places.loc[c, "countries"] for c in around.crossings}
    assert "sea" in around.modes or crossed & {"CN-MN", "CN-KP"}
    assert "CN-RU" not in crossed
    assert "air" not in around.modes  # freight: air only when asked for


def test_close_borders_by_mode_and_errors():
    net = corridors.load_gtr()
    closed = close_borders(net, "CN-RU", modes=["rail"])
    r = route(closed, "Harbin", "Vladivostok", modes=["rail", "road"])
    assert "road" in r.modes
    with pytest.raises(corridors.DataError, match="no border crossing joins"):
        close_borders(net, ("JP", "KR"))
    with pytest.raises(corridors.DataError, match="not a border crossing"):
        close_borders(net, None, crossings=["Hunchun"])


def test_impact_tables_add_up():
    net = corridors.load_gtr()
    closed = close_borders(net, ("CN", "RU"))
    pairs = od_pairs(net)
    pairs["demand"] = np.arange(len(pairs)) % 3 + 1.0
    result = impact(net, closed, pairs)
    table = result.pairs
    both = table["before"].notna() & table["after"].notna()
    assert result.summary["pairs_disconnected"] == table["newly_unreachable"].sum()
    assert result.summary["extra_cost_per_period"] == pytest.approx(
        (table.loc[both, "change"] * table.loc[both, "demand"]).sum()
    )
    assert (table.loc[both, "change"] >= -1e-9).all()  # closing never helps
    assert result.summary["max_delay_usd_teu"] == pytest.approx(table.loc[both, "change"].max())
    crossing_volume = result.shifted[result.shifted["kind"] == "border"]
    assert (
        crossing_volume.loc[
            crossing_volume.index.isin(net.places.index[net.places["countries"] == "CN-RU"]),
            "after",
        ]
        .eq(0)
        .all()
    )
    used_before = table["crossing_before"].str.contains("hunchun_kraskino")
    assert result.shifted.loc["hunchun_kraskino", "before"] == pytest.approx(
        table.loc[used_before, "demand"].sum()
    )


def test_closure_matrix_rows():
    net = corridors.load_gtr()
    matrix = closure_matrix(net)
    assert "CN-RU" in matrix.index
    cn_ru = impact(net, close_borders(net, "CN-RU")).summary
    assert matrix.loc["CN-RU", "pairs_disconnected"] == cn_ru["pairs_disconnected"]
    assert matrix.loc["CN-RU", "extra_cost_per_period"] == pytest.approx(
        cn_ru["extra_cost_per_period"]
    )


def test_close_region_closes_what_is_inside():
    net = corridors.load_gtr()
    hunchun = net.places.loc["hunchun", "geometry"]
    flooded = close_region(net, point=(hunchun.x, hunchun.y), radius_km=20)
    assert flooded.graph.nodes["hunchun"]["closed"]
    assert not flooded.graph.nodes["vladivostok_port"]["closed"]
    square = shapely.box(130.0, 42.5, 130.8, 43.2)
    boxed = close_region(net, polygon=square)
    assert boxed.graph.nodes["hunchun"]["closed"]
    with pytest.raises(corridors.DataError, match="either point"):
        close_region(net)


def test_failure_simulation_is_reproducible_and_monotone():
    net = corridors.load_gtr()
    fractions = (0.0, 0.05, 0.1, 0.3)
    first = simulate_failures(net, runs=6, fractions=fractions, seed=3)
    again = simulate_failures(net, runs=6, fractions=fractions, seed=3)
    pd.testing.assert_frame_equal(first, again)
    other = simulate_failures(net, runs=6, fractions=fractions, seed=4)
    assert not first["connected_share"].equals(other["connected_share"])
    for _, run in first.groupby("run"):
        assert run["connected_share"].is_monotonic_decreasing
        assert run.iloc[0]["connected_share"] == 1.0
        assert run.iloc[0]["efficiency"] == pytest.approx(1.0)
    summary = summarize_failures(first)
    assert (summary["connected_share_p5"] <= summary["connected_share_p95"]).all()


def test_targeted_failures_hurt_more_than_random():
    net = corridors.load_gtr()
    random = simulate_failures(net, runs=10, fractions=(0.05,), elements="crossings", seed=1)
    targeted = simulate_failures(
        net, runs=2, fractions=(0.05,), elements="crossings", strategy="criticality", seed=1
    )
    assert targeted["efficiency"].mean() <= random["efficiency"].mean()


def test_same_results_serial_processes_and_dask():
    distributed = pytest.importorskip("distributed")
    net = corridors.load_gtr()
    serial = simulate_failures(net, runs=4, fractions=(0.05, 0.2), seed=9)
    crit_serial = criticality(net, elements="crossings")
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = simulate_failures(net, runs=4, fractions=(0.05, 0.2), seed=9, executor=pool)
        crit_pooled = criticality(net, elements="crossings", executor=pool)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:  # fmt: skip
        dasked = simulate_failures(
            net, runs=4, fractions=(0.05, 0.2), seed=9, executor=client.get_executor()
        )
    pd.testing.assert_frame_equal(serial, pooled)
    pd.testing.assert_frame_equal(serial, dasked)
    pd.testing.assert_frame_equal(crit_serial, crit_pooled)


def test_regional_failures_match_close_region_and_repeat():
    from corridors.resilience import simulate_region_failures

    net = corridors.load_gtr()
    runs = simulate_region_failures(net, runs=4, radius_km=120, seed=5)
    pd.testing.assert_frame_equal(runs, simulate_region_failures(net, runs=4, radius_km=120,
                                                                 seed=5))  # fmt: skip
    first = runs.iloc[0]
    point = net.places.loc[first["centre"], "geometry"]
    failed = close_region(net, point=(point.x, point.y), radius_km=120)
    expected = impact(net, failed)
    assert first["pairs_disconnected"] == expected.summary["pairs_disconnected"]
    assert first["places_closed"] == sum(d["closed"] for _, d in failed.graph.nodes(data=True))
    with pytest.raises(corridors.DataError, match="radius_km"):
        simulate_region_failures(net, radius_km=0)
