"""The article body's stored rendering and the key of what it was rendered from
(``articles/stored_body.py``). Existing articles start empty, which the page treats as any
outdated copy: it renders the body. ``manage.py store_article_bodies`` fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_search_head")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_html",
            field=models.TextField(blank=True, default="", editable=False, serialize=False),
        ),
        migrations.AddField(
            model_name="article",
            name="body_html_key",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=32, serialize=False
            ),
        ),
    ]
