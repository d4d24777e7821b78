"""Events logged together: one violation of several people, each with an event of their own.

「當著客戶的面發生爭執…否則雙方均予辭退」 charges every party: each gets their own event, charge and count
of occurrences, and the group (its first event's id) is withdrawn whole by a void of any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Store


class EventGroups:
    """The ``event_groups`` table: event id → the id of the first event of its group."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def add(self, event_ids: Sequence[int]) -> int:
        """Tie ``event_ids`` (two or more, first first) into one group; its id is the first event's."""
        group = event_ids[0]
        self.db.conn.executemany("insert into event_groups (event_id, group_id) values (?, ?)",
                                 [(event_id, group) for event_id in event_ids])
        return group

    def members(self, event_id: int) -> list[int]:
        """Every event of ``event_id``'s group, in order; ``[event_id]`` for an event logged alone."""
        row = self.db.execute("select group_id from event_groups where event_id = ?", [event_id]).fetchone()
        if row is None:
            return [event_id]
        return [r[0] for r in self.db.execute("select event_id from event_groups where group_id = ? "
                                              "order by event_id", [row[0]]).fetchall()]
