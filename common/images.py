"""Uploaded images: checked by their content, written again without metadata, resized.

An upload is an image only if Pillow reads it as PNG, JPEG or WebP, within a size
and a pixel limit (an image bomb is refused from its header, before it is
decoded). What is stored is not the upload but its pixels written again: no EXIF
(camera, location), no comments, nothing appended after the image (the other half
of a polyglot), the orientation applied. It is stored under a random name.

The sizes a page shows are made at upload by sorl-thumbnail, in WebP and in JPEG
(PNG for an image with transparency), and their names and sizes are kept beside
the image (`<field>_variants`), so that a page writes its <picture> without
reading the storage or the database again.

    class Speaker(models.Model):
        photo = models.FileField(upload_to=RandomName("photos"), validators=[check_upload])
        photo_variants = models.JSONField(default=dict, editable=False)

        def save(self, *args, **kwargs):
            store_with_variants(self, "photo", PORTRAIT)
            super().save(*args, **kwargs)
"""

import contextlib
import contextvars
import dataclasses
import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_SIDE = 12_000
# At most this many times as long as it is wide (or as wide as it is long): a thinner
# image has no size a page could show (its narrow side would round to nothing).
MAX_RATIO = 20
# Pillow's name for each format we take, and the extension it is stored with.
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED_TEXT = "a PNG, JPEG or WebP image"


@dataclasses.dataclass(frozen=True)
class Spec:
    """The variants a kind of image is shown in: boxes (width, height) in pixels,
    0 for "any"; `crop` fills the box (portraits), else the image fits inside it.
    The image itself is kept at most `kept` pixels on its long side: larger than any
    variant, small enough to make them quickly and to travel in a backup."""

    boxes: tuple[tuple[int, int], ...]
    kept: int
    crop: bool = False


# A person's photo: square, shown at 48 and 96 CSS pixels, each at 1x and 2x.
PORTRAIT = Spec(boxes=((48, 48), (96, 96), (192, 192)), kept=800, crop=True)
# A logo: by its height in the header (56 CSS pixels) and in the list of partners (40).
LOGO = Spec(boxes=((0, 40), (0, 56), (0, 80), (0, 112)), kept=1600)
# The event's header image: by width, across a phone to a wide screen.
BANNER = Spec(boxes=((640, 0), (1280, 0), (1920, 0)), kept=2560)


@deconstructible
class RandomName:
    """An upload_to: the file stored as folder/<32 random hex digits>.<ext>, whatever
    it was called (rewritten() gives the extension of the format it really is)."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"{self.folder}/{secrets.token_hex(16)}.{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


def image_field(folder, help_text):
    """An uploaded image: checked by check_upload, stored under folder/<random name>;
    the model keeps its sizes beside it in a JSONField named <field>_variants."""
    return models.FileField(
        max_length=255,
        upload_to=RandomName(folder),
        blank=True,
        validators=[check_upload],
        help_text=help_text,
    )


def variants_field():
    """Where a model keeps an image's sizes (make_variants()): not for editing."""
    return models.JSONField(default=dict, blank=True, editable=False)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def _open_checked(data):
    """The image in `data` (bytes), opened and verified, or ValidationError with the rule."""
    if len(data) > MAX_BYTES:
        _refuse_size(len(data))
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in head:
        raise ValidationError(
            f"SVG and other text files are not accepted (they can carry scripts): "
            f"upload {ACCEPTED_TEXT}.",
            code="image_svg",
        )
    with warnings.catch_warnings():
        # A header claiming many pixels is refused below, with our limit's message.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            image = None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ValidationError(
                f"This file is not an image that can be read: upload {ACCEPTED_TEXT}.",
                code="image_unreadable",
            ) from None
    if image is None or _too_many_pixels(image.size):
        size = image.size if image is not None else _header_size(data)
        raise ValidationError(_pixels_message(size), code="image_too_many_pixels")
    kind = image.format
    if kind not in ACCEPTED:
        raise ValidationError(
            f"{kind} images are not accepted: upload {ACCEPTED_TEXT}.",
            code="image_format",
        )
    width, height = image.size
    if max(width, height) > MAX_RATIO * min(width, height):
        raise ValidationError(
            f"The image is {width:,} × {height:,} pixels: images at most {MAX_RATIO} times "
            "as long as they are wide are accepted.",
            code="image_ratio",
        )
    try:
        image.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
        # Its metadata is read here, inside the checks: a damaged EXIF block is
        # refused as a damaged image, not met later while saving.
        image = ImageOps.exif_transpose(image)
        image = _in_srgb(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            f"The image is damaged or incomplete: upload {ACCEPTED_TEXT}.",
            code="image_damaged",
        ) from None
    return image, kind


