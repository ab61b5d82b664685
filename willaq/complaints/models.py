"""Citizens' environmental complaints: the public form and tracking code, staff triage and
routing, the 30-working-day clock."""
