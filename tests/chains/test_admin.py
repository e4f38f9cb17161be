"""The chains' back office: the changelists, the 补链招商 target list, and forms that write through the door."""

import pytest
from django.urls import reverse

from chains.models import ChainNode, Segment
from ledger.revisions import pending_revisions
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import ChainFactory, ChainNodeFactory, EnterpriseFactory, ProjectFactory
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db

TARGETS = "/admin/chains/chainnode/targets/"


def targets(client) -> str:
    """The target list's content (not the messages above it)."""
    body = client.get(TARGETS).content.decode()
    return body[body.index('<p class="help">'):]


def test_the_target_list_names_every_missing_link_and_only_those(admin_client):
    chain = ChainFactory(name="测试目标链")
    missing = ChainNodeFactory(chain=chain, name="待补环节", description="需要电机装备企业", segment=Segment.DOWNSTREAM)
    draft = ChainNodeFactory(chain=chain, name="未发布的待补环节", is_published=False, review_status="draft")
    ChainNodeFactory(chain=chain, name="有企业的环节", enterprises=[EnterpriseFactory()])
    ChainNodeFactory(chain=chain, name="有草稿项目的环节", projects=[ProjectFactory(is_published=False)])

    body = targets(admin_client)
    assert "待补环节" in body and "需要电机装备企业" in body and "未发布的待补环节" in body
    assert "有企业的环节" not in body and "有草稿项目的环节" not in body
    assert "共 2 个缺失环节" in body
    assert admin_url(ChainNode, "change", missing.pk) in body and admin_url(ChainNode, "change", draft.pk) in body
    # The changelist links to it and filters by the same rule.
    changelist = admin_client.get(admin_url(ChainNode, "changelist")).content.decode()
    assert TARGETS in changelist
    filtered = admin_client.get(admin_url(ChainNode, "changelist"), {"filled": "no"})
    assert {node.name for node in filtered.context["cl"].result_list} == {"待补环节", "未发布的待补环节"}


def test_attaching_a_project_in_the_node_form_takes_it_off_the_target_list(admin_client):
    node = ChainNodeFactory(name="表单补链环节")
    project = ProjectFactory()
    assert "表单补链环节" in targets(admin_client)
    url = admin_url(ChainNode, "change", node.pk)
    data = form_data(admin_client.get(url))
    data["projects"] = [str(project.pk)]
    response = admin_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert list(node.projects.all()) == [project]
    assert "表单补链环节" not in targets(admin_client)
    assert node.history.count() == 2


def test_a_stale_form_is_refused_and_keeps_the_input(admin_client, reviewer):
    node = ChainNodeFactory(name="并发环节")
    url = admin_url(ChainNode, "change", node.pk)
    data = form_data(admin_client.get(url))
    from chains.services import node_save

    node.description = "别人先改了"
    node_save(node=node, user=reviewer)
    data["description"] = "我的说明"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "保存失败" in str(form_errors(response))
    node.refresh_from_db()
    assert node.description == "别人先改了"


def test_an_officers_edit_of_a_published_link_is_held_for_review(client, officer):
    node = ChainNodeFactory(name="官员环节")
    client.force_login(officer)
    url = admin_url(ChainNode, "change", node.pk)
    data = form_data(client.get(url))
    data["description"] = "官员提出的说明"
    response = client.post(url, data, follow=True)
    assert "已保存为待审修订" in response.content.decode()
    node.refresh_from_db()
    assert node.description == ""
    assert pending_revisions(node).get().changes == {"description": "官员提出的说明"}


def test_a_chain_form_without_sector_is_refused_in_chinese(admin_client):
    data = {"name": "无领域的链", "name_en": "", "slug": "", "position": "0", "summary": "", "summary_en": "",
            "description": "", "description_en": "", "staff_note": "",
            "nodes-TOTAL_FORMS": "0", "nodes-INITIAL_FORMS": "0", "nodes-MIN_NUM_FORMS": "0", "nodes-MAX_NUM_FORMS": "0"}
    response = admin_client.post(reverse("admin:chains_chain_add"), data)
    assert response.status_code == 200
    assert "sectors" in form_errors(response)


@pytest.mark.parametrize("count", [1, 50])
def test_the_target_list_and_changelists_run_a_fixed_number_of_queries(admin_client, count):
    for index in range(count):
        ChainNodeFactory(segment=Segment.values[index % 3])
    admin_client.get(TARGETS)
    with exact_queries(5, f"target list with {count} links"):
        assert admin_client.get(TARGETS).status_code == 200
    url = admin_url(ChainNode, "changelist")
    admin_client.get(url)
    with exact_queries(9, f"link changelist with {count} links"):
        assert admin_client.get(url).status_code == 200
