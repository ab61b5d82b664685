"""The indigenous peoples registry (55 peoples, 48 languages), their organisations and
authorities, and the interpreters and facilitators of prior consultation."""
