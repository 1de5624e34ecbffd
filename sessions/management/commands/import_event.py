from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sessions.backup.importing import event_import_detailed
from sessions.backup.reading import event_file_load


class Command(BaseCommand):
    help = (
        "Create or update an event from a JSON backup made by export_event. "
        "All or nothing: a file with any problem changes nothing, and each problem is named. "
        "Sessions the file adds arrive as drafts unless --publish-as-in-file is given; "
        "an event this site already has is updated only with --update-existing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON backup to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be created, changed and removed; write nothing.",
        )
        parser.add_argument(
            "--update-existing",
            action="store_true",
            help="Update the event if this site already has one with the file's slug "
            "(refused otherwise, so that a file never overwrites an event by surprise).",
        )
        parser.add_argument(
            "--publish-as-in-file",
            action="store_true",
            help="Give sessions the file's publication status. Without it, sessions the file "
            "adds arrive as drafts and sessions this site has keep their status.",
        )

    def handle(self, *args, file, dry_run, update_existing, publish_as_in_file, **options):
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = event_import_detailed(
                data=event_file_load(content=content),
                update_existing=update_existing,
                publish=publish_as_in_file,
                dry_run=dry_run,
            )
        except ValidationError as error:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {m}" for m in error.messages)
            ) from None
        if dry_run:
            what = "update this site's" if result.updates_existing else "create the"
            self.stdout.write(
                f"Dry run: nothing was written. The file would {what} event {result.event.slug!r}:"
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Event {result.event.slug!r} imported."))
        for line in result.preview_lines() if dry_run else ():
            self.stdout.write(line)
        for line in result.summary():
            self.stdout.write(f"  {line}")
