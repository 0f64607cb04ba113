"""Field parsers and the problem collector used to validate input tables.

Every parser takes the raw text of a cell and returns the typed value, or raises
``_FieldError`` with what was expected. :class:`Problems` collects every
problem of a file so that one :class:`~corridors._errors.DataError` lists them all.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from corridors._errors import MAX_LISTED, DataError

__all__ = [
    "BOUNDS",
    "COUNTRY_GAUGES",
    "ISO_COUNTRIES",
    "MAX_PROBLEMS",
    "Problems",
    "close_matches",
    "normalize_name",
    "read_toml",
]

ISO_COUNTRIES: frozenset[str] = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()  # noqa: SIM905
)

#: Track gauges (mm) of each country's railway network, where the model checks them.
COUNTRY_GAUGES: dict[str, frozenset[int]] = {
    "CN": frozenset({1435}),
    "KP": frozenset({1435}),
    "KR": frozenset({1435}),
    "RU": frozenset({1520}),
    "MN": frozenset({1520}),
    "JP": frozenset({1067, 1435}),
}

KNOWN_GAUGES: frozenset[int] = frozenset({1067, 1435, 1520})
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")

#: A decimal number in plain ASCII (no digit separators, no full-width digits).
NUMBER_PATTERN = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")

#: Physical bounds of numbers, inclusive, by unit; the same in every input (tables,
#: GeoPackage, GraphML, records, scenarios, parameters, OSM imports). A value outside
#: is a typing or unit error: no link is shorter than 1 m (an OSM snap) or longer than
#: half the Earth's circumference, no vehicle is slower than walking pace or faster
#: than an airliner, no wait lasts a year.
BOUNDS: dict[str, tuple[float, float]] = {
    "km": (0.001, 20_000.0),
    "km/h": (1.0, 1_200.0),
    "hours": (0.0, 8_760.0),
    "USD per TEU": (0.0, 1_000_000.0),
    "USD per TEU-km": (0.0, 1_000.0),
    "USD per TEU-hour": (0.0, 100_000.0),
    "km²": (0.0001, 1_000_000.0),
    "detour factor": (1.0, 5.0),
}

#: Problems collected in one input before reading stops (a huge bad file ends early).
MAX_PROBLEMS = 1_000


Parser = Callable[[str], Any]


class FieldError(ValueError):
    """A cell's value is not what its column expects (internal)."""


