"""The public chain pages: the diagram in order, 已补 and 缺失环节, each link opening its records, only
published records and public fields, both languages, bad input answered 400/404, exact query counts."""

import re

import pytest
from django.urls import reverse

from chains.models import Segment
from chains.services import chain_save, node_attach
from ledger import workflow
from projects.stages import Stage
from tests.factories import (
    ChainFactory,
    ChainNodeFactory,
    EnterpriseFactory,
    ProjectFactory,
    SectorFactory,
)
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db

MARKER = "ZQXCHAINMARKER"


def node_box(body: str, anchor: str) -> str:
    """The diagram's box of one link (its anchor) as text."""
    match = re.search(rf'<a class="chain-node[^"]*" href="#{anchor}">(.*?)</a>', body, re.S)
    assert match, f"no box for {anchor}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def node_classes(body: str, anchor: str) -> str:
    return re.search(rf'<a class="(chain-node[^"]*)" href="#{anchor}">', body).group(1)


def test_a_project_attached_to_an_empty_node_flips_it_to_filled(client, reviewer):
    node = ChainNodeFactory(name="电机装备环节")
    project = ProjectFactory(name="测试电机项目")
    url = node.chain.get_absolute_url()

    body = client.get(url).content.decode()
    assert node_box(body, node.anchor) == "电机装备环节 缺失环节"
    assert "is-missing" in node_classes(body, node.anchor)

    node_attach(node=node, user=reviewer, projects=[project], expected_version=node.version)

    body = client.get(url).content.decode()
    assert node_box(body, node.anchor) == "电机装备环节 已补 · 0 家企业 · 1 个项目"
    assert "is-filled" in node_classes(body, node.anchor)
    section = body[body.index(f'id="{node.anchor}"'):]
    assert f'href="{project.get_absolute_url()}"' in section.split("</article>")[0]
    assert "测试电机项目" in section.split("</article>")[0]


def test_the_diagram_runs_upstream_to_downstream_and_each_node_links_to_its_records(client):
    chain = ChainFactory(name="测试钢铁链")
    leader, core = EnterpriseFactory(name="测试甲企业"), EnterpriseFactory(name="测试乙企业")
    down = ChainNodeFactory(chain=chain, segment=Segment.DOWNSTREAM, name="下游环节", enterprises=[core])
    up = ChainNodeFactory(chain=chain, segment=Segment.UPSTREAM, name="上游环节")
    mid2 = ChainNodeFactory(chain=chain, segment=Segment.MIDSTREAM, name="中游二", position=2)
    mid1 = ChainNodeFactory(chain=chain, segment=Segment.MIDSTREAM, name="中游一", position=1, enterprises=[leader])
    chain_save(chain=chain, leaders=[leader], cores=[core])

    body = client.get(chain.get_absolute_url()).content.decode()
    diagram = body[body.index('class="chain-diagram"'):body.index("</ol>")]
    assert re.findall(r'class="chain-segment-title">(.*?)<', diagram) == ["上游", "中游", "下游"]
    assert re.findall(r'href="#node-([^"]+)"', diagram) == [n.slug for n in (up, mid1, mid2, down)]
    # Each box opens its section below, where the records are linked; roles are the chain's own.
    for node in (up, mid1, mid2, down):
        assert f'id="{node.anchor}"' in body
    mid1_section = body[body.index(f'id="{mid1.anchor}"'):].split("</article>")[0]
    assert f'href="{leader.get_absolute_url()}"' in mid1_section
    assert re.search(r"测试甲企业</a> <span class=\"tag\">链主</span>", mid1_section)
    assert "链主" in node_box(body, mid1.anchor)
    down_section = body[body.index(f'id="{down.anchor}"'):].split("</article>")[0]
    assert re.search(r"测试乙企业</a> <span class=\"tag\">链核</span>", down_section)
    assert "链主企业" in body and "链核企业" in body
    # The same enterprise on another chain carries no role there: the role is the chain's, not an honour.
    other = ChainNodeFactory(name="别的环节", enterprises=[leader])
    other_body = client.get(other.chain.get_absolute_url()).content.decode()
    other_section = other_body[other_body.index(f'id="{other.anchor}"'):].split("</article>")[0]
    assert "测试甲企业" in other_section and '<span class="tag">链主</span>' not in other_section


def test_the_list_shows_each_chain_with_its_diagram_and_missing_count(client):
    sector = SectorFactory(name="测试钢铁", slug="test-steel")
    chain = ChainFactory(name="测试链甲", sectors=[sector])
    ChainNodeFactory(chain=chain, name="已补环节", enterprises=[EnterpriseFactory()])
    ChainNodeFactory(chain=chain, name="空环节", segment=Segment.DOWNSTREAM)
    ChainFactory(name="测试链乙")

    body = client.get("/chains/").content.decode()
    card = body[body.index("测试链甲"):].split("</li>\n  \n    <li")[0]
    assert "2 个环节 · 1 个缺失环节" in card
    assert f'href="{chain.get_absolute_url()}#node-' in card
    assert "测试链乙" in body

    only = client.get("/chains/", {"sector": "test-steel"}).content.decode()
    assert "测试链甲" in only and "测试链乙" not in only


