"""What the words of a pasted agenda say: a slot's kind, and the people it names.

Pure functions, no models, like paste_parser (which reads the times and the
lines and asks this module about the words). `kind_for("Coffee break")` is a
break; `find_people("Panel, moderated by A and B")` finds A and B as written,
with where they stand in the title; matching them with people in the database
is the paste service's job (`name_key` is how names are compared).
"""

import enum
import re
import unicodedata
from dataclasses import dataclass

# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
BOLD = re.compile(r"\*\*|__")
# *italic* and _italic_: a marker at the edge of a word, never inside one (snake_case).
ITALIC = re.compile(r"(?<![\w*])[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?![\w*])")
TITLE_LEAD = f" \t:|,.;*{DASHES}"
_TITLE_TAIL = f" \t:|,;*{DASHES}"


def tidy_title(text):
    """A title as it will be stored: no bold or italic markers, one line, no separators
    left at either end."""
    text = ITALIC.sub("", BOLD.sub("", text))
    text = " ".join(text.split())  # tabs, repeated spaces: a title is one line
    return text.lstrip(TITLE_LEAD).rstrip(_TITLE_TAIL)


class Kind(enum.StrEnum):
    """AgendaSlot.Kind's values, repeated so the parser needs no models (a test checks)."""

    OPENING = "opening"
    DISCUSSION = "discussion"
    QA = "qa"
    BREAK = "break"
    CLOSING = "closing"
    OTHER = "other"


# Words that tell a slot's kind; the one that comes first in the title wins.
_KIND_WORDS = [
    (Kind.OPENING, r"registration|welcome|welcoming|opening|doors open|arrival"),
    (Kind.BREAK, r"break|coffee|lunch|tea|refreshments|networking reception"),
    (Kind.QA, r"q\s?&\s?a|q\s+and\s+a|questions and answers|questions from the (?:floor|audience)"),
    (Kind.CLOSING, r"closing|close of the|concluding|wrap[- ]up|farewell"),
    (Kind.DISCUSSION, r"panel|discussion|in-conversation|conversation|debate|roundtable|dialogue"),
]
_KIND = re.compile(
    "|".join(rf"(?P<{kind.value}>\b(?:{words})\b)" for kind, words in _KIND_WORDS),
    re.IGNORECASE,
)


def kind_for(title):
    """The kind that the title's words say, or OTHER."""
    match = _KIND.search(title)
    return Kind(match.lastgroup) if match else Kind.OTHER


# People. Honorifics are left out when names are compared ("Dr Patryk Pawlak" is
# "Patryk Pawlak"), as are case and accents.
HONORIFICS = (
    "the rt hon",
    "the right honourable",
    "rt hon",
    "the hon",
    "hon",
    "h.e.",
    "dr",
    "prof",
    "professor",
    "mr",
    "mrs",
    "ms",
    "mx",
    "sir",
    "dame",
    "ambassador",
    "amb",
    "judge",
)
_HONORIFIC = re.compile(
    r"^(?:(?:"
    + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in HONORIFICS)
    + r")\.?(?:\s+|$))+",
    re.IGNORECASE,
)


def name_key(name):
    """A name as it is compared: no honorific, case, accents, dots or extra spaces."""
    text = unicodedata.normalize("NFKD", " ".join(name.split()))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _HONORIFIC.sub("", text.casefold().strip())
    return " ".join(text.replace(".", " ").split())


class Link(enum.StrEnum):
    """Which of a slot's people a phrase names. (A chair role would be a third.)"""

    MODERATORS = "moderators"
    SPEAKERS = "speakers"


