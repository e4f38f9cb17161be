"""The seed loader holds the report's facts, no more, and running it twice changes nothing."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from ambassadors.models import Ambassador, Cohort, Lead, LeadStatus
from projects.models import (
    Enterprise,
    InstituteKind,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)
from projects.stages import Stage

# The source report is the news outlet's text and is not part of the repository: CI points at its
# copy (``.ci/run`` sets the variable and fails when the file is missing); elsewhere the check is skipped.
REPORT_VARIABLE = "QINGSHAN_SOURCE_REPORT"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Load the seed once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def db_seeded(seeded, db):
    """Each test runs in its own savepoint inside the seeded module transaction."""


def _counts():
    models = [Sector, Enterprise, SigningEvent, Project, ProjectMilestone, RenewalZone, ResearchInstitute,
              Cohort, Ambassador, Lead]
    return {m.__name__: m.objects.count() for m in models}


def test_conference_carries_the_announced_figures(db_seeded):
    event = SigningEvent.objects.get(slug="qingshan-2026-investment-conference")
    assert event.name == "青山区2026年招商引资大会"
    assert event.held_on == datetime.date(2026, 2, 10)
    assert event.announced_project_count == 16
    assert event.announced_total_investment == Decimal("1766000")  # 万元 = 176.6 亿元
    assert set(event.sectors.values_list("name", flat=True)) == {
        "化工新材料", "智能制造", "绿色低碳", "园区开发", "数字信息"}
    recorded = SigningEvent.objects.with_recorded_figures(public_only=True).get(pk=event.pk)
    assert set(event.projects.values_list("name", flat=True)) == {
        "海亮集团产业合作项目", "康恩贝危废资源化制低废合成气项目"}
    assert recorded.recorded_project_count == 2
    # The report publishes no single project's amount: the recorded total stays empty.
    assert recorded.recorded_total_investment is None


def test_no_project_has_an_invented_amount(db_seeded):
    assert not Project.objects.filter(total_investment__isnull=False).exists()
    assert not Project.objects.filter(funds_in_place__isnull=False).exists()
    assert not Enterprise.objects.exclude(credit_code="").exists()


def test_named_projects_have_the_reported_stage_and_investor(db_seeded):
    hailiang = Project.objects.get(slug="hailiang-industrial-cooperation")
    assert hailiang.stage == Stage.SIGNED and hailiang.signed_on == datetime.date(2026, 2, 10)
    assert list(hailiang.investors.values_list("name", flat=True)) == ["海亮集团"]
    assert hailiang.investors.get().honours.filter(name="世界500强").exists()

    shuneng = Project.objects.get(slug="shuneng-new-materials")
    assert shuneng.stage == Stage.STARTED
    assert shuneng.signed_display == "2025年" and shuneng.started_display == "2025年"
    assert list(shuneng.milestones.values_list("stage", flat=True)) == [Stage.SIGNED, Stage.STARTED]

    assert Project.objects.get(slug="jishu-technology-headquarters").is_headquarters
    assert Project.objects.get(slug="baowu-hydrogen-plate-plant").stage == Stage.NEGOTIATING
    assert Project.objects.get(slug="zhonghan-jet-fuel-hydrogenation").stage == Stage.IN_PRODUCTION
    conba = Enterprise.objects.get(slug="conba-group")
    assert (conba.province, conba.city) == ("浙江", "杭州")


def test_group_structure(db_seeded):
    assert Enterprise.objects.get(slug="sumec").parent.name == "国机集团"
    assert Enterprise.objects.get(slug="cuec").parent.name == "国机集团"
    assert Enterprise.objects.get(slug="qingling-zhijie").parent.name == "武汉金控集团"


def test_five_institutes_along_the_nanmu_river_and_the_pilot_base(db_seeded):
    institutes = ResearchInstitute.objects.filter(kind=InstituteKind.INSTITUTE)
    assert institutes.count() == 5
    assert set(institutes.values_list("zone__name", flat=True)) == {"楠姆片"}
    polymer = ResearchInstitute.objects.get(slug="advanced-polymer-institute")
    assert "华中科技大学化学与化工学院" in polymer.partners
    assert polymer.founded_display == "2026年"
    pilot = ResearchInstitute.objects.get(kind=InstituteKind.PILOT_BASE)
    assert pilot.address == "化工三路"


def test_cohorts_ambassadors_and_leads(db_seeded):
    assert dict(Cohort.objects.values_list("year", "announced_size")) == {2025: 12, 2026: 15}
    assert set(Ambassador.objects.values_list("name", flat=True)) == {"连厚舫", "向晓红"}
    leads = dict(Lead.objects.filter(ambassador__name="连厚舫").values_list("target_name", "status"))
    assert leads == {"洛阳中硅": LeadStatus.CONTACTED, "中冶长城": LeadStatus.INTENTION}


def test_sector_tree_of_the_335_system(db_seeded):
    steel = Sector.objects.get(slug="steel")
    assert steel.get_tier_display() == "主导产业"
    assert list(steel.children.values_list("name", flat=True)) == ["硅钢供应链"]
    assert set(Sector.objects.filter(parent__slug="digital-intelligence").values_list("name", flat=True)) == {
        "算力芯片", "数据标注"}


def test_every_seeded_name_appears_in_the_report(db_seeded):
    """Guards against invented entities: each enterprise, ambassador and institute is named in the report."""
    path = os.environ.get(REPORT_VARIABLE)
    if not path:
        pytest.skip(f"set {REPORT_VARIABLE} to the source report's text file to run this check "
                    f"(CI sets it to ../shared/seed/qingshan-2026-investment-conference.txt)")
    report = Path(path)
    if not report.is_file():
        pytest.fail(f"{REPORT_VARIABLE} points at {report}, which is not a file")
    text = report.read_text(encoding="utf-8")
    names = [*Enterprise.objects.values_list("name", flat=True),
             *Ambassador.objects.values_list("name", flat=True),
             *ResearchInstitute.objects.values_list("name", flat=True),
             *RenewalZone.objects.values_list("name", flat=True)]
    short = dict(Enterprise.objects.exclude(short_name="").values_list("name", "short_name"))
    missing = [n for n in names if n not in text and short.get(n, n) not in text]
    assert missing == []


def test_running_twice_changes_nothing(db_seeded):
    before = _counts()
    stamps = dict(Project.objects.values_list("slug", "updated_at"))
    call_command("load_seed", verbosity=0)
    assert _counts() == before
    assert dict(Project.objects.values_list("slug", "updated_at")) == stamps


def test_seed_does_not_overwrite_a_staff_edit(db_seeded):
    Project.objects.filter(slug="heyuan-gas").update(summary="工作人员修改")
    call_command("load_seed", verbosity=0)
    assert Project.objects.get(slug="heyuan-gas").summary == "工作人员修改"
