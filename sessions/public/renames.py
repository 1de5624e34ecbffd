"""Old addresses answer for good: a renamed event's or session's links lead to the new ones.

`follows_renames(view)` wraps a view whose URL names an event (and a session).
When the view finds nothing (Http404) and the slugs in the address are ones the
event or the session had before (core/renames.py), it answers with a permanent
redirect (301) to the same page, file or feed at the current address, the query
string kept. It costs nothing while the address is current: the former slugs are
read only after a 404.

Drafts stay hidden: an address leads on only to what the visitor may see (a
published session, an event with one), so an old link does not reveal a draft's
new address.
"""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from ..core.renames import any_former, find_event, find_session
from ..models import Session


def _current_address(request, kwargs):
    if not any_former(kwargs["event"], kwargs.get("session")):
        return None
    event = find_event(kwargs["event"])
    visible = Session.objects.visible_to(request.user)
    new = dict(kwargs)
    if "session" in kwargs:
        session = find_session(kwargs["event"], event, kwargs["session"])
        if session is None or not visible.filter(pk=session.pk).exists():
            return None
        new.update(event=session.event.slug, session=session.slug)
    elif event is None or not visible.filter(event=event).exists():
        return None
    else:
        new["event"] = event.slug
    if new == kwargs:
        return None  # the address is current: the 404 is the page's own
    match = request.resolver_match
    return reverse(f"{':'.join(match.namespaces)}:{match.url_name}", kwargs=new)


def follows_renames(view):
    @wraps(view)
    def view_or_redirect(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            address = _current_address(request, kwargs)
            if address is None:
                raise
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)

    return view_or_redirect
