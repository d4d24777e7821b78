"""The ``discipline`` command: a thin click layer over the ``discipline`` package.

Each command parses its arguments, calls one function of ``discipline.service`` and prints the
result. Bad input of any kind ends in one sentence on stderr and exit code 2, with nothing changed;
anything unexpected ends in one sentence and exit code 1, never a traceback. Heavy modules are
imported inside the commands that use them, so ``discipline --help`` stays instant.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from discipline import DISTRIBUTION
from discipline.model import DisciplineError
from discipline.texttable import shown, shown_json
from discipline.wording import LANGUAGES, Said, headings, kind_name, said_of, say


class InputError(click.ClickException):
    """Bad input: exit code 2, one sentence saying what was wrong and what is allowed."""

    exit_code = 2


#: A group run without a command shows its help (exit 2); that is not a refusal to rewrite.
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _refusal_language(ctx: click.Context) -> str:
    """What a refusal is said in: ``--lang``, else the database's rule table's ``language``, else Chinese (the
    shipped table's), when there is no database to ask."""
    app = ctx.obj
    if not isinstance(app, App):
        return "zh"
    if app.lang or "book" in app.__dict__:
        return app.known_language()
    try:
        return str(app.book.latest.table.settings.language)
    except Exception:  # no database, or one that cannot be read: the refusal is what matters now
        return "zh"


class Group(click.Group):
    """Turns the library's errors into clean exits, for the installed command and CliRunner alike."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:  # bytes a non-UTF-8 terminal sent arrive as lone surrogates, which nothing can store
            if not arg.isascii() and any("\ud800" <= ch <= "\udfff" for ch in arg):
                raise InputError(f"the argument {arg!r} holds bytes that are not UTF-8 text; type it again in a "
                                 "terminal set to UTF-8")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from discipline.rules import RulesError

        try:
            return super().invoke(ctx)
        except NO_ARGS_IS_HELP:
            raise
        except BrokenPipeError:  # the reader stopped reading (| head): what was done is done, and said enough
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except click.UsageError as exc:  # one sentence, like every other refusal, with where to look
            where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
            message = f"{exc.format_message().rstrip('.')}; '{where} --help' shows what it takes"
            raise InputError(shown(message)) from None
        except click.ClickException as exc:  # what a person typed, or a database holds, shows as its escapes
            exc.message = shown(exc.message)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except (DisciplineError, RulesError) as exc:
            problems, language = getattr(exc, "problems", ()), _refusal_language(ctx)
            if len(problems) > 1:  # a refused file: every bad row (or rule) with its line, then the summary
                for problem in problems:
                    click.echo(shown(problem.in_(language) if isinstance(problem, Said) else str(problem)), err=True)
            raise InputError(shown(exc.in_(language) if isinstance(exc, DisciplineError) else str(exc))) from None
        except sqlite3.Error as exc:
            raise click.ClickException(f"the database could not be used ({exc})") from None
        except OSError as exc:
            raise click.ClickException(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None
        except Exception as exc:  # the promise: no traceback reaches a user
            raise click.ClickException(f"unexpected error ({type(exc).__name__}: {exc}); nothing was changed "
                                       "by the failed step, please report this") from None


class App:
    """What every command shares: where the database is, and a rule table file where one is read.

    Everything that prices reads the versions published in the database (``book``), never a file:
    the same database gives the same payroll from any folder. A file (``--rules``, else
    ``$DISCIPLINE_RULES``, else ``./rules.toml``, else the shipped table) is read only by ``init`` (its
    version 1), ``rules check``, ``demo``, and as the proposal of a what-if.
    """

    def __init__(self, db: str, rules: str | None, lang: str | None = None) -> None:
        self.db_path = Path(db)
        self.rules_path = Path(rules) if rules else (Path("rules.toml") if Path("rules.toml").exists() else None)
        self.lang = lang
        """``--lang`` (or ``$DISCIPLINE_LANG``): what people read is shown in it instead of the table's ``language``."""

    def language(self, table: Any) -> str:
        """What explanations are shown in: ``--lang``, else the rule table's ``language`` setting."""
        return self.lang or table.settings.language

    @functools.cached_property
    def table(self):  # type: ignore[no-untyped-def]
        """The rule table file's (for init, rules check, demo)."""
        from discipline.rules import load_rules

        return load_rules(self.rules_path)

    @functools.cached_property
    def book(self):  # type: ignore[no-untyped-def]
        """The rule-table versions published in the database: what prices."""
        from discipline import versions

        return versions.book(self.store())

    @functools.cached_property
    def _store(self):  # type: ignore[no-untyped-def]
        from discipline import service
        from discipline.storage import read_only_here

        context = click.get_current_context(silent=True)
        reading = context is not None and getattr(context.command.callback, "reads", False)
        return self._told(service.open_store(self.db_path, read_only=reading and read_only_here(self.db_path)))

    def store(self, *, create: bool = False):  # type: ignore[no-untyped-def]
        from discipline import service

        return self._told(service.open_store(self.db_path, create=True)) if create else self._store

    def _told(self, store):  # type: ignore[no-untyped-def]
        """A lead kept waiting for the write lock is told who holds it; the note says which command this is."""
        context = click.get_current_context(silent=True)
        store.command = context.command_path.removeprefix(f"{context.find_root().info_name} ") if context else ""
        store.on_wait = lambda why: click.echo(say("still_waiting", why=why).in_(self.known_language()), err=True)
        return store

    def known_language(self) -> str:
        """The language to speak in without reading the database again (a write is waiting on it): ``--lang``,
        else the rule table's if it was read already, else Chinese."""
        book = self.__dict__.get("book")
        return self.lang or (str(book.latest.table.settings.language) if book is not None else "zh")

    def now(self):  # type: ignore[no-untyped-def]
        from discipline import clock

        return clock.now(self.book.zone)

    def today(self):  # type: ignore[no-untyped-def]
        return self.now().date()


pass_app = click.make_pass_decorator(App)


def reads(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A command that only reads: all its reads in one snapshot (``Store.read``), so a payroll printed while a
    roster import commits is the month before it or after it, never half of each. When it must write after
    all (the charges cache was made with another rule table), it runs again inside a write."""

    @functools.wraps(fn)
    def command(head: Any, /, *args: Any, **kwargs: Any) -> Any:
        from discipline.storage import NeedsWrite, NoDatabase

        app = head if isinstance(head, App) else head.find_object(App)
        try:
            store = app.store()
        except NoDatabase:  # the command says so, or reads the rule table at hand
            return fn(head, *args, **kwargs)
        from discipline import cache, versions
        from discipline.model import DisciplineError
        from discipline.rules import RulesError

        try:
            book, wanted = app.book, cache.fingerprint(app.book)
        except (DisciplineError, RulesError):  # no versions, or one altered by hand: the command says so
            book = wanted = None
        if book is not None and not store.read_only:
            if store.charges.fingerprint() != wanted:  # a new release, or a new version
                with store.write():  # every key marked stale at once, then priced in steps below, not in one write
                    cache.ensure_priced(store, versions.current(store, book), keys=())
            cache.settle_all(store, versions.book)  # what a rule change left to re-price, a few thousand at a time
        try:
            with store.read():
                if book is None or store.versions.latest_number() != book.latest.number:  # published since
                    app.__dict__.pop("book", None)
                return fn(head, *args, **kwargs)
        except NeedsWrite:
            app.__dict__.pop("book", None)
            with store.write():
                return fn(head, *args, **kwargs)

    command.reads = True  # type: ignore[attr-defined]  # App opens the database read-only where it must
    return command


def output_option(*formats: str, default: str = "text") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format F`` plus ``--json`` as its shorthand, for every command that prints data."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(fn)
        return click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                            help="Output format.")(fn)

    return decorate


def _remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(App).lang = value


def _lang_everywhere(group: click.Group) -> None:
    """``--lang zh|en|both`` on every command (the same as ``discipline --lang``): each prints for people, if
    only a refusal. Eager, so a refusal of another option is already said in the language asked for."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _lang_everywhere(command)
        runs = not isinstance(command, click.Group) or command.invoke_without_command  # (events lists)
        if runs and not any(param.name == "lang" for param in command.params):
            command.params.append(click.Option(
                ["--lang"], type=click.Choice(LANGUAGES), expose_value=False, callback=_remember_lang, is_eager=True,
                help="Show explanations in Chinese, English or both (default: the rule table's language)."))


def whole_number(text: str, what: str) -> int:
    """An id typed by a person: digits only, and no larger than any id can be."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise DisciplineError(say("not_an_id", typed=repr(text), what=what))
    return int(text)


def typed_text(limit: int) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """An option's callback for free text a person types: plain text, at most ``limit`` characters."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from discipline.typed import plain_text

        if value is None:
            return None
        try:
            return plain_text(value, what=f"--{param.name}", limit=limit)
        except ValueError as exc:
            raise DisciplineError(said_of(exc)) from None

    return check


def by_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    value = typed_text(100)(ctx, param, value)
    if value == "":
        raise InputError("--by must name who ran it (a name or staff id)")
    return value


#: ``--store S`` (repeatable) of a command that lists a chain: only these stores.
store_option = click.option("--store", "stores", multiple=True, metavar="STORE",
                            help="Only this store (repeat for several).")
#: ``--by NAME`` of a bulk command: who ran it (kept on its batch).
by_option = click.option("--by", metavar="NAME", callback=by_name, help="Who ran it (kept on the batch).")
#: ``--confirm`` of a command that takes money: an amount beyond the plausible limit is real (``plausible.py``).
confirm_option = click.option("--confirm", is_flag=True, help=(
    "Accept an amount beyond the plausible limit (a value or loss over one year's wage, a monthly wage over "
    "100000; or the rule table's plausible_amount_limit, plausible_wage_limit): it is real."))


def chosen(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


#: Where an option's value came from when nobody typed it.
DEFAULT = click.core.ParameterSource.DEFAULT
#: What an ``--out`` file's extension says it is.
EXTENSIONS = {".csv": "csv", ".html": "html", ".htm": "html", ".json": "json", ".xlsx": "xlsx", ".txt": "text"}


def output_format(fmt: str, as_json: bool, out: str | None, formats: Sequence[str], *,
                  on_screen: str | None = None) -> str:
    """The format a command writes: ``--format`` (or ``--json``) when given; else the ``--out`` file's known
    extension (``payroll.xlsx`` is a workbook); else, on a terminal, ``on_screen`` (a table for people rather
    than the CSV a pipe gets). An extension that contradicts ``--format``, or names a format the command does
    not write, is refused; so is a workbook for the screen."""
    context = click.get_current_context()
    given = as_json or context.get_parameter_source("fmt") is not DEFAULT
    fmt = chosen(fmt, as_json)
    if out:
        ext = Path(out).suffix.lower()
        named_by = EXTENSIONS.get(ext)
        if not given and named_by in formats:
            fmt = named_by
        elif ext and named_by != fmt:  # a file without an extension is whatever was asked for
            raise DisciplineError(say("out_mismatch", out=out, ext=ext, fmt=fmt) if given and named_by
                                  else say("out_unknown_ext", out=out, ext=ext, formats=", ".join(
                                      sorted(e for e, f in EXTENSIONS.items() if f in formats))))
    elif not given and on_screen is not None and sys.stdout.isatty():
        fmt = on_screen
    if fmt == "xlsx" and not out and sys.stdout.isatty():
        raise DisciplineError(say("binary_on_screen"))
    return fmt


#: How many lines of one kind a command prints for a person to read; ``--json`` gives them all.
LIST_LIMIT = 50


class Streamed:
    """A list in a document for ``print_json`` whose items are made as they are written: what an import
    of 300,000 rows changed, as dicts, would take hundreds of megabytes at once. Not a ``list``: any other
    encoder refuses it rather than write it empty."""

    def __init__(self, items: Sequence[Any], convert: Callable[[Any], Any]) -> None:
        self.items, self.convert = items, convert


def print_json(data: Any) -> None:
    """``data`` as JSON, indented by two; a ``Streamed`` list among the top-level values is written item by
    item, the same text ``json.dumps`` would write for the whole list."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2)

    streamed = isinstance(data, dict) and any(isinstance(value, Streamed) for value in data.values())
    if not streamed:
        click.echo(shown_json(dumps(data)))
        return
    click.echo("{")
    for number, (key, value) in enumerate(data.items()):
        comma = "," if number < len(data) - 1 else ""
        if isinstance(value, Streamed) and value.items:
            click.echo(f"  {dumps(key)}: [")
            for index, item in enumerate(value.items):
                tail = "," if index < len(value.items) - 1 else ""
                click.echo("    " + shown_json(dumps(value.convert(item))).replace("\n", "\n    ") + tail)
            click.echo(f"  ]{comma}")
        else:
            click.echo(f"  {dumps(key)}: " + shown_json(dumps([] if isinstance(value, Streamed) else value)
                                                         ).replace("\n", "\n  ") + comma)
    click.echo("}")


def month_argument(value: str) -> str:
    from discipline import service

    return service.parse_month(value)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", default="discipline.db", envvar="DISCIPLINE_DB", show_default=True,
              help="The database file (or $DISCIPLINE_DB).")
@click.option("--rules", "rules", default=None, envvar="DISCIPLINE_RULES",
              help="The rule table (or $DISCIPLINE_RULES; else ./rules.toml if present, else the shipped one).")
@click.option("--lang", type=click.Choice(LANGUAGES), envvar="DISCIPLINE_LANG",
              help="Explanations in Chinese, English or both (or $DISCIPLINE_LANG; else the rule table's language).")
@click.version_option(package_name=DISTRIBUTION)
@click.pass_context
def cli(ctx: click.Context, db: str, rules: str | None, lang: str | None) -> None:
    """Staff attendance and discipline scoring for retail stores and car showrooms.

    \b
    A store lead logs a violation:   discipline log g01 showroom.late --at "2026-11-03 08:42"
    A staff member reads the month:  discipline scorecard g01 --month 2026-11
    Payroll at month end:            discipline payroll 2026-11 --format csv --out payroll.csv
    """
    ctx.obj = App(db, rules, lang)


# -- set-up -----------------------------------------------------------------------------------

@cli.command()
@pass_app
def init(app: App) -> None:
    """Create the database, or bring an existing one to the current schema (harmless to repeat).

    A database without a published rule table gets the table at hand (--rules, $DISCIPLINE_RULES,
    ./rules.toml, else the shipped one) as version 1, in force from the beginning.
    """
    from discipline import clock, versions
    from discipline.resources import shipped_rules_path
    from discipline.rules import read_text

    store = app.store(create=True)
    needs_table = not store.path.exists() or store.schema_version < 5 or not store.versions.all()
    table = app.table if needs_table else None  # a broken rule table is reported before anything is created
    before = store.schema_version
    version = store.migrate()
    click.echo(f"database {app.db_path} ready (schema version {version})")
    if table is not None:
        path = app.rules_path or shipped_rules_path()
        now = clock.now(table.zone)
        first = versions.first(store, read_text(path), name=str(path), now=now)
        if first is not None:
            click.echo(f"rule table {path.name} is version 1 ({first.short}), in force from the beginning; "
                       "'discipline rules publish' adds later versions")
        if 0 < before < 5:
            click.echo("the roster as it stands is each person's first version, from the beginning")


@cli.group()
def staff() -> None:
    """The roster: who works where, for whom, on what wage, and since when."""


def date_option(name: str, help_text: str, **extra: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option taking a date as people type it (2026-11-03 or 2026/11/3)."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        from discipline.typed import local_date

        if value is None:
            return None
        try:
            return local_date(value, what=name)
        except ValueError as exc:
            raise DisciplineError(said_of(exc)) from None

    return click.option(name, callback=parse, metavar="YYYY-MM-DD", help=help_text, **extra)


def print_roster_change(result: Any) -> None:
    prefix = "dry run: nothing was changed; this is what it would do\n" if result.dry_run else ""
    batch = f" (batch {result.batch})" if result.batch else ""
    click.echo(f"{prefix}roster: {len(result.added)} added, {result.updated} updated, {result.unchanged} "
               f"unchanged{batch}")
    for change in result.fields[:LIST_LIMIT]:
        click.echo(f"  {shown(str(change))}" + ("" if change.personal else f" from {result.effective}"))
    if result.hired_on_adding:
        click.echo(f"  hired {result.effective} (no hired date given: the day added): "
                   f"{', '.join(result.hired_on_adding)}")
    if len(result.fields) > LIST_LIMIT:
        click.echo(f"  … and {len(result.fields) - LIST_LIMIT} more changes")
    if result.changed:
        click.echo("pay changed:")
        print_changes(result.changed)


def roster_change_json(result: Any) -> dict[str, Any]:
    return {"effective": result.effective.isoformat(), "dry_run": result.dry_run, "batch": result.batch,
            "added": list(result.added), "unchanged": result.unchanged,
            "updated": [{"staff_id": c.staff_id, "field": c.field, "before": c.before, "after": c.after}
                        for c in result.fields], "changed": changes_json(result.changed)}


@staff.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@date_option("--effective", "The day the changes take effect (default: today).")
@click.option("--dry-run", is_flag=True, help="Show what would change, for the roster and for pay; change nothing.")
@by_option
@confirm_option
@output_option("text", "json")
@pass_app
def staff_import(app: App, file: str, effective: Any, dry_run: bool, by: str | None, confirm: bool, fmt: str,
                 as_json: bool) -> None:
    """Add or update staff from a CSV file (UTF-8, with or without BOM), each change from a date.

    \b
    Columns: id, name, store, team, role, supervisor, base_wage, bonus, shift, city, hired, left,
             clock (no: does not punch; default yes), pin (the attendance machine's number; default id)
    Every bad row is reported with its line; on any error nothing is imported. Someone new is on the
    roster from the beginning; a change to someone takes effect from --effective (a raise applies
    from its date), and what it does to pay from then on is listed.
    """
    from discipline import service

    data = read_input(file)
    result = service.import_staff(app.store(), app.book, data, now=app.now(), file=Path(file).name, by=by,
                                  effective=effective, dry_run=dry_run, confirm=confirm)
    if chosen(fmt, as_json) == "json":
        print_json(roster_change_json(result))
        return
    print_roster_change(result)


@staff.command("set")
@click.argument("staff_id", metavar="ID")
@click.argument("values", metavar="FIELD=VALUE...", nargs=-1, required=True)
@date_option("--effective", "The day the change takes effect (default: today).")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@by_option
@confirm_option
@output_option("text", "json")
@pass_app
def staff_set(app: App, staff_id: str, values: tuple[str, ...], effective: Any, dry_run: bool, by: str | None,
              confirm: bool, fmt: str, as_json: bool) -> None:
    """Change one person from a date: a raise, a transfer, a new supervisor, a leaver's left date.

    \b
    discipline staff set C01 base_wage=4500 --effective 2026-11-01
    discipline staff set G02 store=南京西路店 supervisor=L01 --effective 2026-12-01
    discipline staff set C03 left=2026-11-30
    """
    from discipline import roster_history

    fields = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{value!r} is not FIELD=VALUE; fields: {', '.join(roster_history.FIELDS)}")
        fields[name.strip()] = text.strip()
    result = roster_history.set_fields(app.store(), app.book, staff_id.strip(), fields,
                                       effective=effective or app.today(), now=app.now(), by=by, dry_run=dry_run,
                                       confirm=confirm)
    if chosen(fmt, as_json) == "json":
        print_json(roster_change_json(result))
        return
    print_roster_change(result)


def _staff_add_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    from discipline.roster import COLUMNS

    for column in reversed(COLUMNS):
        fn = click.option(f"--{column.replace('_', '-')}", column, required=column in ("id", "name", "store", "role",
                                                                                       "base_wage", "city"),
                          help=f"The roster's {column} column.")(fn)
    return fn


@staff.command("add")
@_staff_add_options
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@by_option
@confirm_option
@pass_app
def staff_add(app: App, dry_run: bool, by: str | None, confirm: bool, **columns: str | None) -> None:
    """Add one person, with the roster's columns as options (the same checks as staff import).

    \b
    discipline staff add --id C05 --name 林琳 --store 浦东展厅 --role consultant --supervisor GA1 \\
        --base-wage 4000 --bonus 500 --shift showroom --city shanghai --hired 2026-12-01
    """
    from discipline import roster_history

    values = {name: value for name, value in columns.items() if value is not None}
    result = roster_history.add(app.store(), app.book, values, effective=app.today(), now=app.now(), by=by,
                                dry_run=dry_run, confirm=confirm)
    print_roster_change(result)


@staff.command("history")
@click.argument("staff_id", metavar="ID")
@output_option("text", "json")
@pass_app
@reads
def staff_history(app: App, staff_id: str, fmt: str, as_json: bool) -> None:
    """One person's versions: from when each holds, what it says, and which batch recorded it."""
    from discipline import roster_history
    from discipline.texttable import text_table

    versions = roster_history.versions_of(app.store(), staff_id.strip())
    if chosen(fmt, as_json) == "json":
        print_json(versions)
        return
    shown = ("name", "store", "team", "role", "supervisor", "base_wage", "bonus", "shift", "city", "clock", "pin",
             "hired", "left")

    def cell(column: str, value: Any) -> str:
        from decimal import Decimal

        return f"{Decimal(value):.2f}" if column in ("base_wage", "bonus") and value else str(value or "")

    rows = [[str(v["seq"]), v["effective"] or "(beginning)", *[cell(c, v[c]) for c in shown], str(v["batch"] or "")]
            for v in versions]
    click.echo(text_table(["#", "from", *shown, "batch"], rows))


@staff.command("list")
@click.option("--store", "store_name", help="Only this store.")
@date_option("--at", "The roster as it was (or will be) on this day (default: today).")
@output_option("text", "json")
@pass_app
@reads
def staff_list(app: App, store_name: str | None, at: Any, fmt: str, as_json: bool) -> None:
    """The roster, one person per line, as on a day."""
    from discipline.texttable import text_table

    day = at or app.today()
    roster = app.store().staff.history().at(day)
    people = [p for p in roster.values() if store_name is None or p.store == store_name]
    people.sort(key=lambda p: (p.store, p.id))
    if chosen(fmt, as_json) == "json":
        print_json([{"id": p.id, "name": p.name, "store": p.store, "team": p.team, "role": p.role,
                     "supervisor": p.supervisor, "base_wage": f"{p.base_wage:.2f}", "bonus": f"{p.bonus:.2f}",
                     "shift": p.shift, "city": p.city, "hired": p.hired and p.hired.isoformat(),
                     "left": p.left and p.left.isoformat(), "clock": "yes" if p.clock else "no",
                     "pin": p.machine_number} for p in people])
        return
    if not people:
        stores = sorted({p.store for p in roster.values()})
        click.echo(shown(f"nobody at {store_name}; stores: {', '.join(stores)}") if store_name and stores else
                   "nobody on the roster yet; add people with 'discipline staff import FILE.csv'")
        return
    table = app.book.at(day)  # each in the words the roster accepts back: 导购, 展厅, 上海
    roles = {key: zh for key, zh, _ in table.roles}
    from discipline import minimum_wages

    shifts, cities = table.shift_names(), minimum_wages.city_names(table.minimum_wages)
    rows = [[p.id, p.name, p.store, p.team, roles.get(p.role, p.role), p.supervisor or "", f"{p.base_wage:.2f}",
             f"{p.bonus:.2f}", next(iter(shifts.get(p.shift or "", ())), p.shift or ""),
             next(iter(cities.get(p.city or "", ())), p.city or ""), p.left.isoformat() if p.left else "",
             p.machine_number if p.clock else "不打卡 no"] for p in people]
    click.echo(text_table(headings("id", "name", "store", "team", "role", "supervisor", "base", "bonus", "shift",
                                   "city", "left", "clock", language=app.language(table)), rows, right=(6, 7)))


@cli.group()
def rules() -> None:
    """The rule table: its versions in the database, and rules.toml files to check and publish."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@pass_app
def rules_check(app: App, path: str | None) -> None:
    """Validate a rule table file (PATH, else --rules, else ./rules.toml, else the shipped one); every
    problem is shown with its file, line and rule code."""
    from discipline.rules import check_rules

    table, problems = check_rules(Path(path) if path else app.rules_path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the rule table; nothing uses it until they are fixed")
    assert table is not None
    from discipline.rules import lawful_warnings

    for warning in lawful_warnings(table):  # the table is usable; HR should know what the law says of it
        click.echo(say("warning", what=warning).in_(app.known_language()), err=True)
    click.echo(f"{table.path}: {len(table.rules)} rules, {len(table.shifts)} shifts, no problems")


def in_force(app: App, at: Any):  # type: ignore[no-untyped-def]
    """The version in force on ``at`` (default today) when there is a database, else the file's table."""
    if not app.db_path.exists():
        return None, app.table
    version = app.book.version_at(at or app.today())
    return version, version.table


@rules.command("list")
@date_option("--at", "The version in force on this day (default: today).")
@output_option("text", "json")
@pass_app
@reads
def rules_list(app: App, at: Any, fmt: str, as_json: bool) -> None:
    """Every rule of the version in force: code, Chinese and English name, and its amount in words."""
    from discipline.rules import amount_words
    from discipline.texttable import text_table

    _, table = in_force(app, at)
    if chosen(fmt, as_json) == "json":
        print_json([{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "amount": amount_words(r, table),
                     "per": r.per, "items": list(r.items), "window": r.window,
                     "outcomes": list(r.outcome_names()), "source": r.source} for r in table.rules])
        return
    click.echo(text_table(headings("code", "name_zh", "name_en", "amount", language=app.language(table)),
                          [[r.code, r.name_zh, r.name_en, amount_words(r, table)] for r in table.rules]))


@rules.command("publish")
@click.argument("path", type=click.Path(dir_okay=False))
@date_option("--effective", "The first day it prices (at least notice_days after --published).", required=True)
@date_option("--published", "The day it was made known to staff (公示; default: today).")
@click.option("--retroactive", is_flag=True, help="Take effect sooner than notice_days after publishing.")
@by_option
@pass_app
def rules_publish(app: App, path: str, effective: Any, published: Any, retroactive: bool, by: str | None) -> None:
    """Publish a rule table as the next version, in force from --effective; what it reaches is re-priced.

    \b
    discipline rules export --out rules.toml          (the version in force, to edit)
    discipline rules publish rules.toml --effective 2026-12-08 --by "HR 王"
    """
    from discipline import versions
    from discipline.rules import read_text

    text = read_text(Path(path))
    done = versions.publish(app.store(), text, name=path, effective=effective, published=published or app.today(),
                            by=by, retroactive=retroactive, now=app.now())
    version, previous = done.version, done.previous
    if done.already:
        click.echo(f"nothing published: {path} is version {version.number} ({version.short}), in force on "
                   f"{effective} already")
        return
    change = versions.summary(versions.diff(previous.table, version.table), previous.table, version.table) \
        if previous else "the first version"
    click.echo(f"{path} is version {version.number} ({version.short}), in force from {version.effective}: {change}")


@rules.command("versions")
@output_option("text", "json")
@pass_app
@reads
def rules_versions(app: App, fmt: str, as_json: bool) -> None:
    """Every published version: from when, published when and by whom, its SHA-256 (of its text: UTF-8
    without a byte-order mark, lines ending in \\n) and what it changed from the version it replaces."""
    import datetime as dt

    from discipline import versions
    from discipline.texttable import text_table

    book = app.book
    listed = []
    for index, v in enumerate(book.versions):
        earlier = [w for w in book.versions[:index] if (w.effective or dt.date.min) < (v.effective or dt.date.min)]
        before = max(earlier, key=lambda w: (w.effective or dt.date.min, w.number)) if earlier else (
            book.versions[index - 1] if index else None)  # what it replaces: the version in force the day before
        change = versions.summary(versions.diff(before.table, v.table), before.table, v.table) if before \
            else "the first version"
        listed.append({"version": v.number, "effective": v.effective and v.effective.isoformat(),
                       "published": v.published.isoformat(), "by": v.by, "sha256": v.sha256, "changes": change})
    if chosen(fmt, as_json) == "json":
        print_json(listed)
        return
    click.echo(text_table(["version", "from", "published", "by", "sha256", "changes"],
                          [[str(v["version"]), v["effective"] or "(beginning)", v["published"], v["by"] or "",
                            v["sha256"][:12], v["changes"]] for v in listed], right=(0,)))


@rules.command("show")
@date_option("--at", "The version in force on this day (default: today).")
@output_option("text", "json")
@pass_app
@reads
def rules_show(app: App, at: Any, fmt: str, as_json: bool) -> None:
    """The version in force on a day: its number, dates and SHA-256, then every rule and amount."""
    from discipline.rules import amount_words
    from discipline.texttable import text_table

    version = app.book.version_at(at or app.today())
    table = version.table
    if chosen(fmt, as_json) == "json":
        print_json({"version": version.number, "effective": version.effective and version.effective.isoformat(),
                    "published": version.published.isoformat(), "by": version.by, "sha256": version.sha256,
                    "rules": [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en,
                               "amount": amount_words(r, table)} for r in table.rules]})
        return
    by = f" by {version.by}" if version.by else ""
    click.echo(f"version {version.label()}, published {version.published}{by}")
    click.echo(text_table(headings("code", "name_zh", "name_en", "amount", language=app.language(table)),
                          [[r.code, r.name_zh, r.name_en, amount_words(r, table)] for r in table.rules]))


@rules.command("diff")
@click.argument("first", metavar="V1", callback=lambda ctx, param, value: whole_number(value, "V1"))
@click.argument("second", metavar="V2", callback=lambda ctx, param, value: whole_number(value, "V2"))
@output_option("text", "json")
@pass_app
@reads
def rules_diff(app: App, first: int, second: int, fmt: str, as_json: bool) -> None:
    """Rules added, removed and changed from version V1 to V2, with the old and new amounts."""
    from discipline import versions
    from discipline.texttable import text_table

    numbers = {v.number: v for v in app.book.versions}
    for number in (first, second):
        if number not in numbers:
            raise InputError(f"there is no rule version {number}; 'discipline rules versions' lists them "
                             f"(1–{max(numbers)})")
    old, new = numbers[first].table, numbers[second].table
    found = versions.diff(old, new)
    if chosen(fmt, as_json) == "json":
        print_json({"from": first, "to": second, "summary": versions.summary(found, old, new),
                    "rules": [{"code": c.code, "change": c.what, "before": c.before, "after": c.after}
                              for c in found]})
        return
    click.echo(f"version {first} → {second}: {versions.summary(found, old, new)}")
    if found:
        click.echo(text_table(["code", "", "before", "after"], [[c.code, c.what, c.before, c.after] for c in found]))


@rules.command("export")
@date_option("--at", "The version in force on this day (default: today).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of the screen.")
@pass_app
@reads
def rules_export(app: App, at: Any, out: str | None) -> None:
    """The TOML of the version in force, exactly as published: edit a copy of what is in force, then
    publish it (the same text publishes with the same SHA-256)."""
    version = app.book.version_at(at or app.today())
    write_output(version.text.encode("utf-8"), out)


# -- minimum wages ----------------------------------------------------------------------------

@cli.command()
@click.argument("city", required=False)
@date_option("--at", "The day to look at (default: today).")
@click.option("--all", "every", is_flag=True, help="Every city the data knows, not only the roster's.")
@output_option("text", "json")
@pass_app
@reads
def minwage(app: App, city: str | None, at: Any, every: bool, fmt: str, as_json: bool) -> None:
    """The legal minimum monthly wage that caps deductions: by city, with the document that set it.

    \b
    discipline minwage 深圳                  (the amount in force today, its tier and its source)
    discipline minwage shanghai --at 2020-12-31
    discipline minwage                       (every city of the roster)
    discipline minwage check                 (the roster's cities whose latest adjustment is over two years old)
    """
    from discipline import clock, lookup, minimum_wages, payroll

    table, cities = _minwage_context(app, at)
    today = clock.now(table.zone).date()
    day = at or today
    language = app.language(table)
    names = minimum_wages.city_names(table.minimum_wages)
    if city is not None and city.strip().lower() == "check":
        return _minwage_check(cities, table, today, language, chosen(fmt, as_json))
    if city is not None:
        key = lookup.choose(city.strip(), names)
        if key is None:
            near = lookup.suggestion(city.strip(), names, {k: v[0] for k, v in names.items() if v})
            raise DisciplineError(say("minwage_no_city", typed=repr(city.strip()), near=near))
        cities = [key]
    elif every:
        cities = sorted(names)
    month = f"{day:%Y-%m}"
    found = [(key, payroll.minimum_wage(table, key, month)) for key in cities]
    if chosen(fmt, as_json) == "json":
        print_json([_minwage_json(key, names, day, item) for key, item in found])
        return
    if not found:
        click.echo(say("minwage_no_roster").in_(language))
    for key, item in found:
        click.echo(_minwage_text(key, names, day, item, language, whole=city is not None))


def _minwage_context(app: App, day: Any) -> tuple[Any, list[str]]:
    """The rule table in force on ``day`` (its own floors) and the roster's cities then: the database's, or the
    rule table at hand and no roster when there is no database yet."""
    from discipline.storage import NoDatabase

    try:
        store = app.store()
    except NoDatabase:
        return app.table, []
    roster = store.staff.roster()
    return app.book.at(day) if day else app.book.latest.table, sorted({p.city for p in roster.values() if p.city})


def _minwage_json(key: str, names: Any, day: Any, item: Any) -> dict[str, Any]:
    floor, policy = item.floor, item.policy
    return {"city": key, "name": (names.get(key) or ("",))[0], "day": day.isoformat(),
            "amount": None if item.amount is None else f"{item.amount:.2f}",
            "unknown": item.unknown and item.unknown.en,
            "law": floor and {"region": floor.region, "tier": floor.tier, "from": floor.since.isoformat(),
                              "amount": f"{floor.amount:.2f}",
                              "social_insurance_included": floor.social_insurance_included,
                              "document": floor.document, "number": floor.number, "published": floor.published,
                              "checked": floor.checked},
            "policy": policy and {"from": policy.since.isoformat(), "amount": f"{policy.amount:.2f}"}}


def _minwage_text(key: str, names: Any, day: Any, item: Any, language: str, *, whole: bool) -> str:
    from discipline.money import yuan
    from discipline.wording import Said

    name = Said(f"{names[key][0]}（{key}）" if names.get(key) else key, key)
    if item.amount is None:
        return say("minwage_unknown", city=name, day=str(day), why=item.unknown).in_(language)
    lines = [say("minwage_in_force", city=name, day=str(day), amount=yuan(item.amount))]
    floor, policy = item.floor, item.policy
    if floor is not None:
        lines.append(say("minwage_tier", region=Said(floor.region_zh, floor.region), tier=floor.tier,
                         since=str(floor.since), amount=yuan(floor.amount)))
    if policy is not None and policy.amount == item.amount:
        lines.append(say("minwage_policy", amount=yuan(policy.amount), since=str(policy.since)))
    if whole and floor is not None:
        if not floor.social_insurance_included:
            lines.append(say("minwage_excludes"))
        lines.append(say("minwage_source", document=Said.same(floor.source())))
        if floor.checked:
            lines.append(say("minwage_checked", url=floor.checked))
    return "\n".join(("" if index == 0 else "  ") + line.in_(language) for index, line in enumerate(lines))


def _minwage_check(cities: list[str], table: Any, today: Any, language: str, fmt: str) -> None:
    """The roster's cities whose latest known adjustment is over two years old, or that have none."""
    from discipline import minimum_wages

    stale = minimum_wages.stale(cities, table.minimum_wages, today)
    if fmt == "json":
        print_json([{"city": city, "latest": latest and latest.isoformat()} for city, latest in stale])
        return
    if not cities:
        click.echo(say("minwage_no_roster").in_(language))
    elif not stale:
        click.echo(say("minwage_all_current", count=len(cities)).in_(language))
    for city, latest in stale:
        click.echo((say("minwage_stale", city=city, since=str(latest)) if latest else
                    say("minwage_stale_none", city=city)).in_(language))


# -- the log ----------------------------------------------------------------------------------

@cli.command("log")
@click.argument("staff_id", metavar="STAFF")
@click.argument("rule")
@click.option("--at", "at_text", help="Local time: '2026-11-03 08:42', '2026/11/3 8:42', '11-03 8:42' (this year) "
              "or 08:42 (today); a date needs its time of day (default: now).")
@click.option("--count", type=int, help="Units, for rules priced per unit (cards, days, contacts…).")
@click.option("--item", "items", multiple=True, help="A missing item, for item-list rules (repeat it).")
@click.option("--value", help="Value in yuan, for rules priced as a multiple of a value.")
@click.option("--loss", help="The actual loss in yuan, for compensation.")
@click.option("--outcome", help="One of the rule's outcomes, where it has a choice.")
@click.option("--lapse", is_flag=True, help="Supervision lapse: the supervisor is charged double.")
@click.option("--charge", "charge_to", metavar="STAFF", help="Who pays, where the rule charges someone else.")
@click.option("--note", default="", callback=typed_text(2000), help="What happened, in a few words.")
@click.option("--by", metavar="STAFF", help="Who logged it.")
@click.option("--again", is_flag=True,
              help="Log it although the same violation (person, rule, minute, options) is already in the log.")
@confirm_option
@output_option("text", "json")
@pass_app
def log_command(app: App, staff_id: str, rule: str, at_text: str | None, count: int | None, items: tuple[str, ...],
                value: str | None, loss: str | None, outcome: str | None, lapse: bool, charge_to: str | None,
                note: str, by: str | None, again: bool, confirm: bool, fmt: str, as_json: bool) -> None:
    """Record one violation and show every charge it caused, and every charge it moved.

    STAFF is a staff id or, when nobody can be identified, team:TEAM. A violation found after its
    month was closed is logged with its true time; what it costs is paid in the first open month.

    \b
    discipline log c01 showroom.late --at "2026-11-03 08:42"
    discipline log c01 showroom.toolkit --item 订单 --item 金融资料
    discipline log g02 duty.cleanup --count 2 --lapse
    discipline log team:B testdrive.window_open
    """
    from discipline import service
    from discipline.model import Event
    from discipline.money import parse_decimal

    book = app.book
    now = app.now()
    at = service.parse_time(at_text, book, now=now) if at_text else now.replace(microsecond=0)
    version = book.version_at(at.date())
    rule = next((r.code for r in version.table.rules if r.code.casefold() == rule.strip().casefold()), rule)
    if not version.table.has_rule(rule.strip()):
        elsewhere = [v.number for v in book.versions if v.table.has_rule(rule.strip())]
        if elsewhere:
            raise DisciplineError(say("not_in_version", code=rule.strip(), version=version.number, day=f"{at:%Y-%m-%d}",
                                      elsewhere=", ".join(map(str, elsewhere))))
        raise DisciplineError(unknown_rule(rule.strip(), version.table))
    amounts = {}
    for name, text in (("value", value), ("loss", loss)):
        if text is not None:
            try:
                amounts[name] = parse_decimal(text, what=f"--{name}", money=True)
            except ValueError as exc:
                raise DisciplineError(said_of(exc)) from None
    if count is not None and count < 1:
        raise DisciplineError(say("count_at_least_one"))
    parties = [who.strip() for who in re.split(r"[,，、]", staff_id) if who.strip()] or [staff_id.strip()]
    events = [Event(id=0, staff=who, rule=rule.strip(), at=at, count=count, items=tuple(i.strip() for i in items),
                    value=amounts.get("value"), loss=amounts.get("loss"), outcome=outcome, lapse=lapse,
                    charge=charge_to, note=note, by=by) for who in parties]
    store = app.store()
    every = (service.log_together(store, book, events, now=now, again=again, confirm=confirm) if len(events) > 1
             else [service.log(store, book, events[0], now=now, again=again, confirm=confirm)])
    language = app.language(version.table)
    ids = [logged.event_id for logged in every]
    if chosen(fmt, as_json) == "json":
        print_json({"event_id": ids[0], "charges": [charge_json(c, language) for logged in every
                                                    for c in logged.charges],
                    "posted_month": every[0].posted_month,
                    "changed": changes_json(tuple(c for logged in every for c in logged.changed)),
                    **({"events": ids} if len(ids) > 1 else {})})
        return
    for logged in every:
        click.echo(say("logged", event=logged.event_id, staff=logged.staff, rule=rule.strip(),
                       at=clock_text(at)).in_(language))
        print_charges(logged.charges, language, version.table)
        if logged.posted_month:
            click.echo(say("posted_in", month=f"{at:%Y-%m}", posted=logged.posted_month).in_(language))
        others = [c for c in logged.changed if c.event_id not in ids]
        if others:
            click.echo(say("also_repriced").in_(language))
            print_changes(others, language=language, table=version.table)
    if len(ids) > 1:
        click.echo(say("logged_together", events=", ".join(map(str, ids))).in_(language))


def unknown_rule(code: str, table: Any) -> Any:
    """'unknown rule …; did you mean showroom.late 迟到?', by code or by name — store leads type fast (both
    languages: a ``wording.Said``)."""
    from discipline import lookup
    from discipline.wording import say

    hint = lookup.suggestion(code, {r.code: (r.name_zh, r.name_en) for r in table.rules},
                             {r.code: r.name_zh for r in table.rules})
    return say("unknown_rule", typed=repr(code), rest=hint)


def charge_json(charge: Any, language: str) -> dict[str, Any]:
    """A charge as ``log --json`` prints it: ``explanation`` in ``language``, and in each language beside it."""
    from discipline.money import number, yuan
    from discipline.wording import in_language

    return {"staff_id": charge.staff_id, "kind": charge.kind, "points": number(charge.points),
            "amount": yuan(charge.amount), "disposition": charge.disposition,
            "explanation": in_language(charge.explanation_zh, charge.explanation, language),
            "explanation_zh": charge.explanation_zh, "explanation_en": charge.explanation}


def clock_text(moment: Any) -> str:
    """``2026-11-03 08:42``, with the seconds when there are any: a time given with seconds keeps them."""
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment.second else f"{moment:%Y-%m-%d %H:%M}"


def changes_json(changed: Any) -> Streamed:
    from discipline.changes import to_json

    return Streamed(changed, to_json)


def print_changes(changed: Any, *, limit: int = LIST_LIMIT, language: str = "en", table: Any = None) -> None:
    """The charges a command moved, before → after, one per person, month and event (headings and notes in
    ``language``; dispositions by their names in ``table``, when given, else by their keys)."""
    from discipline.wording import in_language

    def named(key: str) -> str:
        return in_language(*table.disposition_name(key), language) if table is not None and language != "en" else key

    from discipline.money import number, yuan
    from discipline.texttable import text_table

    rows = []
    for c in changed[:limit]:
        points = f"{number(c.points_before)} → {number(c.points_after)}" if c.points_before != c.points_after else ""
        note = []
        if c.dispositions_moved:
            note.append(f"{'/'.join(map(named, c.dispositions_before)) or '-'} → "
                        f"{'/'.join(map(named, c.dispositions_after)) or '-'}")
        if c.posted_month:
            note.append(say("paid_later", month=c.month, posted=c.posted_month).in_(language))
        rows.append([c.staff_id, c.month, str(c.event_id), c.rule, yuan(c.before), yuan(c.after), points,
                     "; ".join(note)])
    table = text_table([*headings("staff", "month", "event", "rule", "before", "after", "points", language=language),
                        ""], rows, right=(2, 4, 5))
    click.echo("\n".join("  " + line.rstrip() for line in table.splitlines()))
    if len(changed) > limit:
        click.echo(say("more_changes", count=len(changed) - limit).in_(language))


def print_charges(charges: Any, language: str, table: Any) -> None:
    """What an event charged whom, each line explained in ``language``, a disposition by its name."""
    from discipline.money import number, yuan
    from discipline.texttable import text_table
    from discipline.wording import in_language

    if not charges:
        click.echo(say("no_charge").in_(language))
        return
    rows = [[c.staff_id, kind_name(c.kind, "zh" if language == "both" else language),  # a column: one name
             number(c.points) if c.points else "",
             yuan(c.amount) if c.amount else "",
             in_language(*table.disposition_name(c.disposition), language) if c.disposition else "",
             in_language(c.explanation_zh, c.explanation, language)] for c in charges]
    table = text_table(headings("staff", "kind", "points", "yuan", "disposition", "why", language=language), rows,
                       right=(2, 3))
    click.echo("\n".join("  " + line for line in table.splitlines()))


@cli.command()
@click.argument("event_id", metavar="EVENT", callback=lambda ctx, param, value: whole_number(value, "EVENT"))
@click.option("--reason", required=True, callback=typed_text(500), help="Why the event is withdrawn.")
@click.option("--by", metavar="STAFF", help="Who withdrew it.")
@output_option("text", "json")
@pass_app
def void(app: App, event_id: int, reason: str, by: str | None, fmt: str, as_json: bool) -> None:
    """Withdraw an event. Nothing is deleted: the withdrawal is a new entry in the log.

    Later events are re-priced (void the 1st lateness and the 2nd costs 20, not 40). An event of a
    closed month is reversed in the first open month instead, with the ladder steps it moves there.
    """
    from discipline import service

    voided = service.void(app.store(), app.book, event_id, reason=reason, by=by, now=app.now())
    if chosen(fmt, as_json) == "json":
        print_json({"event_id": event_id, "voided": True, "posted_month": voided.posted_month,
                    "changed": changes_json(voided.changed),
                    **({"events": list(voided.events)} if len(voided.events) > 1 else {})})
        return
    language = app.language(app.book.latest.table)
    if voided.posted_month:
        click.echo(say("voided_closed", event=event_id, posted=voided.posted_month).in_(language))
    else:
        click.echo(say("voided", event=event_id).in_(language))
    if len(voided.events) > 1:
        click.echo(say("voided_together", events=", ".join(map(str, voided.events))).in_(language))
    if voided.changed:
        click.echo(say("pay_changed").in_(language))
        print_changes(voided.changed, language=language, table=app.book.latest.table)


@cli.group(invoke_without_command=True)
@click.option("--staff", "staff_id", help="Only this person (or team:TEAM).")
@click.option("--month", help="Only this month (YYYY-MM).")
@store_option
@output_option("text", "json")
@click.pass_context
@reads
def events(ctx: click.Context, staff_id: str | None, month: str | None, stores: tuple[str, ...], fmt: str,
           as_json: bool) -> None:
    """The event log: what each violation cost and who pays, withdrawn events marked.

    \b
    discipline events --staff C01 --month 2026-11
    discipline events --store 浦东展厅 --month 2026-11
    discipline events import history.csv      (many violations at once; see its --help)
    """
    if ctx.invoked_subcommand is not None:
        return
    from discipline import event_list, lookup, service

    app = ctx.find_object(App)
    assert app is not None
    from discipline.money import number, yuan
    from discipline.texttable import text_table

    store, table = app.store(), app.book
    if staff_id and not staff_id.startswith("team:"):
        staff_id = store.staff.known(staff_id)
    selected = event_list.listed(store, table, staff=staff_id, month=service.parse_month(month) if month else None,
                                 stores=lookup.stores(stores, store.staff.stores()) if stores else ())
    if chosen(fmt, as_json) == "json":
        print_json([{"event_id": e.event.id, "staff_id": e.event.staff, "rule": e.event.rule,
                     "at": e.event.at.isoformat(), "voided": e.event.voided, "derived": e.event.derived,
                     "batch": e.event.batch, "note": e.event.note, "rule_name_zh": e.rule_zh,
                     "amount": yuan(e.amount), "points": number(e.points), "paid_by": list(e.payers),
                     "source": e.source,
                     "charges": [{"staff_id": who, "kind": kind, "points": str(points), "amount": yuan(amount)}
                                 for who, kind, points, amount in e.charges]} for e in selected])
        return
    language = app.language(table.latest.table)
    if not selected:
        click.echo(say("no_events").in_(language))
        return
    withdrawn = say("withdrawn_status").in_(language)
    sources = {key: say(f"source_{key}").in_(language) for key in ("derive", "import", "log")}
    rows = [[str(e.event.id), clock_text(e.event.at), e.event.staff, e.event.rule, e.rule_zh,
             number(e.points) if e.points else "", yuan(e.amount) if e.amount or (e.charges and not e.points) else "",
             ",".join(e.payers), withdrawn if e.event.voided else "",
             sources[e.source] + (f" #{e.event.batch}" if e.event.batch else ""), e.event.note] for e in selected]
    click.echo(text_table(headings("event", "at", "staff", "rule", "rule_zh", "points", "yuan", "payer", "status",
                                   "source", "note", language=language), rows, right=(0, 5, 6)))


@events.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@by_option
@click.option("--allow-duplicates", is_flag=True,
              help="Log rows that are the same violation as one already in the log (person, rule, minute, options).")
@confirm_option
@output_option("text", "json")
@pass_app
def events_import(app: App, file: str, by: str | None, allow_duplicates: bool, confirm: bool, fmt: str,
                  as_json: bool) -> None:
    """Log many violations from a CSV file, as one ``discipline log`` per row, in one batch.

    \b
    Columns: staff,rule,at and optionally count,items,value,loss,outcome,lapse,charge,note,by
    (items separated by ';', lapse yes/no). Every bad row is reported with its line; on any
    error nothing is logged. A file imported before logs nothing; a row that is already in the
    log is skipped. 'discipline undo BATCH' withdraws the whole import.
    """
    from discipline import service

    result = service.import_events(app.store(), app.book, read_input(file), now=app.now(), file=Path(file).name,
                                   by=by, allow_duplicates=allow_duplicates, confirm=confirm)
    if chosen(fmt, as_json) == "json":
        print_json({"batch": result.batch, "logged": result.logged, "already_imported": result.already,
                    "duplicates": len(result.duplicates), "skipped": list(result.duplicates),
                    "posted_month": result.posted_month, "changed": changes_json(result.changed),
                    "parts": result.parts, "continued": result.continued})
        return
    if result.already:
        click.echo(f"{file} was already imported as batch {result.batch}; nothing logged "
                   f"('discipline batches' shows it; undo it first to import the file again)")
        return
    batch = f" (batch {result.batch}; 'discipline undo {result.batch} --reason …' withdraws them all)" \
        if result.batch else ""
    duplicates = f", {len(result.duplicates)} duplicate row(s) skipped" if result.duplicates else ""
    click.echo(f"{result.logged} events logged{duplicates}{batch}")
    if result.continued:
        click.echo(f"  this finished batch {result.batch}: an earlier run of the file, stopped half-way, had logged "
                   f"{result.continued} of its rows")
    if result.parts > 1:
        click.echo(f"  logged in {result.parts} parts, so that store leads could log in between")
    for sentence in result.duplicates[:20]:
        click.echo(f"  skipped {sentence}")
    if len(result.duplicates) > 20:
        click.echo(f"  … and {len(result.duplicates) - 20} more (--json lists them all)")
    if result.posted_month:
        click.echo(f"  events of closed months keep their times; what they cost is paid in {result.posted_month}")
    if result.changed:
        click.echo("pay changed:")
        print_changes(result.changed)


# -- statements -------------------------------------------------------------------------------

@cli.command()
@click.argument("staff_id", metavar="[STAFF]", required=False)
@click.option("--month", help="YYYY-MM (default: this month).")
@output_option("text", "html", "json")
@click.option("--out", type=click.Path(), help="Write to this file instead of the screen (with --all: a folder).")
@click.option("--all", "every", is_flag=True, help="Everyone's scorecard, a file each under --out DIR/STORE/.")
@store_option
@pass_app
@reads
def scorecard(app: App, staff_id: str | None, month: str | None, fmt: str, as_json: bool, out: str | None,
              every: bool, stores: tuple[str, ...]) -> None:
    """One person's month: score, every charge and why, what is deducted, and the last six months.

    \b
    discipline scorecard C01 --month 2026-11
    discipline scorecard C01 --month 2026-11 --out C01.html
    discipline scorecard --all --month 2026-11 --out cards/            (DIR/STORE/ID-NAME.html, an index per store)
    discipline scorecard --all --month 2026-11 --out cards/ --store 浦东展厅 --format text
    """
    from discipline import payroll, reports, service, statements, trends

    if every:  # pages to hand out, with an index per store, unless another format is asked for
        given = as_json or click.get_current_context().get_parameter_source("fmt") is not DEFAULT
        _all_scorecards(app, staff_id, month, chosen(fmt, as_json) if given else "html", out, stores)
        return
    if staff_id is None:
        raise DisciplineError(say("staff_or_all"))
    if stores:
        raise DisciplineError(say("store_needs_all"))
    fmt = output_format(fmt, as_json, out, ("text", "html", "json"))
    book = app.book
    month = service.parse_month(month) if month else payroll.month_of(app.now(), book)
    statement = service.scorecard(app.store(), book, staff_id, month)
    trend = trends.recent(app.store(), book, month, staff=statement.staff_id, stated=[statement])[statement.staff_id]
    table = statements.table_of(book, month)
    language = app.language(table)
    if fmt == "json":
        text = reports.scorecard_json_text(statement, trend, language)
    elif fmt == "html":
        text = reports.scorecard_html(statement, table, language, trend)
    else:
        text = reports.scorecard_text(statement, table, language, trend)
    write_output(text.encode("utf-8"), out)


def _all_scorecards(app: App, staff_id: str | None, month: str | None, fmt: str, out: str | None,
                    stores: tuple[str, ...]) -> None:
    """``scorecard --all``: every statement of the month (of ``stores``) written under the folder ``out``."""
    from discipline import lookup, payroll, scorecard_files, service, statements, trends

    if staff_id is not None:
        raise DisciplineError(say("staff_or_all"))
    if not out:
        raise DisciplineError(say("all_needs_out"))
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise DisciplineError(say("out_is_file", out=out))
    if not folder.parent.is_dir():
        raise InputError(f"cannot write {out}: the folder {folder.parent} does not exist")
    book, store = app.book, app.store()
    month = service.parse_month(month) if month else payroll.month_of(app.now(), book)
    chosen_stores = lookup.stores(stores, store.staff.stores()) if stores else ()
    stated = (statements.of_stores(store, book, month, chosen_stores) if chosen_stores
              else statements.month_statements(store, book, month))
    recent = trends.recent(store, book, month, stated=stated)
    table = statements.table_of(book, month)
    folder.mkdir(exist_ok=True)
    written = scorecard_files.write_all(folder, stated, recent, table, month=month, fmt=fmt,
                                        language=app.language(table))
    index = folder / "index.html"
    click.echo(say("scorecards_written", count=len(stated), folder=str(folder),
                   index=f" ({index})" if index in written else "").in_(app.known_language()), err=True)


@cli.command("payroll")
@click.argument("month", callback=lambda ctx, param, value: month_argument(value))
@output_option("csv", "html", "json", "xlsx", "text", default="csv")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write to this file instead of the screen; its extension (.csv .html .json .xlsx .txt) picks "
                   "the format.")
@store_option
@click.option("--rules", "proposed", type=click.Path(dir_okay=False),
              help="A proposed rule table: show who would change and by how much (writes nothing).")
@pass_app
@reads
def payroll_command(app: App, month: str, fmt: str, as_json: bool, out: str | None, stores: tuple[str, ...],
                    proposed: str | None) -> None:
    """Everyone's month for payroll: CSV for Excel (UTF-8 with BOM), an Excel workbook, HTML per store, or JSON.

    On a terminal, with no --out, it prints a table per store; piped, the CSV. A closed month's whole
    CSV, HTML and JSON are byte for byte the ones frozen when it was closed.

    \b
    discipline payroll 2026-11 --out payroll.xlsx        (a summary sheet and a sheet per store)
    discipline payroll 2026-11 --format html --out payroll.html
    discipline payroll 2026-11 --store 浦东展厅            (only this store; repeat --store for more)
    discipline payroll 2026-11 --rules proposed.toml     (what-if)
    """
    from discipline import lookup, service, statements

    fmt = output_format(fmt, as_json, out, ("csv", "html", "json", "xlsx", "text"), on_screen="text")
    store = app.store()
    stores = lookup.stores(stores, store.staff.stores()) if stores else ()
    if proposed:
        from discipline import reports
        from discipline.rules import load_rules

        if fmt == "xlsx":
            raise DisciplineError(say("what_if_formats"))
        current, changed = service.what_if(store, app.book, load_rules(Path(proposed)), month)
        if stores:
            current, changed = ([s for s in side if s.store in stores] for side in (current, changed))
        if fmt == "html":
            data = reports.comparison_html(month, current, changed, statements.table_of(app.book, month)
                                           ).encode("utf-8")
        elif fmt == "json":
            from discipline.payroll import to_json

            data = (json.dumps({"month": month, "current": [to_json(s) for s in current],
                                "proposed": [to_json(s) for s in changed]}, ensure_ascii=False, indent=2)
                    + "\n").encode("utf-8")
        else:
            data = reports.comparison_text(month, current, changed).encode("utf-8")
        write_output(data, out)
        return
    write_output(statements.payroll_export(store, app.book, month, fmt,
                                           app.language(statements.table_of(app.book, month)), stores), out)
    problems = [] if month in store.months.closed() else statements.pricing_problems(store, app.book, month)
    language = app.language(statements.table_of(app.book, month))
    for event_id, message in problems:
        click.echo(say("costs_nothing", event=event_id, message=message).in_(language), err=True)
    if month not in store.months.closed():
        from discipline import batches

        for batch in store.batches.unfinished():
            click.echo(say("payroll_partial", why=batches.unfinished(batch)).in_(language), err=True)


@cli.group()
def report() -> None:
    """Reports for a store manager."""


@report.command("store")
@click.argument("name", metavar="STORE")
@click.option("--month", help="YYYY-MM (default: this month).")
@output_option("text", "html", "json", "xlsx")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write to this file instead of the screen; its extension (.txt .html .json .xlsx) picks the format.")
@pass_app
@reads
def report_store(app: App, name: str, month: str | None, fmt: str, as_json: bool, out: str | None) -> None:
    """One store's month: its staff and what each pays, totals by rule, repeat offenders, dispositions awaiting
    a decision, and the workdays with no clock data.

    \b
    discipline report store 浦东展厅 --month 2026-11
    discipline report store 浦东展厅 --month 2026-11 --out 浦东展厅-2026-11.xlsx
    """
    from discipline import lookup, payroll, reports, service, store_report

    fmt = output_format(fmt, as_json, out, ("text", "html", "json", "xlsx"))
    book, store = app.book, app.store()
    (name,) = lookup.stores([name], store.staff.stores())
    month = service.parse_month(month) if month else payroll.month_of(app.now(), book)
    summary = store_report.build(store, book, name, month, today=app.today())
    language = app.language(summary.table)
    if fmt == "json":
        data = (shown_json(json.dumps(store_report.to_json(summary), ensure_ascii=False, indent=2)) + "\n").encode()
    elif fmt == "xlsx":
        data = store_report.to_xlsx(summary)
    else:
        data = (reports.store_month_html(summary, language) if fmt == "html"
                else reports.store_month_text(summary, language)).encode("utf-8")
    write_output(data, out)


@cli.command()
@click.argument("month", callback=lambda ctx, param, value: month_argument(value))
@pass_app
def close(app: App, month: str) -> None:
    """Freeze a month's statements and payroll files for good (after its last day)."""
    from decimal import Decimal

    from discipline import service
    from discipline.money import yuan

    statements = service.close(app.store(), app.book, month, now=app.now())
    total = sum((s.deducted for s in statements), Decimal(0))
    click.echo(f"{month} closed: {len(statements)} statements frozen, {yuan(total)} yuan deducted in all")


# -- attendance -------------------------------------------------------------------------------

@cli.group()
def punches() -> None:
    """Punches from attendance machines and DingTalk."""


@punches.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["zkteco", "dingtalk", "csv"]),
              help="The file's kind (default: told from its name and content).")
