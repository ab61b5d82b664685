"""Readable Spanish names for the upper-case, mostly unaccented names of the ubigeo tables.

"SAN JUAN DE LURIGANCHO" becomes "San Juan de Lurigancho" and "SANTA MARIA DEL MAR" becomes
"Santa María del Mar": words are capitalised, Spanish small words stay in lower case, and the
accents come from a dictionary of accented spellings (the 25 official department names, and the
spellings of the capitals, which the source writes with accents).
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from willaq.core.text import fold

# The official names of the 25 departments (and the Constitutional Province of Callao), by code.
DEPARTMENT_NAMES: Mapping[str, str] = {
    "010000": "Amazonas",
    "020000": "Áncash",
    "030000": "Apurímac",
    "040000": "Arequipa",
    "050000": "Ayacucho",
    "060000": "Cajamarca",
    "070000": "Callao",
    "080000": "Cusco",
    "090000": "Huancavelica",
    "100000": "Huánuco",
    "110000": "Ica",
    "120000": "Junín",
    "130000": "La Libertad",
    "140000": "Lambayeque",
    "150000": "Lima",
    "160000": "Loreto",
    "170000": "Madre de Dios",
    "180000": "Moquegua",
    "190000": "Pasco",
    "200000": "Piura",
    "210000": "Puno",
    "220000": "San Martín",
    "230000": "Tacna",
    "240000": "Tumbes",
    "250000": "Ucayali",
}

# Accented Spanish words and surnames frequent in place names that no capital spells for us.
COMMON_ACCENTS = (
    "Álvarez Ángeles Andrés Asunción Beraún Bolívar Carrión Castañeda César Chávez Chimú Colón "
    "Concepción Convención Dámaso Díaz Fermín Fernández García Gómez González Gutiérrez Hernández "
    "Inés Jesús Jiménez José León López Marañón María Martínez Méndez Núñez Ordóñez Pérez Ramírez "
    "Ramón Raúl Río Rodríguez Román Sánchez Simón Suárez Tomás Unión Vásquez Víctor"
)

# Articles, prepositions and conjunctions written in lower case inside a name.
SMALL_WORDS = frozenset({"de", "del", "la", "las", "los", "el", "y", "e", "en", "al"})

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def accent_dictionary(spellings: Iterable[str]) -> dict[str, str]:
    """Map each folded word to its most frequent spelling in `spellings` (lower case).

    Only words that carry an accent in that spelling are kept: "maria" → "maría".
    """
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in [*DEPARTMENT_NAMES.values(), COMMON_ACCENTS, *spellings]:
        for word in _WORD.findall(text):
            seen[fold(word)][word.lower()] += 1
    result = {}
    for key, variants in seen.items():
        best = variants.most_common(1)[0][0]
        if best != key:
            result[key] = best
    return result


def readable_name(raw: str, accents: Mapping[str, str]) -> str:
    """ "SAN MIGUEL DE EL FAIQUE" → "San Miguel de El Faique" (see the module docstring)."""
    words = raw.split()
    out: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        # A spelling must keep the diacritics the source already wrote ("MARAÑON" → "marañón").
        spelling = accents.get(fold(lower), lower)
        if all(ch in spelling for ch in lower if not ch.isascii()):
            lower = spelling
        # After "de", "el" is part of the name (Spanish would have written "del" otherwise).
        keeps_article = lower == "el" and index > 0 and out[-1] == "de"
        if index > 0 and lower in SMALL_WORDS and not keeps_article:
            out.append(lower)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in lower.split("-")))
    return " ".join(out)
