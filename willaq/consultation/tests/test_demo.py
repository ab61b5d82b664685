"""Prior consultation's demo, through the services on top of the case demo."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from willaq.consultation.choices import ProcessState
from willaq.consultation.models import Agreement, ConsultationProcess, InterpreterAssignment
from willaq.peoples.models import Authority, Interpreter, InterpreterLanguage, Organisation


@pytest.fixture
def demo_loaded() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_consultation_demo", verbosity=0)


@pytest.mark.usefixtures("demo_loaded")
def test_the_demo_counts() -> None:
    assert Interpreter.objects.count() == 7
    assert Interpreter.objects.filter(certified_on__isnull=True).count() == 1
    assert InterpreterLanguage.objects.values("language").distinct().count() == 7
    assert Organisation.objects.count() == 3
    assert Authority.objects.count() == 4
    processes = ConsultationProcess.objects.all()
    assert processes.count() == 3
    assert processes.values("current_stage").distinct().count() == 3
    assert processes.filter(state=ProcessState.CONCLUDED).count() == 1
    assert processes.filter(cases__isnull=False).distinct().count() == 1
    overdue = [a for a in Agreement.objects.all() if a.is_overdue()]
    assert Agreement.objects.count() == 3
    assert len(overdue) == 1
    assert InterpreterAssignment.objects.count() == 1


@pytest.mark.usefixtures("demo_loaded")
def test_a_second_run_with_reuse_changes_nothing() -> None:
    call_command("seed_consultation_demo", "--reuse", verbosity=0)
    assert ConsultationProcess.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("seed_consultation_demo", verbosity=0)
