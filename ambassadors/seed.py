"""
The ambassadors of the source report: the two cohorts, the two ambassadors it names and their leads.

Run by ``load_seed`` after the projects' facts (``QINGSHAN_SEED_LOADERS``), so the enterprises the
ambassadors work for are there. Like the projects' part it only creates what is missing.
"""

import datetime
from collections.abc import Callable

from django.db import transaction

from projects.models import DatePrecision, Enterprise
from projects.seed import YEAR_2026, SeedReport, record_get_or_create

from .models import Ambassador, Cohort, Lead, LeadStatus
from .services import lead_save

COHORTS = [
    # slug, name, name_en, year, appointed (date, precision), announced size, description
    ("ambassadors-2025", "2025年招商大使", "2025 investment ambassadors", 2025,
     (datetime.date(2025, 2, 1), DatePrecision.MONTH), 12,
     "2025年2月，青山区创新聘请12家驻区重点企业负责人为招商大使，激发“链主”效应。"),
    ("ambassadors-2026", "2026年招商大使", "2026 investment ambassadors", 2026, (YEAR_2026, DatePrecision.YEAR), 15,
     "2026年青山区再次聘请15位驻区重点企业负责人为招商大使。"),
]

AMBASSADORS = [
    # slug, name, name_en, title, organisation, enterprise, bio
    ("lian-houfang", "连厚舫", "Lian Houfang", "党委副书记", "中国一冶集团有限公司", "china-first-metallurgical",
     "中国一冶集团有限公司党委副书记。公司作为青山区“战略投资者”和“城市发展合伙人”，专门设立“青山办”，"
     "率先对青山区新材料产业园等项目作出投资承诺，推动洛阳中硅等优质产业资源与青山区对接，"
     "促成中冶长城等金融伙伴的实地考察与投资意向。"),
    ("xiang-xiaohong", "向晓红", "Xiang Xiaohong", "华中区域事业部副总经理", "中国联合工程有限公司", "cuec",
     "中国联合工程有限公司华中区域事业部副总经理。公司全面投身青山产业招引工作，针对钢铁、石化产业升级及氢能、"
     "新材料等新兴产业招引，提供项目策划到运营全链条服务。"),
]
AMBASSADOR_STAFF_NOTE = "报道未说明其所属聘任批次。"

LEADS = [
    # ambassador slug, target name, target enterprise slug, status, summary
    ("lian-houfang", "洛阳中硅", "luoyang-zhonggui", LeadStatus.CONTACTED, "推动洛阳中硅等优质产业资源与青山区对接。"),
    ("lian-houfang", "中冶长城", "mcc-changcheng", LeadStatus.INTENTION, "促成中冶长城等金融伙伴的实地考察与投资意向。"),
]



@transaction.atomic
def seed_load(*, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Create the report's cohorts, ambassadors and leads that are missing; touch nothing that exists."""
    report = SeedReport()
    step = progress or (lambda label: None)
    published = {"is_published": True, "review_status": "approved"}
    step("ambassadors")
    slugs = {enterprise for *_, enterprise, _bio in AMBASSADORS} | {target for _a, _n, target, _s, _m in LEADS}
    enterprises = Enterprise.objects.in_bulk(slugs, field_name="slug")
    for slug, name, name_en, year, (appointed_on, precision), size, description in COHORTS:
        record_get_or_create(Cohort, slug, {
            "name": name, "name_en": name_en, "year": year, "appointed_on": appointed_on,
            "appointed_on_precision": precision, "announced_size": size, "description": description, **published,
        }, report)
    ambassadors: dict[str, Ambassador] = {}
    for slug, name, name_en, title, organisation, enterprise, bio in AMBASSADORS:
        ambassadors[slug], _ = record_get_or_create(Ambassador, slug, {
            "name": name, "name_en": name_en, "title": title, "organisation": organisation, "enterprise": enterprises[enterprise],
            "bio": bio, "staff_note": AMBASSADOR_STAFF_NOTE, **published,
        }, report)
    for ambassador, target_name, target, status, summary in LEADS:
        exists = Lead.objects.filter(ambassador=ambassadors[ambassador], target_name=target_name).exists()
        if not exists:
            lead_save(lead=Lead(ambassador=ambassadors[ambassador], target_name=target_name,
                                target_enterprise=enterprises[target], status=status, summary=summary,
                                is_published=True))
        report.count("lead", not exists)
    return report
