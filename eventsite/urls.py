"""The site's URL map: which app answers which addresses.

sessions/urls.py lists the agenda app's URLs with the module that answers each;
participants/urls.py those of the participants app, which the site can run
without (its URLs are left out when it is not installed).
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from common.media_files import serve_media
from sessions.urls import last_urlpatterns, site_urlpatterns

admin.site.site_header = "Event microsite: organisers"
admin.site.site_title = "Event microsite admin"
admin.site.index_title = "Events, sessions and people"

# A database outage raised outside a view (in a middleware) is a 503, not a 500.
handler500 = "common.unavailable.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Staff who are not organisers (the "Event staff" group) log in here: the admin's
    # own login only lets in accounts with staff status.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("sessions.urls")),
    *site_urlpatterns,
]

if apps.is_installed("participants"):
    from participants.urls import site_urlpatterns as participants_site_urlpatterns

    urlpatterns += [path("", include("participants.urls")), *participants_site_urlpatterns]

if settings.SERVE_MEDIA:
    # Uploaded logos and photos from the local folder (common/media_files.py).
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", serve_media, name="media")]

urlpatterns += last_urlpatterns
