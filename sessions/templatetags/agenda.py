"""Presentation of agenda data in templates: times, durations, people, Markdown, JSON-LD.

Models hand over plain values; each page formats them here, its own way. The
filters call the plain functions of common/formatting.py and common/richtext.py,
which exports, messages and forms use too: nothing outside templatetags imports
this module.
"""

import json
from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from common import formatting, richtext

from ..core.role import ROLE_WORDS

register = template.Library()

# Characters that could end a <script> data block early, as in Django's json_script.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

register.filter("markdown", richtext.to_html)
register.filter("duration", formatting.duration)
register.filter("iso_duration", formatting.iso_duration)
register.filter("and_join", formatting.and_join)
register.filter("and_join_oxford", formatting.and_join_oxford)
register.filter("utc_offset", formatting.utc_offset)
# Full name of each person (honorific, name, post-nominals), joined with commas and
# a final "and".
register.filter("names", formatting.names)


@register.simple_tag
def clock(wall_time, aware=None):
    """A wall-clock time in a <time> element: the full instant when it is known."""
    if wall_time is None:
        return ""
    return _clock(wall_time, aware)


@lru_cache(maxsize=4096)
def _clock(wall_time, aware):
    # Each time of an agenda is shown twice (one item's end, the next one's start).
    machine = aware.isoformat(timespec="minutes") if aware else formatting.clock(wall_time)
    return format_html('<time datetime="{}">{}</time>', machine, formatting.clock(wall_time))


@register.simple_tag
def span(start, end=None, unknown=""):
    """A span as text, as messages and exports write it; the start alone for a milestone."""
    return formatting.span(start, end, unknown=unknown)


@register.simple_tag
def clock_span(start, end=None, starts_at=None, ends_at=None):
    """A span of two <time> elements (one for a milestone), joined as span() joins them."""
    if end is None:
        return clock(start, starts_at)
    return format_html("{}{}{}", clock(start, starts_at), formatting.SPAN_DASH, clock(end, ends_at))


@register.simple_tag
def affiliation(item):
    """Director, Division for Treaty Affairs, UNODC, United Nations."""
    organisation = item.organisation
    parts = [item.position, item.unit, organisation.name]
    if organisation.parent is not None:
        parts.append(organisation.parent.name)
    return ", ".join(part for part in parts if part)


@register.simple_tag(takes_context=True)
def people_links(context, people, mid_sentence=False):
    """Linked full names, joined with commas and a final "and"; `mid_sentence` for a
    name inside a sentence ("moderated by the Rt Hon ...").

    A long agenda names the same people in slot after slot: each list is written
    once per page render and repeated from there (the people are the page's own
    objects, the same in every slot).
    """
    written = context.render_context.setdefault("people_links", {})
    key = (tuple(person.pk for person in people), mid_sentence)
    if key not in written:
        written[key] = _people_links(people, mid_sentence)
    return written[key]


def _people_links(people, mid_sentence):
    links = [
        format_html(
            '<a href="{}">{}</a>',
            p.get_absolute_url(),
            formatting.full_name(p, mid_sentence=mid_sentence),
        )
        for p in people
    ]
    if len(links) < 2:
        return format_html_join("", "{}", ((link,) for link in links))
    return format_html(
        "{} and {}", format_html_join(", ", "{}", ((link,) for link in links[:-1])), links[-1]
    )


@register.filter
def role_label(role):
    """The word the page prints for a person's role: "Chair", "Host", "Co-chair"."""
    return ROLE_WORDS[role.role].label


@register.simple_tag
def leads_heading(roles):
    """The heading over those who lead a session: "Chair and host", "Co-chairs and
    moderators"; each role singular or plural as many people hold it."""
    counts = {}
    for role in roles:
        counts[role.role] = counts.get(role.role, 0) + 1
    words = [
        ROLE_WORDS[name].label if count == 1 else ROLE_WORDS[name].plural
        for name, count in counts.items()
    ]
    heading = formatting.and_join(word.lower() for word in words)
    return heading[:1].upper() + heading[1:]


@register.filter
def ld_json(data):
    """A schema.org JSON-LD block, escaped so no text in it can close the script element."""
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter(expects_localtime=True)
def iso_minutes(aware):
    """An aware datetime for <time datetime>, to the minute, in the template's current zone."""
    if aware is None:
        return ""
    return aware.isoformat(timespec="minutes")
