"""Where uploaded logos and photos are kept: the `default` storage and MEDIA_URL.

Configuration, read by the settings: it imports none of our apps (the settings
must load wherever the process starts, even beside a folder named like one).

A local folder by default (MEDIA_ROOT, served at /media/). With MEDIA_STORAGE_URL
set, S3-compatible object storage through django-storages, so that several app
servers share the same files:

    s3://bucket/optional/prefix?endpoint_url=https://s3.example.org&region_name=eu-west-1
        &public_url=https://media.example.org/optional/prefix

- credentials as `s3://KEY:SECRET@bucket` (percent-encoded) or, left out, from
  boto3's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance role);
- `endpoint_url`: the S3-compatible service (MinIO, Ceph, Garage, another
  cloud's); left out, Amazon S3 itself;
- `public_url`: where readers fetch the files (a CDN or the bucket's public
  address); left out, the endpoint's path-style address of the bucket;
- `default_acl=public-read`: for a service that grants reading per object; where a
  bucket policy (or the CDN) lets anyone read the bucket, leave it out.

Files are public and their names never change (random for uploads, a hash of the
source and size for variants), so URLs carry no signature and the objects a
year's cache lifetime.
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# As common/media_files.py serves a local folder's files.
IMMUTABLE = "public, max-age=31536000, immutable"
LOCAL = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
_QUERY_OPTIONS = {"endpoint_url", "region_name", "public_url", "addressing_style", "default_acl"}


def media_storage(storage_url, media_url="/media/"):
    """(the STORAGES["default"] entry, MEDIA_URL) for MEDIA_STORAGE_URL's value."""
    if not storage_url:
        return {"BACKEND": LOCAL}, media_url
    parts = urlsplit(storage_url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE_URL must look like s3://bucket?endpoint_url=https://...; "
            f"got a URL with scheme {parts.scheme!r}."
        )
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    if unknown := set(query) - _QUERY_OPTIONS:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL has unknown options {sorted(unknown)}; "
            f"it takes {sorted(_QUERY_OPTIONS)}."
        )
    prefix = parts.path.strip("/")
    options = {
        "bucket_name": parts.hostname,
        "location": prefix,
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": IMMUTABLE},
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    for name in ("endpoint_url", "region_name", "addressing_style", "default_acl"):
        if query.get(name):
            options[name] = query[name]
    if endpoint := query.get("endpoint_url"):
        # Self-hosted services answer on one host name: the bucket in the path.
        options.setdefault("addressing_style", "path")
        options["url_protocol"] = urlsplit(endpoint).scheme + ":"
    if public := query.get("public_url"):
        public_parts = urlsplit(public.rstrip("/"))
        if public_parts.scheme not in ("http", "https") or not public_parts.netloc:
            raise ImproperlyConfigured("MEDIA_STORAGE_URL's public_url must be an http(s) URL.")
        # django-storages joins custom_domain and the object's key (which starts
        # with the prefix): public_url names the prefix too, as readers see it.
        domain = public_parts.netloc + public_parts.path
        if prefix and domain.endswith("/" + prefix):
            domain = domain.removesuffix("/" + prefix)
        options["custom_domain"] = domain
        options["url_protocol"] = public_parts.scheme + ":"
        public_base = public.rstrip("/") + "/"
    elif endpoint:
        public_base = f"{endpoint.rstrip('/')}/{parts.hostname}/{prefix + '/' if prefix else ''}"
    else:
        # Amazon S3 itself: the bucket's own host name, written out, so that the
        # pages' URLs and the CSP's img-src name the same host whatever boto3 picks.
        region = query.get("region_name")
        host = (
            f"{parts.hostname}.s3.{region}.amazonaws.com"
            if region
            else (f"{parts.hostname}.s3.amazonaws.com")
        )
        options["custom_domain"] = host
        options["url_protocol"] = "https:"
        public_base = f"https://{host}/{prefix + '/' if prefix else ''}"
    return {"BACKEND": S3, "OPTIONS": options}, public_base


def media_origin(media_url):
    """The origin pages load media from, for the CSP's img-src; None for this site's own."""
    parts = urlsplit(media_url)
    if not parts.scheme:
        return None
    return f"{parts.scheme}://{parts.netloc}"
