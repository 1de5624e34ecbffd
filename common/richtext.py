"""Markdown that organisers type, turned into HTML that cannot run script, or plain text.

Pages show it through the `markdown` template filter; search-engine summaries,
calendar files and schedules take the plain text. Both go through `to_html`.
"""

import re
import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

# What an organiser may format in Markdown. Headings start at h3 because the
# page owns h1 and h2; tags not listed are dropped and their text kept.
MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "abbr", "hr", "dl", "dt", "dd", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}

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


def to_html(text):
    """Markdown to HTML that cannot run script: nh3 keeps only MARKDOWN_TAGS.

    The result depends on the text alone, so recent results are remembered.
    """
    return mark_safe(_clean_html(text or ""))  # noqa: S308 - cleaned by nh3


@lru_cache(maxsize=2048)
def to_plain(text):
    """The text of Markdown without its markup, as schedules and calendars carry it.

    Like to_html(), it depends on the text alone, so recent results are remembered.
    """
    return strip_tags(to_html(text)).strip()


@lru_cache(maxsize=2048)
def summary(text, length=160):
    """A one-paragraph summary of Markdown text, for meta descriptions (remembered, as
    it depends on its arguments alone)."""
    plain = re.sub(r"\s+", " ", strip_tags(to_html(text))).strip()
    return Truncator(plain).chars(length)