@by_option
@pass_app
def punches_import(app: App, file: str, fmt: str | None, by: str | None) -> None:
    """Import punches: ZKTeco attlog.dat, DingTalk 原始记录 (.xlsx or .csv), or a staff,time CSV.

    Records that cannot be read are reported with their place and reason; the rest is imported.
    Importing the same punches twice adds nothing. People are matched by the machine's own user
    number: the roster's pin column, else the staff id.
    """
    from discipline import service

    result = service.import_punches(app.store(), app.book, Path(file), fmt, now=app.now(), by=by)
    language = app.language(app.book.latest.table)

    def echo(key: str, *, err: bool = False, **values: Any) -> None:
        click.echo(say(key, **values).in_(language), err=err)

    if result.already:
        echo("punches_already", file=file, batch=result.batch)
        return
    batch = say("batch_suffix", batch=result.batch) if result.batch else Said("", "")
    echo("punches_read", read=result.read, new=result.new, batch=batch)
    if result.continued:
        echo("punches_finished", batch=result.batch, count=result.continued)
    for problem in result.problems[:50]:
        echo("record_skipped", where=problem.place, message=problem.said, err=True)
    if len(result.problems) > 50:
        echo("more_skipped", count=len(result.problems) - 50, err=True)
    if result.unknown_staff:
        numbers = list(result.unknown_staff.items())
        ids = ", ".join(f"{pin} ({n})" for pin, n in numbers[:20]) + (" …" if len(numbers) > 20 else "")
        echo("unknown_numbers", count=len(numbers), ids=ids, err=True)


