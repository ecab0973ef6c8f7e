from django.contrib.admin.apps import AdminConfig


class CrmAdminConfig(AdminConfig):
    """The Django admin with the CRM's own site (superusers only)."""

    default_site = "crm_site.admin.SuperuserAdminSite"
