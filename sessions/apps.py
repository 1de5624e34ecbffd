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
        from common.caching import bump_on_changes_to

        # The receivers that raise SEQUENCE and record changes after publication.
        from .core import changes  # noqa: F401

        # The public pages show events, sessions, slots and roles (this app) and the
        # people in them (speakers): a change to any of them empties the page cache.
        bump_on_changes_to(self.label, "speakers")
