"""The indigenous peoples registry (55 peoples, 48 languages), their organisations and
authorities, and the interpreters and facilitators of prior consultation (the domain
description, §7).

- **Peoples and languages** are reference data shipped in ``data/peoples`` and loaded by
  ``manage.py load_peoples`` (idempotent). A people speaks zero or more languages (Mashco Piro,
  Uro and Vacacocha have none of the 48); a language belongs to one linguistic family.
- **Alternative names** ("aguaruna" for Awajún) are searched accent- and case-insensitively
  through ``search_name`` (``willaq.core.text.fold``).
- **Localities** place a people on the map by ubigeo: the shipped data gives departments;
  institutions add districts.
- **Organisations** and **authorities** are registered by institutions; **interpreters and
  facilitators** with their languages and certification, too. Their phone and e-mail are
  personal data (see ``access.CONTACT_FIELDS``).
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.core.models import TimeStampedModel
from willaq.core.text import fold
from willaq.peoples.choices import Area, Availability, InterpreterRole, OrganisationLevel
from willaq.territory.models import Ubigeo


class LanguageFamily(models.Model):
    slug = models.SlugField(_("código"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=80)

    class Meta:
        verbose_name = _("familia lingüística")
        verbose_name_plural = _("familias lingüísticas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    slug = models.SlugField(_("código"), max_length=60, unique=True)
    # BDPI's running number (1–48), the order of the source list.
    number = models.PositiveSmallIntegerField(_("número"), unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    search_name = models.CharField(max_length=80, editable=False)
    area = models.CharField(_("ámbito"), max_length=12, choices=Area.choices)
    family = models.ForeignKey(
        LanguageFamily,
        verbose_name=_("familia lingüística"),
        on_delete=models.PROTECT,
        related_name="languages",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("lengua indígena")
        verbose_name_plural = _("lenguas indígenas")
        ordering = ["name"]
        # The languages list filtered by area (the /pueblos/lenguas/ page and the API).
        indexes = [models.Index(fields=["area", "name"], name="language_area_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class LanguageVariety(models.Model):
    language = models.ForeignKey(Language, on_delete=models.CASCADE, related_name="varieties")
    name = models.CharField(_("variedad"), max_length=120)

    class Meta:
        verbose_name = _("variedad")
        verbose_name_plural = _("variedades")
        ordering = ["language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["language", "name"], name="variety_unique_per_language")
        ]

    def __str__(self) -> str:
        return self.name


class People(models.Model):
    slug = models.SlugField(_("código"), max_length=60, unique=True)
    # The health ministry's ethnicity code (01–55), the source list's key.
    minsa_code = models.CharField(_("código de etnia (MINSA)"), max_length=2, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    area = models.CharField(_("ámbito"), max_length=12, choices=Area.choices)
    # fold() of the name and every alternative name, space-joined: one LIKE finds a people by any
    # of its names without accents ("awajun", "aguaruna").
    search_text = models.TextField(editable=False, blank=True)
    languages = models.ManyToManyField(
        Language, verbose_name=_("lenguas"), related_name="peoples", blank=True
    )

    class Meta:
        verbose_name = _("pueblo indígena")
        verbose_name_plural = _("pueblos indígenas")
        ordering = ["name"]
        # The registry list filtered by area, ordered by name.
        indexes = [models.Index(fields=["area", "name"], name="people_area_name")]

    def __str__(self) -> str:
        return self.name


class AlternativeName(models.Model):
    people = models.ForeignKey(People, on_delete=models.CASCADE, related_name="alternative_names")
    name = models.CharField(_("denominación"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False)

    class Meta:
        verbose_name = _("otra denominación")
        verbose_name_plural = _("otras denominaciones")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["people", "name"], name="altname_unique_per_people")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class Locality(models.Model):
    """Where a people lives: a department from the shipped data or a district an institution
    adds (with the community's name)."""

    people = models.ForeignKey(People, on_delete=models.CASCADE, related_name="localities")
    ubigeo = models.ForeignKey(
        Ubigeo, verbose_name=_("ubigeo"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("comunidad o localidad"), max_length=200, blank=True)
    # Copied from the ubigeo so the department filter is one indexed lookup.
    department_code = models.CharField(max_length=6, editable=False)
    from_registry = models.BooleanField(_("de los datos publicados"), default=False)

    class Meta:
        verbose_name = _("localidad")
        verbose_name_plural = _("localidades")
        ordering = ["ubigeo__code", "name"]
        # The registry filtered by department and the interpreters' gap view.
        indexes = [
            models.Index(fields=["department_code", "people"], name="locality_department_people")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["people", "ubigeo", "name"], name="locality_unique_per_people"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ubigeo})" if self.name else str(self.ubigeo)

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.department_code = self.ubigeo.department_code
        super().save(*args, **kwargs)


class Organisation(TimeStampedModel):
    """A representative organisation of one or more peoples (AIDESEP, CONAP, a federation)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nombre"), max_length=250)
    acronym = models.CharField(_("sigla"), max_length=40, blank=True)
    level = models.CharField(_("alcance"), max_length=12, choices=OrganisationLevel.choices)
    peoples = models.ManyToManyField(
        People, verbose_name=_("pueblos"), related_name="organisations"
    )
    ubigeo = models.ForeignKey(
        Ubigeo,
        verbose_name=_("sede (ubigeo)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_name = models.CharField(_("persona de contacto"), max_length=200, blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    registered_by = models.ForeignKey(
        Institution, verbose_name=_("registrada por"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("organización representativa")
        verbose_name_plural = _("organizaciones representativas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.acronym or self.name


class Authority(TimeStampedModel):
    """A recognised authority of a people or community (apu, varayoc, president), with the
    term of office the community gave."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    people = models.ForeignKey(
        People, verbose_name=_("pueblo"), on_delete=models.PROTECT, related_name="authorities"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organización"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authorities",
    )
    full_name = models.CharField(_("nombre completo"), max_length=200)
    position = models.CharField(_("cargo"), max_length=120)
    community = models.CharField(_("comunidad"), max_length=200, blank=True)
    ubigeo = models.ForeignKey(
        Ubigeo,
        verbose_name=_("ubigeo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    term_start = models.DateField(_("inicio del mandato"))
    term_end = models.DateField(_("fin del mandato"), null=True, blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    registered_by = models.ForeignKey(
        Institution, verbose_name=_("registrada por"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("autoridad reconocida")
        verbose_name_plural = _("autoridades reconocidas")
        ordering = ["people", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="authority_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.position})"

    def in_office(self, on: dt.date) -> bool:
        return self.term_start <= on and (self.term_end is None or on <= self.term_end)


class Interpreter(TimeStampedModel):
    """An interpreter or facilitator of indigenous languages (Mincul's registry)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("nombre completo"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False)
    role = models.CharField(
        _("función"),
        max_length=12,
        choices=InterpreterRole.choices,
        default=InterpreterRole.INTERPRETER,
    )
    registry_number = models.CharField(_("n.º de registro"), max_length=40, blank=True)
    # Empty: not (yet) certified; the gap view counts certified interpreters only.
    certified_on = models.DateField(_("fecha de certificación"), null=True, blank=True)
    department = models.ForeignKey(
        Ubigeo, verbose_name=_("departamento"), on_delete=models.PROTECT, related_name="+"
    )
    availability = models.CharField(
        _("disponibilidad"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    is_active = models.BooleanField(_("activo"), default=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    languages = models.ManyToManyField(
        Language, through="InterpreterLanguage", related_name="interpreters"
    )
    registered_by = models.ForeignKey(
        Institution, verbose_name=_("registrado por"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("intérprete o facilitador(a)")
        verbose_name_plural = _("intérpretes y facilitadores")
        ordering = ["full_name"]
        # The gap view: certified, active interpreters of a department.
        indexes = [
            models.Index(
                fields=["department", "is_active"],
                condition=models.Q(certified_on__isnull=False),
                name="interpreter_certified_dept",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registry_number"],
                condition=~models.Q(registry_number=""),
                name="interpreter_registry_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def is_certified(self) -> bool:
        return self.certified_on is not None


class InterpreterLanguage(models.Model):
    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.CASCADE, related_name="language_links"
    )
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    variety = models.CharField(_("variedad"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("lengua del intérprete")
        verbose_name_plural = _("lenguas del intérprete")
        constraints = [
            models.UniqueConstraint(
                fields=["interpreter", "language"], name="interpreter_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.variety}".strip()
