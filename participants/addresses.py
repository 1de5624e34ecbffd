"""When two email addresses are one: the form requests, rate limits and links compare.

People write one address in many ways: upper or lower case, the domain in Unicode
(`bücher.example`) or in its ASCII form (`xn--bcher-kva.example`), letters
composed (ü) or decomposed (u + ¨), fullwidth forms from some keyboards. Each would
otherwise make a request of its own and have a rate limit of its own.

`normalise_email()` maps all of them to one form: Unicode NFKC with case folding
for the local part and the domain, and the domain in its IDNA ASCII form. The local
part is compared without case even though RFC 5321 lets a mail server tell cases
apart: no provider people use does, and treating them as one is the safe side here
(a stranger cannot make a second request by changing a letter's case).

Python's own `idna` codec (IDNA 2003, with nameprep) does the domain; the project
has no dependency on the `idna` package and does not need one for comparing.
"""

import unicodedata


def normalise_email(address: str) -> str:
    """The form in which two spellings of one address are equal."""
    # Folded first, so that a fullwidth ＠ splits the address like @ does.
    local, at, domain = _fold(address.strip()).rpartition("@")
    if not at:
        return domain
    return f"{local}@{_domain(domain)}"


def _fold(text):
    # NFKC, case folding, then NFKC again: folding can undo a composition
    # (the NFKC_Casefold recipe of Unicode's section 3.13).
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _domain(domain):
    folded = _fold(domain).rstrip(".")
    try:
        # An ASCII domain may hold punycode labels: to Unicode first, so that a
        # label written in punycode and the same label in Unicode meet.
        unicode = folded.encode("ascii").decode("idna") if folded.isascii() else folded
        return unicode.encode("idna").decode("ascii").lower()
    except UnicodeError:
        # Labels too long, or punycode that does not round-trip: not a domain IDNA
        # can write, but still compared without case.
        return folded
