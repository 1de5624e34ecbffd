import datetime

from django.core.management.base import BaseCommand

from sessions.demo.load import demo_event_load


class Command(BaseCommand):
    help = (
        "Load the demo event (the seed page). Safe to run again: it keeps one copy. "
        "The seed gives no date or time zone; --date and --time-zone set them, to try "
        "the calendar files and the offsets on the pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--time-zone", default="", help='IANA name, e.g. "Europe/London"')

    def handle(self, *args, date=None, time_zone="", **options):
        session = demo_event_load()
        if date or time_zone:
            session.date = date or session.date
            session.time_zone = time_zone or session.time_zone
            session.full_clean()
            session.save()
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"Demo event loaded: {session.event} / {session.label}")
            )
