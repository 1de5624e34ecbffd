"""Login throttling: wrong passwords count per (user name, address) and per address.

django-axes records each failed login (an AccessAttempt row per user name, address
and browser) and applies one limit, AXES_FAILURE_LIMIT, to every group named in
AXES_LOCKOUT_PARAMETERS. With one limit for both groups the pair would never
matter (an address has always failed at least as often as any pair from it), and
an address locked after five wrong passwords locks out everyone who shares it, a
venue's or an office's network. This handler, installed through axes's own
extension point (AXES_HANDLER), gives each group its limit:

- AXES_FAILURE_LIMIT wrong passwords for one user name from one address lock that
  user name from that address only: a stranger cannot lock an organiser out
  everywhere by typing the documented user name.
- AXES_ADDRESS_FAILURE_LIMIT wrong passwords from one address, for any user names,
  lock the address for every user name: one address cannot try many accounts.

Both count the failures of the last AXES_COOLOFF_TIME, so a lock-out ends that
long after the last failure. A successful login clears its own pair's count, not
the address's: otherwise anyone with an account could log in between guesses and
start again. Organisers lift a lock-out by deleting the address's access attempts
in the admin (Axes, Access attempts).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.shortcuts import render

from .formatting import duration_in_words


class PairAndAddressHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler with a limit per (user name, address) and one per address."""

    def get_failures(self, request, credentials=None):
        """The failures that count against AXES_FAILURE_LIMIT: the pair's, or the
        limit itself once the address has reached its own limit."""
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        counts = recent.aggregate(
            address=Sum("failures_since_start"),
            pair=Sum("failures_since_start", filter=Q(username=username)),
        )
        pair, address = counts["pair"] or 0, counts["address"] or 0
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair

    def reset_user_attempts(self, request, credentials=None):
        """After a successful login: forget this user name's failures from this address."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The page for a locked login (AXES_LOCKOUT_CALLABLE): the site's own, with a
    plain "try again in 1 hour" rather than axes's ISO 8601 "PT1H"."""
    return render(
        request,
        "registration/lockout.html",
        {"try_again_in": duration_in_words(get_cool_off(request))},
        status=429,
    )
