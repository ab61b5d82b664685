from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from willaq.cases.choices import CategoryKind
from willaq.cases.models import Category
from willaq.cases.reference import SECTORS, SUBTYPES, TYPOLOGIES


class Command(BaseCommand):
    help = "Load or update the shared typologies, subtypes and sectors (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for order, (code, name) in enumerate(TYPOLOGIES):
            _obj, new = Category.objects.update_or_create(
                kind=CategoryKind.TYPOLOGY,
                code=code,
                institution=None,
                defaults={"name": name, "sort_order": order, "is_active": True},
            )
            created += new
        parents = {
            c.code: c for c in Category.objects.filter(kind=CategoryKind.TYPOLOGY, institution=None)
        }
        for order, (code, name, parent) in enumerate(SUBTYPES):
            _obj, new = Category.objects.update_or_create(
                kind=CategoryKind.SUBTYPE,
                code=code,
                institution=None,
                defaults={"name": name, "sort_order": order, "parent": parents[parent]},
            )
            created += new
        for order, (code, name) in enumerate(SECTORS):
            _obj, new = Category.objects.update_or_create(
                kind=CategoryKind.SECTOR,
                code=code,
                institution=None,
                defaults={"name": name, "sort_order": order},
            )
            created += new
        if options["verbosity"]:
            total = len(TYPOLOGIES) + len(SUBTYPES) + len(SECTORS)
            self.stdout.write(f"Categorías: {total} compartidas ({created} nuevas).")
