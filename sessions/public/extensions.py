"""Places on the session page where other apps add their part, unknown to this app.

The agenda app owns the page; an app that has something to show on it (the
participants app's "Request a place") registers a template from its
`AppConfig.ready()`:

    from sessions.public.extensions import session_actions
    session_actions.register("participants/request_link.html", app="participants")

The session page includes each template of an installed app, in the order they
were registered, with the page's context (`session`, `event`, `agenda`). A
template that needs data loads it itself (a template tag of its own app), so the
page's query count grows only by what that app adds.
"""

from django.apps import apps


class TemplateHook:
    def __init__(self, description):
        self.description = description
        self._entries = []

    def register(self, template_name, *, app):
        """Add `template_name` (of the app named `app`, e.g. "participants") to the page."""
        if (template_name, app) not in self._entries:
            self._entries.append((template_name, app))

    def templates(self):
        """The registered templates whose app is installed now."""
        return [name for name, app in self._entries if apps.is_installed(app)]


# Below the session's date and place: what a participant can do about the meeting.
session_actions = TemplateHook("actions beside the session's date and place")
