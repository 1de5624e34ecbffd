"""Presentation of agenda data in templates: times, durations, people, Markdown, JSON-LD.

Models hand over plain values; each page formats them here, its own way. The
filters call the plain functions of common/formatting.py and common/richtext.py,
which exports, messages and forms use too: nothing outside templatetags imports
this module.
"""

import json
from functools import lru_cache
from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from common import formatting, pictures, richtext
from common.reversing import reverse_remembered

from ..core.role import ROLE_WORDS
from ..live import report

register = template.Library()

# Characters that could end a <script> data block early, as in Django's json_script.
# Replaced one by one: str.translate() with a dict looks up every character in Python.
JSON_SCRIPT_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))

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
    return _clock(wall_time, _machine(wall_time, aware))


def _machine(wall_time, aware):
    """A <time> element's datetime: the instant with its offset, else the wall clock.

    Remembered markup is keyed by this text, not by the aware datetime: two aware
    datetimes of one instant in different zones are equal, and written differently.
    """
    return aware.isoformat(timespec="minutes") if aware else formatting.clock(wall_time)


@lru_cache(maxsize=4096)
def _clock(wall_time, machine):
    # Each time of an agenda is shown twice (one item's end, the next one's start).
    return format_html('<time datetime="{}">{}</time>', machine, formatting.clock(wall_time))


@register.simple_tag
def clock_at(instant, zone):
    """An instant as the wall clock reads it in `zone` (a ZoneInfo), in a <time> element."""
    if instant is None:
        return ""
    local = instant.astimezone(zone)
    return clock(local.time(), local)


@register.filter
def abs_duration(delta):
    """A length however it is signed: "10 min" for ten minutes early or late."""
    return "" if delta is None else formatting.duration(abs(delta))


