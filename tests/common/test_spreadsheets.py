"""CSV downloads: no cell reaches a spreadsheet as a formula, however the line is split."""

import csv
import io

import pytest

from common.spreadsheets import csv_download, spreadsheet_safe

TRIGGERS = ("=", "+", "-", "@")
# A CSV file is written with commas; spreadsheet programs in other locales, and
# their import dialogs, split the same line on semicolons, tabs or line breaks.
SEPARATORS = (",", ";", "\t", "\r", "\n")

PAYLOADS = {
    "semicolon": "Org;=cmd|' /C calc'!A0",
    "comma": 'Acme, =HYPERLINK("http://evil.example","x")',
    "tab": "Note\t@SUM(A1:A9)",
    "line-feed": "First line\n-2+3+cmd|' /C calc'!A0",
    "carriage-return": "x\r+1",
    "space-after-the-separator": "a; =1+1",
    "quote-after-the-separator": 'a;"=1+1"',
    "several": "a;=1;b,+2\t@3",
    "first-character": "=1+1",
    "space-first": " =1+1",
    "tab-first": "\t=1",
    "carriage-return-first": "\r=1",
}
HARMLESS = [
    "Q&A session",
    "11:30–11:45",
    "a;b, c",
    "ada@example.org",
    "Panel - questions from the floor",
    "Cost: 3+4 = 7",
    "",
]


def fields_any_spreadsheet_may_see(raw):
    """Each piece of the file that a spreadsheet splitting on one separator makes a field."""
    for separator in SEPARATORS:
        for field in raw.split(separator):
            yield field.lstrip(' \t\r\n"')


def download(rows):
    response = csv_download("x.csv", ["value"], rows)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_no_field_of_the_file_starts_a_formula_whatever_the_separator(payload):
    raw = download([[payload]])

    live = [f for f in fields_any_spreadsheet_may_see(raw) if f.startswith(TRIGGERS)]

    assert live == []


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_a_defused_cell_keeps_its_text_after_the_apostrophes(payload):
    (cell,) = list(csv.reader(io.StringIO(download([[payload]]), newline="")))[1]

    assert cell.replace("'", "") == payload.replace("'", "")


@pytest.mark.parametrize("value", HARMLESS)
def test_ordinary_text_is_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_the_semicolon_payload_of_the_report_is_defused_where_it_splits():
    assert spreadsheet_safe("Org;=cmd|' /C calc'!A0") == "Org;'=cmd|' /C calc'!A0"
    assert spreadsheet_safe("=HYPERLINK(0)") == "'=HYPERLINK(0)"
