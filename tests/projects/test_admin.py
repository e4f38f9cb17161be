"""The back office for the project ledger, driven as a superuser through the real admin pages."""

import datetime
from decimal import Decimal

import factory
import pytest

from projects.models import (
    Enterprise,
    Honour,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)
from projects.stages import Stage
from projects.validators import credit_code_check_character
from tests.admin_utils import admin_url, assert_admin_pages_work, form_data, form_errors
from tests.factories import (
    EnterpriseFactory,
    FundsEntryFactory,
    HonourFactory,
    LeadFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    ProjectYearFiguresFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# One bound for every changelist and change page, whatever the number of rows (measured: 9–13).
MAX_QUERIES = 16
# The project's page also reads its funds ledger and yearly figures (two inlines) and sums them
# (the funds in place, verified or not; 亩均效益): four more, however many rows.
PROJECT_CHANGE_MAX_QUERIES = MAX_QUERIES + 4


# --- Every page of every model works ------------------------------------------------------------


def test_sector_pages(admin_client):
    sector = SectorFactory(name="化工新材料（测试）")
    assert_admin_pages_work(
        admin_client, obj=sector, search="新材料",
        add_data={"name": "生物医药（测试）", "tier": "emerging"}, change_data={"position": "3"},
    )
    assert Sector.objects.get(name="生物医药（测试）").slug == "sheng-wu-yi-yao-ce-shi"


def test_honour_pages(admin_client):
    honour = HonourFactory(name="隐形冠军（测试）")
    assert_admin_pages_work(
        admin_client, obj=honour, search="冠军", add_data={"name": "瞪羚企业（测试）"}, change_data={"position": "2"}
    )
    assert Honour.objects.get(name="瞪羚企业（测试）").slug == "deng-ling-qi-ye-ce-shi"


def test_enterprise_pages(admin_client):
    parent = EnterpriseFactory(name="测试控股集团")
    enterprise = EnterpriseFactory(name="浙江测试海亮集团有限公司", parent=parent, short_name="测试海亮")
    enterprise.honours.add(HonourFactory())
    assert_admin_pages_work(
        admin_client, obj=enterprise, search="海亮",
        add_data={"name": "杭州测试康恩贝制药", "parent": str(parent.pk), "kind": "private"},
        change_data={"city": "诸暨"},
    )
    added = Enterprise.objects.get(name="杭州测试康恩贝制药")
    assert added.parent == parent and added.slug.startswith("hang-zhou-ce-shi")


def test_signing_event_pages(admin_client):
    event = SigningEventFactory(name="青山区测试招商引资大会", announced_project_count=16,
                                announced_total_investment=Decimal("1766000"))
    ProjectFactory(signing_event=event, name="大会签约测试项目")
    response = admin_client.get(admin_url(SigningEvent, "changelist"))
    assert "176.6 亿元" in response.content.decode()
    response = admin_client.get(admin_url(SigningEvent, "change", event.pk))
    assert "大会签约测试项目" in response.content.decode()  # the projects inline
    assert_admin_pages_work(
        admin_client, obj=event, search="招商引资",
        add_data={"name": "测试产业推介会", "held_on": "2026-05-01"}, change_data={"place": "青山区会议中心"},
    )


def test_renewal_zone_pages(admin_client):
    zone = RenewalZoneFactory(name="楠姆测试片")
    assert_admin_pages_work(
        admin_client, obj=zone, search="楠姆",
        add_data={"name": "测试古镇片区", "kind": "small_area"}, change_data={"area_km2": "2.500"},
    )


def test_research_institute_pages(admin_client):
    institute = ResearchInstituteFactory(name="测试光化学技术研究院", zone=RenewalZoneFactory())
    assert_admin_pages_work(
        admin_client, obj=institute, search="光化学",
        add_data={"name": "测试高分子材料研究院", "founded_on": "2026-01-15", "founded_on_precision": "month"},
        change_data={"focus_areas": "高分子微球"},
    )


def test_project_pages(admin_client):
    project = ProjectFactory(name="测试集团产业合作项目", investors=[EnterpriseFactory(name="测试海亮集团")])
    LeadFactory(project=project, target_name="测试海亮线索", status="signed")
    assert "测试海亮线索" in admin_client.get(admin_url(Project, "change", project.pk)).content.decode()
    assert_admin_pages_work(
        admin_client, obj=project, search="海亮",  # found through its investor's name
        add_data={"name": "测试危废资源化项目", "stage": Stage.NEGOTIATING, "total_investment": "35000"},
        change_data={"address": "青山区化工三路"},
    )
    added = Project.objects.get(name="测试危废资源化项目")
    assert added.slug == "ce-shi-wei-fei-zi-yuan-hua-xiang-mu"
    assert list(added.milestones.values_list("stage", flat=True)) == [Stage.NEGOTIATING]


def test_project_changelist_shows_amounts_in_yi_and_wan_and_sorts_by_the_decimal(admin_client):
    ProjectFactory(name="大额测试项目", total_investment=Decimal("1200000"), funds_in_place=Decimal("3500"))
    ProjectFactory(name="小额测试项目", total_investment=Decimal("9000"))
    response = admin_client.get(admin_url(Project, "changelist"))
    content = response.content.decode()
    assert "120 亿元" in content and "9,000 万元" in content  # 到位资金 is on the change page, not the list
    # Sort by the total-investment column (ascending): the smaller project comes first.
    column = response.context["cl"].list_display.index("total_investment_display")
    response = admin_client.get(admin_url(Project, "changelist"), {"o": str(column)})
    assert [p.name for p in response.context["cl"].result_list] == ["小额测试项目", "大额测试项目"]


def test_project_filters_by_stage_year_and_sector(admin_client):
    sector = SectorFactory(name="氢能（测试）")
    old = ProjectFactory(name="去年测试项目", signed_on=datetime.date(2025, 6, 1), sector=sector)
    ProjectFactory(name="今年测试项目", signed_on=datetime.date(2026, 2, 10))
    negotiating = ProjectFactory(name="在谈测试项目", stage=Stage.NEGOTIATING, signed_on=None)
    changelist = admin_url(Project, "changelist")
    assert list(admin_client.get(changelist, {"signed_year": "2025"}).context["cl"].result_list) == [old]
    assert list(admin_client.get(changelist, {"sector__id__exact": sector.pk}).context["cl"].result_list) == [old]
    assert list(admin_client.get(changelist, {"stage__exact": "negotiating"}).context["cl"].result_list) == [
        negotiating
    ]


def test_project_milestone_pages_are_a_read_only_timeline_except_the_note(admin_client):
    milestone = ProjectFactory(name="测试节点项目").milestones.get()  # the save logged it
    response = admin_client.get(admin_url(ProjectMilestone, "changelist"), {"q": "节点"})
    assert list(response.context["cl"].result_list) == [milestone]
    assert admin_client.get(admin_url(ProjectMilestone, "add")).status_code == 403
    change = admin_url(ProjectMilestone, "change", milestone.pk)
    data = form_data(admin_client.get(change))
    assert set(data) == {"note"}
    data.update(note="补录：签约仪式现场照片", stage=Stage.TERMINATED)
    assert admin_client.post(change, data).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.note, milestone.stage) == ("补录：签约仪式现场照片", Stage.SIGNED)


