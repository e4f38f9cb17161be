"""
The industrial chains the source report names, as data: only the links it states.

- 钢铁 "聚焦硅钢供应链，引进宝钢国际、海创机械等关键项目"; the district "紧盯武钢有限…转型升级发展需求，
  大力延伸下游产业链，精准招引电机装备…等高附加值项目" (电机装备 is named as a need; no enterprise: empty).
- 石化 "瞄准环氧乙烷、芳烃等下游及新材料应用，引进胜华新能源、和远气体等高附加值项目，武汉有机项目采用全球首创
  光催化氧化技术"; the district's need "精准招引…芳烃等高附加值项目" (no enterprise named: empty).
- "把握“光芯屏端网”“新能源与智能网联汽车”等产业发展趋势，摸清长江存储、东风汽车等龙头企业产业链供应链关键需求，
  特别是涉钢铁、涉化工新材料等领域重大需求，精准招引“链核”企业向化工园区聚集": each chain with its 龙头企业
  and the supplier need the report names (no enterprise: empty).

The report names no 链主 or 链核 of any chain, so none is recorded; it gives no segment for the
silicon-steel supply chain beyond its being part of 钢铁 (placed midstream, between 钢铁 and the
downstream 电机装备 the district seeks). The phrase each record rests on is in its staff note.
Like the other loaders it only creates what is missing (the enterprises 长江存储 and 东风汽车 too),
so running it twice changes nothing and never overwrites a staff edit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from projects.models import Enterprise, Project, Sector
from projects.seed import SeedReport, record_get_or_create

from .models import Chain, ChainNode, Segment

STEEL_NEED = "紧盯武钢有限、中韩石化转型升级发展需求，大力延伸下游产业链，精准招引电机装备、芳烃等高附加值项目。"
PETROCHEMICAL_AIM = ("石化产业瞄准环氧乙烷、芳烃等下游及新材料应用，引进胜华新能源、和远气体等高附加值项目，"
                     "武汉有机项目采用全球首创光催化氧化技术。")
LEADING_NEEDS = ("把握“光芯屏端网”“新能源与智能网联汽车”等产业发展趋势，摸清长江存储、东风汽车等龙头企业产业链供应链"
                 "关键需求，特别是涉钢铁、涉化工新材料等领域重大需求，精准招引“链核”企业向化工园区聚集。")

# Enterprises the chains name that the projects' seed does not: slug, name, name_en, description.
ENTERPRISES = [
    ("yangtze-memory", "长江存储", "Yangtze Memory", "龙头企业。"),
    ("dongfeng-motor", "东风汽车", "Dongfeng Motor", "龙头企业。"),
]


@dataclass
class NodeFact:
    slug: str
    segment: str
    name: str
    name_en: str
    description: str
    enterprises: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    staff_note: str = ""


@dataclass
class ChainFact:
    slug: str
    name: str
    name_en: str
    sectors: tuple[str, ...]
    summary: str
    nodes: list[NodeFact] = field(default_factory=list)
    staff_note: str = ""


CHAINS = [
    ChainFact(
        "steel-chain", "钢铁产业链", "Steel industry chain", ("steel", "silicon-steel"),
        "钢铁产业聚焦硅钢供应链；紧盯武钢有限转型升级发展需求，延伸下游产业链。",
        nodes=[
            NodeFact("steel-chain-steel", Segment.MIDSTREAM, "钢铁", "Steel", "驻区龙头企业武钢有限。",
                     enterprises=("wisco",), staff_note=STEEL_NEED),
            NodeFact("steel-chain-silicon-steel", Segment.MIDSTREAM, "硅钢供应链", "Silicon-steel supply chain",
                     "钢铁产业聚焦硅钢供应链，引进宝钢国际、海创机械等关键项目。",
                     enterprises=("baosteel-international", "haichuang-machinery"),
                     projects=("baosteel-international-silicon-steel", "haichuang-machinery-silicon-steel"),
                     staff_note="报道原文：钢铁产业聚焦硅钢供应链，引进宝钢国际、海创机械等关键项目。"
                                "报道未说明其在链中的上下游位置，按钢铁产品列为中游。"),
            NodeFact("steel-chain-motor-equipment", Segment.DOWNSTREAM, "电机装备", "Motor equipment",
                     "延伸下游产业链，精准招引电机装备等高附加值项目。",
                     staff_note=f"报道原文：{STEEL_NEED}报道未点名已落户的企业。"),
        ],
        staff_note=STEEL_NEED,
    ),
    ChainFact(
        "petrochemical-chain", "石化产业链", "Petrochemical industry chain", ("petrochemicals",),
        "石化产业瞄准环氧乙烷、芳烃等下游及新材料应用；紧盯中韩石化转型升级发展需求，延伸下游产业链。",
        nodes=[
            NodeFact("petrochemical-chain-petrochemicals", Segment.MIDSTREAM, "石化", "Petrochemicals",
                     "驻区龙头企业中韩石化。", enterprises=("zhonghan-petrochemical",), staff_note=STEEL_NEED),
            NodeFact("petrochemical-chain-downstream", Segment.DOWNSTREAM, "下游及新材料应用",
                     "Downstream products and new-materials applications", PETROCHEMICAL_AIM,
                     enterprises=("shenghua-new-energy", "heyuan-gas", "wuhan-youji"),
                     projects=("shenghua-new-energy", "heyuan-gas", "wuhan-youji-photocatalytic-oxidation"),
                     staff_note=f"报道原文：{PETROCHEMICAL_AIM}"),
            NodeFact("petrochemical-chain-aromatics", Segment.DOWNSTREAM, "芳烃", "Aromatics",
                     "延伸下游产业链，精准招引芳烃等高附加值项目。",
                     staff_note=f"报道原文：{STEEL_NEED}报道未点名已落户的企业。"),
        ],
        staff_note=STEEL_NEED,
    ),
    ChainFact(
        "optoelectronics-chain", "光芯屏端网产业链", "Optoelectronics, chips, displays, terminals and networks chain",
        ("steel", "chemical-new-materials"),
        "摸清长江存储等龙头企业产业链供应链关键需求，特别是涉钢铁、涉化工新材料等领域重大需求。",
        nodes=[
            NodeFact("optoelectronics-chain-supply", Segment.UPSTREAM, "钢铁、化工新材料等配套",
                     "Steel, chemical new materials and other supplies",
                     "精准招引“链核”企业向化工园区聚集，服务存量企业增资扩产，推动产业链关键环节就近布局、高效配套。",
                     staff_note=f"报道原文：{LEADING_NEEDS}报道未点名已落户的企业。"),
            NodeFact("optoelectronics-chain-leading", Segment.MIDSTREAM, "龙头企业", "Leading enterprise",
                     "龙头企业长江存储。", enterprises=("yangtze-memory",), staff_note=f"报道原文：{LEADING_NEEDS}"),
        ],
        staff_note=LEADING_NEEDS,
    ),
    ChainFact(
        "new-energy-vehicle-chain", "新能源与智能网联汽车产业链", "New-energy and intelligent connected vehicle chain",
        ("steel", "chemical-new-materials"),
        "摸清东风汽车等龙头企业产业链供应链关键需求，特别是涉钢铁、涉化工新材料等领域重大需求。",
        nodes=[
            NodeFact("new-energy-vehicle-chain-supply", Segment.UPSTREAM, "钢铁、化工新材料等配套",
                     "Steel, chemical new materials and other supplies",
                     "精准招引“链核”企业向化工园区聚集，服务存量企业增资扩产，推动产业链关键环节就近布局、高效配套。",
                     staff_note=f"报道原文：{LEADING_NEEDS}报道未点名已落户的企业。"),
            NodeFact("new-energy-vehicle-chain-leading", Segment.MIDSTREAM, "龙头企业", "Leading enterprise",
                     "龙头企业东风汽车。", enterprises=("dongfeng-motor",), staff_note=f"报道原文：{LEADING_NEEDS}"),
        ],
        staff_note=LEADING_NEEDS,
    ),
]


@transaction.atomic
def seed_load(*, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Create the report's chains and links that are missing; touch nothing that exists."""
    report = SeedReport()
    step = progress or (lambda label: None)
    published = {"is_published": True, "review_status": "approved"}
    step("chains")
    for slug, name, name_en, description in ENTERPRISES:
        record_get_or_create(Enterprise, slug, {"name": name, "name_en": name_en, "description": description,
                                                **published}, report)
    slugs = {s for chain in CHAINS for node in chain.nodes for s in node.enterprises}
    enterprises = Enterprise.objects.in_bulk(slugs, field_name="slug")
    projects = Project.objects.in_bulk({s for chain in CHAINS for node in chain.nodes for s in node.projects},
                                       field_name="slug")
    sectors = Sector.objects.in_bulk({s for chain in CHAINS for s in chain.sectors}, field_name="slug")
    for position, fact in enumerate(CHAINS):
        chain, _created = record_get_or_create(Chain, fact.slug, {
            "name": fact.name, "name_en": fact.name_en, "position": position, "summary": fact.summary,
            "staff_note": fact.staff_note, **published,
        }, report, m2m={"sectors": [sectors[s] for s in fact.sectors]})
        for node_position, node in enumerate(fact.nodes):
            record_get_or_create(ChainNode, node.slug, {
                "chain": chain, "segment": node.segment, "position": node_position, "name": node.name,
                "name_en": node.name_en, "description": node.description, "staff_note": node.staff_note,
                **published,
            }, report, m2m={"enterprises": [enterprises[s] for s in node.enterprises],
                            "projects": [projects[s] for s in node.projects]})
    return report
