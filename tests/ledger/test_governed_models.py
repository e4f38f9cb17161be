"""Every model the public sees is governed alike at the write door: a change or delete of a public
record by someone who may not publish it waits for a reviewer (a pending deletion is a revision
too). The models come from the registry (``ledger.writes.register_governed``), and the registry is
checked against what the public site, the anonymous API, its exports, the feed and the sitemap
actually read, so that a new public model cannot be forgotten."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models.signals import post_init
from rest_framework import serializers

from accounts.roles import Role
from ambassadors.models import Ambassador, Cohort, Lead
from chains.models import Chain, ChainNode
from figures.models import AnnouncedFigure
from ledger import workflow
from ledger.models import DatePrecision, Revision, RevisionAction, RevisionStatus
from ledger.permissions import perm
from ledger.writes import governed_models, publisher_permission, record_delete, record_save
from projects.models import (
    Enterprise,
    Honour,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)
from qingshan.api_urls import router
from qingshan.urls import SITEMAPS
from tests.factories import (
    AmbassadorFactory,
    ChainFactory,
    ChainNodeFactory,
    CohortFactory,
    EnterpriseFactory,
    HonourFactory,
    LeadFactory,
    ProjectFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
    StaffUserFactory,
)
from tests.site_world import build_world

pytestmark = pytest.mark.django_db

MARKER = "ZQXGOVERNEDMARKER"


def _figure() -> AnnouncedFigure:
    return record_save(record=AnnouncedFigure(
        indicator="测试指标", value=Decimal("10"), unit="个", period_on=datetime.date(2025, 1, 1),
        period_precision=DatePrecision.YEAR, source_title="测试报道", is_published=True, review_status="approved"))


def _milestone() -> ProjectMilestone:
    return ProjectMilestone.objects.filter(project=ProjectFactory()).earliest("created_at")


# Per governed model: a public record, and a public text field a change would show.
CASES: dict[type, tuple[Callable[[], object], str]] = {
    Project: (ProjectFactory, "summary"),
    ProjectMilestone: (_milestone, "note"),
    Enterprise: (EnterpriseFactory, "name"),
    SigningEvent: (SigningEventFactory, "name"),
    RenewalZone: (RenewalZoneFactory, "name"),
    ResearchInstitute: (ResearchInstituteFactory, "name"),
    Sector: (SectorFactory, "name"),
    Honour: (HonourFactory, "name"),
    Cohort: (CohortFactory, "name"),
    Ambassador: (AmbassadorFactory, "name"),
    Lead: (LeadFactory, "target_name"),
    Chain: (ChainFactory, "name"),
    ChainNode: (ChainNodeFactory, "name"),
    AnnouncedFigure: (_figure, "indicator"),
}

# What public requests read that is no record of its own: bookkeeping, and the stored export cells
# (derived from the governed project and the records it lists, and kept fresh by the door).
NOT_CONTENT = {"ledger.publicdataversion", "contenttypes.contenttype", "projects.projectexportcells",
               "sessions.session", "auth.user", "auth.permission", "auth.group"}


def test_every_governed_model_has_a_case_here():
    assert set(governed_models()) == set(CASES)


def _non_publisher(model, action: str):
    """A user of some role who may ``action`` the model's records but not publish them (None: no role may)."""
    for role in Role:
        names = set(Group.objects.get(name=str(role)).permissions.values_list("content_type__app_label", "codename"))
        may = (model._meta.app_label, perm(model, action).split(".")[1]) in names
        publishes = tuple(publisher_permission(model).split(".")) in names
        if may and not publishes:
            return StaffUserFactory(username=f"{role}-{action}", roles=[role])
    return None


@pytest.fixture
def reviewer():
    return StaffUserFactory(username="reviewer", roles=[Role.REVIEWER])


def _shown(model) -> str:
    return str(CASES[model][1])


@pytest.mark.parametrize("model", list(CASES), ids=lambda m: m.__name__)
def test_a_non_publishers_change_of_a_public_record_waits_for_review(model, reviewer):
    StaffUserFactory(username="seed-roles", roles=[Role.OFFICER])
    record = CASES[model][0]()
    field = _shown(model)
    user = _non_publisher(model, "change")
    assert user is not None, f"nobody but a publisher changes {model.__name__}: nothing to govern"
    before = getattr(record, field)
    edited = model._default_manager.get(pk=record.pk)
    setattr(edited, field, f"{before}{MARKER}")
    record_save(record=edited, user=user)
    assert getattr(model._default_manager.get(pk=record.pk), field) == before
    revision = Revision.objects.get(object_id=record.pk, author=user, status=RevisionStatus.PENDING)
    assert revision.changes == {field: f"{before}{MARKER}"}
    workflow.revision_approve(revision=revision, user=reviewer)
    assert getattr(model._default_manager.get(pk=record.pk), field) == f"{before}{MARKER}"


