"""Field validators that several apps use."""

import unicodedata

from django.core.exceptions import ValidationError

# Every character that some program takes for the end of a line (str.splitlines()).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def validate_single_line(value):
    """Refuse a line break, a tab or any other control character.

    A title goes where only one line fits: the page's <title>, a calendar's
    SUMMARY and NAME (where a bare line break ends the property and the file is
    broken), a feed's title, a CSV cell, an email subject.
    """
    for character in value:
        if character in LINE_BREAKS:
            found = "a line break"
        elif character == "\t":
            found = "a tab"
        elif unicodedata.category(character) == "Cc":
            found = f"a control character (U+{ord(character):04X})"
        else:
            continue
        raise ValidationError(
            "A title is a single line of text: it may not contain %(found)s. Remove it, "
            "or put a space in its place.",
            params={"found": found},
            code="single_line",
        )
