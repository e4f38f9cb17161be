"""The address a request came from, for per-address limits (the 投资意向 form's rate limit).

The plain socket address. Behind a reverse proxy every request shares the proxy's address; the
trusted-proxy version (issue #19) replaces this function at merge.
"""

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""
