"""The site's URLs. Configuration only: the apps' URLconfs by dotted path (include), the sitemap's
sections from settings.QINGSHAN_SITEMAPS; no app module is imported here (tests/test_import_direction.py)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.templatetags.static import static
from django.urls import include, path
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from . import health

admin.site.site_header = _("青山区招商项目管理系统")
admin.site.site_title = _("青山区招商局后台")
admin.site.index_title = _("招商项目库")


class FaviconRedirect(RedirectView):
    """To the site icon's static URL, looked up per request (the production manifest is read then, not at import)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


SITEMAPS = {section: import_string(dotted) for section, dotted in settings.QINGSHAN_SITEMAPS.items()}

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The ambassador results page is AmbassadorAdmin's (admin:ambassadors_ambassador_results); its old address
    # keeps working for bookmarks.
    path("admin/ambassadors/results/", RedirectView.as_view(pattern_name="admin:ambassadors_ambassador_results",
                                                            permanent=True, query_string=True)),
    # Issue 14: the admin's second sign-in step and its set-up (accounts/two_factor.py).
    path("admin/two-factor/", include("accounts.two_factor_urls")),
    path("admin/", admin.site.urls),
    # The language switch is a POST form on every public page. Exempt from CSRF (switching a visitor's
    # language is harmless) so that pages carry no per-visitor token and can be cached (qingshan/cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", FaviconRedirect.as_view()),
    path("api/v1/", include("qingshan.api_urls")),
    # Staff preview of drafts and pending revisions (ledger.preview): never cached, 404 for anyone else.
    path("preview/", include("ledger.urls")),
]
# The public site: Chinese at /…, English at /en/… (a link an investor can be sent). The admin and the
# API stay unprefixed (the API follows Accept-Language: qingshan.middleware.ChineseFirstLocaleMiddleware).
urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("", include("portal.ambassador_urls")),
    path("", include("portal.chain_urls")),
    path("", include("portal.interest_urls")),
    prefix_default_language=False,
)

handler404 = "portal.views.page_not_found"
# A database outage anywhere in the stack answers 503; anything else gets portal.views.server_error.
handler500 = "qingshan.middleware.server_error"

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
