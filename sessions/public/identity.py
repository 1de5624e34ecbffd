"""Each event's own look: its stylesheet of colours, served with a content hash.

The page's Content-Security-Policy allows styles from this site only, never inline:
an event's colours reach its pages as a small stylesheet of custom properties
(common/colours.py's Palette.css()), which static/css/site.css's rules for
`body.branded` read. Its address carries a hash of its content, so browsers keep it
a year; a new colour is a new address. An address with a hash that is no longer
the event's redirects to the current one, uncached (a page kept from before).
"""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from common.media_files import IMMUTABLE

from ..models import Event


@require_GET
def event_stylesheet(request, event, digest):
    found = Event.objects.filter(slug=event).only("slug", "colour").first()
    if found is None or found.palette is None:
        raise Http404("No such event, or it has no colour.")
    palette = found.palette
    if digest != palette.digest:
        response = HttpResponseRedirect(found.stylesheet_url)
        response["Cache-Control"] = "no-cache"
        return response
    response = HttpResponse(palette.css(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = IMMUTABLE
    return response
