"""Model against observed trips: a scatter of model values against observed ones, by mode."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from corridors.maps.figure import _A4, _new_axes, _title
from corridors.maps.style import MODE_STYLE, ROUTE_COLORS

__all__ = ["plot_observed"]

_UNITS = {"distance": "km", "time": "h", "cost": "USD/TEU"}
_COLUMNS = {"distance": "distance_km", "time": "time_h", "cost": "cost_usd_teu"}


def _mode_color(modes: str, combos: list[str]) -> str:
    if modes in MODE_STYLE:
        return str(MODE_STYLE[modes]["color"])
    return ROUTE_COLORS[combos.index(modes) % len(ROUTE_COLORS)]


def plot_observed(
    comparison: pd.DataFrame,
    *,
    quantity: str = "time",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw model against observed values of one quantity, one colour per mode, log axes.

    Parameters
    ----------
    comparison
        From :func:`corridors.observed.compare_observed`.
    quantity
        ``distance`` (km), ``time`` (h) or ``cost`` (USD/TEU).
    ax
        Axes to draw on; by default a new A4 landscape figure.
    title
        Title above the plot (default names the quantity).

    Returns
    -------
    matplotlib.axes.Axes
        The plot: the diagonal is a perfect fit, the shaded bands are ±25 % and a
        factor of 2; hollow markers are trips whose figure the data used (in-sample).

    Raises
    ------
    ValueError
        For an unknown quantity or a table without its columns.
    """
    if quantity not in _COLUMNS:
        msg = f"quantity = {quantity!r}; expected one of {', '.join(_COLUMNS)}"
        raise ValueError(msg)
    column = _COLUMNS[quantity]
    needed = [f"obs_{column}", f"model_{column}", "modes", "used_in_data"]
    missing = [c for c in needed if c not in comparison.columns]
    if missing:
        msg = f"comparison lacks columns {missing} (use corridors.observed.compare_observed())"
        raise ValueError(msg)
    rows = comparison.dropna(subset=[f"obs_{column}", f"model_{column}"])
    if ax is None:
        ax = _new_axes((0.09, 0.1, 0.6, 0.8), _A4)
    unit = _UNITS[quantity]
    values = (
        np.concatenate([rows[f"obs_{column}"], rows[f"model_{column}"]]) if len(rows) else [1, 10]
    )
    low, high = float(np.min(values)) / 1.5, float(np.max(values)) * 1.5
    line = np.geomspace(low, high, 50)
    ax.fill_between(line, line / 2, line * 2, color="#eeeeee", lw=0, zorder=0)
    ax.fill_between(line, line * 0.75, line * 1.25, color="#d9d9d9", lw=0, zorder=0)
    ax.plot(line, line, color="#555555", lw=1, zorder=1)
    combos = sorted(set(rows["modes"]) - set(MODE_STYLE))
    handles = []
    for modes, group in rows.groupby("modes"):
        color = _mode_color(str(modes), combos)
        for used, part in group.groupby("used_in_data"):
            ax.scatter(
                part[f"obs_{column}"],
                part[f"model_{column}"],
                s=42,
                facecolors="none" if used else color,
                edgecolors=color,
                linewidths=1.4,
                zorder=3,
            )
        label = " + ".join(str(modes).split(";"))
        handles.append(
            Line2D([], [], marker="o", ls="", color=color, label=f"{label} ({len(group)})")
        )
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            mfc="none",
            color="#555555",
            label="in-sample (data used it)",
        )
    )
    handles.append(Line2D([], [], color="#555555", lw=1, label="model = observed"))
    handles.append(Patch(color="#d9d9d9", label="within ±25 %"))
    handles.append(Patch(color="#eeeeee", label="within a factor of 2"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"Observed {quantity} ({unit})", fontsize=10)
    ax.set_ylabel(f"Model {quantity} ({unit})", fontsize=10)
    ax.grid(True, which="both", color="#e5e5e5", linewidth=0.5)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.03, 1.0),
        fontsize=8.5,
        frameon=True,
        edgecolor="#bbbbbb",
        title="Modes (trips)",
        title_fontsize=9,
    )
    _title(ax, title or f"Model against observed {quantity}")
    return ax