# --- Projects are written through the service ---------------------------------------------------


def _project_change_data(admin_client, project, **changes) -> dict:
    data = form_data(admin_client.get(admin_url(Project, "change", project.pk)))
    data.update(changes)
    return data


def test_stage_change_in_the_admin_appends_a_milestone_recorded_by_the_user(admin_client, superuser):
    project = ProjectFactory(stage=Stage.SIGNED)
    data = _project_change_data(
        admin_client, project, stage=Stage.STARTED, started_on="2026-03-01", milestone_note="举行开工仪式"
    )
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 302, form_errors(response)
    assert list(project.milestones.values_list("stage", flat=True)) == [Stage.SIGNED, Stage.STARTED]
    milestone = project.milestones.get(stage=Stage.STARTED)
    assert (milestone.stage, milestone.date, milestone.note, milestone.recorded_by) == (
        Stage.STARTED, datetime.date(2026, 3, 1), "举行开工仪式", superuser
    )
    response = admin_client.get(admin_url(Project, "change", project.pk))
    assert "举行开工仪式" in response.content.decode()  # the read-only timeline inline


def test_project_form_says_which_stages_may_come_next(admin_client):
    project = ProjectFactory(stage=Stage.SIGNED)
    response = admin_client.get(admin_url(Project, "change", project.pk))
    assert "当前为“已签约”，可变更为：已注册落户、已开工、暂缓、终止。" in response.content.decode()


def test_admin_sets_investors_and_institutes_through_the_service(admin_client):
    investors = EnterpriseFactory.create_batch(2)
    institute = ResearchInstituteFactory()
    response = admin_client.get(admin_url(Project, "add"))
    data = form_data(response)
    data.update(
        name="测试碳纤维基地项目", stage=Stage.SIGNED, signed_on="2026-02-10", signed_on_precision="day",
        investors=[str(e.pk) for e in investors], institutes=[str(institute.pk)],
    )
    response = admin_client.post(admin_url(Project, "add"), data)
    assert response.status_code == 302, form_errors(response)
    project = Project.objects.get(name="测试碳纤维基地项目")
    assert set(project.investors.all()) == set(investors)
    assert list(project.institutes.all()) == [institute]
    assert list(project.milestones.values_list("stage", flat=True)) == [Stage.SIGNED]


