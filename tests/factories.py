"""factory_boy factories for every ledger model. Names are visibly synthetic.

Ledger records are built through the write services (the door every admin form, import and
command goes through), as system writes (``user=None``): the same validation, stage table,
slugs, milestones, history entry and public-data bump a user's write gets. A system write may
set the workflow fields, so a factory makes a record published directly (``is_published=True``,
the default). A state the services refuse (a signed project without investors, say) is not a
factory's to make: a test that needs one makes it visibly, after the factory, with a queryset
update or an ``m2m.clear()``.

The project factories follow the stages (Data Hub's ``investment/project/test/factories.py``):
``NegotiatingProjectFactory`` → ``SignedProjectFactory`` → ``RegisteredProjectFactory`` →
``StartedProjectFactory`` → ``CompletedProjectFactory`` → ``InProductionProjectFactory``, each filling what the stage table
(``projects/stages.py``) requires of its stage. ``ProjectFactory`` is the signed one.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import models

from ambassadors.models import Ambassador, Cohort, Lead, LeadStatus
from ambassadors.services import ambassador_save, lead_save
from chains.models import Chain, ChainNode, Segment
from chains.services import chain_save, node_save
from projects.funds import funds_entry_save
from projects.models import (
    Enterprise,
    FundsEntry,
    FundsEntryKind,
    Honour,
    Project,
    ProjectMilestone,
    ProjectYearFigures,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SectorTier,
    SigningEvent,
    ZoneKind,
)
from projects.services import enterprise_save, project_save, record_save
from projects.stages import Stage

ModelT = TypeVar("ModelT", bound=models.Model)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct-horse-battery-staple")


class SuperUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class StaffUserFactory(UserFactory):
    """A staff account in the given roles: ``StaffUserFactory(roles=[Role.OFFICER])``.

    The role groups come from the data migration; ``sync_roles`` makes sure they exist even after
    a transactional test has emptied the tables.
    """

    is_staff = True
    # An unusable password: no slow hashing per account; a test that signs in sets one.
    password = "!no-password"

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def roles(self: AbstractUser, create: bool, extracted: Iterable[str] | None, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        from django.contrib.auth.models import Group

        from accounts.roles import sync_roles

        if Group.objects.filter(name__in=[str(role) for role in extracted]).count() < len(set(extracted)):
            sync_roles()
        self.groups.set(Group.objects.filter(name__in=[str(role) for role in extracted]))


class ServiceFactory(factory.django.DjangoModelFactory[ModelT]):
    """A factory that saves through a write service instead of ``Model.objects.create``.

    Keyword arguments naming a many-to-many field are not given to the model but to the service,
    which writes them with the record (one history entry). ``django_get_or_create`` returns the
    stored record with those values when there is one, as factory_boy does, else saves a new one.
    """

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _save(cls, record: ModelT, m2m: dict[str, list]) -> ModelT:
        """Save ``record`` through its service; ``m2m`` maps many-to-many field names to their sets."""
        return record_save(record=record, m2m=m2m)

    @classmethod
    def _create(cls, model_class: type[ModelT], *args: Any, **kwargs: Any) -> ModelT:
        many = {field.name for field in model_class._meta.many_to_many}
        m2m = {name: list(kwargs.pop(name)) for name in list(kwargs) if name in many and kwargs[name] is not None}
        kwargs = {name: value for name, value in kwargs.items() if name not in many}
        if cls._meta.django_get_or_create:
            lookup = {name: kwargs[name] for name in cls._meta.django_get_or_create}
            existing = model_class._default_manager.filter(**lookup).first()
            if existing is not None:
                return existing
        return cls._save(model_class(*args, **kwargs), m2m)

    @classmethod
    def _build(cls, model_class: type[ModelT], *args: Any, **kwargs: Any) -> ModelT:
        many = {field.name for field in model_class._meta.many_to_many}
        return model_class(*args, **{name: value for name, value in kwargs.items() if name not in many})


class SectorFactory(ServiceFactory[Sector]):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"测试领域{n}")
    slug = factory.Sequence(lambda n: f"test-sector-{n}")
    tier = SectorTier.EMERGING


class HonourFactory(ServiceFactory[Honour]):
    class Meta:
        model = Honour
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试荣誉{n}")
    slug = factory.Sequence(lambda n: f"test-honour-{n}")


class EnterpriseFactory(ServiceFactory[Enterprise]):
    """A published enterprise; ``honours=[...]`` sets its honours."""

    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    slug = factory.Sequence(lambda n: f"test-enterprise-{n}")
    province = "湖北"
    city = "武汉"
    is_published = True

    @classmethod
    def _save(cls, record: Enterprise, m2m: dict[str, list]) -> Enterprise:
        return enterprise_save(enterprise=record, user=None, honours=m2m.get("honours"))


class SigningEventFactory(ServiceFactory[SigningEvent]):
    class Meta:
        model = SigningEvent

    name = factory.Sequence(lambda n: f"测试签约活动{n}")
    slug = factory.Sequence(lambda n: f"test-event-{n}")
    held_on = datetime.date(2026, 2, 10)
    is_published = True


class RenewalZoneFactory(ServiceFactory[RenewalZone]):
    class Meta:
        model = RenewalZone

    name = factory.Sequence(lambda n: f"测试片区{n}")
    slug = factory.Sequence(lambda n: f"test-zone-{n}")
    kind = ZoneKind.CARRIER
    is_published = True


class ResearchInstituteFactory(ServiceFactory[ResearchInstitute]):
    class Meta:
        model = ResearchInstitute

    name = factory.Sequence(lambda n: f"测试研究院{n}")
    slug = factory.Sequence(lambda n: f"test-institute-{n}")
    is_published = True


def one_investor() -> list[Enterprise]:
    return [EnterpriseFactory()]


class NegotiatingProjectFactory(ServiceFactory[Project]):
    """A published project in talks (在谈): no signing date, no investors yet.

    ``investors=[...]`` and ``institutes=[...]`` choose the many-to-many sets. Saved by
    ``project_save``, which logs a milestone for each dated stage the project has passed.
    """

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    slug = factory.Sequence(lambda n: f"test-project-{n}")
    sector = factory.SubFactory(SectorFactory)
    stage = Stage.NEGOTIATING
    total_investment = Decimal("10000.00")
    is_published = True
    investors = factory.LazyFunction(list)

    @classmethod
    def _save(cls, record: Project, m2m: dict[str, list]) -> Project:
        """``funds_in_place=X`` records an opening balance of X in the funds ledger (undated), whose
        sum the project's funds in place is."""
        funds, record.funds_in_place = record.funds_in_place, None
        project = project_save(project=record, user=None, investors=m2m.get("investors"),
                               institutes=m2m.get("institutes"))
        if funds is not None:
            funds_entry_save(entry=FundsEntry(project=project, kind=FundsEntryKind.OPENING, amount=funds), user=None)
            project.refresh_from_db(fields=["funds_in_place", "updated_at"])
        return project


