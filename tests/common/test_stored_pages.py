"""The pages a worker keeps in memory stay within their bound, the least recent going first."""

from django.http import HttpResponse

from common.stored_pages import RecentPages, StoredPage


def page(text):
    response = HttpResponse(text, content_type="text/plain")
    response["ETag"] = '"x"'
    return StoredPage.of(response)


def test_recent_pages_keep_within_their_bytes_dropping_the_least_recently_used():
    small = page("a" * 100)  # under the size worth compressing: one body of 100 bytes
    recent = RecentPages(max_bytes=250)
    recent.put("first", small)
    recent.put("second", small)
    assert recent.get("first") is small  # now the most recent

    recent.put("third", small)

    assert recent.get("second") is None
    assert recent.get("first") is small
    assert recent.get("third") is small


def test_a_page_larger_than_the_whole_memory_is_not_kept():
    recent = RecentPages(max_bytes=50)

    recent.put("big", page("b" * 100))

    assert recent.get("big") is None
