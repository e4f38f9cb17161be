"""Stable, readable ASCII slugs for Chinese names (pinyin), unique per model."""

from django.db import models
from django.utils.text import slugify
from pypinyin import lazy_pinyin


def slug_from_name(name: str, *, max_length: int = 80) -> str:
    ascii_text = " ".join(lazy_pinyin(name, errors="default"))
    return slugify(ascii_text)[:max_length].strip("-") or "item"


def unique_slug(model: type[models.Model], name: str, *, exclude_pk=None, max_length: int = 80) -> str:
    """The pinyin slug of ``name``, with ``-2``, ``-3`` … appended if another record holds it."""
    base = slug_from_name(name, max_length=max_length - 4)
    taken = set(
        model._default_manager.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