def normalize_name(text: str) -> str:
    """Fold a place name for lookups: lower case, no accents, single spaces.

    Parameters
    ----------
    text
        A name as typed.

    Returns
    -------
    str
        The folded name.

    Examples
    --------
    >>> normalize_name("  Zamyn-Üüd ")
    'zamyn-uud'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def close_matches(word: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """Return up to `n` candidates close to `word`, best first.

    Parameters
    ----------
    word
        What the user typed.
    candidates
        Valid words.
    n
        Largest number of suggestions.

    Returns
    -------
    list of str
        Close matches (difflib ratio ≥ 0.6), and candidates that start with `word`.
    """
    candidates = list(dict.fromkeys(candidates))
    folded = {normalize_name(c): c for c in candidates}
    key = normalize_name(word)
    hits = [folded[m] for m in difflib.get_close_matches(key, list(folded), n=n, cutoff=0.6)]
    prefixed = [c for f, c in folded.items() if key and f.startswith(key) and c not in hits]
    return (hits + sorted(prefixed))[:n]


class Problems:
    """Collect the problems found in one file, then raise them together.

    Parameters
    ----------
    source
        The file (or table) being checked, as shown to the user; blank when each
        ``where`` names its own file.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record one problem; stop reading once :data:`MAX_PROBLEMS` are found.

        Parameters
        ----------
        where
            Row or line and record, e.g. ``line 42 (link "a-b-rail")``.
        message
            What is wrong and what was expected.

        Raises
        ------
        DataError
            When this is problem number :data:`MAX_PROBLEMS`: the rest of the input
            is not read (the message says there are at least that many).
        """
        prefix = f"{self.source}, " if self.source else ""
        self.messages.append(f"{prefix}{where}: {message}")
        if len(self.messages) >= MAX_PROBLEMS:
            raise DataError(self.messages[:MAX_LISTED], more=len(self.messages) - MAX_LISTED)

    def raise_if_any(self) -> None:
        """Raise one :class:`DataError` listing every problem, if there are any.

        Raises
        ------
        DataError
            When at least one problem was recorded.
        """
        if self.messages:
            raise DataError(self.messages)


def read_toml(
    path: Path, *, expected: str, save_as: str, nested: str
) -> tuple[str, dict[str, Any]]:
    """Read a TOML file; any failure is one :class:`DataError` line naming `path`.

    Parameters
    ----------
    path
        The TOML file.
    expected
        What the file should be, for a missing file (``"a scenario .toml file"``).
    save_as
        What to save as UTF-8 when the text is not (``"params.toml"``).
    nested
        The message for tables nested too deeply for the TOML parser.

    Returns
    -------
    tuple of (str, dict)
        The text (for line numbers in later messages) and the parsed document.

    Raises
    ------
    DataError
        If the file is missing, unreadable, not UTF-8 or not valid TOML.
    """
    if not path.exists():
        raise DataError(f"{path}: file not found; expected {expected}")
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save {save_as} as UTF-8") from None
    except RecursionError:
        raise DataError(f"{path}: {nested}") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error})") from None


def parse_text(raw: str) -> str:
    """Return the stripped text (may be empty)."""
    return raw.strip()


def parse_id(raw: str) -> str:
    """Return an identifier made of ``[a-z0-9_]``."""
    value = raw.strip()
    if not ID_PATTERN.match(value):
        msg = "expected an id of lower-case letters, digits and '_' (e.g. 'hunchun_port')"
        raise FieldError(msg)
    return value


def _number(raw: str) -> float:
    """Return a finite number written in plain ASCII decimals, or raise ``FieldError``."""
    text = raw.strip()
    if not NUMBER_PATTERN.match(text):
        if text.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            raise FieldError("expected a finite number")
        if "_" in text or " " in text or not text.isascii():
            raise FieldError("expected a number in plain ASCII digits such as 12.5 (no '_')")
        raise FieldError("expected a number")
    value = float(text)
    if not math.isfinite(value):
        raise FieldError("expected a finite number")
    return value


def check_bounds(value: float, unit: str) -> float:
    """Return `value` if it lies within the physical bounds of `unit` (:data:`BOUNDS`).

    Parameters
    ----------
    value
        A parsed number.
    unit
        A key of :data:`BOUNDS`; other units have no bounds.

    Returns
    -------
    float
        `value`.

    Raises
    ------
    FieldError
        If `value` is outside the bounds.
    """
    if unit in BOUNDS:
        low, high = BOUNDS[unit]
        if not low <= value <= high:
            raise FieldError(f"expected a value between {low:g} and {high:g}")
    return value


def parse_positive(raw: str) -> float:
    """Return a number > 0."""
    value = _number(raw)
    if value <= 0:
        raise FieldError("expected a positive number")
    return value


def parse_non_negative(raw: str) -> float:
    """Return a number ≥ 0."""
    value = _number(raw)
    if value < 0:
        raise FieldError("expected a number >= 0")
    return value


def bounded(parse: Parser, unit: str) -> Parser:
    """Return `parse` followed by the physical bounds of `unit` (:data:`BOUNDS`).

    Parameters
    ----------
    parse
        A number parser such as :func:`parse_positive`.
    unit
        A key of :data:`BOUNDS`.

    Returns
    -------
    callable
        The checking parser; its errors name the unit.
    """

    def parse_bounded(raw: str) -> float:
        """Parse one value and check its bounds."""
        try:
            return check_bounds(parse(raw), unit)
        except FieldError as error:
            raise FieldError(f"{error} ({unit})") from None

    return parse_bounded


def parse_lon(raw: str) -> float:
    """Return a longitude in [-180, 180]."""
    value = _number(raw)
    if not -180 <= value <= 180:
        raise FieldError("expected a longitude in decimal degrees between -180 and 180")
    return value


def parse_lat(raw: str) -> float:
    """Return a latitude in [-90, 90]."""
    value = _number(raw)
    if not -90 <= value <= 90:
        raise FieldError("expected a latitude in decimal degrees between -90 and 90")
    return value


def parse_year(raw: str) -> int:
    """Return a four-digit year."""
    try:
        number = _number(raw)
    except FieldError:
        raise FieldError("expected a year such as 2023") from None
    if not number.is_integer() or not 1800 <= number <= 2100:
        raise FieldError("expected a year such as 2023")
    return int(number)


def parse_bool(raw: str) -> bool:
    """Return ``True``/``False`` from true/false/yes/no/1/0."""
    value = raw.strip().lower()
    if value in {"true", "yes", "1"}:
        return True
    if value in {"false", "no", "0"}:
        return False
    raise FieldError("expected true or false")


def parse_country(raw: str) -> str:
    """Return an ISO 3166-1 alpha-2 country code."""
    value = raw.strip().upper()
    if value not in ISO_COUNTRIES:
        hint = close_matches(value, sorted(ISO_COUNTRIES), n=3)
        extra = f" (close: {', '.join(hint)})" if hint else ""
        raise FieldError(f"expected an ISO 3166-1 alpha-2 country code such as CN{extra}")
    return value


def parse_country_pair(raw: str) -> str:
    """Return two distinct country codes joined by '-', e.g. ``CN-RU``."""
    parts = raw.strip().upper().split("-")
    if len(parts) != 2 or parts[0] == parts[1]:
        raise FieldError("expected two different country codes joined by '-', e.g. CN-RU")
    return "-".join(parse_country(p) for p in parts)


def parse_gauge(raw: str) -> str:
    """Return a gauge text: ``1435``, ``1520`` or dual ``1435+1520``."""
    parts = raw.strip().split("+")
    try:
        gauges = sorted({int(p) for p in parts if p.isascii() and p.strip().isdigit()})
        if len(gauges) != len(set(parts)):
            raise ValueError
    except ValueError:
        raise FieldError("expected a gauge in mm: 1435, 1520 or 1435+1520") from None
    if not set(gauges) <= KNOWN_GAUGES:
        raise FieldError(f"expected gauges among {sorted(KNOWN_GAUGES)} mm, e.g. 1435+1520")
    return "+".join(str(g) for g in gauges)


def parse_via(raw: str) -> list[tuple[float, float]]:
    """Return waypoints from ``"lon lat; lon lat"``."""
    points = []
    for chunk in raw.split(";"):
        if not chunk.strip():
            continue
        parts = chunk.split()
        if len(parts) != 2:
            raise FieldError(f"expected 'lon lat; lon lat; ...' waypoints, found {chunk!r}")
        points.append((parse_lon(parts[0]), parse_lat(parts[1])))
    return points


def choice(allowed: Iterable[str]) -> Parser:
    """Return a parser that accepts one of `allowed` (case-insensitive)."""
    options = tuple(allowed)

    def parse(raw: str) -> str:
        """Parse one cell."""
        value = raw.strip().lower()
        if value not in options:
            hint = close_matches(value, options, n=2)
            extra = f" (did you mean {' or '.join(hint)}?)" if hint else ""
            raise FieldError(f"expected one of {', '.join(options)}{extra}")
        return value

    return parse


def subset(allowed: Iterable[str]) -> Parser:
    """Return a parser of a ``;``-separated subset of `allowed`, kept in `allowed` order."""
    options = tuple(allowed)
    single = choice(options)

    def parse(raw: str) -> str:
        """Parse one cell."""
        chosen = {single(p) for p in raw.split(";") if p.strip()}
        if not chosen:
            raise FieldError(f"expected one or more of {';'.join(options)}")
        return ";".join(o for o in options if o in chosen)

    return parse


def parse_list(raw: str) -> str:
    """Return a ``;``-separated list, tidied (no empty items, single spaces)."""
    return ";".join(" ".join(p.split()) for p in raw.split(";") if p.strip())