# What introduces names; "with" only before names that look like names.
_PEOPLE_LEAD = re.compile(
    r"""
    (?P<moderators>\b(?:moderated|chaired|facilitated|hosted)\s+by\s+
      |\b(?:co-?)?(?:chairs?|moderators?|facilitators?|hosts?)\s*:\s*)
    |(?P<speakers>\b(?:speakers?|panell?ists?|presenters?|keynote\s+speakers?)\s*:\s*
      |\b(?:presented|delivered)\s+by\s+
      |\bwith\s+|\bby\s+)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_NAME_PARTICLES = frozenset(
    "de da das do dos van von der den del della di du la le al el bin ibn ter ten y".split()  # noqa: SIM905
)
_NAME_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*&\s*|\s*;\s*)")
_NAME_WORD = re.compile(r"[ \t]*([^\W\d_][\w'’\-]*\.?)")
_ORGANISATION = re.compile(r"\s*\((?P<organisation>[^()]{1,100})\)")


@dataclass(frozen=True)
class WrittenName:
    text: str  # as written, with its honorific and organisation: "Dr Jane Roe (UNODC)"
    name: str  # "Dr Jane Roe"
    organisation: str  # "UNODC", or ""


@dataclass(frozen=True)
class PeoplePhrase:
    """Words of a title that name people: title[start:end] is "moderated by A and B"."""

    start: int
    end: int
    lead: str  # "moderated by "
    link: Link
    names: tuple[WrittenName, ...]
    keep: bool = False  # the words stay in the text even when the names are linked


def _looks_like_a_name(words):
    capitals = [w for w in words if w.casefold() not in _NAME_PARTICLES]
    return (
        len(capitals) >= 2
        and all(w[0].isupper() for w in capitals)
        and words[0][0].isupper()
        and words[-1][0].isupper()
    )


def _read_name(text, position):
    """(WrittenName, end) for a name at `position`, or None."""
    honorific = _HONORIFIC.match(text[position:])
    cursor = position + (honorific.end() if honorific else 0)
    words = []  # (word, where it ends)
    while len(words) < 6:
        match = _NAME_WORD.match(text, cursor)
        if match is None:
            break
        bare = match[1].rstrip(".")
        if not (bare[:1].isupper() or bare.casefold() in _NAME_PARTICLES):
            break
        # An initial keeps its dot ("J. Roe"); a sentence's full stop is not the name's.
        end = match.start(1) + len(bare) + (1 if len(bare) == 1 and match[1] != bare else 0)
        words.append((bare, end))
        cursor = end
    while words and words[-1][0].casefold() in _NAME_PARTICLES:
        words.pop()
    if not _looks_like_a_name([word for word, _ in words]):
        return None
    end = words[-1][1]
    name = text[position:end].strip()
    organisation = ""
    bracket = _ORGANISATION.match(text, end)
    if bracket:
        organisation = bracket["organisation"].strip()
        end = bracket.end()
    return WrittenName(text[position:end].strip(), name, organisation), end


def find_people(title):
    """Every phrase of the title that names people, in order."""
    phrases, position = [], 0
    while match := _PEOPLE_LEAD.search(title, position):
        names, end = [], match.end()
        read = _read_name(title, end)
        while read is not None:
            name, end = read
            names.append(name)
            separator = _NAME_SEPARATOR.match(title, end)
            if separator is None or separator.end() == end:
                break
            read = _read_name(title, separator.end())
        if names:
            link = Link.MODERATORS if match["moderators"] else Link.SPEAKERS
            phrases.append(PeoplePhrase(match.start(), end, match.group(), link, tuple(names)))
            position = end
        else:
            position = match.end()
    return phrases


def _names_only(text, position=0):
    """The names that make up the whole of text[position:], or None."""
    names, end = [], position
    read = _read_name(text, position)
    while read is not None:
        name, end = read
        names.append(name)
        separator = _NAME_SEPARATOR.match(text, end)
        if separator is None or separator.end() == end:
            break
        read = _read_name(text, separator.end())
    if not names or text[end:].strip(" .;,"):
        return None
    return tuple(names)


def people_in_cells(line):
    """A row's cell after the title that holds only names: who is on stage."""
    phrases = []
    for cell in line.cells[1:]:
        names = _names_only(cell)
        where = line.title.find(f" – {cell}")
        if names and where >= 0:
            phrases.append(PeoplePhrase(where, where + 3 + len(cell), " – ", Link.SPEAKERS, names))
    return phrases


_PEOPLE_LABEL = re.compile(
    r"""^(?:
      (?P<moderators>(?:co-?)?(?:chairs?|moderators?|facilitators?|hosts?)\s*:\s*
        |(?:moderated|chaired|facilitated|hosted)\s+by\s+)
      |(?P<speakers>(?:speakers?|panell?ists?|presenters?|keynote\s+speakers?)\s*:\s*
        |(?:presented|delivered)\s+by\s+|with\s+)
    )""",
    re.VERBOSE | re.IGNORECASE,
)


def people_line(paragraph):
    """The phrase of a description line that only names people ("Chair: A"), or of
    one that announces what a person brings ("John Brandolino (UNODC) will ..."):
    None for other lines."""
    text = tidy_title(paragraph)
    label = _PEOPLE_LABEL.match(text)
    if label is None:
        read = _read_name(text, 0)
        if read is None:
            return None
        name, end = read
        if not name.organisation or not re.match(r"\s+(?:will|is|to)\b", text[end:]):
            return None
        return PeoplePhrase(0, end, "", Link.SPEAKERS, (name,), keep=True)
    link = Link.MODERATORS if label["moderators"] else Link.SPEAKERS
    names = _names_only(text, label.end())
    if names is not None:
        return PeoplePhrase(0, len(text), label.group(), link, names)
    # Names among other words ("Moderator: Dr John Smith, University of Oxford"):
    # linked, and the line stays as written.
    names = _names_in(text, label.end())
    return PeoplePhrase(0, len(text), label.group(), link, names, keep=True) if names else None


def _names_in(text, position):
    """Every name in text[position:], wherever it stands among other words."""
    names = []
    while position < len(text):
        read = _read_name(text, position)
        if read is not None:
            name, position = read
            names.append(name)
            continue
        word = re.compile(r"\S*\s*").match(text, position)
        position = word.end() if word.end() > position else position + 1
    return tuple(names)