BAD_PROJECT_INPUT = [
    pytest.param({"total_investment": "-1"}, "total_investment", "总投资不能为负数", id="negative-total"),
    pytest.param({"fixed_asset_investment": "-5"}, "fixed_asset_investment", "固定资产投资不能为负数",
                 id="negative-fixed-assets"),
    pytest.param({"planned_started_on": "2026-02-30"}, "planned_started_on", "输入一个有效的日期",
                 id="impossible-planned-date"),
    pytest.param(
        {"stage": Stage.STARTED, "started_on": "2026-01-01"}, "started_on", "开工日期不能早于签约日期",
        id="dates-out-of-order",
    ),
    pytest.param({"investors": []}, "investors", "必须填写投资方", id="signed-without-investor"),
    pytest.param({"signed_on": ""}, "signed_on", "必须填写签约日期", id="signed-without-date"),
    pytest.param({"stage": Stage.NEGOTIATING}, "stage", "不能从“已签约”直接变为“在谈”", id="illegal-stage-jump"),
    pytest.param({"land_area_mu": "0"}, "land_area_mu", "用地面积必须大于零", id="land-area-zero"),
    pytest.param({"code": "QS-2026-0001"}, "code", "项目编号已被其他项目使用", id="duplicate-code"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_PROJECT_INPUT)
def test_project_form_refuses_bad_input_in_chinese_and_writes_nothing(admin_client, changes, field, message):
    ProjectFactory(code="QS-2026-0001")
    project = ProjectFactory(stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10), total_investment=None)
    before = Project.objects.values().get(pk=project.pk)
    investors_before = set(project.investors.all())
    milestones_before = list(project.milestones.values())
    data = _project_change_data(admin_client, project, **changes)
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any(message in text for text in errors.get(field, [])), errors
    assert message in response.content.decode()
    assert Project.objects.values().get(pk=project.pk) == before
    assert set(project.investors.all()) == investors_before
    assert list(project.milestones.values()) == milestones_before


def test_adding_a_signed_project_without_investor_writes_nothing(admin_client):
    data = form_data(admin_client.get(admin_url(Project, "add")))
    data.update(name="无投资方测试项目", stage=Stage.SIGNED, signed_on="2026-02-10")
    response = admin_client.post(admin_url(Project, "add"), data)
    assert response.status_code == 200
    assert "项目阶段为“已签约”时必须填写投资方。" in form_errors(response)["investors"]
    assert not Project.objects.filter(name="无投资方测试项目").exists()
    assert not ProjectMilestone.objects.exists()


def test_staff_without_reviewer_permission_cannot_set_in_production(client):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_project", "change_project"]))
    client.force_login(clerk)
    project = ProjectFactory(stage=Stage.STARTED, started_on=datetime.date(2026, 3, 1))
    data = _project_change_data(client, project, stage=Stage.IN_PRODUCTION, production_on="2026-06-01")
    response = client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    assert "您没有权限将项目设为“已投产”。" in form_errors(response)["stage"]
    project.refresh_from_db()
    assert project.stage == Stage.STARTED


# --- Readable messages for the other models' database rules ---------------------------------------


