"""The office's people in the admin: groups and users with Chinese permission names (``admin_auth``), and
the user admin where role membership makes an account staff (``admin_users``)."""

from . import admin_auth, admin_users  # noqa: F401
