"""The rule table's published versions, whole, each from its effective date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Store


class RuleVersions:
    """The ``rule_versions`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db = store.db

    def add(self, *, effective: dt.date | None, published: dt.date, by: str | None, sha256: str, text: str,
            recorded_at: dt.datetime) -> int:
        """Store a version; returns its number (1, 2, … in the order published)."""
        number = self.latest_number() + 1
        self.db.execute("insert into rule_versions (number, effective, published, by, sha256, text, recorded_at) "
                        "values (?, ?, ?, ?, ?, ?, ?)",
                        [number, effective.isoformat() if effective else None, published.isoformat(), by, sha256, text,
                         recorded_at.isoformat()])
        self._store.seals.later("rules", str(number))
        return number

    def latest_number(self) -> int:
        """The number of the latest version (0 when there is none): versions are only ever added."""
        return self.db.execute("select max(number) from rule_versions").fetchone()[0] or 0

    def all(self) -> list[dict[str, Any]]:
        """Every version, in the order published."""
        return [{"number": row[0], "effective": dt.date.fromisoformat(row[1]) if row[1] else None,
                 "published": dt.date.fromisoformat(row[2]), "by": row[3], "sha256": row[4], "text": row[5]}
                for row in self.db.execute("select number, effective, published, by, sha256, text from rule_versions "
                                           "order by number")]
