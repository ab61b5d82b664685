"""Early warning's pages, by subject (``response``: deployment orders and their statistics)."""
