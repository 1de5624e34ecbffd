"""An uploaded image on a page: <picture> with WebP and a JPEG or PNG fallback.

Written from the variants common/images.py keeps beside the image, so a page
reads neither the storage nor the database for it. Width and height are always
set (nothing jumps as images arrive); images below the fold load lazily.

- fixed(): an image shown at one size (a photo, a logo): the 1x and 2x variants;
- fluid(): an image as wide as the page (the header image): every width, `sizes`.
"""

from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _url(name):
    return default_storage.url(name)


def fixed(variants, *, width=None, height=None, alt="", lazy=True, css_class=""):
    """<picture> at `width` (or `height`) CSS pixels; "" when there is no image."""
    if not variants or not variants.get("webp"):
        return ""
    ratio = variants["width"] / variants["height"]
    if width is None:
        width = round(height * ratio)
    height = round(width / ratio)

    chosen = {kind: _by_density(variants[kind], width) for kind in ("webp", "fallback")}

    def srcset(kind):
        return ", ".join(f"{_url(name)} {density}x" for density, name in chosen[kind])

    first = chosen["fallback"][0][1]
    return format_html(
        '<picture><source type="image/webp" srcset="{}">'
        '<img src="{}" srcset="{}" width="{}" height="{}" alt="{}"{}{}></picture>',
        srcset("webp"),
        _url(first),
        srcset("fallback"),
        width,
        height,
        alt,
        _loading(lazy),
        format_html(' class="{}"', css_class) if css_class else "",
    )


def _by_density(variants, width):
    """[(1, name), (2, name)]: the smallest variant at least as wide as each density
    needs (the largest there is, when none is); 2x left out when it is the 1x one."""
    chosen = []
    for density in (1, 2):
        wide_enough = [v for v in variants if v[0] >= width * density]
        name = (min(wide_enough, key=lambda v: v[0]) if wide_enough else variants[-1])[2]
        if not chosen or chosen[-1][1] != name:
            chosen.append((density, name))
    return chosen


def fluid(variants, *, alt="", lazy=False, css_class="", sizes="100vw"):
    """<picture> that fills its box's width, from every width kept."""
    if not variants or not variants.get("webp"):
        return ""
    largest = variants["fallback"][-1]

    def srcset(kind):
        return format_html_join(", ", "{} {}w", ((_url(v[2]), v[0]) for v in variants[kind]))

    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}></picture>',
        srcset("webp"),
        sizes,
        _url(largest[2]),
        srcset("fallback"),
        sizes,
        largest[0],
        largest[1],
        alt,
        _loading(lazy),
        format_html(' class="{}"', css_class) if css_class else "",
    )


def _loading(lazy):
    return mark_safe(' loading="lazy" decoding="async"') if lazy else ""


def portrait(person, size=48, lazy=True):
    """A person's photo at `size` CSS pixels, or their initials in a neutral circle.
    Decorative (alt=""): the name is written beside it."""
    picture = fixed(
        person.photo_variants, width=size, lazy=lazy, css_class=f"portrait portrait-{size}"
    )
    if picture:
        return picture
    return format_html(
        '<span class="portrait initials portrait-{}" aria-hidden="true">{}</span>',
        size,
        person.initials,
    )
