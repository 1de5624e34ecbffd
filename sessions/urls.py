from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/<slug:event>/", views.EventView.as_view(), name="event"),
    path("events/<slug:event>/<slug:session>/", views.SessionView.as_view(), name="session"),
]
