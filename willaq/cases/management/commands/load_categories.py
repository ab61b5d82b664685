from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from willaq.cases.choices import CategoryKind
from willaq.cases.models import Category
from willaq.cases.reference import SECTORS, SUBTYPES, TYPOLOGIES


class Command(BaseCommand):
    help = "Load the shared typologies, subtypes and sectors. A second run changes nothing."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        self.created = self.updated = 0
        for order, (code, name) in enumerate(TYPOLOGIES):
            self._upsert(CategoryKind.TYPOLOGY, code, name=name, sort_order=order)
        parents = {
            c.code: c for c in Category.objects.filter(kind=CategoryKind.TYPOLOGY, institution=None)
        }
        for order, (code, name, parent) in enumerate(SUBTYPES):
            self._upsert(
                CategoryKind.SUBTYPE, code, name=name, sort_order=order, parent=parents[parent]
            )
        for order, (code, name) in enumerate(SECTORS):
            self._upsert(CategoryKind.SECTOR, code, name=name, sort_order=order)
        if options["verbosity"]:
            total = len(TYPOLOGIES) + len(SUBTYPES) + len(SECTORS)
            self.stdout.write(
                f"Categorías compartidas: {total} ({self.created} nuevas, "
                f"{self.updated} actualizadas)."
            )

    def _upsert(self, kind: CategoryKind, code: str, **values: Any) -> None:
        """Create the category, or update it only where the reference list differs.

        ``is_active`` is left alone: an admin may have retired a shared category on purpose.
        """
        category = Category.objects.filter(kind=kind, code=code, institution=None).first()
        if category is None:
            Category.objects.create(kind=kind, code=code, institution=None, **values)
            self.created += 1
            return
        changed = [k for k, v in values.items() if getattr(category, k) != v]
        if changed:
            for key in changed:
                setattr(category, key, values[key])
            category.save(update_fields=[*changed, "updated_at"])
            self.updated += 1