@cli.group()
def attendance() -> None:
    """Lateness, early leave and absence from punches."""


@attendance.command("derive")
@click.argument("month", callback=lambda ctx, param, value: month_argument(value))
@click.option("--dry-run", is_flag=True, help="Show what would be derived, per store and rule; change nothing.")
@click.option("--yes", is_flag=True, help="Derive even when a store would have over 30 % of its staff-days absent.")
@by_option
@output_option("text", "json")
@pass_app
def attendance_derive(app: App, month: str, dry_run: bool, yes: bool, by: str | None, fmt: str,
                      as_json: bool) -> None:
    """Turn a month's punches into lateness, early-leave and absence events (once each), as one batch.

    Only days the punches cover are judged: a store's workday on which nobody there punched is "no
    clock data", and people whose roster row says clock=no are never judged.

    \b
    discipline attendance derive 2026-11 --dry-run     (what it would do, per store and rule)
    discipline attendance derive 2026-11
    """
    from discipline import service

    result = service.derive_attendance(app.store(), app.book, month, now=app.now(), by=by, dry_run=dry_run,
                                       yes=yes)
    if chosen(fmt, as_json) == "json":
        print_json(derived_json(month, result))
        return
    language = app.language(app.book.latest.table)
    print_derived(month, result, language)
    for refused in result.refused:
        click.echo(say("not_recorded", why=refused).in_(language), err=True)


