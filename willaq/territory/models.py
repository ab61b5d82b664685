"""Peru's territory as INEI ubigeo units: departments, provinces and districts.

Every unit has a six-digit INEI code (a department "150000", a province "150100", a district
"150101"), a parent, and the coordinates of its capital.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from willaq.core.text import fold


class Level(models.TextChoices):
    DEPARTMENT = "department", _("Departamento")
    PROVINCE = "province", _("Provincia")
    DISTRICT = "district", _("Distrito")


class UbigeoQuerySet(models.QuerySet["Ubigeo"]):
    def departments(self) -> "UbigeoQuerySet":
        return self.filter(level=Level.DEPARTMENT)

    def provinces(self) -> "UbigeoQuerySet":
        return self.filter(level=Level.PROVINCE)

    def districts(self) -> "UbigeoQuerySet":
        return self.filter(level=Level.DISTRICT)

    def named(self, name: str) -> "UbigeoQuerySet":
        """Units whose name matches ignoring accents and case ("ancash" finds "Áncash")."""
        return self.filter(search_name=fold(name))


class Ubigeo(models.Model):
    code = models.CharField(_("ubigeo INEI"), max_length=6, unique=True)
    # RENIEC numbers some units differently from INEI (identity documents and electoral rolls use
    # it); kept to translate such records, never used as our identifier.
    reniec_code = models.CharField(_("ubigeo RENIEC"), max_length=6, blank=True)
    level = models.CharField(_("nivel"), max_length=12, choices=Level.choices)
    name = models.CharField(_("nombre"), max_length=120)
    # fold(name): the key for accent- and case-insensitive lookup.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    department_code = models.CharField(max_length=6, db_index=True)
    province_code = models.CharField(max_length=6, blank=True)
    capital = models.CharField(_("capital"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    area_km2 = models.FloatField(_("superficie (km²)"), null=True, blank=True)
    # INEI's population estimate (data/population/): the map's rates per 100,000 inhabitants.
    # A province or department holds the sum of its districts.
    population = models.PositiveIntegerField(_("población"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("año de la población"), null=True, blank=True
    )

    objects = UbigeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("unidad territorial")
        verbose_name_plural = _("unidades territoriales")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "search_name"], name="ubigeo_level_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="ubigeo_code_six_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def department(self) -> "Ubigeo | None":
        if self.level == Level.DEPARTMENT:
            return self
        return Ubigeo.objects.filter(code=self.department_code).first()

    def full_name(self) -> str:
        """ "Huaraz, Huaraz, Áncash": district, province, department."""
        parts = [self.name]
        node = self.parent
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return ", ".join(parts)


class Grouping(models.Model):
    """A named territorial grouping that registries use as a place although it is no single
    ubigeo unit: "Lima Metropolitana" (the province of Lima) and "Lima Provincias" (the
    department of Lima without it). Shipped as data (data/territory/groupings.toml).

    ``anchor`` is the smallest unit holding the whole grouping (a case placed in the grouping
    is placed at its anchor for maps and department counts); ``member_codes`` are the units it
    is made of, so a finer place can be told inside or outside it."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    anchor = models.ForeignKey(
        Ubigeo, on_delete=models.PROTECT, related_name="groupings", verbose_name=_("unidad base")
    )
    member_codes = models.JSONField(_("unidades que la forman"), default=list)

    class Meta:
        verbose_name = _("agrupación territorial")
        verbose_name_plural = _("agrupaciones territoriales")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def contains(self, unit: Ubigeo) -> bool:
        """Whether ``unit`` lies inside the grouping (a member or inside one)."""
        return any(unit.code.startswith(unit_prefix(code)) for code in self.member_codes)


def unit_prefix(code: str) -> str:
    """The digits a unit's code shares with every unit inside it ("1501" for "150100")."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