def _in_srgb(image):
    """The image's pixels in sRGB, as RGB or RGBA, without its colour profile: a
    profile is bytes of the uploader's choosing, so it is applied, then dropped."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    target = "RGBA" if alpha else "RGB"
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert(target)
    profile = image.info.get("icc_profile")
    converted = None
    if profile:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode=target,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a profile that cannot be read: the pixels as they are
    image = converted or (image if image.mode == target else image.convert(target))
    image.info = {}
    return image


def _too_many_pixels(size):
    width, height = size
    return width * height > MAX_PIXELS or max(width, height) > MAX_SIDE


def _pixels_message(size):
    if size:
        width, height = size
        megapixels = width * height / 1e6
        measured = f"The image is {width:,} × {height:,} pixels ({megapixels:,.0f} megapixels); "
    else:
        measured = "The image has too many pixels; "
    return (
        f"{measured}images of at most {MAX_PIXELS / 1e6:.0f} megapixels and "
        f"{MAX_SIDE:,} pixels a side are accepted."
    )


def _header_size(data):
    """The size a header claims, read without Pillow's bomb check (for the message)."""
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        return Image.open(io.BytesIO(data)).size
    except Exception:  # only for the message
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _read(upload):
    """The upload's bytes, or ValidationError when it is larger than MAX_BYTES."""
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        _refuse_size(getattr(upload, "size", None) or len(data))
    return data


def _refuse_size(size):
    raise ValidationError(
        f"The file is {_megabytes(size)}; images of at most {_megabytes(MAX_BYTES)} are accepted.",
        code="image_too_large",
    )


def check_bytes(data):
    """ValidationError unless `data` is an image we accept (an image in a backup file)."""
    _open_checked(data)


def check_upload(value):
    """Model field validator: an upload (not yet stored) must be an image we accept.
    A file already stored was checked when it was uploaded and is not read again."""
    if not value or getattr(value, "_committed", True):
        return
    _open_checked(_read(value.file))


def rewritten(upload, name, spec):
    """The upload's pixels written again as a new file named `name` with the
    format's extension: orientation applied, in sRGB, at most `spec.kept` pixels on
    its long side, no metadata, nothing else kept."""
    image, kind = _open_checked(_read(upload))
    if max(image.size) > spec.kept:
        image.thumbnail((spec.kept, spec.kept), Image.Resampling.LANCZOS)
    if kind == "JPEG":
        image = image.convert("RGB")
        options = {"quality": 90, "optimize": True}
    elif kind == "PNG":
        options = {"optimize": True}
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        options = {"quality": 90}
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return ContentFile(out.getvalue(), name=f"{name.rsplit('.', 1)[0]}.{ACCEPTED[kind]}")


def has_transparency(image):
    return image.mode in ("RGBA", "LA") and image.getextrema()[-1][0] < 255