class SignedProjectFactory(NegotiatingProjectFactory):
    """Signed (已签约): the stage table asks for a signing date and an investor."""

    stage = Stage.SIGNED
    signed_on = datetime.date(2026, 2, 10)
    investors = factory.LazyFunction(one_investor)


class RegisteredProjectFactory(SignedProjectFactory):
    """Registered (已注册落户): and the registration date."""

    stage = Stage.REGISTERED
    registered_on = datetime.date(2026, 3, 10)


class StartedProjectFactory(RegisteredProjectFactory):
    """Started (已开工): and the construction start date."""

    stage = Stage.STARTED
    started_on = datetime.date(2026, 4, 10)


class CompletedProjectFactory(StartedProjectFactory):
    """Completed (已竣工): and the completion date."""

    stage = Stage.COMPLETED
    completed_on = datetime.date(2026, 8, 10)


class InProductionProjectFactory(CompletedProjectFactory):
    """In production (已投产): and the production date."""

    stage = Stage.IN_PRODUCTION
    production_on = datetime.date(2026, 10, 10)


# A published, signed project with one investor: what most tests need.
ProjectFactory = SignedProjectFactory


class ProjectMilestoneFactory(ServiceFactory[ProjectMilestone]):
    class Meta:
        model = ProjectMilestone

    project = factory.SubFactory(ProjectFactory)
    stage = Stage.SIGNED
    date = datetime.date(2026, 2, 10)


