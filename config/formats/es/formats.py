"""Dates and numbers in Spanish as Peru writes them (CLDR es-PE), over Django's `es` formats.

Django's `es` groups thousands with a non-breaking space and uses a decimal comma; Peru writes
12,345 and 1,234.50. Dates are one short, unambiguous form everywhere ("24 nov 2026"): every
template uses `|date` (DATE_FORMAT) or `|date:"DATETIME_FORMAT"`, never a format of its own.
Input formats are Django's (forms use ISO dates through <input type="date">).
"""

DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