def test_enterprise_cannot_be_its_own_parent_nor_reuse_a_credit_code(admin_client):
    code = "91330000000000000" + credit_code_check_character("91330000000000000")
    EnterpriseFactory(credit_code=code)
    enterprise = EnterpriseFactory()
    change = admin_url(Enterprise, "change", enterprise.pk)
    data = form_data(admin_client.get(change))
    data.update(parent=str(enterprise.pk), credit_code=code)
    response = admin_client.post(change, data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["parent"] == ["所属集团不能是企业本身。"]
    assert errors["credit_code"] == ["该统一社会信用代码已登记在其他企业名下。"]


def test_sector_tree_cannot_loop(admin_client):
    top = SectorFactory()
    child = SectorFactory(parent=top)
    change = admin_url(Sector, "change", top.pk)
    data = form_data(admin_client.get(change))
    data["parent"] = str(child.pk)
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert form_errors(response)["parent"] == ["上级领域不能是本领域或其下级领域。"]
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.parametrize(
    ("model", "factory", "changes", "field", "message"),
    [
        (SigningEvent, SigningEventFactory, {"announced_total_investment": "-1"}, "announced_total_investment",
         "公布签约总额不能为负数。"),
        (RenewalZone, RenewalZoneFactory, {"area_km2": "0"}, "area_km2", "面积必须大于零；未知时留空。"),
        (Honour, HonourFactory, {"slug": "taken"}, "slug", None),
    ],
)
def test_other_forms_refuse_bad_input_in_chinese(admin_client, model, factory, changes, field, message):
    factory(slug="taken")
    obj = factory()
    change = admin_url(model, "change", obj.pk)
    data = form_data(admin_client.get(change))
    data.update(changes)
    response = admin_client.post(change, data)
    assert response.status_code == 200
    errors = form_errors(response)
    if message:
        assert errors[field] == [message]
    else:
        assert "已存在" in errors[field][0]  # Django's own Chinese message for a unique field


# --- No page runs a query per row ------------------------------------------------------------------


def _projects(n: int) -> None:
    investors = EnterpriseFactory.create_batch(2)
    sector, event, zone = SectorFactory(), SigningEventFactory(), RenewalZoneFactory()
    for project in ProjectFactory.create_batch(n, sector=sector, signing_event=event, zone=zone, investors=investors):
        ProjectMilestoneFactory(project=project, recorded_by=None)


def _enterprises(n: int) -> None:
    honours, parent = HonourFactory.create_batch(2), EnterpriseFactory()
    for enterprise in EnterpriseFactory.create_batch(n, parent=parent):
        enterprise.honours.set(honours)


def _sectors(n: int) -> None:
    SectorFactory.create_batch(n, parent=SectorFactory())


def _honours(n: int) -> None:
    HonourFactory.create_batch(n)


def _events(n: int) -> None:
    sector = SectorFactory()
    for event in SigningEventFactory.create_batch(n):
        event.sectors.add(sector)


def _zones(n: int) -> None:
    RenewalZoneFactory.create_batch(n)


def _institutes(n: int) -> None:
    ResearchInstituteFactory.create_batch(n, zone=RenewalZoneFactory(), founded_on=datetime.date(2025, 1, 1))


def _milestones(n: int) -> None:
    project, user = ProjectFactory(), UserFactory()
    ProjectMilestoneFactory.create_batch(n, project=project, recorded_by=user)


CHANGELISTS = [
    pytest.param(Project, _projects, id="project"),
    pytest.param(Enterprise, _enterprises, id="enterprise"),
    pytest.param(Sector, _sectors, id="sector"),
    pytest.param(Honour, _honours, id="honour"),
    pytest.param(SigningEvent, _events, id="event"),
    pytest.param(RenewalZone, _zones, id="zone"),
    pytest.param(ResearchInstitute, _institutes, id="institute"),
    pytest.param(ProjectMilestone, _milestones, id="milestone"),
]


@pytest.mark.parametrize(("model", "make_rows"), CHANGELISTS)
def test_changelist_runs_the_same_queries_for_1_and_101_rows(
    admin_client, django_assert_max_num_queries, model, make_rows
):
    url = admin_url(model, "changelist")
    make_rows(1)
    admin_client.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(MAX_QUERIES) as one_row:
        assert admin_client.get(url).status_code == 200
    make_rows(100)
    with django_assert_max_num_queries(MAX_QUERIES) as many_rows:
        response = admin_client.get(url)
    assert response.context["cl"].result_count >= 101
    assert len(many_rows.captured_queries) == len(one_row.captured_queries)


def test_project_change_page_query_bound_with_many_investors_and_milestones(admin_client, django_assert_max_num_queries):
    project = ProjectFactory(investors=EnterpriseFactory.create_batch(2))
    project.institutes.add(ResearchInstituteFactory())
    LeadFactory(project=project, status="signed")
    ProjectMilestoneFactory(project=project, recorded_by=UserFactory())
    url = admin_url(Project, "change", project.pk)
    admin_client.get(url)
    with django_assert_max_num_queries(PROJECT_CHANGE_MAX_QUERIES) as few:
        assert admin_client.get(url).status_code == 200
    project.investors.add(*EnterpriseFactory.create_batch(60))
    project.institutes.add(*ResearchInstituteFactory.create_batch(20))
    user = UserFactory()
    ProjectMilestoneFactory.create_batch(100, project=project, recorded_by=user)
    LeadFactory.create_batch(30, project=project, status="signed")
    FundsEntryFactory.create_batch(50, project=project, amount=Decimal("1"))
    ProjectYearFiguresFactory.create_batch(50, project=project, year=factory.Iterator(range(1980, 2030)))
    with django_assert_max_num_queries(PROJECT_CHANGE_MAX_QUERIES) as many:
        response = admin_client.get(url)
    # The signed milestone the save logged, the one recorded by a user and 100 more.
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 102
    assert len(many.captured_queries) == len(few.captured_queries)


def test_event_change_page_query_bound_with_many_projects(admin_client, django_assert_max_num_queries):
    event = SigningEventFactory()
    investors = EnterpriseFactory.create_batch(1)
    ProjectFactory(signing_event=event, investors=investors)
    url = admin_url(SigningEvent, "change", event.pk)
    admin_client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert admin_client.get(url).status_code == 200
    ProjectFactory.create_batch(110, signing_event=event, investors=investors, sector=SectorFactory())
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        response = admin_client.get(url)
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 111
    assert len(many.captured_queries) == len(few.captured_queries)
