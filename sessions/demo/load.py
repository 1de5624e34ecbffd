"""Loads the demo event: the seed page's meeting, fact for fact (data.py)."""

from django.db import transaction

from common.caching import bump_content_version
from speakers.models import Affiliation, Organisation, Speaker

from ..core.history import record_created
from ..models import RUNNING_ORDER, AgendaSlot, Event, EventPartner, Session, SessionRole
from . import data as demo


@transaction.atomic
def demo_event_load():
    """Create or refresh the demo event from the seed page; running it again changes nothing.

    Returns the demo session.
    """
    organisations = {}
    for name, short_name, parent in demo.ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={"short_name": short_name, "parent": organisations.get(parent)},
        )

    speakers = {}
    for slug, honorific, name, affiliations in demo.SPEAKERS:
        speaker, _ = Speaker.objects.update_or_create(
            slug=slug, defaults={"honorific": honorific, "name": name}
        )
        speaker.affiliations.all().delete()
        record_created(
            Affiliation.objects.bulk_create(
                Affiliation(
                    speaker=speaker,
                    order=order,
                    position=position,
                    unit=unit,
                    organisation=organisations[organisation],
                )
                for order, (position, unit, organisation) in enumerate(affiliations, start=1)
            )
        )
        speakers[slug] = speaker

    event, _ = Event.objects.update_or_create(
        slug=demo.EVENT["slug"],
        defaults={key: value for key, value in demo.EVENT.items() if key != "slug"},
    )
    for order, (role, name, link) in enumerate(demo.PARTNERS):
        EventPartner.objects.update_or_create(
            event=event, role=role, name=name, defaults={"link": link, "order": order}
        )
    fields = {key: value for key, value in demo.SESSION.items() if key != "slug"}
    session, _ = Session.objects.update_or_create(
        event=event, slug=demo.SESSION["slug"], defaults=fields
    )
    session.roles.all().delete()
    record_created(
        SessionRole.objects.bulk_create(
            SessionRole(
                session=session,
                speaker=speakers[slug],
                role=role,
                order=order,
                shown_as=organisations.get(shown_as),
                contribution=contribution,
                contribution_order=contribution_order,
            )
            for slug, role, order, shown_as, contribution, contribution_order in demo.ROLES
        )
    )

    # Slots are updated in place, row for row, rather than deleted and made again:
    # on a published session every deletion and addition is a change that
    # participants are shown (sessions/core/changes.py), and a reload changes nothing.
    existing = list(session.slots.order_by(*RUNNING_ORDER))
    for index, (start, end, title, kind, description, moderators, on_stage) in enumerate(
        demo.SLOTS
    ):
        slot = existing[index] if index < len(existing) else AgendaSlot(session=session)
        slot.start, slot.end, slot.title = start, end, title
        slot.kind, slot.description = kind, description
        slot.save()
        slot.moderators.set([speakers[slug] for slug in moderators])
        slot.speakers.set([speakers[slug] for slug in on_stage])
    for extra in existing[len(demo.SLOTS) :]:
        extra.delete()
    session.check_agenda()
    # Published once the agenda is complete: what comes before is not a change.
    if session.published_at is None:
        session.publish()
        session.save()
    bump_content_version()  # bulk_create sends no signals
    return session
