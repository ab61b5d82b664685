"""Dates and numbers in English, in the same day-first form as the Spanish ones ("24 Nov 2026"),
so a date reads the same way in both languages (see config/formats/es/formats.py)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
