"""CSV downloads for staff (run-of-show, participant lists): one way to write them.

Shared by the apps because the same two dangers apply to every such file: a
spreadsheet program misreading UTF-8, and a cell that it would run as a formula.
"""

import csv
import re

from django.http import HttpResponse

# A field starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = "=+-@"
# Where a spreadsheet program may start a field: at the comma this file is written
# with, but also at a semicolon, tab or line break, which programs in other locales
# and their import dialogs split on (only a cell with a comma, quote or line break
# is quoted). Spaces and quotes before the trigger do not stop it.
_FORMULA_FIELD = re.compile(r'(^|[,;\t\r\n])([\s"]*)(?=[=+\-@])')


def spreadsheet_safe(value):
    """`value` as text that no spreadsheet runs, however it splits the line into fields.

    An apostrophe goes before every trigger that would start a field: at the start
    of the cell and after each separator ("Org;=cmd" becomes "Org;'=cmd"). Putting
    it only at the start of the cell would leave "=cmd" live in a spreadsheet that
    splits on the semicolon.
    """
    return _FORMULA_FIELD.sub(r"\1\2'", str(value))


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
