from django.urls import path

from . import views

app_name = "speakers"

urlpatterns = [
    path("speakers/<slug:slug>/", views.SpeakerView.as_view(), name="detail"),
]
