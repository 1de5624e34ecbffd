"""Operations that touch several models at once. Keyword-only, named <thing>_<action>."""

from django.db import transaction

from speakers.models import Affiliation, Organisation, Speaker

from . import demo
from .caching import bump_content_version
from .models import AgendaSlot, Event, Session, SessionRole


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
        speakers[slug] = speaker

    event, _ = Event.objects.update_or_create(
        slug=demo.EVENT["slug"], defaults={"title": demo.EVENT["title"]}
    )
    fields = {key: value for key, value in demo.SESSION.items() if key != "slug"}
    session, _ = Session.objects.update_or_create(
        event=event, slug=demo.SESSION["slug"], defaults=fields
    )
    if session.published_at is None:
        session.publish()
        session.save()

    session.roles.all().delete()
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

    session.slots.all().delete()
    for start, end, title, kind, description, moderators, on_stage in demo.SLOTS:
        slot = AgendaSlot.objects.create(
            session=session, start=start, end=end, title=title, kind=kind, description=description
        )
        slot.moderators.set([speakers[slug] for slug in moderators])
        slot.speakers.set([speakers[slug] for slug in on_stage])
    session.check_agenda()
    bump_content_version()  # bulk_create sends no signals
    return session
