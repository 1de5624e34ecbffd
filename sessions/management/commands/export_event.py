from django.core.management.base import BaseCommand, CommandError

from sessions.backup.export import event_export_json
from sessions.models import Event


class Command(BaseCommand):
    help = (
        "Write an event (sessions, agenda, people, organisations; no participants' data) "
        "as a JSON backup, to standard output or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The event's slug, as in /events/<slug>/.")
        parser.add_argument("--output", "-o", help="File to write; standard output if left out.")

    def handle(self, *args, slug, output, **options):
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(f"No event with the slug {slug!r}.")
        text = event_export_json(event=event)
        if output is None:
            self.stdout.write(text, ending="")
            return
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)
        if options["verbosity"]:
            self.stderr.write(f"Event {slug!r} written to {output}.")
