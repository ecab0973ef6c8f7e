from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from teams.context_processors import register_nav_item

        from . import home, permissions, timeline  # noqa: F401 - registers rules, panels, events

        register_nav_item(
            "customers.work_with_customers", "customers:customer-list", _("Customers"), "building"
        )
        register_nav_item(
            "customers.work_with_customers",
            "customers:quick-log",
            _("Quick log"),
            "lightning-charge",
        )
        register_nav_item(
            "customers.manage_customers", "customers:handover", _("Handover"), "arrow-left-right"
        )
        register_nav_item(
            "customers.change_grading", "customers:grading-settings", _("Grading"), "sliders"
        )
