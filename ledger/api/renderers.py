"""A plain HTML view of any API answer, for people who open an API link in a browser.

The JSON is shown pretty-printed and escaped, as text, in a page with no inline script or style
(the site's Content-Security-Policy allows neither). Programs get JSON; spreadsheets get CSV/XLSX.
"""

import json

from django.template.loader import render_to_string
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.utils.urls import replace_query_param


class ApiHTMLRenderer(renderers.BaseRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"
    template_name = "api/data.html"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        request = renderer_context.get("request")
        response = renderer_context.get("response")
        text = "" if data is None else json.dumps(data, cls=JSONEncoder, ensure_ascii=False, indent=2)
        context = {
            "content": text,
            "status_code": getattr(response, "status_code", 200),
            "path": request.get_full_path() if request is not None else "",
            "json_url": _with_format(request, "json"),
            "csv_url": _with_format(request, "csv"),
            "xlsx_url": _with_format(request, "xlsx"),
        }
        return render_to_string(self.template_name, context, request=getattr(request, "_request", None))


def _with_format(request, fmt: str) -> str:
    if request is None:
        return ""
    return replace_query_param(request.get_full_path(), "format", fmt)
