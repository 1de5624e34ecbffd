import functools

from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from common import images
from common.formatting import full_name
from common.reversing import reverse_remembered


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=60,
        blank=True,
        help_text='How the organisation is named in passing, e.g. "UNODC" or "GI-TOC".',
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text='The body it belongs to, shown after it: "UNODC, United Nations".',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="organisation_not_own_parent",
                violation_error_message="An organisation cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The short form used in running text, falling back to the full name."""
        return self.short_name or self.name


class SpeakerQuerySet(models.QuerySet):
    def with_affiliations(self):
        """Each person with `listed_affiliations`: in order, with their organisations and
        the bodies those belong to (a second query)."""
        return self.prefetch_related(
            models.Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organisation", "organisation__parent"),
                to_attr="listed_affiliations",
            )
        )

    def in_bulk_with_affiliations(self, id_list):
        """The people with these ids by pk, by name, each with `listed_affiliations`
        as with_affiliations() gives them, in one query rather than two.

        People are read joined to their affiliations (LEFT JOIN: one row per
        affiliation, one for a person without any) and made into the same objects
        the two queries would give, in this queryset's fetch mode.
        """
        return self.from_joined_rows(self.joined_to_affiliations().filter(pk__in=id_list))

    @staticmethod
    def joined_to_affiliations():
        """The rows in_bulk_with_affiliations() reads, unfiltered: a values_list()
        query to filter (by a subquery, say) and pass to from_joined_rows()."""
        return _joined_to_affiliations()[1]

    def from_joined_rows(self, rows):
        """{pk: person} from rows of joined_to_affiliations(), in their order (by
        name), each person with `listed_affiliations`, in this queryset's fetch mode."""
        columns = _joined_to_affiliations()[0]
        people = {}
        for row in rows:
            speaker, affiliation, organisation, parent = _instances(
                row, columns, self.db, self._fetch_mode
            )
            person = people.setdefault(speaker.pk, speaker)
            if person is speaker:
                person.listed_affiliations = []
            if affiliation is None:
                continue  # no affiliation: the LEFT JOIN's row of NULLs
            affiliation.speaker = person
            affiliation.organisation = organisation
            organisation.parent = parent
            person.listed_affiliations.append(affiliation)
        return people


@functools.cache
def _joined_to_affiliations():
    """The columns of a person, an affiliation, its organisation and that one's
    parent, and the query that reads them joined, by name: built once per process
    (its twenty-odd lookups cost more than running it)."""
    joined = {
        "": Speaker,
        "affiliations__": Affiliation,
        "affiliations__organisation__": Organisation,
        "affiliations__organisation__parent__": Organisation,
    }
    columns = [
        (model, [field.attname for field in model._meta.concrete_fields])
        for model in joined.values()
    ]
    lookups = [
        prefix + name for prefix, (_, names) in zip(joined, columns, strict=True) for name in names
    ]
    query = Speaker.objects.order_by(
        Lower("name"), "pk", "affiliations__order", "affiliations__pk"
    ).values_list(*lookups)
    return columns, query


def _instances(row, columns, db, fetch_mode):
    """The objects a joined row holds, one per model in `columns`; None for NULLs."""
    start = 0
    for model, names in columns:
        values = row[start : start + len(names)]
        start += len(names)
        yield None if values[0] is None else model.from_db(db, names, values, fetch_mode=fetch_mode)


class Speaker(models.Model):
    honorific = models.CharField(
        max_length=20, blank=True, help_text='Before the name: "Dr", "The Rt Hon".'
    )
    name = models.CharField(
        max_length=200, help_text="Without honorific or letters after the name: they have fields."
    )
    post_nominals = models.CharField(
        max_length=60,
        blank=True,
        help_text='Letters after the name: "CMG", "KC". Shown after the full name, never in '
        "the address of the person's page.",
    )
    # Uploaded images and the sizes made of each (common/images.py).
    IMAGES = {"photo": images.PORTRAIT}

    slug = models.SlugField(max_length=200, unique=True)
    bio = models.TextField(blank=True, help_text="A few sentences, shown on cue cards.")
    photo = images.image_field(
        "photos",
        help_text="A PNG, JPEG or WebP image of the face, at least 192 pixels square; it is "
        "cropped to a square, its metadata (camera, location) removed. Without one, the "
        "person's initials are shown.",
    )
    photo_variants = images.variants_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpeakerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="speaker_name_not_empty"),
        ]

    def __str__(self):
        return full_name(self)

    def save(self, *args, **kwargs):
        images.store_images(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("speaker", slug=self.slug)

    @property
    def initials(self):
        """The first letters of the first and last words of the name: "Jane van Dijk" is "JD"."""
        words = [word for word in self.name.split() if word[:1].isalpha()]
        if not words:
            return self.name[:1].upper()
        first, last = words[0], words[-1]
        return (first[0] + (last[0] if len(words) > 1 else "")).upper()


class Affiliation(models.Model):
    """One position a person holds; people can hold several, in order."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="affiliations")
    position = models.CharField(max_length=200, blank=True, help_text='"Senior Lecturer"')
    unit = models.CharField(
        max_length=200,
        blank=True,
        help_text='Department or programme within the organisation: "Division for Treaty Affairs".',
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="affiliations"
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["speaker", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "position", "unit", "organisation"],
                name="affiliation_unique_per_speaker",
                violation_error_message="This person already has this affiliation.",
            ),
        ]

    def __str__(self):
        return ", ".join(
            part for part in (self.position, self.unit, str(self.organisation)) if part
        )
