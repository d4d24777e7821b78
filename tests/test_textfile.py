"""Files exported from Excel in any of the three ways Chinese offices save CSV are read; others are refused."""

from __future__ import annotations

import codecs

import pytest

from discipline.textfile import decode

HEADER = "工号,姓名\n"


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF8 + HEADER.encode("utf-8"),
    HEADER.encode("utf-8"),
    HEADER.encode("gb18030"),
    codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + HEADER.encode("utf-16-be"),
], ids=["utf-8 BOM", "utf-8", "gb18030", "utf-16 LE", "utf-16 BE"])
def test_every_excel_export_reads_as_the_same_text(data):
    """CSV UTF-8 (with or without BOM), plain CSV on Chinese Windows, and Unicode text all give the header."""
    assert decode(data) == HEADER


def test_utf16_without_its_mark_is_refused_in_words():
    """UTF-16 without a byte-order mark says what it is and how to save it, instead of odd column names."""
    with pytest.raises(ValueError, match="looks like UTF-16"):
        decode("id,name,store\n".encode("utf-16-le"))


def test_a_run_of_nul_bytes_is_not_taken_for_utf16():
    """A machine dump that starts with NULs is still text (the punch reader reports the NULs itself)."""
    assert decode(b"\x00" * 64 + b"1\t2026-01-01 08:00:00\n").endswith("1\t2026-01-01 08:00:00\n")


def test_bytes_that_are_no_text_are_refused():
    """Bytes that are neither UTF-8 nor GB18030 are refused with what to do."""
    with pytest.raises(ValueError, match="save it from Excel as 'CSV UTF-8'"):
        decode(b"\x80\x81\xff" * 5)
