"""Public entity pages. Only entities reached through published coverage are shown."""

from django.views.generic import DetailView

from .models import Entity


class EntityDetailView(DetailView):
    context_object_name = "entity"

    def get_queryset(self):
        return Entity.objects.public().prefetch_related("aliases")
