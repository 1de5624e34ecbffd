"""Make the sizes of every uploaded image again, from the image kept.

After a change to the sizes common/images.py makes (its Spec objects), or after
copying the images into a new storage without their variants/ folder:

    .venv/bin/python manage.py remake_image_sizes
"""

from django.core.management.base import BaseCommand

from common import images
from common.caching import bump_content_version
from speakers.models import Speaker

from ...models import Event, EventPartner


class Command(BaseCommand):
    help = "Make the sizes of every uploaded image (photos, logos, header images) again."

    def handle(self, *args, **options):
        remade = 0
        for model in (Speaker, Event, EventPartner):
            for row in model.objects.all():
                changed = {}
                for field_name, spec in model.IMAGES.items():
                    field_file = getattr(row, field_name)
                    if field_file:
                        changed[f"{field_name}_variants"] = images.remade_variants(field_file, spec)
                if changed:
                    # An update, not save(): the sizes are no change an organiser made.
                    model.objects.filter(pk=row.pk).update(**changed)
                    remade += len(changed)
        bump_content_version()
        self.stdout.write(f"Made the sizes of {remade} images again.")
