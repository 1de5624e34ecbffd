from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What several of our apps use: admin guards, spreadsheet downloads, the page
    cache and its content version, time and text formatting, Markdown.

    It has no models and imports none of our other apps (see docs/architecture.md).
    """

    name = "common"
    verbose_name = "Shared helpers"
