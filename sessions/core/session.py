"""The session: one meeting of an event, with its date, times, zone, place and audience."""

import functools
import zoneinfo
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.reversing import reverse_remembered
from common.validators import validate_single_line
from speakers.models import Speaker

from . import rules
from .event import Event

# The clocks furthest ahead and furthest behind on Earth: a day starts first in
# UTC+14 (Kiribati's Line Islands) and ends last in UTC-12.
EARLIEST_CLOCK = dt_timezone(timedelta(hours=14))
LATEST_CLOCK = dt_timezone(timedelta(hours=-12))


@functools.cache
def _zones():
    """Every zone a session may have, by name (read from the system once per process)."""
    return {name: zoneinfo.ZoneInfo(name) for name in zoneinfo.available_timezones()}


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            '"%(value)s" is not an IANA time zone name such as "Europe/Vienna".',
            params={"value": value},
            code="invalid_time_zone",
        )


# The event's calendar feed is /events/<event>/calendar.ics, where a session
# slugged "calendar" would have its own calendar file.
RESERVED_SESSION_SLUGS = ["calendar"]


def may_preview(user):
    """Whether `user` may see sessions that are not published (drafts)."""
    return user.is_authenticated and user.has_perm("agenda.view_session")


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Session.Status.PUBLISHED)

    def in_public_feeds(self):
        """Published sessions that may be listed: closed meetings stay out of feeds."""
        return self.published().filter(allow_indexing=True)

    def scheduled(self):
        """Sessions whose date, times and zone are all known: they have instants."""
        return self.filter(date__isnull=False, start_time__isnull=False).exclude(time_zone="")

    def upcoming(self):
        """Sessions whose day has not ended in their own zone, and those whose date is
        still to be confirmed.

        A session dated in a zone still to be confirmed counts until its day has ended
        everywhere on Earth (in UTC-12). One query, with no per-row work in Python:
        a day on or after today in UTC+14 has not ended anywhere, a day before today
        in UTC-12 has ended everywhere, and for the one or two days between, the
        query names the zones where that day has ended (or still runs, if fewer).
        """
        now = timezone.now()
        earliest_today = now.astimezone(LATEST_CLOCK).date()
        latest_today = now.astimezone(EARLIEST_CLOCK).date()
        upcoming = models.Q(date__isnull=True) | models.Q(date__gte=latest_today)
        local_today = {name: now.astimezone(zone).date() for name, zone in _zones().items()}
        day = earliest_today
        while day < latest_today:
            ended = [name for name, today in local_today.items() if today > day]
            running = [name for name, today in local_today.items() if today <= day]
            if len(ended) < len(running):
                in_its_zone = ~models.Q(time_zone__in=ended)  # "" (no zone) is never in it
            else:
                in_its_zone = models.Q(time_zone__in=running) | models.Q(time_zone="")
            upcoming |= models.Q(date=day) & in_its_zone
            day += timedelta(days=1)
        return self.filter(upcoming)

    def visible_to(self, user):
        """Published sessions, plus drafts for organisers who may preview them."""
        return self if may_preview(user) else self.published()

    def listed_to(self, user):
        """Sessions a page may list: every one an organiser may preview; for everyone
        else the published ones that are not closed meetings, which are reached by
        their own link only."""
        if user.is_authenticated and user.has_perm("agenda.view_session"):
            return self
        return self.in_public_feeds()

    def featuring(self, speaker):
        """Sessions in which the person has a role, leads a slot or is on stage."""
        return self.filter(
            models.Q(roles__speaker=speaker)
            | models.Q(slots__speakers=speaker)
            | models.Q(slots__moderators=speaker)
        ).distinct()

    def most_used_zones(self, limit=6):
        """The time zones these sessions use most, most used first: one query."""
        return list(
            self.exclude(time_zone="")
            .values_list("time_zone", flat=True)
            .annotate(uses=models.Count("pk"))
            .order_by("-uses", "time_zone")[:limit]
        )

    def people(self):
        """Everyone who appears in these sessions."""
        return Speaker.objects.filter(
            models.Q(session_roles__session__in=self)
            | models.Q(slots__session__in=self)
            | models.Q(moderated_slots__session__in=self)
        )


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class HouseRule(models.TextChoices):
        NONE = "none", "No special rule"
        CHATHAM_HOUSE = "chatham_house", "Chatham House Rule"
        ON_THE_RECORD = "on_the_record", "On the record"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="sessions")
    order = models.PositiveSmallIntegerField(
        default=1, help_text="Position within the event: 2 for Session Two."
    )
    label = models.CharField(
        max_length=60, blank=True, validators=[validate_single_line], help_text='"Session Two"'
    )
    title = models.CharField(max_length=300, validators=[validate_single_line])
    slug = models.SlugField(max_length=100, help_text="Unique within the event.")

    date = models.DateField(null=True, blank=True, help_text="Leave empty while to be confirmed.")
    start_time = models.TimeField(
        null=True, blank=True, help_text="Wall-clock time at the venue, in the session's zone."
    )
    end_time = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text='IANA name, e.g. "Europe/London". Leave empty while to be confirmed.',
    )
    # The place: its name and, when known, its postal address and position. Every
    # part may stay empty while it is to be confirmed.
    venue = models.CharField(
        "venue name",
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text='The place\'s name, e.g. "Chatham House". Empty: to be confirmed.',
    )
    street_address = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text='e.g. "10 St James\'s Square".',
    )
    postal_code = models.CharField(max_length=20, blank=True, validators=[validate_single_line])
    city = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    country = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Degrees north (negative: south), e.g. 51.507431. Calendars show it on a map.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Degrees east (negative: west), e.g. -0.135120.",
    )
    online_url = models.URLField(blank=True, help_text="Link for an online or hybrid meeting.")

    outline = models.TextField(blank=True, help_text="Markdown.")
    audience = models.TextField(
        blank=True, help_text="Anything more to say about who takes part. Markdown."
    )
    capacity_min = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity_max = models.PositiveSmallIntegerField(null=True, blank=True)
    participants_selected = models.BooleanField(
        default=False, help_text="Participants are selected by the organisers."
    )
    fields_of_expertise = models.TextField(
        blank=True, help_text="Comma-separated: digital rights, cyber policy, law."
    )
    house_rule = models.CharField(max_length=20, choices=HouseRule.choices, default=HouseRule.NONE)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    allow_indexing = models.BooleanField(
        default=True,
        help_text="Untick for a closed meeting: search engines are asked not to list it, "
        "and it stays out of the event's calendar feed and schedule.",
    )
    cancelled = models.BooleanField(
        default=False,
        help_text="The meeting will not take place. Its page stays up and says so; "
        "calendars that hold it are told.",
    )
    # Raised on every change of date, times, zone, place or cancellation
    # (sessions/core/changes.py), so calendar programs replace their copy (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "order", "pk"]
        permissions = [("view_runofshow", "Can view the run-of-show")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slug"],
                name="session_slug_unique_per_event",
                violation_error_message="Another session of this event already uses this slug.",
            ),
            models.CheckConstraint(
                condition=~models.Q(slug__in=RESERVED_SESSION_SLUGS),
                name="session_slug_not_reserved",
                violation_error_message="This slug is taken by the event's calendar feed "
                "(calendar.ics); choose another.",
            ),
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True, end_time__isnull=True)
                | models.Q(start_time__isnull=False, end_time__isnull=False),
                name="session_times_both_or_neither",
                violation_error_message="Give both a start and an end time, or neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
                violation_error_message="The session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="session_position_both_or_neither",
                violation_error_message="Give both a latitude and a longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_min__isnull=True)
                | models.Q(capacity_max__isnull=True)
                | models.Q(capacity_min__lte=models.F("capacity_max")),
                name="session_capacity_min_not_above_max",
                violation_error_message="The minimum number of participants is above the maximum.",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.title}" if self.label else self.title

    def get_absolute_url(self):
        return reverse_remembered("agenda:session", event=self.event.slug, session=self.slug)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def zone(self):
        """The session's ZoneInfo, or None while the zone is to be confirmed."""
        return zoneinfo.ZoneInfo(self.time_zone) if self.time_zone else None

    def localize(self, wall_time):
        """The aware datetime of a wall-clock time on the session's day, if both are known."""
        if wall_time is None or self.date is None or self.zone is None:
            return None
        return datetime.combine(self.date, wall_time, tzinfo=self.zone)

    @property
    def starts_at(self):
        return self.localize(self.start_time)

    @property
    def ends_at(self):
        return self.localize(self.end_time)

    def day_has_ended(self):
        """The session's day is over in its own zone (everywhere on Earth, in UTC-12,
        while the zone is to be confirmed): upcoming() for one session in memory.
        False while the date is to be confirmed."""
        if self.date is None:
            return False
        return timezone.now().astimezone(self.zone or LATEST_CLOCK).date() > self.date

    @property
    def has_calendar_times(self):
        """Date, start, end and zone are all known: a calendar entry can be made."""
        return self.starts_at is not None and self.ends_at is not None

    @property
    def postal_address(self):
        """The address as it is written on one line: street, city and postcode, country."""
        town = " ".join(part for part in (self.city, self.postal_code) if part)
        return ", ".join(part for part in (self.street_address, town, self.country) if part)

    @property
    def place_name(self):
        """The venue's name and address in one line, or "" while both are to be confirmed."""
        return ", ".join(part for part in (self.venue, self.postal_address) if part)

    @property
    def position(self):
        """(latitude, longitude) as floats, or None when not given."""
        if self.latitude is None or self.longitude is None:
            return None
        return (float(self.latitude), float(self.longitude))

    @property
    def expertise_list(self):
        return [item.strip() for item in self.fields_of_expertise.split(",") if item.strip()]

    def clean(self):
        try:
            self.zone  # noqa: B018
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return  # not a zone at all: validate_time_zone names the problem on the field
        errors = {}
        for field in ("start_time", "end_time"):
            wall_time = getattr(self, field)
            instant = self.localize(wall_time)
            if instant is not None and not exists_on_the_clock(instant):
                errors[field] = ValidationError(
                    "%(time)s does not exist on %(date)s in %(zone)s: the clocks change then.",
                    params={"time": wall_time, "date": self.date, "zone": self.time_zone},
                    code="nonexistent_time",
                )
        if errors:
            raise ValidationError(errors)

    def check_agenda(self, slots=None):
        """Raise ValidationError naming every overlap or slot outside the session.

        `slots` are SlotTimes rows about to be saved; by default the stored agenda,
        read with one query.
        """
        if slots is None:
            slots = [slot.as_times() for slot in self.slots.only("title", "start", "end")]
        problems = rules.agenda_problems(slots, self.start_time, self.end_time)
        if problems:
            raise ValidationError([p.message for p in problems], code="agenda")

    def publish(self):
        now = timezone.now()
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or now
        self.updated_at = now


def exists_on_the_clock(instant):
    """False for a wall time skipped when clocks go forward (e.g. 02:30 on that day)."""
    round_trip = instant.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(instant.tzinfo)
    return round_trip.replace(tzinfo=None) == instant.replace(tzinfo=None)
