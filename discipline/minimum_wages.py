"""The legal floor under every deduction: each region's minimum monthly wage, shipped with its sources.

《工资支付暂行规定》 art. 16 lets an employer deduct at most 20 % of a month's wage, and never so much that
what is left falls below the local minimum wage. That floor is set by each of the 31 provincial-level
regions, in tiers (档) of cities, and moves every two or three years; ``minimum_wages.toml`` beside this
module holds every adjustment since 2018 that could be confirmed, each with the issuing document and
where it was read. What could not be confirmed is left out and listed in that file's header: a month
this data cannot answer for a city is *unknown* here, never answered with an older row that a missing
adjustment replaced (see `Floors.at`). The rule table's own ``[[minimum_wage]]`` entries are a
company's policy floor: the higher of the two applies (a policy may raise the floor, never lower it
below the law), and a policy floor answers a month the shipped data cannot.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from importlib import resources

import attrs

from .model import MinimumWage
from .wording import Said, say

#: An adjustment older than this (in days) is probably not the latest one: regions adjust every 2–3 years.
STALE_AFTER_DAYS = 2 * 365


@attrs.frozen
class Floor:
    """One tier's minimum monthly wage from one adjustment, as one city sees it."""

    region: str
    region_zh: str
    tier: int
    city: str
    city_zh: str
    since: dt.date
    amount: Decimal
    social_insurance_included: bool
    """False in Shanghai and Beijing: the floor on the wage actually paid is the amount plus the employee's
    own social insurance and housing fund contributions."""
    document: str = ""
    number: str = ""
    published: str = ""
    checked: str = ""

    def source(self) -> str:
        """The issuing document as a person cites it: title, number, who published it."""
        number = f"（{self.number}）" if self.number else ""
        return f"{self.document}{number}，{self.published}" if self.document else self.published


@attrs.frozen
class Found:
    """The floor in force for a city in a month, or why it is unknown."""

    amount: Decimal | None
    floor: Floor | None = None
    """The shipped row it comes from (None for a rule table's policy floor alone)."""
    policy: MinimumWage | None = None
    """The rule table's entry, when one is in force."""
    unknown: Said | None = None
    """Why no floor is known, when ``amount`` is None."""


@attrs.frozen
class Floors:
    """The shipped data, by city and by region."""

    by_city: Mapping[str, tuple[Floor, ...]]
    """City → its rows, oldest first."""
    adjustments: Mapping[str, tuple[dt.date, ...]]
    """Region → the dates it adjusted on (a row of any tier), and the dates of adjustments known to have
    happened whose amounts are missing (``[[unconfirmed]]``)."""
    region_of: Mapping[str, str]
    names: Mapping[str, str]
    """City → its Chinese name; region → its Chinese name."""

    def at(self, city: str, day: dt.date) -> Floor | Said:
        """The row in force for ``city`` on ``day``, or why none is known: the city is not in the data, or
        its region's latest adjustment by then is missing or does not say which tier the city is in."""
        rows = self.by_city.get(city)
        if not rows:
            return say("floor_unknown_city", city=city)
        region = self.region_of[city]
        latest = max((d for d in self.adjustments[region] if d <= day), default=None)
        if latest is None:
            return say("floor_before_data", city=self.said(city), day=str(day), since=str(rows[0].since))
        found = [row for row in rows if row.since == latest]
        if not found:
            return say("floor_not_placed", city=self.said(city), region=self.said(region), since=str(latest))
        return found[0]

    def said(self, key: str) -> Said:
        """A city or region by its Chinese name and its key: ``上海 shanghai``."""
        zh = self.names.get(key, "")
        return Said(f"{zh}（{key}）" if zh else key, key)


@functools.cache
def shipped() -> Floors:
    """The data shipped in the package, read once."""
    text = resources.files(__package__).joinpath("minimum_wages.toml").read_text(encoding="utf-8")
    return read(tomllib.loads(text))


def read(data: Mapping[str, object]) -> Floors:
    """Floors from the file's parsed TOML (``[[wage]]`` rows and ``[[unconfirmed]]`` adjustments)."""
    by_city: dict[str, list[Floor]] = defaultdict(list)
    adjustments: dict[str, set[dt.date]] = defaultdict(set)
    region_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in _rows(data, "wage"):
        region = str(row["region"])
        adjustments[region].add(row["from"])
        names[region] = str(row["region_zh"])
        for city, city_zh in zip(row["cities"], row["cities_zh"], strict=True):
            region_of[city], names[city] = region, city_zh
            by_city[city].append(Floor(
                region=region, region_zh=str(row["region_zh"]), tier=int(row["tier"]), city=city, city_zh=city_zh,
                since=row["from"], amount=Decimal(row["amount"]),
                social_insurance_included=bool(row["social_insurance_included"]), document=str(row["document"]),
                number=str(row["number"]), published=str(row["published"]), checked=str(row["checked"])))
    for row in _rows(data, "unconfirmed"):
        adjustments[str(row["region"])].add(row["from"])
    return Floors(by_city={city: tuple(sorted(rows, key=lambda r: r.since)) for city, rows in by_city.items()},
                  adjustments={region: tuple(sorted(days)) for region, days in adjustments.items()},
                  region_of=region_of, names=names)


def _rows(data: Mapping[str, object], key: str) -> Iterable[Mapping[str, object]]:
    rows = data.get(key, [])
    return rows if isinstance(rows, list) else []


def in_force(wages: Sequence[MinimumWage], city: str | None, month_end: dt.date) -> Found:
    """The floor for ``city`` on a month's last day: the higher of the law's (shipped) and the table's policy
    (``wages``), whichever is known; ``Found.unknown`` says why when neither is."""
    if not city:
        return Found(None, unknown=say("floor_no_city"))
    policy = max((w for w in wages if w.city == city and w.since <= month_end), key=lambda w: w.since,
                 default=None)
    law = shipped().at(city, month_end)
    floor = law if isinstance(law, Floor) else None
    amounts = [a for a in (floor and floor.amount, policy and policy.amount) if a is not None]
    if not amounts:
        return Found(None, unknown=law if isinstance(law, Said) else say("floor_unknown_city", city=city))
    return Found(max(amounts), floor=floor, policy=policy)


def city_names(wages: Sequence[MinimumWage]) -> dict[str, tuple[str, ...]]:
    """Every city a roster may name → the names it goes by, Chinese first (``上海``, ``上海市``): the shipped
    data's cities and the rule table's."""
    floors = shipped()
    names = {city: floors.names[city] for city in floors.region_of}
    for wage in wages:
        if wage.name_zh or wage.city not in names:
            names[wage.city] = wage.name_zh or names.get(wage.city, "")
    return {city: (*((zh, f"{zh}市") if zh else ()), *((city.split("_")[0],) if "_" in city else ()))
            for city, zh in sorted(names.items())}


def stale(cities: Iterable[str], wages: Sequence[MinimumWage], today: dt.date) -> list[tuple[str, dt.date | None]]:
    """(city, the day its floor in force took effect) of each of ``cities`` whose floor today is over
    `STALE_AFTER_DAYS` old (regions adjust every two or three years: HR should look for a newer notice), and
    (city, None) for each whose floor today is not known at all."""
    out = []
    for city in sorted(set(cities)):
        found = in_force(wages, city, today)
        if found.amount is None:
            out.append((city, None))
            continue
        since = max(item.since for item in (found.floor, found.policy) if item is not None)
        if (today - since).days > STALE_AFTER_DAYS:
            out.append((city, since))
    return out
