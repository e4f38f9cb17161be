"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request.

    Every sign-in over HTTP (the admin login form, the API's authentication) passes the request
    and is counted and locked out by axes. ``authenticate()`` without a request only happens in
    code (a shell, a test's ``client.login``); axes cannot attribute it, so it is passed on to
    the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
