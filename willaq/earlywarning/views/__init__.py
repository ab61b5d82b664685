"""Early warning's pages, one module per subject (``form``: the offline pre-alert form)."""
