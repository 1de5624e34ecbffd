"""One factory per model, with relations that agree with each other."""

from datetime import time

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from participants.models import OutboxMessage, ParticipantRequest, RequestSettings
from sessions.models import AgendaSlot, Event, Session, SessionRole
from speakers.models import Affiliation, Organisation, Speaker


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class OrganiserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"organiser{n}")
    is_staff = True

    @factory.post_generation
    def organisers_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Organisers"))


class EventStaffFactory(UserFactory):
    """Staff who run the meeting: they may see the run-of-show, not edit in the admin."""

    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def event_staff_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Event staff"))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    speaker = factory.SubFactory(SpeakerFactory)
    position = "Researcher"
    organisation = factory.SubFactory(OrganisationFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    slug = factory.Sequence(lambda n: f"session-{n}")
    start_time = time(9, 0)
    end_time = time(17, 0)
    time_zone = "Europe/Vienna"

    class Params:
        published = factory.Trait(status=Session.Status.PUBLISHED)


class AgendaSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaSlot

    session = factory.SubFactory(SessionFactory)
    start = time(9, 0)
    end = time(10, 0)
    title = factory.Sequence(lambda n: f"Item {n}")


class SessionRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRole

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)


class RequestSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestSettings

    session = factory.SubFactory(SessionFactory, published=True)
    requests_open = True


class ParticipantRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantRequest

    session = factory.SubFactory(SessionFactory, published=True)
    name = factory.Sequence(lambda n: f"Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    organisation = "Example University"
    expertise = "law"
    motivation = "I work on this."
    consent_at = factory.LazyFunction(timezone.now)


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """An email as the outbox holds it (written straight, so no task is queued)."""

    class Meta:
        model = OutboxMessage

    participant_request = factory.SubFactory(ParticipantRequestFactory)
    session = factory.SelfAttribute("participant_request.session")
    kind = "selected"
    recipient = factory.SelfAttribute("participant_request.email")
    subject = "You have a place"
    body = "Dear participant,\n"


def fill_agenda(session, count, *, first=time(0, 0), every=2, length=1, people=(), **fields):
    """`count` slots of `length` minutes, one every `every` minutes from `first`, with
    `people` on stage and the first of them moderating: agendas of any size for
    query-count and print tests."""
    start = first.hour * 60 + first.minute
    slots = []
    for number in range(count):
        minute = start + number * every
        slot = AgendaSlotFactory(
            session=session,
            start=time(minute // 60, minute % 60),
            end=time((minute + length) // 60, (minute + length) % 60),
            **fields,
        )
        if people:
            slot.speakers.add(*people)
            slot.moderators.add(people[0])
        slots.append(slot)
    return slots