def derived_json(month: str, result: Any) -> dict[str, Any]:
    from discipline.money import number, yuan

    found = result.derivation

    def by_rule(rows: Any) -> list[dict[str, Any]]:
        return [{"store": store, "rule": rule, "events": count, "amount": yuan(amount), "points": number(points)}
                for store, rule, count, amount, points in rows]

    return {"month": month, "dry_run": result.dry_run, "refused_without_yes": result.alarm and result.alarm.en,
            "batch": result.batch, "derived": result.created,
            "already": result.already, "withdrawn": result.withdrawn, "by_rule": by_rule(result.by_rule),
            "withdrawn_by_rule": by_rule(result.withdrawn_by_rule),
            "no_clock_data": [{"store": store, "day": day.isoformat()} for store, day in found.no_clock_data],
            "not_punching": list(found.not_punching),
            "conflicts": [{"staff_id": c.staff_id, "day": c.day.isoformat(), "message": c.message}
                          for c in found.conflicts],
            "missing": [{"staff_id": m.staff_id, "day": m.day.isoformat(), "message": m.message.en,
                         "message_zh": m.message.zh}
                        for m in result.missing],
            "notes": list(result.notes), "refused": list(result.refused), "changed": changes_json(result.changed())}


def print_derived(month: str, result: Any, language: str = "en") -> None:
    """What a derive did (or would do): counts, yuan per store and rule, and what was not judged, in words, in
    ``language`` (the reasons attendance gives for a conflict or a missing punch are still English)."""
    from collections import defaultdict

    from discipline.money import number, yuan
    from discipline.texttable import text_table

    def echo(key: str, **values: Any) -> None:
        click.echo(say(key, **values).in_(language))

    found = result.derivation
    if result.dry_run:
        echo("dry_run")
        if result.alarm:
            echo("dry_run_alarm", why=result.alarm)
    echo("derived_counts", month=month, created=result.created, already=result.already,
         withdrawn=say("derived_withdrawn", count=result.withdrawn) if result.withdrawn else Said.same(""),
         batch=say("batch_suffix", batch=result.batch) if result.batch and not result.dry_run else Said.same(""))
    for title, rows in (("derived_title", result.by_rule), ("withdrawn_title", result.withdrawn_by_rule)):
        if rows:
            table = text_table(headings("store", "rule", "events", "yuan", "points", language=language),
                               [[store, rule, str(count), yuan(amount), number(points)]
                                for store, rule, count, amount, points in rows], right=(2, 3, 4))
            click.echo(say(title).in_(language) + "\n" + "\n".join("  " + line.rstrip()
                                                                   for line in table.splitlines()))
    days: dict[str, list[Any]] = defaultdict(list)
    for store, day in found.no_clock_data:
        days[store].append(day)
    for store, store_days in sorted(days.items()):
        shown = ", ".join(f"{day:%m-%d}" for day in store_days[:12]) + (" …" if len(store_days) > 12 else "")
        echo("no_clock_data", store=store, count=len(store_days), days=shown)
    if found.not_punching:
        echo("not_punching", ids=", ".join(found.not_punching))
    for what, lines in (("conflict", [c.message for c in found.conflicts]), ("note", list(result.notes)),
                        ("missing_punch", [f"{m.staff_id} {m.day}: {m.message.in_(language)}"
                                           for m in result.missing])):
        for line in lines[:LIST_LIMIT]:
            echo("derive_line", what=say(what), line=line)
        if len(lines) > LIST_LIMIT:
            echo("derive_more", count=len(lines) - LIST_LIMIT, what=say(what))


