"""Presentation of agenda data: times, durations, lists of people, Markdown, JSON-LD.

Models hand over plain values; each page formats them here, its own way.
"""

import json
import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# What an organiser may format in Markdown. Headings start at h3 because the
# page owns h1 and h2; tags not listed are dropped and their text kept.
MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "abbr", "hr", "dl", "dt", "dd", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}

# Characters that could end a <script> data block early, as in Django's json_script.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


_converters = threading.local()


@lru_cache(maxsize=2048)
def _clean_html(text):
    # Building a Markdown converter loads its extensions: keep one per thread.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(extensions=["extra", "sane_lists"])
    html = converter.reset().convert(text)
    return nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter
def markdown(text):
    """Markdown to HTML that cannot run script: nh3 keeps only MARKDOWN_TAGS.

    The result depends on the text alone, so recent results are remembered.
    """
    return mark_safe(_clean_html(text or ""))  # noqa: S308 - cleaned by nh3


@register.simple_tag
def clock(wall_time, aware=None):
    """A wall-clock time in a <time> element: the full instant when it is known."""
    if wall_time is None:
        return ""
    return _clock(wall_time, aware)


@lru_cache(maxsize=4096)
def _clock(wall_time, aware):
    # Each time of an agenda is shown twice (one item's end, the next one's start).
    machine = aware.isoformat(timespec="minutes") if aware else f"{wall_time:%H:%M}"
    return format_html('<time datetime="{}">{}</time>', machine, f"{wall_time:%H:%M}")


@register.filter
def duration(delta):
    """35 min, 1 h, 1 h 05 min."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes:02d} min"


@register.filter
def iso_duration(delta):
    """The same span as an ISO 8601 duration, for <time datetime>."""
    minutes = int(delta.total_seconds() // 60) if delta else 0
    return f"PT{minutes // 60}H{minutes % 60}M"


@register.filter
def and_join(items):
    """a, b and c."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


@register.filter
def and_join_oxford(items):
    """a, b, and c: as the seed page lists fields of expertise."""
    items = [str(item) for item in items]
    if len(items) < 3:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


@register.simple_tag
def affiliation(item):
    """Director, Division for Treaty Affairs, UNODC, United Nations."""
    organisation = item.organisation
    parts = [item.position, item.unit, organisation.name]
    if organisation.parent is not None:
        parts.append(organisation.parent.name)
    return ", ".join(part for part in parts if part)


@register.simple_tag
def people_links(people):
    """Linked names, joined with commas and a final "and"."""
    links = [format_html('<a href="{}">{}</a>', p.get_absolute_url(), p) for p in people]
    if len(links) < 2:
        return format_html_join("", "{}", ((link,) for link in links))
    return format_html(
        "{} and {}", format_html_join(", ", "{}", ((link,) for link in links[:-1])), links[-1]
    )


@register.filter
def ld_json(data):
    """A schema.org JSON-LD block, escaped so no text in it can close the script element."""
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter
def utc_offset(aware):
    """UTC+01:00 for an aware datetime; UTC for no offset."""
    if aware is None:
        return ""
    minutes = int(aware.utcoffset().total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@register.filter(expects_localtime=True)
def iso_minutes(aware):
    """An aware datetime for <time datetime>, to the minute, in the template's current zone."""
    if aware is None:
        return ""
    return aware.isoformat(timespec="minutes")


@register.filter
def names(people):
    """Honorific and name of each person, joined with commas and a final "and"."""
    return and_join(people)
