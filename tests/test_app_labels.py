from django.apps import apps
from django.contrib.sessions.models import Session as DjangoSession

from sessions.models import Session as AgendaSession


def test_our_sessions_app_is_labelled_agenda_and_leaves_django_sessions_alone():
    assert apps.get_app_config("agenda").name == "sessions"
    assert apps.get_model("agenda", "Session") is AgendaSession
    assert apps.get_model("sessions", "Session") is DjangoSession
    assert AgendaSession._meta.db_table == "agenda_session"