@cli.group()
def schedule() -> None:
    """Who works which shift on which day, where it differs from the official calendar."""


@schedule.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def schedule_import(app: App, file: str) -> None:
    """Import a schedule CSV: staff,date,shift (a shift name, or rest). A date before 2000, or more than a
    year from today, is refused with its line, like any bad row: nothing is imported."""
    from discipline import service

    count = service.import_schedule(app.store(), app.book.latest.table, read_input(file), today=app.today())
    click.echo(f"schedule: {count} days set")


@cli.group()
def leave() -> None:
    """Approved leave, which excuses absence, lateness and early leave."""


@leave.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def leave_import(app: App, file: str) -> None:
    """Import approved leave: staff,date,part (full, am or pm). A date before 2000, or more than a year from
    today, is refused with its line, like any bad row: nothing is imported."""
    from discipline import service

    count = service.import_leave(app.store(), read_input(file), today=app.today())
    click.echo(f"leave: {count} entries recorded")


# -- batches ----------------------------------------------------------------------------------

@cli.command("batches")
@output_option("text", "json")
@pass_app
@reads
def batches_command(app: App, fmt: str, as_json: bool) -> None:
    """Every bulk command that changed something (imports, derives) and every undo, oldest first."""
    from discipline import batches
    from discipline.texttable import text_table

    listed = batches.listing(app.store())
    if chosen(fmt, as_json) == "json":
        print_json(listed)
        return
    if not listed:
        click.echo("no batches yet: imports and derives are listed here once they change something")
        return
    rows = []
    for b in listed:
        what = f"undoes {b['undoes']}: {b['reason']}" if b["command"] == "undo" else (b["file"] or "")
        counts = ", ".join(f"{key} {value}" for key, value in b["details"].items() if key not in ("month",
                                                                                                  "unfinished"))
        status = f"undone by {b['undone_by']}" if b["undone_by"] else (
            "unfinished: run it again to finish it" if b["details"].get("unfinished") else "")
        rows.append([str(b["batch"]), b["at"][:16].replace("T", " "), b["command"], what, b["by"] or "",
                     str(b["events"]), counts, status])
    click.echo(text_table(["batch", "at", "command", "file", "by", "events", "", "status"], rows, right=(0, 5)))


