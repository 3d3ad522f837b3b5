"""Turn an uploaded file's bytes into report text, refusing what is not a text report."""

from __future__ import annotations

import codecs
import re

from .errors import ReportImportError

# Control characters never found in a text report (tab, newlines and form feed are fine), the
# replacement character a failed conversion leaves behind, and lone surrogates.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_report(raw: str | bytes) -> str:
    """The report's text with newlines normalised; ReportImportError when it is not text."""
    if isinstance(raw, bytes):
        text = _decode_bytes(raw)
    elif isinstance(raw, str):
        text = raw.removeprefix("\ufeff")
    else:
        raise ReportImportError(f"expected the report's text, got {type(raw).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_binary(text)
    if not text.strip():
        raise ReportImportError("the report is empty: there is no text to import")
    return text


def _decode_bytes(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ReportImportError(
                "the text is not valid UTF-16 despite its byte-order mark", None
            ) from error
    control = _CONTROL_BYTES.search(data)
    if control is not None:
        raise ReportImportError(
            "this is a binary file, not a text report "
            f"(it contains the control byte 0x{control.group()[0]:02x})",
            _line_of(data, control.start()),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReportImportError(
            f"the text cannot be decoded as UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); save the report as UTF-8 text",
            _line_of(data, error.start),
        ) from error


def _refuse_binary(text: str) -> None:
    bad = _NOT_TEXT.search(text)
    if bad is None:
        return
    char = bad.group()
    line = text.count("\n", 0, bad.start()) + 1
    if "\ud800" <= char <= "\udfff":
        raise ReportImportError(
            "the text contains an undecodable character (a lone surrogate)", line
        )
    what = (
        "a replacement character (�)"
        if char == "\ufffd"
        else f"the control character U+{ord(char):04X}"
    )
    raise ReportImportError(
        f"this looks like a binary or damaged file, not a text report ({what})", line
    )
