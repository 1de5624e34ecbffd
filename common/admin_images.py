"""The admin's image fields: the file box asks for PNG, JPEG or WebP, and a preview
shows the variant the pages use, once the image is saved."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models

from . import colours, images, pictures

ACCEPT = "image/png,image/jpeg,image/webp"


class ImageInput(AdminFileWidget):
    """The admin's file box, offering only the image types we accept. The server checks
    the content anyway (common/images.py): `accept` only spares a wasted upload."""

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPT, **(attrs or {})})


# For a ModelAdmin's or an inline's formfield_overrides.
IMAGE_FIELDS = {models.FileField: {"widget": ImageInput}}


class ImagesStoredFirstForm(forms.ModelForm):
    """A model form that stores new images once everything else checks out, so that
    a storage that refuses or does not answer is a message on the form: nothing of
    the change is saved, and the organiser can try again."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            images.store_images_or_say_why(self.instance)
        except images.StorageFailed as failed:
            field_name, error = failed.args
            self.add_error(
                field_name,
                f"The image could not be stored ({type(error).__name__}: {error}). "
                "Nothing was saved: try again, and tell the site's administrators if it "
                "happens again.",
            )
        except ValidationError as error:
            self.add_error(None, error)


def preview(variants, *, height=None, width=None, alt=""):
    """The saved image as a page shows it, or a dash before one is saved."""
    return pictures.fixed(variants, height=height, width=width, alt=alt, lazy=False) or "–"


def colour_summary(colour):
    """What the pages make of an accepted colour, with the contrast each shade keeps."""
    if not colour:
        return "The site's own look."
    try:
        colours.check_colour(colour)
    except ValidationError:
        return "–"  # the field says what is wrong
    palette = colours.palette(colour)
    text = "white" if palette.on_brand == colours.WHITE else "dark"
    return (
        f"Header and buttons: {text} text on {palette.brand.upper()} "
        f"({colours.contrast(palette.brand, palette.on_brand):.1f}:1); on hover "
        f"{palette.brand_hover.upper()}. Links on white: {palette.link.upper()} "
        f"({colours.contrast(palette.link, colours.WHITE):.1f}:1), on hover "
        f"{palette.link_hover.upper()}."
    )