@cli.command()
@click.argument("batch", callback=lambda ctx, param, value: whole_number(value, "BATCH"))
@click.option("--reason", required=True, callback=typed_text(500), help="Why the batch is undone.")
@by_option
@output_option("text", "json")
@pass_app
def undo(app: App, batch: int, reason: str, by: str | None, fmt: str, as_json: bool) -> None:
    """Withdraw everything a batch added, in one step (see 'discipline batches').

    \b
    An events import or a derive: its events are withdrawn, as 'void' would, and what came after
    them is re-priced; events of a closed month are reversed in the first open month.
    A punches import: its punches are withdrawn; the next 'attendance derive' of their months
    withdraws what they supported.
    """
    from discipline import batches

    done = batches.undo(app.store(), app.book, batch, reason=reason, by=by, now=app.now())
    if chosen(fmt, as_json) == "json":
        print_json({"batch": done.batch, "undo": done.undo, "command": done.command, "events": done.events,
                    "punches": done.punches, "months": list(done.months), "closed_months": list(done.closed_months),
                    "kept": [{"event_id": event, "held_by": batch} for event, batch in done.kept],
                    "posted_month": done.posted_month,
                    "changed": changes_json(done.changed)})
        return
    if done.command == "punches import":
        click.echo(f"batch {done.batch} undone (batch {done.undo}): {done.punches} punches withdrawn"
                   + "".join(f"; run 'discipline attendance derive {month}' to withdraw what they supported"
                             for month in done.months))
        if done.closed_months:
            click.echo(f"{', '.join(done.closed_months)} closed for payroll: what these punches supported there "
                       "stays; withdraw it with 'discipline undo' of that derive, or 'discipline void'")
        return
    click.echo(f"batch {done.batch} undone (batch {done.undo}): {done.events} events withdrawn"
               + (f"; closed months' reversals posted in {done.posted_month}" if done.posted_month else ""))
    if done.kept:
        holders = sorted({batch for _, batch in done.kept})
        click.echo(f"{len(done.kept)} of its events stay: batch {', '.join(map(str, holders))} holds them too "
                   "(undo that as well to withdraw them)")
    if done.command == "attendance derive":
        click.echo("a later derive judges those days again from the punches; withdraw single events with "
                   "'discipline void' to keep them withdrawn")
    if done.changed:
        click.echo("pay changed:")
        print_changes(done.changed)


