from django.core.management.base import BaseCommand

from sessions.services import demo_event_load


class Command(BaseCommand):
    help = "Load the demo event (the seed page). Safe to run again: it keeps one copy."

    def handle(self, *args, **options):
        session = demo_event_load()
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"Demo event loaded: {session.event} / {session.label}")
            )
