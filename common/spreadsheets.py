"""CSV downloads for staff (run-of-show, participant lists): one way to write them.

Shared by the apps because the same two dangers apply to every such file: a
spreadsheet program misreading UTF-8, and a cell that it would run as a formula.
"""

import csv

from django.http import HttpResponse

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_download(filename, header, rows):
    """An attachment `filename` with `header` and `rows`, every cell defused."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # A byte order mark so that spreadsheet programs read names such as "Zoë" as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return response
