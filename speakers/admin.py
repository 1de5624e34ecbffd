from django.contrib import admin
from django.db.models import Count
from django.db.models.functions import Lower
from simple_history.admin import SimpleHistoryAdmin

from common import admin_images, pictures
from common.admin_guards import AdminGuardsMixin

from .models import Affiliation, Organisation, Speaker


@admin.register(Organisation)
class OrganisationAdmin(AdminGuardsMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "parent", "people"]
    list_select_related = ("parent",)
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    # Explicit, not the model's Meta.ordering: the annotated count's GROUP BY drops
    # that, and the autocomplete boxes that use this admin would page unordered.
    ordering = ["name", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(people_count=Count("affiliations__speaker", distinct=True))
        )

    @admin.display(description="People", ordering="people_count")
    def people(self, obj):
        return obj.people_count


class AffiliationInline(AdminGuardsMixin, admin.TabularInline):
    model = Affiliation
    fields = ["order", "position", "unit", "organisation"]
    autocomplete_fields = ["organisation"]
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(AdminGuardsMixin, SimpleHistoryAdmin):
    list_display = ["name", "honorific", "post_nominals", "affiliations_summary", "sessions"]
    search_fields = [
        "name",
        "affiliations__position",
        "affiliations__organisation__name",
        "affiliations__organisation__short_name",
    ]
    prepopulated_fields = {"slug": ["name"]}
    # Explicit, not the model's Meta.ordering: the annotated count's GROUP BY drops
    # that, and the autocomplete boxes that use this admin would page unordered.
    ordering = [Lower("name"), "pk"]
    # The slug follows the name alone: honorific and post-nominals stay out of the URL.
    fields = ["honorific", "name", "post_nominals", "slug", "bio", "photo", "photo_preview"]
    form = admin_images.ImagesStoredFirstForm
    readonly_fields = ["photo_preview"]
    formfield_overrides = admin_images.IMAGE_FIELDS
    inlines = [AffiliationInline]

    @admin.display(description="Photo as shown")
    def photo_preview(self, obj):
        return pictures.portrait(obj, 96, lazy=False) if obj.pk else "–"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_affiliations()
            .annotate(session_count=Count("session_roles__session", distinct=True))
        )

    @admin.display(description="Affiliations")
    def affiliations_summary(self, obj):
        return "; ".join(str(a) for a in obj.listed_affiliations)

    @admin.display(description="Sessions", ordering="session_count")
    def sessions(self, obj):
        return obj.session_count