@register.filter
def countdown(delta):
    """A timer's figures: "04:59" left, "+01:30" over, hours first past the hour
    ("1:05:00"); whole seconds, rounded down as a countdown reads."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    sign = "+" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    figures = f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes:02}:{seconds:02}"
    return sign + figures


@register.filter
def as_run_difference(delta):
    """ "5 min late", "3 min early", "on time" (the as-run report's words)."""
    return report.signed(delta)


@register.filter
def as_run_length(delta):
    """ "5 min longer", "3 min shorter", "as planned"."""
    return report.longer(delta)


@register.simple_tag
def span(start, end=None, unknown=""):
    """A span as text, as messages and exports write it; the start alone for a milestone."""
    return formatting.span(start, end, unknown=unknown)


@register.simple_tag
def clock_span(start, end=None, starts_at=None, ends_at=None):
    """A span of two <time> elements (one for a milestone), joined as span() joins them."""
    if end is None:
        return clock(start, starts_at)
    return _clock_span(start, _machine(start, starts_at), end, _machine(end, ends_at))


@lru_cache(maxsize=4096)
def _clock_span(start, start_machine, end, end_machine):
    return format_html(
        "{}{}{}", _clock(start, start_machine), formatting.SPAN_DASH, _clock(end, end_machine)
    )


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
    name inside a sentence ("moderated by the Rt Hon ...")."""
    return _people_links(_written(context), people, mid_sentence)


def _written(context):
    """What this render has written already, to repeat rather than write again.

    A long agenda names the same people in slot after slot: each list of linked
    names is written once per page render (the people are the page's own objects,
    the same in every slot). Nothing outlives the render, so nothing can go stale.
    It also holds the page's event, whose people pages the names link to.
    """
    written = context.render_context.get("people_links")
    if written is None:
        written = context.render_context["people_links"] = {"event": context.get("event")}
    return written


def person_url(person, event=None):
    """A person's page; seen from an event (in its look) when a page of it links there."""
    if event is None:
        return person.get_absolute_url()
    return reverse_remembered("event_person", event=event.slug, slug=person.slug)


def _people_links(written, people, mid_sentence):
    key = (tuple(person.pk for person in people), mid_sentence)
    if key not in written:
        links = [
            format_html(
                '<a href="{}">{}</a>',
                person_url(p, written["event"]),
                formatting.full_name(p, mid_sentence=mid_sentence),
            )
            for p in people
        ]
        if len(links) < 2:
            written[key] = format_html_join("", "{}", ((link,) for link in links))
        else:
            written[key] = format_html(
                "{} and {}",
                format_html_join(", ", "{}", ((link,) for link in links[:-1])),
                links[-1],
            )
    return written[key]


@register.simple_tag(takes_context=True)
def person_with_affiliations(context, person, photo=False):
    """A person's linked full name and affiliations: "Jane Doe, Director, UNODC;
    Professor, University of X"; with `photo`, after their photo (or initials)."""
    affiliations = "; ".join(affiliation(item) for item in person.listed_affiliations)
    text = format_html(
        '<a href="{}">{}</a>{}{}',
        person_url(person, context.get("event")),
        str(person),
        ", " if affiliations else "",
        affiliations,
    )
    if not photo:
        return text
    return format_html('{}<span class="person-text">{}</span>', pictures.portrait(person), text)


@register.simple_tag
def portrait(person, size=48, lazy=True):
    """A person's photo at `size` CSS pixels, or their initials (common/pictures.py)."""
    return pictures.portrait(person, size, lazy)


@register.simple_tag
def logo(variants, height, alt="", lazy=True):
    """An uploaded logo at `height` CSS pixels."""
    return pictures.fixed(variants, height=height, alt=alt, lazy=lazy, css_class="logo")


@register.simple_tag
def banner(variants, alt=""):
    """The event's header image, as wide as the page."""
    return pictures.fluid(variants, alt=alt, css_class="event-banner-image")


@register.simple_tag(takes_context=True)
def contribution(context, role):
    """What a person will say, as announced: "Jane Doe (UNODC) on the treaty's first year"."""
    return _contribution(role, context.get("event"))


def _contribution(role, event):
    shown_as = f" ({role.shown_as.label})" if role.shown_as else ""
    return format_html(
        '<a href="{}">{}</a>{} {}',
        person_url(role.speaker, event),
        role.speaker.name,
        shown_as,
        role.contribution,
    )


@register.simple_tag(takes_context=True)
def agenda_items(context, items, live=None):
    """The agenda's items, each an <li> of the session page's <ol class="agenda">.

    Written in Python rather than as a loop in the template: the template engine
    spends about 0.15 ms on each row (a dozen variable lookups, tags and filters),
    which made most of a long agenda's page; here a row costs a tenth of that.
    The markup is the page's own: change it here, and in the template around it.
    """
    written = _written(context)
    live = live or {}
    rows = (_agenda_item(item, written, live.get(item.slot.pk)) for item in items)
    return mark_safe("".join(rows))  # noqa: S308


def _agenda_item(item, written, expected=None):
    """One item's <li>. Text is escaped here (html.escape, as Django's escape());
    what is inserted unescaped is HTML made safe already: times, linked names,
    Markdown cleaned by nh3."""
    slot = item.slot
    title = escape(slot.title)
    if moderators := item.moderators_to_name:
        names = _people_links(written, moderators, True)
        title += f'<span class="moderated">, {escape(item.leads_word)} {names}</span>'
    row = (
        f'<li class="agenda-item{" agenda-milestone" if item.is_milestone else ""}">\n'
        f'<p class="agenda-time">{clock_span(item.start, item.end, item.starts_at, item.ends_at)}'
        f'</p>\n<div class="agenda-body">\n<h3 class="agenda-title">{title}</h3>\n'
    )
    if expected is not None:
        row += _expected(item, expected)
    if speakers := item.speakers_to_name:
        word = "Speaker" if len(speakers) == 1 else "Speakers"
        names = _people_links(written, speakers, False)
        row += f'<p class="agenda-speakers"><span class="role">{word}:</span> {names}</p>\n'
    if slot.description:
        row += f'<div class="prose">{richtext.to_html(slot.description)}</div>\n'
    if item.contributions:
        listed = "".join(
            f"<li>{_contribution(role, written['event'])}</li>\n" for role in item.contributions
        )
        row += f'<ul class="contributions">\n{listed}</ul>\n'
    return row + "</div>\n</li>\n"


def _expected(item, expected):
    """While the meeting runs: an item skipped, or expected at another time than
    planned (a minute or more), said as such beside its planned time."""
    if expected.state == "skipped":
        return '<p class="agenda-expected">Skipped.</p>\n'
    if expected.state not in ("upcoming", "running") or expected.delay is None:
        return ""
    if abs(expected.delay.total_seconds()) < 60:
        return ""
    zone = item.starts_at.tzinfo
    when = clock_at(expected.start, zone)
    if expected.state == "running":
        return f'<p class="agenda-expected">Started at {when}.</p>\n'
    planned = clock(item.start, item.starts_at)
    return f'<p class="agenda-expected">Expected at {when} (planned {planned}).</p>\n'


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
    payload = json.dumps(data, ensure_ascii=False)
    for character, escaped in JSON_SCRIPT_ESCAPES:
        payload = payload.replace(character, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter(expects_localtime=True)
def iso_minutes(aware):
    """An aware datetime for <time datetime>, to the minute, in the template's current zone."""
    if aware is None:
        return ""
    return aware.isoformat(timespec="minutes")
