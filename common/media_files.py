"""Uploaded files served by the site itself, from the local media folder (SERVE_MEDIA).

For the embedded default and a single server. Behind a proxy, let the proxy serve
MEDIA_ROOT at MEDIA_URL and set SERVE_MEDIA=0 (README: Uploaded images); with
object storage, readers fetch the files from it and the site serves none.

Only the image types uploads are stored as are served, each with its own content
type and no sniffing (SecurityMiddleware's nosniff); names never change, so a year's
cache lifetime.
"""

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_GET
from django.views.static import serve

# Names never change (random for uploads, a hash for variants and stylesheets).
IMMUTABLE = "public, max-age=31536000, immutable"
SERVED = (".jpg", ".png", ".webp")


@require_GET
def serve_media(request, path):
    if not path.lower().endswith(SERVED):
        raise Http404("Not an uploaded image.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = IMMUTABLE
    return response
