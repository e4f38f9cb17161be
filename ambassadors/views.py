"""Public ambassador pages. Placeholders until the public-site work lands."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Ambassador


def ambassador_list(request):
    names = Ambassador.objects.public().values_list("name", flat=True)
    return HttpResponse("\n".join(names), content_type="text/plain; charset=utf-8")


def ambassador_detail(request, slug):
    ambassador = get_object_or_404(Ambassador.objects.public(), slug=slug)
    return HttpResponse(ambassador.name, content_type="text/plain; charset=utf-8")
