from django.contrib import admin
from django.urls import include, path

from participants.urls import site_urlpatterns as participants_site_urlpatterns
from sessions.urls import site_urlpatterns

admin.site.site_header = "Event microsite: organisers"
admin.site.site_title = "Event microsite admin"
admin.site.index_title = "Events, sessions and people"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("sessions.urls")),
    path("", include("participants.urls")),
    *site_urlpatterns,
    *participants_site_urlpatterns,
]
