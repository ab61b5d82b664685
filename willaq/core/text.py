"""Text helpers shared by every app: accent- and case-insensitive matching keys."""

import unicodedata


def fold(text: str) -> str:
    """Return a search key without accents, in lower case, with single spaces.

    "ÁNCASH ", "Áncash" and "ancash" share the key "ancash". Ñ folds to n as well, because
    users on phones type "Canete" for Cañete.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
