"""The signed link through which a participant changes or withdraws their request.

The link is the only way to change a request from outside the admin: it is sent
only to the request's own address (in the confirmation email and whenever someone
asks again with that address), so holding it shows that one reads that mailbox.

The token is `<request id>.<address digest>`, signed with a timestamp
(`TimestampSigner`, keyed with SECRET_KEY and a salt of its own). The digest is a
keyed hash of the normalised address: a link dies when the address is changed in
the admin, and the URL, which may reach logs, holds no address. A link is good for
MAX_AGE after it was sent, and never after the session is over.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "participants.links.request-change"
MAX_AGE = timedelta(days=30)


class LinkInvalid(Exception):
    """Not a link we made for this request: altered, truncated or for an old address."""


class LinkExpired(Exception):
    """A link we made, older than MAX_AGE."""


def _signer():
    return signing.TimestampSigner(salt=SALT)


def _address_digest(participant_request):
    return salted_hmac(SALT, participant_request.email_normalised, algorithm="sha256").hexdigest()[
        :24
    ]


def make_token(participant_request):
    return _signer().sign(f"{participant_request.pk}.{_address_digest(participant_request)}")


def change_path(participant_request):
    return reverse("participants:request_change", kwargs={"token": make_token(participant_request)})


def change_url(participant_request):
    """The absolute link for an email: on SITE_URL, never on a request's host."""
    return settings.SITE_URL + change_path(participant_request)


def read_token(token):
    """The request id the token names; LinkInvalid or LinkExpired otherwise."""
    try:
        value = _signer().unsign(token, max_age=MAX_AGE)
    except signing.SignatureExpired as expired:
        raise LinkExpired from expired
    except signing.BadSignature as bad:
        raise LinkInvalid from bad
    pk, _, digest = value.partition(".")
    if not pk.isdigit() or not digest:
        raise LinkInvalid
    return int(pk), digest


def matches(participant_request, digest):
    """Whether the request still has the address the link was sent to."""
    return constant_time_compare(digest, _address_digest(participant_request))