# -- integrity and demo -----------------------------------------------------------------------

@cli.command()
@pass_app
@reads
def verify(app: App) -> None:
    """Check that the event log, and everything beside it that decides pay, has not been altered outside
    the program.

    \b
    It checks the database file itself (SQLite's integrity check), the log's hash chain, the seals of
    the roster and its history, the rule versions, every closed month's statements, payroll files and
    carried balances, the adjustments and batches, and the charges cache against a fresh pricing.
    It ends with the chains' heads and, for each closed month, the log entry printed on its payroll
    files (链头 chain head) with that entry's hash now: compare them with the paper copies.
    """
    from discipline import cache, statements

    store = app.store()
    problems = store.damage()
    count, chain = store.log.verify() if not problems else (0, [])
    problems += chain
    problems = problems or store.seals.verify()
    problems = problems or cache.audit(store, app.book) or statements.audit_open_balances(store, app.book)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"the database was altered outside the program ({len(problems)} problem(s))")
    click.echo(f"{count} log entries checked: the chain is intact")
    click.echo(f"chain head: {store.chain_head()}")
    for month, (entry, _) in store.seals.month_heads().items():
        now = store.log.hash_of(entry)
        click.echo(f"{month} was closed at log entry {entry} {now[:16] if now else '(none)'}: its payroll files "
                   "must say the same")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@pass_app
