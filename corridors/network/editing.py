"""Editing a network in place: add, update, remove, close and open places and links.

:class:`NetworkEditing` is a mixin that :class:`~corridors.network.Network` inherits;
every edit is checked as a row of ``places.csv`` / ``links.csv`` would be, and bumps
the network's revision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from corridors import _validate as v
from corridors._errors import DataError, UnknownPlaceError
from corridors.costs import Parameters
from corridors.network.checks import (
    _blank,
    _check_link,
    _check_places,
    _link_edges,
    _link_values,
    _parse_values,
)
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS, Record

__all__ = ["NetworkEditing"]


class NetworkEditing:
    """The editing methods of :class:`~corridors.network.Network` (all mutate it).

    Notes
    -----
    A mixin: the methods use the network's ``_graph``, ``params``, ``_corridor_names``,
    ``_name_index``, :meth:`~corridors.network.Network.resolve`, ``_link_ends``, ``cached`` and
    ``touch``, which :class:`~corridors.network.Network` defines.
    """

    def _place_id(self, place: str, where: str) -> str:
        """Resolve a place id or name, naming `where` in the error."""
        try:
            return self.resolve(place)
        except UnknownPlaceError as error:
            hint = f"; did you mean {', '.join(error.suggestions)}?" if error.suggestions else ""
            raise DataError(f"{where}: place = {place!r} is not a place{hint}") from None

    def _rebuild_link(self, u: str, w: str, values: dict[str, Any]) -> None:
        """Replace both directions of link ``values["id"]`` by edges built from `values`."""
        key = values["id"]
        for a, b in ((u, w), (w, u)):
            if self._graph.has_edge(a, b, key):
                self._graph.remove_edge(a, b, key)
        self._graph.add_edges_from(_link_edges(self._graph, values, self.params))

    def add_place(self, place: Mapping[str, Any], *, where: str = "") -> str:
        """Add a place to this network (mutates it), checked as a row of ``places.csv``.

        Parameters
        ----------
        place
            Fields named as the columns of ``places.csv`` (``id``, ``name``, ``kind``,
            ``country``, ``lon``, ``lat`` (degrees), ``modes``, ``source``, ...); values
            as text, numbers, booleans, or lists for ``;``-separated columns.
        where
            Where the values come from, for messages (default ``add_place "<id>"``).

        Returns
        -------
        str
            The new place's id.

        Raises
        ------
        DataError
            Listing every problem (bad value, id or name already used, ...); the
            network is unchanged then.
        """
        where = where or f'add_place "{place.get("id", "?")}"'
        problems = v.Problems("")
        values = _parse_values(place, PLACE_COLUMNS, where, problems)
        problems.raise_if_any()
        if values["id"] in self._graph:
            problems.add(where, f"id = {values['id']!r} is already a place; expected a new id")
        taken = self.cached("name_index", self._name_index)
        nodes = _check_places([Record(where, values)], problems, taken_names=taken)
        problems.raise_if_any()
        self._graph.add_node(values["id"], **nodes[values["id"]])
        self.touch()
        self._carry_names(taken, values["id"])
        return str(values["id"])

    def add_link(self, link: Mapping[str, Any], *, where: str = "") -> str:
        """Add a link to this network (mutates it), checked as a row of ``links.csv``.

        Blank ``speed_kph`` and ``cost_usd_teu`` come from the parameters, and a blank
        ``length_km`` is the great-circle length of from → ``via`` → to times the
        mode's detour factor, exactly as when a network is read.

        Parameters
        ----------
        link
            Fields named as the columns of ``links.csv`` (``id``, ``from``, ``to``,
            ``mode``, ``length_km`` (km), ``speed_kph`` (km/h), ``cost_usd_teu``
            (USD per TEU), ``gauge_mm``, ``via`` (list of (lon, lat)), ``source``, ...).
        where
            Where the values come from, for messages (default ``add_link "<id>"``).

        Returns
        -------
        str
            The new link's id.

        Raises
        ------
        DataError
            Listing every problem (unknown place, a mode an end does not serve, a
            gauge the country lacks, ...); the network is unchanged then.
        """
        where = where or f'add_link "{link.get("id", "?")}"'
        problems = v.Problems("")
        values = _parse_values(link, LINK_COLUMNS, where, problems)
        problems.raise_if_any()
        if values["id"] in self.cached("link_ends", self._link_ends_index):
            problems.add(where, f"id = {values['id']!r} is already a link; expected a new id")
        nodes = dict(self._graph.nodes(data=True))
        _check_link(Record(where, values), nodes, self._corridor_names(), problems)
        problems.raise_if_any()
        self._graph.add_edges_from(_link_edges(self._graph, values, self.params))
        self.touch()
        return str(values["id"])

    def update_link(self, link_id: str, changes: Mapping[str, Any], *, where: str = "") -> None:
        """Change fields of a link (mutates it): speed, cost, gauge, length, status, capacity.

        A given ``speed_kph`` or ``cost_usd_teu`` stops being a parameter default; a
        given ``length_km`` becomes a sourced length (a default cost follows it).

        Parameters
        ----------
        link_id
            The link.
        changes
            Fields of ``links.csv`` and their new values; ``id``, ``from``, ``to``,
            ``mode`` and ``via`` cannot change (remove the link and add another).
        where
            Where the values come from, for messages.

        Raises
        ------
        DataError
            For an unknown link, a bad value, or a result that fails the checks of
            loading (e.g. a gauge the country lacks); the network is unchanged then.
        """
        where = where or f'update_link "{link_id}"'
        u, w = self._link_ends(link_id, where)
        problems = v.Problems("")
        parsed = _parse_values(changes, LINK_COLUMNS, where, problems, required=False)
        for key in sorted(set(parsed) & {"id", "from", "to", "mode", "via"}):
            problems.add(where, f"{key} cannot change; remove the link and add a new one")
        problems.raise_if_any()
        values = _link_values(u, w, link_id, self._graph.edges[u, w, link_id])
        defaults = set(values.get("defaults", "").split(";")) - set(parsed) - {""}
        values.update(parsed, defaults=";".join(sorted(defaults)))
        if "length_km" in parsed:
            values["length_basis"] = "source"
        _check_link(Record(where, values), dict(self._graph.nodes(data=True)),
                    self._corridor_names(), problems)  # fmt: skip
        problems.raise_if_any()
        self._rebuild_link(u, w, values)
        self.touch()

    def update_place(self, place: str, changes: Mapping[str, Any], *, where: str = "") -> None:
        """Change attributes of a place (mutates it): dwell, handling, fees, modes added, ...

        Parameters
        ----------
        place
            Place id or name.
        changes
            Columns of ``places.csv`` and their new values (hours, USD per TEU, ...).
            ``id``, ``kind``, ``country``, ``countries``, ``lon`` and ``lat`` cannot
            change, and ``modes`` may only gain modes.
        where
            Where the values come from, for messages.

        Raises
        ------
        DataError
            For an unknown place, a bad value, or a change the checks of loading
            refuse; the network is unchanged then.
        """
        where = where or f'update_place "{place}"'
        place_id = self._place_id(place, where)
        problems = v.Problems("")
        parsed = _parse_values(changes, PLACE_COLUMNS, where, problems, required=False)
        for key in sorted(set(parsed) & {"id", "kind", "country", "countries", "lon", "lat"}):
            problems.add(where, f"{key} cannot change; add a new place instead")
        data = self._graph.nodes[place_id]
        if "modes" in parsed:
            lost = set(data["modes"].split(";")) - set(parsed["modes"].split(";"))
            if lost:
                problems.add(
                    where,
                    f"modes = {parsed['modes']!r} drops {', '.join(sorted(lost))}; "
                    f"expected the place's modes ({data['modes']}) plus new ones",
                )
        problems.raise_if_any()
        values = {k: x for k, x in data.items() if k not in {"x", "y"} and not _blank(x)}
        values.update(parsed, id=place_id, lon=data["x"], lat=data["y"])
        taken = self.cached("name_index", self._name_index)
        nodes = _check_places([Record(where, values)], problems, taken_names=taken)
        problems.raise_if_any()
        data.update(nodes[place_id])
        self.touch()
        if not {"name", "alt_names"} & set(parsed):
            self._carry_names(taken, place_id)

    def _carry_names(self, index: dict[str, str], place_id: str) -> None:
        """Keep the name index across an edit that only added `place_id`'s names.

        Rebuilding the index after every edit would make a scenario of many steps
        take quadratic time.
        """
        data = self._graph.nodes[place_id]
        for name in [data.get("name", place_id), *(data.get("alt_names") or "").split(";")]:
            if name.strip():
                index.setdefault(v.normalize_name(name), place_id)
        self._cache[(self.revision, "name_index")] = index

    def remove_link(self, link_id: str, *, where: str = "") -> None:
        """Remove a link, both directions (mutates the network).

        Parameters
        ----------
        link_id
            The link.
        where
            Where the request comes from, for messages.

        Raises
        ------
        DataError
            If there is no such link (with close matches).
        """
        for u, w in self._directions(link_id, where or "remove_link"):
            self._graph.remove_edge(u, w, link_id)
        self.touch()

    def close_link(self, link_id: str, *, where: str = "") -> None:
        """Close a link in both directions (mutates: sets ``closed = True``; status unchanged).

        Parameters
        ----------
        link_id
            The link.
        where
            Where the request comes from, for messages.

        Raises
        ------
        DataError
            If there is no such link (with close matches).
        """
        self._set_link_closed(link_id, True, where or "close_link")

    def open_link(self, link_id: str, *, where: str = "") -> None:
        """Reopen a closed link (mutates: sets ``closed = False``; status unchanged).

        Parameters
        ----------
        link_id
            The link.
        where
            Where the request comes from, for messages.

        Raises
        ------
        DataError
            If there is no such link (with close matches).
        """
        self._set_link_closed(link_id, False, where or "open_link")

    def _set_link_closed(self, link_id: str, closed: bool, where: str) -> None:
        """Set ``closed`` on both directions of a link (the one of a one-way link)."""
        for u, w in self._directions(link_id, where):
            self._graph.edges[u, w, link_id]["closed"] = closed
        self.touch()

    def _directions(self, link_id: str, where: str) -> list[tuple[str, str]]:
        """Return the (u, v) pairs of a link's edges: both directions, or one if one-way."""
        u, w = self._link_ends(link_id, where)
        return [(a, b) for a, b in ((u, w), (w, u)) if self._graph.has_edge(a, b, link_id)]

    def close_place(
        self, place: str, *, modes: Iterable[str] | None = None, where: str = ""
    ) -> list[str]:
        """Close a place (mutates): the whole place, or only its links of some modes.

        Parameters
        ----------
        place
            Place id or name.
        modes
            ``None``: set the place's ``closed`` flag (nothing passes it). Otherwise
            close the place's links of these modes (e.g. ``["rail"]`` at a crossing).
        where
            Where the request comes from, for messages.

        Returns
        -------
        list of str
            The place id (whole place) or the ids of the links closed.

        Raises
        ------
        DataError
            For an unknown place or a mode it does not serve.
        """
        return self._set_place_closed(place, modes, True, where or "close_place")

    def open_place(
        self, place: str, *, modes: Iterable[str] | None = None, where: str = ""
    ) -> list[str]:
        """Reopen a place (mutates): clear its flag, or reopen its links of some modes.

        Parameters
        ----------
        place
            Place id or name.
        modes
            ``None``: clear the place's ``closed`` flag (its links keep theirs).
            Otherwise reopen the place's links of these modes.
        where
            Where the request comes from, for messages.

        Returns
        -------
        list of str
            The place id, or the ids of the links reopened.

        Raises
        ------
        DataError
            For an unknown place or a mode it does not serve.
        """
        return self._set_place_closed(place, modes, False, where or "open_place")

    def _set_place_closed(
        self, place: str, modes: Iterable[str] | None, closed: bool, where: str
    ) -> list[str]:
        """Set ``closed`` on a place, or on its links of `modes`."""
        place_id = self._place_id(place, where)
        if modes is None:
            self._graph.nodes[place_id]["closed"] = closed
            self.touch()
            return [place_id]
        modes = list(modes)
        served = self._graph.nodes[place_id]["modes"].split(";")
        for mode in modes:
            if mode not in served:
                raise DataError(
                    f"{where}: mode = {mode!r} but place {place_id!r} serves only "
                    f"{';'.join(served)!r}; expected one of its modes"
                )
        touching = [*self._graph.out_edges(place_id, keys=True, data="mode"),
                    *self._graph.in_edges(place_id, keys=True, data="mode")]  # fmt: skip
        changed = {key for _, _, key, mode in touching if mode in modes}
        for key in changed:
            for u, w in self._directions(key, where):
                self._graph.edges[u, w, key]["closed"] = closed
        self.touch()
        return sorted(changed)

    def set_params(self, params: Parameters) -> None:
        """Replace the parameters (mutates) and refill every value derived from them.

        Link speeds and costs listed in an edge's ``defaults``, and lengths with
        ``length_basis = computed``, are recomputed from `params`.

        Parameters
        ----------
        params
            The new parameters (e.g. ``net.params.replace(value_of_time_usd_teu_h=5.0)``).
        """
        self.params = params
        for key, (u, w) in list(self.cached("link_ends", self._link_ends_index).items()):
            self._rebuild_link(u, w, _link_values(u, w, key, self._graph.edges[u, w, key]))
        self.touch()

    def build_planned(self, links: Iterable[str] | None = None, *, where: str = "") -> list[str]:
        """Make planned links, and the planned places they end at, existing (mutates).

        Parameters
        ----------
        links
            Link ids; ``None``: every planned link and every planned place.
        where
            Where the request comes from, for messages.

        Returns
        -------
        list of str
            Ids of the links whose status changed.

        Raises
        ------
        DataError
            For an unknown link or one that is not planned; nothing changes then.
        """
        where = where or "build_planned"
        ends = self.cached("link_ends", self._link_ends_index)
        if links is None:
            chosen = [
                k
                for k, (u, w) in ends.items()
                if self._graph.edges[u, w, k]["status"] == "planned"
            ]
            places = [n for n, d in self._graph.nodes(data=True) if d["status"] == "planned"]
        else:
            chosen = list(links)
            for key in chosen:
                u, w = self._link_ends(key, where)
                status = self._graph.edges[u, w, key]["status"]
                if status != "planned":
                    raise DataError(
                        f"{where}: link {key!r} has status {status!r}; expected a planned link"
                    )
            places = [
                p for k in chosen for p in ends[k] if self._graph.nodes[p]["status"] == "planned"
            ]
        for key in chosen:
            for u, w in self._directions(key, "include_planned"):
                self._graph.edges[u, w, key]["status"] = "existing"
        for place in places:
            self._graph.nodes[place]["status"] = "existing"
        self.touch()
        return sorted(chosen)
