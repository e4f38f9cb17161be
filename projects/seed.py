"""
The facts of the source report (the news report of the 2026 Qingshan investment conference), as data.

Only what the report says is recorded. Where it gives no figure or date, the field stays empty;
where it gives only a year ("2025年…引进"), the date is stored as 1 January with YEAR precision
so that pages show "2025年" and nothing more precise. Every record carries the phrase of the
report it rests on in ``SOURCE`` notes for staff.

Loading goes through the same services as the admin (stage table, milestones). It only creates
what is missing, so running it twice changes nothing and never overwrites a later staff edit.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction

from ledger.writes import record_save
from projects.models import (
    BuildStatus,
    DatePrecision,
    Enterprise,
    EnterpriseKind,
    Honour,
    InstituteKind,
    Project,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SectorTier,
    SigningEvent,
    ZoneKind,
)
from projects.services import project_save
from projects.stages import Stage

YEAR_2025 = datetime.date(2025, 1, 1)
YEAR_2026 = datetime.date(2026, 1, 1)
CONFERENCE_DAY = datetime.date(2026, 2, 10)
CONFERENCE_SLUG = "qingshan-2026-investment-conference"

HONOURS = [
    # slug, name, name_en
    ("fortune-global-500", "世界500强", "Fortune Global 500"),
    ("chain-leader", "链主", "Chain leader"),
    ("chain-core", "链核", "Chain core"),
    ("hidden-champion", "隐形冠军", "Hidden champion"),
    ("gazelle", "瞪羚", "Gazelle"),
    ("unicorn", "独角兽", "Unicorn"),
    ("listed", "上市", "Listed"),
]

# The "335" industrial system: slug, name, name_en, tier, parent slug, description.
SECTORS = [
    ("steel", "钢铁", "Steel", SectorTier.PILLAR, None, "主导产业。"),
    ("silicon-steel", "硅钢供应链", "Silicon-steel supply chain", SectorTier.PILLAR, "steel",
     "钢铁产业聚焦硅钢供应链。"),
    ("petrochemicals", "石化", "Petrochemicals", SectorTier.PILLAR, None,
     "主导产业。瞄准环氧乙烷、芳烃等下游及新材料应用。"),
    ("smart-construction", "智能建造", "Smart construction", SectorTier.PILLAR, None, "主导产业。"),
    ("digital-intelligence", "数智", "Digital intelligence", SectorTier.FEATURED, None,
     "特色产业。聚焦算力芯片、数据标注等领域。"),
    ("computing-chips", "算力芯片", "Computing chips", SectorTier.FEATURED, "digital-intelligence", ""),
    ("data-labelling", "数据标注", "Data labelling", SectorTier.FEATURED, "digital-intelligence", ""),
    ("culture-tourism", "文旅", "Culture and tourism", SectorTier.FEATURED, None,
     "特色产业。融入武汉“两江四岸”发展布局；2025年成功引进汉马终点落户青山江滩，"
     "推进知音号停靠文脉码头、沙排馆改造等项目。"),
    ("hydrogen", "氢能", "Hydrogen", SectorTier.EMERGING, None, "新兴产业。"),
    ("new-materials", "新材料", "New materials", SectorTier.EMERGING, None, "新兴产业。"),
    ("biomedicine", "生物医药", "Biomedicine", SectorTier.EMERGING, None, "战略性新兴产业。"),
    ("chemical-new-materials", "化工新材料", "Chemical new materials", SectorTier.EMERGING, None, ""),
    ("smart-manufacturing", "智能制造", "Smart manufacturing", SectorTier.EMERGING, None, ""),
    ("green-low-carbon", "绿色低碳", "Green and low-carbon", SectorTier.EMERGING, None, ""),
    ("park-development", "园区开发", "Park development", SectorTier.EMERGING, None, ""),
    ("digital-information", "数字信息", "Digital information", SectorTier.EMERGING, None, ""),
]


@dataclass
class EnterpriseFact:
    slug: str
    name: str
    name_en: str = ""
    short_name: str = ""
    province: str = ""
    city: str = ""
    kind: str = ""
    honours: tuple[str, ...] = ()
    parent: str | None = None
    description: str = ""


ENTERPRISES = [
    EnterpriseFact("hailiang-group", "海亮集团", "Hailiang Group", province="浙江",
                   honours=("fortune-global-500",), description="来自浙江的世界500强企业。"),
    EnterpriseFact("conba-group", "康恩贝集团", "Conba Group", short_name="康恩贝", province="浙江", city="杭州",
                   description="来自浙江杭州，产业涵盖医药生物、废弃物循环利用及资源再生、现代农业等。"),
    EnterpriseFact("shuneng-new-materials", "疏能新材", "Shuneng New Materials"),
    EnterpriseFact("jishu-technology", "际数科技", "Jishu Technology"),
    EnterpriseFact("baosteel-international", "宝钢国际", "Baosteel International"),
    EnterpriseFact("haichuang-machinery", "海创机械", "Haichuang Machinery"),
    EnterpriseFact("shenghua-new-energy", "胜华新能源", "Shenghua New Energy"),
    EnterpriseFact("heyuan-gas", "和远气体", "Heyuan Gas"),
    EnterpriseFact("wuhan-youji", "武汉有机", "Wuhan Youji"),
    EnterpriseFact("cncec-sixth", "中化六建", "CNCEC Sixth Construction"),
    EnterpriseFact("sinomach", "国机集团", "Sinomach", kind=EnterpriseKind.CENTRAL_SOE,
                   honours=("fortune-global-500",), description="世界500强企业。"),
    EnterpriseFact("sumec", "苏美达股份", "SUMEC", short_name="苏美达", parent="sinomach",
                   description="国机集团旗下企业。"),
    EnterpriseFact("cuec", "中国联合工程有限公司", "China United Engineering Corporation",
                   short_name="中国联合工程", kind=EnterpriseKind.CENTRAL_SOE, parent="sinomach",
                   description="隶属于世界500强企业国机集团的二级央企；2026年成立华中事业部，扎根青山、立足中部。"),
    EnterpriseFact("huanxin-yilian", "寰信驿联", "Huanxin Yilian"),
    EnterpriseFact("wuhan-financial-holdings", "武汉金控集团", "Wuhan Financial Holdings Group"),
    EnterpriseFact("qingling-zhijie", "擎领智界", "Qingling Zhijie", parent="wuhan-financial-holdings",
                   description="武汉金控集团旗下企业。"),
    EnterpriseFact("china-baowu", "中国宝武", "China Baowu"),
    EnterpriseFact("jinggong-technology", "精工科技", "Jinggong Technology"),
    EnterpriseFact("zhonghan-petrochemical", "中韩石化", "Sinopec-SK (Wuhan) Petrochemical",
                   description="驻区龙头企业。"),
    EnterpriseFact("wisco", "武钢有限", "WISCO", description="驻区龙头企业。"),
    EnterpriseFact("china-first-metallurgical", "中国一冶集团有限公司", "China First Metallurgical Group",
                   short_name="中国一冶",
                   description="青山区“战略投资者”和“城市发展合伙人”，专门设立“青山办”，"
                               "率先对青山区新材料产业园等项目作出投资承诺。"),
    EnterpriseFact("luoyang-zhonggui", "洛阳中硅", "Luoyang Zhonggui"),
    EnterpriseFact("mcc-changcheng", "中冶长城", "MCC Changcheng", kind=EnterpriseKind.FINANCIAL,
                   description="金融伙伴。"),
]

ZONES = [
    # slug, name, name_en, kind, positioning, status, description
    ("nanmu", "楠姆片", "Nanmu Area", ZoneKind.RENEWAL_UNIT,
     "生态引领、数字科创赋能、面向未来的全龄友好社区", "",
     "全市33片重点更新单元之一。叠加院士工作站、高校科研机构及优质企业三大核心要素，"
     "将崛起以“五院”为核心的“楠姆科创带”。"),
    ("wugang-beihu", "武钢北湖", "WISCO Beihu Area", ZoneKind.KEY_AREA, "", "",
     "青山区统筹推进开发的五大重点片区之一。"),
    ("qingshan-ancient-town", "青山古镇", "Qingshan Ancient Town", ZoneKind.SMALL_AREA, "", "",
     "加快推动建设的“小而美”片区。"),
    ("new-materials-industrial-park", "新材料产业园", "New Materials Industrial Park", ZoneKind.CARRIER,
     "新材料等战略性新兴产业专业化园区", "", "依托新材料产业园等专业化园区精准发力新材料、氢能、生物医药等战略性新兴产业。"),
    ("chemical-park", "化工园区", "Chemical Industry Park", ZoneKind.CARRIER, "全市唯一合规化工园区", "",
     "精准招引“链核”企业向化工园区聚集。"),
    ("qingshan-digital-valley", "青山数谷", "Qingshan Digital Valley", ZoneKind.CARRIER, "数字经济", "",
     "吸引大批数字经济企业入驻。"),
]

INSTITUTES = [
    # slug, name, name_en, kind, partners, founded (date, precision), focus, zone, address, status, description
    ("wuhan-photochemistry-institute", "武汉光化学技术研究院", "Wuhan Institute of Photochemistry and Technology",
     InstituteKind.INSTITUTE, "", None, "光化学", "nanmu", "", "", "楠姆河畔五大研究院之一。"),
    ("advanced-metallurgy-institute", "先进冶金与智能装备研究院",
     "Institute of Advanced Metallurgy and Intelligent Equipment",
     InstituteKind.INSTITUTE, "", None, "先进冶金、智能装备", "nanmu", "", "", "楠姆河畔五大研究院之一。"),
    ("chemical-new-materials-institute", "化工新材料产业技术研究院",
     "Chemical New Materials Industrial Technology Institute",
     InstituteKind.INSTITUTE, "", None, "化工新材料", "nanmu", "", "", "楠姆河畔五大研究院之一。"),
    ("biomanufacturing-institute", "生物制造产业技术研究院", "Biomanufacturing Industrial Technology Institute",
     InstituteKind.INSTITUTE, "", None, "生物制造", "nanmu", "", "", "楠姆河畔五大研究院之一。"),
    ("advanced-polymer-institute", "武汉先进高分子材料产业技术研究院",
     "Wuhan Advanced Polymer Materials Industrial Technology Institute",
     InstituteKind.INSTITUTE, "华中科技大学化学与化工学院", (YEAR_2026, DatePrecision.YEAR),
     "先进高分子微球\n先进光电功能高分子材料\n先进生物医用高分子材料", "nanmu", "", "",
     "2026年开年，青山区与华中科技大学化学与化工学院签署合作协议共同建设，是楠姆河畔崛起的第五座研究院，"
     "将在核心技术上开展攻关、产业转化。"),
    ("chemical-new-materials-pilot-base", "化工新材料中试验证基地", "Chemical New Materials Pilot Verification Base",
     InstituteKind.PILOT_BASE, "", None, "研发验证—中试放大—产业孵化", None, "化工三路",
     BuildStatus.UNDER_CONSTRUCTION,
     "正加快建设，建成后将成为华中地区首个集“研发验证—中试放大—产业孵化”于一体的化工新材料中试验证基地。"),
]


@dataclass
class ProjectFact:
    slug: str
    name: str
    name_en: str
    investors: tuple[str, ...]
    sector: str | None
    stage: str
    dates: dict[str, tuple[datetime.date, str]] = field(default_factory=dict)
    event: str | None = None
    is_headquarters: bool = False
    address: str = ""
    summary: str = ""
    staff_note: str = ""


def _year(year_date: datetime.date) -> tuple[datetime.date, str]:
    return (year_date, DatePrecision.YEAR)


PROJECTS = [
    ProjectFact("hailiang-industrial-cooperation", "海亮集团产业合作项目", "Hailiang Group industrial cooperation",
                ("hailiang-group",), None, Stage.SIGNED,
                {"signed_on": (CONFERENCE_DAY, DatePrecision.DAY)}, event=CONFERENCE_SLUG,
                summary="来自浙江的世界500强企业海亮集团相关负责人张开富在投资协议上落笔，"
                        "将以更大的力度推进与青山区的现有合作项目，确保各项合作早落地、早见效。"),
    ProjectFact("conba-hazardous-waste-syngas", "康恩贝危废资源化制低废合成气项目",
                "Conba hazardous-waste-to-low-waste-syngas project", ("conba-group",), "green-low-carbon",
                Stage.SIGNED, {"signed_on": (CONFERENCE_DAY, DatePrecision.DAY)}, event=CONFERENCE_SLUG,
                summary="青山区2026年招商引资大会集中签约项目之一。"),
    ProjectFact("shuneng-new-materials", "疏能新材项目", "Shuneng New Materials project",
                ("shuneng-new-materials",), "new-materials", Stage.STARTED,
                {"signed_on": _year(YEAR_2025), "started_on": _year(YEAR_2025)},
                summary="2025年实现当年签约当年开工的73个项目之一。"),
    ProjectFact("jishu-technology-headquarters", "际数科技总部项目", "Jishu Technology headquarters",
                ("jishu-technology",), "digital-intelligence", Stage.REGISTERED,
                {"registered_on": _year(YEAR_2025)}, is_headquarters=True,
                summary="数智产业引进企业，2025年企业总部落户青山。"),
    ProjectFact("baosteel-international-silicon-steel", "宝钢国际硅钢供应链项目",
                "Baosteel International silicon-steel supply chain", ("baosteel-international",), "silicon-steel",
                Stage.SIGNED, {"signed_on": _year(YEAR_2025)}, summary="钢铁产业聚焦硅钢供应链引进的关键项目。"),
    ProjectFact("haichuang-machinery-silicon-steel", "海创机械硅钢供应链项目",
                "Haichuang Machinery silicon-steel supply chain", ("haichuang-machinery",), "silicon-steel",
                Stage.SIGNED, {"signed_on": _year(YEAR_2025)}, summary="钢铁产业聚焦硅钢供应链引进的关键项目。"),
    ProjectFact("shenghua-new-energy", "胜华新能源项目", "Shenghua New Energy project", ("shenghua-new-energy",),
                "petrochemicals", Stage.SIGNED, {"signed_on": _year(YEAR_2025)},
                summary="石化产业瞄准下游及新材料应用引进的高附加值项目。"),
    ProjectFact("heyuan-gas", "和远气体项目", "Heyuan Gas project", ("heyuan-gas",), "petrochemicals",
                Stage.SIGNED, {"signed_on": _year(YEAR_2025)}, summary="石化产业瞄准下游及新材料应用引进的高附加值项目。"),
    ProjectFact("wuhan-youji-photocatalytic-oxidation", "武汉有机光催化氧化项目",
                "Wuhan Youji photocatalytic oxidation project", ("wuhan-youji",), "petrochemicals", Stage.SIGNED,
                {"signed_on": _year(YEAR_2025)}, summary="采用全球首创光催化氧化技术，极具“产学研”转化标杆意义。"),
    ProjectFact("cncec-sixth-second-headquarters", "中化六建第二总部项目", "CNCEC Sixth Construction second headquarters",
                ("cncec-sixth",), "smart-construction", Stage.REGISTERED, {"registered_on": _year(YEAR_2025)},
                is_headquarters=True, summary="智能建造产业依托龙头牵引，推动中化六建第二总部落地。"),
    ProjectFact("sumec-smart-construction", "国机集团苏美达项目", "Sinomach SUMEC project", ("sumec",),
                "smart-construction", Stage.SIGNED, {"signed_on": _year(YEAR_2025)},
                summary="智能建造产业引进国机集团苏美达股份。"),
    ProjectFact("cuec-strategic-cooperation", "中国联合工程战略合作协议", "China United Engineering strategic agreement",
                ("cuec",), "smart-construction", Stage.SIGNED, {"signed_on": _year(YEAR_2025)},
                summary="与中国联合工程签署战略合作协议。"),
    ProjectFact("huanxin-yilian", "寰信驿联项目", "Huanxin Yilian project", ("huanxin-yilian",),
                "digital-intelligence", Stage.SIGNED, {"signed_on": _year(YEAR_2025)},
                summary="数智产业聚焦算力芯片、数据标注等领域引进的企业。"),
    ProjectFact("qingling-zhijie-registration", "擎领智界注册落户", "Qingling Zhijie registration",
                ("qingling-zhijie",), "digital-intelligence", Stage.REGISTERED, {"registered_on": _year(YEAR_2025)},
                summary="吸引武汉金控集团旗下擎领智界注册落户。"),
    ProjectFact("jinggong-carbon-fibre-base", "精工科技高性能碳纤维生产基地", "Jinggong high-performance carbon-fibre base",
                ("jinggong-technology",), "new-materials", Stage.SIGNED, {"signed_on": _year(YEAR_2025)},
                summary="新材料产业重大项目，填补了华中地区碳纤维产业规模化布局空白。"),
    ProjectFact("baowu-hydrogen-plate-plant", "宝武氢能板厂", "Baowu hydrogen plate plant", ("china-baowu",),
                "hydrogen", Stage.NEGOTIATING,
                summary="氢能产业围绕应用场景深度对接中国宝武，共同谋划“氢化长江”战略合作，积极争取宝武氢能板厂落户。"),
    ProjectFact("zhonghan-jet-fuel-hydrogenation", "中韩石化年产120万吨航煤加氢装置",
                "Sinopec-SK 1.2 Mt/yr jet-fuel hydrogenation unit", ("zhonghan-petrochemical",), "petrochemicals",
                Stage.IN_PRODUCTION, {"production_on": _year(YEAR_2026)},
                summary="年产120万吨航煤加氢装置投产。",
                staff_note="报道图片说明原文为“日前投产”，只可确定为2026年初前后；签约、开工日期报道未给出。"),
    ProjectFact("zhiyinhao-wenmai-pier", "知音号停靠文脉码头项目", "Zhiyinhao docking at Wenmai Pier", (),
                "culture-tourism", Stage.NEGOTIATING, address="文脉码头",
                summary="文旅产业融入武汉“两江四岸”发展布局，推进知音号停靠文脉码头。",
                staff_note="报道原文为“推进”，具体阶段与投资方报道未给出，待核实。"),
    ProjectFact("beach-volleyball-hall-renovation", "沙排馆改造项目", "Beach-volleyball hall renovation", (),
                "culture-tourism", Stage.NEGOTIATING,
                summary="滨江文旅品牌建设项目，推进沙排馆改造。",
                staff_note="报道原文为“推进”，具体阶段与投资方报道未给出，待核实。"),
]

ANNOUNCED_TOTAL_WAN = Decimal("1766000.00")  # 176.6 亿元


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, was_created: bool) -> None:
        self.created[label] = self.created.get(label, 0) + int(was_created)

    def merge(self, other: "SeedReport") -> None:
        for label, n in other.created.items():
            self.created[label] = self.created.get(label, 0) + n


def record_get_or_create(
    model: type[models.Model], slug: str, defaults: dict, report: SeedReport, *, m2m: dict | None = None
) -> tuple[models.Model, bool]:
    """The record with ``slug``, or a new one written through the door (a system write, one history
    entry, its many-to-many sets ``m2m`` included)."""
    obj = model.objects.filter(slug=slug).first()
    if obj is not None:
        report.count(model._meta.model_name, False)
        return obj, False
    obj = record_save(record=model(slug=slug, **defaults), m2m=m2m)
    report.count(model._meta.model_name, True)
    return obj, True


@transaction.atomic
def seed_load(*, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Create every record of the report that is missing; touch nothing that exists."""
    report = SeedReport()
    step = progress or (lambda label: None)
    published = {"is_published": True, "review_status": "approved"}

    step("honours")
    honours = {}
    for position, (slug, name, name_en) in enumerate(HONOURS):
        honours[slug], _ = record_get_or_create(Honour, slug, {"name": name, "name_en": name_en, "position": position},
                                          report)

    step("sectors")
    sectors: dict[str, Sector] = {}
    for position, (slug, name, name_en, tier, parent, description) in enumerate(SECTORS):
        sectors[slug], _ = record_get_or_create(Sector, slug, {
            "name": name, "name_en": name_en, "tier": tier, "parent": sectors.get(parent) if parent else None,
            "position": position, "description": description,
        }, report)

    step("enterprises")
    enterprises: dict[str, Enterprise] = {}
    for fact in ENTERPRISES:
        enterprise, created = record_get_or_create(Enterprise, fact.slug, {
            "name": fact.name, "name_en": fact.name_en, "short_name": fact.short_name, "province": fact.province,
            "city": fact.city, "kind": fact.kind, "parent": enterprises.get(fact.parent) if fact.parent else None,
            "description": fact.description, **published,
        }, report, m2m={"honours": [honours[slug] for slug in fact.honours]})
        enterprises[fact.slug] = enterprise

    step("zones")
    zones: dict[str, RenewalZone] = {}
    for slug, name, name_en, kind, positioning, status, description in ZONES:
        zones[slug], _ = record_get_or_create(RenewalZone, slug, {
            "name": name, "name_en": name_en, "kind": kind, "positioning": positioning, "status": status,
            "description": description, **published,
        }, report)

    step("institutes")
    for slug, name, name_en, kind, partners, founded, focus, zone, address, status, description in INSTITUTES:
        founded_on, precision = founded or (None, DatePrecision.DAY)
        record_get_or_create(ResearchInstitute, slug, {
            "name": name, "name_en": name_en, "kind": kind, "partners": partners, "founded_on": founded_on,
            "founded_on_precision": precision, "focus_areas": focus, "zone": zones.get(zone) if zone else None,
            "address": address, "status": status, "description": description, **published,
        }, report)

    step("events")
    event, created = record_get_or_create(SigningEvent, CONFERENCE_SLUG, {
        "name": "青山区2026年招商引资大会", "name_en": "Qingshan District 2026 Investment Promotion Conference",
        "held_on": CONFERENCE_DAY, "place": "", "announced_project_count": 16,
        "announced_total_investment": ANNOUNCED_TOTAL_WAN,
        "summary": "16个产业项目集中签约落户青山区，涵盖化工新材料、智能制造、绿色低碳、园区开发、数字信息等领域，"
                   "总金额176.6亿元。",
        **published,
    }, report, m2m={"sectors": [sectors[s] for s in (
        "chemical-new-materials", "smart-manufacturing", "green-low-carbon", "park-development",
        "digital-information")]})

    step("projects")
    projects: dict[str, Project] = {}
    for fact in PROJECTS:
        existing = Project.objects.filter(slug=fact.slug).first()
        if existing is not None:
            projects[fact.slug] = existing
            report.count("project", False)
            continue
        project = Project(
            slug=fact.slug, name=fact.name, name_en=fact.name_en, stage=fact.stage,
            sector=sectors.get(fact.sector) if fact.sector else None,
            signing_event=event if fact.event == CONFERENCE_SLUG else None,
            is_headquarters=fact.is_headquarters, address=fact.address, summary=fact.summary,
            staff_note=fact.staff_note, **published,
        )
        for date_field, (value, precision) in fact.dates.items():
            setattr(project, date_field, value)
            setattr(project, f"{date_field}_precision", precision)
        project_save(project=project, investors=[enterprises[s] for s in fact.investors],
                     milestone_note="据2026年招商引资大会报道录入")
        projects[fact.slug] = project
        report.count("project", True)

    return report
