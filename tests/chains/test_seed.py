"""The chains the source report names, no more: only the links it states, an empty link where it names
a need but no enterprise, no 链主/链核 (it names none), and running the loader twice changes nothing."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from chains.models import Chain, ChainNode
from chains.seed import CHAINS

pytestmark = pytest.mark.django_db

REPORT_VARIABLE = "QINGSHAN_SOURCE_REPORT"


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


def attached(slug: str) -> tuple[set[str], set[str]]:
    node = ChainNode.objects.get(slug=slug)
    return set(node.enterprises.values_list("name", flat=True)), set(node.projects.values_list("name", flat=True))


def test_the_silicon_steel_supply_chain_holds_what_the_report_says(seeded, client):
    assert attached("steel-chain-silicon-steel") == (
        {"宝钢国际", "海创机械"}, {"宝钢国际硅钢供应链项目", "海创机械硅钢供应链项目"})
    assert attached("petrochemical-chain-downstream") == (
        {"胜华新能源", "和远气体", "武汉有机"}, {"胜华新能源项目", "和远气体项目", "武汉有机光催化氧化项目"})
    chain = Chain.objects.get(slug="steel-chain")
    assert set(chain.sectors.values_list("slug", flat=True)) == {"steel", "silicon-steel"}
    body = client.get(chain.get_absolute_url()).content.decode()
    assert "宝钢国际硅钢供应链项目" in body and "电机装备" in body


def test_needs_the_report_names_without_an_enterprise_are_missing_links(seeded):
    missing = ChainNode.objects.with_counts(public_only=True).missing()
    assert sorted(missing.values_list("chain__slug", "name")) == [
        ("new-energy-vehicle-chain", "钢铁、化工新材料等配套"),
        ("optoelectronics-chain", "钢铁、化工新材料等配套"),
        ("petrochemical-chain", "芳烃"),
        ("steel-chain", "电机装备"),
    ]


def test_no_chain_role_is_invented(seeded):
    assert not Chain.objects.filter(leaders__isnull=False).exists()
    assert not Chain.objects.filter(cores__isnull=False).exists()
    assert Chain.objects.filter(is_published=True).count() == len(CHAINS) == 4


def test_running_twice_changes_nothing_and_keeps_a_staff_edit(seeded):
    ChainNode.objects.filter(slug="steel-chain-motor-equipment").update(description="工作人员修改")
    before = {node.slug: (node.version, node.updated_at) for node in ChainNode.objects.all()}
    call_command("load_seed", verbosity=0)
    after = {node.slug: (node.version, node.updated_at) for node in ChainNode.objects.all()}
    assert before == after
    assert ChainNode.objects.get(slug="steel-chain-motor-equipment").description == "工作人员修改"


def test_every_seeded_name_and_phrase_appears_in_the_report(seeded):
    """Guards against invented links: each link's name, each enterprise and each quoted phrase is the report's."""
    path = os.environ.get(REPORT_VARIABLE)
    if not path:
        pytest.skip(f"set {REPORT_VARIABLE} to the source report's text file to run this check")
    text = Path(path).read_text(encoding="utf-8").replace("\n", "")
    for node in ChainNode.objects.prefetch_related("enterprises"):
        for part in node.name.split("、"):
            assert part.removesuffix("等配套") in text, node.name
        for enterprise in node.enterprises.all():
            assert enterprise.name in text, enterprise.name
        quoted = node.staff_note.split("报道原文：", 1)[-1].split("报道未", 1)[0].rstrip("。")
        assert quoted and quoted in text, quoted