def make_variants(name, spec, storage=None):
    """The variants of the stored image `name`, made with sorl-thumbnail: {"width",
    "height" (of the image), "webp": [[w, h, name], ...], "fallback": [...],
    "fallback_type"}, smallest first, none larger than the image itself."""
    from sorl.thumbnail import get_thumbnail

    storage = storage or default_storage
    with storage.open(name) as stored:
        source = Image.open(stored)
        source.load()
    width, height = source.size
    fallback = "PNG" if has_transparency(source) else "JPEG"
    variants = {"width": width, "height": height, "source": name, "webp": [], "fallback": []}
    variants["fallback_type"] = f"image/{fallback.lower()}"
    seen = set()
    for box_width, box_height in spec.boxes:
        geometry, size = _geometry(width, height, box_width, box_height, spec.crop)
        if size in seen:
            continue  # the image is smaller than this box: its own size, once
        seen.add(size)
        for key, kind in (("webp", "WEBP"), ("fallback", fallback)):
            options = {"format": kind, "upscale": False}
            if spec.crop:
                options["crop"] = "center"
            if kind != "PNG":
                options["quality"] = 80
            thumbnail = get_thumbnail(name, geometry, **options)
            variants[key].append([thumbnail.width, thumbnail.height, thumbnail.name])
    return variants


def remade_variants(field_file, spec):
    """The image's sizes made again: sorl-thumbnail forgets (and deletes) those it
    made of it, then make_variants() makes the sizes `spec` names."""
    from sorl.thumbnail import delete

    delete(field_file, delete_file=False)
    return make_variants(field_file.name, spec, field_file.storage)


def _geometry(width, height, box_width, box_height, crop):
    """sorl's geometry for a box, and the size the variant will have (never upscaled)."""
    if crop:
        side = min(box_width, width, height)
        return f"{side}x{side}", (side, side)
    if box_width:
        scale = min(1, box_width / width)
        return f"{round(width * scale)}", (round(width * scale), round(height * scale))
    scale = min(1, box_height / height)
    return f"x{round(height * scale)}", (round(width * scale), round(height * scale))


def _rewritten_named(field_file, spec):
    clean = rewritten(field_file.file, field_file.name, spec)
    return clean.name, clean


def store_images(instance):
    """store_with_variants() for each image field the model names in IMAGES."""
    for field_name, spec in type(instance).IMAGES.items():
        store_with_variants(instance, field_name, spec)


class StorageFailed(Exception):
    """The storage refused or did not answer while an image was stored."""


def store_images_or_say_why(instance):
    """store_images(); a storage's own error (a full disk, an object storage that does
    not answer) as StorageFailed, with the field it happened in."""
    for field_name, spec in type(instance).IMAGES.items():
        try:
            store_with_variants(instance, field_name, spec)
        except ValidationError:
            raise
        except Exception as error:  # any storage backend's: OSError, botocore's, ...
            raise StorageFailed(field_name, error) from error


def store_with_variants(instance, field_name, spec):
    """Before a model is saved: a new upload in `field_name` is written again under
    a random name, stored, and its variants made into `<field_name>_variants`; a
    cleared field clears them."""
    field_file = getattr(instance, field_name)
    variants_name = f"{field_name}_variants"
    if not field_file:
        setattr(instance, variants_name, {})
        return
    if not field_file._committed:
        # FieldFile.save() names it with the field's upload_to (RandomName).
        field_file.save(*_rewritten_named(field_file, spec), save=False)
        _note_stored(field_file.storage, field_file.name)
    if (getattr(instance, variants_name) or {}).get("source") != field_file.name:
        variants = make_variants(field_file.name, spec, field_file.storage)
        for _, _, name in variants["webp"] + variants["fallback"]:
            _note_stored(field_file.storage, name)
        setattr(instance, variants_name, variants)


_stored = contextvars.ContextVar("stored_images", default=None)


def _note_stored(storage, name):
    stored = _stored.get()
    if stored is not None:
        stored.append((storage, name))


@contextlib.contextmanager
def removed_unless_kept():
    """Files stored inside the block are removed again unless the block calls keep():
    for writes that may be rolled back (an import's dry run, a refused import), whose
    rows go but whose files the storage would keep.

        with images.removed_unless_kept() as keep:
            ...  # save rows with images, in a transaction
            keep()  # once it has committed
    """
    stored = []
    token = _stored.set(stored)
    kept = False

    def keep():
        nonlocal kept
        kept = True

    try:
        yield keep
    finally:
        _stored.reset(token)
        if not kept:
            for storage, name in stored:
                # A file already gone, or a storage that does not answer: nothing
                # more to do; the rows that named it are gone in any case.
                with contextlib.suppress(Exception):
                    storage.delete(name)
