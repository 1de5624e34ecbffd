"""Uploads in S3-compatible object storage (MEDIA_STORAGE_URL), tested over HTTP
against moto's S3 server, as several app servers would share it."""

import os
import re
import socket
import subprocess
import sys
import urllib.request

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import storages
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from sorl.thumbnail import default as sorl_default
from sorl.thumbnail.images import get_or_create_storage

from eventsite.media_storage import media_origin, media_storage
from sessions.backup.export import event_export
from tests.factories import SessionRoleFactory, SpeakerFactory
from tests.helpers import brand, dated_session, upload, with_photo

BUCKET = "event-media"


def test_no_storage_url_keeps_uploads_in_the_local_folder():
    assert media_storage("") == (
        {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "/media/",
    )
    assert media_origin("/media/") is None


def test_an_s3_url_names_the_bucket_prefix_endpoint_and_public_address():
    storage, url = media_storage(
        "s3://KEY:se%2Fcret@media/site-a?endpoint_url=https://s3.example.org"
        "&region_name=eu-west-1&public_url=https://cdn.example.org/site-a"
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "media"
    assert options["location"] == "site-a"
    assert (options["access_key"], options["secret_key"]) == ("KEY", "se/cret")
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["region_name"] == "eu-west-1"
    assert options["custom_domain"] == "cdn.example.org"
    assert options["querystring_auth"] is False
    assert options["object_parameters"] == {"CacheControl": "public, max-age=31536000, immutable"}
    assert url == "https://cdn.example.org/site-a/"
    assert media_origin(url) == "https://cdn.example.org"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://bucket", "MEDIA_STORAGE_URL must look like s3://bucket"),
        ("s3://bucket?endpoint=https://x", "MEDIA_STORAGE_URL has unknown options ['endpoint']"),
        ("s3://bucket?public_url=cdn.example.org", "public_url must be an http(s) URL"),
    ],
)
def test_a_wrong_storage_url_stops_the_site_with_the_reason(url, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        media_storage(url)


def test_the_pages_may_load_images_from_the_storages_public_address():
    """The settings as a production process reads them: img-src names the storage."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "eventsite.settings",
        "SECRET_KEY": "x",
        "ALLOWED_HOSTS": "events.example.org",
        "DJANGO_READ_DOT_ENV": "0",
        "MEDIA_STORAGE_URL": "s3://media?public_url=https://cdn.example.org/",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "print(*map(str, s.SECURE_CSP['img-src']), s.MEDIA_URL, s.SERVE_MEDIA)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [
        "'self'",
        "data:",
        "https://cdn.example.org",
        "https://cdn.example.org/",
        "False",
    ]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a port of its own, answering HTTP as an S3 service does."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch):
    """The site's uploads in a fresh bucket of the S3 server, as MEDIA_STORAGE_URL sets it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for bucket in client.list_buckets()["Buckets"]:
        objects = client.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])
        for item in objects:
            client.delete_object(Bucket=bucket["Name"], Key=item["Key"])
        client.delete_bucket(Bucket=bucket["Name"])
    client.create_bucket(Bucket=BUCKET)
    storage, media_url = media_storage(
        f"s3://{BUCKET}/site?endpoint_url={s3_server}&region_name=us-east-1&default_acl=public-read"
    )
    local = (settings.STORAGES, settings.MEDIA_URL)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
    forget_sorls_storages()
    yield client
    # The local folder again, then sorl's memory of the bucket forgotten, so that
    # later tests' images are not looked for in a bucket whose server has stopped.
    settings.STORAGES, settings.MEDIA_URL = local
    forget_sorls_storages()


def forget_sorls_storages():
    """sorl-thumbnail keeps the storage it first used, and each storage by alias: as
    a site's settings never change while it runs, but the tests' do."""
    sorl_default.storage._wrapped = empty
    get_or_create_storage.cache_clear()


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_photos_and_their_sizes_go_to_the_bucket_and_pages_link_there(s3, s3_server, client, db):
    session = dated_session()
    ada = SpeakerFactory(name="Ada Lovelace", slug="ada")
    SessionRoleFactory(session=session, speaker=ada, role="speaker")

    with_photo(ada)

    stored = keys(s3)
    assert stored[0].startswith("site/photos/")
    assert len([key for key in stored if key.startswith("site/variants/")]) == 6
    page = client.get(session.get_absolute_url())
    webp = next(
        url
        for url in page.text.split('"')
        if url.startswith(f"{s3_server}/{BUCKET}/site/variants/")
    ).split(" ")[0]
    with urllib.request.urlopen(webp) as response:  # noqa: S310 - the local S3 server
        assert response.headers["Content-Type"] == "image/webp"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.read(12)[8:12] == b"WEBP"


def test_a_second_app_server_reads_what_the_first_stored(s3, db):
    """Another process has its own storage object: it finds the same files by name."""
    event = brand(dated_session().event)
    ada = with_photo(SpeakerFactory(slug="ada"))

    second = storages.create_storage(settings.STORAGES["default"])
    for _, _, name in ada.photo_variants["webp"] + event.logo_variants["fallback"]:
        assert second.exists(name)
    with second.open(ada.photo.name) as photo:
        assert photo.read(3) == b"\xff\xd8\xff"  # the JPEG written again


def test_the_backup_reads_images_from_the_bucket(s3, db):
    event = brand(dated_session().event)

    exported = event_export(event=event)

    assert exported["event"]["logo"]["base64"]


def test_an_upload_refused_never_reaches_the_bucket(s3, db):
    ada = SpeakerFactory(slug="ada")
    ada.photo = upload(b"<svg onload='alert(1)'/>", name="ada.svg")

    with pytest.raises(ValidationError, match="SVG"):
        ada.full_clean()
    assert keys(s3) == []


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("s3://media", "https://media.s3.amazonaws.com/"),
        ("s3://media/site?region_name=eu-west-1", "https://media.s3.eu-west-1.amazonaws.com/site/"),
    ],
)
def test_amazon_s3_itself_is_read_from_the_buckets_own_host(url, public):
    storage, media_url = media_storage(url)

    assert media_url == public
    assert f"https://{storage['OPTIONS']['custom_domain']}/" == public.removesuffix("site/")
