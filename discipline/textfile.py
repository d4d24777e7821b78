"""The text of a file a person exported from Excel, DingTalk or an attendance machine's software.

Chinese offices save CSV three ways: "CSV UTF-8" (with a BOM), plain "CSV" (GB18030 on a Chinese
Windows) and "Unicode text" (UTF-16 with a BOM). All three are read here, and nowhere else::

    >>> decode("工号,姓名\\n".encode("gb18030"))
    '工号,姓名\\n'
"""

from __future__ import annotations

import codecs


def decode(data: bytes) -> str:
    """The file's text; ``ValueError`` with one sentence on what to do when it is none of those."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif _looks_like_utf16(data[:200]):
        raise ValueError("the file looks like UTF-16 text without its byte-order mark; save it from Excel "
                         "as 'CSV UTF-8'")
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
    raise ValueError("the file is neither UTF-8, GB18030 nor UTF-16 text; save it from Excel as 'CSV UTF-8'")


def _looks_like_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte (a run of NULs in a machine dump does not alternate)."""
    odd, even = head[1::2], head[0::2]
    return len(head) >= 8 and (odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even)) and \
        not (odd.count(0) > 0.8 * len(odd) and even.count(0) > 0.8 * len(even))
