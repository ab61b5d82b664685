from django.core.management import call_command

from willaq.peoples.choices import Area
from willaq.peoples.loader import load_peoples
from willaq.peoples.models import AlternativeName, Language, LanguageFamily, Locality, People
from willaq.peoples.selectors import PeopleFilters, filter_peoples


def test_registry_counts_exactly_55_peoples_and_48_languages() -> None:
    assert People.objects.count() == 55
    assert People.objects.filter(area=Area.ANDEAN).count() == 4
    assert People.objects.filter(area=Area.AMAZONIAN).count() == 51
    assert Language.objects.count() == 48
    assert Language.objects.filter(area=Area.ANDEAN).count() == 4
    assert Language.objects.filter(area=Area.AMAZONIAN).count() == 44
    assert Language.objects.filter(family__isnull=True).count() == 0
    assert LanguageFamily.objects.count() == 20


def test_loading_twice_writes_nothing_new() -> None:
    before = (AlternativeName.objects.count(), Locality.objects.count())
    result = load_peoples()
    assert result.created == 0
    assert (AlternativeName.objects.count(), Locality.objects.count()) == before
    call_command("load_peoples", verbosity=0)
    assert People.objects.count() == 55


def test_alternative_names_are_searched_without_accents_or_case() -> None:
    found = filter_peoples(People.objects.all(), PeopleFilters(q="AGUARUNA"))
    assert [p.name for p in found] == ["Awajún"]
    found = filter_peoples(People.objects.all(), PeopleFilters(q="awajun"))
    assert found.count() == 1
    # An accent the source does not write still matches ("Huambisa" typed as "Huámbisa").
    found = filter_peoples(People.objects.all(), PeopleFilters(q="huámbisa"))
    assert [p.name for p in found] == ["Wampis"]
    # "Yora" is an alternative name of seven Pano peoples.
    assert filter_peoples(People.objects.all(), PeopleFilters(q="yora")).count() == 7


def test_filters_by_area_family_language_and_department() -> None:
    peoples = People.objects.all()
    assert filter_peoples(peoples, PeopleFilters(area=Area.ANDEAN)).count() == 4
    assert filter_peoples(peoples, PeopleFilters(family="jibaro")).count() == 4
    assert filter_peoples(peoples, PeopleFilters(language="kandozi-chapra")).count() == 2
    puno = filter_peoples(peoples, PeopleFilters(department="210000"))
    assert sorted(p.name for p in puno) == ["Aimara", "Quechuas", "Uro"]
