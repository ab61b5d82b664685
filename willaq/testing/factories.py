"""factory_boy factories shared by every app's tests."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from willaq.accounts.models import Institution, InstitutionKind, Membership, Role, User
from willaq.cases.choices import (
    ActorKind,
    ActorRole,
    ActorTypeCode,
    CaseState,
    CategoryKind,
    EventType,
    SubEventType,
)
from willaq.cases.models import Actor, Case, CaseActor, CasePlace, Category, Event
from willaq.earlywarning.choices import Channel, ReporterLevel
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.territory.models import Ubigeo

# Every test person's password (the browser tests type it on the login page).
TEST_PASSWORD = "clave-segura-123"  # noqa: S105 (a test fixture, not a secret)


class InstitutionFactory(DjangoModelFactory[Institution]):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"inst-{n}")
    name = factory.Sequence(lambda n: f"Institución {n}")
    acronym = factory.Sequence(lambda n: f"I{n}")
    kind = InstitutionKind.OMBUDSMAN


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.pe")
    full_name = factory.Sequence(lambda n: f"Usuaria {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Role.ANALYST


def member(institution: Institution, role: str = Role.ANALYST, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, institution=institution, role=role)
    return user


def shared_category(kind: str, code: str) -> Category:
    category, _created = Category.objects.get_or_create(
        kind=kind, code=code, institution=None, defaults={"name": code.replace("-", " ").title()}
    )
    return category


class CaseFactory(DjangoModelFactory[Case]):
    """A case written straight to the table (for reads); use services to test changes."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Caso de prueba {n}")
    description = "Descripción del caso."
    institution = factory.SubFactory(InstitutionFactory)
    start_date = dt.date(2025, 3, 1)
    state = CaseState.ACTIVE
    phase = factory.LazyAttribute(lambda o: "early" if o.state == CaseState.ACTIVE else "")
    code = factory.LazyAttributeSequence(
        lambda o, n: f"2025-{n + 1:04d}" if o.state not in ("draft", "proposed") else None
    )
    typology = factory.LazyFunction(
        lambda: shared_category(CategoryKind.TYPOLOGY, "socioambiental")
    )

    @factory.post_generation
    def place(obj, create, extracted, **kwargs):
        if not create:
            return
        code = extracted or "021801"
        ubigeo = Ubigeo.objects.filter(code=code).first()
        if ubigeo is not None:
            CasePlace.objects.create(case=obj, ubigeo=ubigeo, is_principal=True)


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    case = factory.SubFactory(CaseFactory)
    institution = factory.LazyAttribute(lambda o: o.case.institution)
    event_date = dt.date(2025, 4, 2)
    event_type = EventType.PROTESTS
    sub_event_type = SubEventType.PEACEFUL_PROTEST
    actor1 = "Protesters (Peru)"
    inter1 = ActorTypeCode.PROTESTERS
    ubigeo = factory.LazyFunction(lambda: Ubigeo.objects.get(code="021801"))
    sources = "Radio local"
    reported_by = "Monitor de campo 7"


class ActorFactory(DjangoModelFactory[Actor]):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Comunidad campesina {n}")
    kind = ActorKind.ORGANISATION
    organisation_type = "community"
    institution = factory.SubFactory(InstitutionFactory)


class CaseActorFactory(DjangoModelFactory[CaseActor]):
    class Meta:
        model = CaseActor

    case = factory.SubFactory(CaseFactory)
    actor = factory.SubFactory(ActorFactory)
    institution = factory.SelfAttribute("case.institution")
    role = ActorRole.PRIMARY


def event_form_data(**extra: str) -> dict[str, str]:
    """What a person posts in the event form: a peaceful protest in Huaraz (020101), the place
    chosen department → province → district."""
    return {
        "event_date": "2025-04-02",
        "date_precision": "1",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Peru)",
        "inter1": "6",
        "place_department": "020000",
        "place_province": "020100",
        "place_district": "020101",
        "geo_precision": "2",
        **extra,
    }


class ReporterFactory(DjangoModelFactory[Reporter]):
    class Meta:
        model = Reporter

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Reportero {n}")
    level = ReporterLevel.DISTRICT_GOVERNOR
    phone = factory.Sequence(lambda n: f"+5190{n:07d}")


class PreAlertFactory(DjangoModelFactory[PreAlert]):
    """A structured web pre-alert from Chumbivilcas (Cusco), received now."""

    class Meta:
        model = PreAlert

    channel = Channel.WEB
    client_id = factory.Sequence(lambda n: f"test-client-{n}")
    institution = factory.SubFactory(InstitutionFactory)
    received_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    ubigeo = factory.LazyFunction(lambda: Ubigeo.objects.get(code="080701"))
    department_code = "080000"
    description = "Comuneros anuncian paro indefinido por el corredor minero."
    raw_payload = "{}"
