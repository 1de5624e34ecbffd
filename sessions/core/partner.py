"""An event's organisers and partners: names, logos and links, in order."""

from django.db import models
from simple_history.models import HistoricalRecords

from common import images
from common.validators import validate_single_line

from .event import Event


class EventPartner(models.Model):
    ORGANISER = "organiser"
    PARTNER = "partner"
    ROLES = [(ORGANISER, "Organiser"), (PARTNER, "Partner")]
    # Uploaded images and the sizes made of each (common/images.py).
    IMAGES = {"logo": images.LOGO}

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    role = models.CharField(max_length=20, choices=ROLES, default=ORGANISER)
    name = models.CharField(max_length=200, validators=[validate_single_line])
    link = models.URLField(
        blank=True, help_text="Their website (https://...), opened from the name."
    )
    logo = images.image_field(
        "logos",
        help_text="PNG (with transparency), JPEG or WebP, at least 80 pixels high; the name "
        "is its text. Without one, the name is shown alone.",
    )
    logo_variants = images.variants_field()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "role", "order", "pk"]
        verbose_name = "organiser or partner"
        verbose_name_plural = "organisers and partners"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "role", "name"],
                name="partner_unique_per_event",
                violation_error_message="This event already names them in this role.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        images.store_images(self)
        super().save(*args, **kwargs)