class FundsEntryFactory(ServiceFactory[FundsEntry]):
    """A dated entry of the funds ledger (到位登记), saved through ``funds_entry_save``."""

    class Meta:
        model = FundsEntry

    project = factory.SubFactory(ProjectFactory)
    received_on = datetime.date(2026, 3, 1)
    amount = Decimal("1000.00")

    @classmethod
    def _save(cls, record: FundsEntry, m2m: dict[str, list]) -> FundsEntry:
        return funds_entry_save(entry=record, user=None)


class ProjectYearFiguresFactory(ServiceFactory[ProjectYearFigures]):
    class Meta:
        model = ProjectYearFigures

    project = factory.SubFactory(ProjectFactory)
    year = 2026


class CohortFactory(ServiceFactory[Cohort]):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"测试批次{n}")
    slug = factory.Sequence(lambda n: f"test-cohort-{n}")
    year = 2026
    is_published = True


class AmbassadorFactory(ServiceFactory[Ambassador]):
    class Meta:
        model = Ambassador

    name = factory.Sequence(lambda n: f"测试大使{n}")
    slug = factory.Sequence(lambda n: f"test-ambassador-{n}")
    cohort = factory.SubFactory(CohortFactory)
    organisation = "测试单位"
    is_published = True

    @classmethod
    def _save(cls, record: Ambassador, m2m: dict[str, list]) -> Ambassador:
        return ambassador_save(ambassador=record, user=None)


class LeadFactory(ServiceFactory[Lead]):
    class Meta:
        model = Lead

    ambassador = factory.SubFactory(AmbassadorFactory)
    target_name = factory.Sequence(lambda n: f"测试目标企业{n}")
    status = LeadStatus.CONTACTED
    is_published = True

    @classmethod
    def _save(cls, record: Lead, m2m: dict[str, list]) -> Lead:
        return lead_save(lead=record, user=None)


def one_sector() -> list[Sector]:
    return [SectorFactory()]


class ChainFactory(ServiceFactory[Chain]):
    """A published chain in one new sector; ``sectors``, ``leaders`` and ``cores`` choose its sets."""

    class Meta:
        model = Chain

    name = factory.Sequence(lambda n: f"测试产业链{n}")
    slug = factory.Sequence(lambda n: f"test-chain-{n}")
    is_published = True
    review_status = "approved"
    sectors = factory.LazyFunction(one_sector)

    @classmethod
    def _save(cls, record: Chain, m2m: dict[str, list]) -> Chain:
        return chain_save(chain=record, user=None, sectors=m2m.get("sectors"), leaders=m2m.get("leaders"),
                          cores=m2m.get("cores"))


class ChainNodeFactory(ServiceFactory[ChainNode]):
    """A published link (midstream) of a new chain, with nothing attached: a missing link."""

    class Meta:
        model = ChainNode

    chain = factory.SubFactory(ChainFactory)
    segment = Segment.MIDSTREAM
    name = factory.Sequence(lambda n: f"测试环节{n}")
    slug = factory.Sequence(lambda n: f"test-node-{n}")
    is_published = True
    review_status = "approved"

    @classmethod
    def _save(cls, record: ChainNode, m2m: dict[str, list]) -> ChainNode:
        return node_save(node=record, user=None, enterprises=m2m.get("enterprises"), projects=m2m.get("projects"))
