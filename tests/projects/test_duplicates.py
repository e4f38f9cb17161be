import datetime
from decimal import Decimal

import pytest

from figures import yardsticks
from projects.duplicates import duplicate_review
from projects.models import DuplicateFlag, DuplicateStatus, Project
from projects.services import project_save
from projects.stages import Stage
from tests.factories import EnterpriseFactory, ProjectFactory, SigningEventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    investor = EnterpriseFactory(name="海测集团")
    first = SigningEventFactory(name="2025年大会", held_on=datetime.date(2025, 2, 10))
    later = SigningEventFactory(name="2026年大会", held_on=datetime.date(2026, 2, 10))
    original = ProjectFactory(name="海测集团新材料产业合作项目", investors=[investor], signing_event=first,
                              signed_on=datetime.date(2025, 2, 10), total_investment=Decimal("50000"))
    return {"investor": investor, "first": first, "later": later, "original": original}


def announce(name, *, investors, event, amount=None):
    project = Project(name=name, stage=Stage.SIGNED, signed_on=event.held_on, signing_event=event,
                      total_investment=amount, is_published=True)
    return project_save(project=project, investors=investors)


def test_same_investor_and_similar_name_at_a_later_conference_is_flagged(setting):
    again = announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"])
    flag = DuplicateFlag.objects.get()
    assert (flag.project, flag.original, flag.status) == (again, setting["original"], DuplicateStatus.PENDING)
    assert "名称相近" in flag.reason


def test_similar_amount_flags_too_but_another_investor_or_a_different_project_does_not(setting):
    announce("海测集团氢能装备", investors=[setting["investor"]], event=setting["later"], amount=Decimal("51000"))
    assert "投资额相近" in DuplicateFlag.objects.get().reason
    announce("海测集团新材料产业合作项目二", investors=[EnterpriseFactory()], event=setting["later"])
    announce("海测集团文旅综合体", investors=[setting["investor"]], event=setting["later"], amount=Decimal("9000"))
    assert DuplicateFlag.objects.count() == 1


def test_confirmed_duplicate_counts_once_in_headline_totals(setting):
    again = announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"],
                     amount=Decimal("50000"))
    assert yardsticks.yardsticks(year=2026).signed == 1
    reviewer = UserFactory(is_staff=True, is_superuser=True)
    duplicate_review(flag=DuplicateFlag.objects.get(project=again), user=reviewer, confirm=True, note="同一项目再次签约")
    assert yardsticks.yardsticks(year=2026).signed == 0
    assert yardsticks.yardsticks(year=2026, queryset=Project.objects.all()).signed_investment_wan is None
    assert yardsticks.headline_figures().signed_total == 1  # the public home page counts it once too.
    assert yardsticks.yardsticks(year=2025).signed == 1


def test_confirmed_duplicate_leaves_the_later_conference_recorded_figures(setting, client):
    """The later conference's "recorded" count and amount (API, admin, public page) count it no more."""
    from projects.models import SigningEvent

    again = announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"],
                     amount=Decimal("50000"))
    announce("海测集团文旅综合体", investors=[EnterpriseFactory()], event=setting["later"], amount=Decimal("9000"))

    def recorded(*, public_only):
        event = SigningEvent.objects.with_recorded_figures(public_only=public_only).get(pk=setting["later"].pk)
        return event.recorded_project_count, event.recorded_total_investment

    assert recorded(public_only=True) == recorded(public_only=False) == (2, Decimal("59000"))
    reviewer = UserFactory(is_staff=True, is_superuser=True)
    duplicate_review(flag=DuplicateFlag.objects.get(project=again), user=reviewer, confirm=True, note="同一项目再次签约")
    assert recorded(public_only=True) == recorded(public_only=False) == (1, Decimal("9000"))
    first = SigningEvent.objects.with_recorded_figures(public_only=True).get(pk=setting["first"].pk)
    assert (first.recorded_project_count, first.recorded_total_investment) == (1, Decimal("50000"))
    api = client.get(f"/api/v1/events/{setting['later'].slug}/").json()
    assert (api["recorded_project_count"], api["recorded_total_investment"]) == (1, "9000.00")


def test_dismissed_flag_keeps_both_and_is_not_raised_again(setting):
    again = announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"])
    flag = DuplicateFlag.objects.get()
    duplicate_review(flag=flag, user=None, confirm=False)
    again.summary = "更新摘要"
    project_save(project=again)
    assert DuplicateFlag.objects.get().status == DuplicateStatus.DISMISSED
    assert yardsticks.yardsticks(year=2026).signed == 1


def test_reviewer_without_permission_is_refused(setting):
    announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"])
    with pytest.raises(Exception, match="没有复核"):
        duplicate_review(flag=DuplicateFlag.objects.get(), user=UserFactory(is_staff=True), confirm=True)
    assert DuplicateFlag.objects.get().status == DuplicateStatus.PENDING


def test_admin_reviewer_confirms_from_the_list(admin_client, setting):
    announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"])
    flag = DuplicateFlag.objects.get()
    listing = admin_client.get("/admin/projects/duplicateflag/")
    assert "海测集团新材料产业合作" in listing.content.decode()
    response = admin_client.post("/admin/projects/duplicateflag/", {
        "action": "confirm", "_selected_action": [flag.pk]})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.CONFIRMED and flag.reviewed_by.username == "admin"


def test_an_import_raises_the_flag_too(setting):
    import tablib

    from projects.resources import ProjectResource

    sheet = tablib.Dataset(headers=["项目名称", "投资方", "签约活动", "项目阶段", "签约日期"])
    sheet.append(["海测集团新材料产业合作（二期）", "海测集团", "2026年大会", "已签约", "2026-02-10"])
    result = ProjectResource().import_data(sheet, dry_run=False)
    assert result.totals["new"] == 1, [r.error_dict for r in result.invalid_rows]
    assert DuplicateFlag.objects.get().original == setting["original"]


def test_the_stored_reason_is_in_the_office_language_whoever_raised_it(setting):
    from django.utils import translation

    with translation.override("en"):
        announce("海测集团新材料产业合作", investors=[setting["investor"]], event=setting["later"],
                 amount=Decimal("50000"))
    assert DuplicateFlag.objects.get().reason == "同一投资方，名称相近、投资额相近"
