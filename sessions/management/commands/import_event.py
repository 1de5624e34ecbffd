from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sessions.backup.importing import event_import_detailed
from sessions.backup.reading import event_file_load


class Command(BaseCommand):
    help = (
        "Create or update an event from a JSON backup made by export_event. "
        "All or nothing: a file with any problem changes nothing, and each problem is named."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON backup to import.")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = event_import_detailed(data=event_file_load(content=content))
        except ValidationError as error:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {m}" for m in error.messages)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Event {result.event.slug!r} imported."))
        for line in result.summary():
            self.stdout.write(f"  {line}")
