"""Public ambassador results as includable sections (published records and public fields only).

    {% load ambassador_results %}
    {% ambassador_results ambassador %}   {# one ambassador's results #}
    {% cohort_results %}                  {# every published cohort, for the list page #}
"""

from django import template

from ambassadors.results import public_results, public_results_for
from ledger.cache import cached_public_data

register = template.Library()


@register.inclusion_tag("ambassadors/includes/ambassador_results.html")
def ambassador_results(ambassador):
    return {"results": public_results_for(ambassador)}


@register.inclusion_tag("ambassadors/includes/cohort_results.html")
def cohort_results():
    """Every published cohort's results: computed once per change of the public data (ledger.cache)."""
    return {"groups": cached_public_data("cohort-results", public_results)}
