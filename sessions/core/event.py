"""The event: a series of meetings, public once one of its sessions is published."""

import contextlib

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from common import colours, images
from common.reversing import reverse_remembered
from common.validators import validate_single_line


class EventQuerySet(models.QuerySet):
    def with_sessions(self, sessions):
        """Events that have any of `sessions`, each with them in `listed_sessions`."""
        return (
            self.filter(pk__in=sessions.values("event"))
            .prefetch_related(
                models.Prefetch(
                    "sessions",
                    queryset=sessions.order_by("order", "pk"),
                    to_attr="listed_sessions",
                )
            )
            .order_by("title")
        )


class Event(models.Model):
    """A series of meetings, e.g. "Engaging civil society in the fight against cybercrime".

    An event is public as soon as one of its sessions is published.
    """

    # Uploaded images and the sizes made of each (common/images.py).
    IMAGES = {"logo": images.LOGO, "header_image": images.BANNER}

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    organiser = models.CharField(
        max_length=200,
        blank=True,
        help_text='Who organises it, as a sentence says it: "UNODC and GI-TOC". Their logos '
        "and links go under Organisers and partners below.",
    )
    tagline = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text="One line under the title on the event's pages.",
    )
    colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[colours.check_colour],
        help_text="The event's colour as #RRGGBB: its header band, buttons and links. Text on "
        "it and it on white must keep WCAG 2.2 AA contrast; a colour that does not is refused "
        "with its ratio. Empty: the site's own look.",
    )
    logo = images.image_field(
        "logos",
        help_text="PNG (with transparency), JPEG or WebP, at least 112 pixels high. "
        "Not SVG: it can carry scripts.",
    )
    logo_alt = models.CharField(
        "logo's text",
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text="What the logo says, for people who cannot see it: usually the host's name.",
    )
    logo_variants = images.variants_field()
    header_image = images.image_field(
        "headers",
        help_text="A wide picture across the top of the event's page, at least 1,920 pixels "
        "wide for sharp wide screens.",
    )
    header_image_alt = models.CharField(
        "header image's text",
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text="What the picture shows, for people who cannot see it.",
    )
    header_image_variants = images.variants_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        images.store_images(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("agenda:event", event=self.slug)

    def clean(self):
        super().clean()
        errors = {}
        if self.colour:
            with contextlib.suppress(ValidationError):  # the field's validator says why
                self.colour = colours.normalised(self.colour)
        if self.logo and not self.logo_alt.strip():
            errors["logo_alt"] = (
                "Say what the logo shows (usually the host's name): screen readers read it "
                "instead of the picture."
            )
        if self.header_image and not self.header_image_alt.strip():
            errors["header_image_alt"] = (
                "Say what the header image shows: screen readers read it instead of the picture."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def palette(self):
        """The shades its pages wear (common/colours.py), or None: the site's own look."""
        return colours.palette(self.colour) if self.colour else None

    @property
    def stylesheet_url(self):
        """The address of its colours' stylesheet (public/identity.py), named by a hash
        of its content; "" for an event in the site's own look."""
        if not self.colour:
            return ""
        return reverse_remembered("agenda:event_style", event=self.slug, digest=self.palette.digest)
