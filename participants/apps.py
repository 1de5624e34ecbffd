from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    """Requests for a place in a session, the organisers' selection, staff lists.

    A separate app because participants' personal data (names, email addresses,
    organisations, motivations) has its own privacy rules, retention period and
    permissions: it is deleted on a schedule (`purge_participant_requests`), only
    staff holding `participants.view_participant_list` may see or export it, and
    it never reaches a public page, a cache or the schedule exports.

    The rest of the site must not depend on it, so it can be switched off, audited
    or purged on its own. Dependency direction: participants → sessions → speakers.
    Nothing in `sessions` or `speakers` imports from here; the session page shows
    the "Request a place" link because `ready()` registers
    `participants/request_link.html` with the page's extension point
    (`sessions.public.extensions.session_actions`), and has the page's query for the
    session join the request settings (`session_relations`).
    """

    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from common.caching import bump_content_version
        from sessions.public.extensions import session_actions, session_relations

        from .models import RequestSettings

        session_actions.register("participants/request_link.html", app=self.name)
        # The link reads the session's request settings: joined to the page's query.
        session_relations.register("request_settings", app=self.name)

        # The public session page shows whether requests are open: a change to the
        # settings must empty the page cache. Requests themselves are never shown.
        def settings_changed(**kwargs):
            bump_content_version()

        for signal in (post_save, post_delete):
            signal.connect(settings_changed, sender=RequestSettings, weak=False)
