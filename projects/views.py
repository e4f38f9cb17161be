"""Public pages. Placeholders until the public-site work lands; they show published records only."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Project, RenewalZone, ResearchInstitute, SigningEvent


def _list(model):
    def view(request):
        names = model.objects.public().values_list("name", flat=True)
        return HttpResponse("\n".join(names), content_type="text/plain; charset=utf-8")

    return view


def _detail(model):
    def view(request, slug):
        obj = get_object_or_404(model.objects.public(), slug=slug)
        return HttpResponse(obj.name, content_type="text/plain; charset=utf-8")

    return view


project_list, project_detail = _list(Project), _detail(Project)
event_list, event_detail = _list(SigningEvent), _detail(SigningEvent)
institute_list, institute_detail = _list(ResearchInstitute), _detail(ResearchInstitute)
zone_list, zone_detail = _list(RenewalZone), _detail(RenewalZone)
