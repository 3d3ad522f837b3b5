"""An index in the API's order of entities (name, id), so that a page is read from it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('entities', '0004_entity_redirect'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='entity',
            index=models.Index(fields=['name', 'id'], name='entity_name_order'),
        ),
    ]
