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

    # Apps whose data the public pages show: any change to them empties the page cache.
    PUBLIC_DATA_APPS = {"agenda", "speakers"}

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        post_save.connect(_public_data_changed, dispatch_uid="public-cache-save")
        post_delete.connect(_public_data_changed, dispatch_uid="public-cache-delete")
        m2m_changed.connect(_public_data_changed, dispatch_uid="public-cache-m2m")


def _public_data_changed(sender, **kwargs):
    if sender._meta.app_label in AgendaConfig.PUBLIC_DATA_APPS:
        from .caching import bump_content_version

        bump_content_version()
