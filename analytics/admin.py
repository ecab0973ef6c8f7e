from django.contrib import admin

from .models import KpiSettings


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    """The definitions of active and churned customers the dashboard counts with (one row)."""

    list_display = ["__str__", "churn_days", "active_counts_signings"]

    def has_add_permission(self, request):
        return not KpiSettings.objects.exists()
