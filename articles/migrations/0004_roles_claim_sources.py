"""Bring the role groups up to date with articles.roles.ROLE_PERMISSIONS.

Adds the permissions on claims' sources (missing from 0003, so no role could attach a source to a
claim) and lets whoever edits content remove its parts (citations, a claim's sources, aliases).
"""

import importlib

from django.db import migrations

create_roles = importlib.import_module("articles.migrations.0003_editorial_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_editorial_roles")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
