import datetime

import pytest
from django.core.exceptions import ValidationError

from projects.models import Project
from projects.services import project_save
from projects.stages import Stage
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_new_signed_project_gets_a_pinyin_slug_and_a_milestone():
    project = Project(name="海亮集团产业合作项目", stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10))
    project_save(project=project, investors=[EnterpriseFactory()])
    assert project.slug == "hai-liang-ji-tuan-chan-ye-he-zuo-xiang-mu"
    assert [(m.stage, m.date) for m in project.milestones.all()] == [(Stage.SIGNED, datetime.date(2026, 2, 10))]


def test_signed_project_without_investor_is_refused_in_chinese():
    project = Project(name="无投资方项目", stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10))
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project, investors=[])
    assert "必须填写投资方" in str(excinfo.value.message_dict["investors"])
    assert not Project.objects.filter(name="无投资方项目").exists()


def test_stage_change_appends_milestone_and_illegal_jump_is_refused():
    project = ProjectFactory(stage=Stage.SIGNED)
    assert list(project.milestones.values_list("stage", flat=True)) == [Stage.SIGNED]
    project.stage = Stage.STARTED
    project.started_on = datetime.date(2026, 3, 1)
    project_save(project=project)
    assert list(project.milestones.values_list("stage", flat=True)) == [Stage.SIGNED, Stage.STARTED]

    project.stage = Stage.NEGOTIATING
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project)
    assert "不能从" in str(excinfo.value.message_dict["stage"])


def test_money_is_shown_in_yi_or_wan():
    from decimal import Decimal

    from ledger.money import format_money

    assert format_money(Decimal("1766000")) == "176.6 亿元"
    assert format_money(Decimal("3500")) == "3,500 万元"
    assert format_money(None) == "—"