def test_english_pages_use_english_names_and_mark_chinese_only_text(client):
    chain = ChainFactory(name="测试中文链", name_en="Test steel chain", summary="只有中文摘要")
    ChainNodeFactory(chain=chain, name="中文环节", name_en="English link")
    body = client.get(f"/en/chains/{chain.slug}/").content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Test steel chain</h1>" in body
    assert "English link" in body and "Missing link" in body
    assert '<span lang="zh-Hans">只有中文摘要</span>' in body
    assert 'hreflang="zh-Hans" href="http://testserver/chains/' in body


def test_unpublished_records_and_staff_fields_never_reach_the_chain_pages(client):
    chain = ChainFactory(name="测试公开链", staff_note=f"{MARKER}链备注", review_comment=f"{MARKER}审核")
    hidden_enterprise = EnterpriseFactory(name=f"{MARKER}企业", is_published=False)
    hidden_project = ProjectFactory(name=f"{MARKER}项目", is_published=False)
    archived = ProjectFactory(name=f"{MARKER}归档项目")
    workflow.archive_project(project=archived, user=None, reason="测试")
    node = ChainNodeFactory(chain=chain, name="只有隐藏记录的环节", staff_note=f"{MARKER}环节备注",
                            enterprises=[hidden_enterprise], projects=[hidden_project, archived])
    ChainNodeFactory(chain=chain, name=f"{MARKER}未发布环节", is_published=False, review_status="draft")
    ChainFactory(name=f"{MARKER}未发布链", slug="zqxchainmarker-chain", is_published=False, review_status="draft")
    chain_save(chain=chain, leaders=[hidden_enterprise])

    urls = ["/chains/", chain.get_absolute_url(), f"/en{chain.get_absolute_url()}", "/en/chains/", "/sitemap.xml"]
    for url in urls:
        body = client.get(url).content.decode()
        assert MARKER not in body, url
        assert "zqxchainmarker" not in body, url
    # What the public cannot see does not fill the link.
    body = client.get(chain.get_absolute_url()).content.decode()
    assert node_box(body, node.anchor) == "只有隐藏记录的环节 缺失环节"
    assert client.get("/chains/zqxchainmarker-chain/").status_code == 404


def test_bad_input_is_answered_400_or_404_never_500(client):
    ChainFactory()
    assert client.get("/chains/", {"sector": "no-such-sector"}).status_code == 400
    assert "产业领域" in client.get("/chains/", {"sector": "no-such-sector"}).content.decode()
    assert client.get("/chains/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/chains/", {"page": "99"}).status_code == 404
    assert client.get("/chains/no-such-chain/").status_code == 404
    assert client.post("/chains/").status_code == 405


def test_the_sitemap_lists_the_chain_pages_in_both_languages(client):
    chain = ChainFactory()
    body = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver{chain.get_absolute_url()}" in body
    assert f"http://testserver/en{chain.get_absolute_url()}" in body
    assert "http://testserver/chains/</loc>" in body


def _chains(count: int, nodes_each: int = 3) -> None:
    for _ in range(count):
        chain = ChainFactory()
        for index in range(nodes_each):
            ChainNodeFactory(chain=chain, segment=Segment.values[index % 3],
                             enterprises=[EnterpriseFactory()] if index else [],
                             projects=[ProjectFactory(stage=Stage.SIGNED)] if index == 2 else [])


@pytest.mark.parametrize("count", [1, 50])
def test_the_chain_list_runs_a_fixed_number_of_queries(client, count):
    _chains(count, nodes_each=1)
    client.get("/chains/")  # the public data version row exists after the first read
    # The session-free page: count, chains, their sectors, their links with counts.
    with exact_queries(4, f"/chains/ with {count} chains"):
        response = client.get("/chains/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_a_chain_page_runs_a_fixed_number_of_queries(client, count):
    chain = ChainFactory()
    for index in range(count):
        ChainNodeFactory(chain=chain, segment=Segment.values[index % 3],
                         enterprises=[EnterpriseFactory()], projects=[ProjectFactory()])
    url = chain.get_absolute_url()
    # The chain, its sectors, leaders, cores, links (with counts), their enterprises, their projects.
    with exact_queries(7, f"{url} with {count} links"):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="chain-node is-filled"') == count


def test_reverse_url_names_exist():
    assert reverse("chains:chain_list") == "/chains/"
