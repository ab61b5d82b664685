"""How many new pre-alerts an account sent in the last hour, counted in Django's cache instead of
a COUNT over the pre-alerts on every request.

Two counters per account, this clock hour's and the previous one's; the last hour is estimated
as this hour's plus the previous hour's weighted by the share of it still inside the last 60
minutes (a sliding window, exact when sending is even). The cache is ``CACHE_URL``: Redis in
production, shared by every server process; the default local-memory cache is per process, so
there each of gunicorn's workers counts (and limits) on its own — up to ``workers`` × the limit
per account. Keys carry the account's uuid, never reused.
"""

import time

from django.core.cache import cache

from willaq.accounts.models import User

WINDOW_SECONDS = 3600
# Counters outlive the window they count in (and the next, which weighs them).
_TIMEOUT = 2 * WINDOW_SECONDS + 60


def _key(user: User, scope: str, window: int) -> str:
    return f"willaq:rate:{scope}:{user.uuid}:{window}"


def sent_last_hour(user: User, scope: str) -> float:
    """The estimate of what ``user`` sent in the last hour under ``scope``."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    keys = [_key(user, scope, window), _key(user, scope, window - 1)]
    counts = cache.get_many(keys)
    elapsed = (now % WINDOW_SECONDS) / WINDOW_SECONDS
    return float(counts.get(keys[0], 0)) + float(counts.get(keys[1], 0)) * (1.0 - elapsed)


def count_one(user: User, scope: str) -> None:
    """One more sent by ``user`` now under ``scope``."""
    key = _key(user, scope, int(time.time() // WINDOW_SECONDS))
    # One cache operation when the counter exists (every request but an hour's first).
    try:
        cache.incr(key)
    except ValueError:  # this hour's first, or evicted
        if not cache.add(key, 1, timeout=_TIMEOUT):  # another request added it meanwhile
            try:
                cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=_TIMEOUT)
