"""The funds ledger (到位资金台账): the project's funds in place is the sum of its dated entries,
kept by the database whatever writes them; never more than the total investment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from projects.funds import funds_entry_delete, funds_entry_save, funds_in_place, funds_summary
from projects.models import FundsEntry, FundsEntryKind, Project
from projects.services import project_save
from tests.factories import FundsEntryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def stored_funds(project: Project) -> Decimal | None:
    return Project.objects.filter(pk=project.pk).values_list("funds_in_place", flat=True).get()


def test_two_dated_entries_make_the_funds_in_place_and_the_year_figure():
    project = ProjectFactory(total_investment=Decimal("10000"))
    FundsEntryFactory(project=project, received_on=datetime.date(2025, 6, 1), amount=Decimal("3000"))
    FundsEntryFactory(project=project, received_on=datetime.date(2026, 2, 1), amount=Decimal("2000"))
    projects = Project.objects.filter(pk=project.pk)
    assert stored_funds(project) == Decimal("5000")
    assert funds_in_place(projects=projects) == Decimal("5000")
    assert funds_in_place(projects=projects, year=2026) == Decimal("2000")
    assert funds_in_place(projects=projects, year=2025) == Decimal("3000")


def test_entries_beyond_the_total_investment_are_refused_in_chinese():
    project = ProjectFactory(total_investment=Decimal("5000"))
    FundsEntryFactory(project=project, amount=Decimal("4000"))
    with pytest.raises(ValidationError) as excinfo:
        FundsEntryFactory(project=project, amount=Decimal("1500"))
    assert "超过项目总投资 5000.00 万元" in excinfo.value.message_dict["amount"][0]
    assert FundsEntry.objects.filter(project=project).count() == 1
    assert stored_funds(project) == Decimal("4000")


def test_the_database_keeps_the_sum_whatever_writes_the_entries():
    project = ProjectFactory(total_investment=Decimal("10000"))
    entry = FundsEntryFactory(project=project, amount=Decimal("1000"))
    FundsEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1200"))  # around the door
    assert stored_funds(project) == Decimal("1200")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO projects_fundsentry (project_id, kind, received_on, received_on_precision, amount, source, "
            "note, version, created_at, updated_at) VALUES (%s, 'received', '2026-01-05', 'day', 300, '', '', 1, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", [project.pk])
    assert stored_funds(project) == Decimal("1500")
    FundsEntry.objects.filter(pk=entry.pk).delete()
    assert stored_funds(project) == Decimal("300")
    FundsEntry.objects.filter(project=project).delete()
    assert stored_funds(project) is None  # no entry: nothing reported, not 0
    # A stale value written to the project itself does not stick either.
    FundsEntryFactory(project=project, amount=Decimal("800"))
    Project.objects.filter(pk=project.pk).update(funds_in_place=Decimal("50"))
    assert stored_funds(project) == Decimal("800")


def test_the_database_refuses_entries_beyond_the_total_too():
    project = ProjectFactory(total_investment=Decimal("1000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        FundsEntry.objects.create(project=project, received_on=datetime.date(2026, 1, 1), amount=Decimal("1001"))


def test_a_project_edit_keeps_the_sum_a_form_loaded_before_an_entry():
    project = ProjectFactory(total_investment=Decimal("10000"))
    loaded = Project.objects.get(pk=project.pk)  # opened in a form before the entry was recorded
    FundsEntryFactory(project=project, amount=Decimal("2500"))
    loaded.summary = "改了摘要"
    project_save(project=loaded, user=None)
    assert stored_funds(project) == Decimal("2500")


def test_lowering_the_total_below_the_entries_is_refused():
    project = ProjectFactory(total_investment=Decimal("10000"))
    FundsEntryFactory(project=project, amount=Decimal("6000"))
    project = Project.objects.get(pk=project.pk)
    project.total_investment = Decimal("5000")
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project, user=None)
    assert "不能低于到位资金台账的合计（6000.00 万元）" in excinfo.value.message_dict["total_investment"][0]


def test_only_the_opening_balance_may_lack_a_date_and_there_is_one():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as excinfo:
        funds_entry_save(entry=FundsEntry(project=project, amount=Decimal("10")), user=None)
    assert "请填写到位日期" in excinfo.value.message_dict["received_on"][0]
    funds_entry_save(entry=FundsEntry(project=project, kind=FundsEntryKind.OPENING, amount=Decimal("10")), user=None)
    with pytest.raises(ValidationError) as excinfo:
        funds_entry_save(entry=FundsEntry(project=project, kind=FundsEntryKind.OPENING, amount=Decimal("5")), user=None)
    assert "每个项目只能有一条期初余额" in str(excinfo.value)
    summary = funds_summary(projects=Project.objects.filter(pk=project.pk))
    assert summary.total == summary.undated == Decimal("10") and summary.entries == 1
    assert funds_summary(projects=Project.objects.filter(pk=project.pk), year=2026).total == Decimal("0")


def test_an_entry_in_the_future_is_refused():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as excinfo:
        FundsEntryFactory(project=project, received_on=datetime.date.today() + datetime.timedelta(days=2))
    assert "到位日期不能晚于今天" in excinfo.value.message_dict["received_on"][0]


def test_an_entry_stays_on_its_project_and_keeps_its_history(reviewer):
    project, other = ProjectFactory(), ProjectFactory()
    entry = FundsEntryFactory(project=project, amount=Decimal("100"))
    entry.project = other
    with pytest.raises(ValidationError) as excinfo:
        funds_entry_save(entry=entry, user=None)
    assert "不能改挂到其他项目" in excinfo.value.message_dict["project"][0]
    entry = FundsEntry.objects.get(pk=entry.pk)
    entry.amount = Decimal("150")
    funds_entry_save(entry=entry, user=None, reason="更正金额")
    funds_entry_delete(entry=entry, user=reviewer)
    history = list(FundsEntry.history.order_by("history_date", "history_id"))
    assert [(row.history_type, row.amount) for row in history] == [
        ("+", Decimal("100")), ("~", Decimal("150")), ("-", Decimal("150"))]
    assert history[1].history_change_reason == "更正金额"
    assert stored_funds(project) is None