def backup(app: App, path: str) -> None:
    """Copy the database to PATH, safely while store leads keep logging.

    \b
    Schedule it daily with cron (where % must be written \\%):
        0 23 * * *  cd /srv/discipline && discipline backup "backup/$(date +\\%F).db"
    Restore: check the copy, then, while nobody writes, drop the old write-ahead log and put the copy in place
    (a stale discipline.db-wal would be replayed onto the copy):
        discipline --db backup/2026-11-30.db verify && rm -f discipline.db-wal discipline.db-shm &&
        cp backup/2026-11-30.db discipline.db
    """
    store = app.store()
    store.backup(Path(path))
    count, problems = verify_copy(Path(path))
    if problems:  # the copy is kept, as evidence; a scheduled job must not report success
        raise click.ClickException(f"backup written to {path}, but its event log does not verify: {problems[0]}")
    click.echo(f"backup written to {path} ({count} log entries, chain intact)")


def verify_copy(path: Path) -> tuple[int, list[str]]:
    from discipline.storage import Store

    copy = Store(path)  # which switches the copy to WAL, as every Store does
    try:
        return copy.log.verify()
    finally:
        try:
            copy.db.disable_wal()  # back to a lone file, as Store.backup left it: no -wal or -shm beside it
        finally:
            copy.close()


@cli.command()
@click.option("--dir", "directory", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Where to build the demo (its own demo.db is rebuilt there each run).")
@pass_app
def demo(app: App, directory: str) -> None:
    """Build a sample store and showroom with a month of events, and write payroll and scorecards."""
    from discipline import demo as demo_module

    written = demo_module.build(Path(directory), app.table)
    for path in written:
        click.echo(f"wrote {path}")


# -- helpers ----------------------------------------------------------------------------------

def read_input(file: str) -> bytes:
    """The bytes of an input file read whole (roster, events, schedule, leave), read no further than an
    import takes (`textfile.read_capped`): a bigger file is refused in one sentence, never held."""
    from discipline import textfile

    try:
        return textfile.read_capped(file)
    except FileNotFoundError:
        raise InputError(f"file {file} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{file} is a folder, not a file") from None
    except ValueError as exc:
        raise InputError(str(exc)) from None


def write_output(data: bytes | Iterable[bytes], out: str | None) -> None:
    """Write to the file ``out`` whole or not at all (``atomicfile``), else to stdout as the chunks come."""
    chunks = [data] if isinstance(data, bytes) else data
    if out:
        from discipline.atomicfile import write_atomic

        target = Path(out)
        if target.is_dir():
            raise InputError(f"{out} is a folder; give a file name to write to")
        if not target.parent.is_dir():
            state = "is not a folder" if target.parent.exists() else "does not exist"
            raise InputError(f"cannot write {out}: the folder {target.parent} {state}")
        try:
            write_atomic(target, chunks)
        except OSError as exc:  # a full disk, a read-only folder: the old file stays as it was
            raise click.ClickException(f"{out} was not written ({exc.strerror or exc}); the file there before, "
                                       "if any, is unchanged") from None
        click.echo(f"wrote {out}", err=True)
    else:
        stream = getattr(sys.stdout, "buffer", None)
        sys.stdout.flush()
        for chunk in chunks:
            if stream is None:
                click.echo(chunk.decode("utf-8"), nl=False)
            else:
                stream.write(chunk)
        if stream is not None:
            stream.flush()


_lang_everywhere(cli)


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="discipline", auto_envvar_prefix=None)


if __name__ == "__main__":
    main()
