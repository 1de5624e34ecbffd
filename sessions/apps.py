from django.apps import AppConfig


class AgendaConfig(AppConfig):
    """The events-and-sessions app.

    Its package is `sessions`, but the label `sessions` belongs to
    django.contrib.sessions (which the admin needs), so Django knows this app as
    `agenda`: `agenda.Session`, `migrate agenda`, table `agenda_session`.
    """

    name = "sessions"
    label = "agenda"
    verbose_name = "Events and agendas"
    default = True

    def ready(self):
        # Connects the receivers that raise SEQUENCE and record changes after publication.
        from . import changes  # noqa: F401
