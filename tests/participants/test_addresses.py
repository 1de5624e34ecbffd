import unicodedata

import pytest

from participants.addresses import normalise_email
from participants.models import ParticipantRequest
from tests.factories import ParticipantRequestFactory

SPELLINGS_OF_ONE_ADDRESS = [
    "ada@bücher.example",
    "ada@xn--bcher-kva.example",
    "ADA@BÜCHER.EXAMPLE",
    "Ada@XN--BCHER-KVA.Example",
    unicodedata.normalize("NFD", "ada@bücher.example"),  # ü as u + combining diaeresis
    "ａｄａ@bücher.example",  # fullwidth letters: NFKC makes them plain
]


@pytest.mark.parametrize("spelling", SPELLINGS_OF_ONE_ADDRESS)
def test_every_spelling_of_an_address_normalises_to_one_form(spelling):
    assert normalise_email(spelling) == "ada@xn--bcher-kva.example"


def test_the_local_part_is_case_folded_too():
    assert normalise_email("Straße@Example.ORG") == normalise_email("STRASSE@example.org")


def test_different_addresses_stay_different():
    assert normalise_email("ada@bücher.example") != normalise_email("ada@bucher.example")
    assert normalise_email("ada@example.org") != normalise_email("ad.a@example.org")


def test_a_domain_that_idna_refuses_is_still_compared_case_folded():
    long_label = "ü" * 70  # too long for one DNS label
    assert normalise_email(f"Ada@{long_label}.example") == normalise_email(
        f"ada@{long_label.upper()}.EXAMPLE"
    )


@pytest.mark.django_db
def test_saving_a_request_stores_the_normalised_address():
    request = ParticipantRequestFactory(email="ADA@Bücher.Example")

    assert ParticipantRequest.objects.get(pk=request.pk).email_normalised == (
        "ada@xn--bcher-kva.example"
    )
