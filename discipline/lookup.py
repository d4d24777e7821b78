"""What people type, matched against what is known: staff ids whatever their case, role, city and shift
names in Chinese or as codes, and, when nothing matches, the nearest candidates ("did you mean C01 郑浩?").

A lead copies ``g01`` from a help text, or types the name they know (``郑浩``, ``导购``, ``上海``) rather
than a code. Nothing is guessed: an id matches case-folded only when one person has it, and a near miss
is refused with the candidates named, never taken for one of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from .model import DisciplineError, Staff
from .wording import Said, say

#: Candidates named in a "did you mean": enough to find the one meant, few enough to read on a phone.
SUGGESTIONS = 3


def folded(text: str) -> str:
    """``text`` as compared: case-folded, surrounding spaces dropped (``" g01 "`` is ``G01``)."""
    return text.strip().casefold()


def nearest(typed: str, candidates: Mapping[str, Iterable[str]]) -> list[str]:
    """The keys of ``candidates`` (each key with the other words that name it: a Chinese name, an English
    one) nearest to ``typed``: those one of whose words equals it case-folded, else the closest by
    spelling (``difflib``), best first."""
    want = folded(typed)
    if not want:
        return []
    words: dict[str, list[str]] = {}
    for key, names in candidates.items():
        for word in (key, *names):
            if word:
                words.setdefault(folded(word), []).append(key)
    if want in words:
        return list(dict.fromkeys(words[want]))[:SUGGESTIONS]
    # A chain's 30,000 ids: compare only words of about the length typed (difflib is quadratic in them).
    near = [word for word in words if abs(len(word) - len(want)) <= max(2, len(want) // 3)]
    # Chinese names are two or three characters: one of two alike (导游, 导购) is as near as they come.
    close = difflib.get_close_matches(want, near, n=SUGGESTIONS * 2, cutoff=0.6 if want.isascii() else 0.5)
    return list(dict.fromkeys(key for word in close for key in words[word]))[:SUGGESTIONS]


def did_you_mean(typed: str, candidates: Mapping[str, Iterable[str]], label: Mapping[str, str] | None = None) -> str:
    """``"; did you mean C01 郑浩 or C02 周杰?"`` (each key with its ``label``), or ``""`` when nothing is near."""
    return suggestion(typed, candidates, label).en


def suggestion(typed: str, candidates: Mapping[str, Iterable[str]], label: Mapping[str, str] | None = None) -> Said:
    """``did_you_mean`` in both languages (``；是不是C01 郑浩？``); empty in both when nothing is near."""
    found = nearest(typed, candidates)
    if not found:
        return Said("", "")
    label = label or {}
    names = [f"{key} {label[key]}" if label.get(key) else key for key in found]
    return say("did_you_mean", names=Said("、".join(names[:-1]) + " 或 " + names[-1] if len(names) > 1 else names[0],
                                          " or ".join(names)))


class Ids:
    """The ids of ``keys`` by their case-folded form, for many look-ups (a file's rows): ``ids(typed)`` is
    the id as stored, or None when nobody has it or two ids differ from it only in case (then only the
    exact id is taken)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.exact = set(keys)
        self.by_fold: dict[str, str | None] = {}
        for key in self.exact:
            self.by_fold[folded(key)] = None if folded(key) in self.by_fold else key

    def __call__(self, typed: str) -> str | None:
        return typed if typed in self.exact else self.by_fold.get(folded(typed))


def staff_id(typed: str, people: Iterable[str]) -> str | None:
    """The stored id of the person ``typed`` names, compared case-folded (``Ids``), for one look-up."""
    return Ids(people)(typed)


def unknown_staff(typed: str, people: Mapping[str, Staff], where: str | Said = "",
                  otherwise: Said | None = None) -> DisciplineError:
    """"unknown staff 'X99'; did you mean C01 郑浩?", by id or by name, with ``where`` it was given (or,
    when nobody is near, ``otherwise``: what to do; by default, where the ids are listed)."""
    hint = suggestion(typed, {key: (person.name,) for key, person in people.items()},
                      {key: person.name for key, person in people.items()})
    where = where if isinstance(where, Said) else Said.same(where)
    return DisciplineError(say("unknown_staff", typed=repr(typed), where=where,
                               rest=hint if hint.en else (otherwise or say("staff_list_hint"))))


def choose(typed: str, options: Mapping[str, Sequence[str]]) -> str | None:
    """The key of ``options`` (key → the names it goes by) that ``typed`` is or names, case-folded: roles,
    shifts and cities are typed as their codes or as the Chinese names lists show. None when none is, or when
    several are (``taizhou`` is 台州 and 泰州): the refusal then names them all."""
    want = folded(typed)
    found = [key for key, names in options.items()
             if want == folded(key) or any(want == folded(name) for name in names if name)]
    return found[0] if len(found) == 1 else None


def hint(typed: str, options: Mapping[str, Sequence[str]], what: str) -> str:
    """``"; did you mean guide 导购?"``, or every option when none is near: ``"; roles: guide 导购, …"``."""
    label = {key: names[0] if names else "" for key, names in options.items()}
    near = did_you_mean(typed, options, label)
    return near or f"; {what}: " + ", ".join(f"{key} {label[key]}".strip() for key in options)


def stores(typed: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """The stores ``--store`` names, as the roster spells them (case-folded, spaces around dropped, so
    ``" 浦东展厅"`` is ``浦东展厅``); a store nobody ever worked at is refused with the nearest ones, or with
    every store when the chain is small enough to list."""
    spelled = {folded(name): name for name in known}
    out: list[str] = []
    for name in typed:
        found = spelled.get(folded(name))
        if found is None:
            listed = sorted(spelled.values())
            rest = suggestion(name, {store: () for store in listed})
            if not rest.en:
                rest = say("stores_are", stores="、".join(listed[:20]) + ("…" if len(listed) > 20 else "")) \
                    if listed else say("no_stores")
            raise DisciplineError(say("unknown_store", typed=repr(name), rest=rest))
        if found not in out:
            out.append(found)
    return tuple(out)
