"""The office's announced figures: kept apart from the ledger's, shown on the home page beside the
ledger's own count of the same thing, each labelled (报道公布 with its source, 本库记录), never summed;
governed like every public model; the report's five figures seeded as the report gives them."""

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from figures.models import AnnouncedFigure, Yardstick
from ledger import workflow
from ledger.models import DatePrecision
from ledger.revisions import pending_revisions
from ledger.writes import record_save
from projects.models import Project
from projects.stages import Stage
from tests.factories import StartedProjectFactory

pytestmark = pytest.mark.django_db

MARKER = "ZQXFIGUREMARKER"


def card(body: str, indicator: str) -> str:
    """The home page's card of one announced figure, as text."""
    for item in re.findall(r'<li class="announced-figure">(.*?)</li>', body, re.S):
        if indicator in item:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
    raise AssertionError(f"no card for {indicator}")


def figure(**fields) -> AnnouncedFigure:
    values = {"indicator": "测试指标", "value": Decimal("10"), "unit": "个", "period_on": datetime.date(2025, 1, 1),
              "period_precision": DatePrecision.YEAR, "source_title": "测试报道", "is_published": True,
              "review_status": "approved", **fields}
    return record_save(record=AnnouncedFigure(**values))


def test_the_home_page_shows_73_announced_beside_the_ledgers_count(client):
    call_command("load_seed", verbosity=0)
    body = client.get("/").content.decode()
    text = card(body, "当年签约当年开工项目")
    assert text.startswith("报道公布 73 个 当年签约当年开工项目 · 2025年 来源： 开局破题“关键一招”引资176.6亿元")
    # The ledger records one of them (疏能新材), beside it and labelled; the two are never one number.
    assert "本库记录 1 个 当年签约当年开工项目数 · 2025年" in text
    assert "74" not in text
    assert 'href="/projects/?year=2025&amp;same_year=true&amp;counted=true"' in body
    # The other figures stand alone: the ledger counts nothing comparable.
    assert card(body, "“335”产业体系产值").startswith("报道公布 超过 3300 亿元")
    assert "本库记录" not in card(body, "“335”产业体系产值")
    for value, indicator in (("47 %", "高新技术产业增加值占GDP比重"), ("5.3 %", "GDP增长"), ("5 年", "连续获评全国工业百强区")):
        assert card(body, indicator).startswith(f"报道公布 {value} {indicator}")


def test_the_recorded_side_follows_the_ledger_and_the_announced_side_does_not(
    client, django_capture_on_commit_callbacks
):
    announced = figure(indicator="测试当年开工", value=Decimal("73"), yardstick=Yardstick.SAME_YEAR)
    assert "本库记录 0 个" in card(client.get("/").content.decode(), "测试当年开工")
    with django_capture_on_commit_callbacks(execute=True):  # the public data version moves on commit
        project = StartedProjectFactory(signed_on=datetime.date(2025, 3, 1), started_on=datetime.date(2025, 6, 1),
                                        registered_on=None)
    assert "本库记录 1 个" in card(client.get("/").content.decode(), "测试当年开工")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(record=project, user=None)
    text = card(client.get("/").content.decode(), "测试当年开工")
    assert "报道公布 73 个" in text and "本库记录 0 个" in text
    assert AnnouncedFigure.objects.get(pk=announced.pk).value == Decimal("73")
    assert Project.objects.filter(stage=Stage.STARTED).count() == 1


def test_a_source_link_is_a_link_and_english_labels_both_sides(client):
    figure(indicator="测试链接指标", indicator_en="Linked figure", source_url="https://example.org/report",
           yardstick=Yardstick.SIGNED)
    body = client.get("/").content.decode()
    assert '<a href="https://example.org/report" rel="external">测试报道</a>' in body
    english = client.get("/en/").content.decode()
    text = card(english, "Linked figure")
    assert text.startswith("Announced 10") and "Recorded here 0" in text


def test_unpublished_figures_and_staff_notes_never_reach_the_public(client):
    figure(indicator="公开的指标", staff_note=f"{MARKER}备注", review_comment=f"{MARKER}意见")
    figure(indicator=f"{MARKER}未发布指标", is_published=False, review_status="draft")
    for url in ("/", "/en/", "/sitemap.xml", "/api/v1/projects/"):
        assert MARKER not in client.get(url).content.decode(), url
    assert "公开的指标" in client.get("/").content.decode()


def test_a_change_to_a_published_figure_waits_for_a_reviewer(
    client, administrator, reviewer, django_capture_on_commit_callbacks
):
    shown = figure(indicator="待审指标", value=Decimal("47"))
    shown.value = Decimal("48")
    with django_capture_on_commit_callbacks(execute=True):
        record_save(record=shown, user=administrator, expected_version=shown.version)
    assert "报道公布 47 个" in card(client.get("/").content.decode(), "待审指标")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_approve(revision=pending_revisions(shown).get(), user=reviewer)
    assert "报道公布 48 个" in card(client.get("/").content.decode(), "待审指标")


def test_a_yardstick_needs_a_period_of_a_year():
    with pytest.raises(ValidationError) as refused:
        figure(period_on=datetime.date(2025, 3, 1), period_precision=DatePrecision.MONTH, yardstick=Yardstick.SIGNED)
    assert "yardstick" in refused.value.message_dict


def test_the_seed_holds_the_reports_figures_as_it_gives_them():
    call_command("load_seed", verbosity=0)
    rows = {f.slug: (f.value, f.comparison, f.unit, f.period_display, f.source_url, f.source_published_display)
            for f in AnnouncedFigure.objects.all()}
    assert rows == {
        "same-year-signed-and-started-2025": (Decimal("73"), "equal", "个", "2025年", "", "2026年"),
        "system-335-output-2025": (Decimal("3300"), "over", "亿元", "2025年", "", "2026年"),
        "high-tech-value-added-share-2025": (Decimal("47"), "equal", "%", "2025年", "", "2026年"),
        "gdp-growth-2025": (Decimal("5.3"), "equal", "%", "2025年", "", "2026年"),
        "top-100-industrial-district-2025": (Decimal("5"), "equal", "年", "2025年", "", "2026年"),
    }
    call_command("load_seed", verbosity=0)
    assert AnnouncedFigure.objects.count() == 5
    path = os.environ.get("QINGSHAN_SOURCE_REPORT")
    if path:  # each figure's sentence and the source's title are the report's own words
        text = Path(path).read_text(encoding="utf-8")
        for quote, title in AnnouncedFigure.objects.values_list("quote", "source_title"):
            assert quote in text and title.replace(" ", "") in text.replace(" ", "").replace("\n", "")
