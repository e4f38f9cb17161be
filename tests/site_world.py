"""A small published world for the public-site tests: every public page has something to show."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ambassadors.models import Ambassador, Cohort, Lead, LeadStatus
from projects.models import (
    DatePrecision,
    Enterprise,
    Honour,
    Project,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SectorTier,
    SigningEvent,
)
from projects.stages import Stage
from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    HonourFactory,
    LeadFactory,
    ProjectFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
)


@dataclass
class World:
    parent_sector: Sector
    child_sector: Sector
    other_sector: Sector
    honour: Honour
    investor: Enterprise
    event: SigningEvent
    zone: RenewalZone
    institute: ResearchInstitute
    started: Project
    signed: Project
    cohort: Cohort
    ambassador: Ambassador
    lead: Lead


def build_world() -> World:
    """Two published projects (one started the year it was signed), with every relation published."""
    parent_sector = SectorFactory(name="测试新材料", name_en="Test new materials", slug="test-new-materials",
                                  tier=SectorTier.EMERGING)
    child_sector = SectorFactory(name="测试碳纤维", slug="test-carbon-fibre", parent=parent_sector)
    other_sector = SectorFactory(name="测试数字信息", slug="test-digital")
    honour = HonourFactory(name="测试世界500强", name_en="Test Global 500", slug="fortune-global-500")
    investor = EnterpriseFactory(name="测试海亮集团", name_en="Test Hailiang Group")
    investor.honours.add(honour)
    event = SigningEventFactory(
        name="测试招商引资大会", name_en="Test Investment Conference", slug="test-conference",
        announced_project_count=16, announced_total_investment=Decimal("1766000"),
    )
    zone = RenewalZoneFactory(name="测试新材料产业园", slug="test-park")
    institute = ResearchInstituteFactory(
        name="测试高分子研究院", slug="test-polymer-institute", zone=zone,
        founded_on=datetime.date(2026, 1, 1), founded_on_precision=DatePrecision.YEAR,
    )
    started = ProjectFactory(
        name="测试碳纤维生产基地项目", name_en="Test carbon-fibre base", slug="test-carbon-base",
        summary="填补华中地区测试空白", sector=child_sector, signing_event=event, zone=zone,
        stage=Stage.STARTED, signed_on=datetime.date(2025, 3, 1), signed_on_precision=DatePrecision.MONTH,
        started_on=datetime.date(2025, 6, 1), started_on_precision=DatePrecision.YEAR,
        total_investment=Decimal("300000"), investors=[investor], published_at=datetime.datetime(2026, 2, 11, tzinfo=datetime.UTC),
    )
    started.institutes.add(institute)
    signed = ProjectFactory(
        name="测试数据标注总部项目", slug="test-data-hq", sector=other_sector, signing_event=event,
        is_headquarters=True, signed_on=datetime.date(2026, 2, 10), total_investment=None,
        published_at=datetime.datetime(2026, 2, 12, tzinfo=datetime.UTC),
    )
    cohort = CohortFactory(name="测试2026年招商大使", slug="test-cohort-2026", year=2026, announced_size=15)
    ambassador = AmbassadorFactory(name="测试大使甲", slug="test-ambassador-a", cohort=cohort,
                                   title="测试副总经理", bio="测试公开简介")
    lead = LeadFactory(ambassador=ambassador, target_name="测试洛阳企业", status=LeadStatus.SIGNED, project=started)
    return World(parent_sector, child_sector, other_sector, honour, investor, event, zone, institute, started,
                 signed, cohort, ambassador, lead)
