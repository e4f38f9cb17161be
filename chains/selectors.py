"""Reads for the chain pages and the office's list of missing links, in a fixed number of queries.

The public sees published chains, their published links, and on each link only the published
enterprises and public projects (published, not archived); a link none of those fill is shown as a
missing link (缺失环节). 链主 and 链核 are the chain's own links to enterprises, shown when published.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ledger.models import Revision
from ledger.revisions import apply_revision
from projects.models import Enterprise, Project, Sector

from .models import SEGMENT_ORDER, Chain, ChainNode, ChainRole, Segment, segment_rank


@dataclass
class SegmentColumn:
    """One segment of a chain's diagram (上游, 中游, 下游) and its links, in order."""

    segment: str
    label: str
    nodes: list[ChainNode]


def columns(nodes: list[ChainNode]) -> list[SegmentColumn]:
    """The links grouped by segment, upstream first; a segment without links is left out."""
    grouped: dict[str, list[ChainNode]] = {}
    for node in nodes:
        grouped.setdefault(node.segment, []).append(node)
    return [SegmentColumn(segment, Segment(segment).label, grouped[segment]) for segment in Segment.values
            if segment in grouped]


def _public_nodes() -> QuerySet[ChainNode]:
    return ChainNode.objects.filter(is_published=True).with_counts(public_only=True).in_order()


def public_chains() -> QuerySet[Chain]:
    """Published chains with their sectors and published links (each with its counts): three queries."""
    return Chain.objects.public().prefetch_related(
        "sectors", Prefetch("nodes", queryset=_public_nodes(), to_attr="public_nodes"),
    ).order_by("position", "name", "id")


def with_columns(chains) -> list[Chain]:
    """Each chain with ``columns`` (its diagram) and ``missing_count``."""
    chains = list(chains)
    for chain in chains:
        chain.columns = columns(chain.public_nodes)
        chain.missing_count = sum(1 for node in chain.public_nodes if not node.is_filled)
    return chains


def _page_queryset(nodes: QuerySet[ChainNode]) -> QuerySet[Chain]:
    public_enterprises = Enterprise.objects.public().order_by("name", "id")
    public_projects = Project.objects.public().order_by("name_sort", "id")
    return Chain.objects.prefetch_related(
        "sectors",
        Prefetch("leaders", queryset=public_enterprises, to_attr="public_leaders"),
        Prefetch("cores", queryset=public_enterprises, to_attr="public_cores"),
        Prefetch("nodes", queryset=nodes.prefetch_related(
            Prefetch("enterprises", queryset=public_enterprises, to_attr="public_enterprises"),
            Prefetch("projects", queryset=public_projects, to_attr="public_projects"),
        ), to_attr="public_nodes"),
    )


def _finish(chain: Chain) -> Chain:
    roles = {**{e.pk: ChainRole.CORE for e in chain.public_cores}, **{e.pk: ChainRole.LEADER for e in chain.public_leaders}}
    for node in chain.public_nodes:
        for enterprise in node.public_enterprises:
            enterprise.chain_role = roles.get(enterprise.pk)
        node.leader_count = sum(1 for e in node.public_enterprises if e.chain_role == ChainRole.LEADER)
        node.core_count = sum(1 for e in node.public_enterprises if e.chain_role == ChainRole.CORE)
    chain.columns = columns(chain.public_nodes)
    chain.missing_count = sum(1 for node in chain.public_nodes if not node.is_filled)
    return chain


def chain_page(slug: str) -> Chain:
    """A published chain for its public page (seven queries); ``Chain.DoesNotExist`` otherwise."""
    return _finish(_page_queryset(_public_nodes()).public().get(slug=slug))


def chain_preview(pk: int, *, revision: Revision | None = None) -> Chain:
    """Any chain, for the staff preview: its links published or not, what is on them as the public
    sees it; with ``revision`` (of the chain) its proposed values and sets."""
    chain = _page_queryset(ChainNode.objects.with_counts(public_only=True).in_order()).get(pk=pk)
    if revision is not None:
        m2m = apply_revision(chain, revision)
        for name in ("leaders", "cores"):
            if name in m2m:
                setattr(chain, f"public_{name}", list(Enterprise.objects.public().filter(pk__in=m2m[name])))
        if "sectors" in m2m:
            chain._prefetched_objects_cache["sectors"] = Sector.objects.filter(pk__in=m2m["sectors"])
    return _finish(chain)


def node_preview(pk: int, *, revision: Revision | None = None) -> Chain:
    """The chain page of a link's chain for the staff preview, the link with ``revision``'s values."""
    node = ChainNode.objects.only("chain_id").get(pk=pk)
    chain = _page_queryset(ChainNode.objects.with_counts(public_only=True).in_order()).get(pk=node.chain_id)
    if revision is not None:
        shown = next(n for n in chain.public_nodes if n.pk == pk)
        m2m = apply_revision(shown, revision)
        if "enterprises" in m2m:
            shown.public_enterprises = list(Enterprise.objects.public().filter(pk__in=m2m["enterprises"]))
            shown.enterprise_count = len(shown.public_enterprises)
        if "projects" in m2m:
            shown.public_projects = list(Project.objects.public().filter(pk__in=m2m["projects"]))
            shown.project_count = len(shown.public_projects)
        chain.public_nodes.sort(key=lambda n: (SEGMENT_ORDER.index(n.segment), n.position, n.name, n.pk))
    return _finish(chain)


def missing_links() -> QuerySet[ChainNode]:
    """Every link nothing fills, in any state of publication, by chain and in order: the office's
    targets for 补链招商 (drafts count as filling: someone is bringing that project in)."""
    return (ChainNode.objects.with_counts(public_only=False).missing().select_related("chain")
            .prefetch_related("chain__sectors")
            .order_by("chain__position", "chain__name", "chain_id", segment_rank(), "position", "name", "id"))
