from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path(
        "events/<slug:event>/<slug:session>/request/",
        views.RequestPlaceView.as_view(),
        name="request",
    ),
    path(
        "events/<slug:event>/<slug:session>/request/sent/",
        views.RequestSentView.as_view(),
        name="request_sent",
    ),
    path(
        "events/<slug:event>/<slug:session>/request/withdrawn/",
        views.RequestWithdrawnView.as_view(),
        name="request_withdrawn",
    ),
    # The signed link of participants/links.py: a token of letters, digits, ".", ":", "-", "_".
    path("requests/<str:token>/", views.RequestChangeView.as_view(), name="request_change"),
    path(
        "events/<slug:event>/<slug:session>/participants/sign-in/",
        views.SignInSheetView.as_view(),
        name="sign_in",
    ),
    path(
        "events/<slug:event>/<slug:session>/participants.csv",
        views.ParticipantCsvView.as_view(),
        name="csv",
    ),
]

# Outside the namespace: the footer and the form link to it by a plain name.
site_urlpatterns = [
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
]
