from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def request_settings(session):
    """The session's request settings (or None): one query, for the "Request a place" link."""
    return selectors.request_settings_for(session)


@register.simple_tag
def takes_requests(session, settings):
    """Whether the "Request a place" link may show: open, not cancelled, not started."""
    return selectors.why_no_requests(session, settings) is None
