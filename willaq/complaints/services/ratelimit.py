"""How many complaints (or tracking look-ups) came from one client address or one contact in
the last hour, counted in Django's cache as ``willaq.earlywarning.services.ratelimit`` counts an
account's pre-alerts: this clock hour's counter plus the previous hour's weighted by the share
of it still inside the window. Keys carry a hash of the address or contact, never the value.
"""

import hashlib
import time

from django.core.cache import cache

WINDOW_SECONDS = 3600
_TIMEOUT = 2 * WINDOW_SECONDS + 60


def _key(scope: str, who: str, window: int) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return f"willaq:complaints:{scope}:{digest}:{window}"


def count_last_hour(scope: str, who: str) -> float:
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    keys = [_key(scope, who, window), _key(scope, who, window - 1)]
    counts = cache.get_many(keys)
    elapsed = (now % WINDOW_SECONDS) / WINDOW_SECONDS
    return float(counts.get(keys[0], 0)) + float(counts.get(keys[1], 0)) * (1.0 - elapsed)


def over_limit(scope: str, who: str, limit: int) -> bool:
    return bool(who) and count_last_hour(scope, who) >= limit


def count_one(scope: str, who: str) -> None:
    if not who:
        return
    key = _key(scope, who, int(time.time() // WINDOW_SECONDS))
    cache.add(key, 0, timeout=_TIMEOUT)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=_TIMEOUT)
