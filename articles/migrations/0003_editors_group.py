"""The "Editors" group: exactly the rights editing articles and tags needs."""

from django.db import migrations

# Editors read the imported files and fix everything derived from them; they
# never manage users, groups or the files' raw text history.
EDITOR_PERMISSIONS = {
    "source": ["view", "change"],
    "article": ["view", "add", "change", "delete"],
    "section": ["view", "add", "change", "delete"],
    "link": ["view", "add", "change", "delete"],
    "tag": ["view", "add", "change", "delete"],
    "tagalias": ["view", "add", "change", "delete"],
    "articletag": ["view", "add", "change", "delete"],
    "removedtag": ["view", "delete"],
}


def create_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are made after migrations; make them now for a fresh database.
    # (A historical app config has no models module; put back whatever it had,
    # so that a caller passing the real registry keeps its post_migrate.)
    for app_config in apps.get_app_configs():
        had = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
