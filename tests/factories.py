"""factory_boy factories for every ledger model. Names are visibly synthetic."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from ambassadors.models import Ambassador, Cohort, Lead, LeadStatus
from projects.models import (
    Enterprise,
    Honour,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SectorTier,
    SigningEvent,
    ZoneKind,
)
from projects.stages import Stage


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
    def roles(self, create: bool, extracted, **kwargs) -> None:
        if not create or not extracted:
            return
        from django.contrib.auth.models import Group

        from projects.roles import sync_roles

        if Group.objects.filter(name__in=[str(role) for role in extracted]).count() < len(set(extracted)):
            sync_roles()
        self.groups.set(Group.objects.filter(name__in=[str(role) for role in extracted]))


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"测试领域{n}")
    slug = factory.Sequence(lambda n: f"test-sector-{n}")
    tier = SectorTier.EMERGING


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试荣誉{n}")
    slug = factory.Sequence(lambda n: f"test-honour-{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    slug = factory.Sequence(lambda n: f"test-enterprise-{n}")
    province = "湖北"
    city = "武汉"
    is_published = True


class SigningEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SigningEvent

    name = factory.Sequence(lambda n: f"测试签约活动{n}")
    slug = factory.Sequence(lambda n: f"test-event-{n}")
    held_on = datetime.date(2026, 2, 10)
    is_published = True


class RenewalZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RenewalZone

    name = factory.Sequence(lambda n: f"测试片区{n}")
    slug = factory.Sequence(lambda n: f"test-zone-{n}")
    kind = ZoneKind.CARRIER
    is_published = True


class ResearchInstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchInstitute

    name = factory.Sequence(lambda n: f"测试研究院{n}")
    slug = factory.Sequence(lambda n: f"test-institute-{n}")
    is_published = True


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published, signed project with one investor; pass ``investors=[...]`` to choose them."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试项目{n}")
    slug = factory.Sequence(lambda n: f"test-project-{n}")
    sector = factory.SubFactory(SectorFactory)
    stage = Stage.SIGNED
    signed_on = datetime.date(2026, 2, 10)
    total_investment = Decimal("10000.00")
    is_published = True

    @factory.post_generation
    def investors(self, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        self.investors.set(extracted if extracted is not None else [EnterpriseFactory()])


class ProjectMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMilestone

    project = factory.SubFactory(ProjectFactory)
    stage = Stage.SIGNED
    date = datetime.date(2026, 2, 10)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"测试批次{n}")
    slug = factory.Sequence(lambda n: f"test-cohort-{n}")
    year = 2026
    is_published = True


class AmbassadorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ambassador

    name = factory.Sequence(lambda n: f"测试大使{n}")
    slug = factory.Sequence(lambda n: f"test-ambassador-{n}")
    cohort = factory.SubFactory(CohortFactory)
    organisation = "测试单位"
    is_published = True


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    ambassador = factory.SubFactory(AmbassadorFactory)
    target_name = factory.Sequence(lambda n: f"测试目标企业{n}")
    status = LeadStatus.CONTACTED
    is_published = True
