"""Chains and links are written through the door and governed like every public model: validated,
one history entry per write, an officer's change of a published one held for review, published
only together with what their page shows, deleted only when nothing uses them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chains.models import Chain, ChainNode
from chains.services import chain_save, node_attach, node_save
from ledger import workflow
from ledger.models import RevisionStatus
from ledger.revisions import pending_revisions
from ledger.writes import record_delete
from tests.factories import ChainFactory, ChainNodeFactory, EnterpriseFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_a_chain_needs_a_sector_of_the_tree():
    with pytest.raises(ValidationError) as refused:
        chain_save(chain=Chain(name="无领域链"), sectors=[])
    assert refused.value.message_dict["sectors"] == ["请至少选择一个所属产业领域。"]
    assert not Chain.objects.filter(name="无领域链").exists()


def test_an_enterprise_cannot_be_leader_and_core_of_one_chain():
    chain = ChainFactory()
    enterprise = EnterpriseFactory(name="测试双角色企业")
    with pytest.raises(ValidationError) as refused:
        chain_save(chain=chain, leaders=[enterprise], cores=[enterprise])
    assert "测试双角色企业" in refused.value.message_dict["cores"][0]
    # Leader here, core of another chain: fine, the role is per chain.
    chain_save(chain=chain, leaders=[enterprise])
    other = ChainFactory()
    chain_save(chain=other, cores=[enterprise])
    assert list(enterprise.led_chains.all()) == [chain] and list(enterprise.core_chains.all()) == [other]


def test_a_node_name_is_unique_within_its_chain_only():
    node = ChainNodeFactory(name="同名环节")
    with pytest.raises(ValidationError) as refused:
        node_save(node=ChainNode(chain=node.chain, segment="upstream", name="同名环节"))
    assert refused.value.messages == ["本产业链已有同名环节。"]
    ChainNodeFactory(name="同名环节")  # another chain


def test_each_write_leaves_one_history_entry_with_its_sets(reviewer):
    node = ChainNodeFactory()
    project, enterprise = ProjectFactory(), EnterpriseFactory()
    node_attach(node=node, user=reviewer, projects=[project], enterprises=[enterprise])
    entries = list(node.history.order_by("history_date"))
    assert len(entries) == 2
    assert entries[-1].history_user == reviewer and entries[-1].history_change_reason == "挂接企业或项目"
    assert [row.project_id for row in entries[-1].projects.all()] == [project.pk]


def test_an_officers_change_of_a_published_node_waits_for_a_reviewer(client, officer, reviewer):
    node = ChainNodeFactory(name="待审环节")
    project = ProjectFactory(name="测试待审项目")
    node_attach(node=node, user=officer, projects=[project], expected_version=node.version)

    node.refresh_from_db()
    assert list(node.projects.all()) == []
    assert "测试待审项目" not in client.get(node.chain.get_absolute_url()).content.decode()
    revision = pending_revisions(node).get()
    assert revision.changes == {"projects": [project.pk]}

    workflow.revision_approve(revision=revision, user=reviewer)
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.APPROVED
    assert "测试待审项目" in client.get(node.chain.get_absolute_url()).content.decode()


def test_an_officer_may_not_publish_and_a_node_is_published_with_its_chain(officer, reviewer):
    chain = ChainFactory(is_published=False, review_status="draft")
    node = ChainNodeFactory(chain=chain, is_published=False, review_status="draft")
    with pytest.raises(PermissionDenied):
        workflow.publish(record=node, user=officer)
    with pytest.raises(ValidationError) as refused:
        workflow.publish(record=node, user=reviewer)
    assert "产业链“" in refused.value.messages[0]
    workflow.publish(record=node, user=reviewer, together=True)
    chain.refresh_from_db()
    node.refresh_from_db()
    assert chain.is_published and node.is_published


def test_a_record_a_chain_uses_is_not_deleted_from_under_it(administrator):
    enterprise = EnterpriseFactory(name="测试被用企业")
    node = ChainNodeFactory(enterprises=[enterprise])
    with pytest.raises(ValidationError) as refused:
        record_delete(record=enterprise, user=None)
    assert node.name in refused.value.messages[0]
    # A published link deleted by someone who may not publish it waits for a reviewer.
    assert record_delete(record=node, user=administrator).action == "delete"
    assert ChainNode.objects.filter(pk=node.pk).exists()
    # An unpublished one is deleted through the door at once: one history entry says so.
    ChainNode.objects.filter(pk=node.pk).update(is_published=False)
    pk = node.pk
    record_delete(record=ChainNode.objects.get(pk=pk), user=administrator)
    assert not ChainNode.objects.filter(pk=pk).exists()
    last = ChainNode.history.filter(id=pk).latest("history_date")
    assert (last.history_type, last.history_user) == ("-", administrator)


def test_an_officer_may_not_delete_a_link(officer):
    node = ChainNodeFactory()
    with pytest.raises(PermissionDenied):
        record_delete(record=node, user=officer)


def test_a_sector_in_use_by_a_chain_cannot_be_deleted():
    sector = SectorFactory()
    ChainFactory(sectors=[sector])
    with pytest.raises(ValidationError):
        record_delete(record=sector, user=None)
