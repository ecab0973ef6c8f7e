"""The role Groups and their model permissions.

Each app's data migration passes the permissions its models give each role to
`sync_role_groups`, frozen in that migration. Row visibility is not here: that is
`teams.policy`.
"""


def sync_role_groups(apps, role_permissions):
    """Create one Group per role and add the given permissions (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*wanted)
