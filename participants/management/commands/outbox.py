"""The email outbox at a glance: messages by status and the oldest one waiting.

    manage.py outbox            # counts, the oldest queued message's age; exit 1 if it is stuck
    manage.py outbox --enqueue  # also queue a task again for messages that lost theirs

A supervisor or cron can run it: it exits with status 1 when the oldest queued
message has waited longer than --max-age seconds (default 600), which means the
worker is not running or the mail server has been refusing for a while.
"""

from django.core.management.base import BaseCommand

from participants.outbox import outbox_enqueue_lost, outbox_summary


class Command(BaseCommand):
    help = "Report the email outbox: messages by status and the oldest queued one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue a task again for queued messages long overdue (their task was lost).",
        )
        parser.add_argument(
            "--max-age",
            type=int,
            default=600,
            help="Seconds the oldest queued message may wait before the exit status is 1.",
        )

    def handle(self, *, enqueue, max_age, **options):
        if enqueue:
            count = outbox_enqueue_lost()
            self.stdout.write(f"Queued a task again for {count} message(s).")
        summary = outbox_summary()
        counts = summary["counts"]
        self.stdout.write(", ".join(f"{status} {count}" for status, count in counts.items()))
        oldest = summary["oldest_queued_s"]
        if oldest is None:
            self.stdout.write("Nothing waits in the outbox.")
            return
        self.stdout.write(f"Oldest queued message: {oldest} s ago.")
        if oldest > max_age:
            self.stderr.write(
                f"The oldest queued message has waited over {max_age} s: is the worker "
                "(manage.py db_worker) running, and does the mail server answer?"
            )
            raise SystemExit(1)
