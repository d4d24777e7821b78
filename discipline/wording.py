"""What people read, in Chinese and in English: the one place a translator reads.

Every explanation the engine gives, the notes of adjustments and of the legal cap, what ``log`` and
``void`` print and the refusals a store lead meets are put together here from ``TEXTS``, a key →
(Chinese, English) pair of templates, so both languages are always said together (``Said``) and the
charges cache keeps both: a scorecard is then shown in the language the rule table's ``[settings]
language`` (or ``--lang``) asks for without pricing anything again. Figures are filled in by the
caller, already formatted (``20``, ``60.00``); a template never computes. The templates' labels are
in the templates, each as ``say("中文", "English")``.

    >>> said = say("ladder", occurrence=say("occurrence_month", month="2026-11", n=2, what=Said("迟到", "lateness")),
    ...            text=say("amount", figure="40", unit=unit("yuan")))
    >>> said.zh
    '2026年11月第2次迟到 → 40元'
    >>> said.en
    '2nd lateness in 2026-11 → 40 yuan'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from .money import ordinal

#: The languages a table or ``--lang`` may ask for: Chinese, English, or both (Chinese first).
LANGUAGES = ("zh", "en", "both")


@attrs.frozen
class Said:
    """One thing said, in both languages."""

    zh: str
    en: str

    @classmethod
    def same(cls, text: str) -> Said:
        """A code, an id or a figure: the same in both."""
        return cls(text, text)

    def __str__(self) -> str:
        """The English, for whatever reads a sentence as ``str`` (a log line, an English-only list)."""
        return self.en

    def __add__(self, other: Said) -> Said:
        return Said(self.zh + other.zh, self.en + other.en)

    def in_(self, language: str) -> str:
        """As ``language`` (``LANGUAGES``) shows it; ``both`` puts the English after the Chinese."""
        if language == "en":
            return self.en
        if language == "both" and self.en and self.en != self.zh:
            return f"{self.zh} / {self.en}"
        return self.zh


def said_of(thing: object) -> Said:
    """What an error or a file's problem said: itself when it is a ``Said``; both languages where it kept
    them (a ``.said``, as ``typed.Refused``, ``DisciplineError`` and a roster's problem do); else its
    (English) text, the same in both."""
    if isinstance(thing, Said):
        return thing
    said = getattr(thing, "said", None)
    return said if isinstance(said, Said) else Said.same(str(thing))


def place(prefix: str, number: int, column: str = "") -> Said:
    """Where in a file, from a reader's parts (``"line "`` or ``"原始记录 row "``, the number, a column
    letter): ``line 6`` / ``第6行``, ``原始记录 row 5 column C`` / ``原始记录 第5行 C列``."""
    sheet = prefix.removesuffix("row ").removesuffix("line ").strip()
    return Said(f"{sheet + ' ' if sheet else ''}第{number}行{' ' + column + '列' if column else ''}",
                f"{prefix}{number}{' column ' + column if column else ''}")


def in_language(zh: str, en: str, language: str) -> str:
    """A text kept as its two languages (a statement line's), as ``language`` shows it; a line stored before
    the Chinese was kept (a month closed by an older release) shows its English."""
    return Said(zh or en, en).in_(language)


def line_json_in(line: dict[str, Any], language: str) -> dict[str, Any]:
    """A statement line's JSON (``payroll.line_json``) with ``explanation`` in ``language`` and each language
    beside it (``explanation_zh``, ``explanation_en``): the keys stay English, the text is the one asked for."""
    english = line["explanation"]
    return {**line, "explanation": in_language(line.get("explanation_zh") or "", english, language),
            "explanation_zh": line.get("explanation_zh") or "", "explanation_en": english}


#: key → (Chinese, English). ``{name}`` is filled with a figure, or with something said in both.
TEXTS: dict[str, tuple[str, str]] = {
    # which occurrence in which window
    "occurrence_month": ("{month_zh}第{n}次{what}", "{nth} {what} in {month}"),
    "occurrence_ever": ("累计第{n}次{what}", "{nth} {what} ever"),
    "occurrence_days": ("近{days}天内第{n}次{what}", "{nth} {what} in the last {days} days"),
    "ladder": ("{occurrence} → {text}", "{occurrence} → {text}"),
    # an amount, and an amount per unit
    "amount": ("{figure}{unit}", "{figure} {unit}"),
    "units": ("{count}{unit}", "{count} {unit}"),
    "units_items": ("{count}{unit}（{items}）", "{count} {unit} ({items})"),
    "times_units": ("{units} × {each}{unit} = {total}{unit}", "{units} × {each} {unit} = {total} {unit}"),
    "role_rate": ("{role}标准：{text}", "{role} rate: {text}"),
    "share_of_value": ("货值{value}元的{percent}% = {amount}元", "{percent} % of {value} yuan = {amount} yuan"),
    "times_value": ("货值{value}元 × {times} = {amount}元", "{times} × value {value} yuan = {amount} yuan"),
    "compensation": ("赔偿实际损失：{loss}元", "compensation of the loss: {loss} yuan"),
    "cost": ("成本费：{text}", "cost recovery: {text}"),
    "reward": ("奖励：{text}", "reward: {text}"),
    # salary penalties
    "one_day": ("一天基本工资：{base} ÷ {days} = {day}元", "one day's base wage: {base} ÷ {days} = {day} yuan"),
    "some_days": ("{n}天基本工资：{base} ÷ {days} = {day}元 × {n}",
                  "{n} days' base wage: {base} ÷ {days} = {day} yuan × {n}"),
    "base_months": ("{months} × 当月基本工资{base}元", "{months} × the month's base wage {base} yuan"),
    "bonus_share": ("当月奖金{bonus}元的{percent}% = {amount}元",
                    "{percent} % of the month's bonus {bonus} yuan = {amount} yuan"),
    "sum": ("{parts} = {total}元", "{parts} = {total} yuan"),
    "units_times": ("{units} × ({text}) = {total}元", "{units} × ({text}) = {total} yuan"),
    # why it is said this way
    "counts_as": ("按{rule}（{code}）处理：", "counts as {rule} ({code}): "),
    "outcome": ("处理结果「{outcome}」：", "outcome {outcome}: "),
    "liable": ("；{why}", "; {why}"),
    "nobody_identified": ("连带责任：未查明当事人，由{team}组{role}承担",
                          "nobody identified: charged to team {team}'s {role}"),
    "charged_to_role": ("连带责任：由本店{role}承担，当事人{offender}不承担",
                        "charged to the store's {role}, not the offender {offender}"),
    "lapse": ("监管不力：{times} × {what}（{payer}的{rule}）",
              "supervision lapse: {times} × {what} for {payer}'s {rule}"),
    "points": ("{figure}分", "{figure} points"),
    "yuan": ("{figure}元", "{figure} yuan"),
    # a closed month's changes, posted into the first open month, and reversals after payroll
    "late_entry": ("补录事件{event}", "late entry {event}"),
    "late_entries": ("批次{batch}补录", "late entries of batch {batch}"),
    "undo_of_batch": ("撤销批次{batch}", "undo of batch {batch}"),
    "withdrawal_of_event": ("撤销事件{event}", "withdrawal of event {event}"),
    "found_after_close": ("{month}结账后才发现（{date}的事件{event}）",
                          "found after {month} closed (event {event} of {date})"),
    "charged_after": ("{month}已结账；{date}的事件{event}因{because}现予计费",
                      "{month} closed; event {event} of {date} now charged after {because}"),
    "repriced": ("{month}已结账；{date}的事件{event}因{because}重新计价 {moved}（{said}）",
                 "{month} closed; event {event} of {date} re-priced {moved} after {because} ({said})"),
    "disposed_after": ("{month}已结账；{date}的事件{event}，因{because}：{text}",
                       "{month} closed; event {event} of {date}, after {because}: {text}"),
    "moved_yuan": ("{was} → {now}元", "{was} → {now} yuan"),
    "moved_points": ("{was} → {now}分", "{was} → {now} points"),
    "no_longer_charged": ("不再计费", "no longer charged"),
    "prefixed": ("{said}：{text}", "{said}: {text}"),
    "withdrawn": ("已撤销：{text}", "withdrawn: {text}"),
    "reversal": ("{date}的事件{event}在发薪后撤销", "reversal of event {event} of {date} after payroll"),
    # the legal cap (《工资支付暂行规定》第十六条)
    "capped": ("依法扣款上限为{cap}元（{why}）；超出法定上限的部分{carried}元结转下月",
               "capped at {cap} yuan by law ({why}); {carried} yuan carries into next month"),
    "capped_owed": ("依法扣款上限为{cap}元（{why}）；离职时尚有{owed}元未扣清，不再结转",
                    "capped at {cap} yuan by law ({why}); {owed} yuan is still owed on leaving and is not carried "
                    "on"),
    "no_wage": ("本月无工资可扣", "no wage is paid this month"),
    "above_floor": ("扣款后工资{wage}元所余不得低于最低工资{minimum}元",
                    "what is left of the wage {wage} may not fall below the minimum wage {minimum}"),
    "share_of_wage": ("至多扣工资{wage}元的{share}%，且扣后不得低于最低工资{minimum}元",
                      "at most {share} % of the wage {wage} may be deducted, and never below the minimum wage "
                      "{minimum}"),
    # refusals a store lead meets (exit 2): what was wrong, and what is allowed
    "did_you_mean": ("；是不是 {names}？", "; did you mean {names}?"),
    "unknown_staff": ("没有员工{typed}{where}{rest}", "unknown staff {typed}{where}{rest}"),
    "staff_add_hint": ("；'discipline staff add' 可添加员工", "; 'discipline staff add' adds someone"),
    "unknown_store": ("没有门店{typed}{rest}", "no store {typed}{rest}"),
    "stores_are": ("；门店有：{stores}", "; the stores are: {stores}"),
    "no_stores": ("；花名册上还没有人（'discipline staff import' 导入）", "; nobody is on the roster yet "
                  "('discipline staff import' adds them)"),
    "out_mismatch": ("--out {out} 的扩展名是 {ext}，--format 却是 {fmt}：请让二者一致，或去掉 --format 由扩展名决定",
                     "--out {out} ends in {ext} but --format is {fmt}; make them agree, or leave out --format and "
                     "the extension picks it"),
    "out_unknown_ext": ("--out {out}：{ext} 不是本命令能写的格式（可用：{formats}）",
                        "--out {out}: {ext} is not a format this command writes ({formats})"),
    "binary_on_screen": ("Excel 工作簿无法显示在屏幕上：请加 --out 文件名.xlsx",
                         "an Excel workbook cannot be shown on the screen; add --out FILE.xlsx"),
    "all_needs_out": ("--all 为每人写一个文件：请用 --out 给出文件夹",
                      "--all writes a file per person: give the folder with --out DIR"),
    "staff_or_all": ("请给出一个工号，或用 --all 写出全部", "give one staff id, or --all for everyone"),
    "store_needs_all": ("--store 只与 --all 一起用（一个人的成绩单不用选门店）", "--store goes with --all (one "
                        "person's scorecard needs no store)"),
    "scorecards_written": ("已写出 {count} 份成绩单到 {folder}{index}",
                           "wrote {count} scorecards under {folder}{index}"),
    "what_if_formats": ("对比（--rules）只写文字、HTML 或 JSON，不写 Excel 工作簿",
                        "a what-if (--rules) is written as text, HTML or JSON, not as a workbook"),
    "out_is_file": ("--out {out} 是一个文件：--all 需要一个文件夹", "--out {out} is a file; --all needs a folder"),
    "staff_list_hint": ("；'discipline staff list' 列出所有工号", "; 'discipline staff list' shows the ids"),
    "given_with": ("（{option} 所给）", " given with {option}"),
    "in_column": ("（{column} 列）", " in column {column}"),
    "unknown_rule": ("没有规则{typed}{rest}（'discipline rules list' 列出所有规则代码）",
                     "unknown rule {typed}{rest} ('discipline rules list' shows every code)"),
    "time_refused": ("时间{why}", "time {why}"),
    "no_time_of_day": ("{typed}没有具体时刻；请写成'{example}'（当天违规的先后决定第几次）",
                       "{typed} has no time of day; give it as '{example}' (the order of the day's violations "
                       "decides their steps)"),
    "no_time_of_day_add": ("{typed}没有具体时刻；请补上，如'{example}'（当天违规的先后决定第几次）",
                           "{typed} has no time of day; add it, like '{example}' (the order of the day's "
                           "violations decides their steps)"),
    "parts_of_a_second": ("{typed}精确到了秒以下；请精确到秒，如'{example}'",
                          "{typed} has parts of a second; give the time to the second, like '{example}'"),
    "not_this_century": ("{typed}不是本世纪的时间；日期请写成 2026-11-03",
                         "{typed} is not a time of this century; give the date like 2026-11-03"),
    "not_a_time": ("{typed}不是时间；请写成 {forms}", "{typed} is not a time; type it like {forms}"),
    "no_date_in_file": ("{typed}没有{part}；文件里须写完整日期，如 2026-11-03 08:42",
                        "{typed} has no {part}; a file gives the whole date, like 2026-11-03 08:42"),
    "no_such_time": ("{typed}不是真实存在的日期和时间；请写成 {forms}",
                     "{typed} is not a date and time that exist; type it like {forms}"),
    "in_the_future": ("时间 {at} 还没到（现在是 {now}）；--at 请给已经过去的时间",
                      "the time {at} is in the future (now is {now}); give --at a time that has passed"),
    "logged_twice": ("{staff} 已有 {at} 的{rule}（事件{event}）：同一违规记了两次？确实发生了两次的，加 --again 再记",
                     "{staff} already has event {event} for {rule} at {at}: the same violation logged twice? "
                     "If it really happened twice, log it again with --again"),
    "not_employed": ("{staff}{when}，{day}的事件不可能是其本人的",
                     "{staff} {when}, so an event of {day} cannot be theirs"),
    "left_on": ("已于{day}离职", "left on {day}"),
    "hired_on": ("于{day}入职", "was hired on {day}"),
    "no_statement": ("{staff}在{month}没有考核单（尚未入职，或在该月前已离职）",
                     "{staff} has no statement for {month} (not yet hired, or left before it)"),
    "not_a_month": ("月份{typed}不是 2026-11 这样的月份（YYYY-MM）",
                    "month {typed} is not a month like 2026-11 (YYYY-MM)"),
    # an event's options that do not fit its rule
    "rule_unknown_plain": ("没有规则{typed}；'discipline rules list' 列出所有规则代码",
                           "unknown rule {typed}; 'discipline rules list' shows the codes"),
    "needs_person": ("规则 {code} 须记在当事人名下；只有查不到当事人时由他人承担的规则才接受 team:组名",
                     "rule {code} must be logged against the person who did it; only rules where someone else "
                     "pays when nobody is identified accept team:TEAM"),
    "no_team": ("花名册上没有{team}组", "no team {team} on the roster"),
    "no_outcomes": ("规则 {code} 没有处理结果{typed}；该规则只有一个金额", "rule {code} has no outcome {typed}; "
                    "outcomes: none (the rule has a single amount)"),
    "no_such_outcome": ("规则 {code} 没有处理结果{typed}{near}（可选：{names}）",
                        "rule {code} has no outcome {typed}{near} (outcomes: {names})"),
    "no_such_outcome_plain": ("规则 {code} 没有处理结果{typed}；可选：{names}",
                              "rule {code} has no outcome {typed}; outcomes: {names}"),
    "needs_outcome": ("规则 {code} 须用 --outcome 选一个处理结果：{names}",
                      "rule {code} needs --outcome, one of: {names}"),
    "no_items_use_count": ("规则 {code} 没有列明的缺项；请用 --count", "rule {code} has no named items; use --count"),
    "no_items": ("规则 {code} 没有列明的缺项；不按项计价", "rule {code} has no named items; it is not priced per item"),
    "not_an_item": ("{typed}不是 {code} 的缺项；缺项有：{items}",
                    "{typed} is not an item of {code}; the items are: {items}"),
    "item_twice": ("同一缺项写了两次；{code} 的每个缺项只写一次",
                   "an item is named twice; name each missing item of {code} once"),
    "needs_items": ("规则 {code} 须用 --item 写出每个缺项，可选：{items}",
                    "rule {code} needs --item for each missing item, from: {items}"),
    "no_count": ("规则 {code} 不按数量计价，--count 不适用{more}",
                 "rule {code} is not priced per unit, so --count does not apply{more}"),
    "name_items": ("；请用 --item 写出缺项", "; name the items with --item"),
    "count_range": ("--count 须是 1 到 10000 的整数", "--count must be a whole number of 1 or more, at most 10000"),
    "needs_value": ("规则 {code} 须用 --value 给出金额（元），罚款按其倍数计",
                    "rule {code} needs --value YUAN (the value its amount is a multiple of)"),
    "no_value": ("规则 {code} 不接受 --value", "rule {code} does not take --value"),
    "value_negative": ("--value 不能是负数", "--value must not be negative"),
    "no_loss": ("规则 {code} 不赔偿损失，--loss 不适用", "rule {code} has no compensation, so --loss does not apply"),
    "loss_negative": ("--loss 不能是负数", "--loss must not be negative"),
    "needs_loss": ("规则 {code} 须用 --loss 给出实际损失（元）",
                   "rule {code} needs --loss YUAN (the actual loss to compensate)"),
    # void, and what a lead types beside an event
    "needs_reason": ("--reason 须写明撤销原因", "--reason must say why the event is withdrawn"),
    "no_event": ("没有事件{event}；'discipline events' 列出所有事件",
                 "there is no event {event}; 'discipline events' lists them"),
    "already_withdrawn": ("事件{event}已经撤销过了", "event {event} is already withdrawn"),
    "not_an_id": ("{typed}不是编号；{what}是 12 这样的整数", "{typed} is not an id; {what} is a whole number like 12"),
    "count_at_least_one": ("--count 须是 1 或以上的整数", "--count must be a whole number of 1 or more"),
    "not_in_version": ("规则 {code} 不在 {day} 生效的第{version}版规则中（在第{elsewhere}版中）；"
                       "'discipline rules list --at {day}' 列出当天的规则",
                       "rule {code} is not in version {version}, in force on {day} (it is in version {elsewhere}); "
                       "'discipline rules list --at {day}' shows the rules of that day"),
    "implausible": ("{label} {amount}元超过{what}（{limit}元）；金额属实的，加 --confirm 再执行一次",
                    "{label} {amount} yuan is more than {what} ({limit} yuan); if the amount is real, give the "
                    "command again with --confirm"),
    "table_amount_limit": ("规则表的 plausible_amount_limit", "the rule table's plausible_amount_limit"),
    "year_of_wage": ("{staff}一年的工资", "one year's wage of {staff}"),
    "no_wage_limit": ("不知工资时可录入的上限", "the limit for an amount typed without a known wage"),
    "line_break": ("{what}含有换行；请写在一行内", "{what} holds a line break; keep it on one line"),
    "control_character": ("{what}含有控制字符（{ch}）；请输入普通文字",
                          "{what} holds a control character ({ch}); type plain text"),
    "too_long": ("{what}太长（{count}个字符）；请少于{limit}个",
                 "{what} is too long ({count} characters); keep it under {limit}"),
    # a punch file, as the store's PC imports it
    "punches_already": ("{file}已作为批次{batch}导入过；没有新的打卡", "{file} was already imported as batch {batch}; "
                        "nothing new"),
    "punches_read": ("读取打卡{read}条，新增{new}条{batch}", "{read} punches read, {new} new{batch}"),
    "batch_suffix": ("（批次{batch}）", " (batch {batch})"),
    "punches_finished": ("  本次完成了批次{batch}：之前中途停止的导入已存入其中{count}条打卡",
                         "  this finished batch {batch}: an earlier run of the file, stopped half-way, had stored "
                         "{count} of its punches"),
    "record_skipped": ("  跳过{where}：{message}", "  skipped {where}: {message}"),
    "more_skipped": ("  ……另有{count}条记录被跳过", "  … and {count} more records skipped"),
    "unknown_numbers": ("此文件中有{count}个考勤机号不属于花名册上任何人：{ids}；"
                        "这些打卡已保留，待 pin 列（或工号）对应到人后计入",
                        "{count} machine number(s) in this file are nobody's on the roster: {ids}; their punches "
                        "are kept and count once the pin column (or the staff id) gives someone that number"),
    # closing a month
    "not_ended": ("{month}还没结束（今天是 {today}）；请在月末之后结账",
                  "{month} has not ended yet (today is {today}); close a month after its last day"),
    "already_closed": ("{month}已于 {day} 结账；已结账的月份永不改变",
                       "{month} is already closed (on {day}); a closed month never changes"),
    "before_closed": ("{month}在已结账的{latest}之前；月份按顺序结账，{month}已不能再结账"
                      "（记入其中的事项在{next}发放）",
                      "{month} is before {latest}, which is closed; months close in order, so {month} can no longer "
                      "be closed (what is logged into it is paid in {next})"),
    "still_open": ("{previous}还没结账；请按顺序结账，先结 {previous}",
                   "{previous} is still open; close the months in order, {previous} first"),
    # a batch written in parts, not finished yet, and payroll's warnings
    "unfinished": ("批次{batch}（{what}）尚未完成：正在写入，或中途被中断；请等它完成，或再执行一次同一命令把它完成，"
                   "或撤销批次{batch}",
                   "batch {batch} ({what}) is not finished: it is being written now, or was stopped half-way; wait "
                   "for it, or run the same command again to finish it, or undo batch {batch}"),
    "then_close": ("{why}，然后再结账 {month}", "{why}, then close {month}"),
    "then_derive": ("{why}，然后再生成 {month} 的考勤：只凭部分打卡文件判断，打了卡的人也会被算作旷工",
                    "{why}, then derive {month}: judged from part of a punch file, people would be absent who did "
                    "punch"),
    "payroll_partial": ("注意：{why}；在此之前，这份工资表只含已写入的部分",
                        "warning: {why}; until then this payroll holds only what it has written so far"),
    "costs_nothing": ("注意：事件{event}在改正前不计费：{message}",
                      "warning: event {event} costs nothing until fixed: {message}"),
    # what log and void print
    "logged": ("已记录事件{event}：{staff} {rule}，{at}", "event {event}: {staff} {rule} at {at}"),
    "posted_in": ("  {month}已结账：此项在{posted}的工资中扣除，调整行注明此事件",
                  "  {month} is closed for payroll: what this costs is paid in {posted}, on an adjustment line that "
                  "names it"),
    "also_repriced": ("同时重新计价：", "it also re-priced:"),
    "pay_changed": ("工资变动：", "pay changed:"),
    "no_charge": ("  不计费", "  no charge"),
    "voided": ("事件{event}已撤销", "event {event} withdrawn"),
    "voided_closed": ("事件{event}已撤销；其所在月份已结账，冲销记入{posted}",
                      "event {event} withdrawn; its month is closed, so the reversal is posted in {posted}"),
    "more_changes": ("  ……另有{count}条（--json 列出全部）", "  … and {count} more (--json lists them all)"),
    "paid_later": ("{month}已结账：在{posted}发放", "{month} is closed: paid in {posted}"),
    "reversal_why": ("{date}的事件{event}在发薪后撤销（{reason}）",
                     "reversal of event {event} of {date} after payroll ({reason})"),
    # who pays, when someone other than the offender does
    "no_role_amount": ("规则 {code} 没有给{staff}的岗位 {role} 定金额；只对这些岗位计价：{roles}",
                       "rule {code} has no amount for {staff}'s role {role}; it prices only: {roles}"),
    "team_role": ("{team}组的{role}", "team {team}'s {role}"),
    "store_role": ("{store}店的{role}", "store {store}'s {role}"),
    "paid_by_offender": ("规则 {code} 由当事人本人承担；--charge 只用于由他人承担的规则",
                         "rule {code} is paid by the offender; --charge applies only to rules that charge someone "
                         "else"),
    "nobody_on_roster": ("花名册上没有人", "nobody on the roster"),
    "not_the_payer": ("{staff}不是{where}（可承担者：{allowed}）", "{staff} is not {where} (who may pay: {allowed})"),
    "no_payer": ("花名册上没有{where}；请用 --charge 工号 指定由本店哪位在职人员承担",
                 "{where} is nobody on the roster; name who pays, anyone active in the store, with --charge STAFF"),
    "several_payers": ("{where}有多人（{ids}）；请用 --charge 工号 指定由谁承担",
                       "{where} is several people ({ids}); name who pays with --charge STAFF"),
    "named_payer": ("连带责任：花名册上没有{where}，由记录人指定{payer}承担",
                    "{where} is nobody on the roster: {payer}, named by the logger, pays"),
    "not_in_store": ("{staff}当时不在{stores}在职；花名册上没有{where}时，--charge 只能指定该店在职的人",
                     "{staff} is not active at {stores}, and only someone active there may be named while {where} "
                     "is nobody on the roster"),
    # a handbook clause the law forbids (not_applied)
    "not_applied": ("违规已记录，但手册条款「{clause}」不予执行：{why}",
                    "breach reported; the handbook clause is not applied: {why}"),
    "warning": ("注意：{what}", "warning: {what}"),
    "warn_over_a_month": ("规则 {code} 的金额超过一个月的基本工资：《工资支付暂行规定》第十六条规定"
                          "每月扣款不得超过当月工资的20%，其余只能逐月结转",
                          "rule {code} takes more than one month's base wage: 《工资支付暂行规定》 art. 16 lets a "
                          "month deduct at most 20 % of its wage, the rest carrying on for months"),
    "warn_withholds": ("规则 {code} 的条款扣发工资，违反《工资支付暂行规定》第七条、第九条"
                       "（工资应按月足额支付，不得克扣）；请加 not_applied 说明不予执行",
                       "rule {code} withholds wages, which 《工资支付暂行规定》 art. 7 and 9 forbid (wages are paid "
                       "in full every month); mark it not_applied with the reason"),
    "no_lapse": ("规则 {code} 的条文没有监管不力加倍的规定，--lapse 不适用（规则表 [lapse] 列出加倍的部分）",
                 "rule {code} has no supervision lapse in its wording, so --lapse does not apply (the rule "
                 "table's [lapse] lists what a lapse doubles)"),
    # one violation of several people (every_party)
    "one_party": ("规则 {code} 只处罚当事人一人；多人请分别记录（只有条文处罚各方的规则才可一次记录多人）",
                  "rule {code} charges one person; log each person separately (only a rule whose wording charges "
                  "every party takes several people at once)"),
    "parties_distinct": ("一起记录的须是花名册上不同的人（不能用 team:组名）",
                         "the people logged together must be different people of the roster (not team:TEAM)"),
    "logged_together": ("事件{events}作为同一起违规记录；撤销其中任何一个，即全部撤销",
                        "events {events} are one violation; voiding any of them withdraws them all"),
    "voided_together": ("同一起违规的事件{events}已一并撤销",
                        "events {events} of the same violation withdrawn together"),
    "no_supervisor": ("{staff}在花名册上没有上级，无法追究监管不力",
                      "{staff} has no supervisor on the roster to charge for the supervision lapse"),
    # undoing a batch
    "undo_needs_reason": ("--reason 须写明撤销该批次的原因", "--reason must say why the batch is undone"),
    "no_batch": ("没有批次{batch}；'discipline batches' 列出所有批次",
                 "there is no batch {batch}; 'discipline batches' lists them"),
    "already_undone": ("批次{batch}已于 {at} 由批次{undo}撤销；无可再撤销",
                       "batch {batch} was already undone, by batch {undo} on {at}; nothing more to undo"),
    "undo_of_undo": ("批次{batch}本身就是（对批次{undoes}的）撤销；它撤下的内容可以重新记录或导入",
                     "batch {batch} is itself an undo (of batch {undoes}); what it withdrew can be logged or imported "
                     "again"),
    "undo_staff_import": ("批次{batch}是花名册导入，不能在此撤销；请按应有的样子重新导入花名册"
                          "（它改了什么，'discipline batches --json' 会列出）",
                          "batch {batch} is a staff import, which cannot be undone here; import the roster as it "
                          "should be (what it changed is listed by 'discipline batches --json')"),
    "cannot_undo": ("批次{batch}是 {command}，不能撤销", "batch {batch} is a {command}, which cannot be undone"),
    # numbers and dates as typed, in a file or an option
    "not_a_number": ("{what} 须是数字，如 20、1.50 或 1,234.50，而不是{typed}",
                     "{what} must be a number such as 20, 1.50 or 1,234.50, not {typed}"),
    "not_finite": ("{what} 须是有限的数字，而不是{typed}", "{what} must be a finite number, not {typed}"),
    "not_in_digits": ("{what} 须用数字写全，如 10000，而不是{typed}",
                      "{what} must be written out in digits, like 10000, not {typed}"),
    "too_large": ("{what} 太大：{typed}", "{what} is too large: {typed}"),
    "parts_of_a_fen": ("{what} {typed}精确到了分以下；金额最多两位小数",
                       "{what} {typed} has parts of a fen; give yuan with at most two decimals"),
    "not_a_date": ("{what} {typed}不是 2026-11-03 这样的日期", "{what} {typed} is not a date like 2026-11-03"),
    "date_not_this_century": ("{what} {typed}不是本世纪的日期", "{what} {typed} is not a date of this century"),
    # a file as an import reads it
    "file_too_big": ("文件有 {size}；一次导入最多 {limit}，请拆分（按月或按门店）",
                     "the file is {size}; an import takes at most {limit}, so split it (by month, or by store)"),
    "over_size": ("超过 {size}", "over {size}"),
    "not_text": ("文件既不是 UTF-8、GB18030，也不是 UTF-16 文本；请在 Excel 中另存为“CSV UTF-8”",
                 "the file is neither UTF-8, GB18030 nor UTF-16 text; save it from Excel as 'CSV UTF-8'"),
    "utf16_no_bom": ("文件像是缺少字节顺序标记的 UTF-16 文本；请在 Excel 中另存为“CSV UTF-8”",
                     "the file looks like UTF-16 text without its byte-order mark; save it from Excel as 'CSV UTF-8'"),
    "header_not_csv": ("表头无法按 CSV 读取（{why}）", "the header cannot be read as CSV ({why})"),
    "row_width": ("有{fields}个字段，表头有{header}个", "has {fields} field(s); the header has {header}"),
    "rows_stopped": ("此后的行无法读取；已有{count}行有误，停止读取",
                     "and more rows from here on cannot be read; reading stopped after {count} bad rows"),
    "row_not_csv": ("无法按 CSV 读取（{why}）", "cannot be read as CSV ({why})"),
    "at_line": ("第{line}行：{message}", "line {line}: {message}"),
    "file_empty_header": ("文件是空的；须有表头行：{columns}", "the file is empty; it needs a header row: {columns}"),
    "events_header": ("表头须包含 {columns} 中的列，每列一次，且必须有 staff、rule 和 at（现在是 {got}）",
                      "the header must name columns from {columns} once each, with staff, rule and at (got {got})"),
    "problems_stopped": ("此后可能还有问题；已发现{count}个问题，停止读取",
                         "and maybe more from here on; reading stopped after {count} problems"),
    "column_empty": ("{column} 列是空的", "{column} is empty"),
    "column_at": ("at 列：{why}", "at {why}"),
    "count_whole": ("count {typed} 须是 1 或以上的整数", "count {typed} must be a whole number of 1 or more"),
    "lapse_yes_no": ("lapse {typed} 须是 yes 或 no（是/否）", "lapse {typed} must be yes or no"),
    "file_refused": ("{what}未导入：{first}{more}", "the {what} was not imported: {first}{more}"),
    "and_more": ("（另有{count}个问题）", " (and {count} more)"),
    "events_file": ("事件文件", "events file"),
    "no_rows_logged": ("事件文件只有表头没有数据行；什么也没有记录",
                       "the events file has a header but no rows; nothing was logged"),
    "rerun_without_duplicates": ("此文件之前的一次导入中途停止，批次{batch}尚未完成；"
                                 "请不加 --allow-duplicates 再导入一次把它完成，或先撤销批次{batch}",
                                 "an earlier run of this file was stopped half-way, leaving batch {batch} unfinished; "
                                 "run it again without --allow-duplicates to finish it, or undo batch {batch} first"),
    "stopped_in_part": ("{why} —— 文件的前{count}条新记录已记入批次{batch}，该批次尚未完成："
                        "改正文件后再导入一次即可完成，或撤销批次{batch}",
                        "{why} — the first {count} new rows of the file are logged, as batch {batch}, which stays "
                        "unfinished: import the file again once it is put right, to finish it, or undo batch {batch}"),
    "undone_meanwhile": ("批次{batch}在写入过程中被（批次{undo}）撤销，此前已写入{count}条新{what}；文件其余部分未存入"
                         "（再导入一次即可全部存入）",
                         "batch {batch} was undone (by batch {undo}) while it was being written, after {count} new "
                         "{what}; the rest of the file is not stored (import it again to store all of it)"),
    "rows": ("记录", "rows"),
    "punches": ("打卡", "punches"),
    "row_in_future": ("{at} 还没到", "{at} is in the future"),
    # deriving attendance
    "alarm_store": ("{store}店（{total}/{days}人天，{percent}%，日期 {on}）",
                    "{store} ({total} of {days} staff-days, {percent} %, on {on})"),
    "n_days": ("（共{n}天）", " ({n} days)"),
    "refused_because": ("已拒绝：{why}", "refused: {why}"),
    "absence_alarm": ("这样会把{stores}判为旷工，超过所判天数的{percent}%；多半是打卡文件缺了人或缺了天——"
                      "请先用 --dry-run 查看，导入缺少的打卡，或确认无误后加 --yes 再执行",
                      "this would judge {stores} absent, more than {percent} % of the days judged; a punch "
                      "file is probably missing people or days — check with --dry-run, import the missing punches, "
                      "or run again with --yes to derive them"),
    "not_started": ("{month}还没开始（今天是 {today}）", "{month} has not started yet (today is {today})"),
    "derive_closed": ("{month}已结账，不能再生成其考勤", "{month} is closed for payroll, so its attendance can no "
                      "longer be derived"),
    "never_closed": ("{month}从未结账，且在已结账的{latest}之前；记入其中的事项在{next}发放，以调整行注明",
                     "{month} was never closed and is before {latest}, which is; what is logged into it is paid in "
                     "{next}, as adjustment lines that name it"),
    # the database
    "no_rule_table": ("{path} 数据库还没有发布规则表；请先执行 'discipline init'（它把规则表发布为第1版）",
                      "the database at {path} has no published rule table; run 'discipline init' (it publishes the "
                      "rule table as version 1)"),
    "not_a_database": ("{path} 不是 discipline 数据库（{why}）", "{path} is not a discipline database ({why})"),
    "read_only": ("{path} 以只读方式打开（只读的文件、文件夹或介质，或 'discipline backup' 做的副本），"
                  "而此命令需要写入；请复制到可写的位置，并用 --db 指向副本",
                  "{path} is opened read-only (a read-only file, folder or medium, or a copy made by 'discipline "
                  "backup'), and this needs to write to it; copy it somewhere writable and use --db with the copy"),
    "still_busy": ("数据库等了{seconds}秒仍被占用（{holder}）；什么也没有改动，请稍后再试",
                   "the database is still busy after {seconds} s ({holder}); nothing was changed, try again later"),
    "waiting_for": ("正在等待 '{command}'（进程 {pid}），它已写入{seconds}秒",
                    "waiting for '{command}' (process {pid}), which has been writing for {seconds} s"),
    "waiting_for_another": ("正在等待另一个正在写入的命令", "waiting for another command that is writing"),
    "still_waiting": ("{why}；仍在等待……", "{why}; still waiting…"),
    "old_schema": ("{path} 数据库的结构版本是{version}，本程序需要{needs}；请执行 'discipline init' 升级",
                   "the database at {path} has schema version {version}, this discipline needs {needs}; run "
                   "'discipline init' to migrate it"),
    "backup_exists": ("{target} 已存在；请为备份另起一个文件名",
                      "{target} exists already; give a new file name for the backup"),
    "backup_no_folder": ("文件夹 {folder} 不存在；请先创建，或换一个备份路径",
                         "the folder {folder} does not exist; create it first or give another path for the backup"),
    "closed_month_missing": ("已结账的{month}在数据库中缺失（被绕过程序删除）；请执行 'discipline verify'，"
                             "并恢复最近一份能通过校验的备份",
                             "closed month {month} is missing from the database (deleted behind the program's back); "
                             "run 'discipline verify' and restore the latest backup that verifies"),
    # discipline minwage
    "minwage_in_force": ("{city} {day}：最低工资每月{amount}元", "{city} on {day}: minimum wage {amount} yuan a month"),
    "minwage_tier": ("法定标准：{region}第{tier}档 {amount}元，自 {since} 起",
                     "the law's: {region} tier {tier}, {amount} yuan, from {since}"),
    "minwage_policy": ("按公司规则表自 {since} 起的最低工资 {amount}元（高于法定标准或法定标准不详）",
                       "the rule table's own floor of {amount} yuan from {since} applies (above the law's, or the "
                       "law's is not known)"),
    "minwage_excludes": ("此标准不含个人缴纳的社会保险费和住房公积金：扣除个人缴费后的工资不得低于此数",
                         "this floor excludes the employee's own social insurance and housing fund: what is paid "
                         "after those contributions may not fall below it"),
    "minwage_source": ("依据：{document}", "source: {document}"),
    "minwage_checked": ("核对于：{url}", "read at: {url}"),
    "minwage_unknown": ("{city} {day}：最低工资不详（{why}）；工资表的扣款上限只按工资的法定比例计算",
                        "{city} on {day}: minimum wage not known ({why}); payroll caps deductions at the share of "
                        "the wage alone"),
    "minwage_no_city": ("没有城市{typed}的最低工资数据{near}；'discipline minwage --all' 列出所有城市，"
                        "规则表中加一条 [[minimum_wage]]（city、zh、from、amount）即可添加",
                        "no minimum wage is known for the city {typed}{near}; 'discipline minwage --all' lists the "
                        "cities, and a [[minimum_wage]] entry (city, zh, from, amount) in the rule table adds one"),
    "minwage_no_roster": ("花名册上还没有城市；'discipline minwage 城市' 查看某城市，'--all' 列出全部",
                          "no cities on the roster yet; 'discipline minwage CITY' shows one, '--all' lists them all"),
    "minwage_all_current": ("花名册上的{count}个城市的最低工资都在两年内调整过",
                            "the minimum wage of each of the roster's {count} cities was adjusted within two years"),
    "minwage_stale": ("{city}：最近一次已知调整在 {since}，已超过两年；请查找新的最低工资通知并更新",
                      "{city}: its latest known adjustment is of {since}, over two years ago; look for a newer "
                      "notice and update the data"),
    "minwage_stale_none": ("{city}：现在没有已知的最低工资（'discipline minwage {city}' 说明原因）；"
                           "请查找该地的最低工资通知，在规则表中添加",
                           "{city}: no minimum wage is known now ('discipline minwage {city}' says why); look for the "
                           "local notice and add it to the rule table"),
    # listings
    "no_events": ("没有事件", "no events"),
    "withdrawn_status": ("已撤销", "withdrawn"),
    "source_derive": ("考勤生成", "derived"),
    "source_import": ("导入", "import"),
    "source_log": ("手工记录", "log"),
    # what attendance derive prints
    "dry_run": ("试运行：什么也没有改动；以下是生成考勤会做的事",
                "dry run: nothing was changed; this is what the derive would do"),
    "dry_run_alarm": ("注意：不加 --yes 时会被拒绝：{why}", "warning: without --yes the derive is refused: {why}"),
    "derived_counts": ("{month}：生成事件{created}条，日志中已有{already}条{withdrawn}{batch}",
                       "{month}: {created} events derived, {already} already in the log{withdrawn}{batch}"),
    "derived_withdrawn": ("，撤销{count}条（不再成立）", ", {count} withdrawn (no longer supported)"),
    "derived_title": ("生成：", "derived:"),
    "withdrawn_title": ("撤销：", "withdrawn:"),
    "no_clock_data": ("无打卡数据：{store}在{count}个工作日（{days}）无人打卡，这些天不判断任何人",
                      "no clock data: nobody at {store} punched on {count} workday(s) ({days}), so nobody there was "
                      "judged those days"),
    "not_punching": ("不判断（花名册 clock = no）：{ids}", "not judged (clock = no on the roster): {ids}"),
    "conflict": ("冲突", "conflict"),
    "note": ("说明", "note"),
    "missing_punch": ("缺卡", "missing punch (缺卡)"),
    "missing_with_leave": ("{day}（{shift}班 {hours}）无打卡，当天{half}请假；{other}的打卡缺失（缺卡）",
                           "No punch on {day} (shift {shift} {hours}), a day with {half} leave; the {other} punches "
                           "are missing (缺卡)."),
    "missing_out": ("{day}只有一次打卡 {at}，在班次中点（{middle}）之前，算作上班卡；下班卡缺失（缺卡）",
                    "Only one punch on {day}, {at}, before the middle of the shift ({middle}) so taken as the "
                    "in-punch; the out-punch is missing (缺卡)."),
    "missing_in": ("{day}只有一次打卡 {at}，在班次中点（{middle}）之后，算作下班卡；上班卡缺失（缺卡）",
                   "Only one punch on {day}, {at}, after the middle of the shift ({middle}) so taken as the "
                   "out-punch; the in-punch is missing (缺卡)."),
    "derive_line": ("{what}：{line}", "{what}: {line}"),
    "derive_more": ("……另有{count}条{what}（--json 列出全部）",
                    "… and {count} more {what} lines (--json lists them all)"),
    "not_recorded": ("未记录：{why}", "not recorded: {why}"),
    # the minimum wage under every deduction (minimum_wages.py)
    "floor_unknown_city": ("没有{city}的最低工资数据", "no minimum wage is known for {city}"),
    "floor_before_data": ("{city}在 {day} 的最低工资不详（数据从 {since} 起）",
                          "the minimum wage of {city} on {day} is not known (the data starts on {since})"),
    "floor_not_placed": ("{region}自 {since} 起调整了最低工资，但数据中未确认{city}属于哪一档",
                         "{region} adjusted its minimum wages on {since}, and the data does not confirm which tier "
                         "{city} is in"),
    "capped_share": ("依法扣款上限为{cap}元（{note}）；超出部分{carried}元结转下月",
                     "capped at {cap} yuan ({note}); {carried} yuan carries into next month"),
    "floor_no_city": ("花名册上没有此人的城市", "the roster gives no city for this person"),
    "cap_not_computed": ("未按最低工资核算扣款上限：{month}无{city}的已知最低工资（{why}），本月至多扣工资的{share}%",
                         "cap not computed: no minimum wage known for {city} in {month} ({why}); at most {share} % "
                         "of the wage is deducted"),
    # HR's files and commands, and punch files
    # a roster file (staff import), and staff set / add
    "roster_needs_header": ("{why}；须有表头行：{columns}", "{why}; it needs a header row: {columns}"),
    "missing_columns": ("缺少列 {columns}", "missing column(s) {columns}"),
    "unknown_columns": ("有未知的列 {columns}", "unknown column(s) {columns}"),
    "columns_are": ("{what}；可用的列有：{columns}", "{what}; the columns are: {columns}"),
    "column_twice": ("表头中有一列出现了两次", "a column is named twice in the header"),
    "id_used": ("工号 {id} 已在第{seen}行使用", "id {id} is already used on line {seen}"),
    "supervisor_unknown": ("{id} 的上级 {supervisor} 既不在花名册上，也不在此文件中",
                           "supervisor {supervisor} of {id} is not on the roster or in this file"),
    "supervisor_cycle": ("{id} 处在上级关系的循环中（有人直接或间接成了自己的上级）",
                         "{id} is in a supervisor cycle (someone is their own supervisor, directly or through "
                         "others)"),
    "shared_number": ("{id} 和 {other} 在职期间使用同一个考勤机号 {number}；请在 pin 列给每人各自的号码",
                      "{id} and {other} have the same attendance-machine number {number} while both are employed; "
                      "give each their own in the pin column"),
    "bad_staff_id": ("工号{id}不能含空格，也不能以'team:'开头", "id {id} may not contain spaces or start with 'team:'"),
    "not_negative": ("{column} 不能是负数（{typed}）", "{column} must not be negative ({typed})"),
    "left_before_hired": ("离职日 left 早于入职日 hired", "left is before hired"),
    "own_supervisor": ("{id} 不能是自己的上级", "{id} cannot be their own supervisor"),
    "clock_yes_no": ("clock {typed} 须是 yes 或 no（no：此人不打卡）",
                     "clock {typed} must be yes or no (no: the person does not punch)"),
    "bad_pin": ("pin {typed} 须是考勤机上的用户号，不能含空格",
                "pin {typed} must be the attendance machine's user number, without spaces"),
    "no_minimum_wage": ("城市{typed}没有已知的最低工资{near}{then}'discipline minwage' 列出所有城市，在规则表中加一条 "
                        '[[minimum_wage]]（city = "…", zh = "…", from = YYYY-MM-DD, amount = "…"）即可添加',
                        "city {typed} has no known minimum wage{near}; 'discipline minwage' lists the cities, and a "
                        '[[minimum_wage]] entry in the rule table (city = "…", zh = "…", from = YYYY-MM-DD, '
                        'amount = "…") adds one'),
    "unknown_named": ("没有{what}{typed}{rest}", "unknown {what} {typed}{rest}"),
    "named_options": ("；可选的{what}：{names}", "; {what}: {names}"),
    "named_role": ("岗位", "role"),
    "named_roles": ("岗位", "roles"),
    "named_shift": ("班次", "shift"),
    "named_shifts": ("班次", "shifts"),
    "wage_implausible": ("{id} 的月工资{wage}元（base_wage + bonus）超过{what}（{limit}元）；工资属实的，"
                         "加 --confirm 再执行一次",
                         "{id}'s monthly wage of {wage} yuan (base_wage + bonus) is more than {what} ({limit} yuan); "
                         "if it is real, give the command again with --confirm"),
    "table_wage_limit": ("规则表的 plausible_wage_limit", "the rule table's plausible_wage_limit"),
    "wage_limit": ("月工资的上限", "the limit for a monthly wage"),
    "not_a_field": ("{name}不是花名册的字段；可用字段：{fields}", "{name} is not a roster field; fields: {fields}"),
    "on_roster_already": ("{id} 已在花名册上；请用 'discipline staff set' 修改",
                          "{id} is on the roster already; change them with 'discipline staff set'"),
    "change_not_recorded": ("{what}未记录：{message}", "the {what} was not recorded: {message}"),
    "the_roster": ("花名册", "roster"),
    "a_change": ("修改", "change"),
    "new_person": ("新员工", "new person"),
    "a_version": ("新版本", "version"),
    "no_roster_rows": ("花名册文件只有表头没有数据行；什么也没有导入",
                       "the roster file has a header but no rows; nothing was imported"),
    "effective_closed": ("{effective}所在的{in_month}已结账（已结账至{latest}）；{what}最早从 {first} 起生效",
                         "{effective} is in {in_month}, which is closed for payroll (up to {latest}); a {what} can "
                         "take effect from {first} on"),
    # rules publish
    "priced_otherwise": ("此数据库是用另一份规则表（而非 {name}）计价的：事件{event}在库中计{was}元，"
                         "按 {name} 计{would}元；"
                         "请用当初计价的规则表执行 init（--rules PATH），再带生效日期发布新表",
                         "this database was priced with another rule table than {name}: event {event} costs {was} in "
                         "it and {would} under {name}; run init with the table it was priced with (--rules PATH), then "
                         "publish the new one with a date"),
    "needs_effective": ("请用 --effective YYYY-MM-DD 给出该版本的生效日期",
                        "give the date the version takes effect with --effective YYYY-MM-DD"),
    "published_future": ("--published {published} 晚于今天（{today}）；请给出规则表向员工公示的日期",
                         "--published {published} is after today ({today}); give the day the table was made known to "
                         "staff"),
    "published_order": ("--published {published} 早于第{version}版的发布日期（{before}）；版本须按顺序发布",
                        "--published {published} is before version {version} was published ({before}); versions are "
                        "published in order"),
    "cannot_price": ("规则表无法为 {effective} 起已记录的内容计价：{gaps}；"
                     "请把它们保留在规则表中（不再使用的规则可以留着）",
                     "the table cannot price what is on record from {effective}: {gaps}; keep them in the table (a "
                     "rule no longer used can stay)"),
    "rule_gone": ("规则 {code} 已不在表中（{count}个事件）", "rule {code} is gone ({count} {events})"),
    "role_gone": ("岗位 {role} 已不在表中（{ids}）", "role {role} is gone ({ids})"),
    "shift_gone": ("班次 {shift} 已不在表中", "shift {shift} is gone"),
    "other_zone": ("规则表的时区 {zone} 与门店的时区 {stores} 不同；新版本不能把门店改到另一个时区",
                   "the table's time zone {zone} is not the stores' {stores}; a version cannot move the stores to "
                   "another zone"),
    "month_level": ("该版本改动了 {names}，这些设置按整月适用；请让它在某月1日生效（{first}，或加 --retroactive 从 "
                    "{first_of} 起）",
                    "the version changes {names}, which state a whole month; let it take effect on the first of a "
                    "month ({first}, or {first_of} with --retroactive)"),
    "rating_bands": ("评级档次", "the rating bands"),
    "too_soon": ("{effective}距发布日（{published}）不足{days}天，员工还没有得到公示；请从 {earliest} 起生效，"
                 "若此前已公示，加 --retroactive",
                 "{effective} is sooner than {days} days after it is published ({published}), so staff would not "
                 "have had notice; take effect from {earliest} on, or give --retroactive if it was made known before"),
    # schedule and leave files
    "schedule_file": ("排班表", "schedule"),
    "leave_file": ("请假文件", "leave file"),
    "shift_empty": ("班次是空的；请用以下之一：{allowed}", "the shift is empty; use one of {allowed}"),
    "not_a_shift": ("{typed}不是班次；请用以下之一：{allowed}",
                    "the shift {typed} is not a shift; use one of {allowed}"),
    "part_empty": ("请假时段是空的；请用 full、am 或 pm（全天、上午、下午）",
                   "the part is empty; use full, am or pm (全天, 上午, 下午)"),
    "not_a_part": ("{typed}不是请假时段；请用 full、am 或 pm（全天、上午、下午）",
                   "the part {typed} is not a part of a day; use full, am or pm (全天, 上午, 下午)"),
    "header_must_be": ("{why}；表头须是 {header}", "{why}; it must be {header}"),
    "empty_needs_header": ("文件是空的；须有表头行 {header}", "the file is empty; it needs the header line {header}"),
    "header_is": ("表头是{got}；须是 {header}", "the header is {got}; it must be {header}"),
    "staff_empty": ("staff 列是空的；请填花名册上某人的工号",
                    "the staff is empty; give the id of someone on the roster"),
    "not_a_day": ("{typed}不是 2026-11-03 这样的日期", "{typed} is not a date like 2026-11-03"),
    "far_before": ("{day} 早于 {earliest}", "{day} is before {earliest}"),
    "far_after": ("{day} 比今天（{today}）晚了一年以上", "{day} is more than a year after today ({today})"),
    "date_far": ("日期 {far}；请给 2000-01-01 到 {last} 之间的日期",
                 "the date {far}; give a date from 2000-01-01 to {last}"),
    "already_has": ("{staff} 在 {day} 已有{what}（第{seen}行）", "{staff} on {day} already has {what} on line {seen}"),
    "a_shift": ("班次", "a shift"),
    "some_leave": ("请假", "leave"),
    # a punch file: a record skipped
    "punch_far": ("{staff} 的打卡时间 {far}；考勤机的时钟错了？已跳过",
                  "The punch of {staff} on {far}; the machine's clock was wrong? It was skipped."),
    "staff_number_long": ("工号{typed}长达{length}个字符；工号最多{most}个字符",
                          "The staff number {typed} is {length} characters long; one has at most {most}."),
    "staff_number_control": ("工号{typed}含有控制字符，不可能是任何人的工号",
                             "The staff number {typed} holds a control character, so it is nobody's number."),
    "line_too_long": ("此行超过{count}字节，不是打卡记录（一条记录约40字节）",
                      "The line is longer than {count} bytes, so it is not a punch record (one is about 40)."),
    "not_text_line": ("此行含有非文本字节，是损坏的记录",
                      "The line holds bytes that are not text, so it is a corrupt record."),
    "nul_bytes": ("一串{count}个 NUL 字节截断了这条记录，只剩下{typed}",
                  "A run of {count} NUL bytes cut this record short, leaving {typed}."),
    "not_a_punch": ("不是打卡记录：应为考勤号（PIN）、一个 TAB 和 2026-05-01 08:23:05 这样的日期时间",
                    "Not a punch: expected a PIN, a TAB and a date and time like 2026-05-01 08:23:05."),
    "no_pin": ("记录没有考勤号（PIN）", "The record has no PIN."),
    "pin_not_number": ("考勤号（PIN）{typed}不是数字", "The PIN {typed} is not a number."),
    "not_a_datetime": ("{typed}不是 2026-05-01 08:23:05 这样的日期时间",
                       "{typed} is not a date and time like 2026-05-01 08:23:05."),
    "no_such_datetime": ("{typed}不是真实存在的日期时间（{why}）", "{typed} is not a real date and time ({why})."),
    "garbage_year": ("年份{year}不在 {earliest}–{latest} 之间，是无效数据",
                     "The year {year} is outside {earliest}–{latest}, so it is garbage."),
    "row_fields": ("此行有{count}个字段；须同时有 staff 和 time",
                   "The row has {count} field(s); it needs both staff and time."),
    "staff_column_empty": ("staff 列是空的，无法确定是谁",
                           "The staff column is empty, so the person cannot be identified."),
    "dingtalk_invalid": ("钉钉已将这次打卡标为无效（{result}）", "DingTalk marked this punch invalid ({result})."),
    "export_invalid": ("导出文件已将这次打卡标为无效（是否有效 为 否）",
                       "The export marked this punch invalid (是否有效 is 否)."),
    "gonghao_empty": ("工号是空的，无法确定是谁", "The 工号 is empty, so the person cannot be identified."),
    "punch_time_empty": ("打卡时间是空的", "The 打卡时间 is empty."),
    "punch_time_bad": ("打卡时间{typed}不是 2026-05-01 08:23 这样的日期时间",
                       "The 打卡时间 {typed} is not a date and time like 2026-05-01 08:23."),
    "grid_row_no_one": ("工号是空的，这一行的打卡不属于任何人",
                        "The 工号 is empty, so this row's punches are no one's."),
    "not_a_clock_time": ("{typed}不是 08:23 或 次日 02:18 这样的时间",
                         "{typed} is not a time like 08:23 or 次日 02:18."),
    "no_such_clock_time": ("{typed}不是真实存在的时间（{why}）", "{typed} is not a real time ({why})."),
    "after_last_date": ("{typed}超出了可表示的最后日期", "{typed} falls after the last date there is."),
    # a punch file refused whole
    "too_many_numbers": ("文件中有超过{count}个不同工号的打卡，比任何连锁企业的人数都多；这不是一家公司的打卡导出文件",
                         "The file has punches of more than {count} different staff numbers, more than any chain has; "
                         "it is not a punch export of one company."),
    "too_many_bad": ("此文件有超过{count}条记录无法读取（第一条，{where}：{message}），"
                     "因此不是打卡导出文件；请重新导出",
                     "More than {count} records of this file cannot be read (the first, {where}: {message}), so it is "
                     "not a punch export; export it again."),
    "too_many_punches": ("文件中的打卡超过{count}条；一次导入最多{count}条，请拆分（按月或按门店）",
                         "The file holds more than {count} punches; an import takes at most {count}, so split it (by "
                         "month, or by store)."),
    "unknown_format": ("没有打卡文件格式{typed}；请用以下之一：{formats}",
                       "Unknown punch file format {typed}; use one of {formats}."),
    "not_xlsx": ("{name} 不是 .xlsx 工作簿（不是 zip 文件）；钉钉导出文件须是 .xlsx 或 .csv",
                 "{name} is not an .xlsx workbook (not a zip file); a DingTalk export must be .xlsx or .csv."),
    "punch_file_big": ("{name} 有 {size}；打卡文件最多 {limit}，请拆分（按月或按考勤机）",
                       "{name} is {size}; a punch file may have at most {limit}, so split it (by month, or by "
                       "machine)."),
    "punch_text_big": ("文件超过 {size}；打卡文件最多这么大，请拆分（按月或按考勤机）",
                       "The file holds more than {size}; a punch file may have at most that, so split it (by month, "
                       "or by machine)."),
    "file_said": ("文件 {name}：{why}", "{name}: {why}."),
    "old_xls": ("{name} 是旧式 .xls 工作簿；请另存为 .xlsx 再导入",
                "{name} is an old-style .xls workbook; save it as .xlsx and read that."),
    "unknown_kind": ("无法判断 {name} 是哪种打卡文件；请用中控（ZKTeco）的 .dat、钉钉的 .xlsx 或 .csv，或 staff,time "
                     "格式的 .csv 文件，或指明格式（{formats}）",
                     "Cannot tell what kind of punch file {name} is; use a ZKTeco .dat, a DingTalk .xlsx or .csv, or a "
                     "staff,time .csv file, or name the format ({formats})."),
    "no_punch_file": ("打卡文件 {path} 不存在；请给出已有文件的路径",
                      "Punch file {path} does not exist; give the path of an existing file."),
    "punch_folder": ("{path} 是文件夹；请给出打卡文件的路径", "{path} is a folder; give the path of a punch file."),
    "punch_unreadable": ("无法读取打卡文件 {path}（{why}）", "Cannot read punch file {path} ({why})."),
    "zip_not_attlog": ("这是 zip 压缩包（.xlsx 工作簿？），不是中控（ZKTeco）的 attlog.dat；请按 dingtalk 格式导入",
                       "This is a zip archive (an .xlsx workbook?), not a ZKTeco attlog.dat; read it as dingtalk."),
    "csv_broken": ("文件在第{line}行附近无法按 CSV 读取（{why}）",
                   "The file is not readable CSV near line {line} ({why})."),
    "plain_header": ("普通 CSV 打卡文件须以表头行 staff,time 开头；此文件的开头是{typed}",
                     "A plain CSV punch file must start with the header line staff,time; this one starts with "
                     "{typed}."),
    "workbook_refused": ("工作簿无法读取：{why}", "{why}."),
    "workbook_damaged": ("工作簿已损坏，无法读取（{why}）；请重新导出",
                         "The workbook is damaged and cannot be read ({why}); export it again."),
    "no_punch_sheet": ("此工作簿的各工作表（{names}）在前{rows}行中都没有同时含 工号 和 打卡时间 的表头行；"
                       "请导出钉钉的 原始记录 或 打卡时间 工作表",
                       "No sheet of this workbook ({names}) has a header row with both 工号 and 打卡时间 in its first "
                       "{rows} rows; export DingTalk's 原始记录 or 打卡时间 sheet."),
    "no_punch_header": ("{place}在前{rows}行中没有同时含 工号 和 打卡时间 的表头行；钉钉导出文件须有这样一行",
                        "{place} has no header row with both 工号 and 打卡时间 in its first {rows} rows; a DingTalk "
                        "export needs one."),
    "the_sheet": ("工作表 {sheet} ", "The {sheet} sheet"),
    "the_file": ("文件", "The file"),
    "grid_too_long": ("{sheet} 表的统计日期有{count}天；一张表最多读取{most}天，请导出较短的期间",
                      "The {sheet} grid's 统计日期 period has {count} days; a grid is read for at most {most}, so "
                      "export a shorter period."),
    "grid_too_wide": ("{sheet} 表的日期列超出了能读取的最后一列 {column}；请导出较短的期间",
                      "The {sheet} grid's day columns run past column {column}, the last one read; export a shorter "
                      "period."),
    "grid_label": ("{sheet} 表的日期列 {column} 标为{typed}，但按位置应是 {day}；日期列须从统计日期的起始日起每列一天",
                   "Day column {column} of the {sheet} grid is labelled {typed} but by its position it is {day}; the "
                   "day columns must run one day each from the 统计日期 start."),
    "grid_no_period": ("{sheet} 表没有'统计日期：2026-05-01 至 2026-05-31'这样的标题，无法确定各日期列的日期",
                       "The {sheet} grid has no title like '统计日期：2026-05-01 至 2026-05-31', so its day columns "
                       "cannot be given dates."),
}

#: Units a rule prices by (``per``), and the two every amount is in: Chinese, English one, English many.
UNITS: dict[str, tuple[str, str, str]] = {
    "yuan": ("元", "yuan", "yuan"), "points": ("分", "points", "points"),
    "item": ("项", "item", "items"), "day": ("天", "day", "days"), "time": ("次", "time", "times"),
    "person-time": ("人次", "person-time", "person-times"), "car": ("辆", "car", "cars"),
    "card": ("张", "card", "cards"), "contact": ("次", "contact", "contacts"), "lead": ("条", "lead", "leads"),
    "miss": ("次", "miss", "misses"), "set": ("套", "set", "sets"),
}

#: Chinese and English names of each kind of line.
KIND_NAMES = {
    "points": ("考核分", "Points"),
    "fine": ("罚款", "Fine"),
    "compensation": ("赔偿", "Compensation"),
    "salary": ("工资处罚", "Salary penalty"),
    "cost": ("成本回收", "Cost recovery"),
    "reward": ("奖励", "Reward"),
    "disposition": ("处理", "Disposition"),
    "breach": ("违规记录（不予处罚）", "Breach (not applied)"),
    "note": ("备注", "Note"),
}

#: Column headings of the tables log, void and the other commands print: key → (Chinese, English).
HEADINGS: dict[str, tuple[str, str]] = {
    "staff": ("员工", "staff"), "kind": ("类型", "kind"), "points": ("扣分", "points"), "yuan": ("金额", "yuan"),
    "disposition": ("处理", "disposition"), "why": ("说明", "why"), "month": ("月份", "month"),
    "event": ("事件", "event"), "rule": ("规则", "rule"), "before": ("原金额", "yuan before"),
    "after": ("现金额", "after"), "store": ("门店", "store"), "events": ("事件数", "events"),
    "id": ("工号", "id"), "name": ("姓名", "name"), "team": ("组", "team"), "role": ("岗位", "role"),
    "supervisor": ("上级", "supervisor"), "base": ("基本工资", "base"), "bonus": ("奖金", "bonus"),
    "shift": ("班次", "shift"), "city": ("城市", "city"), "left": ("离职日", "left"), "clock": ("考勤机号", "clock"),
    "code": ("代码", "code"), "name_zh": ("名称", "名称"), "name_en": ("英文名", "name"), "amount": ("金额", "amount"),
    "at": ("时间", "at"), "status": ("状态", "status"), "source": ("来源（批次）", "source (batch)"),
    "note": ("备注", "note"),
    "score": ("考核分", "score"), "due": ("应扣", "due"), "carried_in": ("上月结转", "carried in"),
    "deducted": ("本月实扣", "deducted"), "carried_out": ("结转下月", "carried out"), "cap": ("上限", "cap"),
    "rewards": ("奖励", "rewards"), "payer": ("扣谁", "paid by"), "rule_zh": ("规则名称", "rule name"),
    "count": ("人数", "staff"), "pending": ("待决定", "pending"), "violations": ("违规次数", "violations"),
    "rules": ("规则", "rules"), "day": ("日期", "day"),
}


def named(zh: str, en: str, language: str) -> str:
    """A name (a role, a rating, a kind of line) as ``language`` shows it: ``"销售顾问 Sales consultant"`` for
    both, one of them otherwise."""
    return en if language == "en" else zh if language == "zh" or zh == en else f"{zh} {en}"


def kind_name(kind: str, language: str) -> str:
    """A kind of line (``fine``) by its name in ``language`` (``named``)."""
    return named(*KIND_NAMES.get(kind, (kind, kind)), language)


def headings(*keys: str, language: str) -> list[str]:
    """Table headings in ``language`` (both: the Chinese, as a heading has room for one)."""
    return [HEADINGS[key][1] if language == "en" else HEADINGS[key][0] for key in keys]


#: The outcomes a rule may name (``outcomes``), in Chinese; one not listed is shown by its key.
OUTCOMES: dict[str, str] = {
    "dismissal": "辞退", "damaged": "损坏", "lost": "丢失", "late": "迟交", "serious": "情节严重",
    "normal": "一般", "absenteeism": "旷工", "fine": "罚款",
}


def say(key: str, **values: Any) -> Said:
    """``TEXTS[key]`` in both languages; a value that is ``Said`` goes in as its own language, anything else
    as it is (``{nth}`` is ``n`` as an English ordinal, ``{month_zh}`` a month the Chinese way)."""
    zh, en = TEXTS[key]
    plain = {name: value for name, value in values.items() if not isinstance(value, Said)}
    both = {name: value for name, value in values.items() if isinstance(value, Said)}
    extra = {}
    if "n" in values:
        extra["nth"] = ordinal(int(values["n"]))
    if "month" in values:
        year, month = str(values["month"]).split("-")
        extra["month_zh"] = f"{year}年{int(month)}月"
    return Said(zh.format(**plain, **extra, **{name: value.zh for name, value in both.items()}),
                en.format(**plain, **extra, **{name: value.en for name, value in both.items()}))


def of_line(explanation: str, explanation_zh: str) -> Said:
    """A statement line's explanation as said in both (its English where no Chinese was kept)."""
    return Said(explanation_zh or explanation, explanation)


def unit(name: str, count: int = 2) -> Said:
    """A unit in both languages (English singular for one); an unknown one as it is."""
    zh, one, many = UNITS.get(name, (name, name, name))
    return Said(zh, one if count == 1 else many)


def outcome(name: str) -> Said:
    return Said(OUTCOMES.get(name, name), name)


def joined(parts: Iterable[Said], zh: str = "、", en: str = ", ") -> Said:
    parts = list(parts)
    return Said(zh.join(p.zh for p in parts), en.join(p.en for p in parts))
