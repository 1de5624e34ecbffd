from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from common.caching import bump_content_version
from sessions.core.history import record_created, record_created_slots
from sessions.models import AgendaSlot, Event, Session, SessionRole
from speakers.models import Speaker


class Command(BaseCommand):
    help = (
        "Create (or re-create) a published session with many two-minute slots, each with "
        "the demo's panellists on stage: a heavy page for benchmarks and load tests. "
        "Run load_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slots", type=int, default=500)
        parser.add_argument("--slug", default="long-agenda")

    @transaction.atomic
    def handle(self, *args, slots, slug, **options):
        event = Event.objects.get(slug="engaging-civil-society-cybercrime")
        Session.objects.filter(event=event, slug=slug).delete()
        minutes = slots * 2
        start = datetime(2000, 1, 1, 0, 0)
        session = Session.objects.create(
            event=event,
            order=99,
            label="Benchmark",
            title=f"A long agenda of {slots} items",
            slug=slug,
            start_time=start.time(),
            end_time=min(
                start + timedelta(minutes=minutes), start.replace(hour=23, minute=59)
            ).time(),
            time_zone="Europe/London",
            status=Session.Status.PUBLISHED,
            allow_indexing=False,
        )
        people = list(Speaker.objects.order_by("pk")[:4])
        roles = SessionRole.objects.bulk_create(
            SessionRole(session=session, speaker=person, order=n, contribution="will speak.")
            for n, person in enumerate(people)
        )
        created = AgendaSlot.objects.bulk_create(
            AgendaSlot(
                session=session,
                start=(start + timedelta(minutes=2 * n)).time(),
                end=(start + timedelta(minutes=2 * n + 1)).time(),
                title=f"Item {n + 1}",
                description="A short description of this item.",
            )
            for n in range(slots)
            if 2 * n + 1 < 24 * 60
        )
        Through = AgendaSlot.speakers.through
        links = Through.objects.bulk_create(
            Through(agendaslot=slot, speaker=person) for slot in created for person in people
        )
        # Written in bulk, so their history is recorded here (as a save would).
        record_created(roles)
        record_created_slots(created, {"speakers": links})
        bump_content_version()
        self.stdout.write(f"{session.get_absolute_url()} ({len(created)} slots)")
