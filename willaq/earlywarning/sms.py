"""The SMS keyword syntax reporters type on a basic phone, and the texts sent back to them.

Syntax (documented for reporters in README, "Prealertas por SMS")::

    ALERTA <lugar> [<urgencia>] <qué pasó>

- ``ALERTA`` (also ``PREALERTA``, ``ALARMA``), in any case, with or without accents;
- ``<lugar>``: a district, province or department by name (``Espinar``, ``san juan de
  lurigancho``) or by its six-digit ubigeo (``080801``); a name shared by several places takes
  the province or department after it (``Santa Rosa Puno``);
- ``<urgencia>`` (optional, medium by default): ``BAJA``, ``MEDIA``, ``ALTA``, ``URGENTE``
  (or ``CRITICA``, ``MUY ALTA``);
- the rest is what happened.

Words may be separated by spaces or by any of ``* # , ; : / |`` (keys a basic phone reaches
easily); ``AYUDA`` answers with the syntax. A text that does not follow it is still kept, as an
unstructured pre-alert for an analyst (:class:`ParsedSms` says why, the reply says how to write
it).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from willaq.core.text import fold
from willaq.earlywarning.choices import Urgency
from willaq.earlywarning.models import PreAlert
from willaq.territory.models import Ubigeo, unit_prefix

KEYWORDS = frozenset({"alerta", "prealerta", "pre-alerta", "alarma", "alert"})
HELP_WORDS = frozenset({"ayuda", "help", "?", "info"})
URGENCY_WORDS: dict[str, str] = {
    "baja": Urgency.LOW,
    "bajo": Urgency.LOW,
    "leve": Urgency.LOW,
    "media": Urgency.MEDIUM,
    "medio": Urgency.MEDIUM,
    "normal": Urgency.MEDIUM,
    "alta": Urgency.HIGH,
    "alto": Urgency.HIGH,
    "grave": Urgency.HIGH,
    "urgente": Urgency.CRITICAL,
    "critica": Urgency.CRITICAL,
    "critico": Urgency.CRITICAL,
    "emergencia": Urgency.CRITICAL,
}
# The longest place name, in words ("San Juan de Lurigancho", "Coronel Gregorio Albarracín
# Lanchipa").
MAX_PLACE_WORDS = 6
# Separators between the parts (besides spaces); inside what happened they are kept as typed.
_TOKEN = re.compile(r"[^\s*#,;:/|]+")
_TRIM = ".-_!¡¿?\"'()[]"


class Problem:
    """Why a text did not parse (what the reply explains)."""

    KEYWORD = "keyword"
    PLACE_MISSING = "place_missing"
    PLACE_UNKNOWN = "place_unknown"
    PLACE_AMBIGUOUS = "place_ambiguous"
    TEXT_MISSING = "text_missing"


@dataclass(frozen=True)
class Token:
    key: str  # folded, trimmed
    start: int
    end: int


@dataclass
class ParsedSms:
    """What a text says: a pre-alert (``place`` and ``description``), a request for help, or
    nothing understood (``problem``)."""

    is_help: bool = False
    place: Ubigeo | None = None
    urgency: str = Urgency.MEDIUM
    urgency_given: bool = False
    description: str = ""
    problem: str = ""
    place_typed: str = ""
    candidates: list[Ubigeo] = field(default_factory=list)

    @property
    def is_prealert(self) -> bool:
        return not self.is_help and not self.problem


def _tokens(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        key = fold(match.group().strip(_TRIM))
        if key:
            tokens.append(Token(key, match.start(), match.end()))
    return tokens


def _joined(tokens: list[Token], start: int, count: int) -> str:
    return " ".join(t.key for t in tokens[start : start + count])


def _urgency_at(tokens: list[Token], index: int) -> tuple[str, int] | None:
    """The urgency word(s) at ``index`` and how many tokens they take."""
    if index >= len(tokens):
        return None
    key = tokens[index].key
    if key == "muy" and index + 1 < len(tokens) and tokens[index + 1].key in ("alta", "alto"):
        return Urgency.CRITICAL, 2
    if key in URGENCY_WORDS:
        return URGENCY_WORDS[key], 1
    return None


def _ancestors(unit: Ubigeo) -> list[Ubigeo]:
    found = []
    node = unit.parent
    while node is not None:
        found.append(node)
        node = node.parent
    return found


def _place_at(tokens: list[Token], index: int) -> tuple[list[Ubigeo], int, str] | None:
    """The units named by the longest run of tokens from ``index`` (a name or a ubigeo code),
    narrowed by a province or department written after it; with the tokens taken."""
    if index >= len(tokens):
        return None
    first = tokens[index].key
    if first.isdigit():
        if len(first) != 6:
            return None
        unit = Ubigeo.objects.select_related("parent__parent").filter(code=first).first()
        return ([unit] if unit else []), 1, first
    names = {
        _joined(tokens, index, n): n
        for n in range(1, min(MAX_PLACE_WORDS, len(tokens) - index) + 1)
    }
    units = list(
        Ubigeo.objects.select_related("parent__parent").filter(search_name__in=list(names))
    )
    if not units:
        return [], 0, first
    longest = max(names[u.search_name] for u in units)
    typed = _joined(tokens, index, longest)
    candidates = [u for u in units if u.search_name == typed]
    taken = longest
    # "Santa Rosa Puno", "Santa Rosa, El Collao, Puno": the words after the name may name a
    # province or department that holds one of the candidates (taken, not part of the text).
    for _qualifier in range(2):
        narrowed = None
        for n in range(min(4, len(tokens) - index - taken), 0, -1):
            key = _joined(tokens, index + taken, n)
            inside = [c for c in candidates if any(a.search_name == key for a in _ancestors(c))]
            if inside:
                narrowed = inside, n
                break
        if narrowed is None:
            break
        candidates, n = narrowed
        taken += n
    return candidates, taken, typed


def _level_order(unit: Ubigeo) -> int:
    return {"department": 0, "province": 1}.get(unit.level, 2)


def _choose(candidates: list[Ubigeo], territories: Iterable[str]) -> list[Ubigeo]:
    """One unit when the name is clear: those in the reporter's territory first; units nested
    in one another ("Cusco": department, province and district) are the largest."""
    prefixes = [unit_prefix(code) for code in territories]
    if prefixes and len(candidates) > 1:
        mine = [c for c in candidates if any(c.code.startswith(p) for p in prefixes)]
        candidates = mine or candidates
    if len(candidates) > 1:
        largest = min(candidates, key=lambda u: (_level_order(u), u.code))
        prefix = unit_prefix(largest.code)
        if all(c.code.startswith(prefix) for c in candidates):
            return [largest]
    return candidates


def parse_sms(text: str, territories: Iterable[str] = ()) -> ParsedSms:
    """Read a text in the keyword syntax. ``territories``: the ubigeo codes the sender covers
    (a reporter's), which settle a name shared by several places."""
    tokens = _tokens(text)
    if not tokens:
        return ParsedSms(problem=Problem.KEYWORD)
    if tokens[0].key in HELP_WORDS and len(tokens) <= 2:
        return ParsedSms(is_help=True)
    if tokens[0].key not in KEYWORDS:
        return ParsedSms(problem=Problem.KEYWORD)
    index = 1
    parsed = ParsedSms()
    # The urgency may come before the place ("ALERTA ALTA Espinar …").
    urgency = _urgency_at(tokens, index)
    if urgency is not None and _place_at(tokens, index + urgency[1]):
        parsed.urgency, parsed.urgency_given = urgency[0], True
        index += urgency[1]
    place = _place_at(tokens, index)
    if place is None:
        parsed.problem = Problem.PLACE_MISSING
        return parsed
    units, taken, typed = place
    parsed.place_typed = typed
    if not units:
        parsed.problem = Problem.PLACE_UNKNOWN
        return parsed
    chosen = _choose(units, territories)
    if len(chosen) > 1:
        parsed.problem = Problem.PLACE_AMBIGUOUS
        parsed.candidates = sorted(chosen, key=lambda u: u.code)
        return parsed
    parsed.place = chosen[0]
    index += taken
    if not parsed.urgency_given:
        urgency = _urgency_at(tokens, index)
        if urgency is not None:
            parsed.urgency, parsed.urgency_given = urgency[0], True
            index += urgency[1]
    if index >= len(tokens):
        parsed.problem = Problem.TEXT_MISSING
        return parsed
    rest = text[tokens[index].start :]
    parsed.description = rest.strip()
    return parsed


# --- phone numbers ------------------------------------------------------------------------------


def normalize_phone(raw: str) -> str:
    """A sender's number as reporters' phones are stored (E.164): ``987 654 321``,
    ``51987654321``, ``0051 987-654-321`` and ``+51987654321`` are all ``+51987654321``.
    A number of another form (a short code) keeps its digits."""
    raw = raw.strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return raw[:20]
    if raw.startswith("+"):
        return f"+{digits}"[:20]
    if digits.startswith("00"):
        return f"+{digits[2:]}"[:20]
    if len(digits) == 11 and digits.startswith("51"):
        return f"+{digits}"
    if len(digits) == 9 and digits.startswith("9"):
        return f"+51{digits}"
    return digits[:20]


# --- replies ------------------------------------------------------------------------------------


def prealert_reference(prealert: PreAlert) -> str:
    """The short reference a reporter quotes (the first eight characters of its uuid)."""
    return prealert.uuid.hex[:8].upper()


def syntax_example() -> str:
    return _(
        "Escriba: ALERTA distrito urgencia qué pasó. Ej: ALERTA Espinar ALTA comuneros "
        "anuncian paro el lunes"
    )


def help_reply() -> str:
    return _(
        "Willaq: para enviar una prealerta escriba ALERTA, el distrito (o su ubigeo), la "
        "urgencia (BAJA, MEDIA, ALTA o URGENTE) y qué pasó. Ej: ALERTA Espinar ALTA comuneros "
        "anuncian paro el lunes"
    )


def confirmation_reply(prealert: PreAlert) -> str:
    place = prealert.ubigeo.name if prealert.ubigeo else ""
    return _(
        "Willaq: prealerta recibida, ref. %(ref)s. Lugar: %(place)s. Urgencia: %(urgency)s. "
        "Un analista la revisará. Gracias."
    ) % {
        "ref": prealert_reference(prealert),
        "place": place,
        "urgency": prealert.get_urgency_display().lower(),
    }


def _problem_hint(parsed: ParsedSms) -> str:
    if parsed.problem == Problem.PLACE_UNKNOWN:
        return _("No encontramos el lugar «%(place)s».") % {"place": parsed.place_typed[:40]}
    if parsed.problem == Problem.PLACE_AMBIGUOUS:
        return _("Hay %(n)s lugares «%(place)s»: añada la provincia o el ubigeo.") % {
            "n": len(parsed.candidates),
            "place": parsed.place_typed[:40],
        }
    if parsed.problem == Problem.PLACE_MISSING:
        return _("Falta el lugar.")
    if parsed.problem == Problem.TEXT_MISSING:
        return _("Falta contar qué pasó.")
    return ""


def unstructured_reply(prealert: PreAlert, parsed: ParsedSms) -> str:
    """The message was kept for an analyst; how to write the next one."""
    parts = [
        _("Willaq: recibimos su mensaje, ref. %(ref)s, y un analista lo revisará.")
        % {"ref": prealert_reference(prealert)},
        _problem_hint(parsed),
        syntax_example(),
    ]
    return " ".join(p for p in parts if p)


def flood_reply() -> str:
    return _(
        "Willaq: recibimos demasiados mensajes de este número en la última hora. Su mensaje "
        "quedó registrado; espere una hora antes de enviar otro."
    )
