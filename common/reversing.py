"""reverse() remembered: the addresses of people, events and sessions, which a page
writes many times.

Django's reverse() matches the view's patterns anew on each call (about 40 µs);
a session page writes a dozen links to people. The result depends only on the
URL configuration (its resolver: a new one after clear_url_caches()), the script
prefix (the site mounted under a path), the view and its arguments, which
together are the key here, so a remembered address is never one the URL
configuration in force would not give.
"""

from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse


def reverse_remembered(viewname, **kwargs):
    """reverse(viewname, kwargs=kwargs), remembered (the last 8,192 addresses)."""
    return _reverse(get_resolver(get_urlconf()), get_script_prefix(), viewname, *kwargs.items())


@lru_cache(maxsize=8192)
def _reverse(resolver, prefix, viewname, *kwargs):
    return reverse(viewname, kwargs=dict(kwargs))
