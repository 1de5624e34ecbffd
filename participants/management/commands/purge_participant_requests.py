from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from participants import ratelimit
from participants.models import RETENTION_DAYS, ParticipantRequest, RateLimitCounter


class Command(BaseCommand):
    help = (
        "Delete requests for a place once their session's date is more than --days days "
        "in the past. Requests for sessions whose date is still to be confirmed are kept. "
        "Also deletes the request form's rate-limit counters whose window has ended."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=RETENTION_DAYS,
            help=f"Days after the session's date to keep requests (default {RETENTION_DAYS}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be deleted, and delete nothing.",
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        expired = ParticipantRequest.objects.past_retention(days=days)
        if dry_run:
            count = expired.count()
            counters = RateLimitCounter.objects.filter(expires_at__lte=timezone.now()).count()
            self.stdout.write(
                f"Dry run: {count} request(s) for sessions more than {days} days past "
                f"and {counters} ended rate-limit counter(s) would be deleted. "
                "Nothing was deleted."
            )
            return
        with transaction.atomic():
            count, _ = expired.delete()
            counters = ratelimit.purge_ended()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {count} request(s) for sessions more than {days} days past. "
                f"Deleted {counters} ended rate-limit counter(s)."
            )
        )
