"""URLs for the benchmark only: the site plus a fixed 10 KB page as the baseline.

scripts/benchmark.py serves the site with ROOT_URLCONF=eventsite.bench_urls, so the
baseline goes through the same middleware as every page.
"""

from django.http import HttpResponse
from django.urls import path

from eventsite.urls import urlpatterns as site_urlpatterns

FIXED_PAGE = ("<!doctype html><title>baseline</title><p>" + "x" * 10_200 + "</p>").encode()


def fixed_page(request):
    return HttpResponse(FIXED_PAGE)


urlpatterns = [path("bench/fixed/", fixed_page), *site_urlpatterns]
