"""
The figures the source report announces about the district, as data, each with the sentence it rests on.

"疏能新材等73个项目实现当年签约当年开工，际数科技等企业总部落户，“335”产业体系产值突破3300亿元，高新技术产业
增加值占GDP比重达47%。全年GDP增长5.3%，连续五年获评全国工业百强区。" The sentence names no year: the report
(2026年2月, "今年是“十五五”开局之年") looks back on the year before, 2025, which is the period recorded. The
report's web address and its day of publication are not in the text: the link stays empty and the date
is given to the year (2026). The conference's own figures (16 projects, 176.6 亿元) are the signing
event's, not repeated here. Only what is missing is created.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from ledger.models import DatePrecision
from projects.seed import SeedReport, record_get_or_create

from .models import AnnouncedFigure, Comparison, Yardstick

SOURCE_TITLE = "开局破题“关键一招”引资176.6亿元 青山新型工业化强区建设锻造硬核支撑"
YEAR_2025 = datetime.date(2025, 1, 1)
PERIOD_NOTE = "报道未写明年份：2026年2月的报道回顾上一年，按2025年记录。"

# slug, indicator, indicator_en, value, comparison, unit, unit_en, the report's words, yardstick
FIGURES = [
    ("same-year-signed-and-started-2025", "当年签约当年开工项目", "Projects signed and started in the same year",
     Decimal("73"), Comparison.EQUAL, "个", "projects", "疏能新材等73个项目实现当年签约当年开工", Yardstick.SAME_YEAR),
    ("system-335-output-2025", "“335”产业体系产值", "Output of the \"335\" industrial system",
     Decimal("3300"), Comparison.OVER, "亿元", "hundred million yuan", "“335”产业体系产值突破3300亿元", ""),
    ("high-tech-value-added-share-2025", "高新技术产业增加值占GDP比重", "High-tech industries' share of GDP (value added)",
     Decimal("47"), Comparison.EQUAL, "%", "%", "高新技术产业增加值占GDP比重达47%", ""),
    ("gdp-growth-2025", "GDP增长", "GDP growth", Decimal("5.3"), Comparison.EQUAL, "%", "%", "全年GDP增长5.3%", ""),
    ("top-100-industrial-district-2025", "连续获评全国工业百强区", "Years in a row among China's 100 top industrial districts",
     Decimal("5"), Comparison.EQUAL, "年", "years", "连续五年获评全国工业百强区", ""),
]


@transaction.atomic
def seed_load(*, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Create the report's announced figures that are missing; touch nothing that exists."""
    report = SeedReport()
    (progress or (lambda label: None))("figures")
    for position, (slug, indicator, indicator_en, value, comparison, unit, unit_en, quote, yardstick) in enumerate(
        FIGURES
    ):
        record_get_or_create(AnnouncedFigure, slug, {
            "indicator": indicator, "indicator_en": indicator_en, "value": value, "comparison": comparison,
            "unit": unit, "unit_en": unit_en, "period_on": YEAR_2025, "period_precision": DatePrecision.YEAR,
            "source_title": SOURCE_TITLE, "source_published_on": datetime.date(2026, 1, 1),
            "source_published_on_precision": DatePrecision.YEAR, "quote": quote, "yardstick": yardstick,
            "position": position, "staff_note": PERIOD_NOTE, "is_published": True, "review_status": "approved",
        }, report)
    return report