@pytest.mark.parametrize("model", list(CASES), ids=lambda m: m.__name__)
def test_a_non_publishers_delete_of_a_public_record_is_a_pending_deletion(model, reviewer):
    StaffUserFactory(username="seed-roles", roles=[Role.OFFICER])
    record = CASES[model][0]()
    user = _non_publisher(model, "delete")
    if user is None:  # only a publisher (or a superuser) may delete these at all
        assert not StaffUserFactory(username="officer-x", roles=[Role.OFFICER]).has_perm(perm(model, "delete"))
        return
    revision = record_delete(record=record, user=user)
    assert revision.action == RevisionAction.DELETE and revision.status == RevisionStatus.PENDING
    assert model._default_manager.filter(pk=record.pk).exists()
    workflow.revision_return(revision=revision, user=reviewer, reason="仍在使用")
    assert model._default_manager.filter(pk=record.pk).exists()

    revision = record_delete(record=model._default_manager.get(pk=record.pk), user=user)
    workflow.revision_approve(revision=revision, user=reviewer)
    assert not model._default_manager.filter(pk=record.pk).exists()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.APPROVED


def test_a_pending_deletion_shows_in_the_review_queue_with_what_it_removes(client, reviewer):
    administrator = StaffUserFactory(username="administrator", roles=[Role.ADMINISTRATOR])
    zone = RenewalZoneFactory(name="待删除的测试片区")
    client.force_login(administrator)
    response = client.post(f"/admin/projects/renewalzone/{zone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert RenewalZone.objects.filter(pk=zone.pk).exists()
    assert client.get(zone.get_absolute_url()).status_code == 200

    client.force_login(reviewer)
    queue = client.get("/admin/projects/renewalzone/?pending_revision=yes").content.decode()
    assert "待删除的测试片区" in queue
    page = client.get(f"/admin/projects/renewalzone/{zone.pk}/change/").content.decode()
    assert "待审删除" in page and "（删除）" in page and "待删除的测试片区" in page


# -- the registry against what the public reads ------------------------------------------------
def _serializer_models(serializer_class) -> set:
    found = set()
    meta = getattr(serializer_class, "Meta", None)
    if getattr(meta, "model", None) is not None:
        found.add(meta.model)
    for field in serializer_class().fields.values():
        child = getattr(field, "child", field)
        if isinstance(child, serializers.BaseSerializer):
            found |= _serializer_models(type(child))
        related = getattr(getattr(child, "child_relation", child), "queryset", None)
        if related is not None:
            found.add(related.model)
    return found


def test_every_model_of_the_anonymous_api_is_governed():
    public = set()
    for _prefix, viewset, _basename in router.registry:
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is not None:
            public |= _serializer_models(serializer_class)
    assert public, "the API names no serializer"
    assert public <= set(governed_models()), public - set(governed_models())


def test_every_model_of_the_sitemap_is_governed():
    models = set()
    for sitemap in SITEMAPS.values():
        items = sitemap().items()
        if hasattr(items, "model"):
            models.add(items.model)
    assert models and models <= set(governed_models())


def test_every_record_a_public_request_reads_is_governed(client):
    world = build_world()
    ChainNodeFactory(enterprises=[world.investor])
    loaded: set = set()

    def note(sender, **kwargs):
        loaded.add(sender)

    urls = ["/", "/projects/", "/events/", "/institutes/", "/zones/", "/ambassadors/", "/chains/", "/map/",
            "/map/data.json", "/interest/", "/sitemap.xml", "/projects/feed/",
            world.started.get_absolute_url(), world.event.get_absolute_url(), world.zone.get_absolute_url(),
            world.institute.get_absolute_url(), world.ambassador.get_absolute_url(),
            *(chain.get_absolute_url() for chain in Chain.objects.all())]
    for prefix, viewset, _basename in router.registry:
        formats = {renderer.format for renderer in viewset.renderer_classes} & {"csv", "xlsx"}
        urls += [f"/api/v1/{prefix}/", *(f"/api/v1/{prefix}/?format={fmt}" for fmt in sorted(formats))]
    post_init.connect(note)
    try:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
    finally:
        post_init.disconnect(note)
    content = {model for model in loaded if model._meta.label_lower not in NOT_CONTENT
               and not model._meta.label_lower.startswith("projects.historical")}
    assert {Project, Sector, Honour, Lead, ChainNode} <= content  # the crawl reached them
    assert content <= set(governed_models()), content - set(governed_models())
    assert all(apps.is_installed(model._meta.app_label) for model in content)
