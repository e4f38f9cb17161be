"""Template helpers of the investor's portal (issue #18): language alternates and text that stays Chinese.

- ``{% language_alternates %}``: ``<link rel="alternate" hreflang=…>`` for the page in each language
  (and ``x-default``, the Chinese page), on public pages only.
- ``{{ obj|in_language:"summary" }}``: the field in the page's language; on an English page whose
  record has no English text, the Chinese text marked ``lang="zh-Hans"`` (so screen readers and
  browsers read it as Chinese) followed by a visible 英文暂缺 / "Chinese only" mark.
- ``{{ obj|in_language_prose:"description" }}``: the same for multi-line text (paragraphs).
- ``{% capture as name %}``, ``{% page_metadata %}`` and ``{% structured_data record %}``: the page's title
  rendered once, its canonical link and OpenGraph, its schema.org JSON-LD (``portal.metadata``).
"""

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ledger.templatetags.qingshan import is_english, localized
from portal import metadata

register = template.Library()

HREFLANG = {"zh-hans": "zh-Hans", "en": "en"}


def language_urls(request) -> dict[str, str]:
    """The absolute address of this page in each language (query string kept)."""
    path = request.get_full_path()
    return {code: request.build_absolute_uri(translate_url(path, code)) for code, _name in settings.LANGUAGES}


@register.simple_tag(takes_context=True)
def page_in_language(context, code: str) -> str:
    """This page's path (and query) in language ``code``: the language switch's ``next``."""
    request = context["request"]
    return translate_url(request.get_full_path(), code)


@register.simple_tag(takes_context=True)
def language_alternates(context) -> SafeString:
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return SafeString("")
    if request.resolver_match.namespace not in settings.I18N_URL_NAMESPACES:
        return SafeString("")
    urls = language_urls(request)
    rows = [(HREFLANG.get(code, code), url) for code, url in urls.items()]
    rows.append(("x-default", urls[settings.LANGUAGE_CODE]))
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', rows)


def _untranslated(obj, field: str) -> str:
    """The Chinese text when the page is English and no English text was entered, else ""."""
    if obj is None or not is_english() or getattr(obj, f"{field}_en", None) is None:
        return ""
    if getattr(obj, f"{field}_en", ""):
        return ""
    return getattr(obj, field, "") or ""


@register.filter
def startswith(value: str, prefix: str) -> bool:
    """Whether the page's path lies under a section's URL (the navigation's ``aria-current``)."""
    return bool(prefix) and str(value).startswith(str(prefix))


@register.filter
def in_language(obj, field: str = "name") -> SafeString | str:
    chinese = _untranslated(obj, field)
    if chinese:
        return format_html('<span lang="zh-Hans">{}</span> <span class="lang-missing">{}</span>', chinese, _("英文暂缺"))
    return localized(obj, field)


@register.filter
def in_language_prose(obj, field: str = "description") -> SafeString:
    chinese = _untranslated(obj, field)
    if chinese:
        return format_html('<div lang="zh-Hans">{}</div><p class="lang-missing">{}</p>',
                           linebreaks_filter(chinese, autoescape=True), _("英文暂缺"))
    return linebreaks_filter(localized(obj, field), autoescape=True)



class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        context[self.name] = SafeString(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: render the enclosed part once into ``name`` (the
    page's title block, used by the ``<title>`` and by OpenGraph alike)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def page_metadata(context, *, title: str, description: str) -> SafeString:
    """The canonical link and OpenGraph of a public page (a staff preview has neither)."""
    request = context.get("request")
    if request is None or getattr(request, "qingshan_preview", None):
        return SafeString("")
    url = metadata.canonical_url(request)
    locale, alternates = metadata.og_locales()
    rows = [
        format_html('<link rel="canonical" href="{}">', url),
        format_html('<meta property="og:type" content="{}">', "website"),
        format_html('<meta property="og:site_name" content="{}">', _("青山区招商引资")),
        format_html('<meta property="og:title" content="{}">', title),
        format_html('<meta property="og:description" content="{}">', description),
        format_html('<meta property="og:url" content="{}">', url),
        format_html('<meta property="og:locale" content="{}">', locale),
        *(format_html('<meta property="og:locale:alternate" content="{}">', other) for other in alternates),
    ]
    return SafeString("\n  ".join(rows))


@register.simple_tag(takes_context=True)
def structured_data(context, record=None) -> SafeString:
    """The page's schema.org JSON-LD (``portal.metadata``): ``record``'s, or the office's."""
    request = context.get("request")
    if request is None:
        return SafeString("")
    return metadata.structured_data(request, record)
