"""投资意向 in the back office: the submissions of the public form, for the officers to follow up."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ledger.admin_refusals import RefusalFormAdminMixin

from .interest import interest_update
from .models import InvestmentInterest


@admin.register(InvestmentInterest)
class InvestmentInterestAdmin(RefusalFormAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "organisation", "contact_name", "subject", "status", "officer")
    list_filter = ("status",)
    list_select_related = ("project", "zone", "officer")
    search_fields = ("organisation", "contact_name", "phone", "email")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "organisation", "contact_name", "phone", "email", "message", "consent",
                       "project", "zone", "language")
    fields = (*readonly_fields, "status", "officer", "staff_note")

    def has_add_permission(self, request):
        return False  # submitted by visitors through the public form

    @admin.display(description=_("感兴趣的"))
    def subject(self, obj):
        return obj.project or obj.zone or "—"

    def save_model(self, request, obj, form, change):
        interest_update(interest=obj, user=request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "zone", "officer")

