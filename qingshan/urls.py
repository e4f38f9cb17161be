from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from ambassadors.results_admin import results_view as ambassador_results_view
from projects.sitemaps import SITEMAPS
from projects.views import robots_txt

from . import health

admin.site.site_header = _("青山区招商项目管理系统")
admin.site.site_title = _("青山区招商局后台")
admin.site.index_title = _("招商项目库")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/ambassadors/results/", admin.site.admin_view(ambassador_results_view), name="ambassador_results"),
    path("admin/", admin.site.urls),
    # The language switch is a POST form on every public page. Exempt from CSRF (switching a visitor's
    # language is harmless) so that pages carry no per-visitor token and can be cached (qingshan/cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("api/v1/", include("qingshan.api_urls")),
]
# The public site: Chinese at /…, English at /en/… (a link an investor can be sent). The admin and the
# API stay unprefixed (the API follows Accept-Language: qingshan.middleware.ChineseFirstLocaleMiddleware).
urlpatterns += i18n_patterns(
    path("", include("projects.urls")),
    path("", include("ambassadors.urls")),
    path("", include("projects.portal_urls")),
    prefix_default_language=False,
)

handler404 = "projects.views.page_not_found"
# A database outage anywhere in the stack answers 503; anything else gets projects.views.server_error.
handler500 = "qingshan.middleware.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
