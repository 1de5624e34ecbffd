"""An event's colour: checked for contrast, and the shades a page derives from it.

The colour fills the event's header band and its buttons, with text on it in white
or in the site's dark text colour, whichever reads; it marks focus rings and edges
on white pages; links on white take it, or a darker shade of it when it is too light
for text. The rules, with WCAG 2.2's ratios (computed by coloraide):

- text on the colour: 4.5:1 (1.4.3, normal text), in white or in dark text;
- the colour on white: 3:1 (1.4.11, non-text contrast: focus rings, edges, buttons);
- links and their hover shade on white: 4.5:1, the link a darker shade if need be;
- the hover shade of the colour keeps both of the first two.

A colour that fails either of the first two is refused with the measured ratio
and a darker (or lighter) shade of it that passes.
"""

import dataclasses
import functools
import hashlib
import re

from coloraide import Color
from django.core.exceptions import ValidationError

TEXT = 4.5
NON_TEXT = 3.0
WHITE = "#ffffff"
DARK = "#212529"  # Bootstrap's body text colour, the site's own
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def contrast(one, other):
    return Color(one).contrast(other, method="wcag21")


def _ratio(value):
    """A ratio as people read it: rounded down to one decimal, so 4.49 is not "4.5"."""
    return f"{int(value * 10) / 10:.1f}:1"


def normalised(value):
    """ "#RRGGBB" in lower case, from "#rgb", "rrggbb" or "#RRGGBB"; ValidationError else."""
    match = _HEX.fullmatch(value.strip())
    if not match:
        raise ValidationError(
            "Enter the colour as a hex code: # and six digits 0-9 or letters A-F, "
            "for example #1F4E79.",
            code="colour_format",
        )
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits


def _shade(colour, step):
    """The colour with its OKLCH lightness moved by `step`, kept in sRGB, as hex."""
    shifted = Color(colour).convert("oklch")
    shifted["lightness"] = min(1, max(0, shifted["lightness"] + step))
    return shifted.convert("srgb").fit("srgb").to_string(hex=True)


def _until(colour, step, passes):
    """The first shade of `colour`, moving by `step`, that passes; None if none does."""
    for times in range(1, int(1 / abs(step)) + 1):
        candidate = _shade(colour, step * times)
        if passes(candidate):
            return candidate
    return None


def check_colour(value):
    """Model field validator: ValidationError, with the measured ratios and a shade
    that would pass, for a colour that text cannot be read on or that cannot be seen
    on white."""
    if not value:
        return
    colour = normalised(value)
    on_white = contrast(colour, WHITE)
    if on_white < NON_TEXT:
        better = _until(colour, -0.01, lambda shade: contrast(shade, WHITE) >= NON_TEXT)
        raise ValidationError(
            f"{colour.upper()} on white has a contrast ratio of {_ratio(on_white)}: too light "
            f"to mark focus, buttons and edges on the event's white pages, for which WCAG 2.2 "
            f"AA asks at least 3:1. A darker shade such as {better.upper()} passes.",
            code="colour_on_white",
        )
    white_text, dark_text = contrast(colour, WHITE), contrast(colour, DARK)
    if max(white_text, dark_text) < TEXT:
        better = _until(colour, -0.01, lambda shade: contrast(shade, WHITE) >= TEXT)
        raise ValidationError(
            f"Text on {colour.upper()} has a contrast ratio of {_ratio(white_text)} in white "
            f"and {_ratio(dark_text)} in dark text; WCAG 2.2 AA asks at least 4.5:1. "
            f"A darker shade such as {better.upper()} passes with white text.",
            code="colour_text",
        )


@dataclasses.dataclass(frozen=True)
class Palette:
    brand: str
    on_brand: str
    brand_hover: str
    link: str
    link_hover: str

    @functools.cached_property
    def digest(self):
        """A hash of css(): the stylesheet's address changes when its content does."""
        return hashlib.sha256(self.css().encode()).hexdigest()[:12]

    def css(self):
        """The custom properties static/css/brand.css reads, for :root."""
        return (
            ":root{"
            f"--brand:{self.brand};--brand-text:{self.on_brand};"
            f"--brand-hover:{self.brand_hover};--brand-link:{self.link};"
            f"--brand-link-hover:{self.link_hover}"
            "}\n"
        )


@functools.lru_cache(maxsize=256)
def palette(value):
    """The shades a page derives from an accepted colour (check_colour passed)."""
    brand = normalised(value)
    on_brand = WHITE if contrast(brand, WHITE) >= TEXT else DARK

    def hover_passes(shade):
        return contrast(shade, on_brand) >= TEXT and contrast(shade, WHITE) >= NON_TEXT

    # Away from the text colour first (white text: darker), the other way if that fails.
    # A colour with no such shade keeps its own: links and buttons also underline on hover.
    step = -0.06 if on_brand == WHITE else 0.06
    shades = (_shade(brand, share * step) for share in (1, -1, 0.5, -0.5))
    hover = next((s for s in shades if s != brand and hover_passes(s)), brand)
    link = brand
    if contrast(brand, WHITE) < TEXT:
        link = _until(brand, -0.01, lambda shade: contrast(shade, WHITE) >= TEXT)
    link_hover = _shade(link, -0.1)
    return Palette(brand, on_brand, hover, link, link_hover)
