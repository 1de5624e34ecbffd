"""Places on the session page where other apps add their part, unknown to this app.

The agenda app owns the page; an app that has something to show on it (the
participants app's "Request a place") registers a template from its
`AppConfig.ready()`:

    from sessions.public.extensions import session_actions
    session_actions.register("participants/request_link.html", app="participants")

The session page includes each template of an installed app, in the order they
were registered, with the page's context (`session`, `event`, `agenda`). A
template that needs data loads it itself (a template tag of its own app), so the
page's query count grows only by what that app adds. When what it needs is a
relation of the session that a join can bring (a one-to-one row of its own
model), the app names it, and the page's query for the session joins it:

    from sessions.public.extensions import session_relations
    session_relations.register("request_settings", app="participants")

The template then reads `session.request_settings` without a query of its own
(the app's code checks that the relation was loaded, since other pages may not
join it).
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


class RelationHook:
    def __init__(self, description):
        self.description = description
        self._entries = []

    def register(self, relation, *, app):
        """Join the session's `relation` (a select_related() name) to the page's query."""
        if (relation, app) not in self._entries:
            self._entries.append((relation, app))

    def relations(self):
        """The registered relations whose app is installed now."""
        return [relation for relation, app in self._entries if apps.is_installed(app)]


# Below the session's date and place: what a participant can do about the meeting.
session_actions = TemplateHook("actions beside the session's date and place")
# One-to-one rows of other apps that their session_actions templates read.
session_relations = RelationHook("relations the session page's query joins for other apps")
